"""The web-like copy generators (issue 13, "Real copies") on real ECB+ articles.

Each generator must make what it claims, with gold that points at the right text: a
truncation is a prefix cut at a sentence end, a teaser is the lead the copy's gold maps to,
a padded page is at least half padding, a write-through keeps the first take's lead lower
down, a copy of a copy carries its parent's chrome, the wild spinner hits words inside names
and function words but not names that are no words. The containment rule takes pairs that
share a paragraph out of the independent negatives.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import replace

import pytest

from conftest import DATA
from wiretrace.bench import alter
from wiretrace.bench.dataset import (
    CONTAINMENT_MAX,
    build_dataset,
    containment,
    find_overlapping,
    negatives_of,
)
from wiretrace.bench.derive import (
    KINDS,
    REAL_KINDS,
    TRUNCATE_CHARS,
    Derived,
    RealCopies,
    check,
    default_lexicon,
    derive_real,
    mt_requests,
    real_base,
)
from wiretrace.bench.sources import (
    article_from_sentences,
    load_ecbplus,
    load_reuters,
    with_wire_credit,
)
from wiretrace.bench.spin import FUNCTION_SWAPS, apply, spin_units_wild
from wiretrace.data import Article

pytestmark = pytest.mark.skipif(
    not (DATA / "ecbplus" / "articles.jsonl").exists(), reason="needs ../shared/data"
)
SOURCE_ID = "ecb-13_4ecbplus"  # 3,452 characters, 34 sentences, event 13b (11 reports)


def fake_translator(units, mode):  # type: ignore[no-untyped-def]
    """Stands in for Apertium: deterministic, marks the mode."""
    tag = "ES" if mode.endswith("spa") else "EN"
    return [f"{tag}: {u}" if u else "" for u in units]


@pytest.fixture(scope="module")
def dev() -> dict[str, Article]:
    return {a.id: a for a in load_ecbplus(DATA, split="dev")}


@pytest.fixture(scope="module")
def source(dev: dict[str, Article]) -> Article:
    return with_wire_credit(dev[SOURCE_ID], "AP")


@pytest.fixture(scope="module")
def related(dev: dict[str, Article], source: Article) -> list[Article]:
    event = source.meta["event"]
    return sorted((a for a in dev.values() if a.meta["event"] == event and a.id != source.id),
                  key=lambda a: a.id)  # fmt: skip


@pytest.fixture(scope="module")
def padding() -> list[Article]:
    stories = load_reuters(DATA)[:300]
    return [r for r in stories if 500 <= len(r.text) <= 4000 and r.title][:60]


def make(source: Article, kind: str, seed: int, **kw) -> RealCopies:  # type: ignore[no-untyped-def]
    out = derive_real(source, kind, seed, translator=fake_translator, **kw)
    assert out is not None, (kind, seed)
    return out


def gold_of(out: RealCopies, source: Article, d: Derived) -> Article:
    return {source.id: source, **{a.id: a for a in out.index}}[d.source_id]


def body(d: Derived) -> str:
    """The copy's text from its first to its last sentence (no chrome around them)."""
    return d.copy.text[d.copy.passages[0].start : d.copy.passages[-1].end]


# -- truncation ---------------------------------------------------------------------------


def test_truncated_copy_is_a_prefix_cut_at_a_sentence_end(source: Article) -> None:
    lengths = set()
    for seed in range(6):
        out = make(source, "truncated_copy", seed)
        (d,) = out.copies
        assert check(d, source) == [] and out.index == []
        n = d.meta["prefix_chars"]
        assert TRUNCATE_CHARS[0] <= n <= TRUNCATE_CHARS[1] and n < len(source.text)
        assert n in {p.end for p in source.passages}  # a sentence end
        assert d.copy.text.startswith(source.text[:n])  # credit and all: a true prefix
        assert body(d) == source.text[:n]
        assert d.sentence_map == [[i] for i in range(len(d.copy.passages))]
        rest = d.copy.text[n:]
        assert not rest or [a.note for a in d.planted if a.type == "boilerplate_added"]
        lengths.add(n)
    assert len(lengths) > 1  # the cut moves with the seed


def test_truncation_needs_a_source_longer_than_the_cut(dev: dict[str, Article]) -> None:
    short = dev["ecb-1_12ecbplus"]  # 930 characters
    assert derive_real(short, "truncated_copy", 0) is None


# -- teaser source -------------------------------------------------------------------------


