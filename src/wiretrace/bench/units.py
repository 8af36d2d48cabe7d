"""A copy under construction: sentence units that remember where they came from.

Every derivation edits units, never the finished text, so each planted change knows its span
in the copy (relative to its unit until assembly) and, for units that are still an edited copy
of one source sentence, its exact span in the source. Edits may not overlap, which keeps both
offset maps exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wiretrace.data import Alteration, Article, Passage

SEVERITY: dict[str, str] = {
    "name_swapped": "high",
    "number_changed": "high",
    "negation_flipped": "high",
    "quote_changed": "high",
    "name_garbled": "medium",
    "attribution_removed": "medium",
    "sentence_added": "medium",
    "sentence_dropped": "low",
    "synonym": "low",
    "boilerplate_added": "low",
}


@dataclass(slots=True)
class Unit:
    """One copy sentence: its text, the source passages it renders, and its edits so far.

    ``origin`` is the source offset of ``text[0]`` while the unit is a (possibly edited) copy
    of a single source passage, else None (translated, added). ``edits`` are
    ``(copy_start, copy_end, source_length)`` in unit coordinates.
    """

    text: str
    src: list[int]
    origin: int | None = None
    edits: list[tuple[int, int, int]] = field(default_factory=list)
    planted: list[Alteration] = field(default_factory=list)

    @classmethod
    def of(cls, passage: Passage) -> Unit:
        return cls(passage.text, [passage.index], passage.start)

    def free(self, a: int, b: int) -> bool:
        """True when ``[a, b)`` touches no earlier edit (an insertion point inside counts)."""
        for s, e, _ in self.edits:
            if s == e:
                if a < s < b:
                    return False
            elif s < b and a < e:
                return False
        return True

    def to_source(self, pos: int) -> int | None:
        """Source offset of copy offset ``pos`` (outside edits), or None without an origin."""
        if self.origin is None:
            return None
        # A deletion at ``pos`` lies before the text now at ``pos``, so it counts.
        shift = sum((e - s) - n for s, e, n in self.edits if e <= pos)
        return self.origin + pos - shift

    def replace(
        self,
        a: int,
        b: int,
        new: str,
        *,
        kind: str | None = None,
        note: str = "",
        source_span: tuple[int, int] | None = None,
        source_text: str | None = None,
    ) -> Alteration | None:
        """Replace ``text[a:b]`` with ``new``; with ``kind``, record it as a planted alteration.

        The source side is computed from ``origin`` unless given (units that are translations
        pass the span they found in the source).
        """
        if not self.free(a, b):
            raise ValueError(f"edit [{a}, {b}) overlaps an earlier edit")
        old = self.text[a:b]
        if source_span is None and self.origin is not None:
            start = self.to_source(a)
            assert start is not None
            source_span = (start, start + (b - a))
            if source_text is None:
                source_text = old
        delta = len(new) - (b - a)
        moved = []
        for s, e, n in self.edits:
            if s >= b and not (s == e == a):
                moved.append((s + delta, e + delta, n))
            else:
                moved.append((s, e, n))
        self.edits = [*moved, (a, a + len(new), b - a)]
        for alt in self.planted:
            if alt.copy_span is not None and alt.copy_span[0] >= b and alt.copy_span != (a, a):
                alt.copy_span = (alt.copy_span[0] + delta, alt.copy_span[1] + delta)
        self.text = self.text[:a] + new + self.text[b:]
        if kind is None:
            return None
        alt = Alteration(
            type=kind,
            severity=SEVERITY.get(kind, "medium"),
            copy_span=(a, a + len(new)),
            source_span=source_span,
            copy_text=new,
            source_text=source_text if source_text is not None else "",
            note=note,
        )
        self.planted.append(alt)
        return alt


def source_span_of(
    source: Article, src: list[int], needle: str
) -> tuple[tuple[int, int], str] | None:
    """Span and text of ``needle`` (as a whole word) in the source passages ``src``, else None."""
    rx = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
    for i in src:
        p = source.passages[i]
        m = rx.search(p.text)
        if m:
            return (p.start + m.start(), p.start + m.end()), needle
    return None


def sentence_span(source: Article, src: list[int]) -> tuple[tuple[int, int], str] | None:
    """The span covering source passages ``src`` and its text (sentence-level gold)."""
    if not src:
        return None
    a = source.passages[min(src)].start
    b = source.passages[max(src)].end
    return (a, b), source.text[a:b]
