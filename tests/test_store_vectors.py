"""The static-tier passage vectors are kept once, in the vector index: SQLite keeps none
for a new store (it kept a float16 copy of each, 1 KB a passage). What the index holds is
exactly what fingerprinting made, after an ingest, after the index file is lost and rebuilt
by encoding the texts again, after it becomes an inverted file, and in an older store that
still keeps its copies in SQLite."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import wiretrace.store.sqlite as store_module
from wiretrace.data import Article
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace
from wiretrace.prepare import prepared
from wiretrace.store.sqlite import _ivf_of

pytestmark = pytest.mark.usefixtures("one_model_load")


def _articles() -> list[Article]:
    docs = load_jsonl(CORPUS / "originals.jsonl") + load_jsonl(CORPUS / "copies.jsonl")
    return [to_article(d) for d in docs]


def _made(engine: Wiretrace) -> tuple[list[int], np.ndarray]:
    """Every stored passage's rowid and the vector fingerprinting makes for it."""
    rowids, vecs = [], []
    for aid in engine.store.ids():
        art = engine.store.get(aid)
        assert art is not None
        rowid = engine.store.rowid_of(aid)
        rowids += [int(r[0]) for r in engine.store.db.execute(
            "SELECT rowid FROM passages WHERE article=? ORDER BY idx", (rowid,))]
        vecs.append(engine.fingerprinter.fingerprint_many([art])[0].vectors)
    return rowids, np.concatenate(vecs)


def _held(engine: Wiretrace, rowids: list[int]) -> np.ndarray:
    engine.store._sync_index()
    got = engine.store._index.reconstruct_batch(np.asarray(rowids, dtype=np.int64))
    return np.asarray(got).astype(np.float16)


def test_sqlite_keeps_no_vector_and_the_index_holds_the_fingerprints(tmp_path: Path) -> None:
    engine = Wiretrace(tmp_path / "store")
    engine.add(_articles()[:6])
    assert engine.store.db.execute(
        "SELECT count(*) FROM passages WHERE length(vec) > 0").fetchone()[0] == 0
    rowids, made = _made(engine)
    assert np.array_equal(_held(engine, rowids), made)
    got = engine.store.passage_vectors(rowids[:5])
    assert got is not None and np.array_equal(got, made[:5])


def test_a_lost_index_is_rebuilt_by_encoding_the_texts_again(tmp_path: Path) -> None:
    arts = _articles()[:6]
    Wiretrace(tmp_path / "store").add(arts)
    (tmp_path / "store" / "passages.faiss").unlink()
    engine = Wiretrace(tmp_path / "store", create=False)
    query = prepared(Article(id="q", text=arts[2].text + "\n\nOne more line here."))
    found = engine.trace(query)
    assert found.sources and found.sources[0].source_id == arts[2].id
    rowids, made = _made(engine)
    assert np.array_equal(_held(engine, rowids), made)


def test_an_ingest_stopped_before_its_index_save_loses_no_vector(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    arts = _articles()[:6]
    first = Wiretrace(tmp_path / "store")
    first.add(arts[:3])
    monkeypatch.setattr(first.store, "save_index", lambda: None)  # killed before the save
    first.add(arts[3:])
    monkeypatch.undo()
    again = Wiretrace(tmp_path / "store", create=False)
    rowids, made = _made(again)
    assert np.array_equal(_held(again, rowids), made)


def test_the_inverted_file_holds_vectors_not_residuals(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "IVF_MIN_PASSAGES", 150)
    monkeypatch.setattr(store_module, "_ivf_lists", lambda n: 8)
    engine = Wiretrace(tmp_path / "store")
    engine.add(_articles())
    ivf = _ivf_of(engine.store._index)
    assert ivf is not None and not ivf.by_residual
    rowids, made = _made(engine)
    assert np.array_equal(_held(engine, rowids), made)
    engine.store.close()
    again = Wiretrace(tmp_path / "store", create=False)  # saved and loaded, checked
    assert np.array_equal(_held(again, rowids), made)


def test_an_older_store_that_keeps_vectors_in_sqlite_still_works(tmp_path: Path) -> None:
    arts = _articles()[:6]
    engine = Wiretrace(tmp_path / "store")
    engine.add(arts[:4])
    rowids, made = _made(engine)
    with engine.store._tx():  # as an older wiretrace wrote them
        engine.store.db.executemany("UPDATE passages SET vec=? WHERE rowid=?",
                                    [(v.tobytes(), r) for r, v in zip(rowids, made,
                                                                      strict=True)])
        engine.store.db.execute("DELETE FROM meta WHERE key='index'")
    engine.store.close()
    (tmp_path / "store" / "passages.faiss").unlink()
    old = Wiretrace(tmp_path / "store", create=False)
    old.add(arts[4:])  # new passages keep no copy; the old ones keep theirs
    assert old.store.db.execute(
        "SELECT count(*) FROM passages WHERE length(vec) > 0").fetchone()[0] == len(rowids)
    all_ids, all_made = _made(old)
    assert np.array_equal(_held(old, all_ids), all_made)
    got = old.store.passage_vectors(all_ids)
    assert got is not None and np.array_equal(got, all_made)
