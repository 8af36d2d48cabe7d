"""Trace latency on a large store: a new process per trace (cold) and one warm engine.

For ``--queries`` stored articles drawn at random (seeded), three timings:

* **cold process**: ``wiretrace trace ID --store S --format json`` in a new process, wall
  time from start to exit (interpreter, imports, model load, index load, the trace), and
  its CPU time (user + system), which a shared machine's load does not stretch;
* **first trace** in one long-lived engine (models and index loaded, nothing about this
  article in memory; its candidates' full-model vectors read from the store when an earlier
  trace or story build kept them, else encoded and kept);
* **warm**: the same article traced again in that engine.

Run:  .venv/bin/python bench/trace_scale.py --store DIR [--queries 30]
Writes bench/results/trace_scale.md and .json. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("results")


def _p(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--queries", type=int, default=30)
    ap.add_argument("--before", type=Path, default=None,
                    help="a trace_scale.json of an earlier run to set beside this one (e.g. "
                    "older code run with PYTHONPATH on a copy of the same store)")
    ap.add_argument("--before-label", default="before")
    a = ap.parse_args()

    from wiretrace.engine import Wiretrace

    load0 = os.getloadavg()[0]
    engine = Wiretrace(a.store, create=False)
    t = time.perf_counter()
    engine.warm()
    warm_up_s = time.perf_counter() - t
    ids = list(engine.store.ids())
    picks = random.Random(7).sample(ids, min(a.queries, len(ids)))
    cold, cold_cpu, first, warm = [], [], [], []
    for aid in picks:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "wiretrace.cli", "trace", aid, "--store",
                            str(a.store), "--format", "json"], capture_output=True, text=True,
                           check=False)
        cold.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cold_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if r.returncode != 0:
            sys.exit(f"trace {aid} failed: {r.stderr[-500:]}")
    for aid in picks:
        art = engine.store.get(aid)
        assert art is not None
        engine._full_cache.clear()  # nothing about this article (or others) in memory
        t = time.perf_counter()
        engine.trace(art)
        first.append(time.perf_counter() - t)
        t = time.perf_counter()
        engine.trace(art)
        warm.append(time.perf_counter() - t)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=Path(__file__).parent, check=False).stdout.strip()
    res: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit,
        "store": str(a.store), "articles": len(engine.store),
        "passages": engine.store.n_passages(), "queries": len(picks),
        "index": type(engine.store._index).__name__, "warm_up_s": round(warm_up_s, 2),
        "load_before": round(load0, 1), "load_after": round(os.getloadavg()[0], 1),
        "cold_process_s": {"p50": _p(cold, 0.5), "p95": _p(cold, 0.95),
                           "mean": round(statistics.mean(cold), 3)},
        "cold_process_cpu_s": {"p50": _p(cold_cpu, 0.5), "p95": _p(cold_cpu, 0.95)},
        "first_trace_s": {"p50": _p(first, 0.5), "p95": _p(first, 0.95)},
        "warm_trace_s": {"p50": _p(warm, 0.5), "p95": _p(warm, 0.95)},
    }
    (OUT / "trace_scale.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Trace latency on a large store", "",
        f"`bench/trace_scale.py` on {res['date']} (commit `{commit}`): {res['articles']:,} "
        f"articles, {res['passages']:,} passages ({res['index']}), {len(picks)} stored articles "
        f"traced; 2 cores shared with other jobs (load {res['load_before']} → "
        f"{res['load_after']}). Engine warm-up (models, WordNet, index): {res['warm_up_s']} s.",
        "", "| timing | p50 s | p95 s |", "|---|---|---|",
        f"| cold: a new `wiretrace trace` process | **{res['cold_process_s']['p50']}** | "
        f"{res['cold_process_s']['p95']} |",
        f"| the same, CPU time (user + system: what the load does not stretch) | "
        f"{res['cold_process_cpu_s']['p50']} | {res['cold_process_cpu_s']['p95']} |",
        f"| first trace in a warm engine | **{res['first_trace_s']['p50']}** | "
        f"{res['first_trace_s']['p95']} |",
        f"| the same article again | **{res['warm_trace_s']['p50']}** | "
        f"{res['warm_trace_s']['p95']} |",
    ]
    if a.before is not None:
        b = json.loads(a.before.read_text(encoding="utf-8"))
        res["before"] = {"label": a.before_label, **{k: b.get(k) for k in (
            "date", "load_before", "load_after", "cold_process_s", "cold_process_cpu_s",
            "first_trace_s", "warm_trace_s")}}
        cpu = b.get("cold_process_cpu_s") or {"p50": "–", "p95": "–"}
        lines += [
            "", f"Beside it, {a.before_label} ({b['date']}, load {b['load_before']} → "
            f"{b['load_after']}):", "", "| timing | p50 s | p95 s |", "|---|---|---|",
            f"| cold process | {b['cold_process_s']['p50']} | {b['cold_process_s']['p95']} |",
            f"| cold process, CPU time | {cpu['p50']} | {cpu['p95']} |",
            f"| first trace in a warm engine | {b['first_trace_s']['p50']} | "
            f"{b['first_trace_s']['p95']} |",
            f"| the same article again | {b['warm_trace_s']['p50']} | "
            f"{b['warm_trace_s']['p95']} |"]
        (OUT / "trace_scale.json").write_text(json.dumps(res, indent=1) + "\n",
                                              encoding="utf-8")
    (OUT / "trace_scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
