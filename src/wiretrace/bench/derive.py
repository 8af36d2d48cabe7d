"""Copies derived from a source article by construction, each with exact gold.

A :class:`Derived` holds the copy (an :class:`~wiretrace.data.Article` whose ``passages`` are
the copy's sentence units), the gold relation, ``sentence_map`` (for copy passage ``i``, the
source passage indexes it renders; ``[]`` for an added sentence) and ``planted``: every change
with its type, copy span, source span and both texts (``copy_span`` offsets index
``copy.text``; ``None`` for a dropped sentence; zero-width for a deletion).

Kinds: ``verbatim`` (wrapped in site chrome, wire credit cut), ``partial``, ``edited``,
``spun``, ``machine_translated`` (Apertium eng-spa-eng, sentence by sentence), ``translated``
(eng-spa), ``summarised`` and ``corrupted`` (one of the others plus planted alterations).
Everything random comes from one ``random.Random`` seeded by (seed, source id, kind), so a copy
does not change when other sources or kinds are added to a data set.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from wiretrace.bench import alter
from wiretrace.bench.chrome import (
    Chrome,
    fake_site,
    make_chrome,
    make_padding,
    next_story_heading,
    read_more_line,
    related_block,
)
from wiretrace.bench.mt import translate
from wiretrace.bench.spin import Lexicon, apply, spin_units, spin_units_wild
from wiretrace.bench.units import SEVERITY, Unit
from wiretrace.data import DERIVED_KINDS, Alteration, Article, Passage

KINDS: tuple[str, ...] = (*DERIVED_KINDS, "corrupted")
MT_KINDS = frozenset({"machine_translated", "translated"})
Translator = Callable[[Sequence[str], str], list[str]]

_ADDED = (
    "{name} did not immediately respond to a request for comment.",
    "It was not immediately clear what would happen next.",
    "More details are expected to be released later.",
    "This story has been updated with additional information.",
    "The news drew wide attention on social media.",
    "Local media also reported the news.",
)
_END = r"(?=[.!?][\"'\u201d]?$)"  # up to the sentence's final punctuation
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
# Sentence compression rules, in the order they are tried (each fires at most once).
_COMPRESS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("parenthetical", re.compile(r"\s*\((?!(?:AP|Reuters|AFP|UPI)\))[^()]{1,150}\)")),
    (
        "dash_aside",
        re.compile(r"\s+(?:--|\u2014|\u2013)\s[^\u2014\u2013]{1,150}?\s(?:--|\u2014|\u2013)(?=\s)"),
    ),
    ("relative_clause", re.compile(r",\s+(?:who|which|whose|where)\s[^,;]{1,150},")),
    ("appositive", re.compile(r",\s+(?:a|an|the)\s[^,;]{1,60},(?=\s+[a-z])")),
    (
        "lead_adverbial",
        re.compile(
            r"^(?:On|In|At|After|Before|During|Earlier|Later|Meanwhile|However|Also|Last|This|"
            r"Since|While|When|Although|Though|Despite|Following|According to|With|As|Amid|"
            r"Under|Once|Because|Until|Unlike|Asked|Speaking|Instead|By|For)\b[^,]{0,90},\s+"
        ),
    ),
    (
        "trailing_clause",
        re.compile(
            r",\s+(?:although|though|while|because|as|after|before|when|since|despite|"
            r"including|according to|which|who|where)\s[^;]*?" + _END
        ),
    ),
    ("participle_clause", re.compile(r",\s+(?!according\b)[a-z]+ing\b[^;]*?" + _END)),
    (
        "coordinate_clause",
        re.compile(
            r",?\s+(?:and|but)\s+(?:he|she|they|it|we|the|his|her|their|police|officials)\b"
            r"[^;]*?" + _END
        ),
    ),
    (
        "time_adverbial",
        re.compile(
            rf"\s+(?:on|last|early|late|this|next)\s+(?:{_DAYS}|week|month|year|night|morning|"
            r"afternoon|evening|weekend)(?:\s+(?:morning|afternoon|evening|night))?\b|"
            r"\s+(?:yesterday|today|tonight)\b"
        ),
    ),
    (
        "bare_day",
        re.compile(
            rf"\b[a-z]+(?P<cut>\s+(?:{_DAYS})(?:\s+(?:morning|afternoon|evening|night))?)\b"
        ),
    ),
    ("age_appositive", re.compile(r",\s+\d{1,3},(?=\s)")),
    (
        "that_complement",
        re.compile(r"\b(?:said|says|think|thinks|believe|believes)(?P<cut>\s+that)\b"),
    ),
    ("adverb", re.compile(r"\s+[a-z]{3,}ly\b(?=[\s,])")),
)
_QUOTE_CHARS = '"\u201c\u201d'
_QUOTED_SPAN = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d")


@dataclass(slots=True)
class Derived:
    """One copy with its gold: what it was made from and exactly how."""

    copy: Article
    kind: str  # one of KINDS (how it was made)
    relation: str  # gold relation: ``kind``, or the base kind of a corrupted copy
    source_id: str
    sentence_map: list[list[int]]  # copy passage index -> source passage indexes
    planted: list[Alteration] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["copy"] = self.copy.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Derived:
        planted = []
        for p in d.get("planted") or []:
            p = dict(p)
            for k in ("copy_span", "source_span"):
                if p.get(k) is not None:
                    p[k] = tuple(p[k])
            planted.append(Alteration(**p))
        return cls(
            copy=Article.from_dict(d["copy"]),
            kind=d["kind"],
            relation=d["relation"],
            source_id=d["source_id"],
            sentence_map=[list(x) for x in d["sentence_map"]],
            planted=planted,
            meta=dict(d.get("meta") or {}),
        )


@cache
def default_lexicon() -> Lexicon:
    """One WordNet lexicon per process (loading it takes a few seconds)."""
    return Lexicon()


def rng_for(seed: int, source_id: str, kind: str) -> random.Random:
    """The random stream of one (source, kind): independent of everything else built."""
    return random.Random(f"{seed}:{source_id}:{kind}")


def corrupted_base(seed: int, source_id: str) -> str:
    """The base kind a corrupted copy of ``source_id`` gets (known before deriving, for MT)."""
    return rng_for(seed, source_id, "corrupted-base").choice(DERIVED_KINDS)


# -- building blocks ---------------------------------------------------------------------------


def _units(source: Article) -> list[Unit]:
    if not source.passages:
        raise ValueError(f"{source.id}: source has no passages (sentence units)")
    return [Unit.of(p) for p in source.passages]


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:8]
    return "-".join(words) or "story"


def _assemble(
    source: Article,
    units: list[Unit],
    kind: str,
    relation: str,
    rng: random.Random,
    *,
    chrome: Chrome | None = None,
    title: str | None = None,
    language: str = "en",
    extra: list[Alteration] | None = None,
    meta: dict[str, Any] | None = None,
) -> Derived:
    """Lay units (and chrome) out as text; make spans absolute; build the copy Article."""
    parts: list[str] = []
    pos = 0
    planted: list[Alteration] = []
    passages: list[Passage] = []

    def add(text: str, sep: str) -> int:
        nonlocal pos
        if parts:
            parts.append(sep)
            pos += len(sep)
        start = pos
        parts.append(text)
        pos += len(text)
        return start

    def add_chrome(lines: list[str]) -> None:
        for k, line in enumerate(lines):
            start = add(line, "\n" if k else "\n\n")
            planted.append(
                Alteration(
                    type="boilerplate_added",
                    severity=SEVERITY["boilerplate_added"],
                    copy_span=(start, start + len(line)),
                    source_span=None,
                    copy_text=line,
                    source_text="",
                )
            )

    if chrome:
        add_chrome(chrome.top)
    for i, unit in enumerate(units):
        start = add(unit.text, "\n\n")
        passages.append(Passage(len(passages), start, start + len(unit.text), unit.text))
        for alt in unit.planted:
            assert alt.copy_span is not None
            a, b = alt.copy_span
            alt.copy_span = (start + a, start + b)
            planted.append(alt)
        if chrome and i == 0:
            add_chrome(chrome.after_lead)
    if chrome:
        add_chrome(chrome.bottom)
    planted.extend(extra or [])
    planted.sort(key=lambda p: (p.copy_span is None, p.copy_span or (0, 0), p.type))
    text = "".join(parts)
    site = chrome.site if chrome else fake_site(rng)
    year = (source.published or "")[:4] or "news"
    head = units[0].text if units else ""
    credited = bool(units) and 0 in units[0].src and alter.CREDIT.match(units[0].text)
    copy = Article(
        id=f"{source.id}~{kind}",
        text=text,
        url=f"https://{site}/{year}/{_slug(title or head)}.html",
        site=site,
        title=title,
        published=source.published,
        language=language,
        credits=list(source.credits) if credited else [],
        meta={"corpus": "wiretrace-bench"},
        passages=passages,
    )
    return Derived(
        copy=copy,
        kind=kind,
        relation=relation,
        source_id=source.id,
        sentence_map=[list(u.src) for u in units],
        planted=planted,
        meta=meta or {},
    )


def _spin_into(
    units: list[Unit],
    rng: random.Random,
    lx: Lexicon,
    *,
    rate: tuple[float, float] = (0.3, 0.6),
    count: int | None = None,
) -> dict[str, float]:
    """Spin the source-derived units in place, planting one ``synonym`` per replaced word."""
    idx = [i for i, u in enumerate(units) if u.src]
    res = spin_units([units[i].text for i in idx], rng, lx, rate=rate, count=count)
    done = 0
    for k, subs in enumerate(res.substitutions):
        unit = units[idx[k]]
        for s in sorted(subs, key=lambda s: -s.start):
            if unit.free(s.start, s.end):
                unit.replace(s.start, s.end, s.new, kind="synonym", note=s.pos)
                done += 1
    n = res.content_words
    return {"content_words": n, "spun_words": done, "spin_rate": done / n if n else 0.0}


def _remove_credit(source: Article, units: list[Unit], rng: random.Random) -> list[Alteration]:
    alt = alter.remove_credit(source, units, rng)
    return [alt] if alt else []


def _translated(units: Sequence[str], mode: str, translator: Translator | None) -> list[str]:
    return (translator or translate)(list(units), mode)


# -- the kinds ---------------------------------------------------------------------------------


def _build_verbatim(source: Article, rng: random.Random, **_: Any) -> tuple[list[Unit], dict]:
    units = _units(source)
    _remove_credit(source, units, rng)
    return units, {"chrome": make_chrome(rng), "title": source.title}


def _build_partial(source: Article, rng: random.Random, **_: Any) -> tuple[list[Unit], dict]:
    units = _units(source)
    n = len(units)
    lo, hi = max(1, math.ceil(0.3 * n)), max(1, math.floor(0.7 * n))
    k = rng.randint(lo, max(lo, hi))
    start = rng.randint(0, n - k)
    return units[start : start + k], {"title": source.title, "window": [start, start + k]}


def _build_edited(
    source: Article, rng: random.Random, *, lexicon: Lexicon, **_: Any
) -> tuple[list[Unit], dict]:
    units = _units(source)
    n = len(units)
    extra: list[Alteration] = []
    most = 2 if n >= 8 else 1  # a light edit: at most 1 (short) or 2 sentences each way
    n_drop = rng.randint(0, most)
    n_add = rng.randint(0, most)
    if n_drop + n_add == 0:
        n_add = 1
    for i in sorted(rng.sample(range(1, n), min(n_drop, n - 2)), reverse=True):
        p = source.passages[units[i].src[0]]
        extra.append(
            Alteration(
                type="sentence_dropped",
                severity=SEVERITY["sentence_dropped"],
                copy_span=None,
                source_span=(p.start, p.end),
                copy_text="",
                source_text=p.text,
            )
        )
        del units[i]
    reordered = None
    if len(units) >= 3 and rng.random() < 0.5:
        i = rng.randint(1, len(units) - 2)
        units[i], units[i + 1] = units[i + 1], units[i]
        reordered = [units[i + 1].src[0], units[i].src[0]]
    names = [n for *_, n in alter._names(units) if len(n.split()) >= 2]
    templates = list(_ADDED if names else _ADDED[1:])
    for text in rng.sample(templates, n_add):
        text = text.format(name=names[0] if names else "")
        unit = Unit(text, [])
        unit.replace(0, len(text), text, kind="sentence_added")
        units.insert(rng.randint(1, len(units)), unit)
    stats = _spin_into(units, rng, lexicon, count=rng.randint(2, 4))
    meta = {"title": source.title, "extra": extra, "reordered": reordered, **stats}
    return units, meta


def _build_spun(
    source: Article, rng: random.Random, *, lexicon: Lexicon, **_: Any
) -> tuple[list[Unit], dict]:
    units = _units(source)
    stats = _spin_into(units, rng, lexicon)
    title = source.title
    if title:
        title = apply(title, spin_units([title], rng, lexicon).substitutions[0])
    return units, {"title": title, **stats}


def _build_machine_translated(
    source: Article,
    rng: random.Random,
    *,
    translator: Translator | None,
    via: str = "spa",
    **_: Any,
) -> tuple[list[Unit], dict]:
    texts = [p.text for p in source.passages] + ([source.title] if source.title else [])
    mid = _translated(texts, f"eng-{via}", translator)
    back = _translated(mid, f"{via}-eng", translator)
    n = len(source.passages)
    units = [Unit(t, [i]) for i, t in enumerate(back[:n]) if t]
    return units, {"title": back[n] if source.title else None, "via": via}


def _build_translated(
    source: Article, rng: random.Random, *, translator: Translator | None, **_: Any
) -> tuple[list[Unit], dict]:
    texts = [p.text for p in source.passages] + ([source.title] if source.title else [])
    out = _translated(texts, "eng-spa", translator)
    n = len(source.passages)
    units = [Unit(t, [i]) for i, t in enumerate(out[:n]) if t]
    return units, {"title": out[n] if source.title else None, "language": "es"}


def _quoted(text: str) -> list[tuple[int, int]] | None:
    """Spans inside quotation marks; None when the quotes do not pair up (all is suspect)."""
    spans = [m.span() for m in _QUOTED_SPAN.finditer(text)]
    rest = _QUOTED_SPAN.sub("", text)
    if any(c in rest for c in _QUOTE_CHARS):
        return None
    return spans


def compress(unit: Unit, lexicon: Lexicon | None = None) -> list[str]:
    """Shorten one sentence by rule, as a summariser does, leaving quotations alone.

    Drops parentheticals, dash asides, non-restrictive relative clauses and appositives,
    leading and trailing adverbial clauses, participle and coordinate tails, time adverbials,
    a "that" after a verb of saying, and one ``-ly`` adverb (checked against WordNet when a
    lexicon is given). Each rule fires at most once and only while the sentence keeps at least
    40% of its words (and four words). Returns the names of the rules applied.
    """
    n_words = len(unit.text.split())
    applied = []
    for name, rx in _COMPRESS:
        quoted = _quoted(unit.text)
        if quoted is None:
            break
        for m in rx.finditer(unit.text):
            a, b = m.span("cut") if "cut" in rx.groupindex else m.span()
            if any(a < qe and qs < b for qs, qe in quoted) or not unit.free(a, b):
                continue
            if name == "adverb" and lexicon is not None:
                w = m.group().strip()
                weights = lexicon.pos_weights(w)
                if weights.get("r", 0.0) < 0.5 * sum(weights.values() or [1.0]):
                    continue
            rest = unit.text[:a] + unit.text[b:]
            if len(rest.split()) < max(4, 0.4 * n_words):
                continue
            unit.replace(a, b, "")
            if a == 0 and unit.text[:1].islower() and unit.free(0, 1):
                unit.replace(0, 1, unit.text[0].upper())
            applied.append(name)
            break
    return applied


def _build_summarised(
    source: Article, rng: random.Random, *, lexicon: Lexicon | None = None, **_: Any
) -> tuple[list[Unit], dict]:
    units = _units(source)
    n = len(units)
    lo, hi = max(1, math.ceil(0.3 * n)), max(1, math.floor(0.5 * n))
    k = min(max(round(rng.uniform(0.3, 0.5) * n), lo), max(lo, hi))
    pool = list(range(1, n))
    keep = [0]
    while len(keep) < k and pool:
        i = rng.choices(pool, weights=[1.0 / j for j in pool])[0]
        pool.remove(i)
        keep.append(i)
    chosen = [units[i] for i in sorted(keep)]
    compressions = [[u.src[0], compress(u, lexicon)] for u in chosen]
    return chosen, {"title": source.title, "compressions": compressions}


_BUILDERS: dict[str, Callable[..., tuple[list[Unit], dict]]] = {
    "verbatim": _build_verbatim,
    "partial": _build_partial,
    "edited": _build_edited,
    "spun": _build_spun,
    "machine_translated": _build_machine_translated,
    "translated": _build_translated,
    "summarised": _build_summarised,
}


def derive(
    source: Article,
    kind: str,
    seed: int = 0,
    *,
    translator: Translator | None = None,
    lexicon: Lexicon | None = None,
    base_kind: str | None = None,
    n_alterations: tuple[int, int] = (1, 3),
) -> Derived:
    """Make one copy of ``source``.

    ``source.passages`` are the source's sentence units (the ECB+ loader makes one per corpus
    sentence). ``translator(units, mode)`` defaults to Apertium via :func:`mt.translate`; the
    data set builder passes a cache so that all copies share one Apertium call per direction.
    For ``kind="corrupted"``, ``base_kind`` fixes the underlying derivation (else drawn at
    random) and ``n_alterations`` bounds how many alterations are planted.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    rng = rng_for(seed, source.id, kind)
    needs_lexicon = kind in {"edited", "spun", "summarised", "corrupted"}
    lx = lexicon or (default_lexicon() if needs_lexicon else None)
    relation = kind
    if kind == "corrupted":
        relation = base_kind or corrupted_base(seed, source.id)
        if relation not in _BUILDERS:
            raise ValueError(f"unknown base kind {relation!r}: expected one of {DERIVED_KINDS}")
    units, info = _BUILDERS[relation](source, rng, translator=translator, lexicon=lx)
    extra: list[Alteration] = list(info.pop("extra", []))
    meta: dict[str, Any] = {"seed": seed}
    if kind == "corrupted":
        types = alter.ALTERATION_TYPES
        if info.get("language", "en") != "en":
            types = tuple(t for t in types if t in alter.LANGUAGE_NEUTRAL)
        n = rng.randint(*n_alterations)
        planted = alter.plant(source, units, rng, n, types=types, lx=lx)
        meta["base_kind"] = relation
        meta["alterations"] = [a.type for a in planted]
    chrome = info.pop("chrome", None)
    title = info.pop("title", None)
    language = info.pop("language", "en")
    meta.update({k: v for k, v in info.items() if v is not None})
    return _assemble(
        source,
        units,
        kind,
        relation,
        rng,
        chrome=chrome,
        title=title,
        language=language,
        extra=extra,
        meta=meta,
    )


