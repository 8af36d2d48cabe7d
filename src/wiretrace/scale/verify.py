"""Verifying candidate pairs: ``Wiretrace.compare``, and the row a relation becomes.

Both scan paths call ``verify_pair`` with the engine's own ``compare`` (full-model
alignment, the calibrated judge, the direction clues), so a pair gets one verdict
whichever path found it. The Spark executors build one engine per Python worker over an
empty throw-away store (``worker_engine``): compare never reads the store.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import TYPE_CHECKING, Any

import numpy as np

from wiretrace.data import DERIVED_KINDS, Article, Relation

if TYPE_CHECKING:
    from wiretrace.engine import Wiretrace

RELATION_COLUMNS = ("a", "b", "kind", "confidence", "direction", "derived", "copy_id",
                    "source_id", "signals", "evidence")

_ENGINE: Wiretrace | None = None


def _engine_class() -> type:
    from wiretrace.engine import Wiretrace

    class ScanEngine(Wiretrace):
        """``Wiretrace`` that takes full-model passage vectors computed upstream, once per
        article (``given``), instead of encoding an article again in every partition that
        holds one of its pairs. Given vectors come from the same ``FullEncoder.encode`` call
        on the same prepared article, so verdicts do not change."""

        given: dict[str, np.ndarray]

        def _full(self, art: Article) -> np.ndarray:
            v = self.given.get(art.id)
            if v is not None and len(v) == len(art.passages):
                return v
            return super()._full(art)

    return ScanEngine


def worker_engine() -> Wiretrace:
    """One engine per Python process (models load once per executor worker, not per task)."""
    global _ENGINE
    if _ENGINE is None:
        import atexit
        import shutil

        tmp = tempfile.mkdtemp(prefix=f"wiretrace-verify-{os.getpid()}-")
        atexit.register(shutil.rmtree, tmp, True)  # an empty store; nothing to keep
        _ENGINE = _engine_class()(tmp)
        _ENGINE.given = {}  # type: ignore[attr-defined]
    return _ENGINE


def verify_pair(engine: Wiretrace, query: Article, cand: Article,
                signals: dict[str, float]) -> dict[str, Any]:
    """Judge one pair with ``query`` in the copy's seat -> a ``relations`` row.

    ``Wiretrace.compare_seated``, as the story builder judges: the other seating is tried
    when the candidate may be the query's partial copy or summary.
    """
    return relation_row(engine.compare_seated(query, cand, signals, explain=False))


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
