"""Words, shingles, proper names and numbers: the lexical and entity signals.

Names and numbers survive spinning and machine translation far better than word choice and
word order do, so they carry much of the evidence for disguised copies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from wiretrace.text.normalize import fold

_NON_SPACE = re.compile(r"\S+")
WORD = re.compile(r"\w+(?:['.-]\w+)*", re.UNICODE)
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:\.\d+)?%?")
# Function words of English and Spanish: ignored for content overlap, kept for the
# function-word profile that tells spinning (keeps them) from translation (rewrites them).
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves said says say told mr mrs ms one two also would could may might
    must shall upon via per among since though although however whether
    el la los las un una unos unas y o de del al en con por para que se su sus es son fue
    fueron ha han como más pero sin sobre entre también lo le les este esta estos estas ese
    esa dijo según""".split()
)
_NAME = re.compile(
    r"(?<![\w'])(?:[A-Z][\w'-]*(?:\.[A-Z])*\.?)(?:\s+(?:(?:de|da|van|von|al|bin|del|la|le)\s+)?"
    r"[A-Z][\w'-]*)*",
    re.UNICODE,
)
_NOT_NAMES = frozenset(
    """the a an and but or he she it they we i in on at for of to with this that these those
    his her their its our my your there here when while after before as if by from mr mrs ms
    dr monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december""".split()
)


def words(text: str) -> list[str]:
    """Folded word tokens (for ASCII text, folding is lowering: one pass over the text,
    not a call per word)."""
    if text.isascii():
        return WORD.findall(text.lower())
    return [fold(w) for w in WORD.findall(text)]


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with their offsets: (start, end, folded word)."""
    return [(m.start(), m.end(), fold(m.group())) for m in WORD.finditer(text)]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def shingles(tokens: list[str], n: int = 5) -> set[str]:
    """Word n-gram shingles (a single shingle for texts shorter than n)."""
    if len(tokens) < n:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def numbers(text: str) -> list[str]:
    """Numbers as written, thousands separators removed ("155,221" -> "155221")."""
    out = []
    for m in NUMBER.finditer(text):
        v = m.group().rstrip(".,")
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?%?", v):
            v = v.replace(",", "")
        out.append(v)
    return out


def name_spans(text: str) -> list[tuple[int, int, str]]:
    """Capitalised word runs that look like proper names, with offsets.

    A capitalised word that opens a sentence is kept only when it is not a common word; the
    caller can check recurrence across the text to drop sentence-initial false names.
    """
    return list(_name_spans(text))


def _name_spans(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _NAME.finditer(text):
        span = m.group().rstrip(".'")
        parts = span.split()
        # trim common words by index: re-slicing the list per word is quadratic in a run
        # like "The The The ..." that the pattern takes as one long name
        lo, hi = 0, len(parts)
        while lo < hi and parts[lo].lower() in _NOT_NAMES:
            lo += 1
        while hi > lo and parts[hi - 1].lower() in _NOT_NAMES:
            hi -= 1
        if lo == hi:
            continue
        parts = parts[lo:hi]
        name = " ".join(parts)
        if len(name) < 2 or name.isupper() and len(name) > 6 and " " in name:
            continue
        start = m.start() + span.find(parts[0])
        yield start, start + len(name), name


def names(text: str) -> list[str]:
    return [n for _, _, n in name_spans(text)]


def name_tokens(text: str) -> set[str]:
    """Folded single tokens of proper names (surnames match across "Mr. X" and "X")."""
    toks: set[str] = set()
    for _, _, n in _name_spans(text):  # not listed first: a 10 MB text has ~300,000
        for t in n.split():
            f = fold(t.strip(".'-"))
            if len(f) > 2 and f not in _NOT_NAMES and f not in STOPWORDS:
                toks.add(f)
    return toks


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def containment(a: Iterable[str], b: Iterable[str]) -> float:
    """Share of ``a``'s distinct items that are also in ``b``."""
    sa = set(a)
    if not sa:
        return 0.0
    return len(sa & set(b)) / len(sa)


def count_words(text: str, limit: int | None = None) -> int:
    """``len(text.split())``, at most ``limit``, without building the list of words: on a
    10 MB paragraph that list is ~100 MB of short strings."""
    if len(text) < 4096:
        n = len(text.split())
        return n if limit is None else min(n, limit)
    n = 0
    for _ in _NON_SPACE.finditer(text):
        n += 1
        if limit is not None and n >= limit:
            break
    return n
