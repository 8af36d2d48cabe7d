"""Judging a large story build in phases over chunks of articles, in worker processes or
in this one, with the verdicts one process writes.

A pair's verdict depends on the two articles alone (``judge_pair`` seats them by date and
storage order, whichever found the other) and on their kept full-model vectors. So the
pending articles are taken in chunks, and for each chunk

1. every article's candidates are found (the engine's ``neighbours``; the stored
   fingerprints of ``GROUP`` articles read together, ``Wiretrace.stored_fingerprints``),
2. the full-model vectors of every article a new pair needs and has none kept are encoded,
   ``ENCODE_BATCH`` articles to one encoder call (``Wiretrace.keep_profiles``), and kept in
   the store's ``profiles`` table, where every process (and every later trace) reads them,
3. each new pair is judged once, however many sides found it;

then this process replays the one-process walk (``build._Walk``) with those verdicts, so the
cache holds the same rows in the same order, committed every ``batch`` articles (an
interrupted build resumes at the first article not committed).

The groups of articles encoded together follow from the pending list alone, never from the
number of workers, so a build in one process and one in several keep the same vector bits
and write the same verdicts. A batch rounds a few int8 codes one step away from encoding
each article alone (17 of 5.7 M on the ECB+ dev store); the story build there wrote the
same 9,091 verdicts either way (kinds, confidences, directions, stories and lineage), see
``bench/results/stories.md``.

Each worker runs the model with one BLAS thread: on 2 shared cores, two processes of one
thread encode about 3x faster than one of two threads, which spin waiting for each other
when other jobs hold the CPU; the vectors are the same bits.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from wiretrace.cache import BoundedCache
from wiretrace.story.pairs import PairCache, PairVerdict

#: Articles per chunk: large enough that the workers rarely wait for each other at the
#: end of a phase, small enough that a killed build loses little.
CHUNK = 600
#: Articles whose candidates one task finds (their stored fingerprints read at once).
GROUP = 30
#: Articles encoded in one call to the full model: ~1,000-token micro-batches.
ENCODE_BATCH = 32

_ENGINE: Any = None
log = logging.getLogger(__name__)

#: Seconds per phase of the last parallel build in this process, and its counts (read by
#: ``bench/stories_eval.py``: where a build's time goes).
LAST: dict[str, float] = {}


def _init(path: str, retrieve: Any, align: Any, thresholds: dict[str, Any]) -> None:
    """A worker: one engine over the store, the caller's settings, one thread each."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    global _ENGINE
    from wiretrace.engine import Wiretrace

    engine = Wiretrace(path, create=False)
    engine.retrieve_config, engine.align_config = retrieve, align
    engine.thresholds = thresholds
    engine.fingerprinter.full.threads = 1
    try:
        import faiss

        faiss.omp_set_num_threads(1)
    except ImportError:  # pragma: no cover - faiss is a dependency
        pass
    _ENGINE = engine


def _neighbours(job: tuple[list[str], int]) -> list[list[tuple[str, dict[str, float]]] | None]:
    """Candidate ids and signal scores of some pending articles (None: no longer stored)."""
    from wiretrace.prepare import prepared

    ids, limit = job
    arts = [prepared(s) for s in map(_stored, ids) if s is not None]
    fps = iter(_ENGINE.stored_fingerprints(arts))
    found = {art.id: [(c.id, scores) for c, scores in _ENGINE.neighbours(
        art, limit=limit, fingerprint=next(fps))] for art in arts}
    return [found.get(aid) for aid in ids]


def _profile(ids: list[str]) -> int:
    """Encode (and keep in the store) the full-model vectors of some articles, in one
    encoder call."""
    return _ENGINE.keep_profiles([a for a in map(_stored, ids) if a is not None])


_ROWS: BoundedCache[str, Any] = BoundedCache(4000)


def _stored(aid: str) -> Any:
    """``store.get``, remembered for the last few thousand ids: a worker meets the same
    article in each of its ~20 pairs, and the pairs of one article come together."""
    return _ROWS.get(aid, lambda: _ENGINE.store.get(aid))


def _judge(job: tuple[str, str, dict[str, float]]) -> PairVerdict:
    from wiretrace.prepare import prepared
    from wiretrace.story.build import judge_pair

    aid, cid, scores = job
    return judge_pair(_ENGINE, prepared(_stored(aid)), prepared(_stored(cid)), scores)


def _unprofiled(store: Any, ids: list[str]) -> list[str]:
    """Those of ``ids`` whose article has no full-model vectors kept (whatever their
    digest: a stale row is found and re-encoded when the pair is judged)."""
    out = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        have = {r[0] for r in store.db.execute(
            f"SELECT a.id FROM articles a JOIN profiles p ON p.article = a.rowid "
            f"WHERE a.id IN ({marks})", chunk)}
        out += [x for x in chunk if x not in have]
    return out


