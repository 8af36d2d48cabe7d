"""Benchmark metrics as pure functions over plain records, so they can be unit-tested.

A *query outcome* says, for one traced article, what the system asserted: the ranked
article ids it returned and which of them it called derived (with the relation kind).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class Outcome:
    ranked: list[str]  # candidate ids, best first
    derived: dict[str, str] = field(default_factory=dict)  # id -> kind, for asserted ones
    kinds: dict[str, str] = field(default_factory=dict)  # id -> kind, for every judged one
    top_derived: str | None = None  # the source the system names
    direction: dict[str, str] = field(default_factory=dict)


def detected(o: Outcome, gold: str) -> bool:
    """The system names the true source and asserts a derivation."""
    return o.top_derived == gold


def reciprocal_rank(o: Outcome, gold: str) -> float:
    for i, a in enumerate(o.ranked, 1):
        if a == gold:
            return 1.0 / i
    return 0.0


def rate(hits: int, n: int) -> float | None:
    return round(hits / n, 4) if n else None


def macro_f1(pairs: list[tuple[str, str]], labels: list[str]) -> tuple[float, dict[str, dict]]:
    """Macro-F1 over ``labels`` present in the gold column; per-label P/R/F1 too."""
    gold_counts = Counter(g for g, _ in pairs)
    per: dict[str, dict] = {}
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        fp = sum(1 for g, p in pairs if g != lab and p == lab)
        fn = sum(1 for g, p in pairs if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
                    "support": gold_counts.get(lab, 0)}
        if gold_counts.get(lab):
            f1s.append(f1)
    return (round(sum(f1s) / len(f1s), 4) if f1s else 0.0), per


def confusion(pairs: list[tuple[str, str]], labels: list[str]) -> dict[str, dict[str, int]]:
    m = {g: dict.fromkeys(labels, 0) for g in labels}
    for g, p in pairs:
        if g in m and p in m[g]:
            m[g][p] += 1
    return m


def span_pairs_f1(
    predicted: list[tuple[tuple[int, int], tuple[int, int]]],
    gold: list[tuple[tuple[int, int], tuple[int, int]]],
) -> tuple[int, int, int, int]:
    """Counts for alignment P/R: a predicted (copy span, source span) pair is right when it
    overlaps a gold pair on both sides. Returns (pred_ok, n_pred, gold_found, n_gold)."""

    def hit(a: tuple[tuple[int, int], tuple[int, int]],
            b: tuple[tuple[int, int], tuple[int, int]]) -> bool:
        return (a[0][0] < b[0][1] and b[0][0] < a[0][1]
                and a[1][0] < b[1][1] and b[1][0] < a[1][1])

    pred_ok = sum(1 for p in predicted if any(hit(p, g) for g in gold))
    gold_found = sum(1 for g in gold if any(hit(p, g) for p in predicted))
    return pred_ok, len(predicted), gold_found, len(gold)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(q / 100 * (len(s) - 1)))))
    return s[k]
