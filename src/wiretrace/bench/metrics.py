"""Benchmark metrics as pure functions over plain records, so they can be unit-tested.

A *query outcome* says, for one traced article, what the system asserted: the ranked
article ids it returned and which of them it called derived (with the relation kind).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_WORD = re.compile(r"\w+")


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
        if any(s[0] >= s[1] for s in (*a, *b)):  # an empty span overlaps nothing
            return False
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


# -- alterations ----------------------------------------------------------------------------

# Copies whose gold lists every change of a type. Round trips, translations and summaries
# rewrite names, quotes and sentences on their own, so for them only recall is meaningful.
EXHAUSTIVE_BASES = frozenset({"verbatim", "edited", "spun", "partial"})
SENTENCE_EXHAUSTIVE_BASES = frozenset({"verbatim", "edited", "spun"})


def _toks(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text or "")}


def alteration_matches(pred: Any, gold: Any) -> bool:
    """Same type, and the words involved agree on one side (one set inside the other).
    ``boilerplate_added`` is judged per copy (ours lists all chrome lines in one)."""
    if pred.type == "quote_changed" and gold.type == "synonym":
        # a spinner's synonym inside a quotation is a changed quote too
        tg, tp = _toks(gold.copy_text), _toks(pred.copy_text)
        return bool(tg) and tg <= tp
    if pred.type != gold.type:
        return False
    if pred.type in ("boilerplate_added", "attribution_removed"):
        return True
    for a, b in ((pred.copy_text, gold.copy_text), (pred.source_text, gold.source_text)):
        ta, tb = _toks(a), _toks(b)
        if ta and tb and (ta <= tb or tb <= ta):
            return True
    return False


@dataclass
class AlterationCounts:
    """Per type: predictions that match some gold, all predictions, golds matched, golds."""

    counts: dict[str, list[int]] = field(default_factory=dict)

    def add(self, preds: list[Any], golds: list[Any], types_counted: set[str] | None = None
            ) -> None:
        types = {p.type for p in preds} | {g.type for g in golds}
        for t in types:
            c = self.counts.setdefault(t, [0, 0, 0, 0])
            ps = [p for p in preds if p.type == t]
            gs = [g for g in golds if g.type == t]
            # precision of quote_changed: a spun word inside the quotation counts too
            spun = [g for g in golds if g.type == "synonym"] if t == "quote_changed" else []
            gs_p = gs + spun
            if t == "boilerplate_added":  # one per copy
                ps, gs = ps[:1], gs[:1]
            if types_counted is None or t in types_counted:
                c[0] += sum(1 for p in ps if any(alteration_matches(p, g) for g in gs_p))
                c[1] += len(ps)
            c[2] += sum(1 for g in gs if any(alteration_matches(p, g) for p in ps))
            c[3] += len(gs)

    def table(self) -> dict[str, dict[str, Any]]:
        out = {}
        for t, (tp_p, n_p, tp_g, n_g) in sorted(self.counts.items()):
            out[t] = {"precision": rate(tp_p, n_p), "predicted": n_p,
                      "recall": rate(tp_g, n_g), "gold": n_g}
        return out


# -- clustering against gold (stories vs ECB+ events) -----------------------------------


def _comb2(n: int) -> float:
    return n * (n - 1) / 2


def bcubed(pred: dict[str, Any], gold: dict[str, Any]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin) over the items of ``gold``.

    For each item: precision = share of its predicted cluster that shares its gold cluster,
    recall = share of its gold cluster that shares its predicted cluster; averaged over
    items. An item missing from ``pred`` is a singleton.
    """
    items = list(gold)
    if not items:
        return 0.0, 0.0, 0.0
    p_of = {i: pred.get(i, ("__single__", i)) for i in items}
    by_pred: dict[Any, list[str]] = {}
    by_gold: dict[Any, list[str]] = {}
    for i in items:
        by_pred.setdefault(p_of[i], []).append(i)
        by_gold.setdefault(gold[i], []).append(i)
    joint: dict[tuple[Any, Any], int] = {}
    for i in items:
        joint[(p_of[i], gold[i])] = joint.get((p_of[i], gold[i]), 0) + 1
    p = sum(joint[(p_of[i], gold[i])] / len(by_pred[p_of[i]]) for i in items) / len(items)
    r = sum(joint[(p_of[i], gold[i])] / len(by_gold[gold[i]]) for i in items) / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def adjusted_rand_index(pred: dict[str, Any], gold: dict[str, Any]) -> float:
    """Adjusted Rand index (Hubert & Arabie) over the items of ``gold``: 1 for identical
    partitions, about 0 for chance. Items missing from ``pred`` are singletons."""
    items = list(gold)
    n = len(items)
    if n < 2:
        return 1.0
    p_of = {i: pred.get(i, ("__single__", i)) for i in items}
    joint: dict[tuple[Any, Any], int] = {}
    a: dict[Any, int] = {}
    b: dict[Any, int] = {}
    for i in items:
        joint[(p_of[i], gold[i])] = joint.get((p_of[i], gold[i]), 0) + 1
        a[p_of[i]] = a.get(p_of[i], 0) + 1
        b[gold[i]] = b.get(gold[i], 0) + 1
    index = sum(_comb2(v) for v in joint.values())
    sa, sb = sum(_comb2(v) for v in a.values()), sum(_comb2(v) for v in b.values())
    expected = sa * sb / _comb2(n)
    top = (sa + sb) / 2
    if top == expected:
        return 1.0
    return (index - expected) / (top - expected)


def edge_prf(pred: set[tuple[str, str]], gold: set[tuple[str, str]],
             ignore: set[frozenset[str]] = frozenset()) -> dict[str, float | int]:  # type: ignore[assignment]
    """Precision/recall/F1 of directed edges; predicted edges whose (unordered) pair is in
    ``ignore`` (pairs with no gold either way) count neither for nor against."""
    counted = {e for e in pred if frozenset(e) not in ignore}
    tp = len(counted & gold)
    p = tp / len(counted) if counted else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "predicted": len(counted), "gold": len(gold), "true_positives": tp}
