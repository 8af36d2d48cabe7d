"""Judging a large story build in several processes, with the verdicts one process writes.

A pair's verdict depends on the two articles alone (``judge_pair`` seats them by date and
storage order, whichever found the other), and each article's full-model vectors are
encoded once, by one worker, bit for bit as in one process (the encoder works article by
article; a batch of several articles would round a few vector entries differently). So the
pending articles are taken in chunks, and for each chunk the workers

1. find every article's candidates (the engine's ``neighbours``),
2. encode the full-model vectors of every article a new pair needs and has none stored
   (kept in the store's ``profiles`` table, where the other worker reads them),
3. judge each new pair once, however many sides found it;

then this process replays the one-process walk (``build._Walk``) with those verdicts, so the
cache holds the same rows in the same order, committed every ``batch`` articles as before
(an interrupted build resumes at the first article not committed).

Each worker runs the model with one BLAS thread: on 2 shared cores, two processes of one
thread encode about 3x faster than one of two threads, which spin waiting for each other
when other jobs hold the CPU; the vectors are the same bits.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from wiretrace.story.pairs import PairCache, PairVerdict

#: Articles per chunk: large enough that the workers rarely wait for each other at the
#: end of a phase, small enough that a killed build loses little.
CHUNK = 600

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


def _neighbours(job: tuple[str, int]) -> list[tuple[str, dict[str, float]]] | None:
    """Candidate ids and signal scores of one pending article (None: no longer stored)."""
    from wiretrace.prepare import prepared

    aid, limit = job
    stored = _stored(aid)
    if stored is None:
        return None
    return [(c.id, scores) for c, scores in _ENGINE.neighbours(prepared(stored), limit=limit)]


def _profile(aid: str) -> None:
    """Encode (and keep in the store) the full-model vectors of one article."""
    stored = _stored(aid)
    if stored is not None:
        _ENGINE.profile(stored)


_ROWS: OrderedDict[str, Any] = OrderedDict()


def _stored(aid: str) -> Any:
    """``store.get``, remembered for the last few thousand ids: a worker meets the same
    article in each of its ~20 pairs, and the pairs of one article come together."""
    if aid in _ROWS:
        _ROWS.move_to_end(aid)
        return _ROWS[aid]
    art = _ROWS[aid] = _ENGINE.store.get(aid)
    if len(_ROWS) > 4000:
        _ROWS.popitem(last=False)
    return art


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
    """Judge ``todo`` (the cache's pending articles, in order) in ``workers`` processes."""
    from wiretrace.story.build import _Walk

    walk = _Walk(cache, len(todo), batch, progress)
    last: dict[frozenset[str], PairVerdict] = {}  # the previous chunk's verdicts
    ctx = multiprocessing.get_context("spawn")  # no SQLite connection or BLAS pool forked
    init = (str(engine.store.path), engine.retrieve_config, engine.align_config,
            engine.thresholds)
    spent: dict[str, float] = {"workers": workers, "pairs": 0, "encoded": 0}
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init,
                             initargs=init) as pool:
        tick = time.perf_counter()

        def lap(phase: str) -> None:
            nonlocal tick
            now = time.perf_counter()
            spent[phase] = spent.get(phase, 0.0) + now - tick
            tick = now

        for start in range(0, len(todo), CHUNK):
            ids = todo[start:start + CHUNK]
            found = list(pool.map(_neighbours, [(a, config.neighbours) for a in ids],
                                  chunksize=8))
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
            list(pool.map(_profile, encode, chunksize=4))
            lap("seconds_encoding")
            fresh = dict(zip(jobs, pool.map(_judge, jobs.values(), chunksize=12), strict=True))
            lap("seconds_judging")
            spent["pairs"] += len(jobs)
            spent["encoded"] += len(encode)
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
