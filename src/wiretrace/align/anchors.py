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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wiretrace.text.anchors import skeleton

__all__ = ["AnchorPair", "anchor_alignment", "anchor_matrix", "anchor_run"]


@dataclass(frozen=True, slots=True)
class AnchorPair:
    copy_idx: int
    source_idx: int
    score: float
    shared: tuple[str, ...]  # anchor keys the two passages share, sorted


def _keys(passages: Sequence[Sequence[str]], cross_script: bool) -> Sequence[Sequence[str]]:
    if not cross_script:
        return passages
    return [[skeleton(a) for a in p] for p in passages]


def _cognates(copy: list[set[str]], source: list[set[str]], cutoff: float) -> dict[str, str]:
    """Each copy name absent from the source mapped to the source name it nearly spells,
    when one does ("parizo" -> "paris", "somalio" -> "somalia", "germanio" -> "germany"):
    translators adapt well-known place and country names to their language."""
    from rapidfuzz import fuzz, process

    theirs = sorted({k for s in source for k in s if k.startswith("n:")})
    ours = sorted({k for s in copy for k in s if k.startswith("n:")} - set(theirs))
    if not theirs or not ours:
        return {}
    scores = process.cdist([k[2:] for k in ours], [k[2:] for k in theirs], scorer=fuzz.ratio,
                           score_cutoff=cutoff * 100)
    out = {}
    for i, k in enumerate(ours):
        j = int(scores[i].argmax())
        # four letters or more, and the same first letter: short names are too alike
        if scores[i, j] > 0 and len(k) > 5 and k[2] == theirs[j][2]:
            out[k] = theirs[j]
    return out


def anchor_matrix(copy: Sequence[Sequence[str]], source: Sequence[Sequence[str]], *,
                  cross_script: bool = False, cognates: float = 0.7,
                  ) -> tuple[np.ndarray, list[set[str]], list[set[str]], dict[str, float]]:
    """Score of every passage pair by shared anchors (0..1), the key sets of each side and
    the anchors' weights. ``cognates``: the spelling similarity (0..1) at which a copy's
    name counts as the source's nearest name (1 or more: exact names only)."""
    kq = [set(p) for p in _keys(copy, cross_script)]
    kc = [set(p) for p in _keys(source, cross_script)]
    if cognates < 1:
        near = _cognates(kq, kc, cognates)
        kq = [{near.get(k, k) for k in s} for s in kq]
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


def anchor_alignment(copy: Sequence[Sequence[str]], source: Sequence[Sequence[str]],
                     semantic: np.ndarray,
                     t: dict[str, float], *, cross_script: bool = False) -> list[AnchorPair]:
    """Monotone one-to-one passage pairs by shared anchors, helped by the encoder's cosine
    (``semantic``; it reads a little of many languages it was not trained on): the path
    maximises anchor score + ``path_weight`` x (cosine - ``path_similarity``); a pair on it
    counts when its passages share ``pair_shared`` anchors scoring ``pair_score``, or one
    anchor at cosine ``weak_similarity`` or more."""
    from wiretrace.align import _dp

    if not copy or not source:
        return []
    m, kq, kc, _ = anchor_matrix(copy, source, cross_script=cross_script,
                                 cognates=t["cognates"])
    sem = np.asarray(semantic, dtype=np.float32)
    if sem.shape != m.shape:
        sem = np.zeros_like(m)
    path = _dp(m + t["path_weight"] * np.maximum(0.0, sem - t["path_similarity"]),
               t["path_floor"])
    out = []
    for i, j in path:
        shared = kq[i] & kc[j]
        if (len(shared) >= t["pair_shared"] and m[i, j] >= t["pair_score"]) or (
                shared and sem[i, j] >= t["weak_similarity"]):
            out.append(AnchorPair(i, j, round(float(m[i, j]), 4), tuple(sorted(shared))))
    return out


def anchor_run(pairs: list[AnchorPair], gap: int = 2) -> list[AnchorPair]:
    """The longest run of pairs consecutive on both sides (gaps of ``gap - 1`` passages
    allowed); of runs as long, the one sharing the most distinct anchors."""
    best: list[AnchorPair] = []
    run: list[AnchorPair] = []
    for p in pairs:
        if run and 0 < p.copy_idx - run[-1].copy_idx <= gap \
                and 0 < p.source_idx - run[-1].source_idx <= gap:
            run.append(p)
        else:
            run = [p]
        if len(run) > len(best) or (len(run) == len(best) and _distinct(run) > _distinct(best)):
            best = list(run)
    return best


def _distinct(run: list[AnchorPair]) -> int:
    return len({a for p in run for a in p.shared})
