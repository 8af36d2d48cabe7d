"""The judge, case by case: named feature profiles and the relation kind ``decide`` gives.

The profiles are the features the demo corpus's copies measure (rounded), and each
threshold ``decide`` reads has a pair of rows that straddle it.
``test_each_threshold_moves_its_own_rows`` nudges every threshold both ways and checks that
exactly the named row flips, so a recalibration shows which cases it moves, and a row that
no longer sits where its name says fails here first. ``local_reuse`` and ``direction`` get
their own small tables.
"""

from __future__ import annotations

import copy as copying
from typing import Any

import numpy as np
import pytest

from wiretrace.align import passage_features
from wiretrace.data import AlignedPair, Article, Passage
from wiretrace.judge import (
    PairView,
    decide,
    features,
    load_thresholds,
    local_reuse,
    word_swaps,
)
from wiretrace.judge.direction import direction

# -- profiles ---------------------------------------------------------------------------------

# A whole copy, every sentence kept word for word (the demo's copy-1 without its chrome).
WHOLE: dict[str, Any] = {
    "copy_passages": 16, "source_passages": 16, "aligned_pairs": 16, "coverage_copy": 1.0,
    "coverage_source": 1.0, "coverage_copy_words": 1.0, "soft_coverage": 1.0,
    "strong_pairs": 16, "strong_coverage": 1.0, "content_overlap": 1.0,
    "coverage_source_words": 1.0, "changed_words": 0.0, "added_sentences": 0,
    "semantic": 1.0, "lexical": 1.0, "exact_share": 1.0, "function_words": 1.0,
    "length_ratio": 1.0, "monotone": 1.0, "contiguous": 1.0, "names_shared": 0.7,
    "names_copy_in_source": 0.7, "numbers_shared": 1.0, "cross_language": 0.0,
    "template_pairs": 0, "verbatim_words": 59, "shared_run_words": 120, "shared_words": 555,
    "shared_share": 1.0,
    "strong_run": 16, "strong_run_words": 555,
    "strong_run_similarity": 1.0, "strong_ordered": 16, "strong_ordered_words": 555,
    "strong_coverage_source": 1.0, "source_countable": 16, "strong_run_start_copy": 0,
    "strong_run_start_source": 0,
}
# Another outlet's report of the same event: one sentence alike, names shared, no run.
SAME_EVENT: dict[str, Any] = {
    "copy_passages": 21, "source_passages": 16, "aligned_pairs": 1, "coverage_copy": 0.05,
    "coverage_source": 0.125, "coverage_copy_words": 0.08, "soft_coverage": 0.13,
    "strong_pairs": 0, "strong_coverage": 0.0, "content_overlap": 0.09,
    "coverage_source_words": 0.16, "changed_words": 0.88, "added_sentences": 18,
    "semantic": 0.65, "lexical": 0.12, "exact_share": 0.0, "function_words": 0.14,
    "length_ratio": 0.39, "monotone": 1.0, "contiguous": 1.0, "names_shared": 0.19,
    "names_copy_in_source": 0.35, "numbers_shared": 0.32, "cross_language": 0.0,
    "template_pairs": 0, "verbatim_words": 0, "shared_run_words": 0, "shared_words": 0,
    "shared_share": 0.0,
    "strong_run": 0, "strong_run_words": 0, "strong_run_similarity": 0.0,
    "strong_ordered": 0, "strong_ordered_words": 0, "strong_coverage_source": 0.0,
    "source_countable": 16,
}
SPUN = {"content_overlap": 0.6, "changed_words": 0.12, "lexical": 0.87, "exact_share": 0.0,
        "function_words": 0.99, "semantic": 0.92, "strong_run_similarity": 0.92}
MACHINE = {"content_overlap": 0.58, "changed_words": 0.27, "lexical": 0.71, "exact_share": 0.0,
           "function_words": 0.74, "semantic": 0.92, "length_ratio": 1.06,
           "strong_run_similarity": 0.92}
RARER_WORDS = {"rarity_shift": -0.5, "unknown_new_words": 0.05, "swaps_rarer_in_copy": 10,
               "swaps_rarer_in_source": 3}
EDITED = {"content_overlap": 0.97, "changed_words": 0.01, "exact_share": 0.76,
          "added_sentences": 1, "function_words": 0.998, "monotone": 0.94}
PARTIAL = {"copy_passages": 7, "strong_pairs": 7, "coverage_source": 0.35,
           "coverage_source_words": 0.44, "strong_coverage_source": 0.44}
SUMMARY = {"copy_passages": 8, "strong_pairs": 8, "coverage_source": 0.44,
           "coverage_source_words": 0.52, "contiguous": 0.42, "changed_words": 0.12,
           "content_overlap": 0.79, "function_words": 0.86, "strong_coverage_source": 0.52}
TRANSLATED = {"cross_language": 1.0, "content_overlap": 0.08, "changed_words": 0.88,
              "lexical": 0.09, "function_words": 0.02, "strong_coverage": 0.91,
              "coverage_source_words": 0.97, "added_sentences": 1}
# No local proof of reuse: a short run, no long verbatim passage, little of the source.
NO_LOCAL = {"strong_run": 2, "strong_run_words": 40, "strong_ordered": 2,
            "strong_ordered_words": 40, "verbatim_words": 20, "shared_run_words": 15,
            "shared_words": 15, "shared_share": 0.1, "strong_coverage_source": 0.5}
