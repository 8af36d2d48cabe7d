"""The benchmark runner: one command, one table.

1. Build (or load from cache) the split's data set: originals, copies with gold, negatives.
2. Index the originals plus Reuters distractors, in wiretrace and in each baseline.
3. Trace every copy and every original that has same-event partners.
4. Score detection (true source named *and* derivation asserted at the operating point),
   false derivation on independent same-event pairs and on unrelated articles, ranking
   (recall@1, MRR), relation confusion and macro-F1, direction, sentence alignment.
5. Measure cost at several index sizes, each in a fresh subprocess (clean peak memory).
6. Write ``bench/results/<split>.json`` and ``<split>.md``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from wiretrace.bench.alter import ALTERATION_TYPES
from wiretrace.bench.derive import ALL_KINDS
from wiretrace.bench.derive import KINDS as CLASSIC_KINDS
from wiretrace.bench.metrics import (
    EXHAUSTIVE_BASES,
    SENTENCE_EXHAUSTIVE_BASES,
    AlterationCounts,
    Outcome,
    confusion,
    detected,
    macro_f1,
    percentile,
    rate,
    reciprocal_rank,
    span_pairs_f1,
)
from wiretrace.data import DERIVED_KINDS, RELATION_KINDS, Article
from wiretrace.text.normalize import normalize

BASELINE_THRESHOLDS_FILE = Path(__file__).with_name("baseline_thresholds.json")


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def ensure_tools(install: bool) -> None:
    """Apertium and WordNet come from Debian; install them when missing and allowed."""
    missing = shutil.which("apertium") is None or not Path("/usr/share/wordnet").exists()
    if not missing:
        return
    script = Path(__file__).resolve().parents[3] / "scripts" / "install_bench_deps.sh"
    if install and script.exists():
        _log(f"installing Apertium and WordNet with {script}")
        subprocess.run(["bash", str(script)], check=False)
    if shutil.which("apertium") is None or not Path("/usr/share/wordnet").exists():
        raise SystemExit(
            "wiretrace bench needs Apertium and WordNet from Debian: run "
            "`sudo apt-get install apertium apertium-eng-spa wordnet-base "
            "wordnet-sense-index` (or scripts/install_bench_deps.sh as root)"
        )


# -- wiretrace and baselines as query systems -----------------------------------------


def _wiretrace_outcome(engine: Any, query: Article, exclude: set[str]) -> tuple[Outcome, Any]:
    result = engine.trace(query, exclude_ids=exclude)
    o = Outcome(ranked=[r.source_id for r in result.relations])
    for r in result.relations:
        o.kinds[r.source_id] = r.kind
        o.direction[r.source_id] = r.direction
        if r.derived:
            o.derived[r.source_id] = r.kind
    o.top_derived = result.sources[0].source_id if result.sources else None
    return o, result


def _baseline_outcome(system: Any, query: Article, exclude: set[str]) -> Outcome:
    ans = system.query(query, exclude)
    o = Outcome(ranked=[i for i, _ in ans.ranked])
    if ans.asserted:
        if system.name.startswith("minhash"):
            for i, _ in ans.ranked:
                o.derived[i] = "derived"
        else:
            o.derived[ans.top] = "derived"
        o.top_derived = ans.top
    return o


# -- gold alignment in normalised coordinates -------------------------------------------


def _norm_spans(article: Article, target: str | None = None) -> list[tuple[int, int]]:
    """Each passage's span in ``target`` (default ``normalize(article.text)``: what the
    engine stores); (-1, -1) for a passage not found there (e.g. removed as chrome)."""
    text = normalize(target if target is not None else article.text)
    out, pos = [], 0
    for p in article.passages:
        frag = normalize(p.text)
        k = text.find(frag, pos) if frag else -1
        if k < 0:
            k = text.find(frag)
        if k < 0:
            out.append((-1, -1))
            continue
        out.append((k, k + len(frag)))
        pos = k + len(frag)
    return out


def _gold_pairs(copy: Article, traced_text: str, source: Article, smap: list[list[int]]
                ) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    cs, ss = _norm_spans(copy, traced_text), _norm_spans(source)
    gold = []
    for i, js in enumerate(smap):
        if i >= len(cs) or cs[i][0] < 0:
            continue
        for j in js:
            if j < len(ss) and ss[j][0] >= 0:
                gold.append((cs[i], ss[j]))
    return gold


def as_user_would(copy: Article) -> Article:
    """A generated copy goes through the plain-text reader, as a user's file would."""
    from wiretrace.ingest.plaintext import page_article

    return page_article(copy.text, id=copy.id, title=copy.title, published=copy.published)


