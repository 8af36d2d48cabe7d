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
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["TABLE_PATH", "Token", "WordStats", "load", "tokens"]

TABLE_PATH = Path(__file__).resolve().parents[1] / "forensics" / "data" / "newsstats.json.gz"

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


class WordStats:
    """Lookups into the news tables; every count is 0 for what was never seen."""

    def __init__(self, data: dict) -> None:
        self.meta: dict = data["meta"]
        self._uni: dict[str, list[int]] = data["unigrams"]
        self._broken: dict[str, list] = data["broken"]
        self._spinner: dict[str, list] = data.get("spinner_words", {})
        self._verbs: frozenset[str] = frozenset(data.get("verbs", ()))

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


@cache
def load(path: Path | None = None) -> WordStats | None:
    """The shipped tables (read once per process), or None when the file is missing."""
    p = path or TABLE_PATH
    if not p.is_file():
        return None
    with gzip.open(p, "rt", encoding="utf-8") as fh:
        return WordStats(json.load(fh))
