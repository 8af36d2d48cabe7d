"""Roundup pages: one page that strings several disguised copies together.

Content farms and digests paste several wire stories into one page. Each story covers only a
part of the page, so a judge that asks "how much of the copy does this source explain?"
calls every pair an independent report. The engine's roundup rule (``roundup`` in
``judge/thresholds.json``) judges each part on its own when two or more stored articles each
lie nearly whole in separate parts of the page.

Pages: for each copy kind, ``--pages`` roundups of three benchmark copies of that kind whose
sources come from three different ECB+ topics, under a digest heading, read as a user's
plain-text file would be. Index: the split's ECB+ originals plus Reuters distractors (1,000
articles, as in the main benchmark). Measured with the rule and without it (the same traces):
the share of constituent sources named as derived, the share of pages with all three named,
and false sources (a named source that is not a constituent). False alarms: every original
of the split traced against the index (itself excluded); a roundup relation there is false
unless the pair is one of ECB+'s own republications.

Run:  .venv/bin/python bench/roundup_eval.py --split test
Writes bench/results/roundup.md and .json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results"
KINDS = ("verbatim", "edited", "spun", "machine_translated", "summarised")


def log(msg: str) -> None:
    print(f"[roundup {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev", "test"], default="test")
    ap.add_argument("--pages", type=int, default=30, help="roundups per copy kind")
    ap.add_argument("--index-size", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from wiretrace.bench.dataset import build_dataset
    from wiretrace.bench.runner import as_user_would
    from wiretrace.bench.sources import load_reuters
    from wiretrace.data import Article
    from wiretrace.engine import Wiretrace

    ds = build_dataset(args.split)
    originals = list(ds.originals)
    n_fill = max(0, args.index_size - len(originals))
    distractors = load_reuters(ids=list(ds.distractor_ids)[:n_fill]) if n_fill else []
    engine = Wiretrace(Path(tempfile.mkdtemp(prefix="wiretrace-roundup-")))
    engine.add(originals + distractors)
    log(f"indexed {len(engine.store)} articles")
    topic = {a.id: a.meta.get("topic") for a in originals}
    rule = engine.thresholds["roundup"]
    rng = random.Random(args.seed)

    def traced(page: Article, with_rule: bool) -> Any:
        if not with_rule:
            engine.thresholds.pop("roundup", None)
        try:
            return engine.trace(as_user_would(page))
        finally:
            engine.thresholds["roundup"] = rule

    twin: dict[tuple[str, str], str] = {}
    for rc in ds.real_copies:
        twin[(rc.a_id, rc.b_id)] = rc.b_id
        twin[(rc.b_id, rc.a_id)] = rc.a_id
    rows: dict[str, dict[str, Any]] = {}
    seconds: list[float] = []
    for kind in KINDS:
        pool = [d for d in ds.copies_of(kind) if d.relation == kind]
        rng.shuffle(pool)
        counts = {True: [0, 0, 0], False: [0, 0, 0]}  # named, pages all named, false sources
        made = 0
        while made < args.pages and len(pool) >= 3:
            parts: list[Any] = []
            for d in list(pool):
                if all(topic.get(d.source_id) != topic.get(p.source_id) for p in parts):
                    parts.append(d)
                    pool.remove(d)
                if len(parts) == 3:
                    break
            if len(parts) < 3:
                break
            made += 1
            text = "Today's stories, in brief.\n\n" + "\n\n".join(
                f"{(p.copy.title or 'More news')}\n\n{p.copy.text}" for p in parts
            )
            page = Article(id=f"roundup-{kind}-{made}", text=text)
            gold = {p.source_id for p in parts}
            for with_rule in (True, False):
                t0 = time.perf_counter()
                res = traced(page, with_rule)
                if with_rule:
                    seconds.append(time.perf_counter() - t0)
                # a source's twin (one of ECB+'s own republications of it) counts as it
                named = {twin.get((r.source_id, g), r.source_id) for r in res.sources
                         for g in gold} if res.sources else set()
                named = {n for n in named if n in gold} | {
                    r.source_id for r in res.sources
                    if not any((r.source_id, g) in twin or r.source_id == g for g in gold)}
                c = counts[with_rule]
                c[0] += len(named & gold)
                c[1] += gold <= named
                c[2] += len(named - gold)
        rows[kind] = {
            "pages": made,
            **{
                ("with_rule" if w else "without_rule"): {
                    "sources_named": round(c[0] / max(1, 3 * made), 3),
                    "pages_all_named": round(c[1] / max(1, made), 3),
                    "false_sources": c[2],
                }
                for w, c in counts.items()
            },
        }
        log(f"{kind}: {rows[kind]}")

    real = {frozenset(k) for k in twin}
    fired = false_fired = 0
    for a in originals:
        res = engine.trace(a, exclude_ids=[a.id])
        for r in res.relations:
            if r.features.get("roundup_sources"):
                fired += 1
                false_fired += frozenset((a.id, r.source_id)) not in real
    log(f"originals: roundup relations {fired}, false {false_fired}")

    seconds.sort()
    result = {
        "split": args.split,
        "index_articles": len(engine.store),
        "rule": {k: v for k, v in rule.items() if k != "note"},
        "kinds": rows,
        "originals_traced": len(originals),
        "roundup_relations_on_originals": fired,
        "false_roundup_relations_on_originals": false_fired,
        "trace_p50_s": round(seconds[len(seconds) // 2], 3) if seconds else None,
        "generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "roundup.json").write_text(json.dumps(result, indent=2) + "\n")
    (OUT / "roundup.md").write_text(render(result))
    print(render(result))


def render(r: dict[str, Any]) -> str:
    lines = [
        f"# Roundup pages — split `{r['split']}`",
        "",
        f"Generated {r['generated']} by `bench/roundup_eval.py` (2 cores, shared with other "
        f"jobs). Index: {r['index_articles']} articles. Each page strings three benchmark "
        "copies of one kind (sources from three different ECB+ topics) under a digest "
        "heading. *named*: share of the constituent sources the trace names as derived (or "
        "one of ECB+'s own republications of it, which no system can tell apart).",
        "",
        "| copy kind | pages | named, with rule | all 3 named | false sources | named, "
        "without rule | all 3 named | false sources |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, row in r["kinds"].items():
        w, wo = row["with_rule"], row["without_rule"]
        lines.append(
            f"| {kind} | {row['pages']} | {w['sources_named']:.3f} | {w['pages_all_named']:.3f}"
            f" | {w['false_sources']} | {wo['sources_named']:.3f} | {wo['pages_all_named']:.3f}"
            f" | {wo['false_sources']} |"
        )
    lines += [
        "",
        f"False alarms: the split's {r['originals_traced']} originals traced against the "
        f"index gave {r['roundup_relations_on_originals']} roundup relations, "
        f"{r['false_roundup_relations_on_originals']} of them not one of ECB+'s own "
        "republications.",
        f"Trace p50 for a roundup page, with the rule: {r['trace_p50_s']} s.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
