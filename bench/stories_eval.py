"""Stories and lineage against ECB+ gold events, side by side with MinHash components.

Articles: the split's ECB+ originals (two real events per topic, several outlets each) plus
one benchmark copy per source (kinds in turn: verbatim, partial, edited, spun,
machine_translated, translated, summarised, corrupted), read the way a user's file would
be, stored in a seeded random order (so "first stored" says nothing about who copied whom).

* Stories: B-cubed P/R/F1 and adjusted Rand index against the gold events (a copy's event
  is its source's), over all articles and over the originals alone; wiretrace with
  connected components and with average link at several thresholds (pick on dev), and
  MinHash LSH (word 5-shingles, 128 permutations) connected components at 0.5 and 0.7.
* Lineage: tree edges source -> copy against the data set's gold (source, copy) edges;
  pairs of ECB+ originals that are real republications of one wire story (no gold
  direction) count neither way. Directed and undirected; the share of edges whose
  direction the judge decided. MinHash has no direction: each article's best-Jaccard LSH
  neighbour, undirected.
* Cost (``cost --size N``, one process per size for a clean peak RSS): ECB+ originals, copies,
  Reuters distractors up to N; time to judge and cluster, pairs judged, peak RSS; then an
  incremental update with 1% new articles.

Run:  .venv/bin/python bench/stories_eval.py quality --split dev
      .venv/bin/python bench/stories_eval.py quality --split test --config '{"method": ...}'
      .venv/bin/python bench/stories_eval.py cost --size 1000
      .venv/bin/python bench/stories_eval.py render
Writes bench/results/stories.json (merged run by run) and bench/results/stories.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from wiretrace.bench import paths  # its git_commit: the imported code's checkout
from wiretrace.bench.metrics import adjusted_rand_index, bcubed, edge_prf

ROOT = Path(__file__).resolve().parents[1]
OUT_JSON = ROOT / "bench" / "results" / "stories.json"
OUT_MD = ROOT / "bench" / "results" / "stories.md"
KIND_CYCLE = ("verbatim", "partial", "edited", "spun", "machine_translated", "translated",
              "summarised", "corrupted")


def log(msg: str) -> None:
    print(f"[stories {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def corpus(split: str, seed: int = 0) -> tuple[list[Any], dict[str, str], set[tuple[str, str]],
                                               set[frozenset[str]]]:
    """(articles in storage order, gold event per id, gold edges, pairs without gold)."""
    from wiretrace.bench.dataset import build_dataset
    from wiretrace.bench.runner import as_user_would

    ds = build_dataset(split)
    gold = {a.id: str(a.meta["event"]) for a in ds.originals}
    rng = random.Random(seed)
    by_source: dict[str, list[Any]] = {}
    for d in ds.copies:
        by_source.setdefault(d.source_id, []).append(d)
    picked = []
    for i, sid in enumerate(sorted(by_source)):
        want = KIND_CYCLE[i % len(KIND_CYCLE)]
        options = [d for d in by_source[sid] if d.kind == want] or by_source[sid]
        picked.append(rng.choice(options))
    copies = [as_user_would(d.copy) for d in picked]
    for d in picked:
        gold[d.copy.id] = gold[d.source_id]
    edges = {(d.source_id, d.copy.id) for d in picked}
    no_gold = {frozenset((rc.a_id, rc.b_id)) for rc in ds.real_copies}
    arts = list(ds.originals) + copies
    rng.shuffle(arts)
    return arts, gold, edges, no_gold


def minhash_components(arts: list[Any], threshold: float) -> tuple[dict[str, int],
                                                                    set[tuple[str, str]]]:
    """MinHash LSH connected components, and each article's best-Jaccard neighbour."""
    from datasketch import MinHashLSH

    from wiretrace.engine import prepare
    from wiretrace.fingerprint.lexical import minhash
    from wiretrace.story import connected_components

    sigs = {a.id: minhash(prepare(a).text, 128, 5) for a in arts}
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    for i, m in sigs.items():
        lsh.insert(i, m)
    edges, best = [], set()
    for i, m in sigs.items():
        hits = [(h, m.jaccard(sigs[h])) for h in lsh.query(m) if h != i]
        edges += [(i, h) for h, _ in hits]
        if hits:
            best.add((max(hits, key=lambda x: x[1])[0], i))
    comps = connected_components([a.id for a in arts], edges)
    return {m: k for k, c in enumerate(comps) for m in c}, best


