"""Stories on hand-made graphs: clustering (components chain, average link does not),
lineage (decided, leaning and guessed directions, one parent per copy, cycles), the
clustering metrics against hand-computed values, and the exports on hostile titles."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from wiretrace.bench.metrics import adjusted_rand_index, bcubed, edge_prf
from wiretrace.story import (
    PairVerdict,
    Story,
    StoryConfig,
    StoryIndex,
    average_link,
    cluster,
    connected_components,
    lineage,
    to_dot,
    to_graphml,
    to_json,
    to_text,
)


def _sets(clusters: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(c) for c in clusters}


# -- clustering ------------------------------------------------------------------------

# two events, a1..a3 and b1..b3, each fully "same event"; one wrong verdict a3-b1 bridges
# them, and the other judged cross pairs say unrelated.
NODES = ["a1", "a2", "a3", "b1", "b2", "b3", "z"]
SAME = [("a1", "a2"), ("a1", "a3"), ("a2", "a3"), ("b1", "b2"), ("b1", "b3"), ("b2", "b3")]
BRIDGE = [("a3", "b1")]
AGAINST = [("a3", "b2"), ("a3", "b3"), ("a2", "b1"), ("a1", "b1")]


def test_components_chain_through_one_wrong_edge() -> None:
    got = connected_components(NODES, SAME + BRIDGE)
    assert _sets(got) == {frozenset(NODES[:6]), frozenset({"z"})}


def test_average_link_outvotes_the_bridge() -> None:
    pairs = [(a, b, 1.0) for a, b in SAME + BRIDGE] + [(a, b, 0.0) for a, b in AGAINST]
    got = average_link(NODES, pairs, threshold=0.5)
    assert _sets(got) == {frozenset(NODES[:3]), frozenset(NODES[3:6]), frozenset({"z"})}


def test_average_link_merges_when_cross_pairs_agree() -> None:
    pairs = [(a, b, 1.0) for a, b in SAME + BRIDGE + AGAINST]
    assert _sets(average_link(NODES, pairs, 0.5)) == {frozenset(NODES[:6]), frozenset({"z"})}


def test_average_link_unjudged_pairs_do_not_count() -> None:
    # a copy seen from one side only joins a large story
    pairs = [(a, b, 1.0) for a, b in SAME] + [("c", "a1", 1.0)]
    got = average_link([*NODES, "c"], pairs, 0.9)
    assert frozenset({"a1", "a2", "a3", "c"}) in _sets(got)


def test_average_link_repeated_pair_keeps_larger_weight() -> None:
    got = average_link(["x", "y"], [("x", "y", 0.0), ("y", "x", 1.0)], 0.5)
    assert _sets(got) == {frozenset({"x", "y"})}


def test_cluster_uses_config_method_and_weights() -> None:
    v = [PairVerdict(a, b, "independent", 0.9) for a, b in SAME + BRIDGE]
    v += [PairVerdict(a, b, "unrelated", 0.9) for a, b in AGAINST]
    comp = cluster(NODES, v, StoryConfig(method="components"))
    avg = cluster(NODES, v, StoryConfig(method="average", threshold=0.5))
    assert len(comp) == 2 and len(avg) == 3
    # independent verdicts weighted below the threshold join nothing
    assert len(cluster(NODES, v, StoryConfig(threshold=0.5, independent_weight=0.4))) == 7


def test_config_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="method"):
        StoryConfig(method="kmeans")
    with pytest.raises(ValueError, match="threshold"):
        StoryConfig(threshold=0.0)


# -- lineage ---------------------------------------------------------------------------

ORDER = {"w": ("2026-01-01", 1), "c1": ("2026-01-02", 2), "c2": ("~", 3), "c3": ("~", 4),
         "ind": ("2026-01-01", 5)}


def test_lineage_decided_edges_and_one_parent_per_copy() -> None:
    verdicts = [
        PairVerdict("c1", "w", "verbatim", 0.9, "candidate_is_source", 0, ["earlier"]),
        PairVerdict("c2", "w", "spun", 0.8, "candidate_is_source", 0, ["credit"]),
        # two copies of one source look derived from each other too
        PairVerdict("c2", "c1", "edited", 0.95, "candidate_is_source", 0, []),
    ]
    roots, edges = lineage(["w", "c1", "c2", "ind"], verdicts, ORDER)
    assert roots == ["w", "ind"]  # the wire and the independent report
    tree = {(e.source, e.target) for e in edges if e.tree}
    assert tree == {("w", "c1"), ("w", "c2")}  # c2 hangs under the root, not under c1
    assert all(e.decided for e in edges)


def test_lineage_undecided_uses_lean_then_date_then_storage_order() -> None:
    lean = lineage(["w", "c2"], [PairVerdict("w", "c2", "spun", 0.9, "unknown", 0.5)], ORDER)
    assert (lean[1][0].source, lean[1][0].target) == ("c2", "w")  # lean > 0: b is the source
    assert not lean[1][0].decided and "lean" in lean[1][0].evidence[-1]
    dated = lineage(["w", "c1"], [PairVerdict("w", "c1", "spun", 0.9, "unknown", 0.0)], ORDER)
    assert (dated[1][0].source, dated[1][0].target) == ("w", "c1")
    assert "earlier-published" in dated[1][0].evidence[-1]
    stored = lineage(["c3", "c2"], [PairVerdict("c2", "c3", "spun", 0.9, "unknown", 0.1)],
                     ORDER)
    assert (stored[1][0].source, stored[1][0].target) == ("c2", "c3")
    assert "first stored" in stored[1][0].evidence[-1]


def test_lineage_cycle_gets_a_root() -> None:
    v = [PairVerdict("c1", "w", "edited", 0.9, "candidate_is_source"),
         PairVerdict("c2", "c1", "edited", 0.9, "candidate_is_source"),
         PairVerdict("w", "c2", "edited", 0.9, "candidate_is_source")]
    roots, edges = lineage(["w", "c1", "c2"], v, ORDER)
    assert roots == ["w"]
    assert sum(e.tree for e in edges) == 2


# -- metrics ---------------------------------------------------------------------------

GOLD = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 2}
PRED = {"a": 1, "b": 2, "c": 2, "d": 2, "e": 3}


def test_bcubed_hand_computed() -> None:
    p, r, f = bcubed(PRED, GOLD)
    assert p == pytest.approx(11 / 15)  # (1 + 1/3 + 2/3 + 2/3 + 1) / 5
    assert r == pytest.approx(8 / 15)  # (1/2 + 1/2 + 2/3 + 2/3 + 1/3) / 5
    assert f == pytest.approx(2 * p * r / (p + r))
    assert bcubed(GOLD, GOLD) == (1.0, 1.0, 1.0)


def test_ari_hand_computed() -> None:
    # index 1, expected 3*4/10 = 1.2, max (3+4)/2 = 3.5 -> (1-1.2)/(3.5-1.2)
    assert adjusted_rand_index(PRED, GOLD) == pytest.approx(-0.2 / 2.3)
    assert adjusted_rand_index(GOLD, GOLD) == 1.0
    relabelled = {k: v * 10 for k, v in GOLD.items()}
    assert adjusted_rand_index(relabelled, GOLD) == 1.0
    # all in one cluster against a real split: 0 (chance level)
    assert adjusted_rand_index(dict.fromkeys(GOLD, 0), GOLD) == pytest.approx(0.0)


def test_missing_prediction_is_a_singleton() -> None:
    assert bcubed({}, {"a": 1, "b": 1})[1] == pytest.approx(0.5)


def test_edge_prf_ignores_pairs_without_gold() -> None:
    got = edge_prf({("s", "c"), ("c", "s2"), ("x", "y")}, {("s", "c"), ("s2", "c")},
                   ignore={frozenset({"x", "y"})})
    assert got["precision"] == pytest.approx(0.5) and got["recall"] == pytest.approx(0.5)


# -- exports ---------------------------------------------------------------------------

HOSTILE = 'Bad "title" <script>alert(1)</script> & \\ end\x1b[2J\nnext line'


@pytest.fixture
def index() -> StoryIndex:
    verdicts = [PairVerdict("c1", "w", "spun", 0.9, "candidate_is_source", 0, ["earlier"])]
    roots, edges = lineage(["w", "c1", "ind"], verdicts, ORDER)
    story = Story("story:w", ["w", "c1", "ind"], roots, edges, [("w", "ind")])
    meta = {i: {"title": HOSTILE, "site": "x.example", "published": "2026-01-01",
                "url": None, "credits": []} for i in ("w", "c1", "ind", "lone")}
    return StoryIndex([story, Story("story:lone", ["lone"], ["lone"])], meta,
                      {"articles": 4, "stories": 2, "stories_with_2_or_more": 1,
                       "derived_articles": 1, "original_share": 0.75})


def test_graphml_parses_and_escapes(index: StoryIndex) -> None:
    doc = to_graphml(index)
    root = ET.fromstring(doc.encode())
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == 4
    edges = root.findall(".//g:edge", ns)
    assert {e.get("source") + ">" + e.get("target") for e in edges} == {"w>c1", "w>ind"}
    titles = [d.text for d in root.findall(".//g:data[@key='title']", ns)]
    assert titles[0].startswith('Bad "title" <script>')  # round-trips as text
    assert "\x1b" not in doc and "<script>" not in doc


def test_dot_is_well_formed(index: StoryIndex) -> None:
    doc = to_dot(index)
    assert doc.startswith("digraph stories {") and doc.rstrip().endswith("}")
    assert doc.count("{") == doc.count("}")
    assert '"w" -> "c1" [label="spun"' in doc
    assert '\\"title\\"' in doc and "\n next line" not in doc and "\x1b" not in doc
    # every quoted string is closed: an even number of unescaped quotes per line
    for line in doc.splitlines():
        assert line.replace('\\\\', "").replace('\\"', "").count('"') % 2 == 0, line
    assert "story:lone" not in doc  # singletons hidden by default


def test_text_tree_and_json(index: StoryIndex) -> None:
    text = to_text(index)
    assert "story:w  ·  3 articles" in text
    assert "└─ spun 0.90" in text and "direction decided: earlier" in text
    assert "\x1b" not in text and "1 stories with fewer than 2 articles" in text
    js = to_json(index)
    assert js["schema"] == "wiretrace.stories/1"
    first = js["stories"][0]
    assert first["roots"] == ["w", "ind"]
    assert first["derivations"][0] | {"direction_evidence": None} == {
        "source": "w", "copy": "c1", "kind": "spun", "confidence": 0.9,
        "direction_decided": True, "direction_evidence": None, "tree": True}


def test_independent_weight_ramps_with_shared_names() -> None:
    c = StoryConfig(names_low=0.1, names_high=0.5)
    assert c.weight("spun", 0.0) == 1.0  # a derivation needs no shared names
    assert c.weight("unrelated", 1.0) == 0.0
    assert c.weight("independent", 0.05) == 0.0
    assert c.weight("independent", 0.3) == pytest.approx(0.5)
    assert c.weight("independent", 0.9) == 1.0
    with pytest.raises(ValueError, match="names_low"):
        StoryConfig(names_low=0.5, names_high=0.5)


def test_cluster_uses_name_similarity_of_independent_pairs() -> None:
    v = [PairVerdict("a", "b", "independent", 0.9), PairVerdict("b", "c", "independent", 0.9)]
    names = {frozenset(("a", "b")): 0.6, frozenset(("b", "c")): 0.05}
    got = cluster(["a", "b", "c"], v, StoryConfig(), names)
    assert _sets(got) == {frozenset({"a", "b"}), frozenset({"c"})}


def test_term_cosine_weighs_rare_terms() -> None:
    from wiretrace.story.build import term_cosine

    terms = {"a": {"blinken", "kyiv"}, "b": {"blinken", "kyiv"}, "c": {"kyiv", "moscow"},
             "d": set()}
    df = {"blinken": 2, "kyiv": 50, "moscow": 3}
    got = term_cosine([("a", "b"), ("a", "c"), ("a", "d")], terms, df, 100)
    assert got[frozenset(("a", "b"))] == pytest.approx(1.0)
    assert 0.0 < got[frozenset(("a", "c"))] < 0.5  # only the common term is shared
    assert got[frozenset(("a", "d"))] == 0.0


# -- the judging walk ----------------------------------------------------------------------


class _FakeCache:
    """The part of ``PairCache`` the walk uses, in memory."""

    def __init__(self) -> None:
        self.rows: list[PairVerdict] = []
        self.done: list[str] = []
        self.commits = 0

    def judged_with(self, a: str) -> set[str]:
        return {v.b for v in self.rows if v.a == a} | {v.a for v in self.rows if v.b == a}

    def put(self, verdicts: list[PairVerdict], done: list[str]) -> None:
        self.rows += verdicts
        self.done += done
        self.commits += 1


def test_walk_skips_pairs_judged_from_the_other_side_and_commits_in_batches() -> None:
    from wiretrace.story.build import _Walk

    cache = _FakeCache()
    cache.rows.append(PairVerdict("x", "old", "unrelated", 0.9))  # an earlier run's verdict
    seen: list[tuple[str, str]] = []

    def judge(item: tuple[str, str]) -> PairVerdict:
        seen.append(item)
        return PairVerdict(item[1], item[0], "unrelated", 0.9)  # seated: candidate first

    walk = _Walk(cache, 3, batch=2, progress=None)  # type: ignore[arg-type]
    cands = {"x": ["y", "old", "z"], "y": ["x", "z"], "z": ["x", "y"]}
    for n, aid in enumerate(["x", "y", "z"], 1):
        walk.step(n, aid, ((c, (aid, c)) for c in cands[aid]), judge)
    walk.flush()
    # "old" was judged in an earlier run: skipped. Inside one uncommitted batch a pair
    # found again from the side that sat in the copy's seat is asked for again (as the
    # one-process walk always did: same verdict, and the parallel path answers it from its
    # table), so the rows keep their order; after the commit z meets judged pairs only.
    assert seen == [("x", "y"), ("x", "z"), ("y", "x"), ("y", "z")]
    assert cache.done == ["x", "y", "z"] and cache.commits == 2


def test_story_workers_only_for_a_plain_engine_with_enough_to_judge(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from wiretrace.story.build import MIN_PARALLEL, story_workers

    monkeypatch.setenv("WIRETRACE_STORY_WORKERS", "2")
    not_an_engine = object()
    assert story_workers(not_an_engine, 10_000) == 1  # the web app's turn-taking builder
    assert story_workers(not_an_engine, 10_000, workers=4) == 1
    assert story_workers(object(), MIN_PARALLEL - 1) == 1
