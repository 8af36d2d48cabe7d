"""Copy derivations: every kind yields a sound sentence map and planted spans that point at text."""

from __future__ import annotations

import math
import random

import pytest

from wiretrace.bench import alter
from wiretrace.bench.derive import KINDS, Derived, check, derive
from wiretrace.bench.sources import article_from_sentences
from wiretrace.bench.units import Unit
from wiretrace.data import DERIVED_KINDS

SENTENCES = [
    "(AP) \u2014 Secretary of State Antony Blinken met Russian Foreign Minister Sergei Lavrov in "
    "Geneva on Tuesday, officials said.",
    "The meeting, which lasted nearly three hours, was the first between the two top diplomats "
    "since January.",
    '"We had a frank and useful discussion about the crisis," Blinken told reporters after the '
    "talks.",
    "Lavrov said Moscow did not plan to send more troops to the border.",
    "Both sides agreed to hold another round of talks in 14 days.",
    "Officials in Washington said the United States will continue to support its partners in "
    "the region.",
    "The two men (who have known each other for years) shook hands before the cameras.",
    "Analysts said the talks were unlikely to produce a quick breakthrough.",
]
SOURCE = article_from_sentences(
    "src-1", SENTENCES, title="Blinken and Lavrov meet in Geneva", credits=["AP"], language="en"
)


def fake_translator(units, mode):  # type: ignore[no-untyped-def]
    """Stands in for Apertium: deterministic, keeps names and numbers, marks the mode."""
    tag = "ES" if mode.endswith("spa") else "EN"
    return [f"{tag}: {u}" if u else "" for u in units]


def make(kind: str, seed: int = 0, **kw) -> Derived:  # type: ignore[no-untyped-def]
    return derive(SOURCE, kind, seed, translator=fake_translator, **kw)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_sound_gold(kind: str) -> None:
    for seed in range(3):
        d = make(kind, seed)
        assert check(d, SOURCE) == []
        assert d.source_id == SOURCE.id and d.copy.id != SOURCE.id
        assert d.relation in DERIVED_KINDS
        for alt in d.planted:
            if alt.copy_span is not None:
                assert d.copy.text[alt.copy_span[0] : alt.copy_span[1]] == alt.copy_text
            if alt.source_span is not None:
                assert SOURCE.text[alt.source_span[0] : alt.source_span[1]] == alt.source_text


def test_verbatim_wraps_in_chrome_and_cuts_the_credit() -> None:
    d = make("verbatim")
    assert d.sentence_map == [[i] for i in range(len(SENTENCES))]
    assert "(AP)" not in d.copy.text
    assert [p.text for p in d.copy.passages][1:] == SENTENCES[1:]
    chrome = [a for a in d.planted if a.type == "boilerplate_added"]
    assert len(chrome) >= 3
    lines = d.copy.text.split("\n")
    for a in chrome:
        assert a.copy_text in lines and a.source_span is None
    (cut,) = [a for a in d.planted if a.type == "attribution_removed"]
    assert cut.source_span == (0, len("(AP) \u2014 ")) and cut.copy_text == ""
    assert d.copy.credits == []


def test_partial_is_a_contiguous_window() -> None:
    n = len(SENTENCES)
    for seed in range(10):
        d = make("partial", seed)
        idx = [m[0] for m in d.sentence_map]
        assert all(len(m) == 1 for m in d.sentence_map)
        assert idx == list(range(idx[0], idx[0] + len(idx)))
        assert math.ceil(0.3 * n) <= len(idx) <= math.floor(0.7 * n)
        assert [p.text for p in d.copy.passages] == [SENTENCES[i] for i in idx]


def test_edited_records_drops_and_additions() -> None:
    for seed in range(8):
        d = make("edited", seed)
        kept = {i for m in d.sentence_map for i in m}
        dropped = [a for a in d.planted if a.type == "sentence_dropped"]
        added = [a for a in d.planted if a.type == "sentence_added"]
        assert len(kept) + len(dropped) == len(SENTENCES)
        assert sum(1 for m in d.sentence_map if not m) == len(added)
        assert 1 <= len(dropped) + len(added) <= 4
        assert 2 <= sum(a.type == "synonym" for a in d.planted) <= 4
        assert d.sentence_map[0] == [0]  # the lead stays
        for a in dropped:
            assert a.copy_span is None and a.source_text in SENTENCES


