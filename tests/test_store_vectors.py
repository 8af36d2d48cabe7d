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
    return store_module._reconstruct(engine.store._index, rowids).astype(np.float16)


def test_sqlite_keeps_no_vector_and_the_index_holds_the_fingerprints(tmp_path: Path) -> None:
    engine = Wiretrace(tmp_path / "store")
    engine.add(_articles()[:6])
    assert engine.store.db.execute(
        "SELECT count(*) FROM passages WHERE length(vec) > 0").fetchone()[0] == 0
    rowids, made = _made(engine)
    assert np.array_equal(_held(engine, rowids), made)
    got = engine.store.passage_vectors(rowids[:5])
    assert np.array_equal(engine.store.passage_vectors(rowids * 400)[-len(rowids):], made)
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


def _step(index: object) -> float:
    """The widest step of an 8-bit inverted file's codes (its largest dimension range /
    255): no held vector is further than half of it from the fingerprint, per dimension."""
    import faiss

    ivf = _ivf_of(index)
    trained = faiss.vector_to_array(ivf.sq.trained).reshape(2, -1)  # mins, then ranges
    return float(trained[1].max()) / 255


def test_the_inverted_file_holds_8bit_codes_of_the_vectors(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Not residuals from a centroid: each passage's vector itself, in 8-bit codes (half
    float16's bytes), so what it gives back is close to the fingerprint, not equal; a
    store that saves one is marked schema version 3."""
    monkeypatch.setattr(store_module, "IVF_MIN_PASSAGES", 150)
    monkeypatch.setattr(store_module, "_ivf_lists", lambda n: 8)
    engine = Wiretrace(tmp_path / "store")
    engine.add(_articles())
    ivf = _ivf_of(engine.store._index)
    assert ivf is not None and not ivf.by_residual and ivf.code_size == 512
    assert store_module._is_8bit(engine.store._index)
    assert not store_module._exact(engine.store._index)
    rowids, made = _made(engine)
    held = _held(engine, rowids).astype(np.float32)
    err = np.abs(held - made.astype(np.float32)).max()
    assert 0 < err <= _step(engine.store._index) / 2 + 1e-3
    got = engine.store.passage_vectors(rowids)
    assert got is not None and np.array_equal(got, held.astype(np.float16))
    assert engine.store._meta("schema_version") == "3"
    engine.store.close()
    again = Wiretrace(tmp_path / "store", create=False)  # saved and loaded, checked
    assert np.array_equal(_held(again, rowids), held.astype(np.float16))


def _small_ivf_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                     ) -> tuple[Wiretrace, list[Article], list[int], np.ndarray]:
    """The demo corpus in a store made to keep an inverted file of 8 lists (a real one
    needs 100,000 passages), with every passage's rowid and fingerprint vector."""
    monkeypatch.setattr(store_module, "IVF_MIN_PASSAGES", 150)
    monkeypatch.setattr(store_module, "_ivf_lists", lambda n: 8)
    arts = _articles()
    engine = Wiretrace(tmp_path / "store")
    engine.add(arts)
    rowids, made = _made(engine)
    return engine, arts, rowids, made


def test_compact_turns_a_float16_inverted_file_into_8bit_codes_in_the_same_lists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A version-2 store's inverted file of float16 vectors opens and traces as it is;
    ``compact`` rewrites it as 8-bit codes, every passage in the list it was in, the file
    about half as big, the store marked 3 (an older wiretrace refuses it)."""
    import faiss

    engine, arts, rowids, made = _small_ivf_store(tmp_path, monkeypatch)
    store = engine.store
    fp16 = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(512), 512, 8,
                                         faiss.ScalarQuantizer.QT_fp16,
                                         faiss.METRIC_INNER_PRODUCT)
    fp16.by_residual = False  # as version 2 built it
    fp16.train(made.astype(np.float32))
    fp16.add_with_ids(made.astype(np.float32), np.asarray(rowids, dtype=np.int64))
    store_module._tune(fp16)
    store._index, store._index_last = fp16, None
    with store._tx():
        store.db.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    store._version = 2
    store._write_index(wait=True)
    queries = [Article(id=f"q{i}", text=arts[i].text + "\n\nA line the copier added.")
               for i in (0, 3, 7)]
    before = [[(r.source_id, r.kind) for r in engine.trace(q).sources] for q in queries]
    store.close()

    def lists(index: object) -> dict[int, int]:
        ivf = _ivf_of(index)
        return {int(i): k for k in range(ivf.nlist) for i in faiss.rev_swig_ptr(
            ivf.invlists.get_ids(k), ivf.invlists.list_size(k))}

    old = Wiretrace(tmp_path / "store", create=False)
    assert old.store._version == 2 and store_module._exact(old.store._index)
    got = old.store.passage_vectors(rowids)
    assert got is not None and np.array_equal(got, made)  # version 2: exact, as it was
    in_lists = lists(old.store._index)
    size = (tmp_path / "store" / "passages.faiss").stat().st_size
    old.store.compact()
    assert store_module._is_8bit(old.store._index)
    assert lists(old.store._index) == in_lists
    assert (tmp_path / "store" / "passages.faiss").stat().st_size < 0.6 * size
    old.store.close()
    again = Wiretrace(tmp_path / "store", create=False)
    again.store._sync_index()
    assert again.store._version == 3 and store_module._is_8bit(again.store._index)
    after = [[(r.source_id, r.kind) for r in again.trace(q).sources] for q in queries]
    assert after == before
    assert again.store.db.execute("SELECT value FROM meta WHERE key='schema_version'"
                                  ).fetchone()[0] == "3"


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


def test_compact_rewrites_an_older_store_smaller_with_the_same_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An older store: float16 copies in SQLite, an inverted file of residuals, float16 full
    vectors, rowid tables for terms and band keys. Compacted, it traces the same; its
    inverted file holds 8-bit codes of the vectors (read from SQLite's copies) in the same
    lists."""
    import faiss

    engine, arts, rowids, made = _small_ivf_store(tmp_path, monkeypatch)
    store = engine.store
    with store._tx():
        store.db.executemany("UPDATE passages SET vec=? WHERE rowid=?",
                             [(v.tobytes(), r) for r, v in zip(rowids, made, strict=True)])
        for table, key, kind in (("terms", "term", "TEXT"), ("lsh_bands", "key", "INTEGER")):
            store.db.execute(f"CREATE TABLE old_{table} ({key} {kind} NOT NULL, "
                             "article INTEGER NOT NULL)")
            store.db.execute(f"INSERT INTO old_{table} SELECT {key}, article FROM {table}")
            store.db.execute(f"DROP TABLE {table}")
            store.db.execute(f"ALTER TABLE old_{table} RENAME TO {table}")
            store.db.execute(f"CREATE INDEX {table}_{key} ON {table}({key})")
        store.db.execute("DELETE FROM meta WHERE key='index'")
    ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(512), 512, 8,
                                        faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    assert ivf.by_residual
    ivf.train(made.astype(np.float32))
    ivf.add_with_ids(made.astype(np.float32), np.asarray(rowids, dtype=np.int64))
    store_module._tune(ivf)  # searched as a loaded one is
    store._index, store._index_last = ivf, None
    store._write_index(wait=True)
    store.db.execute("DELETE FROM meta WHERE key='index'")  # an older record: no checksum
    queries = [Article(id=f"q{i}", text=arts[i].text + "\n\nA line the copier added.")
               for i in (0, 3, 7)]
    before = [[(r.source_id, r.kind, r.confidence) for r in engine.trace(q).relations]
              for q in queries]
    full_rowid = next(iter(store.db.execute("SELECT article FROM profiles")))[0]
    with store._tx():  # one kept profile as float16, as older stores kept them
        blob = store.db.execute("SELECT full FROM profiles WHERE article=?",
                                (full_rowid,)).fetchone()[0]
        vecs = np.frombuffer(blob[1:], dtype=np.int8).reshape(-1, 512).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        store.db.execute("UPDATE profiles SET full=? WHERE article=?",
                         (vecs.astype(np.float16).tobytes(), full_rowid))
    store.close()

    old = Wiretrace(tmp_path / "store", create=False)
    sizes = old.store.compact()
    assert sizes["bytes_after"] < sizes["bytes_before"]
    db = old.store.db
    assert db.execute("SELECT count(*) FROM passages WHERE length(vec) > 0").fetchone()[0] == 0
    for table in ("terms", "lsh_bands"):
        assert "WITHOUT ROWID" in db.execute("SELECT sql FROM sqlite_master WHERE name=?",
                                             (table,)).fetchone()[0]
    assert db.execute("SELECT count(*) FROM profiles WHERE length(full) % 512 != 1"
                      ).fetchone()[0] == 0
    assert not _ivf_of(old.store._index).by_residual
    assert store_module._is_8bit(old.store._index)
    old.store.close()
    again = Wiretrace(tmp_path / "store", create=False)
    got = again.store.passage_vectors(rowids)
    assert got is not None
    err = np.abs(got.astype(np.float32) - made.astype(np.float32)).max()
    assert 0 < err <= _step(again.store._index) / 2 + 1e-3
    after = [[(r.source_id, r.kind, r.confidence) for r in again.trace(q).relations]
             for q in queries]
    for a, b in zip(after, before, strict=True):
        # the same relations but for the unrelated articles that fill the last candidate
        # places: their retrieval scores are near-ties the 8-bit codes reorder
        assert len(a) == len(b)
        assert [x for x in a if x[1] != "unrelated"] == [x for x in b if x[1] != "unrelated"]


def test_a_mapped_index_is_copied_before_passages_are_added(tmp_path: Path) -> None:
    """The saved index is memory-mapped when read (a trace reads a few lists of it); faiss
    aborts the process if a mapped index is grown, so it is copied first."""
    arts = _articles()
    writer = Wiretrace(tmp_path / "store")
    writer.add(arts[:4])
    reader = Wiretrace(tmp_path / "store", create=False)
    query = Article(id="q", text=arts[1].text + "\n\nAnd one more line.")
    assert reader.trace(query).sources
    assert reader.store._index_mapped
    writer.add(arts[4:8])  # another process stores more passages
    found = reader.trace(Article(id="q2", text=arts[6].text + "\n\nA closing line."))
    assert not reader.store._index_mapped
    assert reader.store._index.ntotal == reader.store.n_passages()
    assert found.sources and found.sources[0].source_id == arts[6].id


def test_the_passage_owners_are_read_from_the_last_save_and_extended(tmp_path: Path) -> None:
    arts = _articles()
    engine = Wiretrace(tmp_path / "store")
    engine.add(arts[:5])
    scanned = engine.store.db.execute("SELECT rowid, article FROM passages").fetchall()
    fresh = Wiretrace(tmp_path / "store", create=False)
    saved = fresh.store._saved_owners()
    assert saved is not None
    assert all(saved[r] == a for r, a in scanned) and len(saved) == 1 + max(r for r, _ in scanned)
    engine.store.db.execute("UPDATE meta SET value='{\"rows\": 3}' WHERE key='owners'")
    other = Wiretrace(tmp_path / "store", create=False)  # a damaged record: scanned instead
    assert other.store._saved_owners() is None
    with engine.store._tx():
        engine.store.db.execute("DELETE FROM meta WHERE key='owners'")
    engine.store.save_index()  # written again
    engine.store.db.execute("PRAGMA wal_checkpoint")
    fresh.store._passage_article = None
    fresh.add(arts[5:7])  # stored after the record: extended
    owners = fresh.store.passage_article()
    rows = fresh.store.db.execute("SELECT rowid, article FROM passages").fetchall()
    assert len(owners) == 1 + max(r for r, _ in rows)
    assert all(owners[r] == a for r, a in rows)


def test_an_older_store_gets_its_passage_owners_recorded_by_the_first_reader(
        tmp_path: Path) -> None:
    engine = Wiretrace(tmp_path / "store")
    engine.add(_articles()[:4])
    with engine.store._tx():
        engine.store.db.execute("DELETE FROM meta WHERE key='owners'")
    reader = Wiretrace(tmp_path / "store", create=False)
    owners = reader.store.passage_article()
    saved = Wiretrace(tmp_path / "store", create=False).store._saved_owners()
    assert saved is not None and np.array_equal(saved, owners)


def test_an_older_store_is_marked_current_when_it_first_gets_passages(tmp_path: Path) -> None:
    """A version-1 store (static vectors in SQLite) stays readable; once this version stores
    passages in it (vectors in the index only) it is marked version 2, which an older
    wiretrace refuses with a message instead of failing on the empty vectors."""
    arts = _articles()
    engine = Wiretrace(tmp_path / "store")
    engine.add(arts[:2])
    with engine.store._tx():
        engine.store.db.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    engine.store.close()
    old = Wiretrace(tmp_path / "store", create=False)
    assert old.store._version == 1 and old.trace(arts[0]).candidates >= 0
    old.add(arts[2:3])
    assert old.store._meta("schema_version") == "2"  # 3 only once it has an 8-bit index
    future = str(store_module.SCHEMA_VERSION + 1)
    with old.store._tx():
        old.store.db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (future,))
    old.store.close()
    with pytest.raises(store_module.StoreError, match=f"schema version {future}"):
        Wiretrace(tmp_path / "store", create=False)


