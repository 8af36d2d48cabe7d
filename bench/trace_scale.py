"""Trace latency on a large store: a new process per trace (cold) and one warm engine.

For ``--queries`` stored articles drawn at random (seeded), three timings:

* **cold process**: ``wiretrace trace ID --store S --format json`` in a new process, wall
  time from start to exit (interpreter, imports, model load, index load, the trace), and
  its CPU time (user + system), which a shared machine's load does not stretch;
* **first trace** in one long-lived engine (models and index loaded, nothing about this
  article in memory; its candidates' full-model vectors read from the store when an earlier
  trace or story build kept them, else encoded and kept);
* **warm**: the same article traced again in that engine.

With ``--cached-store COPY`` (a second copy of the same store: a cold trace keeps its
candidates' full-model vectors, so each copy sees each article once) the same articles are
also traced in new processes that find Python's bytecode cached, as an installed package
has it; the first kind runs in the environment as given, which may forbid writing bytecode
(``PYTHONDONTWRITEBYTECODE``: every process then compiles wiretrace's sources again).

Run:  .venv/bin/python bench/trace_scale.py --store DIR [--queries 30] [--cached-store COPY]
Writes bench/results/trace_scale.md and .json (``--name`` for another name). Not a test.
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
import tempfile
import time
from pathlib import Path
from typing import Any

from wiretrace.bench import paths  # its git_commit: the imported code's checkout

OUT = Path(__file__).with_name("results")


def _p(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 3)


def _cold(args: list[str], store: Path, env: dict[str, str]) -> tuple[float, float]:
    """Run ``wiretrace ARGS --store STORE`` in a new process: wall and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "wiretrace.cli", *args, "--store", str(store)],
                       capture_output=True, text=True, check=False, env=env)
    took = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"wiretrace {' '.join(args)} failed: {r.stderr[-500:]}")
    return took, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--queries", type=int, default=30)
    ap.add_argument("--before", type=Path, default=None,
                    help="a trace_scale.json of an earlier run to set beside this one (e.g. "
                    "older code run with PYTHONPATH on a copy of the same store)")
    ap.add_argument("--before-label", default="before")
    ap.add_argument("--name", default="trace_scale",
                    help="results file name under bench/results (.md and .json)")
    ap.add_argument("--note", default="", help="one line on the store given")
    ap.add_argument("--cached-store", type=Path, default=None,
                    help="a second copy of the store, for cold processes with bytecode cached")
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
    cached, cached_cpu = [], []
    as_given = dict(os.environ)
    pyc = dict(os.environ)
    pyc.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as prefix:
        pyc["PYTHONPYCACHEPREFIX"] = prefix  # the source tree is left as it is
        if a.cached_store is not None:  # fill the bytecode cache (not timed): import in a
            # child every module this process's traces imported (no trace: the store copies
            # stay as they are)
            subprocess.run([sys.executable, "-c", "import importlib, sys\n"
                            "for m in sys.argv[1:]:\n"
                            "    try: importlib.import_module(m)\n"
                            "    except Exception: pass", *sorted(sys.modules)],
                           env=pyc, check=True, capture_output=True)
        for i, aid in enumerate(picks):
            runs = [(a.store, as_given, cold, cold_cpu)]
            if a.cached_store is not None:
                runs.append((a.cached_store, pyc, cached, cached_cpu))
            for store, env, wall, cpu in runs[:: 1 if i % 2 == 0 else -1]:  # alternate
                took, used = _cold(["trace", aid, "--format", "json"], store, env)
                wall.append(took)
                cpu.append(used)
    for aid in picks:
        art = engine.store.get(aid)
        assert art is not None
        engine.forget_vectors()  # nothing about this article (or others) in memory
        t = time.perf_counter()
        engine.trace(art)
        first.append(time.perf_counter() - t)
        t = time.perf_counter()
        engine.trace(art)
        warm.append(time.perf_counter() - t)
    commit = getattr(paths, "git_commit", lambda: "unknown")()
    res: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit,
        "store": str(a.store), "articles": len(engine.store),
        "passages": engine.store.n_passages(), "queries": len(picks),
        "index": type(engine.store._index).__name__, "warm_up_s": round(warm_up_s, 2),
        "load_before": round(load0, 1), "load_after": round(os.getloadavg()[0], 1),
        "cold_process_s": {"p50": _p(cold, 0.5), "p95": _p(cold, 0.95),
                           "mean": round(statistics.mean(cold), 3)},
        "cold_process_cpu_s": {"p50": _p(cold_cpu, 0.5), "p95": _p(cold_cpu, 0.95)},
        "bytecode_written": "PYTHONDONTWRITEBYTECODE" not in os.environ,
        "first_trace_s": {"p50": _p(first, 0.5), "p95": _p(first, 0.95)},
        **({} if not cached else {
            "cold_cached_s": {"p50": _p(cached, 0.5), "p95": _p(cached, 0.95)},
            "cold_cached_cpu_s": {"p50": _p(cached_cpu, 0.5), "p95": _p(cached_cpu, 0.95)}}),
        "warm_trace_s": {"p50": _p(warm, 0.5), "p95": _p(warm, 0.95)},
    }
    (OUT / f"{a.name}.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Trace latency on a large store", "",
        f"`bench/trace_scale.py` on {res['date']} (commit `{commit}`): {res['articles']:,} "
        f"articles, {res['passages']:,} passages ({res['index']}), {len(picks)} stored articles "
        f"traced; 2 cores shared with other jobs (load {res['load_before']} → "
        f"{res['load_after']}). Engine warm-up (models, WordNet, index): {res['warm_up_s']} s."
        + (f" {a.note}" if a.note else ""),
        "", "| timing | p50 s | p95 s |", "|---|---|---|",
        f"| cold: a new `wiretrace trace` process | **{res['cold_process_s']['p50']}** | "
        f"{res['cold_process_s']['p95']} |",
        f"| the same, CPU time (user + system: what the load does not stretch) | "
        f"{res['cold_process_cpu_s']['p50']} | {res['cold_process_cpu_s']['p95']} |",
        *([] if res["bytecode_written"] else [
            "| (the cold processes above compile wiretrace's sources: the environment sets "
            "PYTHONDONTWRITEBYTECODE) | | |"]),
        *([] if not cached else [
            f"| cold, bytecode cached (as installed; a second copy of the store) | "
            f"**{res['cold_cached_s']['p50']}** | {res['cold_cached_s']['p95']} |",
            f"| the same, CPU time | {res['cold_cached_cpu_s']['p50']} | "
            f"{res['cold_cached_cpu_s']['p95']} |"]),
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
        (OUT / f"{a.name}.json").write_text(json.dumps(res, indent=1) + "\n",
                                              encoding="utf-8")
    (OUT / f"{a.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
