"""Aligning passages by their anchors (names and numbers), for languages the encoder lacks.

Each passage pair scores the anchors it shares, weighted by how few passages of the two
texts hold them (the story's protagonist, named everywhere, weighs little; a number or a
minor name in one sentence weighs much), over the geometric mean of both passages' weight.
A monotone alignment over that score pairs the passages; the judge then asks for a run of
such pairs in the same order on both sides, which independent reports of one event do not
make even when they name the same people.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from wiretrace.text.anchors import skeleton

__all__ = ["AnchorPair", "anchor_alignment", "anchor_matrix", "anchor_run"]


@dataclass(frozen=True, slots=True)
class AnchorPair:
    copy_idx: int
    source_idx: int
    score: float
    shared: tuple[str, ...]  # anchors the two passages share, in the copy's order


def _keys(passages: list[list[str]], cross_script: bool) -> list[list[str]]:
    if not cross_script:
        return passages
    return [[skeleton(a) for a in p] for p in passages]


def anchor_matrix(copy: list[list[str]], source: list[list[str]], *,
                  cross_script: bool = False) -> tuple[np.ndarray, list[set[str]],
                                                       list[set[str]], dict[str, float]]:
    """Score of every passage pair by shared anchors (0..1), the key sets of each side and
    the anchors' weights."""
    kq = [set(p) for p in _keys(copy, cross_script)]
    kc = [set(p) for p in _keys(source, cross_script)]
    df = Counter(k for s in (*kq, *kc) for k in s)
    total = len(kq) + len(kc)
    weight = {k: math.log(1 + total / n) for k, n in df.items()}
    m = np.zeros((len(kq), len(kc)), dtype=np.float32)
    wq = [sum(weight[k] for k in s) for s in kq]
    wc = [sum(weight[k] for k in s) for s in kc]
    holders: dict[str, list[int]] = {}
    for j, s in enumerate(kc):
        for k in s:
            holders.setdefault(k, []).append(j)
    for i, s in enumerate(kq):
        if not s:
            continue
        for k in s:
            for j in holders.get(k, ()):
                m[i, j] += weight[k]
        for j in np.flatnonzero(m[i]):
            m[i, j] /= math.sqrt(wq[i] * wc[j])
    return m, kq, kc, weight


def anchor_alignment(copy: list[list[str]], source: list[list[str]], *, floor: float,
                     min_shared: int, cross_script: bool = False) -> list[AnchorPair]:
    """Monotone one-to-one pairs of passages whose shared anchors score at least ``floor``
    and number at least ``min_shared``."""
    from wiretrace.align import _dp

    if not copy or not source:
        return []
    m, kq, kc, _ = anchor_matrix(copy, source, cross_script=cross_script)
    out = []
    for i, j in _dp(m, floor):
        shared = kq[i] & kc[j]
        if len(shared) >= min_shared and m[i, j] >= floor:
            order = [k for k in dict.fromkeys(_keys([copy[i]], cross_script)[0]) if k in shared]
            out.append(AnchorPair(i, j, round(float(m[i, j]), 4), tuple(order)))
    return out


def anchor_run(pairs: list[AnchorPair], gap: int = 2) -> list[AnchorPair]:
    """The longest run of pairs consecutive on both sides (gaps of ``gap - 1`` passages
    allowed), by the number of distinct anchors it shares."""
    best: list[AnchorPair] = []
    run: list[AnchorPair] = []
    for p in pairs:
        if run and 0 < p.copy_idx - run[-1].copy_idx <= gap \
                and 0 < p.source_idx - run[-1].source_idx <= gap:
            run.append(p)
        else:
            run = [p]
        if _distinct(run) > _distinct(best):
            best = list(run)
    return best


def _distinct(run: list[AnchorPair]) -> int:
    return len({a for p in run for a in p.shared})
