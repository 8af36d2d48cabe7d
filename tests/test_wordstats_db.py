"""The news tables read from their SQLite copy (``text.wordstats``) answer exactly what the
shipped JSON answers, word by word and after a table is read whole; the copy is made once in
the cache folder, and an unwritable cache falls back to the JSON."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from wiretrace.text import wordstats


@pytest.fixture(scope="module")
def data() -> dict:
    with gzip.open(wordstats.TABLE_PATH, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _answers(stats: wordstats.WordStats, words: list[str], phrases: list[str]) -> list:
    out: list = [stats.meta, stats.spinner_forms()]
    for w in words:
        out.append((stats.lower(w), stats.capital(w), stats.count(w), stats.maybe_verb(w),
                    stats.spinner_word(w)))
    out += [stats.broken(p) for p in phrases]
    return out


def _sample(data: dict) -> tuple[list[str], list[str]]:
    rng = random.Random(5)
    words = rng.sample(sorted(data["unigrams"]), 300) + rng.sample(sorted(data["verbs"]), 50)
    words += ["Said", "whereas", "zzqx", "Inexperienced", "house", "statement", "O'Brien"]
    phrases = rng.sample(sorted(data["broken"]), 300) + ["demise toll", "death toll", "x y"]
    return words, phrases


def test_sqlite_copy_answers_as_the_json(data: dict, tmp_path: Path) -> None:
    words, phrases = _sample(data)
    db = tmp_path / "n.sqlite"
    wordstats.build_db(data, db)
    want = _answers(wordstats.WordStats(data), words, phrases)
    got = wordstats.open_db(db)
    assert _answers(got, words, phrases) == want
    assert _answers(got, words, phrases) == want  # remembered answers too
    assert got.broken("demise toll") is not None and got.broken("death toll") is None


def test_a_table_read_whole_answers_the_same(data: dict, tmp_path: Path) -> None:
    words, phrases = _sample(data)
    db = tmp_path / "n.sqlite"
    wordstats.build_db(data, db)
    stats = wordstats.open_db(db)
    for w in sorted(data["unigrams"])[:20000]:  # past a quarter of the rows: read whole
        stats.count(w)
    assert stats._uni._whole
    assert not stats._broken._whole
    assert _answers(stats, words, phrases) == _answers(wordstats.WordStats(data), words,
                                                       phrases)


def test_load_makes_the_copy_once_and_reads_it(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("WIRETRACE_CACHE", str(tmp_path))
    first = wordstats.load.__wrapped__()
    made = list(tmp_path.glob("newsstats-*.sqlite"))
    assert first is not None and len(made) == 1
    assert isinstance(first._uni, dict)  # the process that made it read the JSON
    again = wordstats.load.__wrapped__()
    assert again is not None and isinstance(again._uni, wordstats._Lookup)
    assert again.lower("said") == first.lower("said") > 0
    assert list(tmp_path.glob("newsstats-*.sqlite")) == made
    assert not list(tmp_path.glob(".*tmp"))


def test_unwritable_cache_falls_back_to_the_json(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("WIRETRACE_CACHE", str(blocker / "sub"))
    stats = wordstats.load.__wrapped__()
    assert stats is not None and stats.lower("said") > 0


def test_a_damaged_copy_is_not_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WIRETRACE_CACHE", str(tmp_path))
    wordstats.load.__wrapped__()
    (made,) = tmp_path.glob("newsstats-*.sqlite")
    made.write_bytes(b"garbage" * 100)
    stats = wordstats.load.__wrapped__()
    assert stats is not None and isinstance(stats._uni, dict) and stats.lower("said") > 0
    again = wordstats.load.__wrapped__()  # made again by the load that found it damaged
    assert again is not None and isinstance(again._uni, wordstats._Lookup)
    assert again.lower("said") == stats.lower("said")


def test_words_are_the_words_tokens_yields() -> None:
    """``words`` (the unknown-English check's fast path) cuts a text as ``tokens`` does."""
    text = ("Gov. Josh Green's co-founder didn’t say 3,5 or ²x; «Müller» ½ über_alles\n\n"
            "A new paragraph — with 2 numbers, 10.5% and ʼapostrophes’ here.")
    assert wordstats.words(text) == [t.text for t in wordstats.tokens(text)]
    assert "didn’t" in wordstats.words(text) and "3,5" not in wordstats.words(text)
