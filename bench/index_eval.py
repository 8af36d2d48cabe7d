"""Exhaustive vs inverted-file passage index on a large store: time and what is lost.

A store past ``IVF_MIN_PASSAGES`` searches an inverted file (IVF) of 8-bit codes (float16
before schema version 3) instead of every passage. For ``--queries`` stored articles drawn
at random, this searches their passages both ways (the store's own vectors, ``k_passages``
neighbours each, as retrieval does) and reports, for each list count and code (``--codes``:
float16, and 8-bit codes in the very same lists, as ``wiretrace compact`` makes them):

* search time per article (all its passages in one call), exhaustive and IVF;
* passage recall: the share of the exhaustive neighbours above the vote floor that the IVF
  search also returns;
* candidate recall: the share of the exhaustive semantic top-``n_semantic`` articles (the
  votes retrieval ranks by) that the IVF votes also rank in their top ``n_semantic``.

With 8-bit codes a second row queries with the vectors the index gives back (close to the
fingerprints, not equal), as a trace of a stored article by id does. The fingerprints are
read from SQLite (an older store) or the index; give a store whose index is not 8-bit.

The store is any wiretrace store folder (e.g. one ``bench/stories_eval.py cost`` leaves,
or ``wiretrace ingest`` of a crawl); it is opened read-only and nothing is written.

Run:  .venv/bin/python bench/index_eval.py --store DIR [--queries 300] [--lists 0,512,1024]
      [--codes fp16,8bit]
Writes bench/results/index.md and bench/results/index.json. Not a test.

``--disk`` measures instead what the store costs on disk per passage, SQLite table by table
(``dbstat``) plus the index file, in three states: as given, after ``wiretrace compact``
(an older store's vectors kept once, int8 full-model vectors, WITHOUT ROWID tables), and
after every article's full-model vectors are kept (what a store used by ``stories`` or many
traces holds). It rewrites the store: give it a copy.

Run:  .venv/bin/python bench/index_eval.py --disk --store COPY_DIR [--profiles-from DIR]
Writes bench/results/disk.md and bench/results/disk.json.

Keeping every article's full vectors encodes them all (1,680 s at 20,000 articles on this
machine); ``--profiles-from DIR`` copies them instead from another copy of the same store
(the same store id and articles) that already keeps them: the very rows a fill makes.

``--traces A B`` traces the same ``--queries`` stored articles (by id, in one warm engine per
store) on two copies of a store that differ in their index (e.g. before and after
``wiretrace compact``) and counts what moved: the first source, every source, every relation
but ``unrelated``, the candidate set. Opens both read-write (a trace keeps full-model
vectors): give copies.

Run:  .venv/bin/python bench/index_eval.py --traces A_DIR B_DIR [--labels a,b] [--queries 300]
Writes bench/results/index_traces.md and .json (``--append`` adds a row to them).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from wiretrace.bench import paths  # its git_commit: the imported code's checkout

OUT = Path(__file__).with_name("results")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--lists", default="0", help="IVF list counts to try; 0 = the store's rule")
    ap.add_argument("--nprobe", default="0", help="nprobe values to try; 0 = the store's rule")
    ap.add_argument("--codes", default="fp16,8bit",
                    help="IVF codes to try: fp16 (schema 2), 8bit (schema 3, the same lists)")
    ap.add_argument("--disk", action="store_true",
                    help="bytes per passage, compacted and with full vectors kept (rewrites "
                    "the store: give it a copy)")
    ap.add_argument("--traces", nargs=2, metavar="DIR", help="two copies of a store to trace")
    ap.add_argument("--labels", default="A,B", help="names of the two --traces stores")
    ap.add_argument("--append", action="store_true", help="add to index_traces.md/.json")
    ap.add_argument("--note", default="", help="--disk: what the store given is (one line)")
    ap.add_argument("--profiles-from", type=Path, default=None,
                    help="--disk: copy the kept full vectors from this copy of the same store")
    a = ap.parse_args()
    if a.store is None and not a.traces:
        ap.error("--store is required (or --traces A B)")
    if a.disk:
        disk(a.store, a.note, a.profiles_from)
        return
    if a.traces:
        traces([Path(x) for x in a.traces], a.labels.split(","), a.queries, a.append)
        return

    import faiss

    from wiretrace.fingerprint import Fingerprinter
    from wiretrace.retrieve import RetrieveConfig, semantic_votes
    from wiretrace.store import open_store
    from wiretrace.store.sqlite import (
        _DIM,
        _is_8bit,
        _ivf_lists,
        _new_index,
        _new_ivf,
        _reconstruct,
        _tune,
    )

    cfg = RetrieveConfig()
    store = open_store(a.store, Fingerprinter().config, readonly=True)
    load0 = os.getloadavg()[0]
    rows = store.db.execute("SELECT rowid, article FROM passages ORDER BY rowid").fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    owner = np.array([r[1] for r in rows], dtype=np.int64)
    del rows
    got = store.passage_vectors(ids.tolist())  # SQLite's copy (older stores) or the index's
    assert got is not None
    if _is_8bit(store._index):
        print("warning: the store's index is 8-bit: its vectors are close, not the fingerprints")
    vecs = got.reshape(-1, _DIM)
    n = len(ids)
    rng = np.random.default_rng(0)
    arts = rng.choice(np.unique(owner), min(a.queries, len(np.unique(owner))), replace=False)
    queries = [vecs[owner == x].astype(np.float32) for x in arts]

    flat = _new_index()
    for lo in range(0, n, 16384):
        flat.add_with_ids(vecs[lo:lo + 16384].astype(np.float32), ids[lo:lo + 16384])

    def run(index: Any, qs: list[np.ndarray] = queries
            ) -> tuple[float, list[Any], list[dict[int, float]]]:
        store._index, store._index_last = index, int(ids[-1])
        t = time.perf_counter()
        res = [index.search(q, cfg.k_passages) for q in qs]
        took = (time.perf_counter() - t) / len(qs)
        votes = [semantic_votes(store, q, cfg.k_passages, cfg.floor)[0] for q in qs]
        return took, res, votes

    def top(v: dict[int, float], exclude: int) -> set[int]:
        ranked = sorted((x for x in v if x != exclude), key=lambda x: -v[x])
        return set(ranked[:cfg.n_semantic])

    flat_s, flat_res, flat_votes = run(flat)
    out: dict[str, Any] = {
        "store": str(a.store), "passages": n, "articles": int(len(np.unique(owner))),
        "queries": len(queries), "k_passages": cfg.k_passages, "floor": cfg.floor,
        "exhaustive_ms_per_article": round(1000 * flat_s, 1), "runs": [],
        "date": time.strftime("%Y-%m-%d %H:%M"), "load_before": round(load0, 1),
        "commit": getattr(paths, "git_commit", lambda: "unknown")(),
    }
    for nlist in [int(x) or _ivf_lists(n) for x in a.lists.split(",")]:
        fp16 = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(_DIM), _DIM, nlist,
                                             faiss.ScalarQuantizer.QT_fp16,
                                             faiss.METRIC_INNER_PRODUCT)
        fp16.by_residual = False  # as the store built it (schema 2)
        sample = vecs[:: max(1, n // (64 * nlist))][: 64 * nlist].astype(np.float32)
        t = time.perf_counter()
        fp16.train(sample)
        train_s = time.perf_counter() - t
        for codes in a.codes.split(","):
            if codes == "fp16":
                ivf = fp16
            else:  # the same lists (centroids), 8-bit codes trained on the same sample
                quantizer = faiss.IndexFlatIP(_DIM)
                quantizer.add(faiss.downcast_index(fp16.quantizer).reconstruct_n(0, nlist))
                ivf = _new_ivf(quantizer, nlist)
                ivf.train(sample)
            t = time.perf_counter()
            for lo in range(0, n, 16384):
                ivf.add_with_ids(vecs[lo:lo + 16384].astype(np.float32), ids[lo:lo + 16384])
            add_s = time.perf_counter() - t
            asked = [("fingerprints", queries)]
            if codes != "fp16":
                asked.append(("held by the index", [
                    _reconstruct(ivf, ids[owner == x].tolist()) for x in arts]))
            for nprobe in [int(x) for x in a.nprobe.split(",")]:
                _tune(ivf)
                if nprobe:
                    ivf.nprobe = nprobe
                for asked_as, qs in asked:
                    took, res, votes = run(ivf, qs)
                    hit = tot = 0
                    for (d0, i0), (_, i1) in zip(flat_res, res, strict=True):
                        for qi in range(len(i0)):
                            want = {p for d, p in zip(d0[qi], i0[qi], strict=True)
                                    if d >= cfg.floor}
                            hit += len(want & set(i1[qi]))
                            tot += len(want)
                    cand_hit = cand_tot = 0
                    for x, v0, v1 in zip(arts, flat_votes, votes, strict=True):
                        want = top(v0, int(x))
                        cand_hit += len(want & top(v1, int(x)))
                        cand_tot += len(want)
                    out["runs"].append({
                        "lists": nlist, "nprobe": ivf.nprobe, "codes": codes,
                        "bytes_per_passage": int(ivf.code_size) + 8, "query": asked_as,
                        "train_s": round(train_s, 1), "add_s": round(add_s, 1),
                        "ms_per_article": round(1000 * took, 1),
                        "passage_recall": round(hit / max(1, tot), 4),
                        "candidate_recall": round(cand_hit / max(1, cand_tot), 4)})
                    print(out["runs"][-1], flush=True)
    out["load_after"] = round(os.getloadavg()[0], 1)
    (OUT / "index.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Passage index: exhaustive vs inverted file", "",
        f"`bench/index_eval.py` on {out['date']} (commit `{out['commit']}`), store of "
        f"{out['articles']:,} articles / {n:,} passages; {len(queries)} stored articles as "
        f"queries, all their passages searched at once, {cfg.k_passages} neighbours each. "
        f"2 cores shared with other jobs (load {out['load_before']} → {out['load_after']}).",
        "", f"Exhaustive (float16, every passage): **{out['exhaustive_ms_per_article']} ms** "
        "per article.", "",
        "| lists | nprobe | codes (bytes a passage) | queried with | train s | add s "
        "| ms per article | passage recall (above floor) | candidate recall (semantic top 12) |",
        "|---|---|---|---|---|---|---|---|---|"]
    for r in out["runs"]:
        lines.append(f"| {r['lists']} | {r['nprobe']} | {r['codes']} ({r['bytes_per_passage']}) "
                     f"| {r['query']} | {r['train_s']} | {r['add_s']} | "
                     f"**{r['ms_per_article']}** | {r['passage_recall']:.3f} | "
                     f"{r['candidate_recall']:.3f} |")
    (OUT / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("wrote", OUT / "index.md")


#: what each SQLite b-tree holds, for the breakdown (anything else: "other")
_PARTS = {
    "articles": "articles: text, metadata, MinHash", "articles_hash": "article indexes",
    "articles_site": "article indexes", "articles_published": "article indexes",
    "sqlite_autoindex_articles_1": "article indexes",
    "passages": "passages: offsets (older stores: float16 static vectors)",
    "passages_article": "passage index", "terms": "entity terms", "terms_term": "entity terms",
    "lsh_bands": "LSH band keys", "lsh_bands_key": "LSH band keys",
    "profiles": "full-model vectors (profiles)",
}


def _measure(store_dir: Path) -> dict[str, Any]:
    """Bytes of the store's files, SQLite's by b-tree (``dbstat``), per passage."""
    import sqlite3

    db_file = store_dir / "wiretrace.sqlite"
    db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    passages = db.execute("SELECT count(*) FROM passages").fetchone()[0]
    articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    profiled = db.execute("SELECT count(*) FROM profiles").fetchone()[0]
    parts: dict[str, int] = {}
    used = 0
    for name, size in db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
        part = _PARTS.get(name) or ("full-text index" if name.startswith("articles_fts")
                                    else "other (republications, relations, meta, caches)")
        parts[part] = parts.get(part, 0) + int(size)
        used += int(size)
    db.close()
    files = {f.name: f.stat().st_size for f in store_dir.iterdir() if f.is_file()}
    parts["free SQLite pages"] = files["wiretrace.sqlite"] - used
    parts["static vectors: passages.faiss"] = files.get("passages.faiss", 0)
    total = sum(files.values())
    return {"passages": passages, "articles": articles, "articles_profiled": profiled,
            "files": files, "bytes": total, "bytes_per_passage": round(total / passages, 1),
            "parts_per_passage": {k: round(v / passages, 1) for k, v in
                                  sorted(parts.items(), key=lambda kv: -kv[1])}}


def _keep_full_vectors(engine: Any) -> int:
    """Keep every stored article's full-model vectors as a trace keeps them (``Wiretrace
    ._full``: the compared passages, rounded, under the compared text's digest), encoding
    many articles' passages per model call; the number of articles."""
    import hashlib

    from wiretrace.compare import full_vectors
    from wiretrace.data import Article, Passage
    from wiretrace.prepare import prepared

    store = engine.store
    done = {r[0] for r in store.db.execute("SELECT article FROM profiles")}
    batch: list[tuple[int, Any]] = []

    def flush() -> None:
        texts = [p for _, art in batch for p in art.passages]
        joined = Article(id="-", text="", passages=[
            Passage(index=i, start=0, end=0, text=p.text) for i, p in enumerate(texts)])
        vecs = full_vectors(engine.fingerprinter.full, joined)
        at = 0
        for rowid, art in batch:
            n = len(art.passages)
            digest = hashlib.sha1(art.text.encode()).hexdigest()[:16]
            store.save_full(rowid, digest, vecs[at:at + n])
            at += n
        batch.clear()

    n = 0
    for rowid, aid in store.db.execute("SELECT rowid, id FROM articles ORDER BY rowid"
                                       ).fetchall():
        n += 1
        if rowid in done:
            continue
        art = store.get(aid)
        if art is None:
            continue
        batch.append((rowid, prepared(art)))
        if sum(len(a.passages) for _, a in batch) >= 1024:
            flush()
    if batch:
        flush()
    return n


