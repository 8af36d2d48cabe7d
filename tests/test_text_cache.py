"""The per-text cache: bounded by the characters of its texts, least recently used out."""

from __future__ import annotations

import threading

import pytest

from wiretrace.text.cache import TextCache, per_text


def test_the_cache_forgets_the_least_recent_texts_past_its_character_budget() -> None:
    made: list[str] = []
    cache = TextCache(max_chars=10)

    def get(text: str) -> int:
        return cache.get(text, lambda: made.append(text) or len(text))

    assert get("aaaa") == 4 and get("bbbb") == 4
    assert get("aaaa") == 4  # a hit: "aaaa" is now the most recent
    assert made == ["aaaa", "bbbb"]
    get("cccc")  # 12 characters: the least recent ("bbbb") goes
    assert list(cache.items) == ["aaaa", "cccc"] and cache.total == 8
    get("bbbb")
    assert made == ["aaaa", "bbbb", "cccc", "bbbb"]
    assert list(cache.items) == ["cccc", "bbbb"]


def test_a_text_longer_than_the_budget_is_still_kept_alone() -> None:
    cache = TextCache(max_chars=3)
    cache.get("ab", lambda: 1)
    assert cache.get("a long text", lambda: 2) == 2
    assert list(cache.items) == ["a long text"]
    cache.clear()
    assert not cache.items and cache.total == 0


def test_per_text_does_the_work_once_per_text_and_keeps_the_function() -> None:
    calls: list[str] = []

    @per_text
    def shout(text: str) -> str:
        """Upper case."""
        calls.append(text)
        return text.upper()

    assert [shout(t) for t in ("ab", "cd", "ab", "ab")] == ["AB", "CD", "AB", "AB"]
    assert calls == ["ab", "cd"]
    assert shout.__doc__ == "Upper case." and shout.__wrapped__("x") == "X"
    shout.cache.clear()
    shout("ab")
    assert calls == ["ab", "cd", "x", "ab"]  # the bare function caches nothing


def test_threads_sharing_a_cache_get_one_answer_per_text() -> None:
    cache = TextCache(max_chars=50)
    texts = [f"text {i % 13}" for i in range(2000)]
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for t in texts[offset:] + texts[:offset]:
                assert cache.get(t, lambda t=t: t[::-1]) == t[::-1]
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k * 97,)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert cache.total == sum(map(len, cache.items)) <= 50


def test_the_budget_comes_from_the_environment_and_a_bad_value_keeps_the_default(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from wiretrace.text import cache as module

    monkeypatch.setenv(module.ENV, "1_000")
    assert module.budget() == 1000 and TextCache().limit == 1000
    monkeypatch.setenv(module.ENV, "0")
    small = TextCache()
    small.get("one", lambda: 1)
    small.get("two", lambda: 2)
    assert list(small.items) == ["two"]  # 0 keeps only the latest text
    monkeypatch.setenv(module.ENV, "20MB")
    with caplog.at_level("WARNING"):
        assert module.budget() == module.MAX_CHARS
    assert "WIRETRACE_TEXT_CACHE_CHARS='20MB'" in caplog.text
    monkeypatch.delenv(module.ENV)
    assert TextCache().limit == module.MAX_CHARS


def test_a_cache_weighed_by_its_values_keeps_their_sum_within_the_limit() -> None:
    from wiretrace.cache import BoundedCache

    sizes: BoundedCache[str, bytes] = BoundedCache(10, lambda _k, v: len(v))
    sizes.put("a", b"1234")
    sizes.put("b", b"1234")
    assert sizes.lookup("a") == b"1234"  # "a" is now the most recent
    sizes.put("b", b"12")  # replaced: weighs 2, not 6
    assert sizes.total == 6 and list(sizes.items) == ["a", "b"]
    sizes.put("c", b"123456")  # 12 > 10: the least recent ("a") goes
    assert list(sizes.items) == ["b", "c"] and sizes.total == 8
    assert sizes.lookup("a") is None and "c" in sizes and len(sizes) == 2
    assert sizes.get("b", lambda: b"never made") == b"12"


def test_a_kept_none_is_weighed_out_when_replaced() -> None:
    """A stored row can be None (an id the store no longer holds): replacing it must take its
    weight out, or the count drifts and the cache forgets too early."""
    from wiretrace.cache import BoundedCache

    cache: BoundedCache[str, object] = BoundedCache(2)
    cache.put("a", None)
    cache.put("a", None)
    cache.put("a", "row")
    assert cache.total == 1 and len(cache) == 1
    cache.put("b", "row")
    assert "a" in cache and "b" in cache and cache.total == 2
