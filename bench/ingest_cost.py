"""Cost of ingesting and tracing one huge document: wall time and peak memory.

A single 10 MB paragraph once took minutes and most of a gigabyte to ingest, and a 5 MB
``POST /api/trace`` held the engine for minutes: both scale with the *input*, which an
attacker or a bad scrape controls. This measures them so a regression shows:

* **ingest**: one document of 1, 5 and 10 MiB, either one paragraph (Reuters-21578 stories
  joined by spaces: ~60,000 sentences and no blank line) or normal paragraphs (the same
  stories, one paragraph each), read from a ``.txt`` file with ``read_path`` and stored
  with ``Wiretrace.add``, as ``wiretrace ingest`` does. Time is read + prepare +
  fingerprint + store; peak RSS is the child process's ``ru_maxrss``, which includes the
  static embedding table every ingest loads (its level before the big document is shown
  as *base RSS*).
* **trace**: a 5 MiB query (the body limit of ``wiretrace serve``), one paragraph and
  normal paragraphs, against a store of the first 200 of the same stories (so the query's
  head copies stored articles and the trace has real candidates to judge). *held* is what
  ``Service.trace`` does under the engine lock (``Wiretrace.trace`` plus the JSON report);
  *read* is reading the upload, which the web app does before taking the lock.

Every measurement runs in a fresh child process. The machine is shared with other jobs, so
the load average (1 min) is recorded before and after each run.

Run:  .venv/bin/python bench/ingest_cost.py [--sizes 1,5,10] [--trace-mb 5] [--label after]
Runs of other labels already in the JSON (e.g. ``before``, measured on the previous commit
with ``PYTHONPATH=<old checkout>/src``) are kept, so the table shows them side by side.
Writes bench/results/ingest_cost.md and bench/results/ingest_cost.json. Not a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from wiretrace.bench import paths  # its git_commit: the imported code's checkout

OUT = Path(__file__).with_name("results")
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
REUTERS = SHARED / "reuters21578" / "articles.jsonl.gz"
MIB = 1024 * 1024
STORE_ARTICLES = 200
GOALS = {"ingest_seconds": 20.0, "ingest_rss_mb": 400.0, "trace_held_seconds": 5.0}


def _stories() -> list[str]:
    if not REUTERS.exists():
        sys.exit(f"{REUTERS} not found: this benchmark needs ../shared/data (see its README)")
    with gzip.open(REUTERS, "rt", encoding="utf-8") as fh:
        return [t for line in fh if (t := " ".join(json.loads(line)["text"].split()))]


def document(stories: list[str], nbytes: int, shape: str, first: int = 0) -> bytes:
    """``nbytes`` of UTF-8 text made of whole stories from ``first`` on (cut at a word at
    the end), either one paragraph (``shape == "one"``) or one paragraph per story
    (``"paras"``)."""
    sep = " " if shape == "one" else "\n\n"
    out, size, i = [], 0, first
    while size < nbytes:
        t = stories[i % len(stories)]
        out.append(t)
        size += len(t.encode("utf-8")) + len(sep)
        i += 1
    data = sep.join(out).encode("utf-8")[:nbytes]
    return data[: data.rfind(b" ")] if b" " in data[-200:] else data


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu() -> float:
    """CPU seconds (user + system, all threads) of this process: what the work costs
    whatever else the machine runs; on an idle machine wall time is about this or less."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# -- children --------------------------------------------------------------------------------


def child_ingest(path: Path) -> dict[str, Any]:
    from wiretrace.data import Article
    from wiretrace.engine import Wiretrace
    from wiretrace.ingest import read_path

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        engine = Wiretrace(Path(tmp) / "store")
        warm = "The minister said on Sunday that talks would resume next week in Geneva."
        engine.add([Article(id="warm", text=warm)])  # loads the static table and tokenizer
        base = _rss_mb()
        t1, c1 = time.perf_counter(), _cpu()
        arts = [r.article for r in read_path(path, max_bytes=20 * MIB) if r.article]
        t2 = time.perf_counter()
        stats = engine.add(arts)
        t3 = time.perf_counter()
        return {
            "seconds": round(t3 - t1, 2), "cpu_seconds": round(_cpu() - c1, 2),
            "read_seconds": round(t2 - t1, 2),
            "add_seconds": round(t3 - t2, 2), "startup_seconds": round(t1 - t0, 2),
            "base_rss_mb": round(base), "peak_rss_mb": round(_rss_mb()),
            "ingested": stats.ingested, "passages": stats.passages,
            "failed": dict(stats.failed),
        }


