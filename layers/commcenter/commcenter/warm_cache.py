"""What a warm function keeps between invocations: one small cache, bounded and thread-safe.

Lambda runs each function in execution environments that serve one invocation after another
for minutes or hours, keeping module globals in between. Reading again, on every webhook, what
rarely changes (a rep by number) or what this very environment just wrote (a conversation) costs
a round trip to DynamoDB each time; keeping it in memory saves that round trip.

Every user must stay correct with a stale entry. Each environment has its own memory and there
are many of them: another one may change an item at any moment, and nothing tells this one. So a
cached value is only ever used in one of two ways:

- as a starting point that the write itself checks (a put conditional on the version read, a
  condition check on a premise next to the write): a stale entry costs a refused write and a
  fresh read, never a wrong result; the user forgets the entry when its write is refused;
- as an answer that may be as old as the cache's time-to-live (a rep's role or settings are
  seen within a minute), where that delay is part of the documented behaviour.

Anything else (a value that a write trusts without checking it) must not be cached.

The cache is bounded: past `max_entries`, the least recently used entry goes, so memory stays
flat however long the environment lives. With `ttl_seconds`, each entry lives that long after
it was put. One lock guards every operation: Chalice serves one request at a time, but a
function may use threads, and the local stack calls the same module from several threads.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from enum import Enum
from threading import Lock
from typing import Generic, TypeVar, overload

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")


class Absent(Enum):
    """A default for `get` that no value can be: for a cache whose values may be None."""

    ABSENT = "absent"


class WarmCache(Generic[K, V]):
    """Up to `max_entries` values by key, least recently used out first; with `ttl_seconds`,
    an entry is gone that many seconds after it was put. `clock` is for tests."""

    def __init__(
        self, max_entries: int, ttl_seconds: float | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if max_entries < 1:
            raise ValueError("a warm cache keeps at least one entry")
        if ttl_seconds is not None and ttl_seconds <= 0:
            raise ValueError("a time-to-live is a positive number of seconds")
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._lock = Lock()
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()  # key: (expires at, value)

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: D | None = None) -> V | D | None:
        """The value kept under `key`, or `default` when there is none or it expired.
        A hit makes the entry the most recently used."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            expires_at, value = entry
            if expires_at <= self._clock():
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep `value` under `key` (replacing what was there), as the most recently used entry;
        the least recently used one goes when the cache is full."""
        expires_at = math.inf if self.ttl_seconds is None else self._clock() + self.ttl_seconds
        with self._lock:
            self._entries[key] = (expires_at, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def forget(self, key: K) -> None:
        """Drop the entry under `key`, if any (its write was refused: it is known to be stale)."""
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        """The entries held, expired ones included until they are read or pushed out."""
        with self._lock:
            return len(self._entries)
