"""Extraction quality of ``wiretrace.ingest.read_html`` on real pages.

Data: ``../shared/data/extraction`` (181 gzipped article pages from 126 sites, with the gold
article body in ``ground-truth.json``). Score: bag-of-words token precision, recall and F1
of our body text against the gold body, per page, then averaged; a page we fail to read
scores 0. Several option settings are compared, and the default one is marked.

Run:  .venv/bin/python bench/extraction_eval.py [--limit N]
Writes bench/results/extraction.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from wiretrace.ingest import IngestOptions, read_html

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extraction"
OUT = ROOT / "bench" / "results" / "extraction.md"
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


def tokens(text: str) -> Counter[str]:
    return Counter(t.casefold() for t in _TOKEN.findall(text))


def score(predicted: str, gold: str) -> Score:
    """Token-bag precision/recall/F1 (the article-extraction-benchmark convention)."""
    pred, ref = tokens(predicted), tokens(gold)
    overlap = sum((pred & ref).values())
    if not pred or not ref or not overlap:
        return Score(0.0, 0.0, 0.0)
    p, r = overlap / sum(pred.values()), overlap / sum(ref.values())
    return Score(p, r, 2 * p * r / (p + r))


def load(data: Path = DATA, limit: int | None = None) -> list[tuple[str, bytes, str, str]]:
    """``(id, html bytes, url, gold body)`` for the first ``limit`` pages, sorted by id."""
    gold = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(gold)[:limit]:
        path = data / "html" / f"{key}.html.gz"
        if path.exists():
            pages.append(
                (
                    key,
                    gzip.decompress(path.read_bytes()),
                    gold[key]["url"],
                    gold[key]["articleBody"],
                )
            )
    return pages


def evaluate(pages: list[tuple[str, bytes, str, str]], options: IngestOptions) -> dict[str, float]:
    """Mean precision, recall, F1 over ``pages``, with failures counted as zero."""
    scores: list[Score] = []
    failures = 0
    start = time.perf_counter()
    for key, html, url, gold in pages:
        res = read_html(html, source=key, url=url, options=options)
        if res.article is None:
            failures += 1
            scores.append(Score(0.0, 0.0, 0.0))
        else:
            scores.append(score(res.article.text, gold))
    n = max(1, len(scores))
    return {
        "precision": sum(s.precision for s in scores) / n,
        "recall": sum(s.recall for s in scores) / n,
        "f1": sum(s.f1 for s in scores) / n,
        "failed": failures,
        "seconds_per_page": (time.perf_counter() - start) / n,
    }


VARIANTS: dict[str, IngestOptions] = {
    "default": IngestOptions(),
    "favor_recall=True": IngestOptions(favor_recall=True),
    "include_tables=False": IngestOptions(include_tables=False),
    "strip_boilerplate=False": IngestOptions(strip_boilerplate=False),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA}: data folder not found (see ../shared/data/README.md)", file=sys.stderr)
        return 2
    pages = load(limit=args.limit)
    defaults = IngestOptions()
    rows = []
    for name, options in VARIANTS.items():
        result = evaluate(pages, options)
        rows.append((name, result))
        print(
            f"{name:28s} P={result['precision']:.3f} R={result['recall']:.3f} "
            f"F1={result['f1']:.3f} failed={result['failed']} "
            f"{result['seconds_per_page'] * 1000:.0f} ms/page",
            file=sys.stderr,
        )
    lines = [
        "# HTML extraction quality",
        "",
        f"`bench/extraction_eval.py` on {len(pages)} pages of `../shared/data/extraction` "
        "(real article pages, gold body text). Token-bag precision / recall / F1 of the "
        "article text produced by `wiretrace.ingest.read_html` (trafilatura 2.3.1, then our "
        "line-level boilerplate removal), averaged over pages; a page that fails counts 0.",
        "",
        f"Default options: `favor_recall={defaults.favor_recall}`, "
        f"`include_tables={defaults.include_tables}`, "
        f"`strip_boilerplate={defaults.strip_boilerplate}`.",
        "",
        "| options | precision | recall | F1 | failed | ms/page |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
            f"{r['failed']} | {r['seconds_per_page'] * 1000:.0f} |"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
