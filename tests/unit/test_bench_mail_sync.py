"""The mail benchmark's split of a sync: a stage's wall time counts overlapping calls once, its
thread time counts each; a timed iterator counts the waits for each item, not the caller's work."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

# `bench` is a folder of the repository, not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.mail_sync import StageTimes


def test_wall_time_counts_overlaps_once_and_thread_time_each_call() -> None:
    times = StageTimes()
    for start, end in [(0.0, 2.0), (1.0, 3.0), (1.5, 2.5), (5.0, 6.0), (6.0, 6.5)]:
        times.add("store", start, end)
    times.add("parse", 10.0, 11.0)

    assert times.wall_seconds("store") == 4.5
    assert times.thread_seconds("store") == 6.5
    assert times.wall_seconds("parse") == times.thread_seconds("parse") == 1.0
    assert times.wall_seconds("fetch") == times.thread_seconds("fetch") == 0.0


def test_a_timed_iterator_counts_the_waits_for_its_items_only() -> None:
    times = StageTimes()

    def slow_items() -> Iterator[int]:
        for item in range(3):
            time.sleep(0.02)
            yield item

    received = []
    for item in times.timed_iterator("fetch", slow_items)():
        time.sleep(0.05)  # the caller's own work, not fetching
        received.append(item)

    assert received == [0, 1, 2]
    waits = times.intervals["fetch"]
    assert len(waits) == 4  # three items and the end
    assert all(end - start >= 0.02 for start, end in waits[:3])
    # Between two waits the caller worked: that time is not the stage's.
    assert all(later[0] - earlier[1] >= 0.05 for earlier, later in pairwise(waits))
