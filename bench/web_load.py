"""Page load time of the web app's trace report for a 2,000-word article, in a real browser.

Articles traced (the store is the demo store — the 16 shipped originals and independent
reports — plus the source of case 1):

1. ``news_copy_2000_words`` (the headline number): a real 2,386-word Vox article from
   ``../shared/data/extraction`` (Delhi air pollution, 2019), its first paragraphs up to
   2,000+ words stored as the source; the query is a disguised copy made by the benchmark's
   own generator (``derive(kind="corrupted", base_kind="spun")``: WordNet synonyms plus
   planted alterations), cut to exactly 2,000 words. Skipped when ../shared is not there.
2. ``roundup_2000_words``: five demo-corpus copies of four stored wire stories pasted one
   after the other, cut to exactly 2,000 words (a compilation page: several sources).
3. ``demo_copy_548_words``: the corrupted round-trip copy of the demo, for scale.

Each run is what a user does: the home page is open with the article pasted, they press
Trace, and the browser navigates (form POST) to the report. The time is the browser's own
Navigation Timing of that navigation: ``loadEventEnd`` from the start of the navigation
(request, the server's trace, transfer, parse, layout) — the report page loads nothing
else. ``responseStart`` (first byte, mostly the trace) and the JSON API's round trip for the
same text (``POST /api/trace``, no page) split the cost. The engine is warm: one run of each
article is made and discarded first. Debian Chromium, headless.

Run:  .venv/bin/python bench/web_load.py [--runs 7]
Writes bench/results/web.md and bench/results/web.json. Not a test: no thresholds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from wiretrace.data import Article
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace, prepare
from wiretrace.web import create_app
from wiretrace.web.browser import chromium, chromium_path, serve_in_thread

ROUNDUP = ["copy-2-spun", "copy-3-machine_translated", "copy-8-corrupted", "copy-4-partial",
           "copy-6-summarised"]
WORDS = 2000
OUT = Path(__file__).with_name("results")
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
NEWS_ID = "16c30add7e96315e9cc957d85aa876ccb6b70055f0ddab51547a586117cc1f56"  # Vox, Delhi smog


def _cut(text: str, words: int) -> str:
    """The first ``words`` words, paragraphs kept."""
    out, n = [], 0
    for p in (p for p in text.split("\n\n") if p.strip()):
        w = p.split()
        if n + len(w) >= words:
            out.append(" ".join(w[: words - n]))
            break
        out.append(p)
        n += len(w)
    return "\n\n".join(out)


def news_case() -> tuple[Article, str] | None:
    """(the stored source, the 2,000-word disguised copy), or None without ../shared."""
    truth = SHARED / "extraction" / "ground-truth.json"
    if not truth.exists():
        return None
    from wiretrace.bench.derive import derive

    body = json.loads(truth.read_text(encoding="utf-8"))[NEWS_ID]["articleBody"]
    paras = [p.strip() for p in body.split("\n") if p.strip()]
    text, n = [], 0
    for p in paras:  # whole paragraphs, just past 2,000 words (spinning may shorten)
        text.append(p)
        n += len(p.split())
        if n >= WORDS + 150:
            break
    source = prepare(Article(id="vox-delhi-air-pollution", text="\n\n".join(text),
                             url="https://www.vox.com/science-and-health/2019/11/8/20948348",
                             title="Delhi air pollution", site="vox.com",
                             published="2019-11-08"))
    copy = derive(source, "corrupted", seed=1, base_kind="spun").copy
    cut = _cut(copy.text, WORDS)
    assert len(cut.split()) == WORDS, len(cut.split())
    return source, cut


def roundup_article() -> str:
    """Five demo copies one after the other, paragraphs kept, cut at exactly ``WORDS``."""
    copies = {d["id"]: d for d in load_jsonl(CORPUS / "copies.jsonl")}
    text = _cut("\n\n".join(copies[cid]["text"] for cid in ROUNDUP), WORDS)
    assert len(text.split()) == WORDS, len(text.split())
    return text


NOTE = (
    "The roundup (five copies of four stored stories pasted into one page) is judged "
    "`independent` of each source: each covers only about a quarter of the page, below the "
    "judge's copy-coverage rule, although the page reproduces 100% of three of them. Pages "
    "that compile several wire stories are a gap of the judge."
)


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def measure(page: Any, base: str, text: str) -> dict[str, float]:
    """One paste-and-trace navigation; the browser's Navigation Timing, in seconds."""
    page.goto(base + "/")
    page.fill("#text", text)
    t0 = time.perf_counter()
    with page.expect_navigation(wait_until="load", timeout=300_000):
        page.click("#trace-button")
    wall = time.perf_counter() - t0
    nav = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        return {start: n.startTime, ttfb: n.responseStart, dcl: n.domContentLoadedEventEnd,
                load: n.loadEventEnd, bytes: n.transferSize, nodes:
                document.getElementsByTagName('*').length,
                rows: document.querySelectorAll('table.aligned tr.row-pair').length}; }""")
    assert page.locator("p.verdict").count() == 1, "not a report page"
    return {"load_s": (nav["load"] - nav["start"]) / 1000,
            "ttfb_s": (nav["ttfb"] - nav["start"]) / 1000,
            "dom_content_loaded_s": (nav["dcl"] - nav["start"]) / 1000,
            "click_to_load_wall_s": wall, "page_bytes": nav["bytes"],
            "elements": nav["nodes"], "aligned_rows": nav["rows"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    news = news_case()
    cases: dict[str, str] = {}
    if news is not None:
        cases[f"news_copy_{WORDS}_words"] = news[1]
    else:
        print(f"no {SHARED}: the news case is skipped", flush=True)
    cases[f"roundup_{WORDS}_words"] = roundup_article()
    cases["demo_copy_548_words"] = next(d["text"] for d in load_jsonl(CORPUS / "copies.jsonl")
                                        if d["id"] == "copy-8-corrupted")
    results: dict[str, Any] = {}
    load_start = list(os.getloadavg())  # other jobs on the machine skew every number
    with tempfile.TemporaryDirectory(prefix="wiretrace-webbench-") as tmp:
        engine = Wiretrace(Path(tmp) / "store")
        engine.add([to_article(d) for d in load_jsonl(CORPUS / "originals.jsonl")]
                   + ([news[0]] if news else []))
        app = create_app(engine.store.path, engine=engine)

        def forget() -> None:
            # a new article: no full-model embedding cached, of it or of its candidates
            # (in memory, nor kept in the store's profiles since issue 12)
            engine.forget_vectors()
            with engine.store._lock:
                engine.store.db.execute("DELETE FROM profiles")

        def keep() -> None:
            pass

        with serve_in_thread(app) as base, chromium() as browser:
            version = browser.version
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, text in cases.items():
                measure(page, base, text)  # warm: model, LSH index, first-use costs
                r: dict[str, Any] = {"words": len(text.split())}
                for label, before in (("new", forget), ("again", keep)):
                    runs = []
                    for _ in range(args.runs):
                        before()
                        runs.append(measure(page, base, text))
                    api = []
                    for _ in range(args.runs):
                        before()
                        t0 = time.perf_counter()
                        resp = httpx.post(base + "/api/trace", json={"text": text}, timeout=300)
                        resp.raise_for_status()
                        api.append(time.perf_counter() - t0)
                    r[label] = {
                        "runs": runs,
                        "load_p50_s": round(statistics.median(x["load_s"] for x in runs), 3),
                        "load_p90_s": round(_pct([x["load_s"] for x in runs], 0.9), 3),
                        "ttfb_p50_s": round(statistics.median(x["ttfb_s"] for x in runs), 3),
                        "api_trace_p50_s": round(statistics.median(api), 3),
                    }
                report = resp.json()
                r.update(verdict=report["verdict"],
                         sources=[s["source"]["id"] for s in report["sources"]],
                         page_bytes=runs[-1]["page_bytes"], aligned_rows=runs[-1]["aligned_rows"])
                results[name] = r
                print(name, {k: v for k, v in r.items() if k not in ("new", "again")},
                      {k: {kk: vv for kk, vv in r[k].items() if kk != "runs"}
                       for k in ("new", "again")}, flush=True)
    meta = {"runs": args.runs, "browser": f"Chromium {version} ({chromium_path()}), headless",
            "load_average_start": load_start, "load_average_end": list(os.getloadavg()),
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "store": "demo store: 16 articles", "date": time.strftime("%Y-%m-%d")}
    OUT.mkdir(exist_ok=True)
    (OUT / "web.json").write_text(json.dumps({"meta": meta, "cases": results}, indent=2) + "\n")
    lines = [
        "# Web app: report page load time",
        "",
        f"From `bench/web_load.py` ({meta['date']}; {meta['browser']}; {meta['cpus']} cores, "
        f"shared with other jobs: load average {load_start[0]:.1f} at the start, "
        f"{meta['load_average_end'][0]:.1f} at the end; warm server process, median and 90th "
        "percentile of "
        f"{args.runs} runs). *load* is the browser's Navigation Timing from pressing Trace "
        "(form POST) to the report page's load event: request, trace, transfer, parse and "
        "layout. *first byte* is mostly the trace itself; *API* is `POST /api/trace` with the "
        "same text (JSON, no page). *new article*: no full-model embedding cached (neither the "
        "article's nor its candidates'), as for an article never seen; *again*: the same "
        "article traced a second time (embeddings cached).",
        "",
        "| article | words | sources found | load p50 s, new article | load p90 s | "
        "first byte p50 s | API p50 s | load p50 s, again | page KB | aligned rows |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        n, a = r["new"], r["again"]
        lines.append(
            f"| {name} | {r['words']} | {len(r['sources'])} | **{n['load_p50_s']}** | "
            f"{n['load_p90_s']} | {n['ttfb_p50_s']} | {n['api_trace_p50_s']} | "
            f"{a['load_p50_s']} | {r['page_bytes'] / 1024:.0f} | {r['aligned_rows']} |")
    lines += ["", "Verdicts: " + "; ".join(f"{n}: {r['verdict']}" for n, r in results.items()),
              ""]
    if not results[f"roundup_{WORDS}_words"]["sources"]:
        lines += [NOTE, ""]
    (OUT / "web.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