# -- quality ---------------------------------------------------------------------------


def evaluate_quality(ds: Any, index_size: int, baselines: bool = True,
                     data_dir: Path | None = None, store_dir: Path | None = None,
                     limit: int | None = None, languages: bool = False) -> dict[str, Any]:
    """Trace the data set's copies and negatives; ``languages`` adds the translated copies
    by language (``bench.languages``: Apertium's Galician, Esperanto and Serbo-Croatian
    pairs must be installed)."""
    from wiretrace.bench.baselines import BM25Baseline, DocEmbeddingBaseline, MinHashLSHBaseline
    from wiretrace.bench.sources import load_reuters
    from wiretrace.engine import Wiretrace, prepare

    originals = list(ds.originals)
    n_fill = max(0, index_size - len(originals))
    distractors = load_reuters(data_dir, ids=list(ds.distractor_ids)[:n_fill]) if n_fill else []
    if len(distractors) < n_fill:
        seen = {a.id for a in distractors} | {  # never a story a padded page carries
            i for d in ds.copies for i in d.meta.get("padding_story_ids", [])
        }
        distractors += [a for a in load_reuters(data_dir) if a.id not in seen][
            : n_fill - len(distractors)
        ]
    index = originals + distractors
    tmp = Path(store_dir or tempfile.mkdtemp(prefix="wiretrace-bench-"))
    engine = Wiretrace(tmp)
    t0 = time.perf_counter()
    engine.add(index)
    ingest_s = time.perf_counter() - t0
    _log(f"indexed {len(index)} articles in {ingest_s:.1f}s")
    by_id = {a.id: a for a in index}

    systems: dict[str, Any] = {}
    if baselines:
        thresholds = json.loads(BASELINE_THRESHOLDS_FILE.read_text())
        systems = {
            "minhash_lsh_0.7": MinHashLSHBaseline(0.7),
            "minhash_lsh_0.5": MinHashLSHBaseline(0.5),
            "bm25_top1": BM25Baseline(thresholds["bm25_top1"]),
            "doc_embedding_top1": DocEmbeddingBaseline(
                lambda a: engine.full_vectors(prepare(a)), thresholds["doc_embedding_top1"]
            ),
        }
        for name, s in systems.items():
            t1 = time.perf_counter()
            s.index([prepare(a) for a in index])
            _log(f"baseline {name} indexed in {time.perf_counter() - t1:.1f}s")

    same_event: dict[str, set[str]] = defaultdict(set)
    related: dict[str, set[str]] = defaultdict(set)  # same topic or real copy: not "unrelated"
    for p in ds.negatives:
        if p.group == "same_event":
            same_event[p.a_id].add(p.b_id)
            same_event[p.b_id].add(p.a_id)
        if p.group in ("same_event", "same_topic"):
            related[p.a_id].add(p.b_id)
            related[p.b_id].add(p.a_id)
    for rc in (*ds.real_copies, *getattr(ds, "overlapping", [])):
        related[rc.a_id].add(rc.b_id)
        related[rc.b_id].add(rc.a_id)
    topic = {a.id: a.meta.get("topic") for a in originals}

    names = ["wiretrace", *systems]
    rows: dict[str, dict[str, list]] = {n: defaultdict(list) for n in names}
    relation_pairs: list[tuple[str, str]] = []
    direction_ok: list[int] = []
    direction_unknown: list[int] = []
    align_counts = [0, 0, 0, 0]
    latencies: list[float] = []
    unrelated_fd: dict[str, list[int]] = {n: [] for n in names}
    alts_exhaustive, alts_rewritten = AlterationCounts(), AlterationCounts()

    def unrelated_assertion(o: Outcome, qid: str, gold: str | None) -> int:
        bad = [i for i in o.derived if i != gold and i not in related.get(qid, set())
               and i not in same_event.get(qid, set())
               and not (topic.get(i) is not None and topic.get(i) == topic.get(qid))]
        return int(bool(bad))

    copies = [d for d in ds.copies if d.kind in CLASSIC_KINDS]  # web-like ones: below
    copies = copies[:limit] if limit else copies
    for n_done, d in enumerate(copies):
        q = as_user_would(d.copy)
        t1 = time.perf_counter()
        o, result = _wiretrace_outcome(engine, q, set())
        latencies.append(time.perf_counter() - t1)
        kind = d.kind if d.kind in DERIVED_KINDS else d.relation
        base_kind = d.relation
        for name in names:
            oo = o if name == "wiretrace" else _baseline_outcome(systems[name], prepare(q), set())
            rows[name][kind].append(detected(oo, d.source_id))
            rows[name]["rr_" + kind].append(reciprocal_rank(oo, d.source_id))
            unrelated_fd[name].append(unrelated_assertion(oo, d.source_id, d.source_id))
        relation_pairs.append((base_kind, o.kinds.get(d.source_id, "unrelated")))
        for sid, k in o.kinds.items():
            if sid != d.source_id and sid not in related.get(d.source_id, set()) \
                    and sid not in same_event.get(d.source_id, set()):
                relation_pairs.append(("unrelated", k))
        if detected(o, d.source_id):
            dirn = o.direction.get(d.source_id, "unknown")
            direction_ok.append(int(dirn == "candidate_is_source"))
            direction_unknown.append(int(dirn == "unknown"))
            rel = result.sources[0]
            src = by_id[d.source_id]
            pred = [(p.copy_span, p.source_span) for p in rel.alignment]
            gold = _gold_pairs(d.copy, result.article.text, src, d.sentence_map)
            for k, v in enumerate(span_pairs_f1(pred, gold)):
                align_counts[k] += v
            if d.relation in EXHAUSTIVE_BASES:
                counted = set(ALTERATION_TYPES) | {"synonym", "boilerplate_added"}
                if d.relation in SENTENCE_EXHAUSTIVE_BASES:
                    counted |= {"sentence_added", "sentence_dropped"}
                alts_exhaustive.add(rel.alterations, d.planted, counted)
            else:
                alts_rewritten.add(rel.alterations, d.planted, set())
        if n_done % 100 == 0:
            _log(f"traced {n_done}/{len(copies)} copies")

    # negatives: originals with same-event partners, traced against the index minus self
    neg_queries = sorted(same_event)
    if limit:
        neg_queries = neg_queries[: max(10, limit // 4)]
    fd_independent: dict[str, list[int]] = {n: [] for n in names}
    fd_examples: list[dict[str, Any]] = []  # wiretrace's, for a reader to judge
    for qid in neg_queries:
        q = by_id[qid]
        o, res = _wiretrace_outcome(engine, q, {qid})
        for rel in res.relations:
            if rel.derived and rel.source_id in same_event[qid]:
                f = rel.features
                fd_examples.append({"query": qid, "source": rel.source_id, "kind": rel.kind,
                                    **{k: f.get(k) for k in ("strong_coverage", "strong_pairs",
                                                             "lexical", "semantic")}})
        for name in names:
            oo = o if name == "wiretrace" else _baseline_outcome(systems[name], prepare(q), {qid})
            for b in same_event[qid]:
                fd_independent[name].append(int(b in oo.derived))
            unrelated_fd[name].append(unrelated_assertion(oo, qid, None))
        for b in same_event[qid]:
            relation_pairs.append(("independent", o.kinds.get(b, "unrelated")))

    labels = list(RELATION_KINDS)
    mf1, per_label = macro_f1(relation_pairs, labels)
    kinds_seen = sorted({(d.kind if d.kind in DERIVED_KINDS else d.relation) for d in copies},
                        key=lambda k: list(DERIVED_KINDS).index(k) if k in DERIVED_KINDS else 99)
    table: dict[str, Any] = {}
    for name in names:
        r = rows[name]
        table[name] = {
            "detection_recall": {k: rate(sum(r[k]), len(r[k])) for k in kinds_seen},
            "copies": {k: len(r[k]) for k in kinds_seen},
            "mrr": {k: round(sum(r["rr_" + k]) / len(r["rr_" + k]), 4) for k in kinds_seen},
            "recall_at_1": {k: rate(sum(1 for x in r["rr_" + k] if x == 1.0),
                                    len(r["rr_" + k])) for k in kinds_seen},
            "false_derivation_independent": rate(sum(fd_independent[name]),
                                                 len(fd_independent[name])),
            "independent_pairs": len(fd_independent[name]),
            "false_derivation_unrelated": rate(sum(unrelated_fd[name]), len(unrelated_fd[name])),
            "unrelated_queries": len(unrelated_fd[name]),
        }
    p_ok, n_pred, g_found, n_gold = align_counts
    prec = p_ok / n_pred if n_pred else 0.0
    rec = g_found / n_gold if n_gold else 0.0
    # Translated copies by language next, on the same index (they add nothing to it).
    by_language = None
    if languages:
        from wiretrace.bench.languages import evaluate_languages

        by_language = evaluate_languages(ds, engine, limit)
    # Web-like copies last, once everything above is measured on the unchanged index.
    web = evaluate_web_copies(ds, engine, systems, index, related, topic, limit)
    engine.store.close()
    if store_dir is None:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "index_size": len(index),
        "systems": table,
        "false_derivation_examples": fd_examples,
        "web_copies": web,
        "languages": by_language,
        "relation_macro_f1": mf1,
        "relation_per_label": per_label,
        "relation_confusion": confusion(relation_pairs, labels),
        "direction_accuracy": rate(sum(direction_ok), len(direction_ok)),
        "direction_unknown": rate(sum(direction_unknown), len(direction_unknown)),
        "alignment": {"precision": round(prec, 4), "recall": round(rec, 4),
                      "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0},
        "alterations": {
            "note": "copies whose source was found; precision only where the gold lists "
                    "every change of the type (see bench/README.md)",
            "exhaustive_gold": alts_exhaustive.table(),
            "rewritten_copies": alts_rewritten.table(),
        },
        "trace_latency_s": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)},
        "ingest_articles_per_s": round(len(index) / ingest_s, 1),
    }


