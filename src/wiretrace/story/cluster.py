"""Stories as clusters over judged pairs, never over all pairs.

The input is sparse: only pairs the retrieval proposed were judged, each with a weight in
[0, 1] (a derivation or an independent same-event report counts for, an unrelated verdict
against). Two ways to cluster:

* ``connected_components``: every positive edge joins. Simple and exact for copies, but
  one wrong "same event" verdict chains two events together.
* ``average_link``: agglomerative, merging the two clusters whose *observed* pairs have the
  highest mean weight, while that mean is at least ``threshold``. Pairs never judged do not
  count either way (retrieval did not propose them), so a large story can still absorb a
  copy seen from one side; but a bridge between two stories whose other judged pairs say
  "unrelated" is outvoted. Cost O(E log E) with a lazy heap.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def connected_components(nodes: Sequence[N], edges: Iterable[tuple[N, N]]) -> list[list[N]]:
    """Clusters joined by any edge (union-find), in order of first node."""
    parent = {n: n for n in nodes}

    def find(x: N) -> N:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[rb] = ra
    groups: dict[N, list[N]] = {}
    for n in nodes:
        groups.setdefault(find(n), []).append(n)
    return list(groups.values())


def average_link(nodes: Sequence[N], pairs: Iterable[tuple[N, N, float]],
                 threshold: float) -> list[list[N]]:
    """Average-link clusters over observed pairs only (see the module docstring).

    ``pairs`` may repeat a pair (judged from both sides): the larger weight is kept.
    Returns clusters as lists in the order of ``nodes``.
    """
    index = {n: i for i, n in enumerate(nodes)}
    best: dict[tuple[int, int], float] = {}
    for a, b, w in pairs:
        if a not in index or b not in index or a == b:
            continue
        i, j = sorted((index[a], index[b]))
        best[(i, j)] = max(w, best.get((i, j), 0.0))
    # link[c][d] = [sum of weights, number of observed pairs] between clusters c and d
    link: dict[int, dict[int, list[float]]] = {i: {} for i in range(len(nodes))}
    for (i, j), w in best.items():
        link[i][j] = [w, 1.0]
        link[j][i] = [w, 1.0]
    members: dict[int, list[int]] = {i: [i] for i in range(len(nodes))}
    heap: list[tuple[float, float, int, int, float, float]] = []

    def push(c: int, d: int) -> None:
        s, n = link[c][d]
        if s > 0 and s / n >= threshold:
            heapq.heappush(heap, (-s / n, -s, c, d, s, n))

    for (i, j) in best:
        push(i, j)
    while heap:
        _, _, c, d, s0, n0 = heapq.heappop(heap)
        # an entry is stale when either cluster is gone or their link has changed since
        if c not in members or d not in members or link[c].get(d) != [s0, n0]:
            continue
        if len(link[c]) < len(link[d]):
            c, d = d, c  # walk the shorter neighbour list: merges stay O(E log E)
        members[c].extend(members.pop(d))
        changed = []
        for e, (s, n) in link.pop(d).items():
            if e == c:
                continue
            del link[e][d]
            cur = link[c].setdefault(e, [0.0, 0.0])
            cur[0] += s
            cur[1] += n
            link[e][c] = cur
            changed.append(e)
        link[c].pop(d, None)
        for e in changed:
            push(c, e)
    return [[nodes[i] for i in sorted(m)] for m in sorted(members.values(), key=min)]
