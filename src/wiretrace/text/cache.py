"""Work done once per text, remembered while the texts it was done for fit a budget of
characters.

The comparer asks the same questions of one text in every pair it is in: its words, its
names, its languages. A trace meets a query in twenty pairs; the story builder meets each
article in about twenty pairs spread over the whole build, so a cache of the last few
hundred texts forgets an article long before it comes back (200 articles of a 20,000-article
store judged twice: 5.0 ms a pair the first time, 1.5 ms the second; the whole build's
judging went from 470 to 335 s with this cache). A cache bounded by the characters of
its texts holds every article of a store that size (average ~900 characters) and a few
thousand long ones, and what it holds grows with the texts, not with their number.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from wiretrace.cache import BoundedCache

#: Characters of text a cache keeps its results for (each cache on its own), unless
#: ``$WIRETRACE_TEXT_CACHE_CHARS`` says otherwise when the process starts: a machine or a
#: Spark executor short of memory trades speed for it (0 keeps only the latest text).
MAX_CHARS = 20_000_000
ENV = "WIRETRACE_TEXT_CACHE_CHARS"

T = TypeVar("T")
log = logging.getLogger(__name__)


def budget() -> int:
    """The character budget of a new cache: ``$WIRETRACE_TEXT_CACHE_CHARS`` when it is a
    whole number of characters (0 or more), else ``MAX_CHARS`` (a bad value is reported,
    not fatal: it only costs speed)."""
    raw = os.environ.get(ENV, "").strip().replace("_", "")
    if not raw:
        return MAX_CHARS
    if raw.isdigit():
        return int(raw)
    log.warning("%s=%r is not a whole number of characters; using %d",
                ENV, os.environ.get(ENV), MAX_CHARS)
    return MAX_CHARS


def _key_chars(text: str, _value: object) -> int:
    return len(text)


class TextCache(BoundedCache[str, Any]):
    """Recent results keyed by a text, least recently used first out once the keys hold
    more than ``max_chars`` characters (``budget()`` when not given)."""

    def __init__(self, max_chars: int | None = None) -> None:
        super().__init__(budget() if max_chars is None else max_chars, _key_chars)


def per_text(func: Callable[[str], T]) -> Callable[[str], T]:
    """``func(text)`` remembered per text in a ``TextCache`` (``func.cache``)."""
    cache = TextCache()

    @wraps(func)
    def cached(text: str) -> T:
        return cache.get(text, lambda: func(text))

    cached.cache = cache  # type: ignore[attr-defined]
    cached.__wrapped__ = func  # type: ignore[attr-defined]
    return cached
