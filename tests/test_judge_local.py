"""Reuse proven by local evidence: real copies sit inside longer pages, and real sources are
often teasers or first takes shorter than their copies.

Table-driven cases for ``judge.decide`` (so a threshold change shows which case it moves),
``judge.local_reuse`` on hand-made alignments, and end-to-end traces on the shipped demo
corpus: a machine-translated copy padded with another story and captions, a copy traced
against a store that holds only its source's first paragraphs, and the independent reports,
which must stay independent.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from wiretrace.align import passage_features
from wiretrace.data import AlignedPair, Article
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace, prepare
from wiretrace.judge import PairView, decide, load_thresholds, local_reuse
from wiretrace.judge.direction import direction

BASE = {  # a same-event pair with nothing reused: the judge's "independent" baseline
    "copy_passages": 20, "source_passages": 12, "aligned_pairs": 4, "coverage_copy": 0.2,
    "coverage_source": 0.3, "coverage_copy_words": 0.2, "soft_coverage": 0.3,
    "strong_pairs": 1, "strong_coverage": 0.05, "content_overlap": 0.3,
    "coverage_source_words": 0.3, "changed_words": 0.6, "added_sentences": 10,
    "semantic": 0.7, "lexical": 0.3, "exact_share": 0.0, "function_words": 0.7,
    "length_ratio": 1.0, "monotone": 1.0, "contiguous": 0.5, "names_shared": 0.3,
    "names_copy_in_source": 0.5, "numbers_shared": 0.2, "cross_language": 0.0,
    "strong_run": 1, "strong_run_words": 20, "strong_coverage_source": 0.08,
}

CASES = [
    # (name, changes to BASE, derived?)
    ("same event, one strong pair", {}, False),
    ("two strong pairs far apart", {"strong_pairs": 2, "strong_run": 1}, False),
    ("seven identical sentences in a row inside a longer page",
     {"strong_pairs": 8, "strong_run": 7, "strong_run_words": 180, "strong_coverage": 0.667,
      "exact_share": 0.875, "changed_words": 0.012}, True),
    ("three strong pairs in a row, long enough", {"strong_pairs": 3, "strong_run": 3,
                                                   "strong_run_words": 70}, True),
    ("three short strong pairs in a row", {"strong_pairs": 3, "strong_run": 3,
                                           "strong_run_words": 24}, False),
    ("two long near-alike passages in a row", {"strong_pairs": 2, "strong_run": 2,
                                                "strong_run_words": 75,
                                                "strong_run_similarity": 0.9}, True),
    ("two long passages in a row, only paraphrase-close",
     {"strong_pairs": 2, "strong_run": 2, "strong_run_words": 75,
      "strong_run_similarity": 0.81}, False),
    ("wire sentences kept in order between the rewriter's own",
     {"strong_pairs": 4, "strong_run": 1, "strong_run_words": 30, "strong_ordered": 4,
      "strong_ordered_words": 110}, True),
    ("one long sentence reused word for word", {"strong_pairs": 1, "strong_run": 1,
                                                 "verbatim_words": 42}, True),
    ("one short sentence reused word for word", {"strong_pairs": 1, "strong_run": 1,
                                                 "verbatim_words": 18}, False),
    ("a few short strong pairs in order", {"strong_pairs": 3, "strong_run": 1,
                                           "strong_ordered": 3, "strong_ordered_words": 50},
     False),
    ("a teaser source whole inside the copy",
     {"strong_pairs": 3, "strong_run": 2, "strong_run_words": 60,
      "strong_coverage_source": 0.9, "source_passages": 3}, True),
    ("most of the source in strong pairs, but one pair only",
     {"strong_pairs": 1, "strong_run": 1, "strong_run_words": 40,
      "strong_coverage_source": 0.8, "source_passages": 2}, False),
    ("several reused sentences, none of twenty words, a fifth of the copy",
     {"shared_run_words": 16, "shared_words": 45, "shared_share": 0.25}, True),
    ("runs that cover a small share of a long page", {"shared_run_words": 16,
                                                      "shared_words": 45, "shared_share": 0.1},
     False),
    ("a large share, but a single stock phrase", {"shared_run_words": 9, "shared_words": 9,
                                                  "shared_share": 0.5}, False),
    ("the old global rule still holds", {"strong_pairs": 15, "strong_coverage": 0.9,
                                         "strong_run": 1}, True),
]


@pytest.mark.parametrize(("name", "change", "derived"), CASES, ids=[c[0] for c in CASES])
def test_decide_table(name: str, change: dict, derived: bool) -> None:
    f = {**BASE, **change}
    kind, conf = decide(f, load_thresholds())
    assert (kind not in ("independent", "unrelated")) == derived, (name, kind, f)
    assert 0.0 <= conf <= 1.0
    if derived and f["strong_coverage"] < 0.7:
        assert f["reuse_evidence"], "a local derivation says which evidence proved it"


def _view(text: str) -> PairView:
    art = prepare(Article(id="x", text=text))
    return PairView(art, passage_features(art.passages))


def _pair(i: int, j: int, copy: PairView, source: PairView) -> AlignedPair:
    return AlignedPair(copy_idx=[i], source_idx=[j], similarity=0.9, lexical=0.9, kind="same",
                       copy_span=(copy.article.passages[i].start, copy.article.passages[i].end),
                       source_span=(source.article.passages[j].start,
                                    source.article.passages[j].end))


SENT = [f"The harbour authority said {w} ships waited at anchor near the terminal on Tuesday."
        for w in ("twelve", "nineteen", "thirty", "forty", "fifty", "sixty")]
QUOTE = '"We will not accept automation without guarantees for every worker here," he said.'


def test_local_reuse_counts_a_run_in_order_on_both_sides() -> None:
    copy = _view("\n\n".join(["Unrelated opening line about the weather today here.", *SENT]))
    source = _view("\n\n".join(SENT))
    pairs = [_pair(i + 1, i, copy, source) for i in range(6)]
    f = local_reuse(copy, source, pairs)
    assert f["strong_run"] == 6
    assert f["strong_coverage_source"] == 1.0
    assert f["strong_run_start_copy"] == 1 and f["strong_run_start_source"] == 0
    a, b = f["reused_copy_span"]
    assert copy.article.text[a:b].startswith(SENT[0][:20])
    # the same pairs out of order on the source side are no run
    shuffled = [_pair(i + 1, (i * 4) % 6, copy, source) for i in range(6)]
    assert local_reuse(copy, source, shuffled)["strong_run"] < 3


def test_local_reuse_ignores_shared_quotations() -> None:
    copy = _view("\n\n".join([QUOTE] * 4))
    source = _view("\n\n".join([QUOTE] * 4))
    f = local_reuse(copy, source, [_pair(i, i, copy, source) for i in range(4)])
    assert f["strong_run"] == 0 and f["strong_coverage_source"] == 0.0


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    return {d["id"]: d for d in load_jsonl(CORPUS / "originals.jsonl")} | {
        d["id"]: d for d in load_jsonl(CORPUS / "copies.jsonl")}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, corpus: dict[str, dict]) -> Wiretrace:
    wt = Wiretrace(tmp_path_factory.mktemp("store"))
    wt.add([to_article(d) for d in corpus.values() if d.get("role") in ("wire_original",
                                                                      "independent_report")])
    return wt


def test_copy_inside_a_longer_page_is_traced(engine: Wiretrace, corpus: dict[str, dict]) -> None:
    """A round-trip copy with another story and captions after it: most of the page is not
    the source's, yet the run of aligned sentences proves the reuse."""
    mt = corpus["copy-3-machine_translated"]
    paras = mt["text"].split("\n\n")
    other = corpus["cnw-bruges-astrolabe-theft"]["text"]
    other2 = corpus["northwire-halvorsen-q2-results"]["text"]
    page = "\n\n".join([*paras[:6], "Photo: Reuters file picture of the harbour.", other,
                        "Read more: markets today", other2])
    res = engine.trace(Article(id="padded", text=page))
    named = {r.source_id: r for r in res.sources}
    assert mt["source_id"] in named, res.relations[:3]
    rel = named[mt["source_id"]]
    assert rel.features["strong_coverage"] < 0.7  # the old global rule would not have said it
    a, b = rel.features["reused_copy_span"]
    assert "Estravia" in res.article.text[a:b] or b - a > 200