def cluster_scores(assign: dict[str, Any], gold: dict[str, str], originals: set[str]
                   ) -> dict[str, Any]:
    p, r, f = bcubed(assign, gold)
    go = {k: v for k, v in gold.items() if k in originals}
    po, ro, fo = bcubed(assign, go)
    return {"bcubed_p": p, "bcubed_r": r, "bcubed_f1": f, "ari": adjusted_rand_index(assign, gold),
            "originals_bcubed_f1": fo, "originals_ari": adjusted_rand_index(assign, go),
            "clusters": len(set(assign[k] for k in gold if k in assign))}


def quality(split: str, configs: list[dict[str, Any]] | None, store: Path | None) -> dict:
    from wiretrace.engine import Wiretrace
    from wiretrace.story import StoryConfig, build_stories, cluster, lineage
    arts, gold, gold_edges, no_gold = corpus(split)
    originals = {i for i in gold if not i.startswith("copy") and i not in
                 {e[1] for e in gold_edges}}
    log(f"{split}: {len(arts)} articles ({len(originals)} originals), "
        f"{len(set(gold.values()))} gold events, {len(gold_edges)} gold edges")
    tmp = Path(store or tempfile.mkdtemp(prefix="wiretrace-stories-"))
    engine = Wiretrace(tmp)
    t0 = time.perf_counter()
    engine.add(arts)
    ingest_s = time.perf_counter() - t0
    log(f"ingested in {ingest_s:.0f}s")
    # a verbatim copy whose text equals its source's is one article to the store (same
    # content hash): it is not scored, for wiretrace or the baseline
    stored = set(engine.store.ids())
    dropped = [a.id for a in arts if a.id not in stored]
    arts = [a for a in arts if a.id in stored]
    gold = {k: v for k, v in gold.items() if k in stored}
    gold_edges = {e for e in gold_edges if e[0] in stored and e[1] in stored}
    originals &= stored
    t1 = time.perf_counter()

    def progress(n: int, total: int) -> None:
        if n % 100 == 0:
            log(f"judged {n}/{total} ({(time.perf_counter() - t1) / n:.2f}s/article)")

    index = build_stories(engine, StoryConfig(), progress=progress)
    build_s = time.perf_counter() - t1
    log(f"stories built in {build_s:.0f}s; {index.stats['pairs_judged']} pairs judged")
    verdicts = list(_verdicts(engine))
    order = {a.id: (a.published or "~", engine.store.rowid_of(a.id) or 0) for a in arts}
    nodes = sorted(order, key=order.__getitem__)
    from wiretrace.story.build import name_similarity

    names = name_similarity(engine.store,
                            [(v.a, v.b) for v in verdicts if v.kind == "independent"])
    # "names": false scores the verdicts alone (every independent verdict weighs
    # independent_weight), as the first version did
    grid = configs or (
        [{"method": "components", "names": False}, {"method": "components", "threshold": 0.2}]
        + [{"method": "average", "threshold": t, "independent_weight": w, "names": False}
           for t in (0.3, 0.5, 0.7) for w in (1.0, 0.7)]
        + [{"method": "average", "threshold": t, "names_low": lo, "names_high": hi}
           for t in (0.2, 0.3, 0.4) for lo, hi in ((0.1, 0.4), (0.1, 0.5), (0.15, 0.45))]
    )
    rows = []
    for cfg in grid:
        use_names = cfg.get("names", True)
        sc = StoryConfig(**{k: v for k, v in cfg.items() if k != "names"})
        clusters = cluster(nodes, verdicts, sc, names if use_names else None)
        assign = {m: k for k, c in enumerate(clusters) for m in c}
        row = {"system": "wiretrace", "config": cfg, **cluster_scores(assign, gold, originals)}
        row["lineage"] = _lineage_scores(clusters, verdicts, order, gold_edges, no_gold,
                                         lineage)
        rows.append(row)
        log(f"{cfg}: ARI {row['ari']:.3f} B3 F1 {row['bcubed_f1']:.3f}")
    for t in (0.5, 0.7):
        assign, best = minhash_components(arts, t)
        row = {"system": f"minhash_cc_{t}", "config": {"threshold": t},
               **cluster_scores(assign, gold, originals)}
        und = {frozenset(e) for e in best}
        gold_und = {frozenset(e) for e in gold_edges}
        row["lineage"] = {"undirected": _und(und, gold_und, no_gold)}
        rows.append(row)
        log(f"minhash {t}: ARI {row['ari']:.3f} B3 F1 {row['bcubed_f1']:.3f}")
    engine.store.close()
    if store is None:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"split": split, "articles": len(arts), "originals": len(originals),
            "copies": len(gold_edges), "gold_events": len(set(gold.values())),
            "duplicates_not_stored": len(dropped),
            "pairs_judged": len(verdicts), "ingest_s": round(ingest_s, 1),
            "build_s": round(build_s, 1), "rows": rows}


