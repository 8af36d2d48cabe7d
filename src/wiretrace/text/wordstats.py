"""Word and word-pair statistics of clean news English, for telling odd wording from news.

Spinners and machine translation leave wording that no news writer uses: "demise toll"
where news writes *death toll*, "Communist Social gathering" where it writes *Communist
Party*, a common word wearing a capital inside a name ("Gov. Josh Inexperienced"). To see
that, we need to know what news English does say. The tables here are counts from clean
wire text (Reuters-21578 and the ECB+ articles, the held-out parts of the benchmark left
out), built by ``bench/build_wordstats.py`` and shipped as one small gzipped JSON file: the
counts, never the text.

* ``unigrams``: per lower-cased word, how often it was written in lower case, and how often
  capitalised *inside* a sentence (not as its first word) — "Green" the surname vs "green".
* ``spinner_words``: the spinner's swaps news avoids, words and short phrases ("whereas"
  for *while*, "earlier than" for *before*), with how often news writes each side.
* ``verbs``: the news words WordNet can read as a verb form, and the auxiliaries — to tell
  a sentence that has no verb at all ("Director of Public Health, Bárbara Ferrer, in a
  statement.").
* ``broken``: word pairs news never writes that one synonym swap turns into a pair it
  writes all the time, with that pair and its counts ("demise toll" -> *death toll*).

The tokenizer (:func:`tokens`) is shared by the build and the lookups, so both cut words
the same way.

Parsing the JSON costs ~0.12 s, a third of a new ``wiretrace trace`` process that needs the
tables (a trace whose candidates are rewritten copies). So the first load writes the same
counts to a small SQLite file in the cache folder (``newsstats-<digest>.sqlite``, keyed by
the shipped file's contents, so a rebuilt table is never read stale), and later processes
open that (about a millisecond) and look words up as they need them; a process that looks
up many (a story build) reads a whole table into memory once. Where the cache cannot be
written, the JSON is read as before.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["TABLE_PATH", "Token", "WordStats", "build_db", "load", "tokens", "words"]

TABLE_PATH = Path(__file__).resolve().parents[1] / "forensics" / "data" / "newsstats.json.gz"
_DB_FORMAT = 1  # bump when the SQLite layout below changes: the cached file is rebuilt

log = logging.getLogger("wiretrace.wordstats")

# A word: letters with inner apostrophes or hyphens ("don't", "co-founder"); anything else
# (digits, punctuation, line breaks) ends a run of adjacent words.
_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*|[^\w\s]|\d[\d.,]*|\n\s*\n")
_SENTENCE_END = frozenset('.!?:;"\u201c\u201d')


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: where it is, how it is written, whether a word came right before
    it (with only spaces between) and whether it opens a sentence."""

    start: int
    end: int
    text: str
    joined: bool  # the previous token is a word, with only blanks between
    initial: bool  # first word of a sentence, line or quotation

    @property
    def lower(self) -> str:
        return self.text.lower().replace("\u2019", "'")


def words(text: str) -> list[str]:
    """The words ``tokens`` yields, as written, without building a ``Token`` for each (a
    third of the time, for a caller that needs only the words)."""
    return [s for s in _TOKEN.findall(text) if s[0].isalpha()]


def tokens(text: str) -> Iterator[Token]:
    """The words of ``text`` in order (punctuation and numbers break adjacency)."""
    prev_word = False
    prev_end = 0
    initial = True
    for m in _TOKEN.finditer(text):
        s = m.group()
        if s[0].isalpha():
            gap = text[prev_end : m.start()]
            joined = prev_word and gap.strip(" \t") == "" and "\n" not in gap
            yield Token(m.start(), m.end(), s, joined, initial or "\n" in gap)
            prev_word, initial = True, False
        else:
            prev_word = False
            if s[0] in _SENTENCE_END or s.startswith("\n") or s in "([\u2014\u2013-":
                initial = s[0] in _SENTENCE_END or s.startswith("\n")
        prev_end = m.end()


