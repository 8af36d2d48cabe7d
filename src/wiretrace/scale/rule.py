"""The candidate rule of a scan: which pairs of articles get verified, as pure functions of
their fingerprints.

``engine.trace`` ranks candidates for one query against a live index (FAISS top-k over the
whole store, top-n per signal), so its candidate set depends on what else is indexed and
on index internals. A crawl-scale scan cannot run that per article, and two runs that rank
differently would disagree. So a scan uses one rule, written here once and called by both
the Spark job (``scale.job``) and the local scan over the embedded store
(``scale.local``): same fingerprints in, same pairs out, whatever the partitioning.

A pair is a candidate when any of three signals finds it:

* ``lexical``: the MinHash signatures collide in one LSH band (the bands datasketch picks
  for ``lsh_threshold``, as the local index does) and their estimated Jaccard is at least
  ``min_jaccard``. A band join, never all pairs; buckets over ``max_bucket`` are dropped
  (page templates, empty texts) and counted.
* ``entity``: the articles share at least ``min_shared_terms`` rare names or numbers
  (document frequency 2 .. ``max(2, max_df * N)``, capped at ``max_df_count``), scored by
  summed IDF; each article keeps its ``n_entity`` best partners.
* ``semantic``: approximate nearest neighbours of each passage's static-tier vector,
  exact within blocks: passages are assigned to the ``nprobe`` nearest of a few k-means
  cells (trained on a deterministic sample), each passage keeps its ``k_passages`` best
  matches among the passages whose home cell it probes; a pair scores as in ``retrieve``
  (the mean over the query's passages of its best match above ``floor``), and each
  article keeps its ``n_semantic`` best partners scoring at least ``min_semantic``.

Determinism is by construction: every ranking breaks ties by id, every float that is
compared is computed by the same function on the same arrays in the same order (vectors
are the float16 values the store keeps), and sums run in sorted order.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

DIM = 512
_QUERY_CHUNK = 512  # query passages per matrix product inside a cell (fixed: same floats)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanRule:
    """The candidate rule's settings; its JSON form is recorded with the scan output."""

    lsh_threshold: float = 0.3
    min_jaccard: float = 0.2
    max_bucket: int = 1000
    max_df: float = 0.02
    max_df_count: int = 50
    min_shared_terms: int = 2
    n_entity: int = 8
    passages_per_cell: int = 2000
    nprobe: int = 2
    sample: int = 20_000
    kmeans_iters: int = 8
    k_passages: int = 8
    floor: float = 0.45
    min_semantic: float = 0.3
    n_semantic: int = 8
    seed: int = 1

    def identity(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


# -- lexical: LSH bands ----------------------------------------------------------------------
@lru_cache(maxsize=8)
def lsh_params(num_perm: int, threshold: float) -> tuple[int, int]:
    """(bands, rows) as datasketch chooses them for this threshold: the local index's LSH."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def band_keys(signature: bytes, threshold: float) -> list[str]:
    """One bucket key per band of a 32-bit MinHash signature (band number + its values)."""
    num_perm = len(signature) // 4
    b, r = lsh_params(num_perm, threshold)
    w = 4 * r
    return [f"{i:03d}:{signature[i * w:(i + 1) * w].hex()}" for i in range(b)]


def est_jaccard(sig_a: bytes, sig_b: bytes) -> float:
    a = np.frombuffer(sig_a, dtype=np.uint32)
    b = np.frombuffer(sig_b, dtype=np.uint32)
    return round(float(np.mean(a == b)), 6) if len(a) == len(b) and len(a) else 0.0


def bucket_pairs(members: Iterable[tuple[str, bytes]], rule: ScanRule
                 ) -> tuple[list[tuple[str, str, float]], bool]:
    """Pairs (a < b, estimated Jaccard) of one LSH bucket, and whether it was too big."""
    items = sorted(dict(members).items())
    if len(items) > rule.max_bucket:
        return [], True
    out = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            jac = est_jaccard(items[i][1], items[j][1])
            if jac >= rule.min_jaccard:
                out.append((items[i][0], items[j][0], jac))
    return out, False


# -- entity: rare names and numbers ----------------------------------------------------------
def rare_df_limit(n_articles: int, rule: ScanRule) -> int:
    """Highest document frequency a term may have and still count as rare."""
    return int(min(max(2, rule.max_df * n_articles), rule.max_df_count))


def entity_score(dfs: Iterable[int], n_articles: int) -> float:
    """Summed IDF of the shared rare terms (as ``Store.term_candidates``), summed in order."""
    return round(sum(math.log(1 + n_articles / df) for df in sorted(dfs)), 6)


# -- semantic: passages in k-means cells ----------------------------------------------------
def passage_key(article_id: str, index: int) -> str:
    return f"{article_id}\x00{index:06d}"


def sample_rank(key: str, seed: int) -> str:
    """A passage's place in the training sample's order: a hash, so no ordering of the
    input decides which passages train the cells."""
    return hashlib.sha1(f"{seed}:{key}".encode()).hexdigest()


def n_cells(n_passages: int, rule: ScanRule) -> int:
    return max(1, math.ceil(n_passages / rule.passages_per_cell))


def train_cells(sample: np.ndarray, cells: int, rule: ScanRule) -> np.ndarray:
    """Spherical k-means over the sample (rows already in ``sample_rank`` order)."""
    sample = np.ascontiguousarray(sample, dtype=np.float32)
    cells = max(1, min(cells, len(sample)))
    if len(sample) == 0:
        return np.zeros((1, DIM), dtype=np.float32)
    rng = np.random.default_rng(rule.seed)
    cent = sample[np.sort(rng.choice(len(sample), cells, replace=False))].copy()
    for _ in range(rule.kmeans_iters):
        assign = np.argmax(sample @ cent.T, axis=1)
        for c in range(cells):
            members = sample[assign == c]
            if len(members):
                v = members.sum(axis=0)
                n = float(np.linalg.norm(v))
                if n > 0:
                    cent[c] = v / n
    return cent


def assign_cells(vectors: np.ndarray, centroids: np.ndarray, nprobe: int) -> list[list[int]]:
    """The ``nprobe`` nearest cells of each passage of ONE article (home cell first).

    Called per article in both paths, so the matrix shapes, and the floats, are the same.
    """
    if len(vectors) == 0:
        return []
    sims = np.asarray(vectors, dtype=np.float32) @ centroids.T
    k = min(nprobe, centroids.shape[0])
    out = []
    for row in sims:
        order = np.lexsort((np.arange(len(row)), -row))[:k]
        out.append([int(c) for c in order])
    return out


def cell_neighbours(
    db: list[tuple[str, str, bytes]],
    queries: list[tuple[str, str, bytes]],
    k: int,
    floor: float,
) -> list[tuple[str, list[tuple[str, str, float]]]]:
    """Exact top-``k`` matches, within one cell, of each query passage.

    ``db`` holds the passages whose home cell this is, ``queries`` the passages that probe
    it, each as ``(passage key, article id, float16 vector bytes)``. A passage never
    matches its own article; matches below ``floor`` are dropped. Both lists are sorted by
    key first and queries go through in fixed chunks, so any caller gets the same floats.
    Returns ``(query key, [(db key, db article, score)])`` best first, ties by key.
    """
    if not db or not queries:
        return []
    db = sorted(db)
    queries = sorted(queries)
    dkeys = [d[0] for d in db]
    darts = np.array([d[1] for d in db], dtype=object)
    dmat = _matrix([d[2] for d in db])
    out = []
    for s in range(0, len(queries), _QUERY_CHUNK):
        chunk = queries[s : s + _QUERY_CHUNK]
        sims = _matrix([q[2] for q in chunk]) @ dmat.T
        for row, (qkey, qart, _) in zip(sims, chunk, strict=True):
            ok = (row >= floor) & (darts != qart)
            idx = np.flatnonzero(ok)
            if not len(idx):
                continue
            vals = row[idx]
            order = np.lexsort((idx, -vals))[:k]
            out.append((qkey, [(dkeys[int(idx[o])], str(darts[idx[o]]), round(float(vals[o]), 6))
                               for o in order]))
    return out


def merge_top(lists: Iterable[list[tuple[str, str, float]]], k: int
              ) -> list[tuple[str, str, float]]:
    """A query passage's best ``k`` matches over the cells it probed."""
    best: dict[str, tuple[str, str, float]] = {}
    for lst in lists:
        for item in lst:
            best[item[0]] = item
    return sorted(best.values(), key=lambda t: (-t[2], t[0]))[:k]


def semantic_scores(n_passages: int, matches: Mapping[int, list[tuple[str, str, float]]]
                    ) -> dict[str, float]:
    """Per other article: mean over the query's passages of the best match (as
    ``retrieve.semantic_votes``), summed in passage order."""
    best: dict[str, dict[int, float]] = {}
    for qi in sorted(matches):
        for _, art, score in matches[qi]:
            cur = best.setdefault(art, {})
            cur[qi] = max(cur.get(qi, 0.0), score)
    n = max(1, n_passages)
    return {a: round(sum(v[i] for i in sorted(v)) / n, 6) for a, v in best.items()}


def top_partners(scores: Mapping[str, float], n: int, minimum: float = 0.0) -> list[str]:
    """The ``n`` best partners scoring at least ``minimum``, ties by id."""
    ranked = sorted((kv for kv in scores.items() if kv[1] >= minimum), key=lambda kv: (-kv[1],
                                                                                       kv[0]))
    return [k for k, _ in ranked[:n]]


def _matrix(blobs: list[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), DIM).astype(
        np.float32)


def vectors_of(blob: bytes) -> np.ndarray:
    """An article's float16 passage vectors (as stored) -> float32 rows."""
    return np.frombuffer(blob, dtype=np.float16).reshape(-1, DIM).astype(np.float32)


def rows_of(blob: bytes) -> list[bytes]:
    """An article's float16 passage vectors, one bytes value per passage."""
    step = DIM * 2
    return [blob[i : i + step] for i in range(0, len(blob), step)]


# -- which side sits in the copy's seat -------------------------------------------------------
def seat(a: tuple[str, str | None, int], b: tuple[str, str | None, int]) -> tuple[str, str]:
    """(query, candidate) for a pair of ``(id, published, n_passages)``.

    ``compare`` judges the query as the copy, then lets the direction clues turn the pair.
    The likelier copy takes the seat: the later one, else the shorter (partial copies and
    summaries are shorter), else the larger id.
    """
    def key(x: tuple[str, str | None, int]) -> tuple[str, int, str]:
        return (x[1] or "", -x[2], x[0])

    if a[1] and b[1] and a[1][:10] != b[1][:10]:
        return (a[0], b[0]) if a[1] > b[1] else (b[0], a[0])
    return (a[0], b[0]) if key((a[0], None, a[2])) > key((b[0], None, b[2])) else (b[0], a[0])


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def merge_signals(*dicts: Mapping[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for d in dicts:
        for k, v in d.items():
            out[k] = max(out.get(k, v), v)
    return out
