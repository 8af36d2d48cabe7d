"""The store when things around it go wrong: a store the user may not write, a damaged or
truncated ``wiretrace.sqlite``, another process sitting on the write lock, an index save
killed half-way, an index file copied from another store.

Read-only for real: the commands run in a child process that cannot write the store even
as root (``unprivileged_support``: ``setpriv`` drops root's permission override), and the
child checks first that it really cannot write.

The child loads the model once and runs every command through Click's runner, printing one
JSON object per command: exit code, stdout, stderr.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from unprivileged_support import freeze, thaw, unprivileged
from web_support import demo_copies, demo_engine
from wiretrace.cli import EXIT_STORE, main
from wiretrace.engine import Wiretrace
from wiretrace.fingerprint import Fingerprinter
from wiretrace.store import StoreError, open_store
from wiretrace.store.sqlite import DB_NAME, INDEX_NAME
from wiretrace.story.pairs import PairCache, PairVerdict

SPUN = "copy-2-spun"
SOURCE = "meridian-rotterdam-port-strike"
WAL_ONLY = "wal-only-article"  # committed into the write-ahead log only, never checkpointed


# -- helpers --------------------------------------------------------------------------------
_CHILD = r"""
import json, os, sys
from pathlib import Path
from click.testing import CliRunner
import wiretrace.engine
from wiretrace.cli import main
from wiretrace.fingerprint import Fingerprinter

plan = json.loads(sys.argv[1])
out = {"probes": {}}
for folder in plan["probes"]:
    try:
        Path(folder, "probe").write_text("x")
        out["probes"][folder] = "written"
    except OSError as e:
        out["probes"][folder] = type(e).__name__
fp = Fingerprinter()
wiretrace.engine.Fingerprinter = lambda: fp
for name, args in plan["commands"].items():
    r = CliRunner().invoke(main, args)
    out[name] = {"exit": r.exit_code, "stdout": r.stdout, "stderr": r.stderr,
                 "exception": None if r.exception is None or isinstance(r.exception, SystemExit)
                 else repr(r.exception)}
print(json.dumps(out))
"""


def _run_unprivileged(commands: dict[str, list[str]], probes: list[Path]) -> dict:
    plan = json.dumps({"commands": commands, "probes": [str(p) for p in probes]})
    r = subprocess.run([*unprivileged(), sys.executable, "-c", _CHILD, plan],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args)


pytestmark = pytest.mark.usefixtures("one_model_load")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, fingerprinter: Fingerprinter) -> Path:
    """A closed demo store (originals and same-event reports); copy it before changing it."""
    folder = tmp_path_factory.mktemp("built") / "store"
    demo_engine(folder, fingerprinter).store.close()
    return folder


def _copy(built: Path, to: Path) -> Path:
    shutil.copytree(built, to)
    return to


# -- a store the user may not write ---------------------------------------------------------
def _leave_uncheckpointed_commit(store: Path) -> None:
    """A writer commits one article into the WAL and is killed before any checkpoint:
    the -wal and -shm files stay beside the database, as after ``kill -9``."""
    code = f"""
import os, sqlite3
db = sqlite3.connect({str(store / DB_NAME)!r}, isolation_level=None)
db.execute("PRAGMA wal_autocheckpoint=0")
db.execute("BEGIN IMMEDIATE")
cur = db.execute("INSERT INTO articles (id, content_hash, title, text, minhash, n_passages) "
                 "VALUES (?, 'x', 'Zanzibar clove harvest', 'Zanzibar clove harvest.', x'', 0)",
                 ({WAL_ONLY!r},))
db.execute("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
           (cur.lastrowid, 'Zanzibar clove harvest', 'Zanzibar clove harvest.'))
db.execute("COMMIT")
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert (store / f"{DB_NAME}-wal").stat().st_size > 0