# -- web-like copies (issue 13) ------------------------------------------------------------

WEB_COLUMNS: tuple[str, ...] = (
    "truncated_copy", "teaser_source", "padded", "version_chain:first", "version_chain:update",
    "copy_of_copy", "copy_of_copy:family", "spun_wild",
)  # fmt: skip


def web_label(d: Any) -> str:
    """The table column of a web-like copy (a version chain has one per version)."""
    if d.kind == "version_chain":
        return f"version_chain:{d.meta.get('version')}"
    return str(d.kind)


def web_exclude(d: Any, extra_by_event: dict[Any, set[str]], event: Any) -> set[str]:
    """What the index must not show a web-like copy's trace: the extra articles of its event
    made for other copies (another copy's teaser, write-through or republication), and what
    the scenario hides (the full story behind a teaser)."""
    shown = set(d.meta.get("scenario_ids", []))
    return (extra_by_event.get(event, set()) - shown) | set(d.meta.get("hidden_ids", []))


def _extend_baseline(system: Any, extra: list[Article], everything: list[Article]) -> None:
    """Add articles to a baseline's index (BM25 is rebuilt; the others grow)."""
    import numpy as np

    from wiretrace.bench.baselines import DocEmbeddingBaseline, MinHashLSHBaseline

    if isinstance(system, DocEmbeddingBaseline):
        vecs = np.stack([system._doc(a) for a in extra]).astype(np.float32)
        system.ids = [*system.ids, *(a.id for a in extra)]
        system.matrix = np.vstack([system.matrix, vecs])
    elif isinstance(system, MinHashLSHBaseline):
        system.index(extra)
    else:
        system.index(everything)


