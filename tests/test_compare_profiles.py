"""Profiles and the store-free comparer (issue 12): an article's full-model vectors are
computed once per store, not once per process; the comparer needs no engine or store and
gives the engine's verdicts; a part of a stored article never replaces its vectors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from wiretrace.compare import (
    _JOINED,
    Settings,
    build_profile,
    compare,
    compare_seated,
    full_vectors,
)
from wiretrace.data import Article
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace
from wiretrace.fingerprint import codec
from wiretrace.fingerprint.embed import FullEncoder
from wiretrace.prepare import prepared
from wiretrace.store import open_store

pytestmark = pytest.mark.usefixtures("one_model_load")


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return load_jsonl(CORPUS / "originals.jsonl")


def _pair(corpus: list[dict]) -> tuple[Article, Article]:
    """A wire original and a chrome-free edited copy of it (two sentences dropped)."""
    src = to_article(next(d for d in corpus if d["role"] == "wire_original"))
    paras = src.text.split("\n\n")
    copy = Article(id="copy-1", text="\n\n".join(paras[:1] + paras[2:]),
                   url="https://example.org/copy")
    return src, copy


class _Counting:
    """The full model, counting the passages it is asked to encode."""

    def __init__(self, full: FullEncoder) -> None:
        self.full, self.passages = full, 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.passages += len(texts)
        return self.full.encode(texts)


def test_comparer_needs_no_store_and_gives_the_engine_verdict(
        tmp_path: Path, corpus: list[dict]) -> None:
    src, copy = _pair(corpus)
    engine = Wiretrace(tmp_path / "store")
    engine.add([src])
    via_engine = engine.compare(copy, engine.store.get(src.id))  # type: ignore[arg-type]
    full = engine.fingerprinter.full
    alone = compare(build_profile(copy, full), build_profile(src, full), Settings())
    assert via_engine.derived and via_engine.source_id == src.id
    assert (alone.kind, alone.direction, round(alone.confidence, 6)) == (
        via_engine.kind, via_engine.direction, round(via_engine.confidence, 6))
    assert [(p.copy_idx, p.source_idx) for p in alone.alignment] == [
        (p.copy_idx, p.source_idx) for p in via_engine.alignment]
    seated = compare_seated(build_profile(src, full), build_profile(copy, full), Settings())
    assert seated.derived  # the other seating is tried: the copy is the source's copy


def test_full_vectors_are_kept_in_the_store_and_read_by_a_new_process(
        tmp_path: Path, corpus: list[dict], monkeypatch: pytest.MonkeyPatch) -> None:
    src, copy = _pair(corpus)
    first = Wiretrace(tmp_path / "store")
    first.add([src])
    stored = first.store.get(src.id)
    assert stored is not None
    rel1 = first.compare(copy, stored)
    first.store.close()

    second = Wiretrace(tmp_path / "store")  # a new engine: no vectors in memory
    counting = _Counting(second.fingerprinter.full)
    monkeypatch.setattr(second.fingerprinter, "full", counting)  # shared: put it back
    again = second.store.get(src.id)
    assert again is not None
    rel2 = second.compare(copy, again)
    # only the unstored copy was encoded; the stored original's vectors were read back
    assert counting.passages == len(prepared(copy).passages)
    assert (rel2.kind, rel2.direction, rel2.confidence) == (rel1.kind, rel1.direction,
                                                            rel1.confidence)


def test_a_part_of_a_stored_article_does_not_replace_its_vectors(
        tmp_path: Path, corpus: list[dict]) -> None:
    """A roundup judges parts of a page under the page's id: the part's vectors must not
    be kept as the page's."""
    src, _ = _pair(corpus)
    engine = Wiretrace(tmp_path / "store")
    engine.add([src])
    stored = engine.store.get(src.id)
    assert stored is not None
    whole = prepared(stored)
    engine.profile(whole)
    rowid = engine.store.rowid_of(src.id)
    assert rowid is not None
    head = replace(whole, text=whole.text[: whole.passages[1].end], passages=[])
    engine.forget_vectors()
    engine.profile(head)
    row = engine.store.db.execute("SELECT length(full) FROM profiles WHERE article=?",
                                  (rowid,)).fetchone()
    assert row[0] == 1 + len(whole.passages) * 512  # a format byte, int8 codes