def check(derived: Derived, source: Article) -> list[str]:
    """Problems with a copy's gold (empty when sound): spans must point at the texts."""
    problems = []
    copy = derived.copy
    if len(derived.sentence_map) != len(copy.passages):
        problems.append("sentence_map length != number of copy passages")
    for p in copy.passages:
        if copy.text[p.start : p.end] != p.text:
            problems.append(f"copy passage {p.index} offsets do not match its text")
    for i, src in enumerate(derived.sentence_map):
        if any(j < 0 or j >= len(source.passages) for j in src):
            problems.append(f"copy passage {i} maps outside the source")
    for alt in derived.planted:
        if alt.copy_span is not None and copy.text[slice(*alt.copy_span)] != alt.copy_text:
            problems.append(f"{alt.type}: copy span {alt.copy_span} != {alt.copy_text!r}")
        if alt.source_span is not None and source.text[slice(*alt.source_span)] != alt.source_text:
            problems.append(f"{alt.type}: source span {alt.source_span} != {alt.source_text!r}")
    return problems


# -- copies as the web makes them (issue 13, "Real copies") ------------------------------------
#
# The kinds above are copies of one whole source, each against an index that holds that
# source. Copies found on the web are harder in ways those leave out: a copy may be cut short,
# the index may hold only a teaser of the story, the copied story may be a small part of a
# page, the source may have been rewritten after it was copied, the copy may come through
# another copy, and real spinners mangle far more than content words. Each kind below makes
# such a copy with exact gold; some also make articles the index must hold for the scenario
# (a teaser, a write-through, a republication). Their random streams are their own (seeded
# by kind name), so adding them changes nothing the kinds above produce.