# One sentence, aligned to one sentence of a longer source: no run, no local evidence.
ONE_SENTENCE = {"copy_passages": 1, "strong_pairs": 1, "strong_coverage": 1.0, "strong_run": 1,
                "strong_run_words": 25, "strong_ordered": 1, "strong_ordered_words": 25,
                "verbatim_words": 0, "shared_run_words": 0, "shared_words": 0,
                "shared_share": 0.0, "semantic": 0.85,
                "strong_coverage_source": 0.2, "coverage_source_words": 0.2,
                "contiguous": 1.0, "changed_words": 0.5, "content_overlap": 0.5}
# Not derived from the copy's share, yet a local proof of reuse may hold: a one-strong-pair
# baseline to add local evidence to (strong_coverage far below "derived").
LOCAL = {**SAME_EVENT, "strong_pairs": 1, "strong_coverage": 0.05, "strong_run": 1,
         "strong_run_words": 20, "strong_coverage_source": 0.08}

# (id, base profile, changes, expected kind)
ROWS: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    # named copies
    ("verbatim whole copy", WHOLE, {}, "verbatim"),
    ("verbatim copy inside site chrome", WHOLE,
     {"copy_passages": 24, "coverage_copy": 0.67, "strong_coverage": 0.94}, "verbatim"),
    ("edited copy", WHOLE, EDITED, "edited"),
    ("spun copy", WHOLE, SPUN, "spun"),
    ("machine-translated round trip", WHOLE, MACHINE, "machine_translated"),
    ("translated copy", WHOLE, TRANSLATED, "translated"),
    ("translated excerpt (translation wins over partial)", WHOLE,
     {**TRANSLATED, "coverage_source_words": 0.3}, "translated"),
    ("partial copy", WHOLE, PARTIAL, "partial"),
    ("summary", WHOLE, SUMMARY, "summarised"),
    ("one-sentence copy", WHOLE,
     {"copy_passages": 1, "strong_pairs": 1, "coverage_source_words": 0.06,
      "strong_coverage_source": 0.06}, "partial"),
    ("same-event report sharing one quote", SAME_EVENT, {}, "independent"),
    ("unrelated story", SAME_EVENT,
     {"names_shared": 0.01, "soft_coverage": 0.0, "aligned_pairs": 0}, "unrelated"),
    # derived: enough strong pairs covering enough of the copy
    ("strong pairs cover 70% of the copy", WHOLE, {**EDITED, **NO_LOCAL, "strong_coverage": 0.7},
     "edited"),
    ("strong pairs cover 69.5% of the copy", WHOLE,
     {**EDITED, **NO_LOCAL, "strong_coverage": 0.695}, "independent"),
    ("two strong pairs cover a five-sentence copy", WHOLE,
     {"copy_passages": 5, "strong_pairs": 2, "strong_coverage": 0.8, "strong_run": 1,
      "strong_run_words": 20, "strong_ordered": 1, "strong_ordered_words": 20,
      "verbatim_words": 20, "shared_run_words": 15, "shared_words": 15, "shared_share": 0.1,
      "strong_coverage_source": 0.3, "coverage_source_words": 0.3, "contiguous": 0.5},
     "summarised"),
    ("one strong pair covers a five-sentence copy", WHOLE,
     {"copy_passages": 5, "strong_pairs": 1, "strong_coverage": 0.8, "strong_run": 1,
      "strong_run_words": 20, "strong_ordered": 1, "strong_ordered_words": 20,
      "verbatim_words": 20, "shared_run_words": 15, "shared_words": 15, "shared_share": 0.1,
      "strong_coverage_source": 0.3, "coverage_source_words": 0.3, "contiguous": 0.5,
      "names_shared": 0.3}, "independent"),
    # a one-sentence text derived on its one strong pair: it must share running words
    ("one-sentence copy, 8 words shared", WHOLE, {**ONE_SENTENCE, "shared_run_words": 8},
     "summarised"),
    ("one-sentence copy, 7 words shared", WHOLE, {**ONE_SENTENCE, "shared_run_words": 7},
     "independent"),
    ("one-sentence copy, cosine 0.9", WHOLE, {**ONE_SENTENCE, "semantic": 0.9}, "summarised"),
    ("one-sentence copy, cosine 0.895", WHOLE, {**ONE_SENTENCE, "semantic": 0.895},
     "independent"),
    # independent or unrelated: shared names
    ("shares 8% of names", SAME_EVENT, {"names_shared": 0.08}, "independent"),
    ("shares 7.5% of names", SAME_EVENT, {"names_shared": 0.075}, "unrelated"),
    # partial or summarised, and how much of the source counts as the whole
    ("copy of 74.5% of the source, unchanged", WHOLE,
     {"coverage_source_words": 0.745, "strong_coverage_source": 0.745}, "partial"),
    ("copy of 75% of the source, unchanged", WHOLE,
     {"coverage_source_words": 0.75, "strong_coverage_source": 0.75}, "edited"),
    ("excerpt 99% contiguous", WHOLE, {**PARTIAL, "contiguous": 0.99}, "partial"),
    ("excerpt 98.5% contiguous", WHOLE, {**PARTIAL, "contiguous": 0.985},
     "summarised"),
    ("excerpt with 3% of words changed", WHOLE,
     {**PARTIAL, "changed_words": 0.03, "content_overlap": 0.8}, "partial"),
    ("excerpt with 3.5% of words changed", WHOLE,
     {**PARTIAL, "changed_words": 0.035, "content_overlap": 0.8},
     "summarised"),
    # a lightly edited excerpt keeps its content words; a summary picks and rewrites
    ("excerpt with 10% of words changed, 82% of content words kept", WHOLE,
     {**PARTIAL, "changed_words": 0.1, "content_overlap": 0.82}, "partial"),
    ("excerpt with 10% of words changed, 81.5% of content words kept", WHOLE,
     {**PARTIAL, "changed_words": 0.1, "content_overlap": 0.815}, "summarised"),
    # verbatim or edited
    ("whole copy with 2% of words changed", WHOLE, {"changed_words": 0.02}, "verbatim"),
    ("whole copy with 2.5% of words changed", WHOLE, {"changed_words": 0.025}, "edited"),
    ("copy of 97% of the source, unchanged", WHOLE, {"coverage_source_words": 0.97},
     "verbatim"),
    ("copy of 96.5% of the source, unchanged", WHOLE, {"coverage_source_words": 0.965}, "edited"),
    ("whole copy with one sentence added", WHOLE, {"added_sentences": 1}, "edited"),
    # edited, spun or machine-translated
    ("rewrite keeping 82% of content words", WHOLE, {**SPUN, "content_overlap": 0.82},
     "edited"),
    ("rewrite keeping 81.5% of content words", WHOLE, {**SPUN, "content_overlap": 0.815}, "spun"),
    ("synonyms swapped, 94% of function words kept", WHOLE, {**SPUN, "function_words": 0.94},
     "spun"),
    ("synonyms swapped, 93.5% of function words kept", WHOLE, {**SPUN, "function_words": 0.935},
     "machine_translated"),
    # a rewrite whose one-word swaps put rarer words in the copy: a spinner's synonyms
    ("2 more swaps to rarer words in the copy", WHOLE,
     {**MACHINE, "swaps_rarer_in_copy": 2, "swaps_rarer_in_source": 0}, "spun"),
    ("1 more swap to a rarer word in the copy", WHOLE,
     {**MACHINE, "swaps_rarer_in_copy": 1, "swaps_rarer_in_source": 0}, "machine_translated"),
    ("80% of the lopsided swaps to rarer words", WHOLE,
     {**MACHINE, "swaps_rarer_in_copy": 8, "swaps_rarer_in_source": 2}, "spun"),
    ("79.3% of the lopsided swaps to rarer words", WHOLE,
     {**MACHINE, "swaps_rarer_in_copy": 23, "swaps_rarer_in_source": 6},
     "machine_translated"),
    # a rewrite that brings in rarer words than it drops (news counts), with lopsided swaps
    # and words news uses: a paraphrasing spinner
    ("new words rarer by 0.5 (log count)", WHOLE, {**MACHINE, **RARER_WORDS}, "spun"),
    ("new words rarer by 0.4925 (log count)", WHOLE,
     {**MACHINE, **RARER_WORDS, "rarity_shift": -0.4925}, "machine_translated"),
    ("rarer new words, 60% of the lopsided swaps", WHOLE,
     {**MACHINE, **RARER_WORDS, "rarity_shift": -1.0, "swaps_rarer_in_copy": 9,
      "swaps_rarer_in_source": 6}, "spun"),
    ("rarer new words, 59.3% of the lopsided swaps", WHOLE,
     {**MACHINE, **RARER_WORDS, "rarity_shift": -1.0, "swaps_rarer_in_copy": 35,
      "swaps_rarer_in_source": 24}, "machine_translated"),
    ("rarer new words, 8% unknown to news", WHOLE,
     {**MACHINE, **RARER_WORDS, "rarity_shift": -1.0, "unknown_new_words": 0.08}, "spun"),
    ("rarer new words, 8.75% unknown to news", WHOLE,
     {**MACHINE, **RARER_WORDS, "rarity_shift": -1.0, "unknown_new_words": 0.0875},
     "machine_translated"),
    # a cut of the source whose swaps lean to rarer words: a spinner's partial copy
    ("cut of the source, 4 more swaps to rarer words", WHOLE,
     {**SUMMARY, **RARER_WORDS, "rarity_shift": -1.0, "swaps_rarer_in_copy": 4,
      "swaps_rarer_in_source": 0}, "spun"),
    ("cut of the source, 3 more swaps to rarer words", WHOLE,
     {**SUMMARY, **RARER_WORDS, "rarity_shift": -1.0, "swaps_rarer_in_copy": 3,
      "swaps_rarer_in_source": 0},
     "summarised"),
    # which tool, from the copy's own text: a spinner's rare words where news writes common
    # ones ("whereas", "mentioned" for *said*), at the score inspect calls "some signs"
    ("rewrite whose text has a spinner's words, score 1.0", WHOLE,
     {**MACHINE, "copy_spinner_signs": 1.0}, "spun"),
    ("rewrite whose text has a spinner's words, score 0.9925", WHOLE,
     {**MACHINE, "copy_spinner_signs": 0.9925}, "machine_translated"),
    ("cut of the source whose text has a spinner's words", WHOLE,
     {**SUMMARY, "copy_spinner_signs": 1.5}, "spun"),
    ("cut of the source whose text has few spinner's words", WHOLE,
     {**SUMMARY, "copy_spinner_signs": 0.8}, "summarised"),
    # local proof of reuse inside a page that is mostly something else
    ("3-pair run of 60 words", LOCAL,
     {"strong_pairs": 3, "strong_run": 3, "strong_run_words": 60}, "summarised"),
    ("3-pair run of 59 words", LOCAL,
     {"strong_pairs": 3, "strong_run": 3, "strong_run_words": 59}, "independent"),
    ("2 near-alike passages in a row, 60 words", LOCAL,
     {"strong_pairs": 2, "strong_run": 2, "strong_run_words": 60,
      "strong_run_similarity": 0.9}, "summarised"),
    ("2 near-alike passages in a row, 59 words", LOCAL,
     {"strong_pairs": 2, "strong_run": 2, "strong_run_words": 59,
      "strong_run_similarity": 0.9}, "independent"),
    ("2 long passages in a row, similarity 0.85", LOCAL,
     {"strong_pairs": 2, "strong_run": 2, "strong_run_words": 75,
      "strong_run_similarity": 0.85}, "summarised"),
    ("2 long passages in a row, similarity 0.845", LOCAL,
     {"strong_pairs": 2, "strong_run": 2, "strong_run_words": 75,
      "strong_run_similarity": 0.845}, "independent"),
    ("30-word passage verbatim outside quotes", LOCAL, {"verbatim_words": 30},
     "summarised"),
    ("29-word passage verbatim outside quotes", LOCAL, {"verbatim_words": 29}, "independent"),
    ("3 strong pairs in order, 80 words", LOCAL,
     {"strong_pairs": 3, "strong_ordered": 3, "strong_ordered_words": 80},
     "summarised"),
    ("3 strong pairs in order, 79 words", LOCAL,
     {"strong_pairs": 3, "strong_ordered": 3, "strong_ordered_words": 79}, "independent"),
    ("2 strong pairs in order, 100 words", LOCAL,
     {"strong_pairs": 2, "strong_ordered": 2, "strong_ordered_words": 100}, "independent"),
    ("source 70% inside a longer copy", LOCAL,
     {"strong_pairs": 2, "strong_coverage_source": 0.7, "strong_run_words": 30},
     "summarised"),
    ("source 69.5% inside a longer copy", LOCAL,
     {"strong_pairs": 2, "strong_coverage_source": 0.695, "strong_run_words": 30},
     "independent"),
    ("source 90% inside, one strong pair", LOCAL,
     {"strong_pairs": 1, "strong_coverage_source": 0.9, "strong_run_words": 40,
      "shared_run_words": 12}, "independent"),
    # a feed item or teaser of one passage (besides its title), whole inside a longer page:
    # its one strong pair proves reuse when it also keeps running words, as a one-sentence
    # copy must
    ("a one-passage source whole inside the copy, 12 words shared", LOCAL,
     {"strong_pairs": 1, "strong_coverage_source": 1.0, "strong_run_words": 40,
      "source_countable": 1, "shared_run_words": 12}, "summarised"),
    ("a one-passage source whole inside the copy, 3 words shared", LOCAL,
     {"strong_pairs": 1, "strong_coverage_source": 1.0, "strong_run_words": 40,
      "source_countable": 1, "shared_run_words": 3}, "independent"),
    ("source 90% inside, 25 words in its run", LOCAL,
     {"strong_pairs": 3, "strong_coverage_source": 0.9, "strong_run_words": 25},
     "summarised"),
    ("source 90% inside, 24 words in its run", LOCAL,
     {"strong_pairs": 3, "strong_coverage_source": 0.9, "strong_run_words": 24},
     "independent"),
    ("a 20-word run shared word for word", LOCAL, {"shared_run_words": 20}, "summarised"),
    ("a 19-word run shared word for word", LOCAL, {"shared_run_words": 19}, "independent"),
    ("runs of 20 words in all, a quarter of the copy", LOCAL,
     {"shared_run_words": 12, "shared_words": 20, "shared_share": 0.25}, "summarised"),
    ("runs of 19 words in all, a quarter of the copy", LOCAL,
     {"shared_run_words": 12, "shared_words": 19, "shared_share": 0.25}, "independent"),
    ("runs of 30 words, 20% of the copy", LOCAL,
     {"shared_run_words": 12, "shared_words": 30, "shared_share": 0.2}, "summarised"),
    ("runs of 30 words, 19.5% of the copy", LOCAL,
     {"shared_run_words": 12, "shared_words": 30, "shared_share": 0.195}, "independent"),
    ("teaser whole inside a verbatim copy", LOCAL,
     {"strong_pairs": 3, "strong_run": 3, "strong_run_words": 80, "content_overlap": 1.0,
      "changed_words": 0.0, "coverage_source_words": 1.0, "contiguous": 1.0,
      "added_sentences": 0, "strong_coverage_source": 1.0}, "verbatim"),
]
IDS = [r[0] for r in ROWS]


