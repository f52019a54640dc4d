"""When a recording copy that failed is tried again, and when it is given up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commcenter.domain.recording_copy import COPY_ATTEMPTS, next_copy_attempt

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def test_each_try_waits_twice_as_long_up_to_six_hours_then_it_is_given_up() -> None:
    delays = []
    for failed in range(1, COPY_ATTEMPTS):
        at = next_copy_attempt(failed, NOW)
        assert at is not None
        delays.append(at - NOW)
    assert delays[:4] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert max(delays) == timedelta(hours=6) and delays == sorted(delays)
    assert next_copy_attempt(COPY_ATTEMPTS, NOW) is None
    assert timedelta(days=1) < sum(delays, timedelta()) < timedelta(days=2)  # about a day and a half
