"""Engine tests on the shipped demo originals: a chrome-wrapped copy is traced to its
source, a same-event independent report is not called a copy, the store is idempotent and
refuses foreign fingerprints."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from wiretrace.data import Article
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace, prepare
from wiretrace.fingerprint import FingerprintConfig
from wiretrace.store import StoreError, open_store


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return load_jsonl(CORPUS / "originals.jsonl")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, corpus: list[dict]) -> Wiretrace:
    wt = Wiretrace(tmp_path_factory.mktemp("store"))
    wt.add([to_article(d) for d in corpus if d["role"] != "independent_report"])
    return wt


def _original(corpus: list[dict], event_index: int = 0) -> dict:
    return [d for d in corpus if d["role"] == "wire_original"][event_index]


def test_chrome_wrapped_copy_is_traced_to_its_source(engine: Wiretrace, corpus: list[dict]) -> None:
    src = _original(corpus)
    body = src["text"].split(" - ", 1)[1]  # wire credit stripped
    text = "Share this\nWorld\n\n" + body + "\n\nRelated stories\nBack to top"
    result = engine.trace(Article(id="copy-1", text=text))
    assert result.sources, result.relations
    top = result.sources[0]
    assert top.source_id == src["id"]
    assert top.kind in {"verbatim", "edited"}
    assert top.features["coverage_source"] > 0.9
    # alignment offsets point at the same sentence text on both sides
    stored = engine.store.get(src["id"])
    assert stored is not None
    for p in top.alignment:
        if p.kind == "same":
            a, b = p.copy_span
            c, d = p.source_span
            # "same" ignores a dateline credit the copier cut ("ROTTERDAM, ... (Meridian) - ")
            assert stored.text[c:d].endswith(result.article.text[a:b])


def test_partial_copy(engine: Wiretrace, corpus: list[dict]) -> None:
    src = prepare(to_article(_original(corpus, 1)))
    n = len(src.passages)
    part = src.passages[n // 4 : n // 4 + n // 2]
    text = " ".join(p.text for p in part)
    result = engine.trace(Article(id="part-1", text=text))
    assert result.sources and result.sources[0].source_id == src.id
    assert result.sources[0].kind == "partial"


def test_independent_report_is_not_a_copy(engine: Wiretrace, corpus: list[dict]) -> None:
    for d in corpus:
        if d["role"] == "independent_report":
            result = engine.trace(to_article(d))
            assert not result.sources, (d["id"], [(r.source_id, r.kind) for r in result.sources])


def test_ingest_is_idempotent(tmp_path: Path, corpus: list[dict]) -> None:
    engine = Wiretrace(tmp_path / "store")  # its own: a republication joins later traces
    engine.add([to_article(_original(corpus))])
    before = len(engine.store)
    stats = engine.add([to_article(_original(corpus))])
    assert stats.ingested == 0 and stats.duplicates == 1
    # the same text under another id is another page: kept as a republication, sharing
    # the stored text (no second article, no new passages); adding it again is a duplicate
    passages = engine.store.n_passages()
    stats = engine.add([replace(to_article(_original(corpus)), id="other-id")])
    assert (stats.ingested, stats.republications, stats.duplicates) == (0, 1, 0)
    assert engine.add([replace(to_article(_original(corpus)), id="other-id")]).duplicates == 1
    assert len(engine.store) == before and engine.store.n_passages() == passages
    assert engine.store.n_republications() == 1


def test_store_refuses_other_fingerprints(tmp_path: Path) -> None:
    open_store(tmp_path, FingerprintConfig(num_perm=128, static_model="a")).close()
    with pytest.raises(StoreError, match="fingerprinted"):
        open_store(tmp_path, FingerprintConfig(num_perm=64, static_model="a"))


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="wiretrace ingest"):
        Wiretrace(tmp_path / "nope", create=False)


def test_search(engine: Wiretrace, corpus: list[dict]) -> None:
    src = _original(corpus)
    word = src["title"].split()[-1]
    hits = engine.store.search(word + ' OR "injection', limit=5)  # user text is quoted, inert
    assert isinstance(hits, list)
    hits = engine.store.search(word, limit=5)
    assert any(h["id"] == src["id"] for h in hits)


def test_vector_cache_catches_up_after_a_crash(tmp_path: Path, corpus: list[dict]) -> None:
    """Rows committed to SQLite but missing from the FAISS file are added on next open."""
    wt = Wiretrace(tmp_path)
    wt.add([to_article(corpus[0])])
    n1 = wt.store.n_passages()
    # simulate a crash after the SQLite commit of a second batch: no save_index()
    art = prepare(to_article(corpus[1]))
    from wiretrace.store import IngestStats

    wt.store.add([art], wt.fingerprinter.fingerprint_many([art]), IngestStats())
    wt.store.close()
    wt2 = Wiretrace(tmp_path)
    wt2.store._sync_index()
    assert wt2.store._index.ntotal == n1 + len(art.passages)
    assert json.loads(wt2.store._meta("fingerprint"))["num_perm"] == 128


def test_roundup_page_names_each_story_it_strings_together(engine: Wiretrace,
                                                           corpus: list[dict]) -> None:
    """A digest of three wire stories: each covers a third of the page, too little for the
    judge alone, yet each is whole inside it; each part is judged, offsets on the page."""
    wires = [d for d in corpus if d["role"] == "wire_original"][:3]
    assert len(wires) == 3
    blocks = [f"{d['title']}\n\n{re.split(' [-—] ', d['text'], maxsplit=1)[1]}" for d in wires]
    page = "Today's top stories from around the region.\n\n" + "\n\n".join(blocks)
    result = engine.trace(Article(id="roundup-1", text=page))
    found = {r.source_id: r for r in result.sources}
    assert set(found) == {d["id"] for d in wires}, [(r.source_id, r.kind) for r in
                                                    result.relations]
    spans = []
    for d in wires:
        rel = found[d["id"]]
        assert rel.features["roundup_sources"] == 3
        assert rel.copy_id == "roundup-1"
        start, end = rel.features["roundup_span"]
        spans.append((start, end))
        stored = engine.store.get(d["id"])
        assert stored is not None
        for p in rel.alignment:  # offsets point into the whole page, at the same sentence
            a, b = p.copy_span
            assert start <= a < b <= end
            if p.kind == "same":
                c, e = p.source_span
                assert stored.text[c:e].endswith(result.article.text[a:b])
        assert any("roundup" in why for why in rel.direction_evidence)
    assert result.verdict.startswith("roundup of 3 stored articles: ")
    spans.sort()
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(2))  # three separate parts