def test_summarised_keeps_the_lead_and_compresses() -> None:
    n = len(SENTENCES)
    compressed = 0
    for seed in range(8):
        d = make("summarised", seed)
        idx = [m[0] for m in d.sentence_map]
        assert idx[0] == 0 and idx == sorted(idx)
        assert math.ceil(0.3 * n) <= len(idx) <= math.floor(0.5 * n)
        for p, i in zip(d.copy.passages, idx, strict=True):
            assert len(p.text) <= len(SENTENCES[i])
            compressed += p.text != SENTENCES[i]
    assert compressed > 0


def test_spun_plants_synonyms_at_the_right_places() -> None:
    d = make("spun")
    syn = [a for a in d.planted if a.type == "synonym"]
    assert syn and 0.3 <= d.meta["spin_rate"] <= 0.6
    assert d.sentence_map == [[i] for i in range(len(SENTENCES))]
    for a in syn:
        assert a.copy_text.lower() != a.source_text.lower()


def test_translated_kinds_map_sentence_by_sentence() -> None:
    mt = make("machine_translated")
    assert mt.sentence_map == [[i] for i in range(len(SENTENCES))]
    assert all(p.text.startswith("EN: ES: ") for p in mt.copy.passages)
    es = make("translated")
    assert es.copy.language == "es"
    assert all(p.text.startswith("ES: ") for p in es.copy.passages)
    assert "\n\n" in es.copy.text


@pytest.mark.parametrize("base", DERIVED_KINDS)
def test_corrupted_plants_alterations_on_any_base(base: str) -> None:
    seen: set[str] = set()
    for seed in range(4):
        d = make("corrupted", seed, base_kind=base)
        assert check(d, SOURCE) == []
        assert d.kind == "corrupted" and d.relation == base
        types = {a.type for a in d.planted} & set(alter.ALTERATION_TYPES)
        assert types, f"nothing planted on {base} (seed {seed})"
        seen |= types
    if base == "translated":
        assert seen <= alter.LANGUAGE_NEUTRAL


def test_each_alteration_type_on_its_own() -> None:
    for kind in alter.ALTERATION_TYPES:
        units = [Unit.of(p) for p in SOURCE.passages]
        alt = alter.PLANTERS[kind](SOURCE, units, random.Random(1), None)
        assert alt is not None, kind
        (unit,) = [u for u in units if alt in u.planted]
        assert unit.text[alt.copy_span[0] : alt.copy_span[1]] == alt.copy_text
        assert SOURCE.text[alt.source_span[0] : alt.source_span[1]] == alt.source_text
        assert alt.copy_text != alt.source_text


def test_garbled_names_stay_pronounceable() -> None:
    rng = random.Random(0)
    outs = {alter.garble("Blinken", rng) for _ in range(40)}
    assert "Brinken" in outs
    for o in outs:
        assert o and o != "Blinken" and o[0] == "B" and abs(len(o) - 7) <= 1


def test_negation_flips_both_ways() -> None:
    for text, want in [
        ("Moscow did not plan to send troops.", "did"),
        ("The talks will continue next week.", "won't"),
        ("She was arrested on Monday.", "was not"),
    ]:
        src = article_from_sentences("n", ["Lead sentence here.", text])
        units = [Unit.of(p) for p in src.passages]
        alt = alter.flip_negation(src, units, random.Random(0))
        assert alt is not None and alt.copy_text == want


def test_derivation_is_deterministic() -> None:
    for kind in KINDS:
        assert make(kind, 7).to_dict() == make(kind, 7).to_dict()
    assert make("spun", 1).copy.text != make("spun", 2).copy.text


def test_derived_round_trips_through_dict() -> None:
    d = make("corrupted", 3, base_kind="edited")
    assert Derived.from_dict(d.to_dict()) == d