def _copy_profiles(engine: Any, other: Path) -> int:
    """Copy the kept full vectors of ``other`` (a copy of the same store that keeps every
    article's) into this store; the number of articles that then have them."""
    db = engine.store.db
    db.execute("ATTACH DATABASE ? AS other", (str(other / "wiretrace.sqlite"),))
    try:
        mine, theirs = (db.execute(f"SELECT value FROM {s}.meta WHERE key='store_id'").fetchone()
                        for s in ("main", "other"))
        same = db.execute("SELECT count(*) FROM articles a JOIN other.articles b ON "
                          "a.rowid = b.rowid AND a.id = b.id AND a.content_hash = "
                          "b.content_hash").fetchone()[0]
        if mine != theirs or same != len(engine.store):
            raise SystemExit(f"{other} is not a copy of {engine.store.path}")
        with engine.store._tx():
            db.execute("INSERT OR REPLACE INTO profiles SELECT * FROM other.profiles")
    finally:
        db.execute("DETACH DATABASE other")
    return int(db.execute("SELECT count(*) FROM profiles").fetchone()[0])


def disk(store_dir: Path, note: str = "", profiles_from: Path | None = None) -> None:
    """Measure, compact, keep every article's full vectors, measure again (a copy!)."""
    from wiretrace.engine import Wiretrace

    load0 = os.getloadavg()[0]
    states: dict[str, Any] = {"as given": _measure(store_dir)}
    print(states["as given"], flush=True)
    engine = Wiretrace(store_dir, create=False)
    t = time.perf_counter()
    engine.store.compact()
    compact_s = time.perf_counter() - t
    states["compacted"] = _measure(store_dir)
    print(states["compacted"], flush=True)
    t = time.perf_counter()
    n = (_copy_profiles(engine, profiles_from) if profiles_from is not None
         else _keep_full_vectors(engine))
    fill_s = time.perf_counter() - t
    engine.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.store.close()
    states["compacted, every article's full vectors kept"] = _measure(store_dir)
    print(states["compacted, every article's full vectors kept"], flush=True)
    commit = getattr(paths, "git_commit", lambda: "unknown")()
    out = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit,
           "store": str(store_dir), "compact_s": round(compact_s, 1),
           "profiles_filled": n, "fill_s": round(fill_s, 1), "load_before": round(load0, 1),
           "load_after": round(os.getloadavg()[0], 1), "note": note, "states": states}
    (OUT / "disk.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    names = list(states)
    first = states[names[0]]
    parts = list(dict.fromkeys(p for st in states.values() for p in st["parts_per_passage"]))
    lines = [
        "# Disk per passage", "",
        f"`bench/index_eval.py --disk` on {out['date']} (commit `{commit}`): a copy of a store "
        f"of {first['articles']:,} articles / {first['passages']:,} passages; 2 cores shared "
        f"with other jobs (load {out['load_before']} → {out['load_after']}). `wiretrace "
        f"compact` took {out['compact_s']} s; " + (
            f"the full-model vectors of all {n:,} articles were copied from {profiles_from} "
            f"(a copy of the same store that keeps them; {out['fill_s']} s)"
            if profiles_from is not None else
            f"keeping the full-model vectors of all {n:,} articles took {out['fill_s']} s")
        + "." + (f" {note}" if note else ""), "",
        "| bytes per passage | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names)]
    for p in parts:
        lines.append(f"| {p} | " + " | ".join(
            str(st["parts_per_passage"].get(p, 0)) for st in states.values()) + " |")
    lines.append("| **total (all files)** | " + " | ".join(
        f"**{st['bytes_per_passage']}**" for st in states.values()) + " |")
    lines.append("| articles with full vectors kept | " + " | ".join(
        f"{st['articles_profiled']:,}" for st in states.values()) + " |")
    (OUT / "disk.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def traces(stores: list[Path], labels: list[str], n: int, append: bool) -> None:
    """Trace the same stored articles on two copies of a store; count what moved."""
    import random

    from wiretrace.data import DERIVED_KINDS
    from wiretrace.engine import Wiretrace

    load0 = os.getloadavg()[0]
    engines = [Wiretrace(s, create=False) for s in stores]
    ids = sorted(engines[0].store.ids())
    picks = random.Random(11).sample(ids, min(n, len(ids)))
    same = {"first source": 0, "every source": 0, "every relation but unrelated": 0,
            "candidate set": 0}
    moved: list[dict[str, Any]] = []
    t = time.perf_counter()
    for aid in picks:
        got = []
        for e in engines:
            art = e.store.get(aid)
            assert art is not None
            rels = e.trace(art).relations
            got.append({
                "sources": [(r.source_id, r.kind) for r in rels if r.kind in DERIVED_KINDS],
                "relations": [(r.source_id, r.kind) for r in rels if r.kind != "unrelated"],
                "candidates": sorted(r.source_id for r in rels)})
        x, y = got
        same["first source"] += x["sources"][:1] == y["sources"][:1]
        same["every source"] += x["sources"] == y["sources"]
        same["every relation but unrelated"] += x["relations"] == y["relations"]
        same["candidate set"] += x["candidates"] == y["candidates"]
        if x["sources"] != y["sources"]:
            moved.append({"id": aid, labels[0]: x["sources"], labels[1]: y["sources"]})
    commit = getattr(paths, "git_commit", lambda: "unknown")()
    row = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit,
           "a": f"{labels[0]} ({stores[0]})", "b": f"{labels[1]} ({stores[1]})",
           "articles": len(ids), "queries": len(picks), "same": same,
           "seconds": round(time.perf_counter() - t), "load_before": round(load0, 1),
           "load_after": round(os.getloadavg()[0], 1), "sources_moved": moved}
    path = OUT / "index_traces.json"
    rows = json.loads(path.read_text(encoding="utf-8")) if append and path.exists() else []
    rows.append(row)
    path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    lines = ["# What moves when a store's passage index changes", "",
             "`bench/index_eval.py --traces`: the same stored articles traced by id on two "
             "copies of one store, one warm engine each; how many traces gave the same "
             "answer. 2 cores shared with other jobs.", "",
             "| run | A | B | traces | same first source | same sources | same relations "
             "(all but unrelated) | same candidates | load |", "|---" * 9 + "|"]
    for r in rows:
        q = r["queries"]
        lines.append(f"| {r['date']} `{r['commit']}` | {r['a']} | {r['b']} | {q} of "
                     f"{r['articles']:,} | " + " | ".join(
                         f"{v} ({v / q:.1%})" for v in r["same"].values())
                     + f" | {r['load_before']} → {r['load_after']} |")
    (OUT / "index_traces.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
