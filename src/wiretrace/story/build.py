"""Build and update the stories of a store.

1. **Judge** each article not processed yet against its retrieval candidates (the
   engine's own ``neighbours``: passage embeddings, rare names, MinHash LSH — never all
   pairs), skipping pairs already judged from the other side; write the verdicts.
2. **Cluster** the verdicts into stories (average link over observed pairs by default).
   Only the parts of the graph that new verdicts touch are clustered again; the rest keep
   their stored story ids.
3. **Lineage** inside each story from the derivation verdicts (``lineage.py``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from wiretrace.data import DERIVED_KINDS
from wiretrace.judge.direction import direction_score
from wiretrace.story.cluster import average_link, connected_components
from wiretrace.story.lineage import LineageEdge, lineage
from wiretrace.story.pairs import PairCache, PairVerdict

log = logging.getLogger(__name__)

SCHEMA = "wiretrace.stories/1"
SAME_EVENT_KINDS: tuple[str, ...] = (*DERIVED_KINDS, "independent")


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryConfig:
    """How stories are built. ``neighbours`` changes which pairs get judged (part of the
    cache identity); the clustering settings apply to cached verdicts and are free to vary.
    Defaults were picked on the benchmark's dev split (``bench/results/stories.md``).

    ``method``: "average" (average link over judged pairs, resists chaining) or
    "components" (connected components over pairs weighing at least ``threshold``).
    ``threshold``: the mean weight of judged pairs two clusters need to merge.
    A derivation weighs 1 and ``unrelated`` 0. An ``independent`` verdict ("same event,
    not copied") is too loose alone: two reports of two different earthquakes in one
    country share enough to pass it. So it weighs by how much of the two articles' rare
    names and numbers they share (IDF-weighted cosine of the store's entity terms),
    ramping from 0 at ``names_low`` to ``independent_weight`` at ``names_high``.
    """

    method: str = "average"
    threshold: float = 0.2
    independent_weight: float = 1.0
    names_low: float = 0.1
    names_high: float = 0.5
    neighbours: int = 12

    def __post_init__(self) -> None:
        if self.method not in ("average", "components"):
            raise ValueError(f"unknown story method {self.method!r}: "
                             "expected 'average' or 'components'")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold {self.threshold} must be in (0, 1]")
        if not self.names_low < self.names_high:
            raise ValueError(f"names_low {self.names_low} must be below names_high "
                             f"{self.names_high}")

    def weight(self, kind: str, names: float = 1.0) -> float:
        """The weight of one verdict; ``names`` is the pair's shared-name similarity."""
        if kind in DERIVED_KINDS:
            return 1.0
        if kind != "independent":
            return 0.0
        ramp = (names - self.names_low) / (self.names_high - self.names_low)
        return self.independent_weight * min(1.0, max(0.0, ramp))


@dataclass(slots=True)
class Story:
    """One event across outlets, with its lineage."""

    id: str
    members: list[str]
    roots: list[str] = field(default_factory=list)
    edges: list[LineageEdge] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)  # independent pairs


@dataclass(slots=True)
class StoryIndex:
    stories: list[Story]
    articles: dict[str, dict[str, Any]]  # id -> title, site, published, url, credits
    stats: dict[str, Any] = field(default_factory=dict)

    def story_of(self) -> dict[str, str]:
        return {m: s.id for s in self.stories for m in s.members}


def _identity(engine: Any, config: StoryConfig) -> str:
    ident = {
        "fingerprint": engine.fingerprinter.config.identity(),
        "retrieve": repr(engine.retrieve_config),
        "align": repr(engine.align_config),
        # what ``compare`` reads; the roundup settings apply to ``trace`` only
        "thresholds": {k: v for k, v in engine.thresholds.items() if k != "roundup"},
        "neighbours": config.neighbours,
    }
    return hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()


def _later(engine: Any, x: Any, y: Any) -> bool:
    """Is ``x`` the later of the two (publication date, then storage order)?"""
    kx = (x.published or "", engine.store.rowid_of(x.id) or 0)
    ky = (y.published or "", engine.store.rowid_of(y.id) or 0)
    return kx > ky


def judge_pair(engine: Any, a: Any, b: Any, scores: dict[str, float]) -> PairVerdict:
    """One verdict per pair, seated the way a copy is most likely seen.

    The judge asks "is the query derived from the candidate?": a wire story in the copy's
    seat does not look derived from its partial copy. So the later article sits in the
    copy's seat first; when that says "same event, not copied" while half or more of the
    candidate aligned, the other seating is tried too (a source stored after its copy),
    and a derivation either way wins.
    """
    q, c = (a, b) if _later(engine, a, b) else (b, a)
    rel = engine.compare_seated(q, c, scores, explain=False)
    if rel.copy_id != q.id:  # the other seating won
        q, c = c, q
    lean = 0.0
    if rel.derived and rel.direction == "unknown":
        lean, _ = direction_score(q, c, rel.features)
    return PairVerdict(q.id, c.id, rel.kind, float(rel.confidence), rel.direction,
                       float(lean), list(rel.direction_evidence))


class _Walk:
    """The judging loop's bookkeeping, shared by the in-process and the parallel paths:
    which candidates of an article are skipped (judged already, from either side), the
    order verdicts are written in and the commits every ``batch`` articles. The parallel
    path judges the pairs in worker processes first and replays this walk with their
    verdicts, so the verdict table, row order included, is what one process writes."""

    def __init__(self, cache: PairCache, total: int, batch: int,
                 progress: Callable[[int, int], None] | None) -> None:
        self.cache, self.total, self.batch, self.progress = cache, total, batch, progress
        self.buf: list[PairVerdict] = []
        self.done: list[str] = []

    def step(self, n: int, aid: str, cands: Iterable[tuple[str, Any]],
             judge: Callable[[Any], PairVerdict]) -> None:
        """Article ``n`` (1-based) of the walk, with its candidates (id, what ``judge``
        needs to judge the pair) best first."""
        seen = self.cache.judged_with(aid) | {v.a for v in self.buf if v.b == aid}
        for cid, item in cands:
            if cid in seen:
                continue
            seen.add(cid)
            self.buf.append(judge(item))
        self.done.append(aid)
        if len(self.done) >= self.batch:
            self.flush()
        if self.progress:
            self.progress(n, self.total)

    def flush(self) -> None:
        self.cache.put(self.buf, self.done)
        self.buf, self.done = [], []


def story_workers(engine: Any, pending: int, workers: int | None = None) -> int:
    """How many processes judge ``pending`` articles: ``workers`` if given, else one per
    core (``$WIRETRACE_STORY_WORKERS`` when set) when there is enough to judge to pay for
    the workers' start-up (each loads the models and the index, a few seconds); only for
    a plain engine over a writable store, otherwise 1, in this process (the web app's
    builder, which takes turns with traces, always judges in its own thread)."""
    import os

    from wiretrace.engine import Wiretrace

    if workers is None:
        env = os.environ.get("WIRETRACE_STORY_WORKERS", "").strip()
        workers = int(env) if env.isdigit() else min(os.cpu_count() or 1, 8)
        if pending < MIN_PARALLEL:
            return 1
    if workers <= 1 or not pending or type(engine) is not Wiretrace or engine.store.readonly:
        return 1
    return workers


#: Fewer pending articles than this are judged in this process (an incremental update).
MIN_PARALLEL = 300


def _phased(engine: Any) -> bool:
    """Whether the build can judge in phases (``story.parallel``): a plain engine over a
    store that keeps the vectors it encodes."""
    from wiretrace.engine import Wiretrace

    return type(engine) is Wiretrace and not engine.store.readonly


def judge_pending(engine: Any, cache: PairCache, config: StoryConfig,
                  progress: Callable[[int, int], None] | None = None,
                  batch: int = 25, workers: int | None = None) -> list[str]:
    """Judge every unprocessed article against its candidates; return the ids processed.
    ``workers`` > 1 judges in that many processes (``story_workers`` picks by default):
    the same verdicts, written in the same order."""
    from wiretrace.prepare import prepared  # cached per text: candidates recur
    from wiretrace.story.parallel import judge_parallel

    todo = cache.pending()
    n_workers = story_workers(engine, len(todo), workers)
    if n_workers > 1:
        from concurrent.futures.process import BrokenProcessPool

        try:
            judge_parallel(engine, cache, config, todo, n_workers, progress, batch)
            return todo
        except BrokenProcessPool as e:
            # a worker died (out of memory, killed, or a calling script that is not
            # guarded by ``if __name__ == "__main__"`` and so re-runs in the worker):
            # what was committed stays, the rest is judged here
            log.warning("wiretrace: story workers failed (%s); judging in this process", e)
            todo = cache.pending()
    if todo and _phased(engine):
        # the workers' phases in this process: the same groups of articles encoded
        # together, so the same kept vectors and verdicts as a build in workers
        judge_parallel(engine, cache, config, todo, 1, progress, batch)
        return todo
    # the web app's builder (it takes turns with traces, a call at a time) and a store
    # that keeps no vectors: article by article, each article's vectors encoded alone
    walk = _Walk(cache, len(todo), batch, progress)
    for n, aid in enumerate(todo, 1):
        stored = engine.store.get(aid)
        if stored is None:
            continue
        art = prepared(stored)
        walk.step(n, aid, ((cand.id, (cand, scores)) for cand, scores
                           in engine.neighbours(art, limit=config.neighbours)),
                  lambda item, art=art: judge_pair(engine, art, prepared(item[0]), item[1]))
    walk.flush()
    return todo


def _order(engine: Any) -> tuple[dict[str, tuple[str, int]], dict[str, dict[str, Any]]]:
    order: dict[str, tuple[str, int]] = {}
    meta: dict[str, dict[str, Any]] = {}
    for rowid, aid, title, site, pub, url, credits in engine.store.db.execute(
        "SELECT rowid, id, title, site, published, url, credits FROM articles"
    ):
        order[aid] = (pub or "~", int(rowid))
        meta[aid] = {"title": title, "site": site, "published": pub, "url": url,
                     "credits": json.loads(credits or "[]")}
    for rowid, aid, title, site, pub, url, credits in _republication_rows(engine.store):
        order[aid] = (pub or "~", _REPUBLICATION_ORDER + int(rowid))  # after the articles
        meta[aid] = {"title": title, "site": site, "published": pub, "url": url,
                     "credits": json.loads(credits or "[]")}
    return order, meta


_REPUBLICATION_ORDER = 1 << 40


def _republication_rows(store: Any) -> list[tuple[Any, ...]]:
    if not store.n_republications():
        return []
    return store.db.execute(
        "SELECT rowid, id, title, site, published, url, credits FROM republications"
    ).fetchall()


def republication_verdicts(store: Any) -> list[PairVerdict]:
    """One verbatim verdict per stored republication against the article whose text it
    shares: the pair is never judged (the texts are one), and by date when both pages have
    one, the earlier is the source."""
    if not store.n_republications():
        return []
    out = []
    for aid, pub, holder, hpub in store.db.execute(
            "SELECT r.id, r.published, a.id, a.published FROM republications r "
            "JOIN articles a ON a.rowid = r.of_article"):
        if pub and hpub and pub[:10] != hpub[:10]:
            direction = "candidate_is_source" if hpub < pub else "query_is_source"
            why = [f"the same text; published {pub[:10]}, the other {hpub[:10]}"]
        else:
            direction, why = "unknown", ["the same text at another address"]
        out.append(PairVerdict(aid, holder, "verbatim", 1.0, direction, 0.0, why))
    return out


def name_similarity(store: Any, pairs: Iterable[tuple[str, str]]
                    ) -> dict[frozenset[str], float]:
    """IDF-weighted cosine of the rare names and numbers (the store's entity terms) of
    each pair: high for two reports of one event, low for two of a kind."""
    pairs = list(pairs)
    ids = sorted({x for p in pairs for x in p})
    rowid: dict[str, int] = {}
    terms: dict[int, set[str]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        rowid.update(store.db.execute(
            f"SELECT id, rowid FROM articles WHERE id IN ({marks})", chunk).fetchall())
    rows = sorted(rowid.values())
    for i in range(0, len(rows), 500):
        chunk = rows[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for term, art in store.db.execute(
                f"SELECT term, article FROM terms WHERE article IN ({marks})", chunk):
            terms.setdefault(art, set()).add(term)
    vocab = sorted({t for ts in terms.values() for t in ts})
    df: dict[str, int] = {}
    for i in range(0, len(vocab), 500):
        chunk = vocab[i:i + 500]
        marks = ",".join("?" * len(chunk))
        df.update(store.db.execute(
            f"SELECT term, count(*) FROM terms WHERE term IN ({marks}) GROUP BY term",
            chunk).fetchall())
    by_id = {i: terms.get(r, set()) for i, r in rowid.items()}
    return term_cosine(pairs, by_id, df, len(store))


def term_cosine(pairs: Iterable[tuple[str, str]], terms: dict[str, set[str]],
                df: dict[str, int], n: int) -> dict[frozenset[str], float]:
    """IDF-weighted cosine of each pair's term sets; ``df`` counts articles per term over
    ``n`` articles. The pure half of :func:`name_similarity`, for callers without a store
    (the Spark job, which has the terms in its own tables)."""
    idf2 = {t: math.log(1 + max(1, n) / max(1, c)) ** 2 for t, c in df.items()}
    norm = {a: math.sqrt(sum(idf2.get(t, 0.0) for t in ts)) for a, ts in terms.items()}
    out: dict[frozenset[str], float] = {}
    for a, b in pairs:
        if not norm.get(a) or not norm.get(b):
            out[frozenset((a, b))] = 0.0
            continue
        shared = terms[a] & terms[b]
        out[frozenset((a, b))] = sum(idf2.get(t, 0.0) for t in shared) / (norm[a] * norm[b])
    return out


def cluster(nodes: list[str], verdicts: list[PairVerdict], config: StoryConfig,
            names: dict[frozenset[str], float] | None = None) -> list[list[str]]:
    """Stories over ``nodes`` from judged pairs, with ``config``'s method; ``names`` holds
    the shared-name similarity of independent pairs (see :func:`name_similarity`). Without
    ``names`` every independent verdict weighs ``independent_weight``: on the dev split
    that chains events (ARI 0.42 against 0.80 with names, bench/results/stories.md)."""
    names = names or {}

    def w(v: PairVerdict) -> float:
        return config.weight(v.kind, names.get(frozenset((v.a, v.b)), 1.0))

    if config.method == "components":
        return connected_components(
            nodes, ((v.a, v.b) for v in verdicts if w(v) >= config.threshold))
    return average_link(nodes, ((v.a, v.b, w(v)) for v in verdicts), config.threshold)


def build_stories(engine: Any, config: StoryConfig | None = None, *, rebuild: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  workers: int | None = None) -> StoryIndex:
    """Judge what is new in the store, update the stories and return them all.
    ``workers``: processes that judge (default: ``story_workers``, one per core for a
    large build); the result does not depend on it.

    >>> from wiretrace.engine import Wiretrace                       # doctest: +SKIP
    >>> index = build_stories(Wiretrace("wiretrace-data"))           # doctest: +SKIP
    >>> [len(s.members) for s in index.stories][:3]                  # doctest: +SKIP
    """
    config = config or StoryConfig()
    t0 = time.perf_counter()
    cache = PairCache(engine.store, _identity(engine, config))
    if rebuild:
        cache.clear()
    stored = cache.members()
    new = set(judge_pending(engine, cache, config, progress, workers=workers))
    t_judge = time.perf_counter() - t0
    order, meta = _order(engine)
    nodes = sorted(order, key=order.__getitem__)
    verdicts = [v for v in [*cache.verdicts(), *republication_verdicts(engine.store)]
                if v.a in order and v.b in order]
    # the parts of the graph new verdicts touch: components over any judged pair
    parts = connected_components(
        nodes, ((v.a, v.b) for v in verdicts if v.kind in SAME_EVENT_KINDS))
    dirty = new | {x for v in verdicts if v.a in new for x in (v.a, v.b)}
    by_node: dict[str, list[PairVerdict]] = {}
    for v in verdicts:
        by_node.setdefault(v.a, []).append(v)
    clusters: list[list[str]] = []
    todo: list[tuple[list[str], list[PairVerdict]]] = []
    reused = 0
    for part in parts:
        keep = (not rebuild and not dirty.intersection(part)
                and all(m in stored for m in part))
        if keep:
            groups: dict[str, list[str]] = {}
            for m in part:
                groups.setdefault(stored[m], []).append(m)
            clusters.extend(groups.values())
            reused += len(part)
            continue
        inside = set(part)
        todo.append((part, [v for m in part for v in by_node.get(m, []) if v.b in inside]))
    names = name_similarity(engine.store, [(v.a, v.b) for _, pv in todo for v in pv
                                           if v.kind == "independent"])
    for part, pv in todo:
        clusters.extend(cluster(part, pv, config, names))
    t_cluster = time.perf_counter() - t0 - t_judge
    derived_by_pair: dict[frozenset[str], PairVerdict] = {}
    related: dict[str, list[tuple[str, str]]] = {}
    story_of = {m: min(c, key=order.__getitem__) for c in clusters for m in c}
    for v in verdicts:
        if story_of.get(v.a) != story_of.get(v.b):
            continue
        key = frozenset((v.a, v.b))
        if v.kind in DERIVED_KINDS:
            old = derived_by_pair.get(key)
            if old is None or (old.direction == "unknown" and v.direction != "unknown"):
                derived_by_pair[key] = v
        elif v.kind == "independent":
            related.setdefault(story_of[v.a], []).append((v.a, v.b))
    derived_in: dict[str, list[PairVerdict]] = {}
    for v in derived_by_pair.values():
        derived_in.setdefault(story_of[v.a], []).append(v)
    stories = []
    for c in clusters:
        members = sorted(c, key=order.__getitem__)
        sid = "story:" + members[0]
        roots, edges = lineage(members, derived_in.get(members[0], []), order)
        stories.append(Story(sid, members, roots, edges, related.get(members[0], [])))
    stories.sort(key=lambda s: (-len(s.members), order[s.members[0]]))
    cache.set_members({m: s.id for s in stories for m in s.members})
    n = len(order)
    copies = {e.target for s in stories for e in s.edges if e.tree}
    stats = {
        "articles": n,
        "republications": engine.store.n_republications(),
        "stories": len(stories),
        "stories_with_2_or_more": sum(len(s.members) > 1 for s in stories),
        "derived_articles": len(copies),
        "original_share": round(1 - len(copies) / n, 4) if n else None,
        "pairs_judged": cache.n_pairs(),
        "newly_processed": len(new),
        "articles_reclustered": n - reused,
        "seconds_judging": round(t_judge, 2),
        "seconds_clustering": round(t_cluster, 3),
        "config": asdict(config),
    }
    return StoryIndex(stories, meta, stats)