def test_a_new_small_store_stays_readable_by_the_version_before(tmp_path: Path) -> None:
    """A store that never saved an index of 8-bit codes is marked schema 2, which the
    wiretrace before schema 3 reads; only an 8-bit index makes it 3 (tested above)."""
    engine = Wiretrace(tmp_path / "store")
    engine.add(_articles()[:3])
    assert engine.store._meta("schema_version") == "2"
    assert not store_module._is_8bit(engine.store._index)
    engine.store.close()
    again = Wiretrace(tmp_path / "store", create=False)
    assert again.store._version == 2 and again.store.ids()


def test_vectors_added_after_a_read_are_read_from_the_index_not_encoded_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index's list of ids is kept between reads (sorting it cost every trace 4.5 ms at
    20k articles); passages stored after a read must still be found in the index, not made
    again from their text."""
    arts = _articles()
    engine = Wiretrace(tmp_path / "store")
    engine.add(arts[:3])
    first = [int(r[0]) for r in engine.store.db.execute("SELECT rowid FROM passages")]
    assert engine.store.passage_vectors(first) is not None
    engine.add(arts[3:5])
    later = [int(r[0]) for r in engine.store.db.execute(
        "SELECT rowid FROM passages WHERE rowid > ?", (max(first),))]
    assert later

    def no_encoder() -> None:
        raise AssertionError("a stored passage's vector was encoded again")

    monkeypatch.setattr(engine.store, "encoder", no_encoder)
    got = engine.store.passage_vectors(later)
    rowids, made = _made(engine)
    want = made[[rowids.index(r) for r in later]]
    assert got is not None and np.array_equal(got, want.astype(np.float16))