REAL_KINDS: tuple[str, ...] = (
    "truncated_copy", "teaser_source", "padded", "version_chain", "copy_of_copy", "spun_wild",
)  # fmt: skip
ALL_KINDS: tuple[str, ...] = (*KINDS, *REAL_KINDS)
# Base derivations a padded page or a copy of a copy is made with (drawn per source).
REAL_BASES: dict[str, tuple[str, ...]] = {
    "padded": ("verbatim", "spun", "machine_translated"),
    "copy_of_copy": ("spun", "machine_translated"),
}
TRUNCATE_CHARS = (1500, 2500)  # a truncated copy ends at a sentence end in this range
TEASER_SENTENCES = (1, 3)  # an ECB+ paragraph is one sentence
MAX_BODY_SHARE = 0.5  # a padded page is at least half padding


@dataclass(slots=True)
class RealCopies:
    """What one web-like kind makes of one source: its copies, and the articles the index
    holds for the scenario (teaser, write-through, republication; ``meta["role"]`` says)."""

    copies: list[Derived]
    index: list[Article] = field(default_factory=list)


def real_base(seed: int, source_id: str, kind: str) -> str | None:
    """The base derivation of a ``padded`` or ``copy_of_copy`` copy (None for other kinds),
    known before deriving so the data set can prefetch its translations."""
    if kind not in REAL_BASES:
        return None
    return rng_for(seed, source_id, f"{kind}-base").choice(REAL_BASES[kind])


