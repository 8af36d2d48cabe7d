"""Comparing two articles: profiles in, a judged relation out, no store in sight.

An article's ``Profile`` is everything a comparison needs to know about it alone — its
prepared passages, their word features and full-model vectors — built once by
``build_profile`` and reused for every pair it is in (the engine keeps the vectors in the
store). ``compare`` aligns two profiles, judges the pair, turns it when the direction says
the query is the source, and explains a derivation; ``compare_seated`` also tries the other
seating for pairs that have no query of their own. The CLI, the Python API, the web app,
the story builder and the Spark scan all judge pairs here, with explicit ``Settings``.
What a profile cannot know in advance is which of its sentences a copy broke in two: the
vector of two adjacent passages joined is encoded (``Settings.encoder``) the first time a
pair needs it, added to the profile's ``joins`` (the engine keeps them in the store) and
kept per process by text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from wiretrace.align import AlignConfig, JoinedSimilarity, PassageFeatures, align
from wiretrace.align.anchors import AnchorPair
from wiretrace.cache import BoundedCache
from wiretrace.data import DERIVED_KINDS, AlignedPair, Article, Relation
from wiretrace.fingerprint import codec
from wiretrace.fingerprint.embed import FullEncoder
from wiretrace.forensics.alterations import alterations
from wiretrace.forensics.intrinsic import spinner_score
from wiretrace.judge import (
    PairView,
    alignment_basis,
    anchor_features,
    decide,
    features,
    load_thresholds,
    text_names,
    text_numbers,
    word_swaps,
)
from wiretrace.judge.direction import direction
from wiretrace.prepare import features_of, prepared

__all__ = ["Profile", "Settings", "build_profile", "compare", "compare_seated", "evidence",
           "full_vectors"]


@dataclass(frozen=True, slots=True)
class Settings:
    """How pairs are judged: the alignment's settings and the judge's thresholds, and the
    full model that encodes a broken sentence's joined halves (the caller's, so a process
    loads one; the process's fingerprinter's when None)."""

    align: AlignConfig = field(default_factory=AlignConfig)
    thresholds: dict[str, Any] = field(default_factory=load_thresholds)
    encoder: FullEncoder | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Profile:
    """One article as comparison sees it: prepared (capped) passages, their word features,
    one full-model vector per passage (float32, L2-normalised), and the vectors of adjacent
    passages joined (``joins[i]``: passages i and i + 1 as one text) that comparisons have
    needed so far: ``compare`` adds the ones it encodes, the engine keeps them."""

    article: Article
    feats: list[PassageFeatures]
    full: np.ndarray
    joins: dict[int, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.full) != len(self.article.passages):
            raise ValueError(f"{self.article.id}: {len(self.full)} vectors for "
                             f"{len(self.article.passages)} passages")


def build_profile(article: Article, encoder: FullEncoder | None = None,
                  *, full: np.ndarray | None = None,
                  joins: dict[int, np.ndarray] | None = None) -> Profile:
    """The profile of ``article``: prepared as comparison sees it, with vectors either
    given (``full``: ``full_vectors`` of the same prepared article, maybe kept in a store
    or shipped between Spark stages) or made by ``encoder``; ``joins`` are joined-passage
    vectors known already (kept in a store; the dict is shared, and grows)."""
    art = prepared(article)
    if full is None:
        if encoder is None:
            raise ValueError("build_profile needs the full model or the article's vectors")
        full = full_vectors(encoder, art)
    return Profile(art, features_of(art), np.asarray(full, dtype=np.float32),
                   {} if joins is None else joins)


def full_vectors(encoder: FullEncoder, article: Article) -> np.ndarray:
    """Full-model vectors of a prepared article's passages, rounded as they are kept (int8
    with a scale per row, ``fingerprint.codec``): a pair then gets the same verdict whether
    its vectors were just computed, read from a store or shipped between Spark stages."""
    if not article.passages:
        return np.zeros((0, 512), dtype=np.float32)
    return codec.rounded(encoder.encode([p.text for p in article.passages]))


def compare(query: Profile, candidate: Profile, settings: Settings,
            signals: dict[str, float] | None = None, *, explain: bool = True) -> Relation:
    """Judge one pair, with ``query`` in the copy's seat; direction may turn it.

    ``explain=False`` skips the alterations (word-level forensics): the story builder and
    the scan need only the verdict and direction, for many pairs.
    """
    q, c = query.article, candidate.article
    eq, ec = query.full, candidate.full
    sem = eq @ ec.T if len(eq) and len(ec) else np.zeros((len(eq), len(ec)))
    qf, cf = query.feats, candidate.feats
    pairs = align(q.passages, c.passages, sem, settings.align, qf, cf,
                  joined=_joined_similarity(query, candidate, settings.encoder))
    f = features(PairView(q, qf), PairView(c, cf), pairs, sem)
    by_anchors = alignment_basis(q, c) == "anchors"
    if by_anchors:
        pairs = _with_anchors(f, q, c, pairs, sem, settings)
    else:
        f["alignment_basis"] = "meaning"  # type: ignore[assignment]
    kind, conf = _decided(f, PairView(q, qf), PairView(c, cf), pairs, settings)
    rel = Relation(
        copy_id=q.id, source_id=c.id, kind=kind, confidence=conf,
        direction="unknown", features=f, signals=dict(signals or {}), alignment=pairs,
    )
    if kind in DERIVED_KINDS:
        rel.direction, rel.direction_evidence = direction(q, c, f)
        if rel.direction == "query_is_source":
            # judge the pair the other way round: the candidate is the copy
            swapped = [swap(p) for p in pairs]
            f2 = features(PairView(c, cf), PairView(q, qf), swapped, sem.T)
            if by_anchors:
                f2.update(anchor_features(c, q, sem.T, settings.thresholds)[0])
            else:
                f2["alignment_basis"] = "meaning"  # type: ignore[assignment]
            kind2, conf2 = _decided(f2, PairView(c, cf), PairView(q, qf), swapped, settings)
            if kind2 in DERIVED_KINDS:
                rel.kind, rel.confidence = kind2, conf2
                rel.features = {**f2, "seen_from": "candidate"}  # type: ignore[dict-item]
    if rel.kind in DERIVED_KINDS and explain:
        cross = bool(rel.features.get("cross_language"))
        if rel.features.get("seen_from") == "candidate":
            rel.alterations = alterations(c, q, [swap(p) for p in pairs], cross_language=cross)
        else:
            rel.alterations = alterations(q, c, pairs, cross_language=cross)
    rel.evidence = evidence(q, c, pairs)
    return rel


#: Vectors of joined passage texts, by text: a trace's query meets every candidate with the
#: same broken sentences, and the story builder meets each article in many pairs.
_JOINED: BoundedCache[str, np.ndarray] = BoundedCache(20_000)


def _joined_vectors(texts: list[str], encoder: FullEncoder | None) -> list[np.ndarray]:
    """Full-model vectors of joined texts, rounded as stored vectors are (a pair gets the
    same verdict from any entry point); the ones not kept are encoded in one call."""
    found = {t: v for t in texts if (v := _JOINED.lookup(t)) is not None}
    missing = list(dict.fromkeys(t for t in texts if t not in found))
    if missing:
        if encoder is None:
            from wiretrace.fingerprint import process_fingerprinter

            encoder = process_fingerprinter().full
        new = codec.rounded(encoder.encode(missing))
        for t, v in zip(missing, new, strict=True):
            found[t] = _JOINED.put(t, v)
    return [found[t] for t in texts]


def _joined_similarity(query: Profile, candidate: Profile,
                       encoder: FullEncoder | None) -> JoinedSimilarity:
    """``align``'s cosines of joined passages: a single passage reads its profile's vector,
    two adjacent ones their profile's joined vector, encoded (and added to the profile)
    when the profile has none yet."""

    def known(profile: Profile, idx: list[int]) -> np.ndarray | None:
        if len(idx) == 1:
            return profile.full[idx[0]]
        if len(idx) == 2 and idx[1] == idx[0] + 1:
            return profile.joins.get(idx[0])
        return None

    def joined(options: list[tuple[list[int], list[int]]]) -> list[float]:
        todo = [(p, idx) for qi, js in options for p, idx in ((query, qi), (candidate, js))
                if known(p, idx) is None]
        texts = [" ".join(p.article.passages[k].text for k in idx) for p, idx in todo]
        made = _joined_vectors(texts, encoder)
        encoded = {}
        for (p, idx), vec in zip(todo, made, strict=True):
            encoded[id(p), tuple(idx)] = vec
            if len(idx) == 2 and idx[1] == idx[0] + 1:
                p.joins[idx[0]] = vec

        def side(profile: Profile, idx: list[int]) -> np.ndarray:
            vec = known(profile, idx)
            return encoded[id(profile), tuple(idx)] if vec is None else vec

        return [round(float(side(query, qi) @ side(candidate, js)), 4) for qi, js in options]

    return joined


def _decided(f: dict[str, Any], copy: PairView, source: PairView, pairs: list[AlignedPair],
             settings: Settings) -> tuple[str, float]:
    """``decide``; a copy it would call machine-translated, spun or summarised is then asked
    which side its one-word swaps favour (``word_swaps``: a spinner's rarer synonyms), only
    then: the word statistics are not loaded for pairs that never get that far."""
    kind, conf = decide(f, settings.thresholds)
    if kind in ("machine_translated", "spun", "summarised") and not f.get("cross_language"):
        # spun too: which side holds the rarer words also says which side is the copy; a
        # summary keeps its swaps only when they make it a spinner's partial copy (an
        # editor's cut leans to rarer words now and then, and its direction stays as it was)
        swaps = word_swaps(copy, source, pairs)
        kind2, conf2 = decide({**f, **swaps}, settings.thresholds)
        if kind2 in ("machine_translated", "summarised"):
            # which tool: a spinner's marks in the copy's own text ("whereas" for *while*,
            # "mentioned" for *said*) where the swaps between the two are too few to say
            swaps["copy_spinner_signs"] = spinner_score(copy.article)
            kind2, conf2 = decide({**f, **swaps}, settings.thresholds)
        if kind != "summarised" or kind2 == "spun":
            f.update(swaps)
            kind, conf = kind2, conf2
    return kind, conf


def _with_anchors(f: dict[str, Any], q: Article, c: Article, pairs: list[AlignedPair],
                  sem: np.ndarray, settings: Settings) -> list[AlignedPair]:
    """Add the anchor features to ``f`` (the meaning features stay: the encoder may read a
    language close to one it knows) and return the alignment a report shows: the meaning
    pairs, plus the anchor pairs on passages those left unpaired."""
    fa, apairs = anchor_features(q, c, sem, settings.thresholds)
    for key in ("reused_copy_span", "reused_source_span"):
        if key in f:
            fa.pop(key, None)
    f.update(fa)
    used_q = {i for p in pairs for i in p.copy_idx}
    used_c = {j for p in pairs for j in p.source_idx}
    extra = [_anchor_pair(p, q, c, sem) for p in apairs
             if p.copy_idx not in used_q and p.source_idx not in used_c]
    return sorted(pairs + extra, key=lambda p: p.copy_idx[0])


def _anchor_pair(p: AnchorPair, q: Article, c: Article, sem: np.ndarray) -> AlignedPair:
    qp, cp = q.passages[p.copy_idx], c.passages[p.source_idx]
    return AlignedPair(copy_idx=[p.copy_idx], source_idx=[p.source_idx],
                       similarity=round(float(sem[p.copy_idx, p.source_idx]), 4), lexical=0.0,
                       kind="translated", copy_span=(qp.start, qp.end),
                       source_span=(cp.start, cp.end))


def compare_seated(query: Profile, candidate: Profile, settings: Settings,
                   signals: dict[str, float] | None = None, *,
                   explain: bool = True) -> Relation:
    """``compare``, then the other seating when it says "same event, not copied" while
    half or more of the candidate aligned: the candidate may be the query's partial copy
    or summary, which never looks derived from the copy's seat. A derivation either way
    wins; ``copy_id`` of the result says which seat won. For callers that judge pairs
    of stored articles with no query of their own (stories, the Spark scan)."""
    rel = compare(query, candidate, settings, signals, explain=explain)
    if rel.kind == "independent" and rel.features.get("coverage_source", 0.0) >= 0.5:
        other = compare(candidate, query, settings, signals, explain=explain)
        if other.derived:
            return other
    return rel


def swap(p: AlignedPair) -> AlignedPair:
    """The pair seen from the other side."""
    return AlignedPair(copy_idx=p.source_idx, source_idx=p.copy_idx, similarity=p.similarity,
                       lexical=p.lexical, kind=p.kind, copy_span=p.source_span,
                       source_span=p.copy_span)


def evidence(query: Article, candidate: Article, pairs: list[AlignedPair]) -> dict[str, Any]:
    """What a reader checks first: shared rare names and numbers, credits, dates."""
    nq, nc = text_names(query.text), text_names(candidate.text)
    uq, uc = text_numbers(query.text), text_numbers(candidate.text)
    return {
        "shared_names": sorted(nq & nc)[:40],
        "names_only_in_query": sorted(nq - nc)[:40],
        "shared_numbers": sorted(uq & uc)[:40],
        "numbers_only_in_query": sorted(uq - uc)[:40],
        "credits": {"query": query.credits, "candidate": candidate.credits},
        "published": {"query": query.published, "candidate": candidate.published},
        "declared_sources": {"query": query.declared_sources,
                             "candidate": candidate.declared_sources},
        "aligned_pairs": len(pairs),
    }
