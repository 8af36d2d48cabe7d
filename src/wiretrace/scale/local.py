"""The scan without Spark: the candidate rule and the verifier over the embedded store.

This is the reference the Spark job must match (the parity test runs both on one corpus):
the same fingerprints (read back from the store, float16 vectors as stored), the same
rule functions (``scale.rule``), the same ``verify_pair``. It is also a fine way to scan
a corpus that fits one machine: ``local_scan(Wiretrace(store))``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from wiretrace.scale import rule as R
from wiretrace.scale.verify import verify_pair

if TYPE_CHECKING:
    from wiretrace.engine import Wiretrace
    from wiretrace.store import Store


@dataclass(slots=True)
class ScanArticle:
    """What the candidate rule sees of an article."""

    id: str
    published: str | None
    n_passages: int
    minhash: bytes
    terms: list[str]
    vectors: bytes  # float16, n_passages x 512, as the store keeps them


@dataclass(slots=True)
class Candidates:
    pairs: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)

    def add(self, a: str, b: str, signals: dict[str, float]) -> None:
        k = R.pair_key(a, b)
        self.pairs[k] = R.merge_signals(self.pairs.get(k, {}), signals)


def store_articles(store: Store) -> list[ScanArticle]:
    """Fingerprints of every stored article, in ingest order."""
    terms: dict[int, list[str]] = defaultdict(list)
    for term, art in store.db.execute("SELECT term, article FROM terms"):
        terms[int(art)].append(term)
    passages: dict[int, list[int]] = defaultdict(list)
    for art, pid in store.db.execute("SELECT article, rowid FROM passages ORDER BY article, idx"):
        passages[int(art)].append(int(pid))
    out = []
    for rowid, aid, pub, n, mh in store.db.execute(
        "SELECT rowid, id, published, n_passages, minhash FROM articles ORDER BY rowid"
    ).fetchall():
        vecs = store.passage_vectors(passages[int(rowid)])
        if vecs is None:
            raise ValueError(f"{aid}: passages missing from the store")
        out.append(ScanArticle(aid, pub, int(n), bytes(mh), sorted(terms[int(rowid)]),
                               np.ascontiguousarray(vecs, dtype=np.float16).tobytes()))
    return out


def candidate_pairs(arts: list[ScanArticle], rule: R.ScanRule) -> Candidates:
    """Every candidate pair under ``rule`` with its signal scores."""
    out = Candidates()
    # lexical: LSH band join
    buckets: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for a in arts:
        for key in R.band_keys(a.minhash, rule.lsh_threshold):
            buckets[key].append((a.id, a.minhash))
    big = 0
    for key in sorted(buckets):
        if len(buckets[key]) < 2:
            continue
        pairs, too_big = R.bucket_pairs(buckets[key], rule)
        big += too_big
        for x, y, jac in pairs:
            out.add(x, y, {"lexical": jac})
    out.stats["oversized_buckets"] = big
    n_lex = len(out.pairs)
    # entity: rare shared names and numbers
    n = len(arts)
    limit = R.rare_df_limit(n, rule)
    holders: dict[str, list[str]] = defaultdict(list)
    for a in arts:
        for t in a.terms:
            holders[t].append(a.id)
    shared: dict[tuple[str, str], list[int]] = defaultdict(list)
    for ids in holders.values():
        if 2 <= len(ids) <= limit:
            for x, y in combinations(sorted(ids), 2):
                shared[(x, y)].append(len(ids))
    ent: dict[str, dict[str, float]] = defaultdict(dict)
    for (x, y), dfs in shared.items():
        if len(dfs) >= rule.min_shared_terms:
            s = R.entity_score(dfs, n)
            ent[x][y] = s
            ent[y][x] = s
    for x in sorted(ent):
        for y in R.top_partners(ent[x], rule.n_entity):
            out.add(x, y, {"entity": ent[x][y]})
    # semantic: passage neighbours within k-means cells
    for x, scores in semantic_partners(arts, rule):
        for y in R.top_partners(scores, rule.n_semantic, rule.min_semantic):
            out.add(x, y, {"semantic": scores[y]})
    out.stats.update(pairs=len(out.pairs), lexical_pairs=n_lex)
    return out


def train_centroids(arts: Iterable[ScanArticle], rule: R.ScanRule) -> np.ndarray:
    rows = []
    for a in arts:
        for i, v in enumerate(R.rows_of(a.vectors)):
            rows.append((R.sample_rank(R.passage_key(a.id, i), rule.seed), v))
    n_total = len(rows)
    sample = [v for _, v in sorted(rows)[: rule.sample]]
    mat = R._matrix(sample) if sample else np.zeros((0, R.DIM), dtype=np.float32)
    return R.train_cells(mat, R.n_cells(n_total, rule), rule)


def semantic_partners(arts: list[ScanArticle], rule: R.ScanRule
                      ) -> list[tuple[str, dict[str, float]]]:
    cent = train_centroids(arts, rule)
    db: dict[int, list[tuple[str, str, bytes]]] = defaultdict(list)
    qs: dict[int, list[tuple[str, str, bytes]]] = defaultdict(list)
    for a in arts:
        rows = R.rows_of(a.vectors)
        for i, cells in enumerate(R.assign_cells(R.vectors_of(a.vectors), cent, rule.nprobe)):
            item = (R.passage_key(a.id, i), a.id, rows[i])
            db[cells[0]].append(item)
            for c in cells:
                qs[c].append(item)
    found: dict[str, list[list[tuple[str, str, float]]]] = defaultdict(list)
    for c in sorted(qs):
        for qkey, matches in R.cell_neighbours(db.get(c, []), qs[c], rule.k_passages,
                                               rule.floor):
            found[qkey].append(matches)
    per_article: dict[str, dict[int, list[tuple[str, str, float]]]] = defaultdict(dict)
    for qkey, lists in found.items():
        aid, idx = qkey.split("\x00")
        per_article[aid][int(idx)] = R.merge_top(lists, rule.k_passages)
    sizes = {a.id: a.n_passages for a in arts}
    return [(aid, R.semantic_scores(sizes[aid], per_article[aid])) for aid in sorted(per_article)]


def local_scan(engine: Wiretrace, rule: R.ScanRule | None = None) -> dict[str, Any]:
    """Candidates under ``rule`` over the whole store, each verified once.

    Returns ``{"relations": [row, ...], "stories": {id: story}, "stats": {...}}``, rows
    as ``relation_row``, sorted by (``a``, ``b``).
    """
    from wiretrace.scale.stories import stories_of

    rule = rule or R.ScanRule()
    arts = store_articles(engine.store)
    meta = {a.id: (a.id, a.published, a.n_passages) for a in arts}
    cands = candidate_pairs(arts, rule)
    rows = []
    for (x, y), signals in sorted(cands.pairs.items()):
        q, c = R.seat(meta[x], meta[y])
        qa, ca = engine.store.get(q), engine.store.get(c)
        if qa is None or ca is None:
            continue
        rows.append(verify_pair(engine, qa, ca, signals))
    rows.sort(key=lambda r: (r["a"], r["b"]))
    stories = stories_of(sorted(meta), rows, {a.id: a.published for a in arts},
                         {a.id: a.terms for a in arts})
    return {"relations": rows, "stories": stories,
            "stats": {**cands.stats, "articles": len(arts)}}
