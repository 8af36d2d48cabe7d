"""The engine: prepare -> fingerprint -> store on ingest; retrieve -> align -> judge on trace.

``Wiretrace`` owns one store, one fingerprinter and the calibrated settings; the CLI, the
web app and the benchmark all call it, so they cannot disagree.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from wiretrace.align import (
    DATELINE_CREDIT,
    AlignConfig,
    PassageFeatures,
    align,
    passage_features,
)
from wiretrace.data import DERIVED_KINDS, AlignedPair, Article, Relation
from wiretrace.fingerprint import Fingerprinter
from wiretrace.forensics.alterations import alterations
from wiretrace.ingest.credits import find_credits
from wiretrace.judge import PairView, decide, features, load_thresholds
from wiretrace.judge.direction import direction
from wiretrace.retrieve import LexicalIndex, RetrieveConfig, candidates
from wiretrace.store import IngestStats, Store, open_store
from wiretrace.store.sqlite import content_hash
from wiretrace.text.lang import detect_language
from wiretrace.text.normalize import normalize
from wiretrace.text.segment import split_sentences

SCHEMA_VERSION = "wiretrace.trace/1"

#: How much of an article trace and compare look at: its first passages (sentences), at
#: most this many and none that ends past this many characters. Far more than any real
#: article (the longest of the 181 real pages in ../shared: 741 passages, 53,000
#: characters), so only a giant input is cut; without a bound a 5 MB paragraph (~35,000
#: sentences, each embedded by the full model and aligned against every candidate) held
#: the engine for many minutes. Ingest still stores every passage.
MAX_COMPARED_PASSAGES = 1000
MAX_COMPARED_CHARS = 250_000


def prepare(article: Article, max_passages: int | None = None,
            max_chars: int | None = None) -> Article:
    """Normalise the text and cut it into passages; detect the language if unknown.

    With ``max_passages`` or ``max_chars``, a longer article keeps only its first
    passages (at least one) and its text up to the end of the last one kept, and
    ``meta["truncated"]`` says so (``passages_compared``, ``chars_compared``,
    ``chars_total``); segmentation stops there too.
    """
    text = normalize(article.text)
    passages = split_sentences(text, None if max_passages is None else max_passages + 1)
    keep = len(passages) if max_passages is None else min(len(passages), max_passages)
    while max_chars is not None and keep > 1 and passages[keep - 1].end > max_chars:
        keep -= 1
    meta = article.meta
    if keep < len(passages):
        passages = passages[:keep]
        meta = {**meta, "truncated": {"passages_compared": keep,
                                      "chars_compared": passages[-1].end,
                                      "chars_total": len(text)}}
        text = text[: passages[-1].end]
    art = replace(article, text=text, passages=passages, meta=meta)
    if not art.language:
        art.language = detect_language(text)
    if not art.credits:
        art.credits = list(dict.fromkeys(c.agency for c in find_credits(text)))
        if not art.credits and (m := DATELINE_CREDIT.match(text)):
            art.credits = [m.group("agency")]  # an agency the credit list does not know
    if not art.id:
        art.id = "sha1:" + content_hash(text)[:16]
    return art


@dataclass(slots=True)
class TraceResult:
    """All relations found for one article, derived ones first."""

    article: Article
    relations: list[Relation] = field(default_factory=list)
    candidates: int = 0

    @property
    def sources(self) -> list[Relation]:
        return [r for r in self.relations if r.kind in DERIVED_KINDS]

    @property
    def truncated(self) -> dict[str, int] | None:
        """Where a giant query was cut (``prepare``'s ``meta["truncated"]``), else None."""
        return self.article.meta.get("truncated")

    @property
    def verdict(self) -> str:
        cut = self.truncated
        if not cut:
            return self._verdict()
        return (f"{self._verdict()} (only the first {len(self.article.passages):,} passages, "
                f"{cut['chars_compared']:,} of {cut['chars_total']:,} characters, were "
                "compared)")

    def _verdict(self) -> str:
        src = self.sources
        if src:
            r = src[0]
            if n := r.features.get("roundup_sources"):
                parts = ", ".join(f"{x.kind} copy of {x.source_id}" for x in src
                                  if x.features.get("roundup_sources"))
                return f"roundup of {int(n)} stored articles: {parts}"
            return f"{r.kind} copy of {r.source_id} (confidence {r.confidence:.2f})"
        if any(r.kind == "independent" for r in self.relations):
            return "no source found: independent report(s) of the same event in the store"
        return "no source found in the store"


class Wiretrace:
    """One store plus the models and settings to fill and query it."""

    def __init__(self, store: str | Path | None = None, create: bool = True) -> None:
        self.fingerprinter = Fingerprinter()
        self.store: Store = open_store(store, self.fingerprinter.config, create=create)
        self.retrieve_config = RetrieveConfig()
        self.align_config = AlignConfig()
        self.thresholds = load_thresholds()
        self._full_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lexical: LexicalIndex | None = None

    # -- ingest -----------------------------------------------------------------------
    def add(self, articles: Iterable[Article], stats: IngestStats | None = None,
            batch: int = 256, on_batch: Callable[[IngestStats], None] | None = None
            ) -> IngestStats:
        """Prepare, fingerprint and store articles, one transaction per batch."""
        stats = stats or IngestStats()
        buf: list[Article] = []

        def flush() -> None:
            fresh = [a for a in buf if not self.store.has(a.id, a.text)]
            stats.duplicates += len(buf) - len(fresh)
            if fresh:
                self.store.add(fresh, self.fingerprinter.fingerprint_many(fresh), stats)
            buf.clear()
            if on_batch:
                on_batch(stats)

        for art in articles:
            art = prepare(art)
            if not art.passages:
                stats.fail("no_text")
                continue
            buf.append(art)
            if len(buf) >= batch:
                flush()
        if buf:
            flush()
        self.store.save_index()
        return stats

    # -- trace ------------------------------------------------------------------------
    def warm(self) -> None:
        """Load what the first trace and its report would otherwise load while a user
        waits: the full model, WordNet (3-4 s, for the alteration summary), the LSH and
        vector indexes (one stored article traced against one candidate)."""
        from wiretrace.forensics.alterations import wordnet_available

        self.fingerprinter.full.encode(["Warm up."])  # even on an empty store
        wordnet_available()
        first = next(iter(self.store.ids()), None)
        article = self.store.get(first) if first else None
        if article is not None:
            self.trace(article, limit=1)

    def _full(self, art: Article) -> np.ndarray:
        digest = hashlib.sha1(art.text.encode()).hexdigest()[:12]
        key = f"{art.id}:{digest}:{len(art.passages)}"
        if key in self._full_cache:
            self._full_cache.move_to_end(key)
            return self._full_cache[key]
        vecs = self.fingerprinter.full.encode([p.text for p in art.passages])
        self._full_cache[key] = vecs
        if len(self._full_cache) > 4000:
            self._full_cache.popitem(last=False)
        return vecs

    def compare(self, query: Article, candidate: Article,
                signals: dict[str, float] | None = None, *, explain: bool = True) -> Relation:
        """Judge one pair, with ``query`` in the copy's seat; direction may turn it.

        ``explain=False`` skips the alterations (word-level forensics): the story builder
        needs only the verdict and direction, for many pairs.
        """
        query, candidate = _prepared(query), _prepared(candidate)
        eq, ec = self._full(query), self._full(candidate)
        sem = eq @ ec.T if len(eq) and len(ec) else np.zeros((len(eq), len(ec)))
        qf, cf = _features_of(query), _features_of(candidate)
        pairs = align(query.passages, candidate.passages, sem, self.align_config, qf, cf)
        f = features(PairView(query, qf), PairView(candidate, cf), pairs, sem)
        kind, conf = decide(f, self.thresholds)
        rel = Relation(
            copy_id=query.id, source_id=candidate.id, kind=kind, confidence=conf,
            direction="unknown", features=f, signals=dict(signals or {}), alignment=pairs,
        )
        if kind in DERIVED_KINDS:
            rel.direction, rel.direction_evidence = direction(query, candidate, f)
            if rel.direction == "query_is_source":
                # judge the pair the other way round: the candidate is the copy
                swapped = [_swap(p) for p in pairs]
                f2 = features(PairView(candidate, cf), PairView(query, qf), swapped, sem.T)
                kind2, conf2 = decide(f2, self.thresholds)
                if kind2 in DERIVED_KINDS:
                    rel.kind, rel.confidence = kind2, conf2
                    rel.features = {**f2, "seen_from": "candidate"}  # type: ignore[dict-item]
        if rel.kind in DERIVED_KINDS and explain:
            cross = bool(rel.features.get("cross_language"))
            if rel.features.get("seen_from") == "candidate":
                rel.alterations = alterations(candidate, query, [_swap(p) for p in pairs],
                                              cross_language=cross)
            else:
                rel.alterations = alterations(query, candidate, pairs, cross_language=cross)
        rel.evidence = evidence(query, candidate, pairs)
        return rel

    def compare_seated(self, query: Article, candidate: Article,
                       signals: dict[str, float] | None = None, *,
                       explain: bool = True) -> Relation:
        """``compare``, then the other seating when it says "same event, not copied" while
        half or more of the candidate aligned: the candidate may be the query's partial copy
        or summary, which never looks derived from the copy's seat. A derivation either way
        wins; ``copy_id`` of the result says which seat won. For callers that judge pairs
        of stored articles with no query of their own (stories, the Spark scan)."""
        rel = self.compare(query, candidate, signals, explain=explain)
        if rel.kind == "independent" and rel.features.get("coverage_source", 0.0) >= 0.5:
            other = self.compare(candidate, query, signals, explain=explain)
            if other.derived:
                return other
        return rel

    def neighbours(self, article: Article, exclude_ids: Iterable[str] = (),
                   limit: int | None = None) -> list[tuple[Article, dict[str, float]]]:
        """Stored candidates for ``article`` (prepared), best first, with their signal
        scores: the retrieval half of ``trace``, reused by the story builder."""
        if (len(article.passages) > MAX_COMPARED_PASSAGES
                or article.passages and article.passages[-1].end > MAX_COMPARED_CHARS):
            article = _prepared(article)
        exclude = {r for i in (article.id, *exclude_ids) if (r := self.store.rowid_of(i))}
        fp = self.fingerprinter.fingerprint_many([article])[0]
        if self._lexical is None:
            self._lexical = LexicalIndex(
                self.store, self.retrieve_config.lsh_threshold, self.fingerprinter.config.num_perm
            )
        cands = candidates(self.store, fp.vectors, fp.terms, fp.minhash, self.retrieve_config,
                           self._lexical, exclude)
        if limit:
            cands = cands[:limit]
        out = []
        for c in cands:
            cand = self.store.get_by_rowid(c.rowid)
            if cand is not None:
                out.append((cand, c.scores))
        return out

    def trace(self, article: Article, exclude_ids: Iterable[str] = (),
              limit: int | None = None) -> TraceResult:
        """Find the stored articles ``article`` derives from (or that derive from it).

        A giant article is compared by its head only (``MAX_COMPARED_PASSAGES``,
        ``MAX_COMPARED_CHARS``); the result's ``truncated`` and verdict say so."""
        art = _prepared(article)
        found = self.neighbours(art, exclude_ids, limit)
        out = TraceResult(article=art, candidates=len(found))
        for cand, scores in found:
            out.relations.append(self.compare(art, cand, scores))
        self._roundup(art, found, out.relations)
        out.relations.sort(key=_source_rank)
        return out


    def _roundup(self, art: Article, found: list[tuple[Article, dict[str, float]]],
                 relations: list[Relation]) -> None:
        """Judge each part of a page that strings several stored articles together.

        A roundup or digest page holds several stories, each nearly whole, in separate
        parts of it; the judge asks how much of the *copy* a source explains, so each
        source alone falls short and the page reads as an independent report. When two or
        more candidates are each mostly inside the query, in parts that do not overlap,
        each part is judged against its candidate as if it were an article of its own;
        offsets are mapped back onto the whole page. ``relations`` is updated in place.
        """
        t = self.thresholds.get("roundup", {})
        if not t:
            return
        inside: list[tuple[int, list[int]]] = []
        for k, rel in enumerate(relations):
            f = rel.features
            # a part proven by local evidence alone, or seen as a derivation only from the
            # candidate's seat (it lies whole inside the page), is still a part
            swapped = f.get("seen_from") == "candidate"
            whole = rel.derived and not swapped and not f.get("reuse_evidence")
            inside_share = f.get("coverage_copy_words" if swapped else "coverage_source_words",
                                 0.0)
            if (whole or inside_share < t["source_coverage"]
                    or f.get("source_passages", 0) < t["min_source_passages"]):
                continue
            idx = _main_run(sorted({i for p in rel.alignment for i in p.copy_idx}))
            if idx:
                inside.append((k, idx))
        inside = _one_per_story(inside, found, self.thresholds["independent"]["names_shared"])
        if len(inside) < t["min_sources"]:
            return
        judged = []
        for k, idx in inside:
            cand, scores = found[k]
            lo, hi = idx[0], idx[-1]
            start, end = art.passages[lo].start, art.passages[hi].end
            part = replace(art, text=art.text[start:end], passages=[])
            rel = self.compare(part, cand, scores)
            if rel.derived:
                judged.append((k, lo, hi, start, end, rel))
        # one story per part: a same-event report that also aligns there gives way to the
        # candidate the part copies best (a copy judged derived beats one that is not)
        judged.sort(key=lambda j: (-j[5].features.get("strong_coverage", 0.0), -j[5].confidence,
                                   -(j[2] - j[1])))
        chosen: list[tuple[int, int, int, int, int, Relation]] = []
        for j in judged:
            region = set(range(j[1], j[2] + 1))
            if all(len(region & set(range(c[1], c[2] + 1))) / len(region) <= t["max_overlap"]
                   for c in chosen):
                chosen.append(j)
        if len(chosen) < t["min_sources"]:
            return
        for k, lo, _hi, start, end, rel in chosen:
            relations[k] = _shifted(rel, art, lo, start)
            relations[k].features["roundup_sources"] = len(chosen)
            relations[k].features["roundup_span"] = [start, end]  # type: ignore[assignment]
            relations[k].direction_evidence.append(
                f"the query strings {len(chosen)} stored articles together, each nearly whole "
                f"in its own part (characters {start}-{end} here): a roundup of its sources"
            )
            if relations[k].direction == "unknown":  # a compiler, unless other votes disagree
                relations[k].direction = "candidate_is_source"


_RANK = {k: i for i, k in enumerate((*DERIVED_KINDS, "independent", "unrelated"))}


def _source_rank(r: Relation) -> tuple[bool, float, float]:
    """Derived relations first; among them the source that explains the whole copy before
    one proven by a local run of it (another copy of the same wire story shares long runs
    with the copy, and would otherwise tie with its true source), then by confidence."""
    if r.kind not in DERIVED_KINDS:
        return (True, 0.0, float(_RANK[r.kind]))
    local_only = bool(r.features.get("reuse_evidence")) and not r.features.get(
        "roundup_sources")
    return (False, float(local_only), -r.confidence)


def _one_per_story(inside: list[tuple[int, list[int]]],
                   found: list[tuple[Article, dict[str, float]]],
                   same_event_names: float) -> list[tuple[int, list[int]]]:
    """Keep one candidate per story: several stored copies or versions of one wire story all
    lie inside a page that copies it, and are not the parts of a roundup, which strings
    different stories together. Two candidates are one story when a third of the shorter
    one's word 5-shingles are in the other, or when their rare names are shared as much as
    the judge asks of two reports of one event (``independent.names_shared``; versions of one
    story share 10-25%, the different events of a digest 0-4%)."""
    from wiretrace.judge import text_names
    from wiretrace.text.tokens import words

    def shingles(text: str) -> set[tuple[str, ...]]:
        w = words(text)
        return {tuple(w[i:i + 5]) for i in range(len(w) - 4)}

    def same(a: tuple[set, set], b: tuple[set, set]) -> bool:
        (sa, na), (sb, nb) = a, b
        if len(sa & sb) >= 0.33 * max(1, min(len(sa), len(sb))):
            return True
        return bool(na | nb) and len(na & nb) / len(na | nb) >= same_event_names

    kept: list[tuple[int, list[int], tuple[set, set]]] = []
    for k, idx in sorted(inside, key=lambda x: -len(x[1])):
        text = found[k][0].text
        sig = (shingles(text), text_names(text))
        if not any(same(sig, o) for _, _, o in kept):
            kept.append((k, idx, sig))
    return sorted(((k, idx) for k, idx, _ in kept), key=lambda x: x[0])


def _main_run(idx: list[int], max_gap: int = 2) -> list[int]:
    """The longest run of aligned passages (gaps of up to ``max_gap`` unaligned ones): a
    stray sentence aligned elsewhere on the page must not stretch a story's part."""
    runs: list[list[int]] = []
    for i in idx:
        if runs and i - runs[-1][-1] <= max_gap + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return max(runs, key=len) if runs else []


def _shifted(rel: Relation, whole: Article, first_passage: int, offset: int) -> Relation:
    """A relation judged on a part of ``whole`` with its query-side passage indices and
    character offsets moved onto the whole article."""

    def span(s: tuple[int, int]) -> tuple[int, int]:
        return (s[0] + offset, s[1] + offset)

    rel.copy_id = whole.id
    rel.alignment = [
        replace(p, copy_idx=[i + first_passage for i in p.copy_idx], copy_span=span(p.copy_span))
        for p in rel.alignment
    ]
    query_is_copy = rel.features.get("seen_from") != "candidate"
    rel.alterations = [
        replace(a, copy_span=span(a.copy_span) if query_is_copy and a.copy_span else a.copy_span,
                source_span=(span(a.source_span) if not query_is_copy and a.source_span
                             else a.source_span))
        for a in rel.alterations
    ]
    return rel


class _TextCache:
    """Recent results keyed by a text, bounded by the characters of the keys it holds: a
    trace compares one query with twenty candidates, and redoing the query's text work for
    each was about 40% of the cost of a long query."""

    def __init__(self, max_chars: int = 20_000_000) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self.items: OrderedDict[str, Any] = OrderedDict()

    def get(self, text: str, make: Callable[[], Any]) -> Any:
        if text in self.items:
            self.items.move_to_end(text)
            return self.items[text]
        value = make()
        self.items[text] = value
        self.chars += len(text)
        while self.chars > self.max_chars and len(self.items) > 1:
            old, _ = self.items.popitem(last=False)
            self.chars -= len(old)
        return value


_PREPARED = _TextCache()
_FEATURES = _TextCache()


def _prepared(article: Article) -> Article:
    """Passages must come from our own segmenter over the normalised text, whoever made
    the article (a reader, the store, a benchmark generator); at most
    ``MAX_COMPARED_PASSAGES`` of them, within ``MAX_COMPARED_CHARS``. The text work is done
    once per distinct text; the article's own fields are kept as ``prepare`` keeps them."""
    base = _PREPARED.get(article.text, lambda: prepare(
        Article(id="-", text=article.text), MAX_COMPARED_PASSAGES, MAX_COMPARED_CHARS))
    meta = article.meta
    if "truncated" in base.meta:
        meta = {**meta, "truncated": base.meta["truncated"]}
    art = replace(article, text=base.text, passages=list(base.passages), meta=meta)
    if not art.language:
        art.language = base.language
    if not art.credits:
        art.credits = list(base.credits)
    if not art.id:
        art.id = "sha1:" + content_hash(art.text)[:16]
    return art


def _features_of(art: Article) -> list[PassageFeatures]:
    """Per-passage word lists of a prepared article, once per text."""
    return _FEATURES.get(art.text, lambda: passage_features(art.passages))


def _swap(p: AlignedPair) -> AlignedPair:
    return AlignedPair(copy_idx=p.source_idx, source_idx=p.copy_idx, similarity=p.similarity,
                       lexical=p.lexical, kind=p.kind, copy_span=p.source_span,
                       source_span=p.copy_span)


def evidence(query: Article, candidate: Article, pairs: list[AlignedPair]) -> dict[str, Any]:
    """What a reader checks first: shared rare names and numbers, credits, dates."""
    from wiretrace.judge import text_names, text_numbers

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
