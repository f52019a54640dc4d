"""The warm cache: bounded, least recently used out first, entries expiring after their
time-to-live, a None value told from a missing one, safe under threads."""

from __future__ import annotations

from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commcenter.warm_cache import Absent, WarmCache


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_value_put_is_got_until_forgotten() -> None:
    cache: WarmCache[str, int] = WarmCache(4)
    assert cache.get("a") is None
    cache.put("a", 1)
    cache.put("a", 2)
    assert cache.get("a") == 2
    cache.forget("a")
    cache.forget("never there")
    assert cache.get("a") is None
    assert cache.get("a", 0) == 0


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: WarmCache[str, int] = WarmCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # read: now the most recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2
    cache.put("a", 4)  # written again: the most recently used too
    cache.put("d", 5)
    assert (cache.get("a"), cache.get("c"), cache.get("d")) == (4, None, 5)


def test_an_entry_lives_its_time_to_live_from_its_put() -> None:
    clock = Clock()
    cache: WarmCache[str, int] = WarmCache(4, 60.0, clock=clock)
    cache.put("a", 1)
    clock.now += 59.9
    assert cache.get("a") == 1  # a read does not extend it
    cache.put("b", 2)
    clock.now += 0.1
    assert cache.get("a") is None
    assert cache.get("b") == 2
    assert len(cache) == 1  # the expired entry went when it was read
    cache.put("a", 3)  # put again: a new life
    clock.now += 59.9
    assert cache.get("a") == 3


def test_without_a_time_to_live_an_entry_stays_until_pushed_out() -> None:
    clock = Clock()
    cache: WarmCache[str, int] = WarmCache(1, clock=clock)
    cache.put("a", 1)
    clock.now += 10**9
    assert cache.get("a") == 1


def test_a_none_value_is_told_from_a_missing_one() -> None:
    cache: WarmCache[str, int | None] = WarmCache(4)
    cache.put("known to be none", None)
    assert cache.get("known to be none", Absent.ABSENT) is None
    assert cache.get("unknown", Absent.ABSENT) is Absent.ABSENT


def test_clear_drops_everything() -> None:
    cache: WarmCache[int, int] = WarmCache(8)
    for key in range(5):
        cache.put(key, key)
    cache.clear()
    assert len(cache) == 0
    assert [cache.get(key) for key in range(5)] == [None] * 5


@pytest.mark.parametrize(("max_entries", "ttl_seconds"), [(0, None), (-1, None), (1, 0.0), (1, -5.0)])
def test_a_cache_that_could_keep_nothing_is_refused(max_entries: int, ttl_seconds: float | None) -> None:
    with pytest.raises(ValueError, match=r"warm cache|time-to-live"):
        WarmCache(max_entries, ttl_seconds)


operations = st.lists(
    st.tuples(st.sampled_from(["get", "put", "forget"]), st.integers(0, 7), st.integers()),
    max_size=60,
)


@given(st.integers(1, 5), operations)
def test_it_answers_as_a_plain_lru_would(max_entries: int, steps: list[tuple[str, int, int]]) -> None:
    cache: WarmCache[int, int] = WarmCache(max_entries)
    model: OrderedDict[int, int] = OrderedDict()
    for operation, key, value in steps:
        if operation == "put":
            cache.put(key, value)
            model[key] = value
            model.move_to_end(key)
            while len(model) > max_entries:
                model.popitem(last=False)
        elif operation == "forget":
            cache.forget(key)
            model.pop(key, None)
        else:
            assert cache.get(key) == model.get(key)
            if key in model:
                model.move_to_end(key)
        assert len(cache) == len(model) <= max_entries


def test_threads_sharing_it_never_overfill_it_nor_read_a_torn_entry() -> None:
    cache: WarmCache[int, tuple[int, int]] = WarmCache(64)

    def work(worker: int) -> None:
        for step in range(2_000):
            key = (worker * 7 + step) % 200
            cache.put(key, (key, key))
            got = cache.get((key + 3) % 200)
            assert got is None or got[0] == got[1] == (key + 3) % 200
            if step % 5 == 0:
                cache.forget(key)
            assert len(cache) <= 64

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(8)))
    assert len(cache) <= 64
