"""Loaders and the data set builder, on the real ECB+ and Reuters files (a few topics)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from wiretrace.bench import sources
from wiretrace.bench.dataset import build_dataset, load_dataset, sentence_overlap
from wiretrace.bench.derive import KINDS, check

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
pytestmark = pytest.mark.skipif(
    not (DATA / "ecbplus" / "articles.jsonl").exists(), reason="needs ../shared/data"
)


def test_ecb_loader_and_splits() -> None:
    dev = sources.load_ecbplus(DATA, split="dev")
    test = sources.load_ecbplus(DATA, split="test")
    assert {a.meta["topic"] for a in dev} == set(range(1, 26)) - {15, 17}  # ECB+ lacks 15, 17
    assert {a.meta["topic"] for a in test} == set(range(26, 36))
    assert len(dev) + len(test) == 772
    by_id = {a.id: a for a in dev}
    a = by_id["ecb-1_10ecbplus"]
    assert a.title == "Lindsay Lohan checks into Betty Ford Center"
    assert a.published == "2013-05-03" and a.site == "articles.latimes.com"
    assert a.meta["event"] == "1b" and a.text.startswith("After skipping out")
    for art in dev[:50]:
        for p in art.passages:
            assert art.text[p.start : p.end] == p.text and "\n" not in p.text


def test_wire_credit_stamp_keeps_offsets() -> None:
    a = sources.article_from_sentences("x", ["First one here.", "Second one."])
    b = sources.with_wire_credit(a, "Reuters")
    assert b.text.startswith("(Reuters) - First") and b.credits == ["Reuters"]
    assert [b.text[p.start : p.end] for p in b.passages] == [p.text for p in b.passages]
    assert a.text == "First one here.\n\nSecond one."  # the original is untouched


def test_reuters_unwrap() -> None:
    rec = {
        "id": "reut-x",
        "date": "26-FEB-1987 15:01:01.79",
        "title": "T",
        "text": "First line of\nthe first paragraph.\n    Second paragraph\nwraps here.",
    }
    art = sources.reuters_article(rec)
    assert art.text == "First line of the first paragraph.\n\nSecond paragraph wraps here."
    assert art.published == "1987-02-26T15:01:01"


def test_sentence_overlap_flags_republications() -> None:
    s = [
        "The quake struck the island early on Sunday morning, officials said.",
        "At least five people were injured and several homes were damaged.",
        "Rescue teams were sent from the capital.",
    ]
    a = sources.article_from_sentences("a", s)
    b = sources.article_from_sentences("b", ["Breaking news from the region today.", *s[:2]])
    c = sources.article_from_sentences("c", ["An earthquake hit an island on Sunday."])
    assert sentence_overlap(a, b)[0] >= 0.5
    assert sentence_overlap(a, c)[0] == 0.0


def test_build_small_dataset_and_reload_from_cache(tmp_path: Path) -> None:
    kw = dict(topics=[3, 4], n_sources=3, n_distractors=5, cache_dir=tmp_path)
    ds = build_dataset("dev", 0, DATA, **kw)
    assert ds.path is not None and ds.path.exists()
    assert str(ds.path).startswith(str(tmp_path)) and ds.path.name == "dataset.jsonl.gz"
    assert len(ds.source_ids) == 3 and len(ds.copies) == 3 * len(KINDS)
    assert {d.kind for d in ds.copies} == set(KINDS)
    assert ds.stats["apertium_calls"] <= 2
    for d in ds.copies:
        assert d.source_id in ds.source_ids
        assert check(d, ds.article(d.source_id)) == []
    groups = {n.group for n in ds.negatives}
    assert groups == {"same_event", "same_topic", "other_topic"}
    real = {(r.a_id, r.b_id) for r in ds.real_copies}
    assert not real & {(n.a_id, n.b_id) for n in ds.negatives}
    assert ds.stats["negatives_excluded_as_real_copies"] == ds.stats["real_copies_same_event"]
    assert len(ds.distractor_ids) == 5 and all(i.startswith("reut-") for i in ds.distractor_ids)
    assert {a.meta["topic"] for a in ds.originals} == {3, 4}

    t = time.perf_counter()
    again = build_dataset("dev", 0, DATA, **kw)
    assert time.perf_counter() - t < 2.0
    assert again.content_hash == ds.content_hash
    loaded = load_dataset(ds.path)
    assert loaded.content_hash == ds.content_hash and loaded.key == ds.key
    assert [d.to_dict() for d in loaded.copies] == [d.to_dict() for d in ds.copies]
    assert loaded.settings["seed"] == 0 and loaded.settings["topics"] == [3, 4]


def test_dataset_is_deterministic_given_a_seed(tmp_path: Path) -> None:
    kw = dict(
        topics=[5], n_sources=2, n_distractors=0, kinds=("verbatim", "spun", "edited"),
        use_cache=False,
    )  # fmt: skip
    a = build_dataset("dev", 1, DATA, **kw)
    b = build_dataset("dev", 1, DATA, **kw)
    c = build_dataset("dev", 2, DATA, **kw)
    assert a.content_hash == b.content_hash
    assert a.content_hash != c.content_hash


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="split"):
        build_dataset("train", data_dir=DATA)
    with pytest.raises(ValueError, match="kinds"):
        build_dataset("dev", data_dir=DATA, kinds=("rewritten",))
    with pytest.raises(ValueError, match="topics"):
        build_dataset("dev", data_dir=DATA, topics=[30])
