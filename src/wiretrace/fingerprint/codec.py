"""The stored form of full-model passage vectors: 512 int8 codes a row, 512 bytes.

A kept vector costs 512 bytes instead of 1,024 as float16 (``bench/results/disk.md``).
Comparison uses only a vector's direction (cosines of unit vectors), so a row is kept as
its components scaled to put the largest at ±127, and read back as those codes made unit
length: no scale needs storing. The rounding is part of the vector's definition:
``compare.full_vectors`` returns vectors already rounded this way, so a pair gets the same
verdict whether its vectors were just computed, read from a store or shipped between Spark
stages (each path decodes the same bytes). Rounding a rounded vector gives the same codes
(``pack(rounded(x)) == pack(x)``), so a vector read back and kept again stays the same.
A cosine moves by ~5e-4 (standard deviation) against the float32 vectors.

This module imports numpy only: the store and the Spark workers use it.
"""

from __future__ import annotations

import numpy as np

DIM = 512
ROW_BYTES = DIM
_LEVELS = 127.0


def quantize(vectors: np.ndarray) -> np.ndarray:
    """Per-row int8 codes, the largest component of each row at ±127 (a zero row: zeros)."""
    x = np.asarray(vectors, dtype=np.float32).reshape(-1, DIM)
    top = np.abs(x).max(axis=1) if len(x) else np.zeros(0, dtype=np.float32)
    gain = np.where(top > 0, np.float32(_LEVELS) / np.where(top > 0, top, 1), 0)
    return np.clip(np.rint(x * gain.astype(np.float32)[:, None]), -_LEVELS, _LEVELS).astype(
        np.int8)


def dequantize(codes: np.ndarray) -> np.ndarray:
    """The unit float32 vectors the codes stand for (a zero row stays zero)."""
    q = codes.astype(np.float32)
    norm = np.linalg.norm(q, axis=1, keepdims=True)
    return q / np.where(norm > 0, norm, np.float32(1.0))


def rounded(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as they read back after ``pack``/``unpack`` (float32, unit length)."""
    return dequantize(quantize(vectors))


def pack(vectors: np.ndarray) -> bytes:
    """Rows as stored: the n x 512 int8 codes."""
    return quantize(vectors).tobytes()


def unpack(blob: bytes, n: int | None = None) -> np.ndarray:
    """The float32 rows of a ``pack``-ed blob (``n`` rows when given: checked)."""
    rows = len(blob) // ROW_BYTES
    if len(blob) != rows * ROW_BYTES or (n is not None and rows != n):
        raise ValueError(f"{len(blob)} bytes are not {n if n is not None else 'whole'} "
                         "packed vector rows")
    return dequantize(np.frombuffer(blob, dtype=np.int8).reshape(rows, DIM))