def _story_meta(source: Article, role: str, **extra: Any) -> dict[str, Any]:
    """Meta of an article made for the index: the source's topic and event (so that the runner
    treats it as related, not unrelated) and what it is."""
    keep = {k: source.meta[k] for k in ("topic", "event") if k in source.meta}
    return {**keep, "corpus": "wiretrace-bench", "role": role, "of": source.id, **extra}


def _without_credit(text: str) -> tuple[str, str]:
    """(text without a leading wire credit, the credit cut)."""
    m = alter.CREDIT.match(text)
    if not m:
        return text, ""
    a = m.start() + (len(m.group()) - len(m.group().lstrip()))
    return text[:a] + text[m.end() :], text[a : m.end()]


def _build_truncated_copy(source: Article, rng: random.Random, **_: Any) -> RealCopies | None:
    """The first 1,500-2,500 characters of the source, cut at a sentence end (at least one
    sentence is left out); half of them end with the aggregator's "Read more" link."""
    lo, hi = TRUNCATE_CHARS
    ends = [i for i, p in enumerate(source.passages[:-1]) if lo <= p.end <= hi]
    if not ends:
        return None
    k = rng.choice(ends) + 1
    chrome = None
    if rng.random() < 0.5:
        chrome = Chrome(fake_site(rng), [], [], [read_more_line(rng, source.site)])
    meta = {
        "prefix_chars": source.passages[k - 1].end,
        "kept_sentences": k,
        "source_sentences": len(source.passages),
    }
    d = _assemble(
        source, _units(source)[:k], "truncated_copy", "partial", rng, chrome=chrome,
        title=source.title, meta=meta,
    )  # fmt: skip
    return RealCopies([d])