def test_every_read_command_works_on_a_store_it_may_not_write(built: Path,
                                                              tmp_path: Path) -> None:
    ro = _copy(built, tmp_path / "ro")
    pending = _copy(built, tmp_path / "pending")  # a killed writer's WAL and -shm beside it
    _leave_uncheckpointed_commit(pending)
    lost_shm = _copy(pending, tmp_path / "lost-shm")  # the same WAL without its -shm
    (lost_shm / f"{DB_NAME}-shm").unlink()
    copy_file = tmp_path / "copy.txt"
    copy_file.write_text(demo_copies()[SPUN]["text"], encoding="utf-8")
    inbox = tmp_path / "inbox.txt"
    inbox.write_text(demo_copies()["copy-7-edited"]["text"], encoding="utf-8")
    for folder in (ro, pending, lost_shm):
        freeze(folder)
    before = {f: _snapshot(f) for f in (ro, pending, lost_shm)}
    try:
        out = _run_unprivileged({
            "search": ["search", "dockworkers strike", "--store", str(ro)],
            "trace": ["trace", str(copy_file), "--store", str(ro), "--format", "json"],
            "trace_id": ["trace", SOURCE, "--store", str(ro), "--format", "json"],
            "inspect": ["inspect", SOURCE, "--store", str(ro), "--format", "json"],
            "stories": ["stories", "--store", str(ro), "--format", "json"],
            "ingest": ["ingest", str(inbox), "--store", str(ro)],
            "pending": ["search", "Zanzibar", "--store", str(pending)],
            "lost_shm": ["search", "Zanzibar", "--store", str(lost_shm)],
        }, probes=[ro, pending])
    finally:
        after = {f: _snapshot(f) for f in (ro, pending, lost_shm)}
        for folder in (ro, pending, lost_shm):
            thaw(folder)
    assert out["probes"] == {str(ro): "PermissionError", str(pending): "PermissionError"}
    for name in ("search", "trace", "trace_id", "inspect", "stories", "pending"):
        assert (out[name]["exit"], out[name]["exception"]) == (0, None), (name, out[name])
    assert SOURCE in [json.loads(line)["id"] for line in out["search"]["stdout"].splitlines()]
    report = json.loads(out["trace"]["stdout"])
    assert report["sources"][0]["source"]["id"] == SOURCE
    assert json.loads(out["inspect"]["stdout"])["schema"] == "wiretrace.inspect/1"
    stories = json.loads(out["stories"]["stdout"])
    assert any(SOURCE in [a["id"] for a in s["articles"]] for s in stories["stories"])
    assert "read-only" in out["stories"]["stderr"] and "not cached" in out["stories"]["stderr"]
    assert out["ingest"]["exit"] == EXIT_STORE
    assert "read-only" in out["ingest"]["stderr"] and str(ro) in out["ingest"]["stderr"]
    # the killed writer's commit is read from its WAL, not skipped over
    assert [json.loads(x)["id"] for x in out["pending"]["stdout"].splitlines()] == [WAL_ONLY]
    # without the -shm that WAL cannot be read here: refused, rather than answered without it
    assert out["lost_shm"]["exit"] == EXIT_STORE and out["lost_shm"]["exception"] is None
    assert f"{DB_NAME}-wal still holds commits" in out["lost_shm"]["stderr"]
    assert after == before  # not a byte written, no -wal or -shm created, no cache saved


def test_read_only_store_reads_cached_side_tables_and_caches_in_memory_only(
        built: Path, tmp_path: Path) -> None:
    """Story verdicts cached by an earlier run are used; new ones live in memory only."""
    folder = _copy(built, tmp_path / "store")
    config = Wiretrace(folder, create=False)
    store = config.store
    cache = PairCache(store, "settings-1")
    cache.put([PairVerdict(SOURCE, "other", "independent", 0.9)], done=[SOURCE])
    store.close()
    before = (folder / DB_NAME).read_bytes()
    ro = open_store(folder, config.fingerprinter.config, readonly=True)
    assert ro.readonly
    ro_cache = PairCache(ro, "settings-1")
    assert [(v.a, v.b) for v in ro_cache.verdicts()] == [(SOURCE, "other")]
    assert SOURCE not in ro_cache.pending()
    ro_cache.put([PairVerdict("x", "y", "unrelated", 0.1)], done=["x"])
    assert ro_cache.n_pairs() == 2
    with pytest.raises(StoreError, match="read-only"):
        ro.save_relation("a", "b", "verbatim", 1.0, "unknown", {})
    ro.close()
    assert (folder / DB_NAME).read_bytes() == before
    fresh = open_store(folder, config.fingerprinter.config)
    assert PairCache(fresh, "settings-1").n_pairs() == 1


