"""Human reuse at graded levels: trace the Clough & Stevenson short answers to their sources.

See ``wiretrace.bench.clough``. Reads ``../shared/data/clough-stevenson`` (or ``--data``),
writes ``bench/results/clough.md`` and ``.json``.

Run:  .venv/bin/python bench/clough_eval.py [--distractors 1000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from wiretrace.bench.clough import CloughError, render, run_clough
    from wiretrace.bench.paths import default_data_dir, write_results

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None,
                    help="folder holding clough-stevenson/ and reuters21578/ "
                         "(default ../shared/data)")
    ap.add_argument("--distractors", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args()
    data = args.data or default_data_dir()
    try:
        res = run_clough(data / "clough-stevenson", args.distractors, data)
    except (CloughError, FileNotFoundError) as e:
        print(e, file=sys.stderr)
        return 2
    md = render(res)
    write_results(args.out, "clough", res, md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
