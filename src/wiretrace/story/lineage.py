"""The lineage inside one story: who copied whom.

Every derivation verdict between two members becomes a directed edge source -> copy. The
direction judge decides most edges from evidence (publication time, a wire credit kept on
one side, a declared link, containment, signs of a garbled copy); when it would not decide,
the edge is still oriented, by its sub-threshold lean, then the earlier publication date,
then the order articles were stored, and marked ``decided=False`` so a reader knows it is a
guess. Roots are members with no incoming derivation: the earliest faithful version, the
wire, or an independent report. The *tree* keeps one parent per copy — the closest to a root,
then decided before guessed, then the most confident — so a copy of a copy hangs under the
copy it came from only when the evidence says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from wiretrace.story.pairs import PairVerdict


@dataclass(slots=True)
class LineageEdge:
    """A derivation: ``target`` is a ``kind`` copy of ``source``."""

    source: str
    target: str
    kind: str
    confidence: float
    decided: bool
    evidence: list[str] = field(default_factory=list)
    tree: bool = False


def orient(v: PairVerdict, order: dict[str, tuple[str, int]]) -> LineageEdge:
    """Turn one derivation verdict into a directed edge, with why."""
    st = v.source_target()
    if st is not None:
        return LineageEdge(st[0], st[1], v.kind, v.confidence, True, list(v.evidence))
    why = list(v.evidence)
    if abs(v.lean) >= 0.25:
        src, dst = (v.b, v.a) if v.lean > 0 else (v.a, v.b)
        why.append("direction undecided: oriented by the weak lean of the evidence above")
    else:
        src, dst = sorted((v.a, v.b), key=lambda i: order.get(i, ("~", 1 << 62)))
        ka, kb = order.get(src, ("~", 0))[0], order.get(dst, ("~", 0))[0]
        if ka != kb and ka != "~":
            why.append(f"direction undecided: assumed the earlier-published one ({ka}) "
                       "is the source")
        else:
            why.append("direction undecided: assumed the first stored is the source")
    return LineageEdge(src, dst, v.kind, v.confidence, False, why)


def lineage(members: Sequence[str], verdicts: Sequence[PairVerdict],
            order: dict[str, tuple[str, int]]) -> tuple[list[str], list[LineageEdge]]:
    """(roots, edges) of one story; ``order[id]`` = (published or "~", ingest rank).

    ``verdicts`` are the derivation verdicts between members (one per pair). Edges on the
    tree have ``tree=True``; other derivation edges (two copies of one source also look
    derived from each other) are kept for the record.
    """
    inside = set(members)
    edges = [orient(v, order) for v in verdicts if v.a in inside and v.b in inside]
    incoming: dict[str, list[LineageEdge]] = {m: [] for m in members}
    outgoing: dict[str, list[LineageEdge]] = {m: [] for m in members}
    for e in edges:
        incoming[e.target].append(e)
        outgoing[e.source].append(e)
    earliest = sorted(members, key=lambda m: order.get(m, ("~", 1 << 62)))
    roots = [m for m in earliest if not incoming[m]]
    seen: set[str] = set()
    frontier = list(roots)
    while True:
        seen.update(frontier)
        while frontier:
            nxt: dict[str, LineageEdge] = {}
            for u in frontier:
                for e in outgoing[u]:
                    if e.target in seen:
                        continue
                    cur = nxt.get(e.target)
                    if cur is None or (e.decided, e.confidence) > (cur.decided, cur.confidence):
                        nxt[e.target] = e
            for e in nxt.values():
                e.tree = True
            seen.update(nxt)
            frontier = list(nxt)
        rest = [m for m in earliest if m not in seen]
        if not rest:
            break
        roots.append(rest[0])  # a cycle of decided edges: the earliest member roots it
        frontier = [rest[0]]
    return roots, edges
