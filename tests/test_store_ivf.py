"""A large store's passage index is an inverted file (issue 12): built once the store
passes ``IVF_MIN_PASSAGES``, saved and loaded like the exhaustive one, kept in step with
new passages, retrained when the store has grown a few times over. The thresholds are
lowered here so the demo corpus crosses them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import wiretrace.store.sqlite as store_module
from wiretrace.data import Article
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace
from wiretrace.store.sqlite import _ivf_of

pytestmark = pytest.mark.usefixtures("one_model_load")


@pytest.fixture()
def small_ivf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "IVF_MIN_PASSAGES", 300)
    monkeypatch.setattr(store_module, "_ivf_lists", lambda n: 8)


def _articles() -> list[Article]:
    docs = load_jsonl(CORPUS / "originals.jsonl") + load_jsonl(CORPUS / "copies.jsonl")
    return [to_article(d) for d in docs]


def test_a_store_past_the_threshold_gets_an_inverted_file_that_traces_and_reloads(
        small_ivf: None, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    arts = _articles()
    engine = Wiretrace(tmp_path / "store")
    engine.add(arts[:4])
    assert engine.store.n_passages() < 300 and _ivf_of(engine.store._index) is None
    engine.add(arts[4:])
    n = engine.store.n_passages()
    assert n >= 300
    ivf = _ivf_of(engine.store._index)
    assert ivf is not None and engine.store._index.ntotal == n
    src = arts[0]
    stored = engine.store.get(src.id)
    assert stored is not None
    copy = Article(id="copy", text=stored.text)
    found = engine.trace(copy).sources
    assert found and found[0].source_id in {src.id, *[p.id for p in
                                                     engine.store.republications_of(src.id)]}
    engine.store.close()
    with caplog.at_level(logging.WARNING, logger="wiretrace.store"):
        again = Wiretrace(tmp_path / "store")
        again.trace(copy)
    assert not [r for r in caplog.records if "rebuilding" in r.getMessage()]
    assert _ivf_of(again.store._index) is not None and again.store._index.ntotal == n


def test_the_inverted_file_takes_new_passages_and_is_retrained_as_the_store_grows(
        small_ivf: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "IVF_MIN_PASSAGES", 100)
    arts = _articles()
    engine = Wiretrace(tmp_path / "store")
    engine.add(arts[:5])  # 100 passages: trained for them
    trained = engine.store._ivf_trained(_ivf_of(engine.store._index))
    assert trained == engine.store.n_passages() >= 100
    more = [Article(id=f"extra-{i}", text=a.text + f"\n\nUpdate {i}: officials added more.")
            for i, a in enumerate(arts[:3])]
    engine.add(more)  # less than 4x: into the trained lists
    assert engine.store._ivf_trained(_ivf_of(engine.store._index)) == trained
    assert engine.store._index.ntotal == engine.store.n_passages()
    engine.add(arts[5:])  # past 4x: trained again, for all of them
    grown = engine.store.n_passages()
    assert grown >= 4 * trained
    assert engine.store._ivf_trained(_ivf_of(engine.store._index)) == grown
    assert engine.store._index.ntotal == grown


def test_passages_another_writer_stores_during_a_sync_are_not_skipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index's watermark is the last passage it added, not the store's last one: a
    passage another process stored while the index was catching up was once skipped for
    good (a fuzz run ended 2,055 vectors short of its passages)."""
    arts = _articles()
    one = Wiretrace(tmp_path / "store")
    one.add(arts[:3])
    other = Wiretrace(tmp_path / "store")
    add = one.store._add_passages
    meanwhile = iter([arts[3]])

    def racing(index, after, *rest):  # type: ignore[no-untyped-def]
        last = add(index, after, *rest)
        for art in meanwhile:  # the other process commits right after this read
            other.add([art])
        return last

    monkeypatch.setattr(one.store, "_add_passages", racing)
    one.add(arts[4:6])
    monkeypatch.undo()
    one.store._sync_index()
    assert one.store._index.ntotal == one.store.n_passages()


def test_a_read_command_writes_the_index_it_had_to_rebuild(
        small_ivf: None, tmp_path: Path) -> None:
    """A missing index file was rebuilt in memory by every read command and never saved:
    each new process paid the rebuild (15 s for an inverted file at 140,000 passages)."""
    arts = _articles()
    Wiretrace(tmp_path / "store").add(arts)
    index_file = tmp_path / "store" / "passages.faiss"
    index_file.unlink()
    reader = Wiretrace(tmp_path / "store", create=False)
    reader.trace(Article(id="q", text=arts[0].text))
    assert index_file.exists()
    again = Wiretrace(tmp_path / "store", create=False)
    again.trace(Article(id="q", text=arts[0].text))
    assert _ivf_of(again.store._index) is not None
    assert again.store._index.ntotal == again.store.n_passages()
