"""The report model: a JSON-ready dict with a versioned schema (``wiretrace.trace/1``).

Top level: ``schema``, ``article`` (id, url, title, site, published, language, credits,
declared_sources, passages), ``verdict`` (one line), ``sources`` (derived relations) and
``others`` (independent / unrelated candidates). Each relation: ``source`` (the other
article's metadata), ``kind``, ``derived``, ``confidence``, ``direction`` and its reasons,
``features``, ``signals`` (candidate score per retrieval signal), ``evidence``,
``alignment`` (pairs with passage indexes, character spans on both sides and both texts)
and ``alterations``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from wiretrace.data import Alteration, Article, Relation

SCHEMA = "wiretrace.trace/1"


def article_summary(a: Article, passages: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": a.id,
        "url": a.url,
        "site": a.site,
        "title": a.title,
        "published": a.published,
        "byline": a.byline,
        "language": a.language,
        "credits": a.credits,
        "declared_sources": a.declared_sources,
        "boilerplate_lines": len(a.boilerplate),
    }
    if passages:
        d["passages"] = [
            {"index": p.index, "start": p.start, "end": p.end} for p in a.passages
        ]
        d["text"] = a.text
    return d


def _inside(span: tuple[int, int] | None, outer: tuple[int, int]) -> bool:
    return span is not None and outer[0] <= span[0] and span[1] <= outer[1]


def _pair_alterations(rel: Relation, copy_span: tuple[int, int],
                      source_span: tuple[int, int]) -> list[Alteration]:
    """Alterations that fall inside one aligned pair. Alignment spans are always (query,
    candidate); alterations are (copy, source), which is the other way round when the
    candidate turned out to be the copy."""
    if rel.features.get("seen_from") == "candidate":
        copy_span, source_span = source_span, copy_span
    return [a for a in rel.alterations
            if _inside(a.copy_span, copy_span) or _inside(a.source_span, source_span)]


def relation_report(rel: Relation, query: Article, other: Article | None) -> dict[str, Any]:
    pairs = []
    for p in rel.alignment:
        inside = _pair_alterations(rel, p.copy_span, p.source_span)
        pairs.append(
            {
                "copy_passages": p.copy_idx,
                "source_passages": p.source_idx,
                "copy_span": list(p.copy_span),
                "source_span": list(p.source_span),
                "similarity": p.similarity,
                "lexical": p.lexical,
                "kind": p.kind,
                "copy_text": query.text[p.copy_span[0] : p.copy_span[1]],
                "source_text": other.text[p.source_span[0] : p.source_span[1]] if other else "",
                "alteration_summary": _summary(inside),
            }
        )
    return {
        "source": article_summary(other) if other else {"id": rel.source_id},
        "kind": rel.kind,
        "derived": rel.derived,
        "confidence": rel.confidence,
        "direction": rel.direction,
        "direction_evidence": rel.direction_evidence,
        "features": rel.features,
        "signals": rel.signals,
        "evidence": rel.evidence,
        "alignment": pairs,
        "alterations": [asdict(a) for a in rel.alterations],
        "alteration_summary": _alteration_summary(rel),
    }


def _alteration_summary(rel: Relation) -> dict[str, Any]:
    from wiretrace.forensics.alterations import wordnet_available

    return {**_summary(rel.alterations), "synonyms_checked": wordnet_available()}


def _summary(alterations: list[Alteration]) -> dict[str, Any]:
    """How many of each type, and the worst (highest severity, first in the text)."""
    counts: dict[str, int] = {}
    order = {"low": 0, "medium": 1, "high": 2}
    worst = None
    for a in alterations:
        counts[a.type] = counts.get(a.type, 0) + 1
        if worst is None or order.get(a.severity, 0) > order.get(worst.severity, 0):
            worst = a
    return {"counts": counts, "worst": asdict(worst) if worst else None}


def trace_report(
    result: Any, lookup: Callable[[str], Article | None]
) -> dict[str, Any]:
    """The JSON report for a ``TraceResult``; ``lookup`` fetches the other articles."""
    query: Article = result.article
    sources, others = [], []
    for rel in result.relations:
        item = relation_report(rel, query, lookup(rel.source_id))
        (sources if rel.derived else others).append(item)
    return {
        "schema": SCHEMA,
        "article": article_summary(query, passages=True),
        "verdict": result.verdict,
        "candidates_checked": result.candidates,
        "sources": sources,
        "others": others,
    }