def _features(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    return {**base, **change}


def _kinds(t: dict[str, Any]) -> dict[str, str]:
    return {name: decide(_features(base, ch), t)[0] for name, base, ch, _ in ROWS}


@pytest.mark.parametrize(("name", "base", "change", "kind"), ROWS, ids=IDS)
def test_decide_kind(name: str, base: dict[str, Any], change: dict[str, Any],
                     kind: str) -> None:
    f = _features(base, change)
    got, conf = decide(f, load_thresholds())
    assert got == kind, (name, f)
    assert 0.0 <= conf <= 1.0
    if kind not in ("independent", "unrelated") and f["strong_coverage"] < 0.7:
        assert f.get("reuse_evidence"), "a local derivation names the evidence that proved it"


# threshold -> (row that flips when it is raised, row that flips when it is lowered)
BOUNDARIES: dict[tuple[str, str], tuple[str, str]] = {
    ("derived", "strong_coverage"):
        ("strong pairs cover 70% of the copy", "strong pairs cover 69.5% of the copy"),
    ("derived", "min_strong_pairs"):
        ("two strong pairs cover a five-sentence copy",
         "one strong pair covers a five-sentence copy"),
    ("derived", "one_pair_shared_words"):
        ("one-sentence copy, 8 words shared", "one-sentence copy, 7 words shared"),
    ("derived", "one_pair_similarity"):
        ("one-sentence copy, cosine 0.9", "one-sentence copy, cosine 0.895"),
    ("independent", "names_shared"): ("shares 8% of names", "shares 7.5% of names"),
    ("kinds", "partial_coverage_source"):
        ("copy of 75% of the source, unchanged", "copy of 74.5% of the source, unchanged"),
    ("kinds", "partial_contiguous"):
        ("excerpt 99% contiguous", "excerpt 98.5% contiguous"),
    ("kinds", "partial_changed"):
        ("excerpt with 3.5% of words changed", "excerpt with 3% of words changed"),
    ("kinds", "partial_content_overlap"):
        ("excerpt with 10% of words changed, 82% of content words kept",
         "excerpt with 10% of words changed, 81.5% of content words kept"),
    ("kinds", "verbatim_changed"):
        ("whole copy with 2.5% of words changed", "whole copy with 2% of words changed"),
    ("kinds", "verbatim_coverage_source"):
        ("copy of 97% of the source, unchanged", "copy of 96.5% of the source, unchanged"),
    ("kinds", "edited_content_overlap"):
        ("rewrite keeping 82% of content words", "rewrite keeping 81.5% of content words"),
    ("kinds", "spun_function_words"):
        ("synonyms swapped, 94% of function words kept",
         "synonyms swapped, 93.5% of function words kept"),
    ("kinds", "spun_rarer_swaps"):
        ("2 more swaps to rarer words in the copy", "1 more swap to a rarer word in the copy"),
    ("kinds", "spun_rarer_share"):
        ("80% of the lopsided swaps to rarer words", "79.3% of the lopsided swaps to rarer words"),
    ("kinds", "spun_rarity_shift"):
        ("new words rarer by 0.4925 (log count)", "new words rarer by 0.5 (log count)"),
    ("kinds", "spun_rarity_swap_share"):
        ("rarer new words, 60% of the lopsided swaps",
         "rarer new words, 59.3% of the lopsided swaps"),
    ("kinds", "spun_partial_rarer_swaps"):
        ("cut of the source, 4 more swaps to rarer words",
         "cut of the source, 3 more swaps to rarer words"),
    ("kinds", "spun_unknown_new_words"):
        ("rarer new words, 8.75% unknown to news", "rarer new words, 8% unknown to news"),
    ("kinds", "spun_text_signs"):
        ("rewrite whose text has a spinner's words, score 1.0",
         "rewrite whose text has a spinner's words, score 0.9925"),
    ("local", "run"): ("3-pair run of 60 words", "2 long passages in a row, similarity 0.845"),
    ("local", "run_words"): ("3-pair run of 60 words", "3-pair run of 59 words"),
    ("local", "pair_run_words"):
        ("2 near-alike passages in a row, 60 words", "2 near-alike passages in a row, 59 words"),
    ("local", "pair_run_similarity"):
        ("2 long passages in a row, similarity 0.85",
         "2 long passages in a row, similarity 0.845"),
    ("local", "verbatim_words"):
        ("30-word passage verbatim outside quotes", "29-word passage verbatim outside quotes"),
    ("local", "ordered"):
        ("3 strong pairs in order, 80 words", "2 strong pairs in order, 100 words"),
    ("local", "ordered_words"):
        ("3 strong pairs in order, 80 words", "3 strong pairs in order, 79 words"),
    ("local", "source_coverage"):
        ("source 70% inside a longer copy", "source 69.5% inside a longer copy"),
    ("local", "source_pairs"):
        ("source 70% inside a longer copy", "source 90% inside, one strong pair"),
    ("local", "shared_words"):
        ("a 20-word run shared word for word", "a 19-word run shared word for word"),
    ("local", "shared_total"):
        ("runs of 20 words in all, a quarter of the copy",
         "runs of 19 words in all, a quarter of the copy"),
    ("local", "shared_share"):
        ("runs of 30 words, 20% of the copy", "runs of 30 words, 19.5% of the copy"),
    ("local", "source_words"):
        ("source 90% inside, 25 words in its run", "source 90% inside, 24 words in its run"),
}


def _moved(section: str, key: str, sign: int) -> dict[str, Any]:
    t = copying.deepcopy(load_thresholds())
    v = t[section][key]
    t[section][key] = v + sign * (1 if isinstance(v, int) else 0.0075)
    return t


@pytest.mark.parametrize("threshold", list(BOUNDARIES), ids=[f"{s}.{k}" for s, k in BOUNDARIES])
def test_each_threshold_moves_its_own_rows(threshold: tuple[str, str]) -> None:
    """Raise then lower one threshold a step: the named row on that side flips, no other."""
    section, key = threshold
    base = _kinds(load_thresholds())
    up_row, down_row = BOUNDARIES[threshold]
    for sign, row in ((1, up_row), (-1, down_row)):
        moved = _kinds(_moved(section, key, sign))
        flipped = {n for n in base if moved[n] != base[n]}
        assert flipped == {row}, (section, key, sign, flipped)


def test_every_threshold_decide_reads_has_a_boundary_pair() -> None:
    """A new threshold, or one dropped from the table, must show up here."""
    t = load_thresholds()
    numeric = {
        (s, k) for s in ("derived", "independent", "kinds", "local")
        for k, v in t[s].items() if isinstance(v, int | float) and not isinstance(v, bool)
    }
    assert numeric == set(BOUNDARIES)


def test_profiles_have_the_keys_features_returns() -> None:
    """The profiles stay in step with ``features``: a key it adds or renames fails here."""
    sents = [f"The port authority said {n} ships waited off the coast of the city on Monday."
             for n in ("ten", "twelve", "fifteen")]
    copy_v, source_v = _view(sents), _view(sents)
    pairs = [_pair(i, i, copy_v, source_v, 1.0, 1.0) for i in range(3)]
    f = features(copy_v, source_v, pairs, np.eye(3, dtype=np.float32))
    run_keys = {"reused_copy_span", "reused_source_span"}
    assert set(f) - run_keys == set(WHOLE)
    assert set(SAME_EVENT) == set(WHOLE) - {"strong_run_start_copy", "strong_run_start_source"}


# -- local_reuse on hand-made alignments -------------------------------------------------------


def _view(sentences: list[str], language: str | None = None) -> PairView:
    passages, pos = [], 0
    for i, s in enumerate(sentences):
        passages.append(Passage(index=i, start=pos, end=pos + len(s), text=s))
        pos += len(s) + 1
    art = Article(id="x", text=" ".join(sentences), language=language, passages=passages)
    return PairView(art, passage_features(passages))


def _pair(i: int, j: int, copy: PairView, source: PairView, sim: float = 0.9,
          lex: float = 0.9) -> AlignedPair:
    cp, sp = copy.article.passages[i], source.article.passages[j]
    return AlignedPair(copy_idx=[i], source_idx=[j], similarity=sim, lexical=lex,
                       kind="same", copy_span=(cp.start, cp.end), source_span=(sp.start, sp.end))


LONG = ("The regional transport authority confirmed on Thursday that the new tram line "
        "linking the northern suburbs with the central station will open three months "
        "later than planned because of delays.")  # 30 words
QUARTER_QUOTED = " ".join(LONG.split()[:22]) + ' "' + " ".join(LONG.split()[22:]) + '"'
FILLER = [f"Residents of district {n} met the mayor on Friday to discuss parking rules."
          for n in ("one", "two", "three", "four", "five", "six")]


QUOTE_CASES = [
    ("30-word passage outside quotes", LONG, 30),
    ("the same passage inside quotes", f'"{LONG}"', 0),
    ("the same passage, a quarter of it quoted", QUARTER_QUOTED, 30),
]


@pytest.mark.parametrize(("name", "sentence", "verbatim_words"), QUOTE_CASES,
                         ids=[c[0] for c in QUOTE_CASES])
def test_verbatim_words_skip_quotations(name: str, sentence: str, verbatim_words: int) -> None:
    """Independent reports share quotes; a long reused passage counts only outside them."""
    copy_v = _view([*FILLER[:3], sentence, *FILLER[3:]])
    source_v = _view(["An unrelated opening line about the weather in the city.", sentence])
    f = local_reuse(copy_v, source_v, [_pair(3, 1, copy_v, source_v, 1.0, 1.0)])
    assert f["verbatim_words"] == verbatim_words, name
    kind, _ = decide({**LOCAL, **f, "strong_pairs": 1}, load_thresholds())
    assert (kind != "independent") == (verbatim_words >= 30), (name, kind)


RUN_CASES = [
    ("three pairs in a row", [2, 3, 4], 3),
    ("a gap of one copy passage is bridged", [2, 4, 5], 3),
    ("a gap of two copy passages breaks the run", [0, 3, 4], 2),
    ("out of order on the copy side", [4, 2, 3], 2),
]


@pytest.mark.parametrize(("name", "copy_positions", "run"), RUN_CASES,
                         ids=[c[0] for c in RUN_CASES])
def test_strong_run(name: str, copy_positions: list[int], run: int) -> None:
    """The run of strong pairs consecutive on both sides (gaps of one passage allowed)."""
    copy_v, source_v = _view(FILLER), _view(FILLER[:3])
    pairs = [_pair(i, j, copy_v, source_v) for j, i in enumerate(copy_positions)]
    f = local_reuse(copy_v, source_v, pairs)
    assert f["strong_run"] == run, name
    assert f["strong_run_words"] == run * len(copy_v.feats[0].words)


# -- direction --------------------------------------------------------------------------------

SPUN_SAID = ("The minister mentioned that talks would go on. A spokesman informed AFP the "
             "plan was ready, the company mentioned.")
PLAIN = ("The city council approved the budget on Monday after a long debate. "
         "The mayor said the vote showed broad support for the new plan.")
# machine-translation leftovers: a stub "said." and a subjectless capitalised fragment
GARBLED = ("The city council approved the budget on Monday after a long debate. said. "
           "Became a senior council official. The mayor said the vote showed broad support.")


def _art(id_: str, text: str = PLAIN, **kw: Any) -> Article:
    return Article(id=id_, text=text, **kw)


DIRECTIONS: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, float], str]] = [
    # (name, query fields, candidate fields, features, expected)
    ("no clue either way", {}, {}, {}, "unknown"),
    ("candidate published a day earlier", {"published": "2026-03-11"},
     {"published": "2026-03-10"}, {}, "candidate_is_source"),
    ("query published a day earlier", {"published": "2026-03-10"},
     {"published": "2026-03-11"}, {}, "query_is_source"),
    ("same day, hours apart: no date vote", {"published": "2026-03-10T18:00"},
     {"published": "2026-03-10T06:00"}, {}, "unknown"),
    ("wire credit on the candidate only", {}, {"credits": ["Reuters"]}, {},
     "candidate_is_source"),
    ("wire credit on the query only", {"credits": ["AP"]}, {}, {}, "query_is_source"),
    ("wire credit on both", {"credits": ["AP"]}, {"credits": ["AP"]}, {}, "unknown"),
    # a picture's credit says whose photographs a page ran, not whose text: half a vote
    ("photo credit on the candidate only", {},
     {"credits": ["AP"], "text": PLAIN + " (Jane Roe/AP)"}, {}, "unknown"),
    ("photo credit on the candidate, and a subset", {},
     {"credits": ["AP"], "text": PLAIN + " (Jane Roe/AP)"},
     {"coverage_copy": 1.0, "coverage_source": 0.5}, "candidate_is_source"),
    ("photo credit found at ingest, on the query only",
     {"credits": ["AP"], "meta": {"credits_outside_text": [{"agency": "AP", "kind": "photo",
                                                            "line": "(Jane Roe/AP)"}]}},
     {}, {}, "unknown"),
    ("a dateline credit found at ingest, on the query only",
     {"credits": ["AP"], "meta": {"credit_spans": [{"agency": "AP", "kind": "dateline"}]}},
     {}, {}, "query_is_source"),
    # a dateline agency no wire list knows may be the publisher's own ("TEHRAN (MNA) -"):
    # half a vote, which decides nothing alone
    ("an unknown agency's dateline on the candidate only", {}, {"credits": ["MNA"]}, {},
     "unknown"),
    ("an unknown agency's dateline and the query's chrome agree", {"boilerplate": ["a", "b",
                                                                               "c"]},
     {"credits": ["MNA"]}, {}, "candidate_is_source"),
    ("a known agency's dateline on the candidate only", {}, {"credits": ["AFP"]}, {},
     "candidate_is_source"),
    ("query links to the candidate", {"declared_sources": ["https://wire.example/a"]},
     {"url": "https://wire.example/a"}, {}, "candidate_is_source"),
    ("candidate links to the query", {"url": "https://wire.example/a"},
     {"declared_sources": ["https://wire.example/a"]}, {}, "query_is_source"),
    ("query links elsewhere (its quick sign only)", {"declared_sources": ["https://x.example"]},
     {"url": "https://wire.example/a"}, {}, "candidate_is_source"),
    ("query a subset of the candidate", {}, {}, {"coverage_copy": 1.0, "coverage_source": 0.5},
     "candidate_is_source"),
    ("candidate a subset of the query", {}, {}, {"coverage_copy": 0.5, "coverage_source": 1.0},
     "query_is_source"),
    ("a credit on the candidate against a subset the other way", {}, {"credits": ["AP"]},
     {"coverage_copy": 0.5, "coverage_source": 1.0}, "unknown"),
    ("coverage differs by only 0.2", {}, {}, {"coverage_copy": 0.9, "coverage_source": 0.7},
     "unknown"),
    ("query is the candidate's opening (teaser)", {}, {},
     {"coverage_copy": 1.0, "coverage_source": 0.3, "strong_run": 3,
      "strong_run_start_copy": 0, "strong_run_start_source": 0}, "unknown"),
    ("shared run starts mid-way: a subset again", {}, {},
     {"coverage_copy": 1.0, "coverage_source": 0.3, "strong_run": 3,
      "strong_run_start_copy": 0, "strong_run_start_source": 5}, "candidate_is_source"),
    ("3 more chrome lines cut from the query", {"boilerplate": ["a", "b", "c"]}, {}, {},
     "candidate_is_source"),
    ("2 more chrome lines cut from the query", {"boilerplate": ["a", "b"]}, {}, {}, "unknown"),
    ("3 more chrome lines cut from the candidate", {}, {"boilerplate": ["a", "b", "c"]}, {},
     "query_is_source"),
    ("query shows translation fragments", {"text": GARBLED}, {}, {}, "candidate_is_source"),
    # a spinner's synonyms are rarer in news than the words they replace
    ("query's swapped words much rarer", {}, {},
     {"rarity_shift": -1.2, "swaps_rarer_in_copy": 7, "swaps_rarer_in_source": 1},
     "candidate_is_source"),
    ("rarer swaps, but no shift in the words brought in", {}, {},
     {"rarity_shift": -0.2, "swaps_rarer_in_copy": 7, "swaps_rarer_in_source": 1}, "unknown"),
    ("a shift, but the swaps go both ways", {}, {},
     {"rarity_shift": -1.2, "swaps_rarer_in_copy": 5, "swaps_rarer_in_source": 4}, "unknown"),
    ("wording levelled towards common words (a round trip): no vote", {}, {},
     {"rarity_shift": 0.7, "swaps_rarer_in_copy": 1, "swaps_rarer_in_source": 6}, "unknown"),
    ("candidate shows translation fragments", {}, {"text": GARBLED}, {}, "query_is_source"),
    # nobody turns a spinner's words back into the news's: the side that has them is the copy
    ("query says 'mentioned' where news writes 'said'", {"text": SPUN_SAID}, {}, {},
     "candidate_is_source"),
    ("candidate says 'mentioned' where news writes 'said'", {}, {"text": SPUN_SAID}, {},
     "query_is_source"),
    ("earlier date outvotes a credit on the query", {"published": "2026-03-12",
                                                     "credits": ["AP"]},
     {"published": "2026-03-10"}, {}, "candidate_is_source"),
    ("credit and chrome against an earlier date",
     {"published": "2026-03-10", "boilerplate": ["a", "b", "c"]},
     {"published": "2026-03-12", "credits": ["AP"]}, {}, "unknown"),
    # a day apart on bare dates may be time zones: half a vote, a credit the other way ties it
    ("a day earlier against a credit on the query", {"published": "2026-03-11",
                                                     "credits": ["AP"]},
     {"published": "2026-03-10"}, {}, "unknown"),
    ("a day earlier across a month's end", {"published": "2026-04-01"},
     {"published": "2026-03-31"}, {}, "candidate_is_source"),
    ("a month-only date against a day in that month", {"published": "2026-03-05"},
     {"published": "2026-03"}, {}, "unknown"),
    ("a month-only date against a day in a later month", {"published": "2026-04-02"},
     {"published": "2026-03"}, {}, "candidate_is_source"),
    ("an unreadable date gives no vote", {"published": "2026-13-45"},
     {"published": "2026-03-10"}, {}, "unknown"),
]


