"""Operating thresholds for the top-1 baselines, fitted on the dev split only.

A top-1 system with no threshold calls every query a copy of something. A fair user would
pick the lowest score that keeps false derivation on independent same-event pairs at 1%
(the goal wiretrace is held to), so that is what we fit: trace every dev original that has
same-event partners against dev originals plus Reuters distractors, and take the score at
which the share of partner pairs named top-1 drops to 1%.

    python -m wiretrace.bench.calibrate_baselines [--index-size 1000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from wiretrace.bench.runner import BASELINE_THRESHOLDS_FILE

TARGET_FD = 0.01


def fit_threshold(scored: list[tuple[float, bool]], n_pairs: int,
                  target: float = TARGET_FD) -> float:
    """Lowest threshold t such that top-1 hits on a partner with score >= t are at most
    ``target`` of ``n_pairs``. ``scored`` holds (top-1 score, top-1 is a partner)."""
    bad = sorted((s for s, partner in scored if partner), reverse=True)
    allowed = int(target * n_pairs)
    if len(bad) <= allowed:
        return min((s for s, _ in scored), default=0.0)
    # the (allowed+1)-th highest partner score must fall below t
    return round(bad[allowed] + 1e-4, 4)


def calibrate(index_size: int = 1000, data_dir: Path | None = None) -> dict[str, Any]:
    from wiretrace.bench.baselines import BM25Baseline, DocEmbeddingBaseline
    from wiretrace.bench.dataset import build_dataset
    from wiretrace.bench.sources import load_reuters
    from wiretrace.engine import Wiretrace, prepare

    ds = build_dataset(split="dev", data_dir=data_dir)
    originals = list(ds.originals)
    n_fill = max(0, index_size - len(originals))
    distractors = load_reuters(data_dir, ids=list(ds.distractor_ids)[:n_fill]) if n_fill else []
    index = [prepare(a) for a in originals + distractors]
    engine = Wiretrace(Path(tempfile.mkdtemp(prefix="wiretrace-calib-")))
    systems = {
        "bm25_top1": BM25Baseline(),
        "doc_embedding_top1": DocEmbeddingBaseline(lambda a: engine.full_vectors(prepare(a))),
    }
    partners: dict[str, set[str]] = defaultdict(set)
    for p in ds.negatives:
        if p.group == "same_event":
            partners[p.a_id].add(p.b_id)
            partners[p.b_id].add(p.a_id)
    n_pairs = sum(len(v) for v in partners.values())
    by_id = {a.id: a for a in index}
    out: dict[str, Any] = {}
    for name, system in systems.items():
        system.index(index)
        scored = []
        for qid in sorted(partners):
            ans = system.query(by_id[qid], {qid})
            if ans.ranked:
                top, score = ans.ranked[0]
                scored.append((score, top in partners[qid]))
        out[name] = fit_threshold(scored, n_pairs)
    out["_fit"] = {"split": "dev", "index_size": len(index), "independent_pairs": n_pairs,
                   "target_false_derivation": TARGET_FD}
    engine.store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-size", type=int, default=1000)
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args()
    fit = calibrate(args.index_size, args.data)
    doc = {
        "note": "Operating thresholds of the top-1 baselines, fitted on the dev split by "
                "python -m wiretrace.bench.calibrate_baselines: the lowest score that keeps "
                "false derivation on independent same-event pairs at or under 1%. "
                "bm25_top1 is the BM25 score divided by the query's token count.",
        **fit,
    }
    BASELINE_THRESHOLDS_FILE.write_text(json.dumps(doc, indent=2) + "\n")
    print(json.dumps(fit, indent=2))


if __name__ == "__main__":
    main()
