"""How predicted alterations are scored against planted gold (bench/README.md, Metrics)."""

from __future__ import annotations

from wiretrace.bench.metrics import AlterationCounts, alteration_matches
from wiretrace.data import Alteration


def _a(kind: str, copy_text: str = "", source_text: str = "") -> Alteration:
    return Alteration(type=kind, severity="high", copy_span=None, source_span=None,
                      copy_text=copy_text, source_text=source_text)


def test_match_needs_the_type_and_the_words() -> None:
    gold = _a("name_garbled", "Brinken", "Blinken")
    assert alteration_matches(_a("name_garbled", "Brinken", "Blinken"), gold)
    assert not alteration_matches(_a("name_swapped", "Brinken", "Blinken"), gold)
    assert not alteration_matches(_a("name_garbled", "Raimond", "Raimondo"), gold)
    # one side's words inside the other's: a negation reported on "not" vs gold "does not"
    assert alteration_matches(_a("negation_flipped", "does", "not"),
                              _a("negation_flipped", "does", "does not"))
    # empty texts never match by words
    assert not alteration_matches(_a("quote_changed"), _a("quote_changed"))


def test_a_changed_quote_matches_a_spun_word_inside_it() -> None:
    pred = _a("quote_changed", '"We want a channel"', '"We need a channel"')
    assert alteration_matches(pred, _a("synonym", "want", "need"))
    assert not alteration_matches(pred, _a("synonym", "wish", "need"))


def test_counts_precision_only_on_types_whose_gold_is_complete() -> None:
    c = AlterationCounts()
    preds = [_a("number_changed", "80", "70"), _a("number_changed", "5", "6"),
             _a("synonym", "continue", "keep")]
    golds = [_a("number_changed", "80", "70"), _a("name_swapped", "Wang", "Qin")]
    c.add(preds, golds, types_counted={"number_changed", "name_swapped"})
    t = c.table()
    assert t["number_changed"] == {"precision": 0.5, "predicted": 2, "recall": 1.0, "gold": 1}
    assert t["name_swapped"]["recall"] == 0.0 and t["name_swapped"]["gold"] == 1
    # synonyms not counted for precision here: no prediction is charged
    assert t["synonym"]["predicted"] == 0 and t["synonym"]["precision"] is None


def test_boilerplate_is_judged_once_per_copy() -> None:
    c = AlterationCounts()
    golds = [_a("boilerplate_added", f"line {i}") for i in range(5)]
    c.add([_a("boilerplate_added", "line 0\nline 1")], golds, None)
    assert c.table()["boilerplate_added"] == {"precision": 1.0, "predicted": 1,
                                              "recall": 1.0, "gold": 1}