def _verdicts(engine: Any) -> Any:
    from wiretrace.story.pairs import PairVerdict

    for a, b, kind, conf, dirn, lean, ev in engine.store.db.execute(
        "SELECT a, b, kind, confidence, direction, lean, evidence FROM story_pairs"
    ):
        yield PairVerdict(a, b, kind, conf, dirn, lean, json.loads(ev))


def _und(pred: set[frozenset[str]], gold: set[frozenset[str]],
         ignore: set[frozenset[str]]) -> dict[str, Any]:
    counted = {e for e in pred if e not in ignore}
    tp = len(counted & gold)
    p = tp / len(counted) if counted else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "predicted": len(counted), "gold": len(gold)}


def _lineage_scores(clusters: list[list[str]], verdicts: list[Any],
                    order: dict[str, tuple[str, int]], gold_edges: set[tuple[str, str]],
                    no_gold: set[frozenset[str]], lineage: Any) -> dict[str, Any]:
    from wiretrace.data import DERIVED_KINDS

    story = {m: k for k, c in enumerate(clusters) for m in c}
    per: dict[int, list[Any]] = {}
    seen: set[frozenset[str]] = set()
    for v in verdicts:
        key = frozenset((v.a, v.b))
        if v.kind in DERIVED_KINDS and story.get(v.a) == story.get(v.b) and key not in seen:
            seen.add(key)
            per.setdefault(story[v.a], []).append(v)
    tree, decided = set(), 0
    for k, c in enumerate(clusters):
        if k not in per:
            continue
        _, edges = lineage(c, per[k], order)
        for e in edges:
            if e.tree:
                tree.add((e.source, e.target))
                decided += e.decided
    directed = edge_prf(tree, gold_edges, no_gold)
    und = _und({frozenset(e) for e in tree}, {frozenset(e) for e in gold_edges}, no_gold)
    right_dir = len(tree & gold_edges)
    found_und = len({frozenset(e) for e in tree} & {frozenset(e) for e in gold_edges})
    return {"directed": directed, "undirected": und,
            "direction_decided_share": decided / len(tree) if tree else None,
            "direction_right_among_found": right_dir / found_und if found_und else None}


