"""Percentiles over timing samples, and a call's ratio to its floor."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` in 0..1) of `samples`."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def time_calls(call: Callable[[], object], count: int, warmup: int = 20) -> list[float]:
    """Seconds taken by each of `count` calls, after `warmup` calls that are not counted."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def interleaved(calls: dict[str, Callable[[], object]], rounds: int, warmup: int = 20) -> dict[str, list[float]]:
    """Time several calls in alternation, so drift of the machine (GC, other load) hits all alike."""
    for _ in range(warmup):
        for call in calls.values():
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - start)
    return samples


def against_floor(
    samples: dict[str, list[float]],
    measured: str,
    floor: str,
    report: dict[str, Any],
    notes: dict[str, Any],
    *,
    ratio: str,
    prefix: str,
) -> None:
    """The `measured` call's p50 and p99 over the `floor`'s, both timed in the same run
    (`{ratio}_p50_ratio`, `{ratio}_p99_ratio`), and each one's p50 in ms (`{prefix}_{call}_p50_ms`)."""
    measured_p50, floor_p50 = percentile(samples[measured], 0.5), percentile(samples[floor], 0.5)
    report[f"{ratio}_p50_ratio"] = round(measured_p50 / floor_p50, 3)
    report[f"{ratio}_p99_ratio"] = round(percentile(samples[measured], 0.99) / percentile(samples[floor], 0.99), 3)
    notes[f"{prefix}_{measured}_p50_ms"] = round(measured_p50 * 1000, 2)
    notes[f"{prefix}_{floor}_p50_ms"] = round(floor_p50 * 1000, 2)