def test_teaser_source_indexes_only_the_lead(source: Article) -> None:
    for seed in range(6):
        out = make(source, "teaser_source", seed)
        (teaser,) = out.index
        (d,) = out.copies
        k = len(teaser.passages)
        assert 1 <= k <= 3 and teaser.meta["role"] == "teaser"
        assert teaser.text == source.text[: source.passages[k - 1].end]
        assert teaser.meta["event"] == source.meta["event"]
        # the gold source is the teaser; the full story is hidden from the copy's index
        assert d.source_id == teaser.id and d.meta["hidden_ids"] == [source.id]
        assert d.meta["scenario_ids"] == [teaser.id]
        assert check(d, teaser) == []
        assert d.sentence_map[:k] == [[i] for i in range(k)]
        assert all(m == [] for m in d.sentence_map[k:])
        assert d.meta["full_sentence_map"] == [[i] for i in range(len(source.passages))]
        # the copy is the whole story
        assert [p.text for p in d.copy.passages][1:] == [p.text for p in source.passages][1:]


# -- padding -------------------------------------------------------------------------------


def test_padded_page_is_at_least_half_padding(source: Article, padding: list[Article]) -> None:
    bases = set()
    for seed in range(8):
        out = make(source, "padded", seed, padding=padding)
        (d,) = out.copies
        assert check(d, source) == [] and out.index == []
        base = d.meta["base_kind"]
        bases.add(base)
        assert base == real_base(seed, source.id, "padded") == d.relation
        story_chars = sum(len(p.text) for p in d.copy.passages)
        assert story_chars <= 0.5 * len(d.copy.text)
        assert d.meta["body_share"] <= 0.5
        notes = {a.note for a in d.planted if a.type == "boilerplate_added"}
        assert {"caption", "related", "unrelated_story", "comments"} <= notes
        assert any(a.copy_text.startswith("Photo: ") for a in d.planted)
        stories = {r.id: r for r in padding}
        for sid in d.meta["padding_story_ids"]:
            assert stories[sid].text in d.copy.text
        # the sentence map points at the sentences each copy passage renders
        for p, m in zip(d.copy.passages, d.sentence_map, strict=True):
            (j,) = m
            src = source.passages[j].text
            if base == "verbatim":
                assert p.text == alter.CREDIT.sub("", src)
            elif base == "machine_translated":
                assert p.text == f"EN: ES: {src}"
        if base == "spun":
            syn = [a for a in d.planted if a.type == "synonym"]
            assert syn
            for p, (j,) in zip(d.copy.passages, d.sentence_map, strict=True):
                # undo the planted synonyms in this passage: the source sentence comes back
                mine = [a for a in syn if p.start <= a.copy_span[0] < p.end]  # type: ignore[index]
                text = p.text
                for a in sorted(mine, key=lambda a: -a.copy_span[0]):  # type: ignore[index]
                    s, e = a.copy_span[0] - p.start, a.copy_span[1] - p.start  # type: ignore[index]
                    text = text[:s] + a.source_text + text[e:]
                assert text == source.passages[j].text
    assert bases == {"verbatim", "spun", "machine_translated"}


def test_padding_needs_stories(source: Article) -> None:
    assert derive_real(source, "padded", 0, translator=fake_translator) is None


# -- version chain -------------------------------------------------------------------------


def test_version_chain_writes_through_and_copies_each_version(
    source: Article, related: list[Article]
) -> None:
    for seed in range(5):
        out = make(source, "version_chain", seed, related=related)
        (update,) = out.index
        first, upd = out.copies
        vmap = update.meta["version_map"]
        assert update.meta["role"] == "write_through"
        assert len(vmap) == len(update.passages)
        # new paragraphs on top; the first take's lead lower down; nothing of it lost
        assert vmap[0] == [] and [0] in vmap and vmap.index([0]) >= 1
        kept = [m[0] for m in vmap if m]
        assert kept == list(range(len(source.passages)))
        added = [i for i, m in enumerate(vmap) if not m]
        assert any(i > vmap.index([0]) for i in added)  # some added later, not only on top
        donor = next(a for a in related if a.id == update.meta["inserted_from"])
        for w, b in update.meta["inserted"]:
            assert alter.CREDIT.sub("", update.passages[w].text) == alter.CREDIT.sub(
                "", donor.passages[b].text
            )
        for w, m in enumerate(vmap):
            if m and m != [0]:
                assert update.passages[w].text == source.passages[m[0]].text
        assert update.text.startswith("(AP) \u2014 ")  # the credit moved to the new top
        # the copies: one per version, each mapped into its own version
        assert first.meta["version"] == "first" and first.source_id == source.id
        assert upd.meta["version"] == "update" and upd.source_id == update.id
        assert check(first, source) == [] and check(upd, update) == []
        assert first.copy.id != upd.copy.id
        assert [p.text for p in upd.copy.passages][1:] == [p.text for p in update.passages][1:]
        assert len(upd.copy.passages) == len(update.passages)


def test_version_chain_needs_another_report(source: Article) -> None:
    assert derive_real(source, "version_chain", 0, related=[]) is None