def test_source_holding_only_its_first_paragraphs(tmp_path: Path,
                                                  corpus: dict[str, dict]) -> None:
    """A feed item or excerpt of the wire story is in the store; the full disguised copy is
    traced to it, and the lead it shares is not read as proof that the copy came first."""
    src = corpus["cnw-estravia-rate-hike"]
    teaser = dict(src, id="teaser", text="\n\n".join(src["text"].split("\n\n")[:3]))
    wt = Wiretrace(tmp_path / "store")
    others = [to_article(d) for d in corpus.values()
              if d.get("role") in ("wire_original", "independent_report") and d is not src]
    wt.add([to_article(teaser), *others])
    copy = corpus["copy-3-machine_translated"]
    assert copy["source_id"] == src["id"]
    res = wt.trace(to_article(copy))
    named = [r for r in res.sources if r.direction != "query_is_source"]
    assert [r.source_id for r in named][:1] == ["teaser"], res.relations[:3]


def test_independent_reports_stay_independent(engine: Wiretrace,
                                              corpus: dict[str, dict]) -> None:
    for d in corpus.values():
        if d.get("role") != "independent_report":
            continue
        res = engine.trace(to_article(d), exclude_ids=[d["id"]])
        assert not res.sources, (d["id"], [(r.source_id, r.kind, r.features.get(
            "reuse_evidence")) for r in res.sources])


