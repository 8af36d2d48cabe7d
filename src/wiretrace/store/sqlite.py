"""SQLite + FAISS store.

SQLite (WAL, one transaction per batch) is the source of truth: articles, passages,
MinHash signatures, entity terms, relations, kept full-model vectors (int8). The static-tier
passage vectors are kept once, in the FAISS index file (float16; 8-bit codes in the inverted
file of a large store), saved atomically with a
watermark (the last passage rowid it holds); on open, rows past the watermark are added,
their vectors encoded again from the passage texts (the static encoder is deterministic:
the same bytes as at ingest). A store made before that keeps a float16 copy of each in
SQLite too, and it is used where present. So an ingest killed with ``kill -9`` loses nothing
it committed, and the next run resumes where it stopped; a lost or foreign index file is
rebuilt from the texts.

The index file is checked before use against what SQLite recorded when it was saved (the
store's id, its row count, a checksum of its rowids and of a sample of its vectors);
an index from another store, an older save or a damaged file is rebuilt from SQLite, with a
message. A save killed half-way leaves ``passages.faiss.<pid>.tmp``: the next writer removes
it once that process is gone.

A store the user may not write (a read-only folder or file, a read-only mount) opens
read-only: SQLite reads it without creating ``-wal``/``-shm`` files (``immutable`` when no
writer is active), nothing is ever written, and side tables that other modules cache into
(the story verdicts) are copied into memory, so they can still be read and added to for the
life of the connection. Another process holding the write lock for over
``$WIRETRACE_LOCK_TIMEOUT`` seconds (default 30) is a ``StoreError`` that names the store.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
import time
import unicodedata
import urllib.parse
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wiretrace.data import Article, Passage
from wiretrace.fingerprint import Fingerprint, FingerprintConfig, codec
from wiretrace.text.normalize import folded_digest

#: 2: the static vectors are kept in the index file only (version 1 kept a copy in SQLite,
#: which this version still reads; a version-1 store is marked 2 when this version first
#: stores passages in it, so an older wiretrace refuses it instead of failing on them).
#: 3: the inverted file of a large store keeps 8-bit codes, close to the fingerprints but
#: not equal (version 2's kept float16, exact, and still works as it is); a store is marked
#: 3 when this version first saves such an index (``compact``, or a retrain as the store
#: grows), so an older wiretrace, which would take its vectors for exact ones, refuses it.
SCHEMA_VERSION = 3
_READABLE_VERSIONS = (1, 2, 3)
_CREATED_VERSION = 2
DB_NAME = "wiretrace.sqlite"
INDEX_NAME = "passages.faiss"
_DIM = 512
_TMP_INDEX = re.compile(re.escape(INDEX_NAME) + r"\.(\d+)\.tmp")
_CHECKED_VECTORS = 16  # stored vectors compared with the index file's on open
_MMAP = 512  # faiss.IO_FLAG_MMAP_IFC (faiss >= 1.10): the saved index's arrays memory-mapped
#: first byte of a kept full-vector blob in int8 codes (``fingerprint.codec``): its length is
#: then 1 + 512 n, never that of the float16 blobs older stores kept (1,024 n)
_PROFILE_INT8 = b"\x01"

log = logging.getLogger("wiretrace.store")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    url TEXT, site TEXT, title TEXT, published TEXT, byline TEXT, language TEXT,
    credits TEXT NOT NULL DEFAULT '[]',
    declared_sources TEXT NOT NULL DEFAULT '[]',
    boilerplate TEXT NOT NULL DEFAULT '[]',
    meta TEXT NOT NULL DEFAULT '{}',
    text TEXT NOT NULL,
    minhash BLOB NOT NULL,
    n_passages INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles(content_hash);
CREATE INDEX IF NOT EXISTS articles_site ON articles(site);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE TABLE IF NOT EXISTS passages (
    rowid INTEGER PRIMARY KEY,
    article INTEGER NOT NULL REFERENCES articles(rowid),
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    vec BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_article ON passages(article);
CREATE TABLE IF NOT EXISTS terms (
    term TEXT NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (term, article)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS relations (
    copy_id TEXT NOT NULL, source_id TEXT NOT NULL, kind TEXT NOT NULL,
    confidence REAL NOT NULL, direction TEXT NOT NULL, report TEXT NOT NULL,
    PRIMARY KEY (copy_id, source_id)
);
CREATE TABLE IF NOT EXISTS republications (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    of_article INTEGER NOT NULL REFERENCES articles(rowid),
    url TEXT, site TEXT, title TEXT, published TEXT, byline TEXT, language TEXT,
    credits TEXT NOT NULL DEFAULT '[]',
    declared_sources TEXT NOT NULL DEFAULT '[]',
    boilerplate TEXT NOT NULL DEFAULT '[]',
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS republications_of ON republications(of_article);
CREATE TABLE IF NOT EXISTS lsh_bands (
    key INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (key, article)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profiles (
    article INTEGER PRIMARY KEY REFERENCES articles(rowid),
    digest TEXT NOT NULL,
    full BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS joins (
    article INTEGER NOT NULL REFERENCES articles(rowid),
    first INTEGER NOT NULL,
    digest TEXT NOT NULL,
    vec BLOB NOT NULL,
    PRIMARY KEY (article, first)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid'
);
"""


class StoreError(Exception):
    """A store that cannot be opened or used as asked; the message says how to fix it."""