def test_vectors_are_rounded_as_kept_so_every_path_agrees(corpus: list[dict],
                                                         fingerprinter) -> None:  # type: ignore[no-untyped-def]
    src, _ = _pair(corpus)
    art = prepared(src)
    vecs = full_vectors(fingerprinter.full, art)
    assert vecs.dtype == np.float32 and len(vecs) == len(art.passages)
    assert np.array_equal(vecs, codec.rounded(vecs))
    assert np.array_equal(codec.unpack(codec.pack(vecs), len(vecs)), vecs)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    raw = fingerprinter.full.encode([p.text for p in art.passages])
    cos = np.sum(raw * vecs, axis=1) / np.linalg.norm(raw, axis=1)
    assert cos.min() > 0.999 and not np.array_equal(vecs, raw)  # rounded, barely moved


def test_a_read_only_store_reads_kept_vectors_and_writes_nothing(
        tmp_path: Path, corpus: list[dict], monkeypatch: pytest.MonkeyPatch) -> None:
    """Opened read-only (what a store the user may not write opens as: see
    test_store_hardening for the permission side), kept vectors are read and new ones are
    kept in memory only."""
    src, copy = _pair(corpus)
    engine = Wiretrace(tmp_path / "store")
    engine.add([src])
    engine.compare(copy, engine.store.get(src.id))  # type: ignore[arg-type]
    config = engine.fingerprinter.config
    engine.store.close()
    before = (tmp_path / "store" / "wiretrace.sqlite").read_bytes()
    ro = Wiretrace(tmp_path / "store", create=False)
    ro.store.close()
    ro.store = open_store(tmp_path / "store", config, readonly=True)
    counting = _Counting(ro.fingerprinter.full)
    monkeypatch.setattr(ro.fingerprinter, "full", counting)  # shared: put it back
    other = Article(id="other", text=prepared(copy).text + "\n\nOne more sentence here.")
    assert ro.compare(copy, ro.store.get(src.id)).derived  # type: ignore[arg-type]
    assert ro.compare(other, ro.store.get(src.id)).derived  # type: ignore[arg-type]
    assert counting.passages == len(prepared(copy).passages) + len(prepared(other).passages)
    assert not ro.store.save_full(1, "x", np.zeros((1, 512), np.float32))
    ro.store.close()
    assert (tmp_path / "store" / "wiretrace.sqlite").read_bytes() == before


def test_the_python_api_cleans_a_hand_made_article_as_the_cli_reads_a_file(
        tmp_path: Path, corpus: list[dict]) -> None:
    """``Wiretrace.trace(Article(text=page))`` once skipped the reader's page cleaning
    that ``wiretrace trace page.txt`` does, and missed chromed copies the CLI found."""
    from wiretrace.ingest.query import query_from_bytes
    from wiretrace.prepare import clean

    src, _ = _pair(corpus)
    page = ("Menu\nHome | World | Business | Sport\nShare this article\nFacebook Twitter "
            "WhatsApp Email\n\n" + src.text + "\n\nRead more:\nRelated stories\n"
            "Sign up for our newsletter\n© 2024 Example Media. All rights reserved.")
    via_file = query_from_bytes(page.encode(), "page.txt").article
    by_hand = clean(Article(id="q", text=page))
    assert by_hand.cleaned and by_hand.text == via_file.text != page
    assert "Share this article" in " ".join(by_hand.boilerplate)
    engine = Wiretrace(tmp_path / "store")
    engine.add([src])
    api = engine.trace(Article(id="q", text=page))
    cli = engine.trace(via_file)
    assert api.sources and cli.sources
    assert (api.sources[0].source_id, api.sources[0].kind) == (
        cli.sources[0].source_id, cli.sources[0].kind)
    stored = engine.store.get(src.id)
    assert stored is not None and stored.cleaned and clean(stored) is stored  # never twice