def child_build(store: Path, stories_json: Path) -> dict[str, Any]:
    from wiretrace.data import Article
    from wiretrace.engine import Wiretrace

    stories = json.loads(stories_json.read_text(encoding="utf-8"))
    engine = Wiretrace(store)
    stats = engine.add(Article(id=f"reuters-{i}", text=t) for i, t in enumerate(stories))
    return {"ingested": stats.ingested}


def child_trace(store: Path, path: Path) -> dict[str, Any]:
    from wiretrace.engine import Wiretrace
    from wiretrace.ingest.query import query_from_bytes
    from wiretrace.report import trace_report

    engine = Wiretrace(store, create=False)
    engine.warm()  # as Service.warm does
    base = _rss_mb()
    data = path.read_bytes()
    t0 = time.perf_counter()
    q = query_from_bytes(data, "upload.txt")
    t1, c1 = time.perf_counter(), _cpu()
    result = engine.trace(q.article)
    report = trace_report(result, engine.store.get)
    t2 = time.perf_counter()
    return {
        "read_seconds": round(t1 - t0, 2), "held_seconds": round(t2 - t1, 2),
        "held_cpu_seconds": round(_cpu() - c1, 2),
        "base_rss_mb": round(base), "peak_rss_mb": round(_rss_mb()),
        "query_chars": len(q.article.text), "passages_compared": len(result.article.passages),
        "truncated": result.article.meta.get("truncated"),
        "candidates": result.candidates, "sources": len(report["sources"]),
        "verdict": result.verdict,
    }


# -- parent ----------------------------------------------------------------------------------


def _run_child(args: list[str], timeout: float) -> dict[str, Any]:
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                              text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s", "load_before": round(load0, 1),
                "load_after": round(os.getloadavg()[0], 1)}
    out: dict[str, Any] = {}
    if proc.returncode == 0 and proc.stdout.strip():
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    else:
        out = {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-400:]}"}
    out["process_seconds"] = round(time.perf_counter() - t0, 1)
    out["load_before"], out["load_after"] = round(load0, 1), round(os.getloadavg()[0], 1)
    return out


def _fmt(v: Any) -> str:
    return "–" if v is None else str(v)


