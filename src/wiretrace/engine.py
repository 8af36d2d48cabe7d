"""The engine: prepare -> fingerprint -> store on ingest; retrieve -> align -> judge on trace.

``Wiretrace`` owns one store, one fingerprinter and the calibrated settings; the CLI, the
web app and the benchmark all call it, so they cannot disagree.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from wiretrace.align import AlignConfig
from wiretrace.cache import BoundedCache
from wiretrace.compare import (
    Profile,
    Settings,
    build_profile,
    compare,
    compare_seated,
    full_vectors,
)
from wiretrace.data import DERIVED_KINDS, AlignedPair, Article, Relation
from wiretrace.fingerprint import Fingerprint, Fingerprinter, codec
from wiretrace.judge import load_thresholds
from wiretrace.prepare import (  # re-exported: the engine's API since the first release
    MAX_COMPARED_CHARS,
    MAX_COMPARED_PASSAGES,
    clean,
    prepare,
    prepared,
)
from wiretrace.retrieve import LexicalIndex, RetrieveConfig, candidates
from wiretrace.store import IngestStats, Store, open_store

__all__ = ["MAX_COMPARED_CHARS", "MAX_COMPARED_PASSAGES", "TraceResult", "Wiretrace",
           "prepare"]

SCHEMA_VERSION = "wiretrace.trace/1"
#: Bytes of full-model vectors an engine keeps in memory (float32, most recent first out):
#: the story builder meets each article in ~20 pairs spread over the build, so the bound
#: is in bytes, not articles (~16,000 short news pages of 8 passages, ~4,000 long ones)
FULL_CACHE_BYTES = 256 * 2**20
#: Articles whose joined-passage vectors (mostly none) an engine remembers
JOINS_CACHED = 20_000


def _nbytes(_key: str, vecs: np.ndarray) -> int:
    return int(vecs.nbytes)


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
        self.store.static_encoder = self.fingerprinter.static  # re-makes a lost index
        self.retrieve_config = RetrieveConfig()
        self.align_config = AlignConfig()
        self.thresholds = load_thresholds()
        self._full_cache: BoundedCache[str, np.ndarray] = BoundedCache(
            FULL_CACHE_BYTES, _nbytes)
        self._joins: BoundedCache[str, _Joins] = BoundedCache(JOINS_CACHED)
        self._lexical: LexicalIndex | None = None

    @property
    def settings(self) -> Settings:
        """What ``compare`` judges with (the alignment settings, judge thresholds, and this
        engine's full model for a broken sentence's joined halves)."""
        return Settings(self.align_config, self.thresholds, self.fingerprinter.full)

    # -- ingest -----------------------------------------------------------------------
    def add(self, articles: Iterable[Article], stats: IngestStats | None = None,
            batch: int = 256, on_batch: Callable[[IngestStats], None] | None = None
            ) -> IngestStats:
        """Prepare, fingerprint and store articles, one transaction per batch (the writer
        is ``add_fingerprinted``; an article already stored is not fingerprinted)."""
        stats = stats or IngestStats()

        def fingerprinted() -> Iterator[tuple[Article, Fingerprint]]:
            buf: list[Article] = []

            def ready() -> Iterator[tuple[Article, Fingerprint]]:
                fresh = [a for a in buf if not self.store.has(a.id, a.text)]
                stats.duplicates += len(buf) - len(fresh)
                buf.clear()
                if fresh:
                    yield from zip(fresh, self.fingerprinter.fingerprint_many(fresh),
                                   strict=True)

            for art in articles:
                art = prepare(clean(art))
                if not art.passages:
                    stats.fail("no_text")
                    continue
                buf.append(art)
                if len(buf) >= batch:
                    yield from ready()
            yield from ready()

        return self.add_fingerprinted(fingerprinted(), stats, batch, on_batch)

    def add_fingerprinted(self, items: Iterable[tuple[Article, Fingerprint]],
                          stats: IngestStats | None = None, batch: int = 256,
                          on_batch: Callable[[IngestStats], None] | None = None
                          ) -> IngestStats:
        """Store articles ``add`` would store, prepared and fingerprinted elsewhere (the
        workers of ``ingest.parallel``): this process stays the single writer, one
        transaction per batch in the order given, so ids, duplicates and republications
        resolve as ``add`` resolves them."""
        stats = stats or IngestStats()
        buf: list[tuple[Article, Fingerprint]] = []

        def flush() -> None:
            fresh = [(a, f) for a, f in buf if not self.store.has(a.id, a.text)]
            stats.duplicates += len(buf) - len(fresh)
            if fresh:
                self.store.add([a for a, _ in fresh], [f for _, f in fresh], stats)
            buf.clear()
            if on_batch:
                on_batch(stats)

        for item in items:
            buf.append(item)
            if len(buf) >= batch:
                flush()
        if buf:
            flush()
        item = None  # not the last article's vectors through the index save (70 MB for 10 MB)
        self.store.save_index()
        return stats

    # -- trace ------------------------------------------------------------------------
    def warm(self) -> None:
        """Load what the first trace and its report would otherwise load while a user
        waits: the full model, WordNet's synset index (built once per machine, for the
        alteration summary), the LSH and vector indexes (one stored article traced
        against one candidate)."""
        from wiretrace.forensics.alterations import _wordnet

        self.fingerprinter.full.encode(["Warm up."])  # even on an empty store
        _wordnet()
        first = next(iter(self.store.ids()), None)
        article = self.store.get(first) if first else None
        if article is not None:
            self.trace(article, limit=1)
        with self.store._lock:  # a long-lived engine reads the index from memory, not the
            self.store._own_index()  # mapped file: no page faults on a trace's first lists

    def profile(self, article: Article,
                reuse: dict[str, np.ndarray] | None = None) -> Profile:
        """``article`` as comparison sees it (``compare.build_profile``). The full-model
        vectors are the costly part (~80% of a comparison): they are kept in memory for
        recent articles and, for a stored article, in the store, so each is encoded once
        per store rather than once per process. ``reuse`` maps passage texts to vectors
        already made (a part of a page reuses the page's)."""
        art = prepared(article)
        digest, key = _full_key(art)
        return build_profile(art, full=self._full(art, digest, key, reuse),
                             joins=self._joins_of(art, digest, key).vecs)

    def _joins_of(self, art: Article, digest: str, key: str) -> _Joins:
        """The joined-passage vectors known for a prepared article (``Profile.joins``): from
        memory, else those its stored text has kept; one dict per text, which comparisons
        add to."""
        def load() -> _Joins:
            rowid = self.store.rowid_of(art.id) if art.id else None
            vecs = self.store.load_joins(rowid, digest) if rowid is not None else {}
            return _Joins(rowid, digest, vecs, set(vecs))

        return self._joins.get(key, load)

    def _keep_joins(self, *profiles: Profile) -> None:
        """Keep in the store the joined vectors ``compare`` encoded for stored articles, so
        a later trace, in any process, reads them instead of loading the model."""
        for p in profiles:
            if not p.joins:  # most pairs need none: no digest of the text to look them up
                continue
            got = self._joins.lookup(_full_key(p.article)[1])
            if got is None or got.rowid is None or got.vecs is not p.joins:
                continue
            new = {i: v for i, v in list(p.joins.items()) if i not in got.kept}
            if not new:
                continue
            if got.stored_text is None:
                got.stored_text = self.store.holds_text(
                    got.rowid, p.article.text, head="truncated" in p.article.meta)
            if got.stored_text and self.store.save_joins(got.rowid, got.digest, new):
                got.kept.update(new)

    def keep_profiles(self, articles: Sequence[Article]) -> int:
        """Encode the full-model vectors of those stored ``articles`` that have none kept,
        all their passages in one encoder call, and keep them; how many were encoded.

        The story builder's encoding phase: the model's micro-batches then hold ~1,000
        tokens instead of one article's ~200 (measured on this machine: about the same CPU
        either way, ~12 ms an article; fewer, larger tasks for the workers). A batch
        rounds a handful of int8 codes one step away from encoding an article alone (BLAS
        blocking follows the batch: 17 of 5.7 M codes on the ECB+ dev store, none of its
        9,091 story verdicts changed); the kept vectors are what every entry point
        (trace, web, stories) reads for a stored article.
        """
        todo: list[tuple[Article, int, str, str]] = []
        for article in articles:
            art = prepared(article)
            digest, key = _full_key(art)
            rowid = self.store.rowid_of(art.id) if art.id else None
            if (rowid is None or not art.passages or key in self._full_cache
                    or self.store.load_full(rowid, digest, len(art.passages)) is not None
                    or not self.store.holds_text(rowid, art.text,
                                                 head="truncated" in art.meta)):
                continue
            todo.append((art, rowid, digest, key))
        if not todo:
            return 0
        vecs = codec.rounded(self.fingerprinter.full.encode(
            [p.text for art, *_ in todo for p in art.passages]))
        at, tries = 0, 100
        for art, rowid, digest, key in todo:
            mine, at = vecs[at:at + len(art.passages)], at + len(art.passages)
            self._remember(key, mine)
            # another process of the build reads them back: wait out a writer's lock (a
            # few ms), not a store that cannot be written at all
            while not self.store.readonly and not self.store.save_full(rowid, digest, mine):
                tries -= 1
                if tries <= 0:
                    break
                time.sleep(0.01)
        return len(todo)

    def forget_vectors(self) -> None:
        """Drop the full-model vectors kept in memory (the store keeps its own): a benchmark
        measuring a first trace, a test of what the store holds."""
        self._full_cache.clear()

    def _remember(self, key: str, vecs: np.ndarray) -> None:
        self._full_cache.put(key, vecs)

    def full_vectors(self, art: Article) -> np.ndarray:
        """The full-model vectors of a prepared article's passages, as comparison reads them
        (kept in memory and in the store; the benchmark's document-embedding baseline
        averages them)."""
        digest, key = _full_key(art)
        return self._full(art, digest, key)

    def _full(self, art: Article, digest: str, key: str,
              reuse: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Full-model vectors of a prepared article's passages (``_full_key``'s digest and
        key): from memory, from the store (a stored article whose text is the stored
        text), or encoded and saved."""
        kept = self._full_cache.lookup(key)
        if kept is not None:
            return kept
        stored = self.store.rowid_of(art.id) if art.id else None
        vecs = self.store.load_full(stored, digest, len(art.passages)) if stored else None
        if vecs is None and reuse and all(p.text in reuse for p in art.passages):
            vecs = np.stack([reuse[p.text] for p in art.passages])
        if vecs is None:
            vecs = full_vectors(self.fingerprinter.full, art)
            if stored is not None and self.store.holds_text(
                    stored, art.text, head="truncated" in art.meta):
                self.store.save_full(stored, digest, vecs)
        self._remember(key, vecs)
        return vecs

    def compare(self, query: Article, candidate: Article,
                signals: dict[str, float] | None = None, *, explain: bool = True) -> Relation:
        """Judge one pair with ``query`` in the copy's seat (``compare.compare``)."""
        qp, cp = self.profile(query), self.profile(candidate)
        rel = compare(qp, cp, self.settings, signals, explain=explain)
        self._keep_joins(qp, cp)
        return rel

    def compare_seated(self, query: Article, candidate: Article,
                       signals: dict[str, float] | None = None, *,
                       explain: bool = True) -> Relation:
        """Judge one pair in either seating (``compare.compare_seated``)."""
        qp, cp = self.profile(query), self.profile(candidate)
        rel = compare_seated(qp, cp, self.settings, signals, explain=explain)
        self._keep_joins(qp, cp)
        return rel

    def neighbours(self, article: Article, exclude_ids: Iterable[str] = (),
                   limit: int | None = None, *, fingerprint: Fingerprint | None = None
                   ) -> list[tuple[Article, dict[str, float]]]:
        """Stored candidates for ``article`` (prepared), best first, with their signal
        scores: the retrieval half of ``trace``, reused by the story builder, which passes
        the article's stored ``fingerprint`` read with others' (``stored_fingerprints``)."""
        article = prepared(article)  # a giant article is looked up by its head
        # the query's own text is never its candidate (a stored page's twins are listed by
        # trace); an excluded id hides that page only, not the article whose text it shares
        exclude = {r for r in [self.store.rowid_of(article.id),
                               *(self.store.article_rowid(i) for i in exclude_ids)] if r}
        fp = (fingerprint or self._stored_fingerprint(article)
              or self.fingerprinter.fingerprint_many([article])[0])
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

    def _stored_fingerprint(self, article: Article) -> Fingerprint | None:
        """The fingerprint a stored article was stored with, when ``article`` (prepared) is
        that stored text, whole: a trace by id then loads no tokenizer, embedding rows or
        datasketch (most of a new trace process's start-up)."""
        if "truncated" in article.meta or not article.id:
            return None
        rowid = self.store.rowid_of(article.id)
        return self.store.fingerprint_of(rowid, article) if rowid is not None else None

    def stored_fingerprints(self, articles: Sequence[Article]) -> list[Fingerprint | None]:
        """``_stored_fingerprint`` of each of ``articles`` (prepared), read together
        (``Store.fingerprints_of``: one scan of the terms table for them all)."""
        rowids = [self.store.rowid_of(a.id) if a.id and "truncated" not in a.meta else None
                  for a in articles]
        asked = [(r, a) for r, a in zip(rowids, articles, strict=True) if r is not None]
        got = iter(self.store.fingerprints_of(asked))
        return [next(got) if r is not None else None for r in rowids]

    def trace(self, article: Article, exclude_ids: Iterable[str] = (),
              limit: int | None = None) -> TraceResult:
        """Find the stored articles ``article`` derives from (or that derive from it).

        A giant article is compared by its head only (``MAX_COMPARED_PASSAGES``,
        ``MAX_COMPARED_CHARS``); the result's ``truncated`` and verdict say so."""
        art = prepared(clean(article))
        found = self.neighbours(art, exclude_ids, limit)
        out = TraceResult(article=art, candidates=len(found))
        for cand, scores in found:
            out.relations.append(self.compare(art, cand, scores))
        self._roundup(art, found, out.relations)
        out.relations += self._republished(art, out.relations, set(exclude_ids))
        out.relations.sort(key=_source_rank)
        return out

    def _republished(self, art: Article, relations: list[Relation],
                     exclude_ids: set[str]) -> list[Relation]:
        """The pages that share a text with the query or a candidate: stored once, they are
        pages of their own (another URL, site, date) and each gets its relation. The
        query's own twins are verbatim copies one way or the other (by date when both have
        one); a candidate's twins are judged as the candidate was."""
        out: list[Relation] = []
        seen = {art.id} | {r.source_id for r in relations} | exclude_ids
        if self.store.rowid_of(art.id) is not None:
            for page in self.store.republications_of(art.id):
                if page.id in seen:
                    continue
                seen.add(page.id)
                out.append(_twin(art, page))
        for rel in relations:
            for page in self.store.republications_of(rel.source_id):
                if page.id in seen:
                    continue
                seen.add(page.id)
                twin = replace(rel, source_id=page.id,
                               features={**rel.features, "same_text_as": rel.source_id},
                               direction_evidence=[
                                   *rel.direction_evidence,
                                   f"the same text as {rel.source_id}, at another address"])
                out.append(twin)
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
        whole = self.profile(art)  # each part's passages are the page's: reuse their vectors
        reuse = {p.text: v for p, v in zip(whole.article.passages, whole.full, strict=True)}
        for k, idx in inside:
            cand, scores = found[k]
            lo, hi = idx[0], idx[-1]
            start, end = art.passages[lo].start, art.passages[hi].end
            part = replace(art, text=art.text[start:end], passages=[])
            cp = self.profile(cand)
            rel = compare(self.profile(part, reuse), cp, self.settings, scores)
            self._keep_joins(cp)
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


@dataclass(slots=True)
class _Joins:
    """An article's joined-passage vectors as the engine holds them: the dict its profiles
    share, which of them the store has, and where to keep new ones."""

    rowid: int | None
    digest: str
    vecs: dict[int, np.ndarray]
    kept: set[int]
    stored_text: bool | None = None  # the stored text is the compared one (checked once)


def _full_key(art: Article) -> tuple[str, str]:
    """The digest a prepared article's kept full vectors are stored under, and their key
    in the engine's memory."""
    digest = hashlib.sha1(art.text.encode()).hexdigest()[:16]
    return digest, f"{art.id}:{digest}:{len(art.passages)}"


def _twin(query: Article, page: Article) -> Relation:
    """The relation of the query to a stored page with its very text."""
    if query.published and page.published and query.published[:10] != page.published[:10]:
        earlier = page.published < query.published
        direction = "candidate_is_source" if earlier else "query_is_source"
        why = [f"the same text, {'earlier' if earlier else 'later'} at {page.url or page.id} "
               f"({page.published[:10]})"]
    else:
        direction, why = "unknown", [f"the same text at {page.url or page.id} (no dates "
                                     "to tell who published first)"]
    return Relation(
        copy_id=query.id, source_id=page.id, kind="verbatim", confidence=1.0,
        direction=direction, direction_evidence=why,
        features={"same_text": 1.0, "coverage_copy": 1.0, "coverage_source": 1.0},
        alignment=[AlignedPair(copy_idx=[i], source_idx=[i], similarity=1.0, lexical=1.0,
                               kind="same", copy_span=(p.start, p.end),
                               source_span=(p.start, p.end))
                   for i, p in enumerate(query.passages)],
        evidence={"same_text_as": query.id, "published": {"query": query.published,
                                                          "candidate": page.published}},
    )


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