def _build_teaser_source(source: Article, rng: random.Random, **_: Any) -> RealCopies | None:
    """The index holds only the source's lead (1-3 paragraphs, title kept) and the copy is
    the whole story, republished with chrome: the gold source is the teaser. The copy's
    sentences past the lead map to nothing in the teaser (``full_sentence_map`` maps them
    into the full source, which the runner hides from the index for this copy)."""
    k = rng.randint(*TEASER_SENTENCES)
    if len(source.passages) < k + 3:
        return None
    lead = source.passages[:k]
    teaser = Article(
        id=f"{source.id}~teaser",
        text=source.text[: lead[-1].end],
        url=f"https://{source.site or 'news.example'}/teaser/{_slug(source.title or lead[0].text)}",
        site=source.site,
        title=source.title,
        published=source.published,
        language=source.language,
        credits=list(source.credits),
        meta=_story_meta(source, "teaser", sentences=k),
        passages=[Passage(p.index, p.start, p.end, p.text) for p in lead],
    )
    units = _units(source)
    _remove_credit(source, units, rng)
    d = _assemble(
        source, units, "teaser_source", "verbatim", rng, chrome=make_chrome(rng),
        title=source.title,
        meta={"full_source_id": source.id, "teaser_sentences": k,
              "scenario_ids": [teaser.id], "hidden_ids": [source.id]},
    )  # fmt: skip
    d.meta["full_sentence_map"] = [list(m) for m in d.sentence_map]
    d.source_id = teaser.id
    d.sentence_map = [[j for j in m if j < k] for m in d.sentence_map]
    return RealCopies([d], [teaser])


