"""Lexical fingerprint: a MinHash signature of word shingles (datasketch).

MinHash finds verbatim and lightly edited copies cheaply; it cannot see a spun or
translated copy (round-trip copies share ~10% of 5-shingles), which is what the passage
embeddings are for.
"""

from __future__ import annotations

import numpy as np
from datasketch import LeanMinHash, MinHash

from wiretrace.text.tokens import shingles, words

SCHEME = "affine32"  # datasketch 2.x: bijective 32-bit permutations, no large-set bias


def minhash(text: str, num_perm: int, shingle: int, seed: int = 1) -> LeanMinHash:
    m = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME)
    sh = shingles(words(text), shingle)
    if sh:
        m.update_batch([s.encode("utf-8") for s in sh])
    return LeanMinHash(m)


def signature_bytes(m: LeanMinHash) -> bytes:
    """The affine32 scheme keeps 32-bit values: a signature stores as num_perm * 4 bytes."""
    return np.asarray(m.hashvalues, dtype=np.uint32).tobytes()


def from_bytes(blob: bytes, seed: int = 1) -> LeanMinHash:
    values = np.frombuffer(blob, dtype=np.uint32)
    return LeanMinHash(seed=seed, hashvalues=values, scheme=SCHEME)
