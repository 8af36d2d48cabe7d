"""The MinHash LSH's band keys are kept in the store (issue 12): a new process queries
SQLite instead of re-inserting every signature, and finds what datasketch's LSH finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from datasketch import MinHashLSH

from wiretrace.data import Article
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace
from wiretrace.fingerprint.lexical import from_bytes
from wiretrace.retrieve import LexicalIndex
from wiretrace.store import open_store

pytestmark = pytest.mark.usefixtures("one_model_load")


def _rows(engine: Wiretrace) -> list[tuple[int, bytes]]:
    return [(int(r), b) for r, b in engine.store.db.execute(
        "SELECT rowid, minhash FROM articles ORDER BY rowid")]


def _datasketch(rows: list[tuple[int, bytes]]) -> MinHashLSH:
    lsh = MinHashLSH(threshold=0.3, num_perm=128)
    for rowid, blob in rows:
        lsh.insert(rowid, from_bytes(blob))
    return lsh


@pytest.fixture()
def engine(tmp_path: Path) -> Wiretrace:
    docs = load_jsonl(CORPUS / "originals.jsonl") + load_jsonl(CORPUS / "copies.jsonl")
    wt = Wiretrace(tmp_path / "store")
    wt.add([to_article(d) for d in docs])
    return wt


def test_band_table_finds_what_datasketch_finds_and_is_kept(engine: Wiretrace) -> None:
    rows = _rows(engine)
    reference = _datasketch(rows)
    index = LexicalIndex(engine.store, 0.3, 128)
    for rowid, blob in rows:
        found = index.query(blob)
        assert set(found) == set(reference.query(from_bytes(blob)))
        assert rowid in found  # an article shares every band with itself
    kept = engine.store.db.execute("SELECT count(*) FROM lsh_bands").fetchone()[0]
    assert kept == len(rows) * index.bands
    fresh = LexicalIndex(engine.store, 0.3, 128)  # a new process: nothing to recompute
    fresh.sync()
    assert fresh.kept == rows[-1][0] and not fresh.memory


def test_an_article_stored_later_is_found(engine: Wiretrace) -> None:
    index = LexicalIndex(engine.store, 0.3, 128)
    index.sync()
    src = engine.store.get(next(iter(engine.store.ids())))
    assert src is not None
    engine.add([Article(id="later", text=src.text + "\n\nA closing line the copier added.")])
    later = engine.store.rowid_of("later")
    blob = engine.store.db.execute("SELECT minhash FROM articles WHERE rowid=?",
                                   (later,)).fetchone()[0]
    assert later in index.query(blob)


def test_a_read_only_store_without_kept_keys_indexes_in_memory(engine: Wiretrace) -> None:
    rows = _rows(engine)
    config = engine.fingerprinter.config
    engine.store.close()
    ro = open_store(engine.store.path, config, readonly=True)
    index = LexicalIndex(ro, 0.3, 128)
    reference = _datasketch(rows)
    for _, blob in rows[:5]:
        assert set(index.query(blob)) == set(reference.query(from_bytes(blob)))
    assert index.memory and index.kept <= 0
    assert ro.db.execute("SELECT count(*) FROM lsh_bands").fetchone()[0] == 0
