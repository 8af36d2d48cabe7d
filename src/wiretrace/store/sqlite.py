"""SQLite + FAISS store.

SQLite (WAL, one transaction per batch) is the source of truth: articles, passages with
their static-tier vectors (float16), MinHash signatures, entity terms, relations. The FAISS
index file is a cache of the passage vectors, saved atomically with a watermark (the last
passage rowid it holds); on open, rows past the watermark are added. So an ingest killed
with ``kill -9`` loses nothing it committed, and the next run resumes where it stopped.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wiretrace.data import Article, Passage
from wiretrace.fingerprint import Fingerprint, FingerprintConfig

SCHEMA_VERSION = 1
DB_NAME = "wiretrace.sqlite"
INDEX_NAME = "passages.faiss"
_DIM = 512

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
CREATE TABLE IF NOT EXISTS terms (term TEXT NOT NULL, article INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS terms_term ON terms(term);
CREATE TABLE IF NOT EXISTS relations (
    copy_id TEXT NOT NULL, source_id TEXT NOT NULL, kind TEXT NOT NULL,
    confidence REAL NOT NULL, direction TEXT NOT NULL, report TEXT NOT NULL,
    PRIMARY KEY (copy_id, source_id)
);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid'
);
"""


class StoreError(Exception):
    """A store that cannot be opened or used as asked; the message says how to fix it."""


@dataclass(slots=True)
class IngestStats:
    ingested: int = 0
    duplicates: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    passages: int = 0

    def fail(self, reason: str) -> None:
        self.failed[reason] = self.failed.get(reason, 0) + 1


def default_store_path() -> Path:
    return Path(os.environ.get("WIRETRACE_STORE") or "wiretrace-data")


def content_hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()