def test_a_shared_lead_casts_no_length_vote() -> None:
    """One text the other's opening: a teaser, a first take or a truncated copy. Length
    says nothing of which came first, so only other clues may decide."""
    long = prepare(Article(id="long", text="\n\n".join(SENT)))
    short = replace(prepare(Article(id="short", text="\n\n".join(SENT[:2]))))
    f = {"coverage_copy": 0.33, "coverage_source": 1.0, "strong_run": 2,
         "strong_run_start_copy": 0, "strong_run_start_source": 0}
    dirn, why = direction(long, short, f)
    assert dirn == "unknown"
    assert any("opening" in w for w in why)
    f_mid = {**f, "strong_run_start_copy": 3}
    _, why_mid = direction(long, short, f_mid)
    assert any("subset" in w for w in why_mid)


def test_two_versions_of_one_story_are_no_roundup(tmp_path: Path,
                                                  corpus: dict[str, dict]) -> None:
    """A first take and a later version of one wire story each lie in their own part of a
    page that copies both: one story, so the page is a copy, not a roundup of two."""
    src = corpus["meridian-carvalia-mirova-visit"]
    paras = src["text"].split("\n\n")
    half = len(paras) // 2
    first = dict(src, id="first-take", text="\n\n".join(paras[:half]))
    later = dict(src, id="write-through", text="\n\n".join(paras[half:]))
    wt = Wiretrace(tmp_path / "store")
    wt.add([to_article(first), to_article(later)])
    res = wt.trace(Article(id="page", text=src["text"]))
    assert {r.source_id for r in res.sources} == {"first-take", "write-through"}
    assert not res.verdict.startswith("roundup"), res.verdict


def test_a_teaser_is_retrieved_for_its_long_copy(tmp_path: Path,
                                                 corpus: dict[str, dict]) -> None:
    """Averaged over a long copy's passages, a two-paragraph teaser's vote is tiny next to
    any long report of the same event; the 'contained' signal finds it anyway."""
    src = corpus["cnw-estravia-rate-hike"]
    teaser = dict(src, id="teaser", text="\n\n".join(src["text"].split("\n\n")[:2]))
    wt = Wiretrace(tmp_path / "store")
    wt.add([to_article(teaser), *(to_article(d) for d in corpus.values()
                                  if d.get("role") in ("wire_original", "independent_report")
                                  and d is not src)])
    found = dict((a.id, s) for a, s in wt.neighbours(prepare(to_article(
        corpus["copy-3-machine_translated"]))))
    assert found["teaser"].get("contained", 0.0) >= 0.5, found.get("teaser")


def _fuel_report(day: str, price: str, rise: str, week: str, month: str, streak: str,
                 county: str, county_rise: str, days: str) -> str:
    """A daily fuel-price report written from one template (invented figures)."""
    return "\n\n".join([
        f"The average price of a litre of unleaded petrol in Harrow Vale rose {rise} cents "
        f"to ${price} on {day}, its {streak} record in a row, according to the motoring club.",
        f"The average price is {week} cents more than one week ago and {month} cents higher "
        "than one month ago, the club said in its daily survey of filling stations.",
        f"The Eastmere County average price rose {county_rise} cents to ${county}, its "
        f"{streak} increase in {days} days.",
    ])


MONDAY = _fuel_report("Monday", "2.114", "3.2", "11.5", "24.8", "12th", "2.087", "2.9", "15")
TUESDAY = _fuel_report("Tuesday", "2.153", "3.9", "15.1", "27.6", "13th", "2.121", "3.4",
                        "16")


def test_a_daily_template_with_other_figures_is_not_a_copy(tmp_path: Path) -> None:
    """Two days' reports from one template align sentence by sentence, but every figure
    differs: the template is shared, not the text, so no derivation. The same report with
    one figure updated (a later version of one story) stays a copy."""
    wt = Wiretrace(tmp_path / "store")
    monday, tuesday = Article(id="mon", text=MONDAY), Article(id="tue", text=TUESDAY)
    rel = wt.compare(tuesday, monday)
    assert not rel.derived, (rel.kind, rel.features.get("reuse_evidence"))
    assert rel.features["template_pairs"] >= 2
    updated = Article(id="mon-update", text=MONDAY.replace("rose 3.2 cents", "rose 3.3 cents"))
    rel2 = wt.compare(updated, monday)
    assert rel2.derived and rel2.features["template_pairs"] == 0