def lock_timeout() -> float:
    """Seconds to wait for another process's write lock (``$WIRETRACE_LOCK_TIMEOUT``)."""
    raw = os.environ.get("WIRETRACE_LOCK_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw.strip() else 30.0
    except ValueError:
        raise StoreError(f"WIRETRACE_LOCK_TIMEOUT={raw!r}: not a number of seconds") from None


def store_error(path: Path, exc: sqlite3.Error) -> StoreError:
    """A SQLite error on the store at ``path`` as a ``StoreError`` that says what happened
    and what to do; the store file itself is never touched."""
    db = path / DB_NAME
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreError(
            f"{path}: another process holds this store's write lock (an ingest, `wiretrace "
            f"stories`, the web app) and kept it for over {lock_timeout():g} s. Nothing was "
            "lost: what was committed stays. Run the command again when it has finished "
            "(or raise WIRETRACE_LOCK_TIMEOUT)."
        )
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or (
        "not a database" in text or "malformed" in text
    ):
        return StoreError(
            f"{db}: damaged or not a wiretrace store ({text}). wiretrace leaves it as it is: "
            "restore the folder from a backup, or ingest again into a new store "
            "(--store NEW_DIR)."
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return StoreError(f"{db}: cannot be opened for this ({text}); check the permissions "
                          "of the folder and its files.")
    if name.startswith(("SQLITE_FULL", "SQLITE_IOERR")):
        return StoreError(f"{db}: {text} (disk full or failing?). What was committed before "
                          "stays; free some space and run the command again.")
    return StoreError(f"{db}: {text}")


def writable(path: Path) -> bool:
    """Whether this process may write the store folder and its SQLite files (False on a
    read-only mount too: ``access`` reports EROFS)."""
    if not os.access(path, os.W_OK | os.X_OK):
        return False
    db = path / DB_NAME
    return all(os.access(f, os.W_OK) for f in (db, _wal(db), _shm(db)) if f.exists())


def _wal(db: Path) -> Path:
    return db.with_name(db.name + "-wal")


def _shm(db: Path) -> Path:
    return db.with_name(db.name + "-shm")


def _attach(db: sqlite3.Connection, uri: str) -> sqlite3.OperationalError | None:
    """Attach ``uri`` as ``store`` and read its schema; the error if that failed (then
    nothing stays attached). A busy store raises: waiting is the caller's decision."""
    try:
        db.execute("ATTACH DATABASE ? AS store", (uri,))
        db.execute("SELECT count(*) FROM store.sqlite_master").fetchone()
        return None
    except sqlite3.OperationalError as e:
        if getattr(e, "sqlite_errorname", "").startswith("SQLITE_BUSY"):
            raise
        if any(r[1] == "store" for r in db.execute("PRAGMA database_list")):
            db.execute("DETACH DATABASE store")
        return e


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (on this machine; a store is not shared across
    machines: SQLite's WAL needs shared memory)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _new_index() -> Any:
    import faiss

    return faiss.IndexIDMap2(faiss.IndexScalarQuantizer(
        _DIM, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT))


def _new_ivf(quantizer: Any, nlist: int) -> Any:
    """An empty inverted file over ``quantizer``'s lists that keeps each passage's vector
    itself (not a residual from its list's centroid) in 8-bit codes: each dimension's range
    learnt when it is trained, 512 bytes a passage where float16 took 1,024 (at 20,000
    articles the index was half of a store's bytes). Retrieval keeps what it found
    (``bench/results/index.md``)."""
    import faiss

    ivf = faiss.IndexIVFScalarQuantizer(quantizer, _DIM, nlist, faiss.ScalarQuantizer.QT_8bit,
                                        faiss.METRIC_INNER_PRODUCT)
    ivf.by_residual = False
    return ivf


def _is_8bit(index: Any) -> bool:
    """Whether ``index`` is an inverted file of 8-bit codes (schema version 3)."""
    import faiss

    sq = getattr(_ivf_of(index), "sq", None)
    return sq is not None and sq.qtype == faiss.ScalarQuantizer.QT_8bit


def _reserve(index: Any, total: int) -> None:
    """Grow the index's vector storage once to ``total`` rows: added batch by batch it
    doubles as it goes, and each doubling briefly holds the old and the new copy (a 10 MB
    paragraph's 70,000 passages, 69 MB of float16 codes, peaked at ~160 MB)."""
    import faiss

    if _ivf_of(index) is not None:
        return  # the inverted lists grow list by list
    inner = faiss.downcast_index(index.index)
    codes = inner.codes
    used = codes.size()
    want = total * inner.code_size
    if want > used:
        codes.resize(want)
        codes.resize(used)


#: From this many passages the index is an inverted file (IVF): a query looks at the
#: lists of its ``nprobe`` nearest centroids instead of every passage. On a 19,689-article
#: store (143,705 passages) an article's search took 29.6 ms exhaustively and 4.0 ms with
#: 512 lists and nprobe 64, which return 98.9% of the passages above the vote floor and
#: 98.7% of the semantic top-12 candidates (``bench/results/index.md``). Smaller stores stay
#: exhaustive (and exact).
IVF_MIN_PASSAGES = 100_000
_IVF_REBUILD_GROWTH = 4  # retrain when the store has grown this many times since training


def _ivf_lists(n: int) -> int:
    """Lists for ``n`` passages: a power of two near 1.4 sqrt(n), 256-8192."""
    return int(min(8192, max(256, 2 ** round(np.log2(1.4 * np.sqrt(max(n, 1)))))))


def _ivf_of(index: Any) -> Any | None:
    """The inverted file inside ``index``, or ``None`` for the exhaustive index."""
    import faiss

    index = faiss.downcast_index(index)
    return index if isinstance(index, faiss.IndexIVF) else None


def _index_ids(index: Any) -> np.ndarray:
    """Every passage rowid the index holds, in increasing order."""
    import faiss

    ivf = _ivf_of(index)
    if ivf is None:
        return np.sort(faiss.vector_to_array(index.id_map).astype(np.int64))
    lists = ivf.invlists
    parts = [faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).astype(np.int64)
             for i in range(ivf.nlist) if lists.list_size(i)]
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def _tune(ivf: Any) -> None:
    """Search settings of an inverted file: an eighth of its lists, at least 32."""
    ivf.nprobe = min(ivf.nlist, max(32, ivf.nlist // 8))


def _ids_digest(ids: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(ids, dtype="<i8").tobytes()).hexdigest()[:20]


def _exact(index: Any) -> bool:
    """Whether ``index`` gives back each passage's float16 vector exactly (the exhaustive
    index, or an inverted file of float16 vectors, not residuals from a centroid)."""
    import faiss

    ivf = _ivf_of(index)
    sq = getattr(ivf, "sq", None)
    return ivf is None or (not ivf.by_residual and sq is not None
                           and sq.qtype == faiss.ScalarQuantizer.QT_fp16)


def _reconstruct(index: Any, ids: list[int]) -> np.ndarray:
    """The vectors ``index`` holds for these passage rowids (float32)."""
    import faiss

    ivf = _ivf_of(index)
    if ivf is not None and ivf.direct_map.type == faiss.DirectMap.NoMap:
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
    if not ids:
        return np.zeros((0, _DIM), dtype=np.float32)
    return np.asarray(index.reconstruct_batch(np.asarray(ids, dtype=np.int64)),
                      dtype=np.float32)


def _sample_ids(ids: np.ndarray) -> list[int]:
    """The passages whose vectors are checked when the index is opened."""
    at = np.linspace(0, len(ids) - 1, min(_CHECKED_VECTORS, len(ids))).astype(np.int64)
    return sorted({int(i) for i in ids[at]}) if len(ids) else []


def _vectors_digest(index: Any, ids: list[int]) -> str:
    vecs = _reconstruct(index, ids).astype(np.float16)
    return hashlib.sha1(np.ascontiguousarray(vecs).tobytes()).hexdigest()[:20]


def _owners_record(arr: np.ndarray) -> str:
    """``passage_article``'s array as a small JSON record: differences of consecutive
    entries (mostly 0 and 1: passages are stored article by article), zlib, base64."""
    deltas = np.diff(arr, prepend=0).astype("<i4")
    return json.dumps({"rows": len(arr),
                       "deltas": base64.b64encode(zlib.compress(deltas.tobytes(), 6)).decode()})


def _core_tables() -> set[str]:
    return set(re.findall(r"CREATE (?:VIRTUAL )?TABLE IF NOT EXISTS (\w+)", _SCHEMA))


@dataclass(slots=True)
class IngestStats:
    ingested: int = 0
    duplicates: int = 0
    #: pages whose text a stored article already has, kept as pages of their own (their id,
    #: URL, site, dates) sharing that article's text, passages and vectors
    republications: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    passages: int = 0

    def fail(self, reason: str) -> None:
        self.failed[reason] = self.failed.get(reason, 0) + 1


def default_store_path() -> Path:
    return Path(os.environ.get("WIRETRACE_STORE") or "wiretrace-data")


def content_hash(text: str) -> str:
    """Identity of a text up to case and spacing (``folded_digest``)."""
    return folded_digest(text)


class Store:
    """Articles and their fingerprints in one folder. Open with ``open_store``."""

    def __init__(self, path: Path, config: FingerprintConfig, readonly: bool = False,
                 create: bool = True) -> None:
        self.path = path
        self.config = config
        self.readonly = readonly
        self._lock = threading.RLock()
        self._index: Any = None
        self._held: tuple[Any, int, np.ndarray] | None = None  # the index, its size, its ids
        self._index_rows = 0
        self._index_last: int | None = None  # the last passage rowid the index holds
        self._ivf_record: str | None = None  # what the inverted file was trained for
        self._republications_table: bool | None = None  # known on first need
        self._passage_article: np.ndarray | None = None
        self._index_mapped = False  # the index is the saved file, memory-mapped
        self._version = SCHEMA_VERSION  # the store's schema version (read on open)
        #: re-makes static vectors from passage texts (``encoder()``); the engine sets its own
        self.static_encoder: Any = None
        try:
            self.db = self._connect()
        except sqlite3.Error as e:
            raise store_error(path, e) from e
        try:
            if not readonly and create:
                self._prepare_writer()
            self._check_identity(create)  # a folder that holds no store stays untouched
            if not readonly and not create:
                self._prepare_writer()  # an older store gains tables added since
            if readonly:
                self._copy_side_tables()
        except sqlite3.Error as e:
            self.db.close()
            raise store_error(path, e) from e
        except BaseException:
            self.db.close()
            raise
        if not readonly:
            self._remove_stale_tmp()

    def _prepare_writer(self) -> None:
        self._journal_wal()
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def _journal_wal(self) -> None:
        """Switch to write-ahead logging, asking again while another process holds the
        file: two ingests creating one new store at once got "database is locked" at once
        from this pragma (SQLite does not wait its busy timeout here; about one race in
        ten made the concurrent-ingest test fail), so the wait is done here."""
        deadline = time.monotonic() + lock_timeout()
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.02)

    def _connect(self) -> sqlite3.Connection:
        """A connection to the store: read-write, or for a read-only store a private
        in-memory database with the store attached read-only (``_connect_readonly``)."""
        if self.readonly:
            db = self._connect_readonly()
        else:
            db = sqlite3.connect(str(self.path / DB_NAME), check_same_thread=False,
                                 isolation_level=None, timeout=lock_timeout())
        db.row_factory = sqlite3.Row
        return db

    def _connect_readonly(self) -> sqlite3.Connection:
        """Attach the store read-only to an in-memory main database.

        Plain ``mode=ro`` reads a WAL store correctly, also while a writer is at work, but
        needs the ``-shm`` file, which a read-only folder cannot get when no writer left one.
        Then, if the write-ahead log holds nothing, the file is attached ``immutable`` (no
        locks, no side files); a log that still holds commits is refused, since reading
        past it would silently miss them. ``immutable`` trusts that nobody writes while it
        reads; a writer that starts meanwhile leaves its commits in its own log, unseen, until
        a checkpoint rewrites pages underneath (then SQLite reports the file malformed: run
        the command again). Unqualified names find the store's tables (main is empty), and
        tables created by caching code land in memory.
        """
        db_path = self.path / DB_NAME
        db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None,
                             timeout=lock_timeout())
        uri = "file:" + urllib.parse.quote(str(db_path.resolve()))
        try:
            if _attach(db, uri + "?mode=ro") is None:
                return db
            wal = _wal(db_path)
            if wal.exists() and wal.stat().st_size > 0:
                raise StoreError(
                    f"{self.path}: read-only, and {wal.name} still holds commits that no "
                    "writer has folded into the database (one was stopped mid-way), so "
                    "they cannot be read from here. Copy the folder somewhere writable, or "
                    "let its owner run any wiretrace command on it once."
                )
            error = _attach(db, uri + "?mode=ro&immutable=1")
            if error is not None:
                raise error
            return db
        except BaseException:
            db.close()
            raise

    def _copy_side_tables(self) -> None:
        """Copy the store's side tables (caches other modules keep, e.g. story verdicts)
        into the in-memory main database: read from there, written there, never saved."""
        core = _core_tables()
        rows = self.db.execute(
            "SELECT name, sql FROM store.sqlite_master WHERE type='table' AND sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for name, sql in rows:
            if name in core or any(name.startswith(c + "_") for c in core):
                continue  # the store's own tables, FTS shadow tables included
            self.db.execute(sql)
            self.db.execute(f'INSERT INTO main."{name}" SELECT * FROM store."{name}"')
            for (idx_sql,) in self.db.execute(
                "SELECT sql FROM store.sqlite_master WHERE type='index' AND tbl_name=? "
                "AND sql IS NOT NULL", (name,)
            ).fetchall():
                self.db.execute(idx_sql)

    def _remove_stale_tmp(self) -> None:
        """Delete index temp files left by a save whose process is gone (killed mid-save)."""
        for tmp in self.path.glob(f"{INDEX_NAME}.*.tmp"):
            m = _TMP_INDEX.fullmatch(tmp.name)
            if not m or _alive(int(m.group(1))):
                continue
            try:
                tmp.unlink()
                log.info("%s: removed %s, left by an index save that was stopped",
                         self.path, tmp.name)
            except FileNotFoundError:
                pass

    # -- identity ---------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _check_identity(self, create: bool = True) -> None:
        has_meta = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
            if not self.readonly else
            "SELECT 1 FROM store.sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        version = self._meta("schema_version") if has_meta else None
        identity = self._meta("fingerprint") if has_meta else None
        if version is None:
            if self.readonly or not create:
                size = (self.path / DB_NAME).stat().st_size
                raise StoreError(
                    f"{self.path}: {DB_NAME} ({size:,} bytes) holds no wiretrace store"
                    + (" (empty: a store whose creation was stopped?)" if size == 0 else "")
                    + f". Run `wiretrace ingest --store {self.path} FILES` to fill it."
                )
            # a new store is the oldest version that describes it (2: vectors in the index
            # file only); it becomes 3 when it first saves an index of 8-bit codes, so an
            # older wiretrace still reads a store that never grew one
            self._version = _CREATED_VERSION
            with self._tx():
                self.db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                    (str(_CREATED_VERSION),),
                )
                self.db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)",
                    (self.config.identity(),),
                )
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('store_id', ?)",
                                (uuid.uuid4().hex,))
            return
        if int(version) not in _READABLE_VERSIONS:
            raise StoreError(
                f"{self.path}: store schema version {version}, this wiretrace reads versions "
                f"{', '.join(map(str, _READABLE_VERSIONS))}. Re-ingest into a new store "
                "(--store NEW_DIR)."
            )
        self._version = int(version)
        if identity != self.config.identity():
            raise StoreError(
                f"{self.path}: articles here were fingerprinted with {identity}, but this "
                f"wiretrace uses {self.config.identity()}. Mixing them would make scores "
                "meaningless: ingest into a new store (--store NEW_DIR)."
            )

    # -- transactions -----------------------------------------------------------------
    class _Tx:
        def __init__(self, store: Store) -> None:
            self.store = store

        def __enter__(self) -> None:
            if self.store.readonly:
                raise StoreError(f"{self.store.path}: opened read-only; nothing can be "
                                 "written to it")
            self.store._lock.acquire()
            try:
                self.store.db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                self.store._lock.release()
                raise store_error(self.store.path, e) from e

        def __exit__(self, exc_type: object, *_: object) -> None:
            try:
                self.store.db.execute("ROLLBACK" if exc_type else "COMMIT")
            finally:
                self.store._lock.release()

    def _tx(self) -> Store._Tx:
        return Store._Tx(self)

    # -- writing ----------------------------------------------------------------------
    def has(self, article_id: str, text: str | None = None) -> bool:
        """Whether a page with this id is stored (with ``text``: or, in a store made before
        republications were kept, an article with this text)."""
        row = self.db.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None and self._keeps_republications():
            row = self.db.execute("SELECT 1 FROM republications WHERE id=?",
                                  (article_id,)).fetchone()
        elif row is None and text is not None:
            row = self.db.execute(
                "SELECT 1 FROM articles WHERE content_hash=?", (content_hash(text),)
            ).fetchone()
        return row is not None

    def _keeps_republications(self) -> bool:
        """False for a read-only store made before republications were kept."""
        if self._republications_table is None:
            self._republications_table = self.db.execute(
                "SELECT count(*) FROM sqlite_master WHERE name='republications'"
            ).fetchone()[0] > 0
        return self._republications_table

    def add(
        self, articles: list[Article], fingerprints: list[Fingerprint], stats: IngestStats
    ) -> None:
        """Add a batch in one transaction; an article already stored (same id or same
        text) counts as a duplicate and is left as it is."""
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only (no write permission on the "
                             "folder or its files, or a read-only mount); add articles to a "
                             "store you can write (--store DIR)")
        pending: dict[int, np.ndarray] = {}
        with self._tx():
            self._mark_current()
            for art, fp in zip(articles, fingerprints, strict=True):
                h = content_hash(art.text)
                if self.has(art.id):
                    stats.duplicates += 1
                    continue
                same = self.db.execute("SELECT rowid FROM articles WHERE content_hash=? "
                                       "ORDER BY rowid LIMIT 1", (h,)).fetchone()
                if same is not None:
                    self._add_republication(art, int(same[0]))
                    stats.republications += 1
                    continue
                cur = self.db.execute(
                    "INSERT INTO articles (id, content_hash, url, site, title, published, "
                    "byline, language, credits, declared_sources, boilerplate, meta, text, "
                    "minhash, n_passages) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        art.id, h, art.url, art.site, art.title, art.published, art.byline,
                        art.language, json.dumps(art.credits),
                        json.dumps(art.declared_sources), json.dumps(art.boilerplate),
                        json.dumps(art.meta, default=str), art.text, fp.minhash,
                        len(art.passages),
                    ),
                )
                rowid = cur.lastrowid
                vecs = np.asarray(fp.vectors, dtype=np.float16)
                # the vectors go to the index only (``_sync_index``): SQLite keeping a copy
                # was 1 KB a passage; a lost index is rebuilt by encoding the texts again
                self.db.executemany(  # rows made as they are written: 70,000 at once were
                    # ~100 MB of tuples for one 10 MB paragraph
                    "INSERT INTO passages (article, idx, start, end, vec) VALUES (?,?,?,?,?)",
                    ((rowid, p.index, p.start, p.end, b"") for p in art.passages),
                )
                stored = self.db.execute("SELECT rowid FROM passages WHERE article=? "
                                         "ORDER BY idx", (rowid,)).fetchall()
                pending.update((int(r[0]), vecs[i]) for i, r in enumerate(stored))
                self.db.executemany(
                    "INSERT INTO terms (term, article) VALUES (?, ?)",
                    [(t, rowid) for t in fp.terms],
                )
                self.db.execute(
                    "INSERT INTO articles_fts (rowid, title, text) VALUES (?,?,?)",
                    (rowid, art.title or "", art.text),
                )
                stats.ingested += 1
                stats.passages += len(art.passages)
        if pending:
            self._sync_index(pending)

    def _mark_current(self, version: int = 2) -> None:
        """Inside a write: mark the store at least ``version``: 2 when it is about to hold
        passages whose vectors only the index keeps, 3 when its index is about to be an
        inverted file of 8-bit codes."""
        if self._version < version:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                            (str(version),))
            self._version = version

    def _add_republication(self, art: Article, of_article: int) -> None:
        self.db.execute(
            "INSERT INTO republications (id, of_article, url, site, title, published, byline, "
            "language, credits, declared_sources, boilerplate, meta) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (art.id, of_article, art.url, art.site, art.title, art.published, art.byline,
             art.language, json.dumps(art.credits), json.dumps(art.declared_sources),
             json.dumps(art.boilerplate), json.dumps(art.meta, default=str)),
        )

    def republications_of(self, article_id: str) -> list[Article]:
        """The other pages with ``article_id``'s text (whichever of them ``article_id`` is),
        text included, oldest stored first."""
        if not self._keeps_republications():
            return []
        rowid = self.rowid_of(article_id)
        if rowid is None or not self.db.execute(
                "SELECT 1 FROM republications WHERE of_article=? LIMIT 1", (rowid,)).fetchone():
            return []  # the common case, asked for every candidate of every trace
        holder = self.get_by_rowid(rowid, passages=False)
        if holder is None:
            return []
        pages = [holder] if holder.id != article_id else []
        for row in self.db.execute("SELECT * FROM republications WHERE of_article=? "
                                   "ORDER BY rowid", (rowid,)):
            if row["id"] != article_id:
                pages.append(self._page(row, holder))
        return pages

    def _page(self, row: sqlite3.Row, holder: Article) -> Article:
        """A republication as an article: its own fields, the holder's text and passages."""
        return Article(
            id=row["id"], text=holder.text, url=row["url"], site=row["site"],
            title=row["title"], published=row["published"], byline=row["byline"],
            language=row["language"] or holder.language, credits=json.loads(row["credits"]),
            declared_sources=json.loads(row["declared_sources"]),
            boilerplate=json.loads(row["boilerplate"]),
            meta={**json.loads(row["meta"]), "same_text_as": holder.id},
            passages=list(holder.passages), cleaned=True,
        )

    def n_republications(self) -> int:
        if not self._keeps_republications():
            return 0
        return int(self.db.execute("SELECT count(*) FROM republications").fetchone()[0])

    # -- MinHash LSH band keys (retrieve.LexicalIndex) ------------------------------------
    def sync_bands(self, name: str, keys_of: Callable[[bytes], list[int]]) -> int:
        """Keep the band keys of every article (``keys_of`` its MinHash signature) for the
        band settings ``name``; the last article rowid whose keys are kept. Best effort: a
        read-only store, or another process holding the write lock, keeps what it has."""
        try:
            record = json.loads(self._meta("lsh") or "{}")
        except sqlite3.OperationalError:
            return 0
        kept = int(record.get("last", 0)) if record.get("name") == name else 0
        top = int(self.db.execute("SELECT max(rowid) FROM articles").fetchone()[0] or 0)
        if top <= kept and record.get("name") == name:
            return kept
        if self.readonly:
            return kept if record.get("name") == name else -1
        rows = self.db.execute("SELECT rowid, minhash FROM articles WHERE rowid > ? AND "
                               "rowid <= ? ORDER BY rowid", (kept, top)).fetchall()
        pairs = [(key, int(rowid)) for rowid, blob in rows for key in keys_of(blob)]
        self.db.execute("PRAGMA busy_timeout=0")
        try:
            with self._tx():
                if record.get("name") != name:
                    self.db.execute("DELETE FROM lsh_bands")
                self.db.executemany("INSERT OR IGNORE INTO lsh_bands VALUES (?, ?)", pairs)
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('lsh', ?)",
                                (json.dumps({"name": name, "last": top}),))
        except (StoreError, sqlite3.Error) as e:
            log.debug("%s: LSH band keys not kept (%s)", self.path, e)
            return kept if record.get("name") == name else -1
        finally:
            self.db.execute(f"PRAGMA busy_timeout={int(lock_timeout() * 1000)}")
        return top

    def band_matches(self, name: str, keys: list[int]) -> list[int]:
        """Article rowids sharing a band key, once per key shared."""
        try:
            record = json.loads(self._meta("lsh") or "{}")
        except sqlite3.OperationalError:
            return []
        if record.get("name") != name or not keys:
            return []
        marks = ",".join("?" * len(keys))
        return [int(r[0]) for r in self.db.execute(
            f"SELECT article FROM lsh_bands WHERE key IN ({marks})", keys)]

    def fingerprint_of(self, rowid: int, article: Article) -> Fingerprint | None:
        """The stored fingerprint of article ``rowid`` when ``article`` (prepared) is that
        article's very text and passages, else ``None``. A trace of a stored article reads it
        instead of making it again: the same bytes (the store refuses other fingerprint
        settings), without loading the tokenizer, the embedding rows and datasketch."""
        return self.fingerprints_of([(rowid, article)])[0]

    def fingerprints_of(self, items: list[tuple[int, Article]]) -> list[Fingerprint | None]:
        """``fingerprint_of`` of many articles, read together: the terms table is indexed by
        term only, so one article's terms cost a scan of it (~12 ms at 20k articles, a
        quarter of finding an article's candidates); here one scan serves them all."""
        found: list[tuple[int, int, bytes]] = []  # (position, rowid, minhash)
        for k, (rowid, article) in enumerate(items):
            row = self.db.execute("SELECT minhash, n_passages FROM articles WHERE rowid=?",
                                  (rowid,)).fetchone()
            if row is not None and row[1] == len(article.passages) and self.holds_text(
                    rowid, article.text):
                found.append((k, rowid, bytes(row[0])))
        terms: dict[int, list[str]] = {}
        rowids = sorted({r for _, r, _ in found})
        for lo in range(0, len(rowids), 900):  # SQLite's limit on bound values
            chunk = rowids[lo:lo + 900]
            for term, art in self.db.execute(
                    f"SELECT term, article FROM terms WHERE article IN "
                    f"({','.join('?' * len(chunk))})", chunk):
                terms.setdefault(int(art), []).append(term)
        out: list[Fingerprint | None] = [None] * len(items)
        for k, rowid, minhash in found:
            spans = self.db.execute("SELECT rowid, start, end FROM passages WHERE article=? "
                                    "ORDER BY idx", (rowid,)).fetchall()
            if [(s, e) for _, s, e in spans] != [(p.start, p.end)
                                                 for p in items[k][1].passages]:
                continue
            vectors = self.passage_vectors([int(r[0]) for r in spans])
            if vectors is not None:
                out[k] = Fingerprint(minhash=minhash, terms=sorted(terms.get(rowid, [])),
                                     vectors=vectors)
        return out

    def passage_vectors(self, rowids: list[int]) -> np.ndarray | None:
        """The static-tier vectors (float16, as fingerprinted) of these passages, in this
        order; ``None`` when one is not stored. An inverted file of 8-bit codes gives back
        close vectors, not the fingerprints (a trace by id then loads no encoder: ~0.3 s of
        a new process)."""
        if not rowids:
            return np.zeros((0, _DIM), dtype=np.float16)
        got: dict[int, Any] = {}
        for lo in range(0, len(rowids), 900):  # SQLite's limit on bound values
            chunk = rowids[lo:lo + 900]
            got.update((r[0], r) for r in self.db.execute(
                "SELECT rowid, article, start, end, vec FROM passages "
                f"WHERE rowid IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        if any(r not in got for r in rowids):
            return None
        rows = [got[r] for r in rowids]
        if all(r[4] for r in rows):  # an older store keeps them in SQLite
            return self._vectors(rows)
        with self._lock:  # the index is not added to while it is read
            if self._sync_index() and not self.readonly:
                self._write_index(wait=False)
            return self._vectors(rows, old=self._index, close=True)

    # -- full-model vectors (the costly part of an article's comparison profile) -----------
    def load_full(self, rowid: int, digest: str, n: int) -> np.ndarray | None:
        """The stored full-model vectors of article ``rowid`` when they were made for the
        compared text with this ``digest`` and ``n`` passages, else ``None``."""
        try:
            row = self.db.execute("SELECT digest, full FROM profiles WHERE article=?",
                                  (rowid,)).fetchone()
        except sqlite3.OperationalError:
            return None  # a read-only store made before profiles were kept
        if row is None or row[0] != digest:
            return None
        blob = row[1]
        if len(blob) == 1 + n * codec.ROW_BYTES and blob[:1] == _PROFILE_INT8:
            return codec.unpack(blob[1:], n)
        if len(blob) == n * _DIM * 2:  # kept as float16 before int8 codes: rounded as now
            return codec.rounded(np.frombuffer(blob, dtype=np.float16).reshape(n, _DIM))
        return None

    def holds_text(self, rowid: int, text: str, *, head: bool = False) -> bool:
        """Whether article ``rowid``'s stored text is ``text`` (or, with ``head``, starts
        with it: comparison looks at a giant article's head only)."""
        sql = ("SELECT substr(text, 1, ?) = ? FROM articles WHERE rowid=?" if head else
               "SELECT length(text) = ? AND text = ? FROM articles WHERE rowid=?")
        row = self.db.execute(sql, (len(text), text, rowid)).fetchone()
        return bool(row and row[0])

    def save_full(self, rowid: int, digest: str, vectors: np.ndarray) -> bool:
        """Keep an article's full-model vectors (int8 codes, ``fingerprint.codec``: 512
        bytes a passage) for the next comparison, in this process or another. Best effort: a
        read-only store, or another process holding the write lock, just means they are
        computed again next time."""
        if self.readonly:
            return False
        blob = _PROFILE_INT8 + codec.pack(vectors)
        return self._write_unless_busy(
            f"full vectors of article {rowid}", "INSERT OR REPLACE INTO profiles VALUES (?,?,?)",
            [(rowid, digest, blob)])

    def _write_unless_busy(self, what: str, sql: str, rows: list[tuple[Any, ...]]) -> bool:
        """Run ``sql`` for ``rows`` in one transaction if the store is free now: a cache
        write never waits for another process's lock (it is made again when needed)."""
        self.db.execute("PRAGMA busy_timeout=0")
        try:
            with self._tx():
                self.db.executemany(sql, rows)
        except (StoreError, sqlite3.Error) as e:
            log.debug("%s: %s not kept (%s)", self.path, what, e)
            return False
        finally:
            self.db.execute(f"PRAGMA busy_timeout={int(lock_timeout() * 1000)}")
        return True

    def load_joins(self, rowid: int, digest: str) -> dict[int, np.ndarray]:
        """The kept full-model vectors of article ``rowid``'s adjacent passages joined (passage
        ``first`` with ``first + 1``: a sentence a copy broke in two, scored whole), for the
        text with this ``digest``; empty when none are kept."""
        try:
            rows = self.db.execute("SELECT first, vec FROM joins WHERE article=? AND digest=?",
                                   (rowid, digest)).fetchall()
        except sqlite3.OperationalError:
            return {}  # a read-only store made before joins were kept
        return {int(first): codec.unpack(vec, 1)[0] for first, vec in rows
                if len(vec) == codec.ROW_BYTES}

    def save_joins(self, rowid: int, digest: str, vectors: dict[int, np.ndarray]) -> bool:
        """Keep joined-passage vectors (``load_joins``) for later comparisons in any process:
        a trace then reads every vector it needs and loads no model. Best effort, as
        ``save_full``: a read-only or busy store means they are encoded again when needed."""
        if self.readonly or not vectors:
            return False
        return self._write_unless_busy(
            f"joined vectors of article {rowid}", "INSERT OR REPLACE INTO joins VALUES (?,?,?,?)",
            [(rowid, first, digest, codec.pack(vec)) for first, vec in vectors.items()])

    def compact(self) -> dict[str, int]:
        """Rewrite a store made by an older wiretrace in the current, smaller form, then
        ``VACUUM`` it; the file sizes before and after. The static vectors are then kept in
        the index file only (SQLite's float16 copies go), float16 full-model vectors become int8
        codes (as new ones are kept), and the term and LSH band tables become one b-tree
        each. An inverted file of float16 vectors (or of residuals, as the first ones were)
        becomes one of 8-bit codes in the same lists: half the index file; its vectors are
        close to the fingerprints, not equal, so retrieval may move a little
        (``bench/results/index.md``). Safe to stop: each step leaves a store that works;
        run it again."""
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only; it cannot be compacted")
        db_file, index_file = self.path / DB_NAME, self.path / INDEX_NAME

        def sizes() -> int:
            return sum(f.stat().st_size for f in (db_file, index_file, _wal(db_file))
                       if f.exists())

        before = sizes()
        self._sync_index()
        if _ivf_of(self._index) is not None and not _is_8bit(self._index):
            with self._lock:  # while SQLite's copies (if any) are there to read
                self._index = self._ivf_in_8bit(self._index)
                self._index_mapped = False
        self._write_index(wait=True)  # before the copies go: a stop here loses nothing
        with self._tx():
            self._mark_current()
            self.db.execute("UPDATE passages SET vec = x'' WHERE length(vec) > 0")
            rows = self.db.execute("SELECT article, full FROM profiles WHERE "
                                   "length(full) % 1024 = 0").fetchall()
            self.db.executemany("UPDATE profiles SET full=? WHERE article=?", (
                (_PROFILE_INT8 + codec.pack(codec.rounded(
                    np.frombuffer(blob, dtype=np.float16).reshape(-1, _DIM))), art)
                for art, blob in rows))
            for table, key in (("terms", "term"), ("lsh_bands", "key")):
                sql = self.db.execute("SELECT sql FROM sqlite_master WHERE name=?",
                                      (table,)).fetchone()[0]
                if "WITHOUT ROWID" in sql.upper():
                    continue
                other = "article"
                self.db.execute(f"CREATE TABLE {table}_compact ({key} "
                                f"{'TEXT' if key == 'term' else 'INTEGER'} NOT NULL, {other} "
                                f"INTEGER NOT NULL, PRIMARY KEY ({key}, {other})) WITHOUT ROWID")
                self.db.execute(f"INSERT OR IGNORE INTO {table}_compact SELECT {key}, {other} "
                                f"FROM {table}")
                self.db.execute(f"DROP TABLE {table}")
                self.db.execute(f"ALTER TABLE {table}_compact RENAME TO {table}")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return {"bytes_before": before, "bytes_after": sizes()}

    def save_relation(self, copy_id: str, source_id: str, kind: str, confidence: float,
                      direction: str, report: dict[str, Any]) -> None:
        with self._tx():
            self.db.execute(
                "INSERT OR REPLACE INTO relations VALUES (?,?,?,?,?,?)",
                (copy_id, source_id, kind, confidence, direction, json.dumps(report)),
            )

    # -- reading ----------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def n_passages(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM passages").fetchone()[0])

    def _article(self, row: sqlite3.Row, passages: bool = True) -> Article:
        art = Article(
            id=row["id"], text=row["text"], url=row["url"], site=row["site"],
            title=row["title"], published=row["published"], byline=row["byline"],
            language=row["language"], credits=json.loads(row["credits"]),
            declared_sources=json.loads(row["declared_sources"]),
            boilerplate=json.loads(row["boilerplate"]), meta=json.loads(row["meta"]),
            cleaned=True,
        )
        if passages:
            prow = self.db.execute(
                "SELECT idx, start, end FROM passages WHERE article=? ORDER BY idx",
                (row["rowid"],),
            ).fetchall()
            art.passages = [
                Passage(index=i, start=s, end=e, text=art.text[s:e]) for i, s, e in prow
            ]
        return art

    def get(self, article_id: str) -> Article | None:
        """A stored page: an article, or a republication (its own fields, the text it
        shares with the article stored first, ``meta["same_text_as"]`` naming that one)."""
        row = self.db.execute("SELECT * FROM articles WHERE id=?", (article_id,)).fetchone()
        if row:
            return self._article(row)
        if not self._keeps_republications():
            return None
        rep = self.db.execute("SELECT * FROM republications WHERE id=?",
                              (article_id,)).fetchone()
        holder = self.get_by_rowid(rep["of_article"]) if rep else None
        return self._page(rep, holder) if rep and holder else None

    def get_by_rowid(self, rowid: int, passages: bool = True) -> Article | None:
        row = self.db.execute("SELECT * FROM articles WHERE rowid=?", (rowid,)).fetchone()
        return self._article(row, passages) if row else None

    def article_rowid(self, article_id: str) -> int | None:
        """The rowid of the article with this id (``None`` for a republication's id)."""
        row = self.db.execute("SELECT rowid FROM articles WHERE id=?", (article_id,)).fetchone()
        return int(row[0]) if row else None

    def rowid_of(self, article_id: str) -> int | None:
        """The rowid of the article holding this page's text (a republication's is the
        article it shares the text with)."""
        row = self.db.execute("SELECT rowid FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None and self._keeps_republications():
            row = self.db.execute("SELECT of_article FROM republications WHERE id=?",
                                  (article_id,)).fetchone()
        return int(row[0]) if row else None

    def ids(self) -> Iterator[str]:
        for (i,) in self.db.execute("SELECT id FROM articles ORDER BY rowid"):
            yield i

    def search(self, query: str, limit: int = 20, site: str | None = None,
               since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """Full-text search (SQLite FTS5) with optional site and date filters. A blank
        ``query`` lists the articles that pass the filters, newest first (browsing)."""
        args: list[Any] = []
        if query.strip():
            sql = ("SELECT a.id, a.title, a.site, a.published, a.url, "
                   "snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snippet "
                   "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                   "WHERE articles_fts MATCH ?")
            args.append(_fts_query(query))
            order = "rank"
        else:
            sql = ("SELECT a.id, a.title, a.site, a.published, a.url, "
                   "substr(a.text, 1, 160) AS snippet FROM articles a WHERE 1")
            order = "a.published IS NULL, a.published DESC, a.rowid DESC"
        if site:
            sql += " AND a.site = ?"
            args.append(site)
        if since:
            sql += " AND a.published >= ?"
            args.append(since)
        if until:
            sql += " AND substr(a.published, 1, length(?)) <= ?"  # until 2026-03: all March
            args += [until, until]
        sql += f" ORDER BY {order} LIMIT ?"
        args.append(limit)
        return [dict(r) for r in self.db.execute(sql, args)]

    def sites(self) -> list[tuple[str, int]]:
        """Each site in the store with its number of articles, largest first."""
        rows = self.db.execute("SELECT site, count(*) FROM articles WHERE site IS NOT NULL "
                               "AND site != '' GROUP BY site ORDER BY count(*) DESC, site")
        return [(str(r[0]), int(r[1])) for r in rows]

    def term_candidates(self, terms: Iterable[str], limit: int = 20,
                        max_df: float = 0.02) -> list[tuple[int, float]]:
        """Articles sharing rare entity terms, scored by summed IDF of the shared terms.

        Every candidate search runs this (a few thousand rows an article): each rare term's
        IDF is computed once, not once per row, and rows come as plain tuples."""
        terms = list(dict.fromkeys(terms))
        if not terms:
            return []
        cur = self.db.cursor()
        cur.row_factory = None
        n = max(1, len(self))
        scores: dict[int, float] = {}
        for i in range(0, len(terms), 500):
            chunk = terms[i : i + 500]
            marks = ",".join("?" * len(chunk))
            dfs = dict(cur.execute(
                f"SELECT term, count(*) FROM terms WHERE term IN ({marks}) GROUP BY term",
                chunk,
            ).fetchall())
            rare = [t for t in chunk if 0 < dfs.get(t, 0) <= max(2, max_df * n)]
            if not rare:
                continue
            idf = {t: float(np.log(1 + n / dfs[t])) for t in rare}
            marks = ",".join("?" * len(rare))
            get = scores.get
            for term, art in cur.execute(
                f"SELECT term, article FROM terms WHERE term IN ({marks})", rare
            ):
                scores[art] = get(art, 0.0) + idf[term]
        return sorted(scores.items(), key=lambda kv: -kv[1])[:limit]

    # -- vectors ----------------------------------------------------------------------
    def _sync_index(self, pending: dict[int, np.ndarray] | None = None) -> bool:
        """Load (or rebuild) the index and add the passages stored since it was saved;
        True when the index file should be written now: a bad, missing or outgrown one was
        rebuilt (a read command would otherwise rebuild it again in every new process: an
        inverted file over 140,000 passages takes ~15 s). ``pending``: vectors of passages
        this process just stored, by rowid (the others are read or encoded: ``_vectors``)."""
        with self._lock:
            rebuilt = False
            if self._index is None:
                self._index_last = None
                self._index = self._load_index()  # sets _index_last when it is good
                self._ivf_record = None
                if self._index is None:
                    self._index = _new_index()
                    rebuilt = (self.path / INDEX_NAME).exists() or self.n_passages() > 0
            if self._index_last is None:
                ids = _index_ids(self._index)
                self._index_last = int(ids[-1]) if len(ids) else 0
            fresh = self.db.execute("SELECT count(*) FROM passages WHERE rowid > ?",
                                    (self._index_last,)).fetchone()[0]
            if not fresh:
                return rebuilt
            self._own_index()
            total = self._index.ntotal + fresh
            ivf = _ivf_of(self._index)
            if total >= IVF_MIN_PASSAGES and (
                    ivf is None or total >= _IVF_REBUILD_GROWTH * self._ivf_trained(ivf)):
                old = self._index
                self._index = self._build_ivf(total, pending, old)
                self._index_last = self._add_passages(self._index, 0, pending, old)
                return True
            _reserve(self._index, total)
            # the last rowid actually added: another process may store passages meanwhile,
            # and they must not be skipped
            self._index_last = self._add_passages(self._index, self._index_last, pending)
            return rebuilt

    def _own_index(self) -> None:
        """Copy a memory-mapped index into memory before it is added to (faiss aborts the
        process when asked to grow a mapped one)."""
        import faiss

        if self._index_mapped:
            ivf = _ivf_of(self._index)
            nprobe = ivf.nprobe if ivf is not None else None
            self._index = faiss.deserialize_index(faiss.serialize_index(self._index))
            self._index_mapped = False
            if nprobe is not None:
                _ivf_of(self._index).nprobe = nprobe

    def _add_passages(self, index: Any, after: int, pending: dict[int, np.ndarray] | None = None,
                      old: Any = None) -> int:
        """Add the stored passages past rowid ``after`` to ``index``; the last rowid added
        (``after`` when there was none)."""
        rows = self.db.execute("SELECT rowid, article, start, end, vec FROM passages "
                               "WHERE rowid > ? ORDER BY rowid", (after,))
        last = after
        while True:
            batch = rows.fetchmany(8192)  # ~4 KB each while converted
            if not batch:
                break
            ids = np.fromiter((r[0] for r in batch), dtype=np.int64, count=len(batch))
            vecs = self._vectors(batch, pending, old)
            index.add_with_ids(vecs.astype(np.float32), ids)
            last = int(ids[-1])
        return last

    def _vectors(self, rows: list[Any], pending: dict[int, np.ndarray] | None = None,
                 old: Any = None, close: bool = False) -> np.ndarray:
        """The static-tier vectors (float16) of passage ``rows`` (rowid, article, start, end,
        vec): just stored by this process (``pending``), kept in SQLite by an older store,
        held exactly by ``old`` (an index being replaced; with ``close``, also an inverted
        file of 8-bit codes, whose vectors are close, not exact), or else encoded again
        from the passage's text. The static encoder is deterministic, so an encoded vector
        is the one the passage was stored with; a new store keeps no copy in SQLite (1 KB a
        passage)."""
        out = np.empty((len(rows), _DIM), dtype=np.float16)
        todo: list[int] = []
        from_old: list[int] = []
        exact_old = old is not None and old.ntotal > 0 and (
            _exact(old) or (close and _is_8bit(old)))
        for i, (rowid, _a, _s, _e, blob) in enumerate(rows):
            if pending is not None and rowid in pending:
                out[i] = pending[rowid]
            elif blob and len(blob) == _DIM * 2:
                out[i] = np.frombuffer(blob, dtype=np.float16)
            elif exact_old:
                from_old.append(i)
            else:
                todo.append(i)
        if from_old:
            held = self._held_ids(old)
            want = np.array([rows[i][0] for i in from_old], dtype=np.int64)
            pos = np.minimum(np.searchsorted(held, want), len(held) - 1)
            inside = held[pos] == want
            todo += [i for i, ok in zip(from_old, inside, strict=True) if not ok]
            keep = [i for i, ok in zip(from_old, inside, strict=True) if ok]
            if keep:
                out[keep] = _reconstruct(old, want[inside].tolist()).astype(np.float16)
        if todo:
            texts = self._passage_texts([rows[i] for i in todo])
            out[todo] = self.encoder().encode(texts, dtype=np.float16)
        return out

    def _held_ids(self, index: Any) -> np.ndarray:
        """``_index_ids`` of ``index``, kept while it is the store's index and holds as many
        vectors (listing and sorting 144,000 ids took 4.5 ms of every trace at 20k
        articles); an index being replaced is listed each time."""
        if index is not self._index:
            return _index_ids(index)
        held = self._held
        if held is None or held[0] is not index or held[1] != index.ntotal:
            held = self._held = (index, index.ntotal, _index_ids(index))
        return held[2]

    def _passage_texts(self, rows: list[Any]) -> list[str]:
        """The text of each passage row (rowid, article, start, end, ...)."""
        texts: dict[int, str] = {}
        out = []
        for _rowid, art, start, end, *_ in rows:
            if art not in texts:
                if len(texts) > 64:
                    texts.clear()
                row = self.db.execute("SELECT text FROM articles WHERE rowid=?",
                                      (art,)).fetchone()
                texts[art] = row[0] if row else ""
            out.append(texts[art][start:end])
        return out

    def encoder(self) -> Any:
        """The static-tier encoder that re-makes a passage's vector from its text (the
        engine's, when it set ``static_encoder``; else one loaded on first use)."""
        if self.static_encoder is None:
            from wiretrace.fingerprint.embed import StaticEncoder

            self.static_encoder = StaticEncoder()
        return self.static_encoder

    def _ivf_trained(self, ivf: Any) -> int:
        """Passages the inverted file was trained for (recorded when it was built)."""
        if self._ivf_record is None:
            self._ivf_record = self._meta("ivf") or "{}"
        return int(json.loads(self._ivf_record).get("trained_for", ivf.ntotal))

    def _build_ivf(self, total: int, pending: dict[int, np.ndarray] | None = None,
                   old: Any = None) -> Any:
        """An empty inverted file trained on a sample of the stored passages: 8-bit codes
        of the vectors themselves (``_new_ivf``) in ``_ivf_lists(total)`` lists, searched
        ``nprobe`` lists deep."""
        import faiss

        nlist = _ivf_lists(total)
        want = min(total, 64 * nlist)
        step = max(1, total // want)
        rows = [r for i, r in enumerate(self.db.execute(
            "SELECT rowid, article, start, end, vec FROM passages ORDER BY rowid"))
            if i % step == 0][:want]
        train = np.concatenate([self._vectors(rows[i:i + 8192], pending, old)
                                for i in range(0, len(rows), 8192)]).astype(np.float32)
        log.info("%s: %s passages: the vector index becomes an inverted file of %s lists",
                 self.path, f"{total:,}", nlist)
        ivf = _new_ivf(faiss.IndexFlatIP(_DIM), nlist)
        ivf.train(train)
        _tune(ivf)
        self._ivf_record = json.dumps({"trained_for": total, "lists": nlist})
        return ivf

    def _ivf_in_8bit(self, old: Any) -> Any:
        """``old`` (an inverted file of float16 vectors or residuals) as 8-bit codes of the
        vectors in the very same lists (its centroids kept, so each passage stays in its
        list): the codes' ranges learnt on the sample ``_build_ivf`` takes; the vectors
        from SQLite's copies (an older store), read from ``old`` when it holds them
        exactly, else encoded again from the texts (the fingerprints, exactly)."""
        import faiss

        ivf_old = _ivf_of(old)
        centroids = faiss.downcast_index(ivf_old.quantizer).reconstruct_n(0, ivf_old.nlist)
        quantizer = faiss.IndexFlatIP(_DIM)
        quantizer.add(centroids)
        ivf = _new_ivf(quantizer, ivf_old.nlist)
        sql = "SELECT rowid, article, start, end, vec FROM passages"
        ids = [r[0] for r in self.db.execute("SELECT rowid FROM passages ORDER BY rowid")]
        want = min(len(ids), 64 * ivf_old.nlist)
        picked = ids[::max(1, len(ids) // max(want, 1))][:want]
        sample = [r for lo in range(0, len(picked), 900) for r in self.db.execute(
            f"{sql} WHERE rowid IN ({','.join('?' * len(picked[lo:lo + 900]))}) ORDER BY "
            "rowid", picked[lo:lo + 900])]
        ivf.train(np.concatenate([self._vectors(sample[i:i + 8192], old=old)
                                  for i in range(0, len(sample), 8192)]).astype(np.float32))
        rows = self.db.execute(f"{sql} ORDER BY rowid")
        while batch := rows.fetchmany(8192):
            at = np.fromiter((r[0] for r in batch), dtype=np.int64, count=len(batch))
            ivf.add_with_ids(self._vectors(batch, old=old).astype(np.float32), at)
        _tune(ivf)
        return ivf

    def _load_index(self) -> Any:
        """The saved index when it is this store's, else ``None`` after saying why."""
        import faiss

        path = self.path / INDEX_NAME
        if not path.exists():
            return None  # never saved (or an ingest stopped before its first save)
        try:
            # memory-mapped: a trace reads a few lists of it (reading the whole 150 MB file at
            # 20,000 articles took ~0.3 s); ``_own_index`` copies it before anything is added
            index = faiss.read_index(str(path), _MMAP)
        except RuntimeError:
            problem = "unreadable (damaged or cut short)"
        else:
            problem = self._index_problem(index)
            if problem is None:
                self._index_mapped = bool(_MMAP)
                ids = _index_ids(index) if self._index_last is None else None
                if ids is not None:
                    self._index_last = int(ids[-1]) if len(ids) else 0
                return index
            self._index_last = None
        log.warning("%s: %s; rebuilding it from %s (%s passages)%s", path, problem, DB_NAME,
                    f"{self.n_passages():,}",
                    ", in memory only: the store is read-only" if self.readonly else "")
        return None

    def _index_problem(self, index: Any) -> str | None:
        """Why ``index`` is not this store's passage index, or ``None`` when it is.

        The record written with each save (row count, checksum of the rowids, checksum of
        a sample of its vectors) catches an index from an older save, a store of another
        size, or one with the same rowids but other passages. An older store's record has
        no vector checksum: its sampled vectors are compared with those SQLite keeps (or,
        where it keeps none, with the passages encoded again).
        """
        import faiss

        ivf = _ivf_of(index)
        if not (isinstance(index, faiss.IndexIDMap2) or ivf is not None) or index.d != _DIM:
            return "not a wiretrace passage index"
        ids = _index_ids(index)
        raw = self._meta("index")
        record = json.loads(raw) if raw else None
        if record is not None and (record.get("rows"), record.get("ids")) != (
            len(ids), _ids_digest(ids)
        ):
            return (f"holds {len(ids):,} passages, not the {record.get('rows', 0):,} this "
                    "store saved last (copied from another store, or an older save)"
                    if record.get("rows") != len(ids) else
                    "holds other passages than the ones this store saved last (copied "
                    "from another store?)")
        self._index_last = int(ids[-1]) if len(ids) else 0
        if len(ids) == 0:
            return None
        if ivf is not None:
            _tune(ivf)
        sample = _sample_ids(ids)
        if record is not None and record.get("vectors"):
            if _vectors_digest(index, sample) != record["vectors"]:
                return "its vectors are not this store's passages (copied from another store?)"
            return None
        marks = ",".join("?" * len(sample))
        stored = {r[0]: r for r in self.db.execute(
            f"SELECT rowid, article, start, end, vec FROM passages WHERE rowid IN ({marks})",
            sample).fetchall()}
        if any(rowid not in stored for rowid in sample):
            return "holds passages this store does not have (copied from another store?)"
        mine = self._vectors([stored[r] for r in sample]).astype(np.float32)
        if not np.allclose(_reconstruct(index, sample), mine, atol=1e-3):
            return "its vectors are not this store's passages (copied from another store?)"
        return None

    def save_index(self) -> None:
        """Write the FAISS cache atomically (tmp file + rename) and record what it holds.
        A read-only store keeps its index in memory."""
        self._sync_index()
        if not self.readonly:
            self._write_index(wait=True)

    def _write_index(self, *, wait: bool) -> None:
        """Save the index, then record its row count and rowid checksum in ``meta``.

        A failed save is a warning, not an error: SQLite holds every passage and the next
        open rebuilds the cache. ``wait=False`` (a read command replacing a bad file) does
        not wait for another process's write lock to record it; the next open then finds
        the record stale and rebuilds again, which is slow but right.
        """
        import faiss

        with self._lock:
            ids = _index_ids(self._index)
            digest = _vectors_digest(self._index, _sample_ids(ids))
            ivf = _ivf_of(self._index)
            if ivf is not None:  # not saved (16 bytes a passage): rebuilt when needed
                ivf.set_direct_map_type(faiss.DirectMap.NoMap)
            tmp = self.path / f"{INDEX_NAME}.{os.getpid()}.tmp"
            try:
                faiss.write_index(self._index, str(tmp))
                os.replace(tmp, self.path / INDEX_NAME)
            except (RuntimeError, OSError) as e:
                tmp.unlink(missing_ok=True)
                log.warning("%s: could not save %s (%s); it is rebuilt from %s next time, "
                            "nothing stored is lost", self.path, INDEX_NAME, e, DB_NAME)
                return
            record = json.dumps({"rows": len(ids), "ids": _ids_digest(ids),
                                 "last": int(ids[-1]) if len(ids) else 0,
                                 "vectors": digest})
            if not wait:
                self.db.execute("PRAGMA busy_timeout=0")
            try:
                with self._tx():
                    if _is_8bit(self._index):
                        self._mark_current(3)
                    if self._meta("store_id") is None:  # a store made before store ids
                        self.db.execute("INSERT INTO meta VALUES ('store_id', ?)",
                                        (uuid.uuid4().hex,))
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('index', ?)",
                                    (record,))
                    if _ivf_of(self._index) is not None and self._ivf_record:
                        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('ivf', ?)",
                                        (self._ivf_record,))
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('owners', ?)",
                                    (_owners_record(self.passage_article()),))
            except StoreError:
                if wait:
                    raise
            finally:
                if not wait:
                    self.db.execute(f"PRAGMA busy_timeout={int(lock_timeout() * 1000)}")

    def passage_article(self) -> np.ndarray:
        """Article rowid of every passage rowid (dense array indexed by passage rowid).

        Kept and extended by the passages stored since (passages are never removed): it
        was rebuilt at every search, 0.27 s at 140,000 passages."""
        with self._lock:
            arr = self._passage_article
            scanned = False
            if arr is None:
                arr = self._saved_owners()
            if arr is None:
                scanned = True
                arr = np.zeros(1, dtype=np.int64)
                # the first time, from the (article, rowid) index: the table's pages also
                # hold the vectors of older stores (0.9 s at 140,000 passages, now ~0.1 s)
                cur = self.db.cursor()
                cur.row_factory = None  # plain tuples: sqlite3.Row objects cost 0.4 s here
                got = np.array(cur.execute("SELECT rowid, article FROM passages INDEXED BY "
                                           "passages_article").fetchall(), dtype=np.int64)
                rows = got[np.argsort(got[:, 0])] if len(got) else []
            else:
                rows = self.db.execute("SELECT rowid, article FROM passages WHERE rowid >= ? "
                                       "ORDER BY rowid", (len(arr),)).fetchall()
            if len(rows):
                got = np.asarray(rows, dtype=np.int64)
                grown = np.zeros(int(got[-1, 0]) + 1, dtype=np.int64)
                grown[: len(arr)] = arr
                grown[got[:, 0]] = got[:, 1]
                arr = grown
            self._passage_article = arr
            if scanned and not self.readonly:
                self._keep_owners(arr)
            return arr

    def _keep_owners(self, arr: np.ndarray) -> None:
        """Record ``passage_article`` for the next process when no save has yet (an older
        store). Best effort: another process holding the write lock just means later."""
        self.db.execute("PRAGMA busy_timeout=0")
        try:
            with self._tx():
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('owners', ?)",
                                (_owners_record(arr),))
        except (StoreError, sqlite3.Error) as e:
            log.debug("%s: passage owners not kept (%s)", self.path, e)
        finally:
            self.db.execute(f"PRAGMA busy_timeout={int(lock_timeout() * 1000)}")

    def _saved_owners(self) -> np.ndarray | None:
        """``passage_article`` as the last index save recorded it (``meta.owners``), or
        ``None`` (an older store, a read-only one never saved, a damaged record): reading
        every passage's article cost a new trace process 0.15 s at 140,000 passages.
        Passages are never removed, so the record only lacks those stored since."""
        try:
            raw = self._meta("owners")
            if not raw:
                return None
            record = json.loads(raw)
            deltas = np.frombuffer(zlib.decompress(base64.b64decode(record["deltas"])),
                                   dtype="<i4")
            arr = np.cumsum(deltas, dtype=np.int64)
            if len(arr) != int(record["rows"]):
                return None
            return arr
        except (sqlite3.Error, ValueError, KeyError, TypeError, zlib.error):
            return None

    def search_passages(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Nearest stored passages for each query vector: (scores, passage rowids)."""
        if self._sync_index() and not self.readonly:
            self._write_index(wait=False)  # replace the bad file now, not at the next ingest
        if self._index.ntotal == 0 or len(vectors) == 0:
            return np.zeros((len(vectors), 0)), np.zeros((len(vectors), 0), dtype=np.int64)
        k = min(k, self._index.ntotal)
        return self._index.search(np.ascontiguousarray(vectors, dtype=np.float32), k)

    def view(self, *, writable: bool = False) -> Store:
        """This store on a SQLite connection of its own, for another thread.

        WAL lets a second connection read while this one writes, so a web request that
        only reads rows need not wait for whoever holds the engine (a trace, an ingest).
        Read-only (``PRAGMA query_only``) unless ``writable``; a writable view shares this
        store's write lock, so the two never interleave transactions. The view starts with
        no vector index (``search_passages`` would build its own): it is for rows. Close it
        with ``close()``; this store stays open.
        """
        other = copy.copy(self)
        other.db = self._connect()  # a read-only store: attached read-only, as this one
        if not writable:
            other.db.execute("PRAGMA query_only=ON")
        other.readonly = self.readonly or not writable
        other._index, other._index_rows, other._passage_article = None, 0, None
        other._index_mapped = False
        other._index_last, other._ivf_record = None, None
        return other

    def close(self) -> None:
        self.db.close()


MAX_SEARCH_TERMS = 32  # distinct words a search uses; the rest are dropped


def search_terms(q: str) -> tuple[list[str], int]:
    """The distinct words of a search (case-folded, first ``MAX_SEARCH_TERMS`` kept) and
    how many more were dropped.

    Words are cut as SQLite FTS5's ``unicode61`` tokenizer cuts them (a word is a run of
    letters, digits and combining marks), so each kept word is one token of the index and
    the query costs one posting list per word: repeating a word, or gluing thousands into
    one "phrase" with hyphens, cannot make it dearer; control characters, NULs and lone
    surrogates (a non-UTF-8 command-line argument) are not word characters and go.
    """
    words: list[str] = []
    cur: list[str] = []
    for ch in q:
        if unicodedata.category(ch)[0] in "LNM":
            cur.append(ch)
        elif cur:
            words.append("".join(cur))
            cur = []
    if cur:
        words.append("".join(cur))
    distinct = list(dict.fromkeys(w.casefold() for w in words))
    return distinct[:MAX_SEARCH_TERMS], max(0, len(distinct) - MAX_SEARCH_TERMS)


def _fts_query(q: str) -> str:
    """Each kept word quoted, so user text cannot inject FTS5 syntax (see search_terms)."""
    terms, _ = search_terms(q)
    return " ".join(f'"{t}"' for t in terms) or '""'


def open_store(path: str | Path | None, config: FingerprintConfig, create: bool = True,
               readonly: bool | None = None) -> Store:
    """Open (or create) the store folder at ``path`` (default ``$WIRETRACE_STORE`` or
    ``./wiretrace-data``).

    ``readonly``: ``None`` (default) opens read-only exactly when this process may not write
    the folder or its files, so every read works on a shared, archived or mounted store;
    ``True`` never writes; ``False`` requires write access. ``create=False`` refuses a
    folder that holds no store instead of starting one.
    """
    p = Path(path) if path else default_store_path()
    if p.exists() and not p.is_dir():
        raise StoreError(f"{p}: not a folder. Pass --store DIR with a folder path.")
    if not (p / DB_NAME).exists():
        if not create:
            raise StoreError(
                f"{p}: no wiretrace store here. Run `wiretrace ingest --store {p} FILES` first."
            )
        if readonly:
            raise StoreError(f"{p}: no wiretrace store here to open read-only.")
        try:
            p.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{p}: cannot create the store folder ({e.strerror or e}). "
                             "Pass --store DIR with a folder you can write.") from e
        if not writable(p):
            raise StoreError(f"{p}: no write permission here to create a store. Pass "
                             "--store DIR with a folder you can write.")
        return Store(p, config, readonly=False, create=True)
    can_write = writable(p)
    if readonly is False and not can_write:
        raise StoreError(f"{p}: read-only (no write permission on the folder or its files, or "
                         "a read-only mount), and this needs to write to it.")
    return Store(p, config, readonly=bool(readonly) or not can_write, create=create)