def _title_case(title: str | None) -> str | None:
    """Reuters-21578 headlines are in capitals; pages print them in title case."""
    if title and title.isupper():
        return title.title()
    return title


def _build_padded(
    source: Article,
    rng: random.Random,
    *,
    seed: int,
    translator: Translator | None,
    lexicon: Lexicon | None,
    padding: Sequence[Article] = (),
    **_: Any,
) -> RealCopies | None:
    """A verbatim, spun or round-tripped copy on a page that is at least half something else:
    navigation, photo captions, a related-stories block, one or more unrelated stories
    (Reuters-21578 stories outside the index) and comment prompts. Every added line is a
    planted ``boilerplate_added`` whose note says what it is."""
    if not padding:
        return None
    base = real_base(seed, source.id, "padded")
    assert base is not None
    units, info = _BUILDERS[base](source, rng, translator=translator, lexicon=lexicon)
    info.pop("chrome", None)
    info.pop("extra", None)
    pad = make_padding(rng)
    heading = next_story_heading(rng)
    story_first = rng.random() < 0.3
    body = sum(len(u.text) for u in units)
    order = rng.sample(range(len(padding)), len(padding))
    lines = [*pad.top, *pad.after_lead, *pad.related, *pad.comments, *pad.bottom]
    filled = sum(map(len, lines)) + len(heading)
    stories: list[Article] = []
    story_lines: list[str] = [heading]
    while (filled < body or not stories) and order:
        st = padding[order.pop()]
        stories.append(st)
        head = _title_case(st.title) or ""
        story_lines += [x for x in (head, st.text) if x]
        filled += len(head) + len(st.text)
    if filled < body:
        return None
    kinds = dict(pad.kinds)
    for line in story_lines:
        kinds.setdefault(line, "unrelated_story")
    top = [*pad.top, *(story_lines if story_first else [])]
    bottom = [*pad.related, *([] if story_first else story_lines), *pad.comments, *pad.bottom]
    chrome = Chrome(fake_site(rng), top, pad.after_lead, bottom)
    title = info.pop("title", None)
    meta: dict[str, Any] = {"seed": seed, "base_kind": base, **info}
    meta["padding_story_ids"] = [st.id for st in stories]
    meta["story_first"] = story_first
    d = _assemble(source, units, "padded", base, rng, chrome=chrome, title=title, meta=meta)
    for alt in d.planted:
        if alt.type == "boilerplate_added":
            alt.note = kinds.get(alt.copy_text, "")
    d.meta["body_chars"] = sum(len(p.text) for p in d.copy.passages)
    d.meta["page_chars"] = len(d.copy.text)
    d.meta["body_share"] = round(d.meta["body_chars"] / len(d.copy.text), 4)
    return RealCopies([d])


def _near(tokens: frozenset[str], others: list[frozenset[str]], jaccard: float = 0.5) -> bool:
    for t in others:
        inter = len(tokens & t)
        if inter and inter / len(tokens | t) >= jaccard:
            return True
    return False


def _tokset(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in re.findall(r"\w+", text))


