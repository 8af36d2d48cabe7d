"""Real pages: does wiretrace name the right source for real copies, and only for them?

The labels are committed (``bench/realworld/clusters/*.jsonl``, see bench/realworld/README.md);
the page texts are not: they are read from ``--pages DIR``, one ``<sha1(url)[:16]>.txt`` per
page, which whoever runs the benchmark fills (``bench/realworld_fetch.py`` fetches them). The
seed page is read from ``../shared/seeds``.

Every page with a text goes into one store (all clusters together, as a real index would
hold them); each page of the chosen split is traced against it with itself excluded.
A derived page (republication, spun, machine-translated, rewritten) is *found* when a page of
its own family is named as its source; a *false source* is a derivation asserted between
pages of different families (any derivation, for an independent report). MinHash LSH at 0.5
over word 5-shingles runs on the same store and pages.

The mission check: the seed page traced against the store, and against the same store in
which its source holds only its first paragraphs (a feed item or an excerpt) — with the other
pages, and with no other copy of the source's story in the store at all.

Run:  .venv/bin/python bench/realworld_eval.py --pages DIR --split dev
Writes bench/results/realworld_<split>.md and .json.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results"
LABELS_DIR = ROOT / "bench" / "realworld" / "clusters"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=Path,
                    default=Path(os.environ.get("WIRETRACE_REALWORLD_PAGES",
                                                ROOT.parent / "realworld-pages")))
    ap.add_argument("--labels", type=Path, default=LABELS_DIR)
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--tag", default="", help="suffix for the results files")
    ap.add_argument("--page-dates", action="store_true",
                    help="give each page the publication date its label records, as an HTML "
                         "page's metadata would (default: the text alone)")
    args = ap.parse_args()
    from wiretrace.bench.realworld import LabelError
    from wiretrace.bench.realworld_runner import render, run_realworld

    try:
        res = run_realworld(args.pages, args.labels, args.seeds, args.split, args.out,
                            args.tag, args.page_dates)
    except (ValueError, LabelError) as e:
        sys.exit(str(e))
    print(render(res))


if __name__ == "__main__":
    main()