# -- copy of a copy ------------------------------------------------------------------------


def test_copy_of_copy_goes_through_a_republication(source: Article) -> None:
    bases = set()
    for seed in range(8):
        out = make(source, "copy_of_copy", seed)
        (parent,) = out.index
        (d,) = out.copies
        bases.add(d.meta["base_kind"])
        assert parent.meta["role"] == "republication" and parent.meta["of"] == source.id
        assert d.source_id == source.id and d.meta["parent_id"] == parent.id
        assert check(d, source) == []
        # the parent is the story verbatim (credit cut) inside its own chrome
        texts = [alter.CREDIT.sub("", p.text) for p in source.passages]
        assert [p.text for p in parent.passages] == texts
        assert len(parent.text) > sum(map(len, texts))
        # the copy carries some of the parent's chrome along: evidence of the parent
        carried = d.meta["carried_from_parent"]
        assert carried and all(line in parent.text and line in d.copy.text for line in carried)
        assert d.sentence_map == [[i] for i in range(len(source.passages))]
        cut = [a for a in d.planted if a.type == "attribution_removed"]
        assert len(cut) == 1 and cut[0].source_text.startswith("(AP)")
        if d.meta["base_kind"] == "spun":
            assert any(a.type == "synonym" for a in d.planted)
        else:
            assert all(p.text.startswith("EN: ES: ") for p in d.copy.passages)
            assert d.copy.passages[0].text == f"EN: ES: {texts[0]}"
    assert bases == {"spun", "machine_translated"}


def test_mt_requests_cover_what_the_generators_translate(source: Article,
                                                         padding: list[Article]) -> None:
    seen: list[str] = []

    def recording(units, mode):  # type: ignore[no-untyped-def]
        if mode == "eng-spa":
            seen.extend(units)
        return fake_translator(units, mode)

    for kind in ("padded", "copy_of_copy"):
        for seed in range(6):
            seen.clear()
            derive_real(source, kind, seed, translator=recording, padding=padding)
            assert sorted(seen) == sorted(mt_requests(source, kind, seed)), (kind, seed)


# -- the wild spinner ----------------------------------------------------------------------

WILD = [
    "Gov. Josh Green said the Communist Party was blamed for the fire on Front Street.",
    "The death toll rose to 12 after the dead were taken to a hospital, police said.",
    "Chinedu Okonkwo told reporters that many people were still missing in May.",
]


def test_wild_spinner_hits_names_of_words_and_function_words() -> None:
    lx = default_lexicon()
    party = okonkwo = function = name_notes = 0
    for seed in range(20):
        res = spin_units_wild(WILD, random.Random(seed), lx)
        out = [apply(u, s) for u, s in zip(WILD, res.substitutions, strict=True)]
        party += "Communist Party" not in out[0] and "Communist " in out[0]
        okonkwo += "Chinedu Okonkwo" in out[2]
        subs = [s for ss in res.substitutions for s in ss]
        function += any(s.pos == "function" for s in subs)
        name_notes += any(s.pos.startswith("name:") for s in subs)
        for s in subs:
            assert "Okonkwo" not in s.old and "12" not in s.old and "May" not in s.old
            if s.pos == "function":
                assert s.old.lower() in FUNCTION_SWAPS
    assert okonkwo == 20  # a name that is no word is never touched
    assert party >= 5  # "Party" is a word: the spinner changes it inside the name
    assert function >= 15 and name_notes >= 15


def test_wild_spinner_swaps_said_and_was_as_spinners_do() -> None:
    lx = default_lexicon()
    outs = set()
    for seed in range(30):
        res = spin_units_wild(WILD[:1], random.Random(seed), lx)
        outs.update((s.old, s.new) for s in res.substitutions[0] if s.pos == "function")
    assert ("was", "used to be") in outs
    assert ("said", "stated") in outs


def test_spun_wild_copy_of_a_real_article(source: Article) -> None:
    for seed in range(3):
        (d,) = make(source, "spun_wild", seed).copies
        assert check(d, source) == [] and d.relation == "spun"
        notes = [a.note for a in d.planted if a.type == "synonym"]
        assert d.meta["function_words_swapped"] == notes.count("function") > 0
        assert d.meta["name_words_spun"] == sum(n.startswith("name:") for n in notes)
        assert 0.4 <= d.meta["spin_rate"] <= 0.7
        assert d.sentence_map == [[i] for i in range(len(source.passages))]
        for a in d.planted:
            assert a.source_span is not None
            assert source.text[a.source_span[0] : a.source_span[1]] == a.source_text


# -- negatives: the containment rule -------------------------------------------------------