def write_through(
    source: Article, related: Sequence[Article], rng: random.Random
) -> Article | None:
    """The source rewritten as a wire write-through: 1-2 new paragraphs on top, 1-3 more
    inserted further down, the first take's lead (and every other paragraph) kept lower down.

    New paragraphs come from one other report of the same event (``related``), skipping
    sentences close to one the source already has; the wire credit moves to the new top.
    ``meta["version_map"]`` maps each paragraph to the source paragraph it is (``[]`` for
    new ones), ``meta["inserted"]`` to the donor's paragraph.
    """
    mine = [_tokset(p.text) for p in source.passages]
    donors: list[tuple[Article, list[int]]] = []
    for b in related:
        usable = [
            p.index for p in b.passages
            if len(p.text.split()) >= 6 and not _near(_tokset(p.text), mine)
        ]  # fmt: skip
        if len(usable) >= 2:
            donors.append((b, usable))
    if not donors:
        return None
    donor, usable = rng.choice(donors)
    n_top = rng.randint(1, min(2, len(usable) - 1))
    n_later = rng.randint(1, min(3, len(usable) - n_top))
    top = usable[:n_top]
    later = usable[n_top : n_top + n_later]
    texts = [_without_credit(p.text)[0] for p in source.passages]
    credit = _without_credit(source.passages[0].text)[1]
    # (text, source index or None, donor index or None), the first take in order
    seq: list[tuple[str, int | None, int | None]] = [(t, i, None) for i, t in enumerate(texts)]
    for j in sorted((rng.randint(1, len(source.passages)) for _ in later), reverse=True):
        b_idx = later.pop()
        seq.insert(j, (_without_credit(donor.passages[b_idx].text)[0], None, b_idx))
    head = [(_without_credit(donor.passages[i].text)[0], None, i) for i in top]
    seq = head + seq
    if credit:
        seq[0] = (credit + seq[0][0], None, seq[0][2])
    from wiretrace.bench.sources import article_from_sentences

    title = f"UPDATE 1-{source.title}" if source.title else None
    meta = _story_meta(
        source, "write_through",
        version_map=[[i] if i is not None else [] for _, i, _ in seq],
        inserted_from=donor.id,
        inserted=[[k, b] for k, (_, _, b) in enumerate(seq) if b is not None],
    )  # fmt: skip
    return article_from_sentences(
        f"{source.id}~writethru",
        [t for t, _, _ in seq],
        url=f"https://{source.site or 'news.example'}/update/{_slug(source.title or texts[0])}",
        site=source.site,
        title=title,
        published=source.published,
        language=source.language,
        credits=list(source.credits),
        meta=meta,
    )


def _build_version_chain(
    source: Article, rng: random.Random, *, seed: int, related: Sequence[Article] = (), **_: Any
) -> RealCopies | None:
    """A first take (the source) and its write-through (both indexed), and a verbatim copy of
    each: ``meta["version"]`` says which one a copy derives from, and its gold source is
    that version. Both copies are whole, so the answer is in which paragraphs they have."""
    update = write_through(source, related, rng)
    if update is None:
        return None
    copies = []
    for version, src in (("first", source), ("update", update)):
        units = _units(src)
        _remove_credit(src, units, rng)
        meta = {
            "seed": seed, "version": version, "first_take_id": source.id,
            "update_id": update.id, "scenario_ids": [update.id],
        }  # fmt: skip
        d = _assemble(
            src, units, "version_chain", "verbatim", rng, chrome=make_chrome(rng),
            title=src.title, meta=meta,
        )  # fmt: skip
        d.copy.id = f"{source.id}~version_chain~{version}"
        copies.append(d)
    return RealCopies(copies, [update])


def _build_copy_of_copy(
    source: Article,
    rng: random.Random,
    *,
    seed: int,
    translator: Translator | None,
    lexicon: Lexicon | None,
    **_: Any,
) -> RealCopies | None:
    """A verbatim republication of the source with its own chrome (indexed: the parent), and
    a spun or round-tripped copy of that republication's body that carries the parent's
    photo caption or related-stories lines along. Gold source: the original; gold parent:
    the republication (``meta["parent_id"]``)."""
    base = real_base(seed, source.id, "copy_of_copy")
    units = _units(source)
    _remove_credit(source, units, rng)
    parent_chrome = make_chrome(rng)
    rep = _assemble(
        source, units, "copy_of_copy", "verbatim", rng, chrome=parent_chrome, title=source.title
    )
    parent = rep.copy
    parent.id = f"{source.id}~republication"
    parent.meta = _story_meta(
        source, "republication", sentence_map=rep.sentence_map,
        planted=[asdict(a) for a in rep.planted],
    )  # fmt: skip

    units = _units(source)
    cut = _remove_credit(source, units, rng)
    title = source.title
    stats: dict[str, Any] = {}
    if base == "spun":
        assert lexicon is not None
        stats = _spin_into(units, rng, lexicon)
        if title:
            title = apply(title, spin_units([title], rng, lexicon).substitutions[0])
    else:
        texts = [u.text for u in units] + ([title] if title else [])
        back = _translated(_translated(texts, "eng-spa", translator), "spa-eng", translator)
        new_units = [Unit(t, u.src) for u, t in zip(units, back, strict=False) if t]
        if cut and new_units and 0 in new_units[0].src:
            alt = cut[0]
            alt.copy_span = (0, 0)
            new_units[0].planted.append(alt)
        units = new_units
        title = back[len(texts) - 1] if title else None
    chrome = make_chrome(rng)
    # a scraper takes the parent's body container: its caption, else its related block
    carried = (
        list(parent_chrome.after_lead) or related_block(parent_chrome) or parent_chrome.top[:1]
    )
    if parent_chrome.after_lead:
        chrome.after_lead = carried
    else:
        chrome.bottom = [*carried, *chrome.bottom]
    meta = {
        "seed": seed, "base_kind": base, "parent_id": parent.id, "scenario_ids": [parent.id],
        "carried_from_parent": carried, **stats,
    }  # fmt: skip
    d = _assemble(source, units, "copy_of_copy", base, rng, chrome=chrome, title=title, meta=meta)
    return RealCopies([d], [parent])


