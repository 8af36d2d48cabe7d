"""The longest run of words two texts share word for word, outside quotation marks.

Independent reports of one event quote the same people and share short phrases ("the
Federal Aviation Administration said"); they do not share twenty running words of each
other's prose. A copy does, wherever it sits: inside a longer page, as a teaser of a
longer source, as a first take kept in a write-through. The run is found over the whole
texts, not over aligned passages, so it survives passage splits the two pages do not share.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass
from functools import lru_cache

from wiretrace.text.tokens import word_spans

SEED = 8  # words: the shortest run looked for (runs grow from a shared 8-word window)
_MAX_SEEDS = 4  # a window found more often than this in the source seeds no run
_OPEN, _CLOSE, _BOTH = "“«„", "”»", '"'
_MARK = re.compile(f"[\\n{_OPEN}{_CLOSE}{_BOTH}]")


@dataclass(frozen=True, slots=True)
class SharedRun:
    """A run of ``words`` words, at ``copy_span`` in the copy and ``source_span`` in the
    source (character offsets)."""

    words: int
    copy_span: tuple[int, int]
    source_span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Words:
    words: tuple[str, ...]
    starts: array  # character offset of each word
    ends: array
    quoted: bytes  # 1 for a word inside quotation marks


# a query is compared with every candidate, a candidate with a few queries. Texts are capped
# at prepare.MAX_COMPARED_CHARS (~40,000 words, ~3 MB here), so 64 texts are a bound, not a
# typical size: a news page of 800 words takes ~60 KB
@lru_cache(maxsize=64)
def _words(text: str) -> _Words:
    """A text's words with their offsets and whether each lies inside quotation marks.

    A quotation that is never closed ends at the paragraph's end (a quote running over
    paragraphs reopens with a new mark), so one stray mark cannot hide the rest of a text.
    """
    marks = []  # (offset, inside after it)
    state = False
    for m in _MARK.finditer(text):
        ch = m.group()
        state = (False if ch == "\n" or ch in _CLOSE else True if ch in _OPEN
                 else not state)
        marks.append((m.start(), state))
    ws = word_spans(text)
    offsets = [o for o, _ in marks]
    quoted = bytearray(len(ws))
    for n, (start, _, _) in enumerate(ws):
        k = bisect.bisect_right(offsets, start) - 1
        quoted[n] = k >= 0 and marks[k][1]
    return _Words(tuple(w for _, _, w in ws), array("i", (a for a, _, _ in ws)),
                  array("i", (b for _, b, _ in ws)), bytes(quoted))


@lru_cache(maxsize=16)
def _windows(text: str) -> dict[tuple[str, ...], list[int]]:
    """Start positions of every unquoted ``SEED``-word window of a text, for windows found
    at most ``_MAX_SEEDS`` times in it. A window repeated more often (a phrase the page
    repeats) seeds nothing: each word of the other text then lies on at most that many
    diagonals, which keeps the search linear."""
    w = _words(text)
    out: dict[tuple[str, ...], list[int]] = {}
    clear = 0  # unquoted words in a row ending at position i
    for i in range(len(w.words)):
        clear = 0 if w.quoted[i] else clear + 1
        if clear >= SEED:
            out.setdefault(w.words[i - SEED + 1:i + 1], []).append(i - SEED + 1)
    return {k: v for k, v in out.items() if len(v) <= _MAX_SEEDS}


def shared_run(copy_text: str, source_text: str) -> SharedRun | None:
    """The longest run of at least ``SEED`` unquoted words found word for word in both
    texts (case and accents folded), or None. Linear in the texts' lengths; a run made
    only of phrases the source repeats more than ``_MAX_SEEDS`` times is not found."""
    return shared_runs(copy_text, source_text).longest


@dataclass(frozen=True, slots=True)
class SharedRuns:
    """Every run two texts share: the longest, and how many of the copy's ``words`` lie
    inside any run (``covered``). A copy that reuses three wire sentences with its own
    words between them shares several runs of 10-19 words and no long one; two independent
    reports share a stock phrase or two."""

    longest: SharedRun | None
    covered: int
    words: int


def shared_runs(copy_text: str, source_text: str) -> SharedRuns:
    """``SharedRuns`` of two texts (see ``shared_run`` for what a run is)."""
    if not copy_text or not source_text:
        return SharedRuns(None, 0, 0)
    q, c = _words(copy_text), _words(source_text)
    index = _windows(source_text)
    if not index:
        return SharedRuns(None, 0, len(q.words))
    best: tuple[int, int, int] | None = None  # (length, copy start, source start)
    covered: dict[int, int] = {}  # diagonal (i - j) -> end of the run already taken on it
    spans: list[tuple[int, int]] = []  # every run's words in the copy
    clear = 0
    nq, nc = len(q.words), len(c.words)
    for end in range(nq):
        clear = 0 if q.quoted[end] else clear + 1
        if clear < SEED:
            continue
        i = end - SEED + 1
        for j in index.get(q.words[i:end + 1], ()):
            if covered.get(i - j, -1) > i:
                continue  # inside a run already measured on this diagonal
            n = SEED
            while (i + n < nq and j + n < nc and q.words[i + n] == c.words[j + n]
                   and not q.quoted[i + n] and not c.quoted[j + n]):
                n += 1
            covered[i - j] = i + n
            spans.append((i, i + n))
            if best is None or n > best[0]:
                best = (n, i, j)
    if best is None:
        return SharedRuns(None, 0, nq)
    n, i, j = best
    longest = SharedRun(words=n, copy_span=(q.starts[i], q.ends[i + n - 1]),
                        source_span=(c.starts[j], c.ends[j + n - 1]))
    return SharedRuns(longest, _union(spans), nq)


def _union(spans: list[tuple[int, int]]) -> int:
    """Positions inside any of the half-open ``spans`` (found in copy order, so sorted by
    start already)."""
    total, reach = 0, 0
    for a, b in spans:
        a = max(a, reach)
        if b > a:
            total += b - a
            reach = b
    return total
