"""The clock reads the time, or, inside `clock_at`, the moment given: in that thread only."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from commcenter.domain.clock import clock_at, now_iso, utc_now

DAY_BEFORE = datetime(2026, 11, 24, 9, 30, 0, 250_000, tzinfo=UTC)


def test_the_clock_reads_the_moment_set_within_the_block_only() -> None:
    with clock_at(DAY_BEFORE):
        assert utc_now() == DAY_BEFORE
        assert now_iso() == "2026-11-24T09:30:00.250Z"
        with clock_at(DAY_BEFORE + timedelta(seconds=754)):
            assert now_iso() == "2026-11-24T09:42:34.250Z"
        assert utc_now() == DAY_BEFORE
    assert abs(utc_now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_moment_in_another_zone_is_read_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    with clock_at(datetime(2026, 11, 24, 10, 30, tzinfo=paris)):
        assert now_iso() == "2026-11-24T09:30:00.000Z"
        assert utc_now().tzinfo == UTC


def test_other_threads_keep_reading_the_time() -> None:
    seen: list[datetime] = []
    with clock_at(DAY_BEFORE):
        other = threading.Thread(target=lambda: seen.append(utc_now()))
        other.start()
        other.join()
    assert abs(seen[0] - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"), clock_at(datetime(2026, 11, 24, 9, 30)):
        pass
