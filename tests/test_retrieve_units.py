"""Candidate retrieval on a tiny store: the demo corpus's originals (wire stories, other
outlets' reports of the same events, unrelated stories) plus a two-sentence excerpt of one
wire story. Each demo copy's source must come first, found by the signals its kind of copy
keeps; the ``contained`` signal lifts a short excerpt above the long reports of its event;
excluded ids stay out; stories of other events rank below.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from wiretrace.data import Article
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace, prepare
from wiretrace.retrieve import Candidate, LexicalIndex, RetrieveConfig, candidates, semantic_votes

pytestmark = pytest.mark.usefixtures("one_model_load")

EXCERPT_OF = "cnw-estravia-rate-hike"


@dataclass
class Tiny:
    wt: Wiretrace
    lexical: LexicalIndex
    event: dict[str, str]  # stored id -> event
    role: dict[str, str]


@pytest.fixture(scope="module")
def originals() -> list[dict[str, Any]]:
    return load_jsonl(CORPUS / "originals.jsonl")


@pytest.fixture(scope="module")
def copies() -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in load_jsonl(CORPUS / "copies.jsonl")}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, originals: list[dict[str, Any]]) -> Tiny:
    src = next(d for d in originals if d["id"] == EXCERPT_OF)
    first_two = prepare(to_article(src)).passages[:2]
    excerpt = dict(src, id="excerpt", role="excerpt", text=" ".join(p.text for p in first_two))
    wt = Wiretrace(tmp_path_factory.mktemp("retrieve"))
    wt.add([to_article(d) for d in [*originals, excerpt]])
    lexical = LexicalIndex(wt.store, wt.retrieve_config.lsh_threshold,
                           wt.fingerprinter.config.num_perm)
    return Tiny(wt, lexical, {d["id"]: d["event"] for d in [*originals, excerpt]},
                {d["id"]: d["role"] for d in [*originals, excerpt]})


def _ranked(tiny: Tiny, article: Article, config: RetrieveConfig | None = None,
            exclude_ids: tuple[str, ...] = ()) -> list[tuple[str, dict[str, float]]]:
    """(stored id, signal scores) best first, as ``candidates`` ranks them."""
    art = prepare(article)
    fp = tiny.wt.fingerprinter.fingerprint_many([art])[0]
    exclude = {r for i in exclude_ids if (r := tiny.wt.store.rowid_of(i))}
    found = candidates(tiny.wt.store, fp.vectors, fp.terms, fp.minhash,
                       config or tiny.wt.retrieve_config, tiny.lexical, exclude)
    out = []
    for c in found:
        stored = tiny.wt.store.get_by_rowid(c.rowid)
        assert stored is not None
        out.append((stored.id, c.scores))
    return out


# copy id -> the signals that find its source (the ones a copy of that kind keeps)
SIGNALS = [
    ("copy-1-verbatim", {"semantic", "entity", "lexical", "contained"}),
    ("copy-2-spun", {"semantic", "entity", "lexical", "contained"}),
    ("copy-7-edited", {"semantic", "entity", "lexical", "contained"}),
    ("copy-8-corrupted", {"semantic", "entity", "contained"}),
    ("copy-3-machine_translated", {"semantic", "entity", "contained"}),
    # 44% of the source: too little of it inside the copy for "contained"
    ("copy-4-partial", {"semantic", "entity", "lexical"}),
    ("copy-6-summarised", {"semantic", "entity"}),
    # Spanish: no shingle in common, and Spanish passages match English ones only loosely
    ("copy-5-translated", {"semantic", "entity"}),
]


@pytest.mark.parametrize(("copy_id", "signals"), SIGNALS, ids=[s[0] for s in SIGNALS])
def test_source_is_the_first_candidate(tiny: Tiny, copies: dict[str, dict[str, Any]],
                                       copy_id: str, signals: set[str]) -> None:
    d = copies[copy_id]
    ranked = _ranked(tiny, to_article(d))
    assert ranked[0][0] == d["source_id"], [i for i, _ in ranked[:4]]
    assert set(ranked[0][1]) == signals, ranked[0][1]


def test_other_events_rank_below_the_source_and_its_events_reports(
        tiny: Tiny, copies: dict[str, dict[str, Any]]) -> None:
    d = copies["copy-1-verbatim"]
    ids = [i for i, _ in _ranked(tiny, to_article(d))]
    event = tiny.event[d["source_id"]]
    same = [k for k, i in enumerate(ids) if tiny.event[i] == event]
    other = [k for k, i in enumerate(ids) if tiny.event[i] != event]
    assert len(same) == 3 and other, ids  # the source and both reports of its event
    assert max(same) < min(other), ids


def test_an_unrelated_story_is_no_close_candidate(tiny: Tiny,
                                                  copies: dict[str, dict[str, Any]]) -> None:
    """A story of an event the store does not hold: what it finds scores far below what a
    copy finds, and no signal that proves reuse (lexical, contained) fires. (Its semantic
    votes are not low: the static tier's passage cosines between any two news stories
    pass the 0.45 floor.)"""
    story = Article(id="q", text=(
        "Heavy snowfall closed the main mountain pass between the two valleys on Sunday, "
        "stranding hundreds of skiers overnight in village hotels.\n\n"
        "Avalanche crews said the road could reopen on Tuesday if the weather cleared, and "
        "a helicopter flew medicine to an isolated farm above the lake."))
    ranked = _ranked(tiny, story)
    assert all("lexical" not in s and "contained" not in s for _, s in ranked), ranked
    best = max((Candidate(0, s).fused for _, s in ranked), default=0.0)
    copy_best = Candidate(0, _ranked(tiny, to_article(copies["copy-1-verbatim"]))[0][1]).fused
    assert best < 0.5 * copy_best, (best, copy_best)


def test_contained_lifts_a_short_excerpt_inside_a_long_copy(
        tiny: Tiny, copies: dict[str, dict[str, Any]],
        originals: list[dict[str, Any]]) -> None:
    """A long page (a round-trip copy followed by another story) holds the stored two-sentence
    excerpt whole: ``contained`` ranks the excerpt above the long same-event reports, which
    the page's mean passage vote alone ranks it below."""
    other = next(d for d in originals if d["id"] == "cnw-bruges-astrolabe-theft")
    page = Article(id="page", text=copies["copy-3-machine_translated"]["text"] + "\n\n"
                   + other["text"])
    reports = {i for i, r in tiny.role.items()
               if r == "independent_report" and tiny.event[i] == tiny.event[EXCERPT_OF]}

    def ranks(config: RetrieveConfig) -> tuple[int, list[int], dict[str, float]]:
        ranked = _ranked(tiny, page, config)
        ids = [i for i, _ in ranked]
        scores = dict(ranked)
        pos = ids.index("excerpt") if "excerpt" in ids else len(ids)
        return pos, [ids.index(r) for r in reports if r in ids], scores.get("excerpt", {})

    pos, report_pos, scores = ranks(tiny.wt.retrieve_config)
    assert scores.get("contained", 0.0) >= tiny.wt.retrieve_config.contained_min
    assert report_pos and pos < min(report_pos), (pos, report_pos)
    # the neighbouring case: the same retrieval without the contained signal
    pos, report_pos, _ = ranks(replace(tiny.wt.retrieve_config, n_contained=0))
    assert report_pos and pos > max(report_pos), (pos, report_pos)


