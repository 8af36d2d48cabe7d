"""The benchmark's scoring functions on small cases worked out by hand: the published numbers
are only as right as these. Detection must credit only the source the system names,
per-label F1 must count each error once on each side, spans must overlap (not touch) on
both sides, and empty inputs must give "no data" rather than a perfect or crashing score.
"""

from __future__ import annotations

import pytest

from wiretrace.bench.metrics import (
    AlterationCounts,
    Outcome,
    confusion,
    detected,
    macro_f1,
    percentile,
    rate,
    reciprocal_rank,
    span_pairs_f1,
)
from wiretrace.data import Alteration

# -- detection and rank -----------------------------------------------------------------


def test_detected_only_when_the_named_source_is_the_gold_one() -> None:
    right = Outcome(ranked=["gold", "x"], derived={"gold": "verbatim"}, top_derived="gold")
    assert detected(right, "gold")


def test_asserting_the_wrong_source_is_not_a_detection() -> None:
    # gold ranked first, but the system calls "x" the source: a wrong accusation, not a hit
    wrong = Outcome(ranked=["gold", "x"], derived={"x": "edited"}, top_derived="x")
    assert not detected(wrong, "gold")
    assert reciprocal_rank(wrong, "gold") == 1.0  # retrieval was right all the same


def test_ranking_the_gold_without_asserting_it_is_not_a_detection() -> None:
    silent = Outcome(ranked=["gold"], kinds={"gold": "independent"}, top_derived=None)
    assert not detected(silent, "gold")
    assert not detected(Outcome(ranked=[]), "gold")


def test_gold_asserted_but_not_named_first_is_not_detected() -> None:
    # both called derived; the system names "x", so "gold" is not what it reports
    o = Outcome(ranked=["x", "gold"], derived={"x": "partial", "gold": "partial"},
                top_derived="x")
    assert not detected(o, "gold")
    assert detected(o, "x")


@pytest.mark.parametrize(
    ("ranked", "expected"),
    [
        (["gold", "a", "b"], 1.0),
        (["a", "gold", "b"], 0.5),
        (["a", "b", "gold"], 1 / 3),
        (["a", "b", "c"], 0.0),  # not retrieved
        ([], 0.0),  # nothing retrieved
        (["a", "gold", "gold"], 0.5),  # a repeated id counts at its first rank
    ],
)
def test_reciprocal_rank(ranked: list[str], expected: float) -> None:
    assert reciprocal_rank(Outcome(ranked=ranked), "gold") == pytest.approx(expected)


# -- rates and percentiles --------------------------------------------------------------


@pytest.mark.parametrize(
    ("hits", "n", "expected"),
    [(3, 4, 0.75), (0, 5, 0.0), (5, 5, 1.0), (1, 3, 0.3333), (2, 3, 0.6667), (0, 0, None)],
)
def test_rate_rounds_to_four_places_and_is_none_without_data(hits: int, n: int,
                                                            expected: float | None) -> None:
    assert rate(hits, n) == expected


def test_percentile_nearest_rank_on_unsorted_values() -> None:
    values = [50.0, 10.0, 40.0, 20.0, 30.0]  # sorted: 10 20 30 40 50, index = q/100 * 4
    assert percentile(values, 0) == 10.0
    assert percentile(values, 25) == 20.0  # index 1.0
    assert percentile(values, 50) == 30.0  # index 2.0
    assert percentile(values, 95) == 50.0  # index 3.8 -> 4
    assert percentile(values, 100) == 50.0
    assert values == [50.0, 10.0, 40.0, 20.0, 30.0]  # the caller's list is not sorted in place


def test_percentile_edge_cases() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 0) == percentile([7.0], 99) == 7.0
    assert percentile([1.0, 5.0, 5.0, 5.0], 60) == 5.0  # ties: index 1.8 -> 2
    assert percentile([1.0, 2.0, 3.0], 150) == 3.0  # out-of-range q is clamped
    assert percentile([1.0, 2.0, 3.0], -10) == 1.0


# -- relation labels --------------------------------------------------------------------

LABELS = ["verbatim", "edited", "independent", "unrelated"]
# (gold, predicted)
PAIRS = [
    ("verbatim", "verbatim"),
    ("verbatim", "edited"),
    ("edited", "edited"),
    ("independent", "verbatim"),
    ("independent", "independent"),
]