class Store:
    """Articles and their fingerprints in one folder. Open with ``open_store``."""

    def __init__(self, path: Path, config: FingerprintConfig, readonly: bool = False) -> None:
        self.path = path
        self.config = config
        self.readonly = readonly
        self._lock = threading.RLock()
        self._index: Any = None
        self._index_rows = 0
        self._passage_article: np.ndarray | None = None
        self.db = sqlite3.connect(
            str(path / DB_NAME), check_same_thread=False, isolation_level=None, timeout=30
        )
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self._check_identity()

    # -- identity ---------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _check_identity(self) -> None:
        version = self._meta("schema_version")
        identity = self._meta("fingerprint")
        if version is None:
            with self._tx():
                self.db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                self.db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)",
                    (self.config.identity(),),
                )
            return
        if int(version) != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version}, this wiretrace reads version "
                f"{SCHEMA_VERSION}. Re-ingest into a new store (--store NEW_DIR)."
            )
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
            self.store._lock.acquire()
            self.store.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: object, *_: object) -> None:
            try:
                self.store.db.execute("ROLLBACK" if exc_type else "COMMIT")
            finally:
                self.store._lock.release()

    def _tx(self) -> Store._Tx:
        return Store._Tx(self)

    # -- writing ----------------------------------------------------------------------
    def has(self, article_id: str, text: str | None = None) -> bool:
        row = self.db.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None and text is not None:
            row = self.db.execute(
                "SELECT 1 FROM articles WHERE content_hash=?", (content_hash(text),)
            ).fetchone()
        return row is not None

    def add(
        self, articles: list[Article], fingerprints: list[Fingerprint], stats: IngestStats
    ) -> None:
        """Add a batch in one transaction; an article already stored (same id or same
        text) counts as a duplicate and is left as it is."""
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only")
        with self._tx():
            for art, fp in zip(articles, fingerprints, strict=True):
                h = content_hash(art.text)
                if self.db.execute(
                    "SELECT 1 FROM articles WHERE id=? OR content_hash=?", (art.id, h)
                ).fetchone():
                    stats.duplicates += 1
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
                vecs = fp.vectors.astype(np.float16)
                self.db.executemany(
                    "INSERT INTO passages (article, idx, start, end, vec) VALUES (?,?,?,?,?)",
                    [
                        (rowid, p.index, p.start, p.end, vecs[i].tobytes())
                        for i, p in enumerate(art.passages)
                    ],
                )
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
        row = self.db.execute("SELECT * FROM articles WHERE id=?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def get_by_rowid(self, rowid: int) -> Article | None:
        row = self.db.execute("SELECT * FROM articles WHERE rowid=?", (rowid,)).fetchone()
        return self._article(row) if row else None

    def rowid_of(self, article_id: str) -> int | None:
        row = self.db.execute("SELECT rowid FROM articles WHERE id=?", (article_id,)).fetchone()
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
        """Articles sharing rare entity terms, scored by summed IDF of the shared terms."""
        terms = list(dict.fromkeys(terms))
        if not terms:
            return []
        n = max(1, len(self))
        scores: dict[int, float] = {}
        for i in range(0, len(terms), 500):
            chunk = terms[i : i + 500]
            marks = ",".join("?" * len(chunk))
            dfs = dict(self.db.execute(
                f"SELECT term, count(*) FROM terms WHERE term IN ({marks}) GROUP BY term",
                chunk,
            ).fetchall())
            rare = [t for t in chunk if 0 < dfs.get(t, 0) <= max(2, max_df * n)]
            if not rare:
                continue
            marks = ",".join("?" * len(rare))
            for term, art in self.db.execute(
                f"SELECT term, article FROM terms WHERE term IN ({marks})", rare
            ):
                scores[art] = scores.get(art, 0.0) + float(np.log(1 + n / dfs[term]))
        return sorted(scores.items(), key=lambda kv: -kv[1])[:limit]

    # -- vectors ----------------------------------------------------------------------
    def _sync_index(self) -> None:
        import faiss

        with self._lock:
            if self._index is None:
                path = self.path / INDEX_NAME
                index = None
                if path.exists():
                    try:
                        index = faiss.read_index(str(path))
                    except RuntimeError:
                        index = None  # a damaged cache: rebuild from SQLite
                if index is None:
                    index = faiss.IndexIDMap2(
                        faiss.IndexScalarQuantizer(
                            _DIM, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
                        )
                    )
                self._index = index
            watermark = int(self._index.id_map.at(self._index.ntotal - 1)) if (
                self._index.ntotal
            ) else 0
            rows = self.db.execute(
                "SELECT rowid, vec FROM passages WHERE rowid > ? ORDER BY rowid", (watermark,)
            )
            while True:
                batch = rows.fetchmany(50_000)
                if not batch:
                    break
                ids = np.fromiter((r[0] for r in batch), dtype=np.int64, count=len(batch))
                vecs = np.frombuffer(b"".join(r[1] for r in batch), dtype=np.float16)
                self._index.add_with_ids(vecs.reshape(len(batch), _DIM).astype(np.float32), ids)
            self._passage_article = None

    def save_index(self) -> None:
        """Write the FAISS cache atomically (tmp file + rename)."""
        import faiss

        self._sync_index()
        tmp = self.path / f"{INDEX_NAME}.{os.getpid()}.tmp"
        faiss.write_index(self._index, str(tmp))
        os.replace(tmp, self.path / INDEX_NAME)

    def passage_article(self) -> np.ndarray:
        """Article rowid of every passage rowid (dense array indexed by passage rowid)."""
        if self._passage_article is None:
            rows = self.db.execute("SELECT rowid, article FROM passages").fetchall()
            top = max((r[0] for r in rows), default=0)
            arr = np.zeros(top + 1, dtype=np.int64)
            for pid, art in rows:
                arr[pid] = art
            self._passage_article = arr
        return self._passage_article

    def search_passages(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Nearest stored passages for each query vector: (scores, passage rowids)."""
        self._sync_index()
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
        other.db = sqlite3.connect(
            str(self.path / DB_NAME), check_same_thread=False, isolation_level=None, timeout=30
        )
        other.db.row_factory = sqlite3.Row
        if not writable:
            other.db.execute("PRAGMA query_only=ON")
        other.readonly = self.readonly or not writable
        other._index, other._index_rows, other._passage_article = None, 0, None
        return other

    def close(self) -> None:
        self.db.close()


def _fts_query(q: str) -> str:
    """Quote each word so user text cannot inject FTS5 syntax."""
    toks = [t.replace('"', '""') for t in q.split() if t.strip()]
    return " ".join(f'"{t}"' for t in toks) or '""'


def open_store(path: str | Path | None, config: FingerprintConfig, create: bool = True,
               readonly: bool = False) -> Store:
    """Open (or create) the store folder at ``path`` (default ``$WIRETRACE_STORE`` or
    ``./wiretrace-data``)."""
    p = Path(path) if path else default_store_path()
    if p.exists() and not p.is_dir():
        raise StoreError(f"{p}: not a folder. Pass --store DIR with a folder path.")
    if not (p / DB_NAME).exists():
        if not create:
            raise StoreError(
                f"{p}: no wiretrace store here. Run `wiretrace ingest --store {p} FILES` first."
            )
        p.mkdir(parents=True, exist_ok=True)
    return Store(p, config, readonly=readonly)