def test_containment_rule_moves_a_pair_sharing_a_paragraph(related: list[Article]) -> None:
    pairs = [(a, b) for i, a in enumerate(related) for b in related[i + 1 :]
             if max(containment(a, b)) < 0.02]  # fmt: skip
    a, b = pairs[0]
    # b republishes a's longest paragraph inside its own report
    shared = max(a.passages, key=lambda p: len(p.text)).text
    lines = [p.text for p in b.passages]
    b2 = article_from_sentences(b.id, [*lines[:2], shared, *lines[2:]], meta=dict(b.meta))
    assert max(containment(a, b2)) > CONTAINMENT_MAX
    found = find_overlapping([a, b2])
    assert [(o.a_id, o.b_id) for o in found] == [tuple(sorted((a.id, b.id)))]
    rng = random.Random(0)
    before, _, dropped0 = negatives_of([a, b], set(), rng, 0, 0, set())
    assert dropped0 == 0 and len(before) == 1 and before[0].group == "same_event"
    overlap = {(o.a_id, o.b_id) for o in found}
    after, excluded, dropped = negatives_of([a, b2], set(), rng, 0, 0, overlap)
    assert after == [] and excluded == 0 and dropped == 1
    assert find_overlapping([a, b]) == []  # the untouched pair stays a negative


# -- the data set --------------------------------------------------------------------------


def _copy_hashes(copies: list[Derived]) -> dict[str, str]:
    return {
        d.copy.id: hashlib.sha256(
            json.dumps(d.to_dict(), sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        for d in copies
    }


def test_dataset_adds_web_kinds_without_moving_classic_copies() -> None:
    kw = dict(topics=[13], n_sources=4, n_distractors=20, use_cache=False)
    classic = ("verbatim", "spun", "edited")
    a = build_dataset("dev", 0, DATA, kinds=classic, **kw)
    b = build_dataset("dev", 0, DATA, kinds=(*classic, *REAL_KINDS), **kw)
    assert _copy_hashes(a.copies) == _copy_hashes([d for d in b.copies if d.kind in KINDS])
    assert [(n.a_id, n.b_id) for n in a.negatives] == [(n.a_id, n.b_id) for n in b.negatives]
    web = [d for d in b.copies if d.kind in REAL_KINDS]
    assert {d.kind for d in web} >= {"teaser_source", "padded", "version_chain", "copy_of_copy",
                                     "spun_wild"}  # fmt: skip
    ids = {x.id for x in b.index_extra}
    originals = {x.id for x in b.originals}
    for d in web:
        assert check(d, b.article(d.source_id)) == []
        assert d.source_id in ids | originals
        assert set(d.meta.get("scenario_ids", [])) <= ids
    padded = [i for d in web for i in d.meta.get("padding_story_ids", [])]
    assert padded and not set(padded) & set(b.distractor_ids)  # padding is never indexed
    st = b.stats
    assert st["negatives_by_group"]["same_event"] == (
        st["same_event_pairs"] - st["negatives_excluded_as_real_copies"]
        - st["negatives_excluded_by_containment"]
    )  # fmt: skip
    assert st["negatives_excluded_by_containment"] == len(b.overlapping)
    for o in b.overlapping:
        assert max(o.containment_ab, o.containment_ba) > CONTAINMENT_MAX


def test_dataset_round_trips_web_kinds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from wiretrace.bench.dataset import load_dataset

    kw = dict(topics=[13], n_sources=2, n_distractors=5, cache_dir=tmp_path)
    ds = build_dataset("dev", 0, DATA, kinds=("teaser_source", "version_chain"), **kw)
    loaded = load_dataset(ds.path)  # type: ignore[arg-type]
    assert loaded.content_hash == ds.content_hash
    assert [a.to_dict() for a in loaded.index_extra] == [a.to_dict() for a in ds.index_extra]
    assert [d.to_dict() for d in loaded.copies] == [d.to_dict() for d in ds.copies]
    assert loaded.overlapping == ds.overlapping
    teaser = next(d for d in loaded.copies if d.kind == "teaser_source")
    assert loaded.article(teaser.source_id).meta["role"] == "teaser"


# -- the runner's bookkeeping --------------------------------------------------------------


def test_runner_hides_other_scenarios_and_the_full_story(source: Article) -> None:
    from wiretrace.bench.runner import web_exclude, web_label

    out = make(source, "teaser_source", 0)
    (d,) = out.copies
    extra_by_event = {source.meta["event"]: {out.index[0].id, f"{source.id}~writethru"}}
    ex = web_exclude(d, extra_by_event, source.meta["event"])
    assert ex == {f"{source.id}~writethru", source.id}  # its own teaser stays visible
    v = replace(d, kind="version_chain", meta={"version": "update"})
    assert web_label(v) == "version_chain:update" and web_label(d) == "teaser_source"