# -- a damaged or truncated wiretrace.sqlite ------------------------------------------------
def _damage(db: Path, how: str) -> None:
    data = db.read_bytes()
    if how == "garbage":
        db.write_bytes(os.urandom(len(data)))
    elif how == "truncated":
        db.write_bytes(data[: len(data) // 2])
    elif how == "header_only":
        db.write_bytes(data[:60])
    elif how == "empty":
        db.write_bytes(b"")
    elif how == "middle":  # the first pages (header, schema) intact, the rest overwritten
        cut = 4 * 4096
        db.write_bytes(data[:cut] + os.urandom(len(data) - cut))


@pytest.mark.parametrize("how", ["garbage", "truncated", "header_only", "empty", "middle"])
def test_damaged_store_is_a_store_problem_and_left_as_it_is(built: Path, tmp_path: Path,
                                                           how: str) -> None:
    folder = _copy(built, tmp_path / "store")
    _damage(folder / DB_NAME, how)
    damaged = (folder / DB_NAME).read_bytes()
    copy_file = tmp_path / "copy.txt"
    copy_file.write_text(demo_copies()[SPUN]["text"], encoding="utf-8")
    commands = [["search", "strike"], ["trace", str(copy_file)], ["stories"]]
    if how != "empty":  # an empty file is where a store begins: ingest starts one there
        commands.append(["ingest", str(copy_file)])
    for args in commands:
        r = _invoke([*args, "--store", str(folder)])
        assert r.exit_code == EXIT_STORE, (args, r.output, r.exception)
        assert isinstance(r.exception, SystemExit), (args, r.exception)
        assert str(folder) in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.output
        if how == "empty":
            assert "holds no wiretrace store" in r.stderr, (args, r.stderr)
        else:
            assert "damaged or not a wiretrace store" in r.stderr, (args, r.stderr)
    assert (folder / DB_NAME).read_bytes() == damaged


# -- a write lock held by another process ---------------------------------------------------
@pytest.fixture
def held_lock(tmp_path: Path, built: Path, monkeypatch: pytest.MonkeyPatch
              ) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A copy of the store whose write lock another process holds until told to stop."""
    folder = _copy(built, tmp_path / "store")
    monkeypatch.setenv("WIRETRACE_LOCK_TIMEOUT", "0.5")
    code = ("import sqlite3, sys\n"
            f"db = sqlite3.connect({str(folder / DB_NAME)!r}, isolation_level=None)\n"
            "db.execute('BEGIN IMMEDIATE')\nprint('locked', flush=True)\nsys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    try:
        yield folder, holder
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=30)


def _release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=30)


def test_ingest_into_a_store_another_process_holds_says_so_and_loses_nothing(
        held_lock: tuple[Path, subprocess.Popen[str]], tmp_path: Path) -> None:
    folder, holder = held_lock
    copies = tmp_path / "copies.jsonl"
    copies.write_text("".join(json.dumps({"id": k, "text": v["text"]}) + "\n"
                              for k, v in demo_copies().items()), encoding="utf-8")
    stored = open_store(folder, Wiretrace(folder, create=False).fingerprinter.config)
    before = len(stored)
    r = _invoke(["ingest", str(copies), "--store", str(folder), "--batch", "4"])
    assert r.exit_code == EXIT_STORE, (r.output, r.exception)
    assert isinstance(r.exception, SystemExit)
    assert "another process holds this store's write lock" in r.stderr
    assert str(folder) in r.stderr and "Nothing was lost" in r.stderr
    assert len(stored) == before
    _release(holder)
    again = _invoke(["ingest", str(copies), "--store", str(folder), "--batch", "4"])
    assert again.exit_code == 0, (again.output, again.exception)
    summary = json.loads(again.stdout)
    assert summary["ingested"] + summary["republications"] + summary["duplicates"] == len(
        demo_copies())
    assert summary["ingested"] > 0 and len(stored) == before + summary["ingested"]


def test_stories_on_a_store_another_process_holds_is_a_store_problem(
        held_lock: tuple[Path, subprocess.Popen[str]]) -> None:
    """The story cache writes through the store's connection itself (its own SQL): the
    command's error handler still turns the lock into the store message."""
    folder, _ = held_lock
    r = _invoke(["stories", "--store", str(folder)])
    assert r.exit_code == EXIT_STORE, (r.output, r.exception)
    assert f"{folder}: another process holds this store's write lock" in r.stderr


# -- the index file -------------------------------------------------------------------------
def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait(timeout=60)
    return p.pid


def test_stale_index_temp_files_are_removed_when_the_store_opens_for_writing(
        built: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="wiretrace.store")
    folder = _copy(built, tmp_path / "store")
    stale = folder / f"{INDEX_NAME}.{_dead_pid()}.tmp"
    live = folder / f"{INDEX_NAME}.{os.getppid()}.tmp"  # a save still running elsewhere
    other = folder / f"{INDEX_NAME}.notes.tmp"
    for f in (stale, live, other):
        f.write_bytes(b"partial index")
    config = Wiretrace(folder, create=False).fingerprinter.config  # opening for writing
    assert not stale.exists()
    assert live.exists() and other.exists()
    assert any(stale.name in r.getMessage() for r in caplog.records)
    stale.write_bytes(b"partial index")
    open_store(folder, config, readonly=True).close()  # a reader never deletes
    assert stale.exists()


def _search_one(engine: Wiretrace) -> list[str]:
    """The stored ids a spun copy's passages retrieve through the vector index."""
    from wiretrace.demo import to_article
    from wiretrace.engine import prepare

    art = prepare(to_article(demo_copies()[SPUN]))
    vecs = engine.fingerprinter.fingerprint_many([art])[0].vectors
    _, ids = engine.store.search_passages(vecs, 3)
    owner = engine.store.passage_article()
    return sorted({engine.store.get_by_rowid(int(owner[i])).id for i in ids.ravel()})


def _index_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "wiretrace.store" and r.levelno >= logging.WARNING]


@pytest.mark.parametrize("foreign", ["smaller", "same_rowids"])
def test_index_copied_from_another_store_is_rebuilt_with_a_message(
        built: Path, tmp_path: Path, fingerprinter: Fingerprinter,
        caplog: pytest.LogCaptureFixture, foreign: str) -> None:
    """``smaller``: another store with fewer passages (row count and rowids differ);
    ``same_rowids``: the same articles stored in another order, so the same rowids
    1..N hold other passages and only the vectors tell the two indexes apart."""
    from wiretrace.demo import CORPUS, load_jsonl, to_article

    folder = _copy(built, tmp_path / "store")
    truth = _search_one(Wiretrace(folder, create=False))
    other = Wiretrace(tmp_path / "other", create=True)
    docs = [to_article(d) for d in load_jsonl(CORPUS / "originals.jsonl")]
    other.add(docs[:4] if foreign == "smaller" else docs[::-1])
    other.store.close()
    shutil.copy(tmp_path / "other" / INDEX_NAME, folder / INDEX_NAME)
    caplog.clear()
    engine = Wiretrace(folder, create=False)
    assert _search_one(engine) == truth
    assert engine.store._index.ntotal == engine.store.n_passages()
    warned = _index_warnings(caplog)
    assert len(warned) == 1 and "rebuilding it from wiretrace.sqlite" in warned[0]
    assert ("not the" if foreign == "smaller" else "vectors are not this store's") in warned[0]
    caplog.clear()  # the rebuilt index replaced the foreign file: the next open is quiet
    assert _search_one(Wiretrace(folder, create=False)) == truth
    assert _index_warnings(caplog) == []


def test_index_of_a_store_from_before_the_record_is_kept_and_recorded_at_the_next_save(
        built: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A store saved before index records existed: its own index passes the vector check
    and is used as it is (no rebuild, no message); the next ingest records it."""
    from wiretrace.demo import to_article

    folder = _copy(built, tmp_path / "store")
    db = sqlite3.connect(folder / DB_NAME)
    db.execute("DELETE FROM meta WHERE key IN ('index', 'store_id')")
    db.commit()
    db.close()
    saved = (folder / INDEX_NAME).read_bytes()
    caplog.clear()
    engine = Wiretrace(folder, create=False)
    _search_one(engine)
    assert _index_warnings(caplog) == []
    assert (folder / INDEX_NAME).read_bytes() == saved
    engine.add([to_article(demo_copies()["copy-6-summarised"])])
    db = sqlite3.connect(folder / DB_NAME)
    record = dict(db.execute("SELECT key, value FROM meta").fetchall())
    db.close()
    assert json.loads(record["index"])["rows"] == engine.store.n_passages()
    assert record["store_id"]


def test_older_save_of_the_index_is_rebuilt(built: Path, tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    """A backup of the index restored over a newer one: the record says what was saved."""
    from wiretrace.demo import to_article

    folder = _copy(built, tmp_path / "store")
    old = (folder / INDEX_NAME).read_bytes()
    engine = Wiretrace(folder, create=False)
    engine.add([to_article(demo_copies()["copy-6-summarised"])])
    engine.store.close()
    (folder / INDEX_NAME).write_bytes(old)
    caplog.clear()
    again = Wiretrace(folder, create=False)
    assert again.store._load_index() is None
    assert "not the" in _index_warnings(caplog)[0]


class _LockedAtFirst:
    """A connection whose first ``PRAGMA journal_mode=WAL`` calls fail as SQLite fails them
    while another process is creating the same store (at once, without a busy wait)."""

    def __init__(self, db: sqlite3.Connection, refusals: int) -> None:
        self._db = db
        self.refusals = refusals

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql == "PRAGMA journal_mode=WAL" and self.refusals:
            self.refusals -= 1
            raise sqlite3.OperationalError("database is locked")
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._db, name)


def test_a_store_created_by_two_processes_at_once_waits_for_the_other(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wiretrace.fingerprint import FingerprintConfig
    from wiretrace.store.sqlite import Store

    real = Store._connect
    monkeypatch.setattr(Store, "_connect", lambda self: _LockedAtFirst(real(self), 3))
    store = open_store(tmp_path / "new", FingerprintConfig(), create=True)
    assert store.db.refusals == 0  # type: ignore[attr-defined]
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()

    monkeypatch.setenv("WIRETRACE_LOCK_TIMEOUT", "0")  # no wait allowed: the lock error
    monkeypatch.setattr(Store, "_connect", lambda self: _LockedAtFirst(real(self), 1))
    with pytest.raises(StoreError, match="write lock"):
        open_store(tmp_path / "other", FingerprintConfig(), create=True)
