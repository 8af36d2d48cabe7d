"""Verifying candidate pairs: the store-free comparer, and the row a relation becomes.

Both scan paths judge a pair with ``compare.compare_seated`` (full-model alignment, the
calibrated judge, the direction clues), as the story builder does, so a pair gets one
verdict whichever path found it. The local path goes through the engine (its profiles and
stored vectors); Spark executors build each article's profile from the vectors computed
once upstream and need no store at all.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from wiretrace.compare import Profile, Settings, compare_seated
from wiretrace.data import DERIVED_KINDS, Article, Relation

if TYPE_CHECKING:
    from wiretrace.engine import Wiretrace
    from wiretrace.fingerprint.embed import FullEncoder

RELATION_COLUMNS = ("a", "b", "kind", "confidence", "direction", "derived", "copy_id",
                    "source_id", "signals", "evidence")

def worker_encoder() -> FullEncoder:
    """The worker's full model (``process_fingerprinter``'s: it loads once per executor
    worker, not per task)."""
    from wiretrace.fingerprint import process_fingerprinter

    return process_fingerprinter().full


def verify_pair(engine: Wiretrace, query: Article, cand: Article,
                signals: dict[str, float]) -> dict[str, Any]:
    """Judge one pair of stored articles with ``query`` in the copy's seat -> a
    ``relations`` row (``Wiretrace.compare_seated``: the other seating is tried when the
    candidate may be the query's partial copy or summary)."""
    return relation_row(engine.compare_seated(query, cand, signals, explain=False))


def verify_profiles(query: Profile, cand: Profile, signals: dict[str, float],
                    settings: Settings | None = None) -> dict[str, Any]:
    """``verify_pair`` for two profiles, with no engine or store."""
    return relation_row(compare_seated(query, cand, settings or Settings(), signals,
                                       explain=False))


def relation_row(rel: Relation) -> dict[str, Any]:
    """A relation as a flat row: ``a`` sat in the copy's seat, ``b`` was the candidate;
    ``copy_id``/``source_id`` resolve the direction for derived pairs (the seating when it
    is ``unknown``)."""
    derived = rel.kind in DERIVED_KINDS
    copy_id = source_id = None
    if derived:
        copy_id, source_id = rel.copy_id, rel.source_id
        if rel.direction == "query_is_source":
            copy_id, source_id = source_id, copy_id
    evidence = {
        "direction_evidence": rel.direction_evidence,
        "features": rel.features,
        "evidence": rel.evidence,
        "alignment": [
            {"copy_passages": p.copy_idx, "source_passages": p.source_idx,
             "copy_span": list(p.copy_span), "source_span": list(p.source_span),
             "similarity": round(float(p.similarity), 4), "lexical": round(float(p.lexical), 4),
             "kind": p.kind}
            for p in rel.alignment
        ],
    }
    return {
        "a": rel.copy_id,
        "b": rel.source_id,
        "kind": rel.kind,
        "confidence": round(float(rel.confidence), 6),
        "direction": rel.direction,
        "derived": derived,
        "copy_id": copy_id,
        "source_id": source_id,
        "signals": json.dumps(rel.signals, sort_keys=True),
        "evidence": json.dumps(evidence, sort_keys=True, default=str),
    }
