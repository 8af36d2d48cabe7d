"""Passage alignment, case by case: small passage lists, hand-made semantic matrices, the
real ``passage_features``, and which pairs ``align`` returns with which kind.

The cross-language cases use Spanish copies that share no word with their English sources,
so the pair similarity is the given semantic value alone: those rows straddle the match,
moved and split thresholds of ``AlignConfig`` (a moved threshold flips one row of a pair).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from wiretrace.align import AlignConfig, align, lexical_matrix, passage_features
from wiretrace.data import Passage

EN = [
    "Dockworkers at the container terminal began a strike early on Tuesday morning.",
    "The union demanded guarantees against automation and earlier retirement.",
    "Shipping companies diverted several vessels to ports in Belgium and Germany.",
    "Talks between employers and the union are scheduled to resume next week.",
]
ES = [  # the same four sentences in Spanish: not one word in common with EN
    "Los estibadores iniciaron una huelga temprano el martes por la mañana.",
    "El sindicato exigió garantías contra la automatización y una jubilación anticipada.",
    "Las navieras desviaron varios buques hacia puertos de Bélgica y Alemania.",
    "Las conversaciones entre empresarios y sindicato se reanudarán la próxima semana.",
]
ES1_SPLIT = ["El sindicato exigió garantías contra la automatización.",
             "También pidió una jubilación anticipada."]
ES12_MERGED = ("El sindicato exigió garantías contra la automatización y las navieras "
               "desviaron varios buques hacia Bélgica.")
EN1_SPLIT = ["The union demanded guarantees against automation.",
             "It also wanted earlier retirement for older crane drivers."]
EN12_MERGED = ("The union demanded guarantees against automation and earlier retirement, "
               "while shipping companies diverted several vessels to Belgium and Germany.")
ADDED = "Share prices of listed logistics groups barely moved in Amsterdam trading."
DATELINE = "ROTTERDAM, March 10 (Meridian) - "
EDITED0 = EN[0].replace("early on", "at dawn on")
PARAPHRASE0 = "Workers walked off the job at the port's box terminal at dawn on Tuesday."
NAMED_EN = "Officials in Rotterdam said 27 ships were waiting at anchor off the coast."
NAMED_ES = "Funcionarios de Rotterdam dijeron que 27 buques esperaban fondeados frente al litoral."


def _passages(sentences: list[str]) -> list[Passage]:
    out, pos = [], 0
    for i, s in enumerate(sentences):
        out.append(Passage(index=i, start=pos, end=pos + len(s), text=s))
        pos += len(s) + 1
    return out


def _sem(n: int, m: int, cells: dict[tuple[int, int], float], rest: float = 0.1) -> np.ndarray:
    """A cosine matrix: ``rest`` everywhere but the given cells."""
    s = np.full((n, m), rest, dtype=np.float32)
    for (i, j), v in cells.items():
        s[i, j] = v
    return s


def _diag(n: int, v: float, **over: float) -> dict[tuple[int, int], float]:
    cells = {(i, i): v for i in range(n)}
    for key, val in over.items():  # "c2_3": copy 2, source 3
        i, j = key[1:].split("_")
        cells[int(i), int(j)] = val
    return cells


Row = tuple[str, list[str], list[str], dict[tuple[int, int], float],
            list[tuple[list[int], list[int], str]]]
ROWS: list[Row] = [
    ("identical order", EN, EN, _diag(4, 1.0),
     [([0], [0], "same"), ([1], [1], "same"), ([2], [2], "same"), ([3], [3], "same")]),
    ("dateline credit cut by the copier", EN[:2], [DATELINE + EN[0], EN[1]], _diag(2, 0.97),
     [([0], [0], "same"), ([1], [1], "same")]),
    ("two words changed", [EDITED0, *EN[1:]], EN, _diag(4, 0.97),
     [([0], [0], "edited"), ([1], [1], "same"), ([2], [2], "same"), ([3], [3], "same")]),
    ("paraphrased sentence", [PARAPHRASE0, EN[1]], EN[:2], _diag(2, 0.9),
     [([0], [0], "paraphrased"), ([1], [1], "same")]),
    ("one sentence split in two", [EN[0], *EN1_SPLIT, *EN[2:]], EN,
     {(0, 0): 1.0, (1, 1): 0.85, (2, 1): 0.55, (3, 2): 1.0, (4, 3): 1.0},
     [([0], [0], "same"), ([1, 2], [1], "split"), ([3], [2], "same"), ([4], [3], "same")]),
    ("two sentences merged into one", [EN[0], EN12_MERGED, EN[3]], EN,
     {(0, 0): 1.0, (1, 1): 0.85, (1, 2): 0.7, (2, 3): 1.0},
     [([0], [0], "same"), ([1], [1, 2], "merged"), ([2], [3], "same")]),
    ("reordered paragraphs", [EN[2], EN[3], EN[0], EN[1]], EN,
     {(0, 2): 1.0, (1, 3): 1.0, (2, 0): 1.0, (3, 1): 1.0},
     [([0], [2], "same"), ([1], [3], "same"), ([2], [0], "same"), ([3], [1], "same")]),
    ("a dropped sentence", [EN[0], EN[2], EN[3]], EN, {(0, 0): 1.0, (1, 2): 1.0, (2, 3): 1.0},
     [([0], [0], "same"), ([1], [2], "same"), ([2], [3], "same")]),
    ("an added sentence", [EN[0], ADDED, *EN[1:]], EN,
     {(0, 0): 1.0, (2, 1): 1.0, (3, 2): 1.0, (4, 3): 1.0},
     [([0], [0], "same"), ([2], [1], "same"), ([3], [2], "same"), ([4], [3], "same")]),
    ("same words, semantic model disagrees", EN[:2], EN[:2], {},
     [([0], [0], "same"), ([1], [1], "same")]),
    ("unrelated passages", [ADDED], EN, {}, []),
    # cross-language: no word in common, the semantic similarity decides alone
    ("translation in order", ES, EN, _diag(4, 0.85),
     [([0], [0], "translated"), ([1], [1], "translated"), ([2], [2], "translated"),
      ([3], [3], "translated")]),
    ("translated pair at 0.63, above the match floor", ES, EN, _diag(4, 0.85, c2_2=0.63),
     [([0], [0], "translated"), ([1], [1], "translated"), ([2], [2], "translated"),
      ([3], [3], "translated")]),
    ("translated pair at 0.61, below the match floor", ES, EN, _diag(4, 0.85, c2_2=0.61),
     [([0], [0], "translated"), ([1], [1], "translated"), ([3], [3], "translated")]),
    ("translation reordered, moved pairs at 0.8", [ES[2], ES[3], ES[0], ES[1]], EN,
     {(0, 2): 0.9, (1, 3): 0.9, (2, 0): 0.8, (3, 1): 0.8},
     [([0], [2], "translated"), ([1], [3], "translated"), ([2], [0], "translated"),
      ([3], [1], "translated")]),
    ("translation reordered, moved pairs at 0.79", [ES[2], ES[3], ES[0], ES[1]], EN,
     {(0, 2): 0.9, (1, 3): 0.9, (2, 0): 0.79, (3, 1): 0.79},
     [([0], [2], "translated"), ([1], [3], "translated")]),
    ("translation splits a sentence, fragment at 0.5", [ES[0], *ES1_SPLIT, *ES[2:]], EN,
     {(0, 0): 0.85, (1, 1): 0.8, (2, 1): 0.5, (3, 2): 0.85, (4, 3): 0.85},
     [([0], [0], "translated"), ([1, 2], [1], "split"), ([3], [2], "translated"),
      ([4], [3], "translated")]),
    ("translation splits a sentence, fragment at 0.49", [ES[0], *ES1_SPLIT, *ES[2:]], EN,
     {(0, 0): 0.85, (1, 1): 0.8, (2, 1): 0.49, (3, 2): 0.85, (4, 3): 0.85},
     [([0], [0], "translated"), ([1], [1], "translated"), ([3], [2], "translated"),
      ([4], [3], "translated")]),
    ("translation merges two sentences, second at 0.5", [ES[0], ES12_MERGED, ES[3]], EN,
     {(0, 0): 0.85, (1, 1): 0.8, (1, 2): 0.5, (2, 3): 0.85},
     [([0], [0], "translated"), ([1], [1, 2], "merged"), ([2], [3], "translated")]),
    ("translation merges two sentences, second at 0.49", [ES[0], ES12_MERGED, ES[3]], EN,
     {(0, 0): 0.85, (1, 1): 0.8, (1, 2): 0.49, (2, 3): 0.85},
     [([0], [0], "translated"), ([1], [1], "translated"), ([2], [3], "translated")]),
    # a name and a number survive translation: two words shared of 14 + 12 make a word
    # overlap of 0.15, no longer "translated" (<= 0.05) but "paraphrased"
    ("translated sentence keeping a name and a number", [NAMED_ES], [NAMED_EN], {(0, 0): 0.85},
     [([0], [0], "paraphrased")]),
]


@pytest.mark.parametrize(("name", "copy", "source", "cells", "expected"), ROWS,
                         ids=[r[0] for r in ROWS])
def test_align(name: str, copy: list[str], source: list[str],
               cells: dict[tuple[int, int], float],
               expected: list[tuple[list[int], list[int], str]]) -> None:
    cp, sp = _passages(copy), _passages(source)
    sem = _sem(len(cp), len(sp), cells)
    pairs = align(cp, sp, sem, AlignConfig())
    assert [(p.copy_idx, p.source_idx, p.kind) for p in pairs] == expected, name
    for p in pairs:
        assert p.copy_span == (cp[p.copy_idx[0]].start, cp[p.copy_idx[-1]].end)
        assert p.source_span == (sp[p.source_idx[0]].start, sp[p.source_idx[-1]].end)
        # the pair's similarity is the best semantic cell of its group
        assert p.similarity == pytest.approx(
            max(sem[i, j] for i in p.copy_idx for j in p.source_idx), abs=1e-4)


# AlignConfig field -> (rows that change when it is raised a step, when it is lowered)
BOUNDARIES: dict[str, tuple[set[str], set[str]]] = {
    "match": ({"translated pair at 0.63, above the match floor"},
              {"translated pair at 0.61, below the match floor"}),
    "moved": ({"translation reordered, moved pairs at 0.8"},
              {"translation reordered, moved pairs at 0.79"}),
    "split": ({"translation splits a sentence, fragment at 0.5",
               "translation merges two sentences, second at 0.5"},
              {"translation splits a sentence, fragment at 0.49",
               "translation merges two sentences, second at 0.49"}),
}


def _aligned(config: AlignConfig) -> dict[str, list[tuple[list[int], list[int], str]]]:
    out = {}
    for name, copy, source, cells, _ in ROWS:
        cp, sp = _passages(copy), _passages(source)
        pairs = align(cp, sp, _sem(len(cp), len(sp), cells), config)
        out[name] = [(p.copy_idx, p.source_idx, p.kind) for p in pairs]
    return out


@pytest.mark.parametrize("field", list(BOUNDARIES))
def test_each_threshold_moves_its_own_rows(field: str) -> None:
    """Move one threshold a step (0.015) either way: only the rows named for it change."""
    base = _aligned(AlignConfig())
    for step, rows in ((0.015, BOUNDARIES[field][0]), (-0.015, BOUNDARIES[field][1])):
        config = replace(AlignConfig(), **{field: getattr(AlignConfig(), field) + step})
        moved = _aligned(config)
        assert {n for n in base if moved[n] != base[n]} == rows, (field, step)


# Broken sentences scored by their joined text: ``joined`` is given as a table of cosines
# of joined passages (copy indices, source indices); any other join scores 0.
JOIN_ROWS: list[tuple[str, list[str], list[str], dict[tuple[int, int], float],
                      dict[tuple[tuple[int, ...], tuple[int, ...]], float],
                      list[tuple[list[int], list[int], str, float]]]] = [
    ("broken sentence at 0.79 joins its fragment", [ES[0], *ES1_SPLIT], EN[:2],
     {(0, 0): 0.85, (1, 1): 0.79, (2, 1): 0.4}, {((1, 2), (1,)): 0.9},
     [([0], [0], "translated", 0.85), ([1, 2], [1], "split", 0.9)]),
    ("strong pair at 0.8 is left as it is", [ES[0], *ES1_SPLIT], EN[:2],
     {(0, 0): 0.85, (1, 1): 0.8, (2, 1): 0.4}, {((1, 2), (1,)): 0.9},
     [([0], [0], "translated", 0.85), ([1], [1], "translated", 0.8)]),
    ("merged sentence at 0.7 joins the source's next one", [ES[0], ES12_MERGED], EN[:3],
     {(0, 0): 0.85, (1, 1): 0.7, (1, 2): 0.4}, {((1,), (1, 2)): 0.88},
     [([0], [0], "translated", 0.85), ([1], [1, 2], "merged", 0.88)]),
    ("joining gains 0.03: attached", [ES[0], *ES1_SPLIT], EN[:2],
     {(0, 0): 0.85, (1, 1): 0.7, (2, 1): 0.4}, {((1, 2), (1,)): 0.73},
     [([0], [0], "translated", 0.85), ([1, 2], [1], "split", 0.73)]),
    ("joining gains 0.01: not attached", [ES[0], *ES1_SPLIT], EN[:2],
     {(0, 0): 0.85, (1, 1): 0.7, (2, 1): 0.4}, {((1, 2), (1,)): 0.71},
     [([0], [0], "translated", 0.85), ([1], [1], "translated", 0.7)]),
    ("fragment attached at 0.5 is scored by the joined text", [ES[0], *ES1_SPLIT], EN[:2],
     {(0, 0): 0.85, (1, 1): 0.7, (2, 1): 0.5}, {((1, 2), (1,)): 0.82},
     [([0], [0], "translated", 0.85), ([1, 2], [1], "split", 0.82)]),
    ("joined text scoring lower keeps the best half", [ES[0], *ES1_SPLIT], EN[:2],
     {(0, 0): 0.85, (1, 1): 0.7, (2, 1): 0.5}, {((1, 2), (1,)): 0.6},
     [([0], [0], "translated", 0.85), ([1, 2], [1], "split", 0.7)]),
    # a pair aligned on its words whose cosine is low (0.5 / 0.49): the join floor (a
    # later strong pair makes the texts worth joining at all)
    ("word-for-word pair at cosine 0.5 joins", [EN[0], ADDED, EN[2]], [EN[0], EN[2]],
     {(0, 0): 0.5, (1, 0): 0.4, (2, 1): 0.85}, {((0, 1), (0,)): 0.7},
     [([0, 1], [0], "split", 0.7), ([2], [1], "same", 0.85)]),
    ("word-for-word pair at cosine 0.49 does not", [EN[0], ADDED, EN[2]], [EN[0], EN[2]],
     {(0, 0): 0.49, (1, 0): 0.4, (2, 1): 0.85}, {((0, 1), (0,)): 0.7},
     [([0], [0], "same", 0.49), ([2], [1], "same", 0.85)]),
    # texts with no strong pair are not joined: joins make broken sentences of a copy
    # whole, and a copy keeps some sentences whole (a story build's same-event pairs
    # encoded twice the joined texts without this)
    ("no strong pair: nothing is joined", [EN[0], ADDED], EN[:1],
     {(0, 0): 0.5, (1, 0): 0.4}, {((0, 1), (0,)): 0.7}, [([0], [0], "same", 0.5)]),
    # the neighbour tried must be somewhat alike to the partner itself (a broken half
    # carries part of its meaning): 0.3 / 0.29, the join floor for neighbours
    ("half alike at 0.3 to the partner is tried", [ES[0], *ES1_SPLIT], EN[:2],
     {(0, 0): 0.85, (1, 1): 0.7, (2, 1): 0.3}, {((1, 2), (1,)): 0.82},
     [([0], [0], "translated", 0.85), ([1, 2], [1], "split", 0.82)]),
    ("half alike at 0.29 to the partner is not", [ES[0], *ES1_SPLIT], EN[:2],
     {(0, 0): 0.85, (1, 1): 0.7, (2, 1): 0.29}, {((1, 2), (1,)): 0.82},
     [([0], [0], "translated", 0.85), ([1], [1], "translated", 0.7)]),
]


def _joined_aligned(config: AlignConfig) -> dict[str, list[tuple[list[int], list[int], str,
                                                                  float]]]:
    out = {}
    for name, copy, source, cells, table, _ in JOIN_ROWS:
        cp, sp = _passages(copy), _passages(source)
        pairs = align(cp, sp, _sem(len(cp), len(sp), cells), config,
                      joined=lambda opts, t=table: [t.get((tuple(q), tuple(j)), 0.0)
                                                    for q, j in opts])
        out[name] = [(p.copy_idx, p.source_idx, p.kind, round(p.similarity, 4)) for p in pairs]
    return out


def test_joined_text_scores_broken_sentences() -> None:
    got = _joined_aligned(AlignConfig())
    for name, *_, expected in JOIN_ROWS:
        assert got[name] == expected, name


JOIN_BOUNDARIES: dict[str, tuple[set[str], set[str]]] = {
    "join_from": ({"word-for-word pair at cosine 0.5 joins"},
                  {"word-for-word pair at cosine 0.49 does not"}),
    "join_below": ({"strong pair at 0.8 is left as it is"},
                   {"broken sentence at 0.79 joins its fragment"}),
    "join_gain": ({"joining gains 0.03: attached"}, {"joining gains 0.01: not attached"}),
    "join_neighbour": ({"half alike at 0.3 to the partner is tried"},
                       {"half alike at 0.29 to the partner is not"}),
}


@pytest.mark.parametrize("field", list(JOIN_BOUNDARIES))
def test_each_join_threshold_moves_its_own_rows(field: str) -> None:
    base = _joined_aligned(AlignConfig())
    for step, rows in ((0.015, JOIN_BOUNDARIES[field][0]),
                       (-0.015, JOIN_BOUNDARIES[field][1])):
        config = replace(AlignConfig(), **{field: getattr(AlignConfig(), field) + step})
        moved = _joined_aligned(config)
        assert {n for n in base if moved[n] != base[n]} == rows, (field, step)


#: AlignConfig switches -> the rows that change when each is turned the other way
JOIN_SWITCHES: dict[str, set[str]] = {
    "join_needs_strong": {"no strong pair: nothing is joined"},
}


@pytest.mark.parametrize("field", list(JOIN_SWITCHES))
def test_each_join_switch_moves_its_own_rows(field: str) -> None:
    base = _joined_aligned(AlignConfig())
    moved = _joined_aligned(replace(AlignConfig(), **{field: not getattr(AlignConfig(), field)}))
    assert {n for n in base if moved[n] != base[n]} == JOIN_SWITCHES[field]


def test_without_joined_scores_nothing_is_joined() -> None:
    """No encoder at hand (``joined`` None): the join thresholds change nothing."""
    for name, copy, source, cells, _, _ in JOIN_ROWS:
        cp, sp = _passages(copy), _passages(source)
        sem = _sem(len(cp), len(sp), cells)
        base = align(cp, sp, sem, AlignConfig())
        assert align(cp, sp, sem, replace(AlignConfig(), join_below=1.0, join_from=0.0,
                                          join_gain=0.0, join_neighbour=0.0)) == base, name


def test_every_align_threshold_has_boundary_rows() -> None:
    assert (set(BOUNDARIES) | set(JOIN_BOUNDARIES) | set(JOIN_SWITCHES)
            == set(AlignConfig.__dataclass_fields__))


def test_spanish_rows_share_no_word_with_english() -> None:
    """The cross-language rows rely on it: their similarity is the semantic cell alone."""
    es = passage_features(_passages([*ES, *ES1_SPLIT, ES12_MERGED]))
    assert not lexical_matrix(es, passage_features(_passages(EN))).any()


def test_lexical_matrix_is_content_word_jaccard() -> None:
    a = passage_features(_passages(["Rotterdam dockworkers strike over automation.",
                                    "The and of it."]))
    b = passage_features(_passages(["Dockworkers in Rotterdam strike.",
                                    "Automation talks resume."]))
    m = lexical_matrix(a, b)
    # {rotterdam, dockworkers, strike, automation} vs {dockworkers, rotterdam, strike}
    assert m[0, 0] == pytest.approx(3 / 4)
    # {rotterdam, dockworkers, strike, automation} vs {automation, talks, resume}
    assert m[0, 1] == pytest.approx(1 / 6)
    assert not m[1].any(), "a passage of function words only matches nothing"


@pytest.mark.parametrize(
    ("text", "quoted"),
    [('"We will not accept automation without guarantees for every worker," he said.', True),
     ('The union leader said: "We will not accept this."', False),
     ("No quotation at all in this sentence.", False)],
    ids=["mostly quoted", "quote under 60% of the text", "no quote"],
)
def test_quoted_passages(text: str, quoted: bool) -> None:
    assert passage_features(_passages([text]))[0].quoted is quoted


def test_dateline_credit_is_left_out_of_the_words() -> None:
    f = passage_features(_passages([DATELINE + EN[0]]))[0]
    assert f.words == passage_features(_passages([EN[0]]))[0].words


def test_empty_sides_align_nothing() -> None:
    assert align([], _passages(EN), np.zeros((0, 4)), AlignConfig()) == []
    assert align(_passages(EN), [], np.zeros((4, 0)), AlignConfig()) == []
