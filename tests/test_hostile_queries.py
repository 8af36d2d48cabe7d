"""Hostile search words and feeds found by bench/robustness.py: every entry point (the CLI,
the Python API, the web app) searches through ``Store.search``, which keeps at most 32
distinct word tokens and drops what is not a word character."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.data import Article
from wiretrace.engine import Wiretrace
from wiretrace.ingest.feed import read_feed
from wiretrace.store.sqlite import MAX_SEARCH_TERMS, search_terms


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Wiretrace:
    wt = Wiretrace(tmp_path_factory.mktemp("store"))
    wt.add([Article(id="a", text="The harbour authority said ships waited at anchor. "
                                 "Dockworkers walked off the job on Tuesday morning.")])
    return wt


@pytest.mark.parametrize(("query", "found"), [
    ("harbour\x00", ["a"]),  # a NUL byte ended the FTS string: "unterminated string"
    ("harbour \udcff", ["a"]),  # a non-UTF-8 command-line argument: a lone surrogate
    ('harbour" OR "xylophone', []),  # FTS syntax stays words, all of which must match
    ("NEAR(harbour ships) AND NOT *", []),
    ("ships* harbour^", ["a"]),
])
def test_hostile_search_words_are_words_or_nothing(engine: Wiretrace, query: str,
                                                   found: list[str]) -> None:
    hits = engine.store.search(query)
    assert [h["id"] for h in hits] == found


def test_a_search_keeps_32_distinct_words() -> None:
    terms, dropped = search_terms("harbour " * 15_000 + " ".join(f"w{i}" for i in range(40)))
    assert terms[0] == "harbour" and len(terms) == MAX_SEARCH_TERMS == 32
    assert dropped == 41 - 32
    assert search_terms("a-b-c\x00d") == (["a", "b", "c", "d"], 0)


def test_inline_xhtml_nested_thousands_deep_is_a_counted_failure() -> None:
    deep = "<div>" * 5000 + "A sentence long enough to be an article body here." + "</div>" * 5000
    feed = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            '<entry><title>A</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/'
            f'xhtml">{deep}</div></content></entry></feed>').encode()
    results = list(read_feed(feed, source="deep.xml"))
    assert [(r.status, r.reason) for r in results] == [("failed", "too_deep")]
    assert "deep.xml#1" in results[0].detail


def test_a_lone_surrogate_is_replaced_not_a_crash(engine: Wiretrace, tmp_path: Path) -> None:
    """JSON's "\\ud800" is not a character: it cannot be encoded, hashed or stored. It used to
    crash ingest (losing the whole batch), trace and the web app; now it reads as U+FFFD."""
    from wiretrace.ingest import read_path

    body = ("The harbour authority said on Tuesday that twelve ships waited at anchor near "
            "the terminal while dockworkers held a strike over automation and pensions.")
    src = tmp_path / "s.jsonl"
    src.write_text('{"id": "s", "text": "\\ud800 ' + body + '"}\n'
                   '{"id": "t", "text": "' + body.replace("twelve", "nine") + '"}\n')
    arts = [r.article for r in read_path(src) if r.article is not None]
    assert [a.id for a in arts] == ["s", "t"]
    assert "\ufffd" in arts[0].text
    engine.add(arts)
    assert engine.store.get("s") is not None and engine.store.get("t") is not None
    result = engine.trace(Article(id="q", text="\ud800 " + body))
    assert "\ufffd" in result.article.text


def test_a_folder_nested_1500_deep_is_walked(tmp_path: Path) -> None:
    """The folder walk recursed once per level and died of a RecursionError at ~1,000."""
    from wiretrace.ingest import read_path

    deep = folder = tmp_path / "d"
    deep.mkdir()
    for _ in range(1500):  # one level at a time: pathlib's parents=True recurses too
        folder = folder / "d"
        folder.mkdir()
    (folder / "a.txt").write_text("The harbour authority said on Tuesday that twelve ships "
                                  "waited at anchor near the terminal while dockworkers held "
                                  "a strike over automation and pensions.")
    try:
        assert [r.status for r in read_path(deep)] == ["ok"]
    finally:  # bottom up: shutil.rmtree (and pytest's cleanup of old runs) recurses too
        (folder / "a.txt").unlink()
        while folder != tmp_path:
            folder.rmdir()
            folder = folder.parent
