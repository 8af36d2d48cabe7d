"""Sentence segmentation with exact character offsets.

Sentences are the unit of alignment, so the segmenter must be stable across copies of a text:
a copy wrapped in chrome or re-flowed must split the shared body the same way. Rules:
blank lines always break; single newlines break unless the text looks hard-wrapped (many
lines of similar width that do not end a sentence), and terminal punctuation breaks unless
it ends a known abbreviation, an initial or a decimal number.

Every step is linear in the text: a one-paragraph 10 MB document has ~70,000 sentence ends,
so no step may look at (or copy) "the rest of the block" at each of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wiretrace.data import Passage

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "gov", "sen", "rep",
    "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "rev", "hon", "pres", "supt", "det",
    "insp", "no", "vs", "v", "etc", "inc", "ltd", "co", "corp", "bros", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed",
    "thu", "fri", "sat", "sun", "approx", "est", "dept", "univ", "ave", "blvd", "rd",
    "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "d.c", "sra", "srta", "pp", "al",
}
# A maximal run of terminal punctuation (never a match starting inside a run, which would
# rescan the run from every position: quadratic on "....") with its closing quotes, then
# whitespace or the end of the block.
_END = re.compile(r"(?<![.!?])[.!?]++[\"')\]]*+(?=\s|$)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")  # searched in the 40 characters before a stop
_NEXT_CHAR = re.compile(r"\s*+(\S)")
_MAX_SENTENCE = 1200  # characters; longer runs are split at ; or , to keep alignment local


def _hard_wrapped(lines: list[str]) -> bool:
    """True when single newlines are line wraps, not breaks (e.g. Reuters-21578 style)."""
    body = [ln for ln in lines if ln.strip()]
    if len(body) < 6:
        return False
    open_ended = sum(1 for ln in body if not re.search(r"[.!?:\"')]$", ln.rstrip()))
    widths = sorted(len(ln) for ln in body)
    median = widths[len(widths) // 2]
    return open_ended / len(body) > 0.5 and 45 <= median <= 90


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of text that cannot share a sentence (paragraphs or lines)."""
    lines = text.split("\n")
    wrapped = _hard_wrapped(lines)
    spans: list[tuple[int, int]] = []
    pos = 0
    prev_end = 0
    start: int | None = None
    for line in lines:
        end = pos + len(line)
        if not line.strip():
            if start is not None:
                spans.append((start, prev_end))
                start = None
        else:
            if start is None:
                start = pos
            elif not wrapped:
                spans.append((start, prev_end))
                start = pos
            prev_end = end
        pos = end + 1
    if start is not None:
        spans.append((start, prev_end))
    return spans


def _is_break(block: str, match: re.Match[str]) -> bool:
    if match.group().startswith("."):
        lo = max(0, match.start() - 40)
        word = _WORD_BEFORE.search(block[lo : match.start()])
        if word:
            w = word.group(1).lower()
            if w in _ABBREV or w.rstrip(".") in _ABBREV:
                return False
            if len(w) == 1 and w.isalpha():  # an initial: "John F. Kennedy"
                return False
        # the first character after the break, without copying the rest of the block
        found = _NEXT_CHAR.match(block, match.end())
        nxt = found.group(1) if found else ""
        if nxt.islower() or nxt.isdigit() and match.group() == ".":
            return False
    return True


def _split_block(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans of one block, yielded as found (a caller with a ``limit`` stops
    reading a 5 MB paragraph after its first sentences)."""
    block = text[start:end]

    def sentences() -> Iterator[tuple[int, int]]:
        s = 0
        for m in _END.finditer(block):
            if _is_break(block, m):
                yield s, m.end()
                s = m.end()
        if s < len(block):
            yield s, len(block)

    for a, b in sentences():
        while a < b and block[a].isspace():
            a += 1
        while b > a and block[b - 1].isspace():
            b -= 1
        if b > a:
            for x, y in _split_long(block, a, b):
                yield start + x, start + y


def _split_long(block: str, a: int, b: int) -> list[tuple[int, int]]:
    """``block[a:b]`` in pieces of at most ``_MAX_SENTENCE`` characters, cut after the last
    "; " or ", " (else space) in reach. A loop, not recursion: a 10 MB run without a full
    stop is ~9,000 pieces, deeper than Python's recursion limit."""
    out: list[tuple[int, int]] = []
    while b - a > _MAX_SENTENCE:
        reach = a + _MAX_SENTENCE
        cut = max(block.rfind("; ", a, reach), block.rfind(", ", a, reach))
        if cut <= a:
            cut = block.rfind(" ", a, reach)
        cut = a + _MAX_SENTENCE if cut <= a else cut + 1
        out.append((a, cut))
        while cut < b and block[cut].isspace():
            cut += 1
        if cut >= b:
            return out
        a = cut
    out.append((a, b))
    return out


def split_sentences(text: str, limit: int | None = None) -> list[Passage]:
    """Sentences of ``text`` as passages whose ``text`` is exactly ``text[start:end]``.

    ``limit`` stops after that many passages (the first ``limit`` are the same as without
    it), so a caller that will use only the head of a huge text does not segment the rest.
    """
    passages: list[Passage] = []
    for bs, be in _blocks(text):
        for s, e in _split_block(text, bs, be):
            if limit is not None and len(passages) >= limit:
                return passages
            passages.append(Passage(index=len(passages), start=s, end=e, text=text[s:e]))
    return passages
