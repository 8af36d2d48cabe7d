"""The WordNet surface the benchmark's spinner needs.

The files and the NLTK reader are the runtime's (:mod:`wiretrace.text.wordnet`, also used to
type synonyms in a trace); re-exported here for the benchmark's callers.

:class:`Lexicon` is the small surface the spinner needs: lemmas, part-of-speech weights from
sense-tagged counts, synonyms by sense frequency, and irregular forms for inflecting them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from wiretrace.text.wordnet import (
    INSTALL_HINT,
    WordNetMissing,
    load_wordnet,
    nltk_data_dir,
    wordnet_source_dir,
)

__all__ = [
    "INSTALL_HINT",
    "POS_TAGS",
    "Lexicon",
    "WordNetMissing",
    "load_wordnet",
    "nltk_data_dir",
    "wordnet_source_dir",
]

POS_TAGS = ("n", "v", "a", "r")


class Lexicon:
    """The WordNet queries the spinner makes, memoised per word."""

    def __init__(self, wn: Any = None) -> None:
        self.wn = wn if wn is not None else load_wordnet()
        self._forms: dict[str, dict[str, list[str]]] = {p: {} for p in ("n", "v")}
        for pos in ("n", "v"):
            for form, lemmas in self.wn._exception_map[pos].items():
                for lemma in lemmas:
                    self._forms[pos].setdefault(lemma, []).append(form)

    @lru_cache(maxsize=200_000)  # noqa: B019 - one Lexicon per process
    def lemmas(self, word: str, pos: str) -> tuple[str, ...]:
        """WordNet lemmas ``word`` may be an inflection of (the word itself first if a lemma)."""
        return tuple(self.wn._morphy(word, pos))

    @lru_cache(maxsize=200_000)  # noqa: B019
    def pos_weights(self, word: str) -> dict[str, float]:
        """How often ``word`` is each part of speech, from sense-tagged counts (+0.5 a sense).

        This stands in for a trained tagger's lexical prior: "meeting" is mostly a noun,
        "said" a verb, "top" both.
        """
        out: dict[str, float] = {}
        for pos in POS_TAGS:
            total = 0.0
            for lemma in self.lemmas(word, pos):
                for syn in self.wn.synsets(lemma, pos):
                    for lem in syn.lemmas():
                        if lem.name().lower() == lemma:
                            total += lem.count() + 0.5
            if total:
                out[pos] = total
        return out

    @lru_cache(maxsize=200_000)  # noqa: B019
    def synonyms(self, lemma: str, pos: str, senses: int = 3) -> tuple[str, ...]:
        """Synonyms of ``lemma``, most frequent sense first and, within a sense, most used first.

        Skipped: proper names, words containing ``lemma`` (``meeting`` -> ``group meeting``
        is no disguise), lemmas of more than two words, and anything not purely alphabetic.
        One-word synonyms come before phrases.
        """
        out: list[str] = []
        for syn in self.wn.synsets(lemma, pos)[:senses]:
            ranked = sorted(syn.lemmas(), key=lambda lem: -lem.count())
            for lem in ranked:
                name = lem.name().replace("_", " ")
                low = name.lower()
                words = low.split()
                if (
                    low == lemma
                    or name != low
                    or len(words) > 2
                    or lemma in words
                    or any(lemma in w or w in lemma for w in words if len(w) > 3)
                    or not all(w.replace("-", "").isalpha() for w in words)
                    or low in out
                ):
                    continue
                out.append(low)
        # Single words first: a phrasal synonym ("look into") leaves the particle behind.
        return tuple(sorted(out, key=lambda w: " " in w))

    def irregular_forms(self, lemma: str, pos: str) -> list[str]:
        """Inflected forms WordNet lists as exceptions for ``lemma`` ("took", "taken")."""
        return list(self._forms.get(pos, {}).get(lemma, []))
