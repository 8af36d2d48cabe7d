"""The one in-memory cache of the engine: recent results by key, least recently used first
out once their weights add up past a limit (characters of text, bytes of vectors, or a
count). Every per-process cache (texts' work, kept vectors, joined passages, stored rows)
is one of these, so eviction and locking live in one place.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def one(_key: object, _value: object) -> int:
    """Every item weighs 1: the limit is a count."""
    return 1


class BoundedCache(Generic[K, V]):
    """Recent ``key -> value`` items whose ``weigh(key, value)`` sum stays within ``limit``
    (the latest item is kept even when it alone weighs more). Safe to share between threads
    (the web app compares in several)."""

    def __init__(self, limit: int, weigh: Callable[[K, V], int] = one) -> None:
        self.limit = limit
        self.weigh = weigh
        self.total = 0
        self.items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recent), or None."""
        with self._lock:
            if key not in self.items:
                return None
            self.items.move_to_end(key)
            return self.items[key]

    def put(self, key: K, value: V) -> V:
        """Keep ``value`` for ``key`` (replacing any), dropping the least recent past the
        limit."""
        with self._lock:
            if key in self.items:  # a kept None is a value too: weigh it out
                self.total -= self.weigh(key, self.items.pop(key))
            self.items[key] = value
            self.total += self.weigh(key, value)
            while self.total > self.limit and len(self.items) > 1:
                k, v = self.items.popitem(last=False)
                self.total -= self.weigh(k, v)
        return value

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, else ``make()``, kept. ``make`` runs outside the
        lock: two threads may both make a value, neither waits for the other."""
        with self._lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self._lock:
            if key in self.items:
                return self.items[key]
        return self.put(key, value)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self.items

    def __len__(self) -> int:
        with self._lock:
            return len(self.items)

    def clear(self) -> None:
        with self._lock:
            self.items.clear()
            self.total = 0
