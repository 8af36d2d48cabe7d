"""What a user would reach for instead of wiretrace, run on the same index and queries.

* ``MinHashLSHBaseline``: datasketch MinHash LSH on word 5-shingles at a Jaccard
  threshold (0.7 and 0.5 are the defaults of common dedup tools). It asserts a
  derivation for whatever the LSH returns; the named source is the highest estimate.
* ``BM25Baseline``: bm25s over words, top-1; it asserts a derivation when the top score,
  divided by the query's length in tokens, clears a threshold calibrated on the dev split.
* ``DocEmbeddingBaseline``: whole-document cosine (mean of the same full-model passage
  embeddings wiretrace uses), top-1; threshold calibrated on the dev split.

Each ``query`` returns a ranked list of (article id, score) and whether the top one is
asserted as derived.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import MinHashLSH

from wiretrace.data import Article
from wiretrace.fingerprint.lexical import minhash


@dataclass(slots=True)
class BaselineAnswer:
    ranked: list[tuple[str, float]]
    asserted: bool

    @property
    def top(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None


class MinHashLSHBaseline:
    def __init__(self, threshold: float, num_perm: int = 128, shingle: int = 5) -> None:
        self.name = f"minhash_lsh_{threshold:g}"
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.sigs: dict[str, object] = {}

    def index(self, articles: list[Article]) -> None:
        with self.lsh.insertion_session() as s:
            for a in articles:
                m = minhash(a.text, self.num_perm, self.shingle)
                self.sigs[a.id] = m
                s.insert(a.id, m)

    def query(self, article: Article, exclude: set[str]) -> BaselineAnswer:
        m = minhash(article.text, self.num_perm, self.shingle)
        hits = [h for h in self.lsh.query(m) if h not in exclude]
        # ties by id: LSH answers a set, whose order changes with Python's string hashing
        ranked = sorted(((h, m.jaccard(self.sigs[h])) for h in hits), key=lambda x: (-x[1], x[0]))
        return BaselineAnswer(ranked=ranked, asserted=bool(ranked))


class BM25Baseline:
    name = "bm25_top1"

    def __init__(self, threshold: float = float("inf")) -> None:
        import bm25s

        self.bm25s = bm25s
        self.threshold = threshold
        self.model = bm25s.BM25()
        self.ids: list[str] = []

    def index(self, articles: list[Article]) -> None:
        self.ids = [a.id for a in articles]
        toks = self.bm25s.tokenize([a.text for a in articles], stopwords="en",
                                   show_progress=False)
        self.model.index(toks, show_progress=False)

    def query(self, article: Article, exclude: set[str], k: int = 10) -> BaselineAnswer:
        toks = self.bm25s.tokenize([article.text], stopwords="en", show_progress=False)
        n = max(1, len(toks.ids[0]))
        docs, scores = self.model.retrieve(toks, k=min(k + len(exclude), len(self.ids)),
                                           show_progress=False)
        ranked = [(self.ids[int(d)], float(s) / n) for d, s in zip(docs[0], scores[0],
                                                                    strict=True)
                  if self.ids[int(d)] not in exclude][:k]
        return BaselineAnswer(ranked=ranked, asserted=bool(ranked)
                              and ranked[0][1] >= self.threshold)


class DocEmbeddingBaseline:
    name = "doc_embedding_top1"

    def __init__(self, encode_passages, threshold: float = float("inf")) -> None:  # type: ignore[no-untyped-def]
        self.encode_passages = encode_passages  # Article -> (n, 512) full-model vectors
        self.threshold = threshold
        self.ids: list[str] = []
        self.matrix = np.zeros((0, 512), dtype=np.float32)

    def _doc(self, a: Article) -> np.ndarray:
        v = self.encode_passages(a)
        m = v.mean(axis=0) if len(v) else np.zeros(512, dtype=np.float32)
        return m / max(1e-9, float(np.linalg.norm(m)))

    def index(self, articles: list[Article]) -> None:
        self.ids = [a.id for a in articles]
        self.matrix = np.stack([self._doc(a) for a in articles]).astype(np.float32)

    def query(self, article: Article, exclude: set[str], k: int = 10) -> BaselineAnswer:
        sims = self.matrix @ self._doc(article)
        order = np.argsort(-sims)
        ranked = [(self.ids[i], float(sims[i])) for i in order[: k + len(exclude)]
                  if self.ids[i] not in exclude][:k]
        return BaselineAnswer(ranked=ranked, asserted=bool(ranked)
                              and ranked[0][1] >= self.threshold)
