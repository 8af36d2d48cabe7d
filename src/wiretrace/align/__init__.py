"""Passage alignment of a copy against a candidate source.

A monotone dynamic programme over a passage similarity matrix (the larger of the full-model
cosine and the word overlap), with skips on either side; then two repairs that copies need:
a sentence moved within the text (edited copies) is re-attached when it matches strongly,
and a sentence that a translation broke in two ("... from Washington. Became a senior
official.") is attached to its neighbour's partner when it matches it (split / merged).

A broken sentence's halves each say only part of what their partner says, so the best half
alone understates the pair. Given ``joined`` (the cosine of the passages' joined texts,
which needs the encoder: ``compare`` supplies it), a pair that is not yet strong is scored
by its joined text, and an unaligned neighbour whose joined text matches the partner better
is attached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    join_from: float = 0.5  # pairs at least this alike are scored by their joined text ...
    join_below: float = 0.8  # ... unless they are this alike already (a strong pair)
    join_gain: float = 0.02  # a neighbour is attached when joining it gains this much
    join_neighbour: float = 0.3  # ... and is tried only if it is this alike to the partner
    join_needs_strong: bool = True  # ... and only in a pair of texts with a strong pair already


#: Cosines of joined texts, one per (copy passage indices, source passage indices).
JoinedSimilarity = Callable[[list[tuple[list[int], list[int]]]], list[float]]


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
    joined: JoinedSimilarity | None = None,
) -> list[AlignedPair]:
    """Align copy passages to source passages; ``semantic`` is their cosine matrix;
    ``joined`` scores split and merged sentences by their joined text (module docstring)."""
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
    scores = ({} if joined is None else
              _rejoin(groups, used_q, used_c, semantic, len(copy), len(source), config, joined))
    out: list[AlignedPair] = []
    for anchor, (qs, cs) in groups.items():
        qi, js = sorted(qs), sorted(cs)
        s = scores.get(anchor, float(max(semantic[a, b] for a in qi for b in js)))
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


def _rejoin(groups: dict[int, tuple[set[int], set[int]]], used_q: set[int], used_c: set[int],
            semantic: np.ndarray, n_copy: int, n_source: int, config: AlignConfig,
            joined: JoinedSimilarity) -> dict[int, float]:
    """Score the pairs that are alike but not strong by their joined text: a pair of two
    passages against one as the two joined, a one-to-one pair with the unaligned neighbour
    (on either side) whose joining gains most, if any gains ``join_gain``; a neighbour is
    tried only if it is ``join_neighbour`` alike to the partner (a broken half carries part
    of its meaning; trying every neighbour doubled the joins encoded). ``groups`` and
    the used sets are updated; returns the new similarity of each rescored group. Larger
    groups keep their best single cosine: the more passages joined, the more any two
    reports of one event look alike. Every join is scored in one call (the encoder is ~20x
    faster on a batch than text by text)."""
    if config.join_needs_strong and not any(
            semantic[a, b] >= config.join_below for qs, cs in groups.values()
            for a in qs for b in cs):
        return {}
    # (group, its best single cosine, whether it may grow, the joins to score)
    todo: list[tuple[int, float, bool, list[tuple[list[int], list[int]]]]] = []
    for anchor in sorted(groups):
        qs, cs = groups[anchor]
        best = float(max(semantic[a, b] for a in qs for b in cs))
        if not config.join_from <= best < config.join_below:
            continue
        qi, js = sorted(qs), sorted(cs)
        if len(qi) + len(js) == 3:
            todo.append((anchor, best, False, [(qi, js)]))
        elif len(qi) + len(js) == 2:
            i, j = qi[0], js[0]
            options = [(sorted([i, nb]), js) for nb in (i - 1, i + 1)
                       if 0 <= nb < n_copy and nb not in used_q
                       and semantic[nb, j] >= config.join_neighbour]
            options += [(qi, sorted([j, nb])) for nb in (j - 1, j + 1)
                        if 0 <= nb < n_source and nb not in used_c
                        and semantic[i, nb] >= config.join_neighbour]
            if options:
                todo.append((anchor, best, True, options))
    if not todo:
        return {}
    sims = iter(joined([o for *_, options in todo for o in options]))
    scores: dict[int, float] = {}
    for anchor, best, grows, options in todo:
        scored = [(o, next(sims)) for o in options]
        if not grows:
            scores[anchor] = max(best, scored[0][1])
            continue
        qs, cs = groups[anchor]
        gained, grown = best + config.join_gain, None
        for (q2, c2), s in scored:
            if s >= gained and not (set(q2) - qs) & used_q and not (set(c2) - cs) & used_c:
                gained, grown = s, (q2, c2)
        if grown is not None:
            qs.update(grown[0])
            cs.update(grown[1])
            used_q.update(grown[0])
            used_c.update(grown[1])
            scores[anchor] = gained
    return scores


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