def evaluate_web_copies(ds: Any, engine: Any, systems: dict[str, Any], index: list[Article],
                        related: dict[str, set[str]], topic: dict[str, Any],
                        limit: int | None = None) -> dict[str, Any]:
    """Detection of the web-like copies (see bench/README.md), on the index plus the articles
    their scenarios need. Run after everything else: adding those articles must not move the
    classic rows. Detection: the named source is the gold source (the teaser for a teaser
    source, the version a version-chain copy was made from); for a copy of a copy the
    original is exact and the republication counts for the family column."""
    from wiretrace.engine import prepare

    web = [d for d in ds.copies if d.kind not in CLASSIC_KINDS]
    web = web[:limit] if limit else web
    if not web:
        return {}
    extra = list(getattr(ds, "index_extra", []))
    if extra:
        engine.add(extra)
        prepared = [prepare(a) for a in extra]
        everything = [prepare(a) for a in index] + prepared
        for s in systems.values():
            _extend_baseline(s, prepared, everything)
    extra_by_event: dict[Any, set[str]] = defaultdict(set)
    for a in extra:
        extra_by_event[a.meta.get("event")].add(a.id)
        topic[a.id] = a.meta.get("topic")
    names = ["wiretrace", *systems]
    hits: dict[str, dict[str, list[int]]] = {n: defaultdict(list) for n in names}
    rr: dict[str, dict[str, list[float]]] = {n: defaultdict(list) for n in names}
    unrelated: dict[str, dict[str, list[int]]] = {n: defaultdict(list) for n in names}
    named: dict[str, Counter[str]] = defaultdict(Counter)  # wiretrace's answer, by role
    for d in web:
        gold = ds.article(d.source_id)
        event = gold.meta.get("event")
        exclude = web_exclude(d, extra_by_event, event)
        q = as_user_would(d.copy)
        label = web_label(d)
        o, _ = _wiretrace_outcome(engine, q, exclude)
        family = {d.source_id, d.meta.get("parent_id")} - {None}
        roles = {d.source_id: "gold", d.meta.get("parent_id"): "parent",
                 d.meta.get("full_source_id"): "full_story",
                 d.meta.get("first_take_id"): "first_take", d.meta.get("update_id"): "update"}
        top = o.top_derived
        named[label]["gold" if top == d.source_id else "none" if top is None
                     else roles.get(top, "other")] += 1
        for name in names:
            oo = o if name == "wiretrace" else _baseline_outcome(systems[name], prepare(q), exclude)
            hits[name][label].append(int(detected(oo, d.source_id)))
            rr[name][label].append(reciprocal_rank(oo, d.source_id))
            if d.kind == "copy_of_copy":
                hits[name]["copy_of_copy:family"].append(int(oo.top_derived in family))
            own = related.get(d.source_id, set()) | family | exclude
            bad = [i for i in oo.derived if i not in own and i != d.source_id
                   and not (topic.get(i) is not None and topic.get(i) == gold.meta.get("topic"))]
            unrelated[name][label].append(int(bool(bad)))
    cols = [c for c in WEB_COLUMNS if hits["wiretrace"][c]]
    table = {}
    for name in names:
        h = hits[name]
        table[name] = {
            "detection_recall": {c: rate(sum(h[c]), len(h[c])) for c in cols},
            "copies": {c: len(h[c]) for c in cols},
            "recall_at_1": {c: rate(sum(1 for x in rr[name][c] if x == 1.0), len(rr[name][c]))
                            for c in cols if rr[name][c]},
            "false_derivation_unrelated": {c: rate(sum(unrelated[name][c]),
                                                   len(unrelated[name][c]))
                                           for c in cols if unrelated[name][c]},
        }
    return {"systems": table, "wiretrace_named": {k: dict(v) for k, v in named.items()},
            "index_extra": len(extra)}