def render(all_runs: dict[str, Any]) -> str:
    lines = [
        "# Ingest and trace cost of huge documents",
        "",
        "From `bench/ingest_cost.py` (each row a fresh child process; 2 cores shared with other "
        "jobs, so the 1-minute load average before/after each run is shown). Goals (issue 11): "
        f"ingest of 10 MB in ≤ {GOALS['ingest_seconds']:.0f} s and ≤ "
        f"{GOALS['ingest_rss_mb']:.0f} MB peak RSS; a trace of any input under the 5 MB web "
        f"body limit holds the engine ≤ {GOALS['trace_held_seconds']:.0f} s.",
        "",
        "*seconds*: read + prepare + fingerprint + store of the one document. *peak RSS*: the "
        "child's maximum resident set, including the static embedding table and models "
        "(*base*: before the document). *one*: one paragraph (no blank line, ~6 sentences per "
        "KB); *paras*: one paragraph per Reuters story. *copies*: the query's head is the "
        "stored stories; *unrelated*: it is stories that are not stored.",
        "",
        *_compared(all_runs),
    ]
    for label, run in all_runs.items():
        lines += [f"## {label}", "", f"{run['date']}, commit `{run['commit']}`, "
                  f"Python {run['python']}, {run['cpus']} CPUs. {run.get('note', '')}".rstrip(),
                  "", "| ingest | MiB | seconds | CPU s | peak RSS MB | base RSS MB | passages | "
                  "load before/after |", "|---|---|---|---|---|---|---|---|"]
        for r in run["ingest"]:
            lines.append(
                f"| {r['shape']} | {r['mib']} | **{_fmt(r.get('seconds', r.get('error')))}** | "
                f"{_fmt(r.get('cpu_seconds'))} | "
                f"**{_fmt(r.get('peak_rss_mb'))}** | {_fmt(r.get('base_rss_mb'))} | "
                f"{_fmt(r.get('passages'))} | {r['load_before']} / {r['load_after']} |")
        lines += ["", "| trace | query | MiB | held s (engine lock) | held CPU s | read s | "
                  "peak RSS MB | passages compared | candidates | verdict | load before/after |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in run["trace"]:
            lines.append(
                f"| {r['shape']} | {r.get('query', 'copies')} | {r['mib']} | "
                f"**{_fmt(r.get('held_seconds', r.get('error')))}** | "
                f"{_fmt(r.get('held_cpu_seconds'))}"
                f" | {_fmt(r.get('read_seconds'))} | {_fmt(r.get('peak_rss_mb'))} | "
                f"{_fmt(r.get('passages_compared'))} | {_fmt(r.get('candidates'))} | "
                f"{_short(r.get('verdict'))} | {r['load_before']} / {r['load_after']} |")
        lines.append("")
    return "\n".join(lines)


def _short(text: str | None, n: int = 90) -> str:
    return "–" if text is None else text if len(text) <= n else text[: n - 1] + "…"


def _compared(all_runs: dict[str, Any]) -> list[str]:
    """One before -> latest line per case, when both runs are there (the latest run is the
    last label written after ``before``)."""
    later = [k for k in all_runs if k != "before"]
    if "before" not in all_runs or not later:
        return []
    latest = later[-1]
    lines = [f"## Before -> {latest}", "", f"| case | before | {latest} |", "|---|---|---|"]

    def key(r: dict[str, Any]) -> tuple[str, str, float]:
        return r["shape"], r.get("query", ""), r["mib"]

    old = {("ingest", *key(r)): r for r in all_runs["before"]["ingest"]}
    old |= {("trace", *key(r)): r for r in all_runs["before"]["trace"]}
    for kind in ("ingest", "trace"):
        for r in all_runs[latest][kind]:
            o = old.get((kind, *key(r)))
            if o is None:
                continue
            sec = "seconds" if kind == "ingest" else "held_seconds"
            name = f"{kind} {r['mib']:g} MiB {r['shape']} {r.get('query', '')}".rstrip()
            lines.append(
                f"| {name} | {_fmt(o.get(sec, o.get('error')))} s, {_fmt(o.get('peak_rss_mb'))} MB"
                f" (load {o['load_before']}) | **{_fmt(r.get(sec, r.get('error')))} s, "
                f"{_fmt(r.get('peak_rss_mb'))} MB** (load {r['load_before']}) |")
    return [*lines, ""]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1,5,10", help="ingest sizes in MiB")
    ap.add_argument("--trace-mb", type=float, default=5.0)
    ap.add_argument("--label", default="after")
    ap.add_argument("--note", default="")
    ap.add_argument("--timeout", type=float, default=900.0, help="per child, seconds")
    ap.add_argument("--out", type=Path, default=OUT / "ingest_cost")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        kind, *rest = a.child
        if kind == "ingest":
            print(json.dumps(child_ingest(Path(rest[0]))))
        elif kind == "build":
            print(json.dumps(child_build(Path(rest[0]), Path(rest[1]))))
        else:
            print(json.dumps(child_trace(Path(rest[0]), Path(rest[1]))))
        return

    stories = _stories()
    commit = getattr(paths, "git_commit", lambda: "unknown")()
    run: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"), "commit": commit,
        "python": platform.python_version(), "cpus": os.cpu_count(), "note": a.note,
        "pythonpath": os.environ.get("PYTHONPATH", ""), "ingest": [], "trace": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for shape in ("one", "paras"):
            for mib in (float(s) for s in a.sizes.split(",") if s):
                f = t / f"{shape}-{mib}.txt"
                f.write_bytes(document(stories, int(mib * MIB), shape))
                r = _run_child(["ingest", str(f)], a.timeout)
                run["ingest"].append({"shape": shape, "mib": mib, **r})
                print("ingest", shape, mib, r, flush=True)
                f.unlink()
        if a.trace_mb:
            seed = t / "stories.json"
            seed.write_text(json.dumps(stories[:STORE_ARTICLES]), encoding="utf-8")
            store = t / "store"
            print("build", _run_child(["build", str(store), str(seed)], a.timeout), flush=True)
            # the head of "copies" is the stored stories (a roundup of 18 of them: the most
            # candidates to judge); "unrelated" starts 5,000 stories later
            for shape, first in (("one", 0), ("paras", 0), ("one", 5000)):
                query = "copies" if first == 0 else "unrelated"
                f = t / f"query-{shape}-{query}.txt"
                f.write_bytes(document(stories, int(a.trace_mb * MIB), shape, first))
                r = _run_child(["trace", str(store), str(f)], a.timeout)
                run["trace"].append({"shape": shape, "query": query, "mib": a.trace_mb, **r})
                print("trace", shape, query, r, flush=True)
    path = a.out.with_suffix(".json")
    runs: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    runs[a.label] = run
    path.write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")
    a.out.with_suffix(".md").write_text(render(runs) + "\n", encoding="utf-8")
    print(f"wrote {path} and {a.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