def test_macro_f1_by_hand() -> None:
    macro, per = macro_f1(PAIRS, LABELS)
    # verbatim: tp 1, fp 1 (independent->verbatim), fn 1 (verbatim->edited): P .5 R .5 F .5
    assert per["verbatim"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    # edited: tp 1, fp 1 (verbatim->edited), fn 0: P .5, R 1, F 2/3
    assert per["edited"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    # independent: tp 1, fp 0, fn 1: P 1, R .5, F 2/3
    assert per["independent"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    # unrelated never occurs: all zeros, and left out of the macro average
    assert per["unrelated"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert macro == round((0.5 + 2 / 3 + 2 / 3) / 3, 4) == 0.6111


def test_macro_f1_averages_only_labels_with_gold_support() -> None:
    # the one error is a's false negative and b's false positive; b has no gold support,
    # so it is not averaged in (a precision of 0 for b would otherwise halve the score)
    macro, per = macro_f1([("a", "a"), ("a", "b")], ["a", "b"])
    assert per["a"]["f1"] == 0.6667  # P 1, R 1/2
    assert per["b"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert macro == 0.6667


def test_macro_f1_perfect_and_empty() -> None:
    perfect = [(g, g) for g, _ in PAIRS]
    assert macro_f1(perfect, LABELS)[0] == 1.0
    macro, per = macro_f1([], LABELS)
    assert macro == 0.0
    assert all(v["support"] == 0 and v["f1"] == 0.0 for v in per.values())
    # gold labels outside ``labels`` are not scored
    assert macro_f1([("spun", "spun")], LABELS)[0] == 0.0


def test_confusion_counts_gold_rows_and_predicted_columns() -> None:
    m = confusion(PAIRS + [("spun", "verbatim"), ("verbatim", "spun")], LABELS)
    assert m["verbatim"] == {"verbatim": 1, "edited": 1, "independent": 0, "unrelated": 0}
    assert m["edited"] == {"verbatim": 0, "edited": 1, "independent": 0, "unrelated": 0}
    assert m["independent"] == {"verbatim": 1, "edited": 0, "independent": 1, "unrelated": 0}
    assert sum(m["unrelated"].values()) == 0
    # the two pairs with a label outside LABELS are dropped, the rest all counted
    assert sum(sum(row.values()) for row in m.values()) == len(PAIRS)


def test_confusion_of_nothing_is_all_zero_and_rows_are_independent() -> None:
    m = confusion([], ["a", "b"])
    assert m == {"a": {"a": 0, "b": 0}, "b": {"a": 0, "b": 0}}
    m["a"]["b"] += 1
    assert m["b"]["b"] == 0


# -- alignment spans --------------------------------------------------------------------


def test_span_pairs_need_overlap_on_both_sides() -> None:
    predicted = [
        ((0, 10), (0, 10)),  # overlaps gold 1 on both sides
        ((20, 30), (50, 60)),  # touches gold 2 on the copy side ([20,30) vs [30,40)): no
        ((5, 15), (200, 210)),  # copy side overlaps gold 1, source side nowhere: no
    ]
    gold = [
        ((5, 15), (5, 15)),
        ((30, 40), (50, 60)),
        ((100, 110), (100, 110)),
    ]
    assert span_pairs_f1(predicted, gold) == (1, 3, 1, 3)


def test_span_pairs_count_each_side_separately() -> None:
    # two predicted halves of one gold pair: both predictions right, one gold found
    predicted = [((0, 5), (0, 5)), ((5, 10), (5, 10))]
    gold = [((0, 10), (0, 10))]
    assert span_pairs_f1(predicted, gold) == (2, 2, 1, 1)
    # and the other way round: one prediction covering two gold pairs
    assert span_pairs_f1(gold, predicted) == (1, 1, 2, 2)


def test_span_pairs_empty_sides() -> None:
    g = [((0, 10), (0, 10))]
    assert span_pairs_f1([], g) == (0, 0, 0, 1)
    assert span_pairs_f1(g, []) == (0, 1, 0, 0)
    assert span_pairs_f1([], []) == (0, 0, 0, 0)


# -- alteration counts ------------------------------------------------------------------


def _alt(kind: str, copy_text: str, source_text: str) -> Alteration:
    return Alteration(type=kind, severity="medium", copy_span=None, source_span=None,
                      copy_text=copy_text, source_text=source_text)


def test_alteration_counts_accumulate_over_copies() -> None:
    c = AlterationCounts()
    c.add([_alt("number_changed", "80", "70")], [_alt("number_changed", "80", "70")])
    c.add([], [_alt("number_changed", "6", "5")])  # a second copy: its change was missed
    assert c.table() == {
        "number_changed": {"precision": 1.0, "predicted": 1, "recall": 0.5, "gold": 2}
    }


def test_changed_quote_is_precise_on_a_spun_word_but_the_synonym_is_still_missed() -> None:
    c = AlterationCounts()
    pred = _alt("quote_changed", '"We want a channel"', '"We need a channel"')
    c.add([pred], [_alt("synonym", "want", "need")])
    t = c.table()
    assert t["quote_changed"] == {"precision": 1.0, "predicted": 1, "recall": None, "gold": 0}
    assert t["synonym"] == {"precision": None, "predicted": 0, "recall": 0.0, "gold": 1}


def test_an_empty_span_overlaps_nothing() -> None:
    gold = [((0, 10), (0, 10))]
    assert span_pairs_f1([((5, 5), (0, 10))], gold) == (0, 1, 0, 1)
    assert span_pairs_f1([((0, 10), (0, 10))], [((0, 10), (3, 3))]) == (0, 1, 0, 1)


def test_minhash_baseline_ranks_ties_by_id() -> None:
    """The LSH answers a set, ordered by Python's string hashing: equal Jaccard scores must
    still rank the same way in every run, or the baseline's row moves by itself."""
    from wiretrace.bench.baselines import MinHashLSHBaseline
    from wiretrace.data import Article

    text = ("The harbour authority said twelve ships waited outside the port on Monday "
            "while crews cleared the channel after the storm.")
    ids = [f"story-{i:02d}" for i in range(30, 0, -1)]
    base = MinHashLSHBaseline(0.5)
    base.index([Article(id=i, text=text) for i in ids])
    ans = base.query(Article(id="query", text=text), set())
    assert [h for h, _ in ans.ranked] == sorted(ids)
