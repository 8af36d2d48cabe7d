"""How far right-family recall on the real pages can go on the evidence wiretrace measures.

Reads the real-world results (``bench/results/realworld_<split>.json``, written by
``bench/realworld_eval.py``, which records each missed page's cause and its family pairs'
evidence), judges the ECB+ same-event pairs of the dev split that share no reused text, and
writes ``bench/results/realworld_ceiling.md`` and ``.json``: for each split, the found
pages, plus the missed pages whose evidence no negative pair reaches.

Run:  .venv/bin/python bench/realworld_ceiling.py [--splits dev,test]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from wiretrace.bench.paths import default_data_dir, write_results
    from wiretrace.bench.realworld import recall_ceiling
    from wiretrace.bench.realworld_runner import ecb_negatives, render_ceiling

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--splits", default="dev,test")
    ap.add_argument("--results", type=Path, default=ROOT / "bench" / "results",
                    help="folder of realworld_<split>.json (default bench/results)")
    ap.add_argument("--data", type=Path, default=None,
                    help="folder holding ecbplus/ (default ../shared/data)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args()
    scored = {}
    for split in args.splits.split(","):
        path = args.results / f"realworld_{split}.json"
        try:
            w = json.loads(path.read_text())["systems"]["wiretrace"]
        except (OSError, ValueError, KeyError) as e:
            print(f"{path}: no real-world results to read ({e}); run "
                  "bench/realworld_eval.py first", file=sys.stderr)
            return 2
        if any(e["error"] == "missed" and "family_evidence" not in e for e in w["errors"]):
            print(f"{path}: made before misses carried their evidence; run "
                  "bench/realworld_eval.py again", file=sys.stderr)
            return 2
        scored[split] = w
    t0 = time.perf_counter()
    try:
        negatives = ecb_negatives(args.data or default_data_dir(), "dev")
    except FileNotFoundError as e:
        print(e, file=sys.stderr)
        return 2
    res = {"generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "ecb_split": "dev", "ecb_negatives": len(negatives),
           "seconds": round(time.perf_counter() - t0, 1),
           "splits": {s: recall_ceiling(w, negatives) for s, w in scored.items()}}
    md = render_ceiling(res)
    write_results(args.out, "realworld_ceiling", res, md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