def test_excluded_ids_are_excluded(tiny: Tiny, copies: dict[str, dict[str, Any]]) -> None:
    d = copies["copy-1-verbatim"]
    ranked = _ranked(tiny, to_article(d), exclude_ids=(d["source_id"],))
    ids = [i for i, _ in ranked]
    assert d["source_id"] not in ids
    event = tiny.event[d["source_id"]]
    # with the source gone, the reports of its event lead
    assert {tiny.event[i] for i in ids[:2]} == {event}, ids


def test_semantic_votes_of_a_stored_article_against_itself(tiny: Tiny) -> None:
    art = tiny.wt.store.get(EXCERPT_OF)
    assert art is not None
    vecs = tiny.wt.fingerprinter.fingerprint_many([prepare(art)])[0].vectors
    rowid = tiny.wt.store.rowid_of(EXCERPT_OF)
    votes, inside = semantic_votes(tiny.wt.store, vecs, k=8, floor=0.45, contained_floor=0.75)
    assert votes[rowid] == pytest.approx(1.0, abs=0.01)
    assert max(votes, key=votes.__getitem__) in {rowid, tiny.wt.store.rowid_of("excerpt")}
    assert inside[rowid] == pytest.approx(1.0, abs=0.01)
    # the excerpt's two passages are both inside the whole story too
    assert inside[tiny.wt.store.rowid_of("excerpt")] == pytest.approx(1.0, abs=0.01)
    # a floor above every cosine: nothing votes
    assert semantic_votes(tiny.wt.store, vecs, k=8, floor=1.01) == ({}, {})
    assert semantic_votes(tiny.wt.store, np.zeros((0, vecs.shape[1])), k=8, floor=0.45) == (
        {}, {})


FUSED = [
    ("semantic alone", {"semantic": 0.8}, 0.8),
    ("entity counts 0.02 a point", {"entity": 10.0}, 0.2),
    ("entity capped at 25 points", {"entity": 100.0}, 0.5),
    ("lexical hit counts whole", {"lexical": 1.0}, 1.0),
    ("contained counts half", {"contained": 1.0}, 0.5),
    ("all four", {"semantic": 0.5, "entity": 30.0, "lexical": 1.0, "contained": 0.8}, 2.4),
]


@pytest.mark.parametrize(("name", "scores", "fused"), FUSED, ids=[f[0] for f in FUSED])
def test_fused_score(name: str, scores: dict[str, float], fused: float) -> None:
    assert Candidate(1, dict(scores)).fused == pytest.approx(fused), name


def test_lexical_index_follows_the_store(tmp_path: Path,
                                         originals: list[dict[str, Any]]) -> None:
    """An article stored after the index was first queried is found by the next query."""
    wt = Wiretrace(tmp_path / "store")
    wt.add([to_article(originals[0])])
    index = LexicalIndex(wt.store, 0.3, wt.fingerprinter.config.num_perm)
    late = prepare(to_article(originals[3]))
    sig = wt.fingerprinter.fingerprint_many([late])[0].minhash
    assert index.query(sig) == []
    wt.add([late])
    assert index.query(sig) == [wt.store.rowid_of(late.id)]