def negatives_summary(stats: dict[str, Any]) -> dict[str, Any]:
    """How the same-event pairs of ECB+ became (or did not become) independent negatives."""
    keys = ("same_event_pairs", "negatives_excluded_as_real_copies",
            "negatives_excluded_by_containment")
    out = {k: stats.get(k) for k in keys}
    out["independent_pairs"] = (stats.get("negatives_by_group") or {}).get("same_event")
    return out


def render_web(web: dict[str, Any]) -> list[str]:
    """The web-like copies table: detection recall per column, per system."""
    if not web:
        return []
    systems = web["systems"]
    cols = list(next(iter(systems.values()))["detection_recall"])
    lines = ["## Web-like copies (issue 13): detection recall", "",
             "Named source = gold source (the teaser for `teaser_source`; the version copied for"
             " `version_chain`; the original for `copy_of_copy`, the original or the"
             " republication for `copy_of_copy:family`). See bench/README.md.", "",
             "| system | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for name, s in systems.items():
        lines.append(f"| {name} | " + " | ".join(_fmt(s["detection_recall"][c]) for c in cols)
                     + " |")
    first = next(iter(systems.values()))
    lines += ["", "copies per column: " + ", ".join(f"{c} {n}" for c, n in first["copies"].items()),
              ""]
    wt = systems.get("wiretrace", {})
    if wt.get("false_derivation_unrelated"):
        lines.append("wiretrace false derivation on unrelated articles, per column: " + ", ".join(
            f"{c} {_fmt(v)}" for c, v in wt["false_derivation_unrelated"].items()))
        lines.append("")
    if web.get("wiretrace_named"):
        lines.append("what wiretrace named: " + "; ".join(
            f"{c}: " + ", ".join(f"{k} {v}" for k, v in sorted(n.items()))
            for c, n in web["wiretrace_named"].items()))
    return lines


# -- cost ------------------------------------------------------------------------------


def measure_cost(size: int, data_dir: Path | None, n_traces: int = 60) -> dict[str, Any]:
    """Ingest ``size`` articles (ECB+ then Reuters), trace a sample; run in a subprocess."""
    code = (
        "import json,sys; from wiretrace.bench.runner import _cost_child; "
        f"print(json.dumps(_cost_child({size}, {str(data_dir)!r} if {data_dir is not None} "
        f"else None, {n_traces})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        return {"size": size, "error": out.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cost_child(size: int, data_dir: str | None, n_traces: int) -> dict[str, Any]:
    from datasketch import MinHash

    from wiretrace.bench.sources import load_ecbplus, load_reuters
    from wiretrace.engine import Wiretrace, prepare
    from wiretrace.text.tokens import shingles, words

    ecb = load_ecbplus(data_dir)
    arts = ecb + load_reuters(data_dir)[: max(0, size - len(ecb))]
    arts = arts[:size]
    tmp = Path(tempfile.mkdtemp(prefix="wiretrace-cost-"))
    engine = Wiretrace(tmp)
    _ = engine.fingerprinter.static.table  # model load is not ingest
    _ = engine.fingerprinter.full._backend
    t0 = time.perf_counter()
    stats = engine.add(arts)
    ingest_s = time.perf_counter() - t0
    # the reference: datasketch MinHash alone (default hashing) over the same articles
    t1 = time.perf_counter()
    for a in arts:
        m = MinHash(num_perm=128)
        m.update_batch([s.encode("utf-8") for s in shingles(words(a.text), 5)])
    minhash_s = time.perf_counter() - t1
    disk = sum(f.stat().st_size for f in tmp.rglob("*") if f.is_file())
    lat = []
    step = max(1, len(ecb) // n_traces)
    for a in ecb[::step][:n_traces]:
        q = prepare(a)
        t2 = time.perf_counter()
        engine.trace(q)
        lat.append(time.perf_counter() - t2)
    engine.store.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return {
        "size": len(arts),
        "passages": stats.passages,
        "ingest_articles_per_s": round(len(arts) / ingest_s, 1),
        "minhash_only_articles_per_s": round(len(arts) / minhash_s, 1),
        "trace_p50_s": round(percentile(lat, 50) or 0, 3),
        "trace_p95_s": round(percentile(lat, 95) or 0, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "disk_bytes_per_passage": round(disk / max(1, stats.passages), 1),
    }


# -- report ----------------------------------------------------------------------------


def _fmt(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x)


def render_markdown(res: dict[str, Any]) -> str:
    q = res["quality"]
    kinds = list(next(iter(q["systems"].values()))["detection_recall"])
    lines = [
        f"# wiretrace benchmark — split `{res['split']}`",
        "",
        f"Data set `{res['dataset']['key']}`"
        f" (content hash `{res['dataset']['content_hash'][:16]}`),"
        f" {res['dataset']['copies']} copies, index of {q['index_size']} articles"
        f" (ECB+ originals of the split + Reuters-21578 distractors). Machine: "
        f"{res['machine']}. Generated {res['generated']}.",
        "",
        "## Detection recall (true source named and derivation asserted) and false derivation",
        "",
        "| system | " + " | ".join(kinds)
        + " | false deriv. independent | false deriv. unrelated |",
        "|---|" + "---|" * (len(kinds) + 2),
    ]
    for name, s in q["systems"].items():
        lines.append(
            f"| {name} | " + " | ".join(_fmt(s["detection_recall"][k]) for k in kinds)
            + f" | {_fmt(s['false_derivation_independent'])} ({s['independent_pairs']} pairs)"
            + f" | {_fmt(s['false_derivation_unrelated'])} ({s['unrelated_queries']} queries) |"
        )
    lines += ["", "copies per kind: " + ", ".join(
        f"{k} {n}" for k, n in next(iter(q["systems"].values()))["copies"].items()), ""]
    neg = res["dataset"].get("negatives_summary")
    if neg and neg.get("same_event_pairs") is not None:
        lines += [f"Independent pairs: of {neg['same_event_pairs']} ECB+ same-event pairs,"
                  f" {neg['negatives_excluded_as_real_copies']} are real republications and"
                  f" {neg['negatives_excluded_by_containment']} share more than 10% of either"
                  f" side's word 5-shingles (both left out); {neg['independent_pairs']} remain.",
                  ""]
    if q.get("web_copies"):
        lines += [*render_web(q["web_copies"]), ""]
    if q.get("languages"):
        from wiretrace.bench.languages import render_languages

        lines += render_languages(q["languages"])
    lines += ["## Ranking (recall@1 / MRR)", "",
              "| system | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
    for name, s in q["systems"].items():
        lines.append(f"| {name} | " + " | ".join(
            f"{_fmt(s['recall_at_1'][k])} / {_fmt(s['mrr'][k])}" for k in kinds) + " |")
    lines += [
        "",
        "## wiretrace: relation, direction, alignment",
        "",
        f"- relation macro-F1: **{_fmt(q['relation_macro_f1'])}**",
        f"- direction accuracy on detected copies: {_fmt(q['direction_accuracy'])}"
        f" (undecided: {_fmt(q['direction_unknown'])})",
        f"- sentence alignment vs gold map: precision {_fmt(q['alignment']['precision'])},"
        f" recall {_fmt(q['alignment']['recall'])}, F1 {_fmt(q['alignment']['f1'])}",
        f"- trace latency at {q['index_size']} articles: p50 {_fmt(q['trace_latency_s']['p50'])}s,"
        f" p95 {_fmt(q['trace_latency_s']['p95'])}s",
        "",
        "| gold \\ predicted | " + " | ".join(RELATION_KINDS) + " |",
        "|---|" + "---|" * len(RELATION_KINDS),
    ]
    for g, row in q["relation_confusion"].items():
        if sum(row.values()):
            lines.append(f"| {g} | " + " | ".join(str(row[p]) for p in RELATION_KINDS) + " |")
    if q.get("alterations"):
        lines += ["", *render_alterations(q["alterations"])]
    if res.get("cost"):
        note = [res["cost_note"] + ".", ""] if res.get("cost_note") else []
        lines += ["", "## Cost", "", *note,
                  "| indexed articles | passages | ingest articles/s | datasketch MinHash alone"
                  " articles/s | trace p50 s | trace p95 s | peak RSS MB | disk bytes/passage |",
                  "|---|---|---|---|---|---|---|---|"]
        for c in res["cost"]:
            if "error" in c:
                lines.append(f"| {c['size']} | error | | | | | | |")
                continue
            lines.append(
                f"| {c['size']} | {c['passages']} | {c['ingest_articles_per_s']} |"
                f" {c['minhash_only_articles_per_s']} | {c['trace_p50_s']} | {c['trace_p95_s']} |"
                f" {c['peak_rss_mb']} | {c['disk_bytes_per_passage']} |")
    return "\n".join(lines) + "\n"


def render_alterations(alts: dict[str, Any]) -> list[str]:
    """The forensics table: planted alterations found on detected copies."""
    lines = ["## Alterations (forensics) on detected copies", "",
             "Precision where the gold lists every change of the type (verbatim, edited, spun,"
             " partial bases); recall also on round-trip, translated and summarised copies,"
             " which change names and quotes on their own. See bench/README.md.", "",
             "| type | precision | predicted | recall | gold | recall, rewritten copies | gold |",
             "|---|---|---|---|---|---|---|"]
    ex, rw = alts["exhaustive_gold"], alts["rewritten_copies"]
    for t in sorted(set(ex) | set(rw)):
        e, r = ex.get(t, {}), rw.get(t, {})
        lines.append(f"| {t} | {_fmt(e.get('precision'))} | {e.get('predicted', 0)} |"
                     f" {_fmt(e.get('recall'))} | {e.get('gold', 0)} |"
                     f" {_fmt(r.get('recall'))} | {r.get('gold', 0)} |")
    return lines


def run_benchmark(split: str, data_dir: Path | None, sizes: list[int], out: Path,
                  install: bool = True, index_size: int = 1000, limit: int | None = None,
                  baselines: bool = True) -> int:
    from wiretrace.bench.dataset import build_dataset

    ensure_tools(install)
    t0 = time.perf_counter()
    if split == "gate":
        ds = gate_dataset(data_dir)
    else:
        ds = build_dataset(split=split, data_dir=data_dir, kinds=ALL_KINDS)
    _log(f"data set {split}: {len(ds.copies)} copies, {len(ds.negatives)} negatives "
         f"({time.perf_counter() - t0:.0f}s)")
    quality = evaluate_quality(ds, index_size=index_size, baselines=baselines,
                               data_dir=data_dir, limit=limit, languages=split != "gate")
    cost = [measure_cost(s, data_dir) for s in sizes]
    cost_note = None
    previous = out / f"{split}.json"
    if not sizes and previous.exists():
        # quality re-run only: keep the cost table of the last full run, and say so
        old = json.loads(previous.read_text())
        if old.get("cost"):
            cost = old["cost"]
            cost_note = f"cost table carried over from the run of {old.get('generated')}"
    res = {
        "split": split,
        "generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python "
                   f"{platform.python_version()}",
        "dataset": {"key": ds.key, "content_hash": ds.content_hash, "copies": len(ds.copies),
                    "negatives": len(ds.negatives), "real_copies": len(ds.real_copies),
                    "negatives_summary": negatives_summary(ds.stats),
                    "settings": ds.settings},
        "quality": quality,
        "cost": cost,
        "cost_note": cost_note,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{split}.json").write_text(json.dumps(res, indent=2))
    (out / f"{split}.md").write_text(render_markdown(res))
    print(render_markdown(res))
    return 0


GATE_TOPICS = (1, 2, 3, 4)


def gate_dataset(data_dir: Path | None) -> Any:
    """The small fixed split the CI gate runs: four dev topics, every kind."""
    from wiretrace.bench.dataset import build_dataset

    return build_dataset(split="dev", data_dir=data_dir, topics=GATE_TOPICS, n_sources=40,
                         n_distractors=200)
