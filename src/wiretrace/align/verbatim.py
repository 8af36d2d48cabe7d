"""The longest run of words two texts share word for word, outside quotation marks.

Independent reports of one event quote the same people and share short phrases ("the
Federal Aviation Administration said"); they do not share twenty running words of each
other's prose. A copy does, wherever it sits: inside a longer page, as a teaser of a
longer source, as a first take kept in a write-through. The run is found over the whole
texts, not over aligned passages, so it survives passage splits the two pages do not share.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

import numpy as np

from wiretrace.text.cache import per_text
from wiretrace.text.normalize import fold
from wiretrace.text.tokens import WORD

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


# a query is compared with every candidate, and the story builder meets an article in ~20
# pairs: once per text while the texts fit ``text.cache``'s budget
@per_text
def _words(text: str) -> _Words:
    """A text's words (folded) with their offsets and whether each lies inside quotation
    marks.

    A quotation that is never closed ends at the paragraph's end (a quote running over
    paragraphs reopens with a new mark), so one stray mark cannot hide the rest of a text.
    """
    offsets: list[int] = []  # each mark's offset, and whether a quote is open after it
    states: list[bool] = []
    state = False
    for m in _MARK.finditer(text):
        ch = m.group()
        state = (False if ch == "\n" or ch in _CLOSE else True if ch in _OPEN
                 else not state)
        offsets.append(m.start())
        states.append(state)
    if text.isascii():  # folding ASCII is lowering: once for the text, not once a word
        found = list(WORD.finditer(text.lower()))
        words = tuple(m.group() for m in found)
    else:
        found = list(WORD.finditer(text))
        words = tuple(fold(m.group()) for m in found)
    starts = array("i", (m.start() for m in found))
    ends = array("i", (m.end() for m in found))
    if offsets and found:
        k = np.searchsorted(np.asarray(offsets), np.frombuffer(starts, dtype=np.int32),
                            side="right") - 1
        inside = (k >= 0) & np.asarray(states, dtype=bool)[np.maximum(k, 0)]
        quoted = inside.astype(np.uint8).tobytes()
    else:
        quoted = bytes(len(found))
    return _Words(words, starts, ends, quoted)


_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it mixes a window's word hashes


@per_text
def _windows(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Every unquoted ``SEED``-word window of a text as (its start, a 64-bit hash of its
    words), in text order. Hashing the windows with numpy, instead of keeping each as a
    tuple of eight strings, is ~10x cheaper; a seed found by its hash is checked word for
    word, so a hash collision finds nothing false."""
    w = _words(text)
    n = len(w.words) - SEED + 1
    if n <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    ids = np.fromiter(map(hash, w.words), dtype=np.int64, count=len(w.words)).view(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SEED):  # wraps modulo 2**64, as meant
        h = h * _MIX + ids[k:k + n]
    quoted = np.frombuffer(w.quoted, dtype=np.uint8).astype(np.int64)
    inside = np.concatenate(([0], np.cumsum(quoted)))
    clear = inside[SEED:] - inside[:n] == 0  # no quoted word in the window
    starts = np.flatnonzero(clear)
    return starts, h[starts]


def _seeds(copy_text: str, source_text: str) -> list[tuple[int, list[int]]]:
    """Each window of the copy that the source has too, in text order: its start in the
    copy and its starts in the source. A window the source repeats more than ``_MAX_SEEDS``
    times seeds nothing: each word of the copy then lies on at most that many diagonals,
    which keeps the search linear. (Most pairs share no window: a set intersection of the
    hashes says so in ~40 us, where numpy's ``isin`` and ``unique`` took ~0.45 ms.)"""
    q_starts, q_hash = _windows(copy_text)
    c_starts, c_hash = _windows(source_text)
    if not len(q_hash) or not len(c_hash):
        return []
    q_keys, c_keys = q_hash.tolist(), c_hash.tolist()
    common = set(q_keys).intersection(c_keys)
    if not common:
        return []
    index: dict[int, list[int]] = {}
    for start, key in zip(c_starts.tolist(), c_keys, strict=True):
        if key in common:
            index.setdefault(key, []).append(start)
    index = {k: v for k, v in index.items() if len(v) <= _MAX_SEEDS}
    return [(i, index[k]) for i, k in zip(q_starts.tolist(), q_keys, strict=True)
            if k in index]


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
    best: tuple[int, int, int] | None = None  # (length, copy start, source start)
    covered: dict[int, int] = {}  # diagonal (i - j) -> end of the run already taken on it
    spans: list[tuple[int, int]] = []  # every run's words in the copy
    nq, nc = len(q.words), len(c.words)
    for i, found in _seeds(copy_text, source_text):
        seed = q.words[i:i + SEED]
        for j in found:
            if covered.get(i - j, -1) > i:
                continue  # inside a run already measured on this diagonal
            if c.words[j:j + SEED] != seed:
                continue  # another window with the same hash
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