class _Lookup:
    """One table of the SQLite file as a read-only mapping: a key is looked up when first
    asked and remembered. After as many lookups as a quarter of the table's rows (about what
    reading it whole costs), the whole table is read into memory once: a cold trace asks a
    few hundred words, a story build millions."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock, table: str,
                 columns: str, rows: int) -> None:
        self._db, self._lock, self._rows = db, lock, rows
        self._one = f"SELECT {columns} FROM {table} WHERE k=?"
        self._all = f"SELECT k, {columns} FROM {table}"
        self._seen: dict[str, tuple | None] = {}
        self._whole = False
        self._asked = 0

    def get(self, key: str, default: Any = None) -> Any:
        got = self._seen.get(key, self._seen)
        if got is self._seen:
            if self._whole:
                return default
            self._asked += 1
            with self._lock:
                if self._asked > max(2000, self._rows // 4):
                    self._seen = {r[0]: tuple(r[1:]) for r in self._db.execute(self._all)}
                    self._whole = True
                    return self._seen.get(key, default)
                row = self._db.execute(self._one, (key,)).fetchone()
            got = self._seen[key] = tuple(row) if row is not None else None
        return default if got is None else got

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __len__(self) -> int:
        return self._rows


class WordStats:
    """Lookups into the news tables; every count is 0 for what was never seen.

    ``data`` is the parsed JSON, or :func:`open_db`'s tables (looked up on demand)."""

    def __init__(self, data: dict) -> None:
        self.meta: dict = data["meta"]
        self._uni: Any = data["unigrams"]
        self._broken: Any = data["broken"]
        self._spinner: dict[str, list] = data.get("spinner_words", {})
        verbs = data.get("verbs", ())
        self._verbs: Any = verbs if isinstance(verbs, _Lookup) else frozenset(verbs)

    def lower(self, word: str) -> int:
        """How often ``word`` was written in lower case."""
        return self._uni.get(word.lower(), (0, 0))[0]

    def capital(self, word: str) -> int:
        """How often ``word`` was capitalised inside a sentence (a name or part of one)."""
        return self._uni.get(word.lower(), (0, 0))[1]

    def count(self, word: str) -> int:
        u = self._uni.get(word.lower(), (0, 0))
        return u[0] + u[1]

    def maybe_verb(self, word: str) -> bool:
        """False only for a word news knows in lower case and WordNet never reads as a verb
        ("statement", "director", "public"); an unknown lower-case word may be a verb."""
        w = word.lower().replace("\u2019", "'")
        if not self._verbs or w in self._verbs:
            return True
        known = self._uni.get(w, (0, 0))[0] > 0
        return not known and word.islower()

    def spinner_word(self, word: str) -> tuple[str, int] | None:
        """For a word or phrase a spinner puts where news writes another ("whereas",
        "earlier than"), that form and how many times more often news writes it; else None."""
        got = self._spinner.get(word)
        return (got[0], round(got[1] / max(got[2], 1))) if got else None

    def spinner_forms(self) -> dict[str, str]:
        """Every spun form (a word or a phrase of up to four words) -> the news form."""
        return {spun: got[0] for spun, got in self._spinner.items()}

    def broken(self, phrase: str) -> tuple[str, int, int] | None:
        """For a pair (or triple) of words news never writes, the news pair one swap away,
        its count and the uses of the kept word on that side; else None."""
        got = self._broken.get(phrase.lower().replace("\u2019", "'"))
        return (got[0], got[1], got[2]) if got else None


def _digest(path: Path) -> str:
    return hashlib.sha1(f"{_DB_FORMAT}:".encode() + path.read_bytes()).hexdigest()[:16]


def build_db(data: dict, dest: Path) -> None:
    """Write the tables of ``data`` (the parsed JSON) to the SQLite file ``dest``,
    atomically (a temporary file renamed): one b-tree per table, keyed by the word."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(str(tmp))
    try:
        db.executescript("""
            CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE uni (k TEXT PRIMARY KEY, lower INTEGER, capital INTEGER) WITHOUT ROWID;
            CREATE TABLE broken (k TEXT PRIMARY KEY, news TEXT, n INTEGER, kept INTEGER)
                WITHOUT ROWID;
            CREATE TABLE verbs (k TEXT PRIMARY KEY) WITHOUT ROWID;
        """)
        verbs = sorted(set(data.get("verbs", ())))
        db.executemany("INSERT INTO meta VALUES (?,?)", [
            ("meta", json.dumps(data["meta"])),
            ("spinner_words", json.dumps(data.get("spinner_words", {}))),
            ("rows", json.dumps({"uni": len(data["unigrams"]), "broken": len(data["broken"]),
                                 "verbs": len(verbs)}))])
        db.executemany("INSERT INTO uni VALUES (?,?,?)",
                       ((w, int(c[0]), int(c[1])) for w, c in data["unigrams"].items()))
        db.executemany("INSERT INTO broken VALUES (?,?,?,?)",
                       ((p, b[0], int(b[1]), int(b[2])) for p, b in data["broken"].items()))
        db.executemany("INSERT INTO verbs VALUES (?)", ((v,) for v in verbs))
        db.commit()
    finally:
        db.close()
    os.replace(tmp, dest)


def open_db(path: Path) -> WordStats:
    """The tables of a file :func:`build_db` wrote, looked up as they are needed."""
    db = sqlite3.connect("file:" + urllib.parse.quote(str(path)) + "?mode=ro&immutable=1",
                         uri=True, check_same_thread=False)
    lock = threading.Lock()
    meta = dict(db.execute("SELECT k, v FROM meta").fetchall())
    rows = json.loads(meta["rows"])
    return WordStats({
        "meta": json.loads(meta["meta"]),
        "spinner_words": json.loads(meta["spinner_words"]),
        "unigrams": _Lookup(db, lock, "uni", "lower, capital", rows["uni"]),
        "broken": _Lookup(db, lock, "broken", "news, n, kept", rows["broken"]),
        "verbs": _Lookup(db, lock, "verbs", "k", rows["verbs"]) if rows["verbs"] else (),
    })


@cache
def load(path: Path | None = None) -> WordStats | None:
    """The shipped tables (opened once per process), or None when the file is missing:
    from the SQLite copy in the cache folder, made from the JSON on first use."""
    from wiretrace.text.wordnet import cache_root

    p = path or TABLE_PATH
    if not p.is_file():
        return None
    try:
        db_path: Path | None = cache_root() / f"newsstats-{_digest(p)}.sqlite"
    except (OSError, RuntimeError):  # no home folder
        db_path = None
    try:
        if db_path is not None and db_path.is_file():
            return open_db(db_path)
    except (OSError, sqlite3.Error, KeyError, ValueError) as e:
        log.debug("news tables: cached copy %s unreadable (%s); made again", db_path, e)
    with gzip.open(p, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    if db_path is not None:
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            build_db(data, db_path)
        except (OSError, sqlite3.Error) as e:
            log.debug("news tables: no cached copy written (%s)", e)
    return WordStats(data)