def judge_parallel(engine: Any, cache: PairCache, config: Any, todo: list[str], workers: int,
                   progress: Callable[[int, int], None] | None = None,
                   batch: int = 25) -> None:
    """Judge ``todo`` (the cache's pending articles, in order) in ``workers`` processes,
    or, with ``workers`` 1, by the same phases in this process with ``engine``."""
    if workers > 1:
        ctx = multiprocessing.get_context("spawn")  # no SQLite connection or BLAS pool forked
        init = (str(engine.store.path), engine.retrieve_config, engine.align_config,
                engine.thresholds)
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init,
                                 initargs=init) as pool:
            _phases(engine, cache, config, todo, workers, progress, batch,
                    lambda f, jobs: list(pool.map(f, jobs)))
        return
    global _ENGINE
    saved = _ENGINE
    _ENGINE = engine
    _ROWS.clear()
    try:
        _phases(engine, cache, config, todo, 1, progress, batch,
                lambda f, jobs: [f(j) for j in jobs])
    finally:
        _ENGINE = saved
        _ROWS.clear()


def _phases(engine: Any, cache: PairCache, config: Any, todo: list[str], workers: int,
            progress: Callable[[int, int], None] | None, batch: int,
            run: Callable[[Callable[[Any], Any], list[Any]], list[Any]]) -> None:
    """The chunks of ``todo`` through the phases; ``run(f, jobs)`` is ``[f(j) for j in
    jobs]``, done by the workers or here."""
    from wiretrace.story.build import _Walk

    walk = _Walk(cache, len(todo), batch, progress)
    last: dict[frozenset[str], PairVerdict] = {}  # the previous chunk's verdicts
    spent: dict[str, float] = {"workers": workers, "pairs": 0, "encoded": 0}
    t0 = tick = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal tick
        now = time.perf_counter()
        spent[phase] = spent.get(phase, 0.0) + now - tick
        tick = now

    for start in range(0, len(todo), CHUNK):
        ids = todo[start:start + CHUNK]
        found = [x for group in run(_neighbours, [(ids[i:i + GROUP], config.neighbours)
                                                  for i in range(0, len(ids), GROUP)])
                 for x in group]
        lap("seconds_neighbours")
        jobs: dict[frozenset[str], tuple[str, str, dict[str, float]]] = {}
        for aid, cands in zip(ids, found, strict=True):
            if not cands:
                continue
            before = cache.judged_with(aid)
            for cid, scores in cands:
                key = frozenset((aid, cid))
                if cid not in before and key not in jobs and key not in last:
                    jobs[key] = (aid, cid, scores)
        need = list(dict.fromkeys(x for a, c, _ in jobs.values() for x in (a, c)))
        lap("seconds_planning")
        encode = _unprofiled(engine.store, need)
        spent["encoded"] += sum(run(_profile, [encode[i:i + ENCODE_BATCH] for i in
                                               range(0, len(encode), ENCODE_BATCH)]))
        lap("seconds_encoding")
        keys = list(jobs)
        verdicts = run(_judge_many, [[jobs[k] for k in keys[i:i + 12]]
                                     for i in range(0, len(keys), 12)])
        fresh = dict(zip(keys, (v for group in verdicts for v in group), strict=True))
        lap("seconds_judging")
        spent["pairs"] += len(jobs)
        # the walk asks for this chunk's pairs, and may ask again for a pair judged
        # in the last articles of the previous chunk (not yet committed)
        lookup = {**last, **fresh}
        for n, (aid, cands) in enumerate(zip(ids, found, strict=True), start + 1):
            if cands is None:
                continue
            walk.step(n, aid, ((cid, (aid, cid, scores)) for cid, scores in cands),
                      lambda item, lookup=lookup: _lookup(engine, lookup, item))
        last = fresh
        lap("seconds_writing")
    walk.flush()
    spent["seconds_total"] = time.perf_counter() - t0
    LAST.clear()
    LAST.update({k: round(v, 1) for k, v in spent.items()})
    log.info("story workers: %s", LAST)


def _judge_many(jobs: list[tuple[str, str, dict[str, float]]]) -> list[PairVerdict]:
    return [_judge(j) for j in jobs]


def _lookup(engine: Any, verdicts: dict[frozenset[str], PairVerdict],
            item: tuple[str, str, dict[str, float]]) -> PairVerdict:
    """The verdict the workers gave the pair (or, not expected, one judged here now)."""
    from wiretrace.prepare import prepared
    from wiretrace.story.build import judge_pair

    aid, cid, scores = item
    key = frozenset((aid, cid))
    if key not in verdicts:
        verdicts[key] = judge_pair(engine, prepared(engine.store.get(aid)),
                                   prepared(engine.store.get(cid)), scores)
    return verdicts[key]