def test_vectors_kept_as_float16_by_an_older_store_read_rounded_as_now(tmp_path: Path) -> None:
    """An older store kept full vectors as float16 (1 KB a passage): they still load, as the
    int8-rounded vectors a new store would keep; a blob of another size is no match."""
    from wiretrace.fingerprint import FingerprintConfig

    store = open_store(tmp_path / "s", FingerprintConfig())
    rng = np.random.default_rng(3)
    vecs = rng.normal(size=(3, 512)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    old = vecs.astype(np.float16)
    store.db.execute("INSERT INTO profiles VALUES (1, 'd', ?)", (old.tobytes(),))
    got = store.load_full(1, "d", 3)
    assert got is not None and np.array_equal(got, codec.rounded(old.astype(np.float32)))
    assert store.load_full(1, "d", 2) is None and store.load_full(1, "other", 3) is None
    assert store.save_full(1, "d", vecs)
    assert store.db.execute("SELECT length(full) FROM profiles").fetchone()[0] == 1 + 3 * 512
    got = store.load_full(1, "d", 3)
    assert got is not None and np.array_equal(got, codec.rounded(vecs))
    store.close()


def test_codec_rows_are_unit_and_stable_under_rounding_again() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(50, 512)).astype(np.float32) * rng.uniform(0.1, 10, size=(50, 1))
    x[7] = 0.0
    y = codec.rounded(x)
    assert codec.pack(y) == codec.pack(x)  # kept again: the same bytes
    assert len(codec.pack(x)) == 50 * 512
    assert np.array_equal(codec.unpack(codec.pack(x), 50), y)
    norms = np.linalg.norm(y, axis=1)
    assert norms[7] == 0.0 and np.allclose(np.delete(norms, 7), 1.0, atol=1e-6)
    unit = np.delete(x, 7, axis=0) / np.linalg.norm(np.delete(x, 7, axis=0), axis=1)[:, None]
    assert (np.sum(unit * np.delete(y, 7, axis=0), axis=1) > 0.999).all()
    with pytest.raises(ValueError):
        codec.unpack(b"\0" * 513)


SPLIT_SOURCE = [
    "The harbour authority published its annual report on Monday.",
    "Port workers in Rotterdam began an indefinite strike on Tuesday over plans to automate "
    "the terminals, halting most container traffic at Europe's largest harbour and stranding "
    "dozens of ships.",
    "Union leaders said talks with the employers would resume next week.",
]
SPLIT_COPY = [
    "The harbour authority released its yearly report on Monday.",
    "Dock employees in Rotterdam launched an open-ended walkout on Tuesday against terminal "
    "automation plans.",
    "Most container traffic at the biggest harbour in Europe stopped, leaving dozens of "
    "vessels stuck.",
    "Union leaders said negotiations with the employers would restart next week.",
]


def test_a_broken_sentence_is_scored_by_its_joined_halves(fingerprinter) -> None:  # type: ignore[no-untyped-def]
    """A translation broke the source's second sentence in two: each half says part of it
    (cosine ~0.6), the two joined say all of it; the pair is scored as joined, and every
    way of calling the comparer agrees."""
    full = fingerprinter.full
    src = build_profile(Article(id="src", text=" ".join(SPLIT_SOURCE)), full)
    copy = build_profile(Article(id="copy", text=" ".join(SPLIT_COPY)), full)
    halves = [i for i, p in enumerate(copy.article.passages) if "Rotterdam" in p.text
              or "vessels stuck" in p.text]
    target = next(j for j, p in enumerate(src.article.passages) if "Rotterdam" in p.text)
    assert len(halves) == 2
    best_half = max(float(copy.full[i] @ src.full[target]) for i in halves)
    joined_text = " ".join(copy.article.passages[i].text for i in halves)
    whole = float(codec.rounded(full.encode([joined_text]))[0] @ src.full[target])
    assert best_half < 0.8 <= whole  # the halves alone would not make a strong pair
    rel = compare(copy, src, Settings(encoder=full))
    pair = next(p for p in rel.alignment if target in p.source_idx)
    assert pair.copy_idx == halves and pair.kind == "split"
    assert pair.similarity == pytest.approx(whole, abs=1e-3)
    assert set(copy.joins) == {halves[0]}  # the profile keeps the joined vector it needed
    # the comparer's own model (none passed), with nothing kept from the call above, gives
    # the same pair
    _JOINED.clear()
    again = compare(build_profile(copy.article, full=copy.full),
                    build_profile(src.article, full=src.full), Settings())
    assert [(p.copy_idx, p.source_idx, p.similarity) for p in again.alignment] == [
        (p.copy_idx, p.source_idx, p.similarity) for p in rel.alignment]