@pytest.mark.parametrize(("name", "q", "c", "f", "expected"), DIRECTIONS,
                         ids=[d[0] for d in DIRECTIONS])
def test_direction(name: str, q: dict[str, Any], c: dict[str, Any], f: dict[str, float],
                   expected: str) -> None:
    got, why = direction(_art("q", **q), _art("c", **c), f)
    assert got == expected, (name, why)
    if expected != "unknown":
        assert why, "a decided direction gives its reasons"


# -- word_swaps -------------------------------------------------------------------------------


def test_word_swaps_count_the_side_holding_the_rarer_word() -> None:
    source = _view(["The minister said the talks would go on while the strike lasted.",
                    "Officials said the death toll rose to 12 on Friday."])
    spun = _view(["The minister mentioned the talks would go on whereas the strike lasted.",
                  "Officials mentioned the demise toll rose to 12 on Friday."])
    pairs = [_pair(0, 0, spun, source), _pair(1, 1, spun, source)]
    got = word_swaps(spun, source, pairs)
    assert got["swaps_rarer_in_copy"] == 4 and got["swaps_rarer_in_source"] == 0
    # seen the other way round, the same swaps favour the other side
    back = word_swaps(source, spun, [_pair(0, 0, source, spun), _pair(1, 1, source, spun)])
    assert back == {"swaps_rarer_in_copy": 0, "swaps_rarer_in_source": 4}