def _spin_wild_into(units: list[Unit], rng: random.Random, lx: Lexicon) -> dict[str, Any]:
    """Spin units as a real spinner does, planting one ``synonym`` per replaced word (the note
    is the part of speech, ``name:<pos>`` or ``function``)."""
    idx = [i for i, u in enumerate(units) if u.src]
    res = spin_units_wild([units[i].text for i in idx], rng, lx)
    counts = {"content": 0, "name": 0, "function": 0}
    for k, subs in enumerate(res.substitutions):
        unit = units[idx[k]]
        for s in sorted(subs, key=lambda s: -s.start):
            if unit.free(s.start, s.end):
                unit.replace(s.start, s.end, s.new, kind="synonym", note=s.pos)
                group = s.pos.split(":")[0] if s.pos.startswith("name") else s.pos
                counts[group if group in counts else "content"] += 1
    n = res.content_words
    spun = counts["content"] + counts["name"]
    return {
        "content_words": n, "spun_words": spun, "spin_rate": spun / n if n else 0.0,
        "name_words_spun": counts["name"], "function_words_swapped": counts["function"],
    }  # fmt: skip


def _build_spun_wild(
    source: Article, rng: random.Random, *, seed: int, lexicon: Lexicon | None, **_: Any
) -> RealCopies | None:
    """Spun as real spinners spin (:func:`wiretrace.bench.spin.spin_units_wild`): function
    words, words inside names and any sense of a word, not just content words."""
    assert lexicon is not None
    units = _units(source)
    stats = _spin_wild_into(units, rng, lexicon)
    title = source.title
    if title:
        title = apply(title, spin_units_wild([title], rng, lexicon).substitutions[0])
    d = _assemble(
        source, units, "spun_wild", "spun", rng, title=title, meta={"seed": seed, **stats}
    )
    return RealCopies([d])


_REAL_BUILDERS: dict[str, Callable[..., RealCopies | None]] = {
    "truncated_copy": _build_truncated_copy,
    "teaser_source": _build_teaser_source,
    "padded": _build_padded,
    "version_chain": _build_version_chain,
    "copy_of_copy": _build_copy_of_copy,
    "spun_wild": _build_spun_wild,
}


def derive_real(
    source: Article,
    kind: str,
    seed: int = 0,
    *,
    translator: Translator | None = None,
    lexicon: Lexicon | None = None,
    padding: Sequence[Article] = (),
    related: Sequence[Article] = (),
) -> RealCopies | None:
    """Make the copies (and index articles) of one web-like ``kind`` from ``source``.

    None when the source does not suit the kind (too short to truncate or to have a teaser,
    no other report to write through from, no padding stories). ``padding``: stories to pad a
    page with (outside the index); ``related``: other reports of the same event.
    """
    if kind not in _REAL_BUILDERS:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(REAL_KINDS)}")
    rng = rng_for(seed, source.id, kind)
    needs_lexicon = kind in {"spun_wild", "padded", "copy_of_copy"}
    lx = lexicon or (default_lexicon() if needs_lexicon else None)
    out = _REAL_BUILDERS[kind](
        source, rng, seed=seed, translator=translator, lexicon=lx, padding=padding,
        related=related,
    )  # fmt: skip
    if out is not None:
        for d in out.copies:
            d.meta.setdefault("seed", seed)
    return out


def mt_requests(source: Article, kind: str, seed: int) -> list[str]:
    """The texts a web-like copy of ``source`` will round-trip through Apertium (eng-spa-eng),
    so that the data set can translate all of them in one call per direction."""
    if real_base(seed, source.id, kind) != "machine_translated":
        return []
    title = [source.title] if source.title else []
    if kind == "padded":
        return [p.text for p in source.passages] + title
    return [_without_credit(p.text)[0] if p.index == 0 else p.text for p in source.passages] + title