def test_joined_vectors_are_kept_in_the_store_so_a_new_process_loads_no_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A trace in a new process reads every vector a pair needs, the broken sentence's
    joined halves included (encoding them meant loading the model: ~1 s a trace)."""
    src = Article(id="src", text=" ".join(SPLIT_SOURCE))
    copy = Article(id="copy", text=" ".join(SPLIT_COPY))
    first = Wiretrace(tmp_path / "store")
    first.add([src, copy])
    s1, c1 = first.store.get("src"), first.store.get("copy")
    assert s1 is not None and c1 is not None
    rel1 = first.compare(c1, s1)
    assert any(p.kind == "split" for p in rel1.alignment)
    rowid = first.store.rowid_of("copy")
    kept = first.store.db.execute("SELECT first FROM joins WHERE article=?",
                                  (rowid,)).fetchall()
    assert len(kept) == 1
    first.store.close()

    _JOINED.clear()
    second = Wiretrace(tmp_path / "store")
    counting = _Counting(second.fingerprinter.full)
    monkeypatch.setattr(second.fingerprinter, "full", counting)
    s2, c2 = second.store.get("src"), second.store.get("copy")
    assert s2 is not None and c2 is not None
    rel2 = second.compare(c2, s2)
    assert counting.passages == 0
    assert [(p.copy_idx, p.source_idx, p.similarity) for p in rel2.alignment] == [
        (p.copy_idx, p.source_idx, p.similarity) for p in rel1.alignment]


def test_joined_vectors_of_another_text_under_a_stored_id_are_not_kept(
        tmp_path: Path) -> None:
    """A query that reuses a stored article's id with other text must not leave its joined
    vectors under the stored article."""
    src = Article(id="src", text=" ".join(SPLIT_SOURCE))
    engine = Wiretrace(tmp_path / "store")
    engine.add([src, Article(id="copy", text="An unrelated stored text about the weather. "
                             "It rained all day in the north of the country.")])
    stored = engine.store.get("src")
    assert stored is not None
    rel = engine.compare(Article(id="copy", text=" ".join(SPLIT_COPY)), stored)
    assert any(p.kind == "split" for p in rel.alignment)
    assert engine.store.db.execute("SELECT count(*) FROM joins").fetchone()[0] == 0


def test_the_engines_full_vectors_are_its_profiles(tmp_path: Path, corpus: list[dict]) -> None:
    """The benchmark's document-embedding baseline reads ``Wiretrace.full_vectors``: the
    vectors a comparison of the same article uses."""
    src, _ = _pair(corpus)
    engine = Wiretrace(tmp_path / "store")
    engine.add([src])
    stored = engine.store.get(src.id)
    assert stored is not None
    got = engine.full_vectors(prepared(stored))
    assert got.shape == (len(prepared(stored).passages), 512)
    assert np.array_equal(got, engine.profile(stored).full)


def test_the_copys_own_spinner_words_name_the_tool_of_a_cut(
        corpus: list[dict], fingerprinter, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A cut of its source (every other paragraph) with too few swaps to say which tool
    changed it is a summary, unless the copy's own text carries a spinner's words: the
    comparer asks ``spinner_score`` of the copy, not of the source."""
    import wiretrace.compare as comparer

    src = to_article(next(d for d in corpus if d["role"] == "wire_original"))
    cut = Article(id="cut", text="\n\n".join(src.text.split("\n\n")[0:8:2]))
    full = fingerprinter.full
    asked: list[str] = []

    def judged(score: float) -> str:
        def fake(article: Article) -> float:
            asked.append(article.id)
            return score
        monkeypatch.setattr(comparer, "spinner_score", fake)
        return compare(build_profile(cut, full), build_profile(src, full), Settings()).kind

    assert judged(0.0) == "summarised"
    assert judged(1.0) == "spun"
    assert set(asked) == {"cut"}
