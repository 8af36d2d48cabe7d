"""Lexical fingerprint: a MinHash signature of word shingles (datasketch).

MinHash finds verbatim and lightly edited copies cheaply; it cannot see a spun or
translated copy (round-trip copies share ~10% of 5-shingles), which is what the passage
embeddings are for.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from wiretrace.text.normalize import fold
from wiretrace.text.tokens import WORD

if TYPE_CHECKING:  # datasketch only for `minhash` and `from_bytes`: importing it loads SciPy
    from datasketch import LeanMinHash

_MULT = 0x01000193  # FNV prime, odd: a bijective step
SCHEME = "affine32"  # datasketch 2.x: bijective 32-bit permutations, no large-set bias
_BATCH = 8192  # shingle hashes a signature permutes at once: a (batch x num_perm) matrix, ~4 MB


def shingle_hashes(tokens: list[str], n: int) -> np.ndarray:
    """32-bit hashes of word n-gram shingles, computed in numpy.

    Each word is hashed once (CRC-32, stable across processes, unlike ``hash``); a
    shingle's hash is a polynomial of its words' hashes modulo 2**32. Hashing every
    shingle string with SHA-1, as datasketch does by default, costs ~3x more.
    """
    w = np.fromiter((zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64)
    return _shingles(w, n)


def text_shingle_hashes(text: str, n: int) -> np.ndarray:
    """``shingle_hashes(words(text), n)`` without the list of words (~100 MB of ``str``
    objects for a 10 MB article): the text is read in pieces of ~64K characters cut before
    a space (no word spans one), each piece's words folded and hashed in C where the piece
    is ASCII (folding is then lowering)."""
    parts = []
    for piece in _pieces(text):
        if piece.isascii():
            found = map(str.encode, WORD.findall(piece.lower()))
        else:
            found = (fold(w).encode("utf-8") for w in WORD.findall(piece))
        parts.append(np.fromiter(map(zlib.crc32, found), dtype=np.uint64))
    return _shingles(np.concatenate(parts) if parts else np.zeros(0, np.uint64), n)


def _pieces(text: str, size: int = 1 << 16) -> Iterator[str]:
    pos = 0
    while pos < len(text):
        cut = text.find(" ", pos + size)
        cut = len(text) if cut < 0 else cut
        yield text[pos:cut]
        pos = cut


def _shingles(w: np.ndarray, n: int) -> np.ndarray:
    if not len(w):
        return np.zeros(0, dtype=np.uint32)
    if len(w) < n:
        n = len(w)
    acc = np.zeros(len(w) - n + 1, dtype=np.uint64)
    for k in range(n):
        acc = (acc * np.uint64(_MULT) + w[k : len(w) - n + 1 + k]) & np.uint64(0xFFFFFFFF)
    # sorted distinct values, as np.unique, whose hash-based path is ~15x slower here
    acc.sort()
    return acc[np.concatenate(([True], acc[1:] != acc[:-1]))].astype(np.uint32)


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> np.ndarray:
    """The (2 x num_perm) affine permutations ``(a, b)`` datasketch 2.x draws for the
    ``affine32`` scheme (``MinHash._init_permutations``: odd ``a``), drawn here the same way
    from the same seed so that making a signature does not import datasketch (0.35 s a
    process: it loads SciPy's integrators). A test checks them against datasketch."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    both = np.array([a, b])
    both.flags.writeable = False  # shared by every signature
    return both


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, datasketch's pre-mix of every input hash."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature(text: str, num_perm: int, shingle: int, seed: int = 1) -> np.ndarray:
    """The MinHash values (uint32) of the text's word shingles: what datasketch's
    ``MinHash(scheme="affine32", hashfunc=int).update_batch`` makes of the shingle hashes,
    ``min(a * fmix32(h) + b mod 2**32)`` per permutation, computed in numpy a chunk of
    ``_BATCH`` hashes at a time (a whole (hashes x num_perm) matrix was 870 MB for a
    10 MB article; the minimum over chunks is the same). A test checks it against
    datasketch."""
    a, b = _permutations(num_perm, seed)
    values = np.full(num_perm, 0xFFFFFFFF, dtype=np.uint32)
    hashes = text_shingle_hashes(text, shingle)
    for i in range(0, len(hashes), _BATCH):
        mixed = _fmix32(hashes[i : i + _BATCH])[:, None]
        np.minimum(values, (mixed * a + b).min(axis=0), out=values)
    return values


def minhash(text: str, num_perm: int, shingle: int, seed: int = 1) -> LeanMinHash:
    """``signature`` as a datasketch ``LeanMinHash`` (for datasketch's LSH and Jaccard)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature(text, num_perm, shingle, seed),
                       scheme=SCHEME)


def from_bytes(blob: bytes, seed: int = 1) -> LeanMinHash:
    """A stored signature (``signature(...).tobytes()``) as a datasketch ``LeanMinHash``."""
    from datasketch import LeanMinHash

    values = np.frombuffer(blob, dtype=np.uint32)
    return LeanMinHash(seed=seed, hashvalues=values, scheme=SCHEME)


#: (bands, rows) datasketch's ``MinHashLSH`` picks for (num_perm, threshold), computed by
#: integrating false-positive and false-negative rates (it imports SciPy's integrator:
#: 0.6 s of every new trace process). A test checks each entry against datasketch.
_BANDS: dict[tuple[int, float], tuple[int, int]] = {
    (128, 0.3): (37, 3), (128, 0.4): (32, 4), (128, 0.5): (25, 5), (128, 0.6): (18, 7),
    (128, 0.7): (14, 9), (128, 0.8): (9, 13),
}


@lru_cache(maxsize=16)
def lsh_bands(num_perm: int, threshold: float) -> tuple[int, int]:
    """(bands, rows) as datasketch's ``MinHashLSH`` chooses them for this threshold."""
    known = _BANDS.get((num_perm, round(threshold, 6)))
    if known is not None:
        return known
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)
