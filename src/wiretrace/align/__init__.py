"""Passage alignment of a copy against a candidate source.

A monotone dynamic programme over a passage similarity matrix (the larger of the full-model
cosine and the word overlap), with skips on either side; then two repairs that copies need:
a sentence moved within the text (edited copies) is re-attached when it matches strongly,
and a sentence that a translation broke in two ("... from Washington. Became a senior
official.") is attached to its neighbour's partner when it matches it (split / merged).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

from wiretrace.data import AlignedPair, Passage
from wiretrace.text.tokens import STOPWORDS, words


@dataclass(frozen=True, slots=True, kw_only=True)
class AlignConfig:
    match: float = 0.62  # pair similarity that pays for itself in the DP
    moved: float = 0.8  # a non-monotone pair must be at least this similar
    split: float = 0.5  # a fragment attached to its neighbour's partner


@dataclass(slots=True)
class PassageFeatures:
    """Per-passage word lists computed once."""

    words: list[str]
    content: set[str]
    function: list[str]
    quoted: bool  # mostly inside quotation marks


# A dateline wire credit ("WASHINGTON, May 3 (Reuters) - "): copiers strip it, so it is
# left out of word comparisons (forensics reports its removal separately).
DATELINE_CREDIT = re.compile(
    r"^(?:[A-Z][A-Za-z .'-]{1,40},?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+)?)?"
    r"\((?P<agency>AP|Reuters|AFP|UPI|Bloomberg|dpa|[A-Z][A-Za-z]{1,15})\)\s*[-–—:]+\s*"
)


def passage_features(passages: list[Passage]) -> list[PassageFeatures]:
    out = []
    for p in passages:
        w = words(DATELINE_CREDIT.sub("", p.text, count=1))
        quoted_chars = sum(len(q) for q in _quoted_runs(p.text))
        out.append(
            PassageFeatures(
                words=w,
                content={x for x in w if x not in STOPWORDS and len(x) > 1},
                function=[x for x in w if x in STOPWORDS],
                quoted=quoted_chars > 0.6 * max(1, len(p.text)),
            )
        )
    return out


def _quoted_runs(text: str) -> list[str]:
    runs, inside, start = [], False, 0
    for i, ch in enumerate(text):
        if ch == '"':
            if inside:
                runs.append(text[start:i])
            inside, start = not inside, i + 1
    return runs


def lexical_matrix(q: list[PassageFeatures], c: list[PassageFeatures]) -> np.ndarray:
    """Content-word Jaccard between every pair of passages."""
    m = np.zeros((len(q), len(c)), dtype=np.float32)
    for i, a in enumerate(q):
        if not a.content:
            continue
        for j, b in enumerate(c):
            if b.content:
                inter = len(a.content & b.content)
                if inter:
                    m[i, j] = inter / len(a.content | b.content)
    return m


def _dp(sim: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Monotone 1-1 alignment maximising the sum of (sim - threshold) over pairs."""
    n, m = sim.shape
    gain = sim - threshold
    score = np.zeros((n + 1, m + 1), dtype=np.float32)
    move = np.zeros((n + 1, m + 1), dtype=np.int8)  # 0 diag, 1 skip q, 2 skip c
    for i in range(1, n + 1):
        row_gain = gain[i - 1]
        for j in range(1, m + 1):
            d = score[i - 1, j - 1] + row_gain[j - 1] if row_gain[j - 1] > 0 else -1e9
            u = score[i - 1, j]
            left = score[i, j - 1]
            if d >= u and d >= left:
                score[i, j], move[i, j] = d, 0
            elif u >= left:
                score[i, j], move[i, j] = u, 1
            else:
                score[i, j], move[i, j] = left, 2
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        mv = move[i, j]
        if mv == 0:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif mv == 1:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def align(
    copy: list[Passage],
    source: list[Passage],
    semantic: np.ndarray,
    config: AlignConfig,
    copy_feats: list[PassageFeatures] | None = None,
    source_feats: list[PassageFeatures] | None = None,
) -> list[AlignedPair]:
    """Align copy passages to source passages; ``semantic`` is their cosine matrix."""
    if not copy or not source:
        return []
    qf = copy_feats or passage_features(copy)
    cf = source_feats or passage_features(source)
    lex = lexical_matrix(qf, cf)
    sim = np.maximum(semantic, lex)
    pairs = _dp(sim, config.match)
    used_q = {i for i, _ in pairs}
    used_c = {j for _, j in pairs}
    # moved sentences: strong matches outside the monotone path
    order = np.dstack(np.unravel_index(np.argsort(-sim, axis=None), sim.shape))[0]
    for i, j in order:
        if sim[i, j] < config.moved:
            break
        if i not in used_q and j not in used_c:
            pairs.append((int(i), int(j)))
            used_q.add(int(i))
            used_c.add(int(j))
    groups: dict[int, tuple[set[int], set[int]]] = {i: ({i}, {j}) for i, j in pairs}
    group_of_c = {j: i for i, j in pairs}
    # split: an unaligned copy fragment beside an aligned passage, matching its partner
    for i in range(len(copy)):
        if i in used_q:
            continue
        for nb in (i - 1, i + 1):
            if nb in groups and max(sim[i, j] for j in groups[nb][1]) >= config.split:
                groups[nb][0].add(i)
                used_q.add(i)
                break
    # merged: an unaligned source passage beside an aligned one, matching the same copy
    for j in range(len(source)):
        if j in used_c:
            continue
        for nb in (j - 1, j + 1):
            anchor = group_of_c.get(nb)
            if anchor is not None and sim[anchor, j] >= config.split:
                groups[anchor][1].add(j)
                used_c.add(j)
                break
    out: list[AlignedPair] = []
    for qs, cs in groups.values():
        qi, js = sorted(qs), sorted(cs)
        s = float(max(semantic[a, b] for a in qi for b in js))
        lx = _word_overlap(
            [w for a in qi for w in qf[a].words], [w for b in js for w in cf[b].words]
        )
        out.append(
            AlignedPair(
                copy_idx=qi,
                source_idx=js,
                similarity=round(s, 4),
                lexical=round(lx, 4),
                kind=_pair_kind(qi, js, s, lx),
                copy_span=(copy[qi[0]].start, copy[qi[-1]].end),
                source_span=(source[js[0]].start, source[js[-1]].end),
            )
        )
    out.sort(key=lambda p: p.copy_idx[0])
    return out


def _word_overlap(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    return float(Indel.normalized_similarity(a, b))


def _pair_kind(qi: list[int], js: list[int], sem: float, lex: float) -> str:
    if len(qi) > 1:
        return "split"
    if len(js) > 1:
        return "merged"
    if lex >= 0.999:
        return "same"
    if lex >= 0.7:
        return "edited"
    if lex <= 0.05 and sem >= 0.5:
        return "translated"
    return "paraphrased"
