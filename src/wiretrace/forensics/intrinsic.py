"""Intrinsic signs of a disguised copy, found in one text with no source at hand.

``quick_signs`` is the cheap score the direction judge uses; the full ``inspect`` with
evidence and offsets builds on the same detectors.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import JaroWinkler

from wiretrace.data import Article
from wiretrace.text.segment import split_sentences
from wiretrace.text.tokens import STOPWORDS, name_spans

_VERBLESS_STUB = re.compile(r"^\W*(said|says|he said|she said|they said)\W*$", re.I)


def fragments(article: Article) -> list[tuple[int, int, str]]:
    """Sentences that translation leaves behind: "said.", or a short capitalised stub
    without a subject ("Became a senior U.S. government official.")."""
    out = []
    passages = article.passages or split_sentences(article.text)
    for p in passages:
        words = p.text.split()
        if _VERBLESS_STUB.match(p.text) or (
            len(words) <= 2 and p.text.rstrip().endswith(".") and len(p.text) < 20
        ) or p.text.rstrip().endswith(" said.") and len(words) <= 3:
            out.append((p.start, p.end, "fragment"))
    # a sentence ending in "... . said." inside a line
    for m in re.finditer(r"(?<=[.!?\"]) (said|says)\.", article.text):
        out.append((m.start() + 1, m.end(), "dangling_said"))
    return out


def name_variants(article: Article, threshold: float = 0.86) -> list[tuple[str, str]]:
    """Pairs of distinct capitalised tokens that look like one name spelled two ways
    (Blinken / Brinken): Jaro-Winkler above ``threshold``, same first letter."""
    toks: dict[str, int] = {}
    for _, _, name in name_spans(article.text):
        for t in name.split():
            t = t.strip(".,'\"")
            if len(t) >= 5 and t[0].isupper() and t.lower() not in STOPWORDS and t.isalpha():
                toks[t] = toks.get(t, 0) + 1
    names = sorted(toks)
    pairs = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if a[0] != b[0] or abs(len(a) - len(b)) > 2:
                continue
            la, lb = a.lower(), b.lower()
            if la.rstrip("s") == lb.rstrip("s"):
                continue
            if len(la) != len(lb) and (lb.startswith(la[:-1]) or la.startswith(lb[:-1])):
                continue  # an inflection or demonym: China / Chinese
            if JaroWinkler.similarity(a.lower(), b.lower()) >= threshold:
                pairs.append((a, b))
    return pairs


def quick_signs(article: Article) -> float:
    """A rough count of intrinsic signs, for tie-breaking direction."""
    return (
        min(2.0, 0.5 * len(fragments(article)))
        + min(2.0, 1.0 * len(name_variants(article)))
        + (1.0 if article.declared_sources else 0.0)
    )
