"""The data contract: every stage passes these slotted dataclasses and nothing else.

Offsets are always character offsets into ``Article.text`` (half-open ``[start, end)``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

RelationKind = Literal[
    "verbatim",
    "edited",
    "partial",
    "spun",
    "machine_translated",
    "translated",
    "summarised",
    "independent",
    "unrelated",
]
DERIVED_KINDS: tuple[str, ...] = (
    "verbatim",
    "edited",
    "partial",
    "spun",
    "machine_translated",
    "translated",
    "summarised",
)
RELATION_KINDS: tuple[str, ...] = (*DERIVED_KINDS, "independent", "unrelated")


@dataclass(slots=True)
class Passage:
    """A sentence: the unit of alignment. ``start``/``end`` index into the article text."""

    index: int
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Article:
    """One news item, as ingested. ``text`` is the cleaned body (boilerplate removed)."""

    id: str
    text: str
    url: str | None = None
    site: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 date or datetime when known
    byline: str | None = None
    language: str | None = None  # ISO 639-1 code, e.g. "en"
    credits: list[str] = field(default_factory=list)  # "(AP)", "Reuters", "photograph: X/AFP"
    declared_sources: list[str] = field(default_factory=list)  # links/lines naming the source
    boilerplate: list[str] = field(default_factory=list)  # lines removed as page chrome
    meta: dict[str, Any] = field(default_factory=dict)  # anything else the reader kept
    passages: list[Passage] = field(default_factory=list)
    #: True once a reader (or the store) has cleaned ``text``; the engine runs the page
    #: cleaning on an article made by hand, so the Python API traces what the CLI traces
    cleaned: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        d = dict(d)
        d["passages"] = [Passage(**p) for p in d.get("passages") or []]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(slots=True)
class ReadResult:
    """What a reader yields for one input record: an article, or a reason it was skipped.

    Readers never return a bare ``None`` and never raise for bad input: a bad
    document is a statistic (``status="failed"``, ``reason`` a short slug such as
    ``"binary"``, ``"empty"``, ``"undecodable"``, ``"too_large"``, ``"truncated"``,
    ``"no_text"``) with ``detail`` naming the file and the problem.
    """

    source: str  # file path (and record position, e.g. "crawl.warc.gz#42")
    status: Literal["ok", "failed"]
    article: Article | None = None
    reason: str | None = None
    detail: str | None = None


@dataclass(slots=True)
class AlignedPair:
    """Copy passages ``copy_idx`` aligned to source passages ``source_idx`` (1-1, 1-2, 2-1)."""

    copy_idx: list[int]
    source_idx: list[int]
    similarity: float  # semantic (embedding cosine)
    lexical: float  # word overlap in [0, 1]
    kind: str  # "same" | "edited" | "paraphrased" | "translated" | "merged" | "split"
    # (a pair found by shared names and numbers alone is "translated", similarity its cosine)
    copy_span: tuple[int, int] = (0, 0)
    source_span: tuple[int, int] = (0, 0)


@dataclass(slots=True)
class Alteration:
    """A typed change inside an aligned pair (or across the whole pair for sentence-level types)."""

    type: str  # name_garbled | name_swapped | number_changed | quote_changed | negation_flipped
    # | attribution_removed | synonym | sentence_added | sentence_dropped | boilerplate_added
    severity: str  # "low" | "medium" | "high"
    copy_span: tuple[int, int] | None
    source_span: tuple[int, int] | None
    copy_text: str
    source_text: str
    note: str = ""


@dataclass(slots=True)
class Relation:
    """The verdict on one (copy, source) pair."""

    copy_id: str
    source_id: str
    kind: str  # one of RELATION_KINDS
    confidence: float
    direction: str  # "source_to_copy" (source_id is the source), "copy_to_source", "unknown"
    direction_evidence: list[str] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    signals: dict[str, float] = field(default_factory=dict)  # candidate scores per signal
    alignment: list[AlignedPair] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    alterations: list[Alteration] = field(default_factory=list)

    @property
    def derived(self) -> bool:
        return self.kind in DERIVED_KINDS