def test_rarity_shift_says_which_side_brought_in_rarer_words() -> None:
    source = _view(["Officials said the death toll rose sharply after the big storm hit the town."])
    spun = _view(["Authorities mentioned the demise toll surged abruptly after the colossal "
                  "tempest struck the township."])
    got = word_swaps(spun, source, [_pair(0, 0, spun, source)])
    assert got["rarity_shift"] < -1.0 and got["unknown_new_words"] == 0.0
    back = word_swaps(source, spun, [_pair(0, 0, source, spun)])
    assert back["rarity_shift"] > 1.0
    # too few changed words to weigh: no shift reported
    few = _view(["Officials mentioned the death toll rose sharply after the big storm hit the "
                 "town."])
    assert "rarity_shift" not in word_swaps(few, source, [_pair(0, 0, few, source)])


def test_word_swaps_ignore_numbers_and_reworded_stretches() -> None:
    source = _view(["Officials said 12 people died in Lyon on Friday."])
    copy = _view(["Officials said 14 people died in Lyon on Friday."])
    assert word_swaps(copy, source, [_pair(0, 0, copy, source)]) == {
        "swaps_rarer_in_copy": 0, "swaps_rarer_in_source": 0}
    # a two-word stretch for one ("the useless" for "the dead" is one swap; "was killed" for
    # "died" is not one-for-one)
    reworded = _view(["Officials said 12 people were killed in Lyon on Friday."])
    assert word_swaps(reworded, source, [_pair(0, 0, reworded, source)]) == {
        "swaps_rarer_in_copy": 0, "swaps_rarer_in_source": 0}