def cost(size: int, sample: int | None = None, seed: int = 0,
         update: int | None = None, from_store: Path | None = None,
         extra_file: Path | None = None, keep: Path | None = None) -> dict[str, Any]:
    """Stories over ``size`` articles: ECB+ (both splits) + copies + Reuters distractors.

    With ``from_store`` (and ``extra_file``, a pickle of the update's articles), the build
    starts from a copy of a store already holding those ``size`` articles (made with this
    protocol; its kept full vectors and story tables dropped, as after a plain ingest), and
    the ingest is not timed again.

    With ``sample``, every article is stored but only ``sample`` of them, drawn at random,
    are judged against the whole store, cold then warm: warm time per article plus one
    full-model encoding per article, times ``size``, estimates a full build (marked
    "est." in the table; a lower bound when the engine's 4,000-article embedding cache
    cannot hold the working set). Clustering is timed on a
    synthetic sparse graph of ``size`` nodes with the measured pairs per article.
    """
    from wiretrace.bench.sources import load_reuters
    from wiretrace.engine import Wiretrace
    from wiretrace.story import StoryConfig, average_link, build_stories
    from wiretrace.story.pairs import PairCache

    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="wiretrace-stories-cost-"))
    if from_store is not None:
        import pickle
        import sqlite3

        if extra_file is None:
            raise SystemExit("--from-store needs --extra (the update's articles, pickled)")
        from dataclasses import fields

        from wiretrace.data import Article

        # pickled by an older wiretrace: made again with today's fields (their defaults
        # for any added since)
        extra = [Article(**{f.name: getattr(a, f.name) for f in fields(Article)
                            if f.init and hasattr(a, f.name)})
                 for a in pickle.loads(extra_file.read_bytes())]
        shutil.copytree(from_store, tmp, dirs_exist_ok=True)
        db = sqlite3.connect(tmp / "wiretrace.sqlite")
        db.execute("DELETE FROM profiles")
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                   "AND name LIKE 'story%'").fetchall():
            db.execute(f"DROP TABLE {table}")
        db.commit()
        db.close()
        load_start = os.getloadavg()
        engine = Wiretrace(tmp, create=False)
        base = [None] * size
        ingest_s = None
        log(f"size {size}: a copy of {from_store} ({len(engine.store)} articles stored)")
    else:
        arts: list[Any] = []
        for split in ("dev", "test"):
            arts += corpus(split, seed)[0]
        rng.shuffle(arts)
        n_new = update or max(1, min(20, size // 100))
        fill = max(0, size + n_new - len(arts))
        reuters = load_reuters()[:fill]
        pool = arts + reuters
        rng.shuffle(pool)
        base, extra = pool[:size], pool[size:size + n_new]
        size = len(base)  # all the data there is, when asked for more
        load_start = os.getloadavg()
        engine = Wiretrace(tmp)
        t0 = time.perf_counter()
    _ = engine.fingerprinter.static.table
    _ = engine.fingerprinter.full._backend
    if from_store is None:
        engine.add(base)
        ingest_s = time.perf_counter() - t0
        log(f"size {size}: ingested {len(base)} in {ingest_s:.0f}s")
    config = StoryConfig()
    judged = len(base)
    if sample and sample < len(base):
        from wiretrace.story.build import _identity

        cache = PairCache(engine.store, _identity(engine, config))
        keep = set(rng.sample([a.id for a in base], sample))
        cache.put([], [a.id for a in base if a.id not in keep])
        judged = sample
    t1 = time.perf_counter()

    def progress(n: int, total: int) -> None:
        if n % 100 == 0:
            log(f"size {size}: judged {n}/{total} ({(time.perf_counter() - t1) / n:.2f}s/article)")

    n_cached = len(engine._full_cache)
    from wiretrace.story import parallel

    parallel.LAST.clear()
    load_build = os.getloadavg()
    cpu0 = _cpu()
    index = build_stories(engine, config, progress=progress)
    build_s = time.perf_counter() - t1
    build_cpu = _cpu() - cpu0  # this process and the workers (ended with their pool)
    phases = dict(parallel.LAST)
    load_built = os.getloadavg()
    per_article = build_s / judged
    encoded = len(engine._full_cache) - n_cached
    if judged < len(base):
        # A sampled article meets cold candidates (each needs its full-model encoding); in
        # a full build every article is encoded once. So judge the sample again, warm,
        # and add one encoding per article: (cold - warm) / encodings done.
        ids = sorted(keep)
        marks = ",".join("?" * len(ids))
        with engine.store._lock:
            engine.store.db.execute(f"DELETE FROM story_done WHERE id IN ({marks})", ids)
            engine.store.db.execute("DELETE FROM story_pairs")  # all involve the sample
        t4 = time.perf_counter()
        build_stories(engine, config)
        warm = time.perf_counter() - t4
        per_article = warm / judged + (build_s - warm) / max(1, encoded)
    rss_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pairs = index.stats["pairs_judged"]
    # clustering alone at full size: a random sparse graph with the same pairs per article
    per = max(1, round(2 * pairs / judged))
    nodes = [str(i) for i in range(size)]
    graph = [(str(i), str(rng.randrange(size)), float(rng.random() < 0.3))
             for i in range(size) for _ in range(per // 2)]
    t3 = time.perf_counter()
    average_link(nodes, graph, 0.5)
    cluster_s = time.perf_counter() - t3
    engine.add(extra)
    parallel.LAST.clear()
    t2 = time.perf_counter()
    cpu0 = _cpu()
    upd = build_stories(engine, config)
    update_s = time.perf_counter() - t2
    update_cpu = _cpu() - cpu0
    load_end = os.getloadavg()
    engine.store.close()
    if keep is not None:  # the built store, its kept vectors and stories (e.g. for trace_scale)
        shutil.move(str(tmp), str(keep))
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "size": size,
        "commit": _commit(),
        "load_average": [round(load_start[0], 1), round(os.getloadavg()[0], 1)],
        # 1, 5 and 15 min load averages (as `uptime` prints them) when the build started,
        # when it ended and after the update
        "uptime_load": {"build_start": [round(x, 2) for x in load_build],
                        "build_end": [round(x, 2) for x in load_built],
                        "update_end": [round(x, 2) for x in load_end]},
        # the parallel build's phases (wiretrace.story.parallel): workers, seconds finding
        # candidates (incl. the workers' start-up), planning, encoding full-model vectors,
        # judging pairs, writing verdicts; pairs judged and articles encoded
        "judge_phases": phases,
        "judged": judged,
        "estimated": judged < size,
        "ingest_s": None if ingest_s is None else round(ingest_s, 1),
        "from_store": str(from_store) if from_store else None,
        "build_s": round(build_s, 1),
        "build_s_per_article": round(per_article, 3),
        "build_cpu_s": round(build_cpu, 1),
        "encodings_in_sample": encoded,
        "full_build_s": round(per_article * size, 0),
        "seconds_clustering": round(cluster_s, 3),
        "pairs_judged": pairs,
        "pairs_per_article": round(pairs / judged, 2),
        "all_pairs": size * (size - 1) // 2,
        "stories": index.stats["stories"],
        "peak_rss_mb": round(rss_build, 1),
        "update_articles": len(extra),
        "update_s": round(update_s, 1),
        "update_cpu_s": round(update_cpu, 1),
        "update_phases": dict(parallel.LAST),
        "update_articles_reclustered": upd.stats["articles_reclustered"],
        "update_pairs_judged": upd.stats["pairs_judged"] - pairs,
    }


def _cpu() -> float:
    """CPU seconds of this process and its ended children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _commit() -> str:
    return getattr(paths, "git_commit", lambda: "unknown")()


def _merge(key: str, value: Any) -> dict[str, Any]:
    res = json.loads(OUT_JSON.read_text()) if OUT_JSON.exists() else {}
    res[key] = value
    res["machine"] = ("2 cores shared with two other engineers' jobs: timings are on a "
                      "loaded machine")
    OUT_JSON.write_text(json.dumps(res, indent=2, default=str) + "\n")
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--split", choices=["dev", "test"], required=True)
    q.add_argument("--config", default=None, help="JSON list of StoryConfig dicts to score")
    q.add_argument("--store", type=Path, default=None, help="keep the store here")
    c = sub.add_parser("cost")
    c.add_argument("--size", type=int, required=True)
    c.add_argument("--update", type=int, default=None,
                   help="new articles for the incremental update (default 1%%, at most 20)")
    c.add_argument("--sample", type=int, default=None,
                   help="judge only this many articles (per-article cost at this size)")
    c.add_argument("--from-store", type=Path, default=None,
                   help="start from a copy of this store (holding the SIZE articles)")
    c.add_argument("--extra", type=Path, default=None,
                   help="with --from-store: the update's articles, pickled")
    c.add_argument("--keep", type=Path, default=None,
                   help="move the built store here instead of deleting it")
    sub.add_parser("render")
    args = ap.parse_args()
    if args.cmd == "quality":
        res = quality(args.split, json.loads(args.config) if args.config else None, args.store)
        _merge(args.split, res)
    elif args.cmd == "cost":
        if args.keep is not None and args.keep.exists():  # before a build of many minutes
            raise SystemExit(f"--keep {args.keep}: already exists; give a new folder")
        res = _merge(f"cost_{args.size}", cost(args.size, args.sample, update=args.update,
                                               from_store=args.from_store,
                                               extra_file=args.extra, keep=args.keep))
    res = json.loads(OUT_JSON.read_text())
    OUT_MD.write_text(render(res))
    log(f"wrote {OUT_MD}")


def _f(x: Any) -> str:
    return "–" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def render(res: dict[str, Any]) -> str:
    out = ["# Stories and lineage", "",
           "From `bench/stories_eval.py` (see its docstring for the protocol). "
           + res.get("machine", ""), ""]
    for split in ("dev", "test"):
        r = res.get(split)
        if not r:
            continue
        out += [f"## {split} split: {r['articles']} articles ({r['originals']} ECB+ originals, "
                f"{r['copies']} copies; {r.get('duplicates_not_stored', 0)} verbatim copies "
                "identical to their source were one article to the store and are not scored), "
                f"{r['gold_events']} gold events; "
                f"{r['pairs_judged']} pairs judged; stories built in {r['build_s']} s", "",
                "| system | config | ARI | B³ P | B³ R | B³ F1 | ARI originals | B³ F1 originals "
                "| clusters | lineage P (directed) | lineage R (directed) | lineage P (undirected) "
                "| lineage R (undirected) | direction decided |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for row in r["rows"]:
            lin = row["lineage"]
            d, u = lin.get("directed", {}), lin["undirected"]
            cfg = ", ".join(f"{k}={v}" for k, v in row["config"].items())
            out.append(f"| {row['system']} | {cfg} | {_f(row['ari'])} | {_f(row['bcubed_p'])} | "
                       f"{_f(row['bcubed_r'])} | {_f(row['bcubed_f1'])} | "
                       f"{_f(row['originals_ari'])} | {_f(row['originals_bcubed_f1'])} | "
                       f"{row['clusters']} | {_f(d.get('precision'))} | {_f(d.get('recall'))} | "
                       f"{_f(u['precision'])} | {_f(u['recall'])} | "
                       f"{_f(lin.get('direction_decided_share'))} |")
        out.append("")
    costs = sorted((v for k, v in res.items() if k.startswith("cost_")),
                   key=lambda v: (v["size"], not v.get("label")))
    if costs:
        out += ["## Cost of building stories", "",
                "| articles | judged | ingest s | judge + cluster s | s/article "
                "| full build s | clustering s (full size) | pairs judged | pairs/article "
                "| all pairs | peak RSS MB | update: new articles, s | reclustered "
                "| load (1 min) at build start, end |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for c in costs:
            full = f"{c['full_build_s']:.0f}" + (" (est.)" if c["estimated"] else "")
            size = f"{c['size']} ({c['label']})" if c.get("label") else str(c["size"])
            up = c.get("uptime_load") or {}
            load = (f"{up['build_start'][0]}, {up['build_end'][0]}" if up else "–")
            ingest = "–" if c["ingest_s"] is None else c["ingest_s"]
            out.append(f"| {size} | {c['judged']} | {ingest} | {c['build_s']} | "
                       f"{c['build_s_per_article']} | {full} | {c['seconds_clustering']} | "
                       f"{c['pairs_judged']} | {c['pairs_per_article']} | {c['all_pairs']} | "
                       f"{c['peak_rss_mb']} | {c['update_s']} ({c['update_articles']} new) | "
                       f"{c['update_articles_reclustered']} | {load} |")
        out.append("")
    if res.get("notes"):
        out += ["## Notes", "", *res["notes"], ""]
    return "\n".join(out)


if __name__ == "__main__":
    main()
