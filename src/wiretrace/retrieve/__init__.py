"""Candidate sources for an article, from each cheap signal, fused.

* ``semantic``: each query passage's nearest stored passages (static tier), voted per
  article: the mean over query passages of the best match above a floor. It finds spun,
  round-tripped and translated copies as well as verbatim ones.
* ``entity``: stored articles sharing rare proper-name tokens and numbers, scored by IDF.
  Names and numbers survive rewording and translation.
* ``lexical``: MinHash LSH on word shingles, for verbatim and lightly edited copies.
* ``contained``: stored articles whose own passages are nearly all closely matched by the
  query's, however short they are next to it: a feed teaser, a first take or an excerpt of
  the story the query copies. The ``semantic`` vote, averaged over the query's passages,
  ranks a two-sentence teaser of a long copy below every long report of the same event.

Every candidate keeps the score of each signal that found it; the verifier decides.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from wiretrace.fingerprint.lexical import lsh_bands
from wiretrace.store import Store


@dataclass(slots=True)
class Candidate:
    rowid: int
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def fused(self) -> float:
        return (
            self.scores.get("semantic", 0.0)
            + 0.02 * min(self.scores.get("entity", 0.0), 25.0)
            + self.scores.get("lexical", 0.0)
            + 0.5 * self.scores.get("contained", 0.0)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RetrieveConfig:
    k_passages: int = 24  # stored passages fetched per query passage
    floor: float = 0.45  # static-tier cosine below which a passage match does not vote
    n_semantic: int = 12
    n_entity: int = 8
    n_lexical: int = 5
    lsh_threshold: float = 0.3
    n_contained: int = 6
    contained_floor: float = 0.75  # static-tier cosine of a stored passage's best match
    contained_min: float = 0.5  # mean over the stored article's passages


class LexicalIndex:
    """MinHash LSH over the store's signatures, with datasketch's bands for the threshold.

    Each article's band keys are kept in the store (``Store.sync_bands``) and a query is one
    SQL lookup: rebuilding an in-memory LSH from every stored signature cost each new process
    ~5 s at 20,000 articles. Articles whose keys could not be kept (a read-only store, a
    write lock held elsewhere) are indexed in memory for the life of this process. Matches
    come most shared bands first (a near-verbatim copy shares them all).
    """

    def __init__(self, store: Store, threshold: float, num_perm: int) -> None:
        self.store = store
        self.bands, self.rows = lsh_bands(num_perm, threshold)
        self.name = f"b{self.bands}r{self.rows}p{num_perm}"
        self.memory: dict[int, list[int]] = {}  # band key -> article rowids not in the store
        self.seen = 0  # the last article indexed in memory
        self.kept = 0  # the last article whose band keys the store keeps

    def keys(self, signature: bytes) -> list[int]:
        """One key per band: the band's position and values, hashed to 63 bits."""
        values = np.frombuffer(signature, dtype=np.uint32)
        out = []
        for i in range(self.bands):
            band = values[i * self.rows:(i + 1) * self.rows].tobytes()
            digest = hashlib.blake2b(i.to_bytes(2, "little") + band, digest_size=8).digest()
            out.append(int.from_bytes(digest, "little") >> 1)
        return out

    def sync(self) -> None:
        self.kept = kept = self.store.sync_bands(self.name, self.keys)
        rows = self.store.db.execute(
            "SELECT rowid, minhash FROM articles WHERE rowid > ? ORDER BY rowid",
            (max(kept, self.seen),)).fetchall()
        for rowid, blob in rows:
            for key in self.keys(blob):
                self.memory.setdefault(key, []).append(int(rowid))
            self.seen = max(self.seen, int(rowid))

    def query(self, signature: bytes) -> list[int]:
        self.sync()
        keys = self.keys(signature)
        shared = Counter(self.store.band_matches(self.name, keys))
        for key in keys:  # what the store could not keep (once: not also counted there)
            shared.update(r for r in self.memory.get(key, ()) if r > self.kept)
        return sorted(shared, key=lambda rowid: (-shared[rowid], rowid))


def semantic_votes(
    store: Store, vectors: np.ndarray, k: int, floor: float, contained_floor: float = 1.1
) -> tuple[dict[int, float], dict[int, float]]:
    """Per stored article: the mean over query passages of the best passage cosine above
    ``floor``; and the mean over the article's *own* passages of their best match by a query
    passage, counting only matches above ``contained_floor`` (how whole it lies inside)."""
    if len(vectors) == 0:
        return {}, {}
    scores, ids = store.search_passages(vectors, k)
    owner = store.passage_article()
    best: dict[int, np.ndarray] = {}
    matched: dict[int, float] = {}  # stored passage -> its best match above contained_floor
    for qi in range(len(vectors)):
        for s, pid in zip(scores[qi], ids[qi], strict=True):
            if pid < 0 or s < floor:
                continue
            art = int(owner[pid]) if pid < len(owner) else 0
            if art == 0:
                continue
            arr = best.setdefault(art, np.zeros(len(vectors), dtype=np.float32))
            arr[qi] = max(arr[qi], s)
            if s >= contained_floor:
                matched[int(pid)] = max(matched.get(int(pid), 0.0), float(s))
    votes = {a: float(v.sum() / len(vectors)) for a, v in best.items()}
    inside: dict[int, float] = {}
    if matched:
        sizes = np.bincount(owner.astype(np.int64))
        for pid, s in matched.items():
            art = int(owner[pid])
            inside[art] = inside.get(art, 0.0) + s
        inside = {a: v / max(1, int(sizes[a])) for a, v in inside.items()}
    return votes, inside


def candidates(
    store: Store,
    vectors: np.ndarray,
    terms: list[str],
    signature: bytes | None,
    config: RetrieveConfig,
    lexical: LexicalIndex | None = None,
    exclude: set[int] | None = None,
) -> list[Candidate]:
    exclude = exclude or set()
    found: dict[int, Candidate] = {}

    def take(rowid: int, signal: str, score: float) -> None:
        if rowid in exclude:
            return
        found.setdefault(rowid, Candidate(rowid)).scores[signal] = round(score, 4)

    votes, inside = semantic_votes(store, vectors, config.k_passages, config.floor,
                                   config.contained_floor)
    for rowid, s in sorted(votes.items(), key=lambda kv: -kv[1])[
        : config.n_semantic + len(exclude)
    ]:
        take(rowid, "semantic", s)
    for rowid, s in store.term_candidates(terms, limit=config.n_entity + len(exclude)):
        take(rowid, "entity", s)
        if rowid in votes and rowid in found:
            found[rowid].scores.setdefault("semantic", round(votes[rowid], 4))
    whole = [(a, v) for a, v in inside.items() if v >= config.contained_min]
    for rowid, s in sorted(whole, key=lambda kv: -kv[1])[: config.n_contained + len(exclude)]:
        take(rowid, "contained", s)
        if rowid in votes and rowid in found:
            found[rowid].scores.setdefault("semantic", round(votes[rowid], 4))
    if lexical is not None and signature is not None:
        for rowid in lexical.query(signature)[: config.n_lexical + len(exclude)]:
            take(rowid, "lexical", 1.0)
    return sorted(found.values(), key=lambda c: -c.fused)
