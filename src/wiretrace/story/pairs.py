"""Pair verdicts and story assignments, kept in side tables of the store.

Judging a pair (full-model embeddings, alignment, features) is the expensive step; the
clustering and the lineage are cheap functions of the verdicts. So every verdict is written
once, keyed by the unordered pair, and re-runs or incremental updates judge only pairs they
have not seen. The tables are created when missing (``CREATE TABLE IF NOT EXISTS``): they
are a cache beside the store's schema, which keeps its version, and a store written by an
older wiretrace simply gains them. The settings that produced the verdicts are recorded;
other settings (a recalibrated judge) discard them rather than mix them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wiretrace.store import Store

_DDL = """
CREATE TABLE IF NOT EXISTS story_pairs (
    a TEXT NOT NULL, b TEXT NOT NULL, kind TEXT NOT NULL, confidence REAL NOT NULL,
    direction TEXT NOT NULL, lean REAL NOT NULL DEFAULT 0,
    evidence TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (a, b)
);
CREATE INDEX IF NOT EXISTS story_pairs_b ON story_pairs(b);
CREATE TABLE IF NOT EXISTS story_done (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS story_members (id TEXT PRIMARY KEY, story TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS story_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(slots=True)
class PairVerdict:
    """The judge's word on one pair. ``a`` sat in the copy's seat, ``b`` was the stored
    candidate; ``direction`` is relative to that seating (``candidate_is_source``: b -> a)."""

    a: str
    b: str
    kind: str
    confidence: float
    direction: str = "unknown"
    lean: float = 0.0  # the direction judge's summed votes (> 0: b is the source)
    evidence: list[str] = field(default_factory=list)

    def source_target(self) -> tuple[str, str] | None:
        """(source, copy) when the direction was decided, else None."""
        if self.direction == "candidate_is_source":
            return self.b, self.a
        if self.direction == "query_is_source":
            return self.a, self.b
        return None


class PairCache:
    """Verdicts, processed articles and story assignments of one store."""

    def __init__(self, store: Store, identity: str) -> None:
        self.store = store
        self.db = store.db
        self.db.executescript(_DDL)
        row = self.db.execute("SELECT value FROM story_meta WHERE key='identity'").fetchone()
        if row is None or row[0] != identity:
            self.clear()
            self._exec("INSERT OR REPLACE INTO story_meta VALUES ('identity', ?)", [(identity,)])

    def _exec(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        with self.store._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany(sql, list(rows))
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def clear(self) -> None:
        """Forget every verdict and assignment (``--rebuild``)."""
        with self.store._lock:
            self.db.execute("BEGIN IMMEDIATE")
            for table in ("story_pairs", "story_done", "story_members"):
                self.db.execute(f"DELETE FROM {table}")
            self.db.execute("COMMIT")

    # -- verdicts ---------------------------------------------------------------------
    def judged(self, a: str, b: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM story_pairs WHERE (a=? AND b=?) OR (a=? AND b=?)", (a, b, b, a)
        ).fetchone() is not None

    def judged_with(self, a: str) -> set[str]:
        """Every article already judged against ``a``, from either seat."""
        rows = self.db.execute(
            "SELECT b FROM story_pairs WHERE a=? UNION SELECT a FROM story_pairs WHERE b=?",
            (a, a),
        )
        return {r[0] for r in rows}

    def put(self, verdicts: list[PairVerdict], done: list[str]) -> None:
        """Write verdicts and mark articles processed, in one transaction (so a killed run
        resumes at the first article it had not finished)."""
        with self.store._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany(
                    "INSERT OR REPLACE INTO story_pairs VALUES (?,?,?,?,?,?,?)",
                    [(v.a, v.b, v.kind, v.confidence, v.direction, v.lean,
                      json.dumps(v.evidence))
                     for v in verdicts],
                )
                self.db.executemany("INSERT OR IGNORE INTO story_done VALUES (?)",
                                    [(i,) for i in done])
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def verdicts(self, kinds: Iterable[str] | None = None) -> Iterator[PairVerdict]:
        sql = "SELECT a, b, kind, confidence, direction, lean, evidence FROM story_pairs"
        args: list[str] = []
        if kinds is not None:
            ks = list(kinds)
            sql += f" WHERE kind IN ({','.join('?' * len(ks))})"
            args = ks
        for a, b, kind, conf, dirn, lean, ev in self.db.execute(sql, args):
            yield PairVerdict(a, b, kind, float(conf), dirn, float(lean), json.loads(ev))

    def n_pairs(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM story_pairs").fetchone()[0])

    # -- processed articles and assignments -------------------------------------------
    def pending(self) -> list[str]:
        """Stored articles whose neighbours have not been judged yet, in ingest order."""
        rows = self.db.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT id FROM story_done) ORDER BY rowid"
        )
        return [r[0] for r in rows]

    def members(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, story FROM story_members").fetchall())

    def set_members(self, assignment: dict[str, str]) -> None:
        self._exec("INSERT OR REPLACE INTO story_members VALUES (?, ?)", assignment.items())
