"""The real-world set's labels load and check, and its scoring counts by family."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wiretrace.bench.realworld import (
    LabelError,
    Page,
    PageOutcome,
    cluster_intervals,
    compare_texts,
    dominates,
    evidence_vector,
    fingerprint,
    load_labels,
    miss_cause,
    page_key,
    read_page_text,
    recall_ceiling,
    score,
    split_of,
    text_hashes,
)

LABELS = Path(__file__).resolve().parents[1] / "bench" / "realworld" / "clusters"


def test_committed_labels_load_and_are_consistent() -> None:
    pages = load_labels(LABELS)
    clusters = {p.cluster for p in pages}
    assert len(clusters) >= 25 and len(pages) >= 300
    by_url = {p.url: p for p in pages}
    for p in pages:
        if p.derives_from:  # a copy's source is in its own cluster and family
            src = by_url[p.derives_from]
            assert src.cluster == p.cluster, p.url
            assert src.fid == p.fid, (p.url, p.family, src.family)
    splits = {split_of(c) for c in clusters}
    assert splits == {"dev", "test"}


def _write(tmp: Path, name: str, rows: list[dict]) -> Path:
    folder = tmp / name
    folder.mkdir()
    (folder / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return folder


ROW = {"cluster": "c", "url": "https://a.example/1", "family": "ap", "label": "original"}


def test_bad_labels_are_refused_with_the_line(tmp_path: Path) -> None:
    with pytest.raises(LabelError, match="unknown label"):
        load_labels(_write(tmp_path, "a", [{**ROW, "label": "copied"}]))
    with pytest.raises(LabelError, match="not labelled"):
        load_labels(_write(tmp_path, "b", [{**ROW, "label": "republication",
                                           "derives_from": "https://nowhere.example"}]))
    with pytest.raises(LabelError, match="listed twice"):
        load_labels(_write(tmp_path, "c", [ROW, ROW]))


def test_page_text_comes_from_the_folder_by_url_key(tmp_path: Path) -> None:
    p = Page(cluster="c", url="https://a.example/1", family="ap", label="original")
    assert read_page_text(p, tmp_path, None) is None
    (tmp_path / f"{page_key(p.url)}.txt").write_text("Body.")
    assert read_page_text(p, tmp_path, None) == "Body."


def test_score_by_family() -> None:
    pages = [
        Page("c", "orig", "ap", "original"),
        Page("c", "repub", "ap", "republication", derives_from="orig"),
        Page("c", "spun", "ap", "spun", derives_from="repub"),
        Page("c", "ind", "ind-x", "independent"),
        Page("c", "ind-copy", "ind-x", "republication", derives_from="ind"),
    ]
    outcomes = {
        "orig": PageOutcome("orig", linked={"repub": "verbatim"}),
        "repub": PageOutcome("repub", named={"orig": "verbatim"}, linked={"orig": "verbatim"}),
        # right family but not the exact parent; the kind is right
        "spun": PageOutcome("spun", named={"orig": "spun"}, linked={"orig": "spun"}),
        # an independent report linked to its own copy: right; to the AP story: false
        "ind": PageOutcome("ind", linked={"ind-copy": "verbatim", "orig": "edited"}),
        "ind-copy": PageOutcome("ind-copy"),  # missed
    }
    s = score(pages, outcomes)
    assert s["derived_pages"] == 3
    assert s["family_recall"] == round(2 / 3, 4)
    assert s["exact_recall"] == round(1 / 3, 4)
    assert s["false_source_pages"] == 1
    assert s["kind_match_spun_mt"] == 1.0
    assert s["republication_called_disguised"] == 0.0
    assert {e["url"] for e in s["errors"]} == {"ind", "ind-copy"}
    # the licensee's copy called machine-translated: a false accusation of disguise
    outcomes["repub"] = PageOutcome("repub", named={"orig": "machine_translated"},
                                    linked={"orig": "machine_translated"})
    assert score(pages, outcomes)["republication_called_disguised"] == 1.0
    assert s["direction_decided"] == 0.0 and s["turned_the_wrong_way"] == 0


def test_direction_decided_and_turned() -> None:
    pages = [
        Page("c", "orig", "ap", "original"),
        Page("c", "repub", "ap", "republication", derives_from="orig"),
        Page("c", "copy2", "ap", "republication", derives_from="orig"),
        Page("c", "copy3", "ap", "republication", derives_from="orig"),
    ]
    outcomes = {
        "orig": PageOutcome("orig"),
        "repub": PageOutcome("repub", named={"orig": "edited"}, linked={"orig": "edited"},
                             decided={"orig"}),
        "copy2": PageOutcome("copy2", named={"orig": "edited"}, linked={"orig": "edited"}),
        # its source linked as its own copy: a miss, turned the wrong way
        "copy3": PageOutcome("copy3", linked={"orig": "edited"}),
    }
    s = score(pages, outcomes)
    assert s["family_recall"] == round(2 / 3, 4)
    assert s["direction_decided"] == 0.5 and s["turned_the_wrong_way"] == 1


def test_a_derived_page_with_no_family_in_the_store_is_not_scored_for_recall() -> None:
    pages = [
        Page("c", "orig", "ap", "original"),
        Page("c", "repub", "ap", "republication", derives_from="orig"),
        # its source had no text: nothing of its family is in the store
        Page("c", "lone", "afp", "machine_translated", derives_from="gone"),
        Page("c", "gone", "afp", "original"),
    ]
    outcomes = {
        "orig": PageOutcome("orig"),
        "repub": PageOutcome("repub", named={"orig": "verbatim"}, linked={"orig": "verbatim"}),
        "lone": PageOutcome("lone", named={"orig": "edited"}, linked={"orig": "edited"}),
    }
    s = score(pages, outcomes)
    assert s["derived_pages"] == 1 and s["derived_without_family"] == 1
    assert s["family_recall"] == 1.0 and s["exact_recall"] == 1.0
    # naming another family is still a false source
    assert s["false_source_pages"] == 1


def test_a_link_to_a_family_whose_text_a_page_also_carries_is_no_false_source() -> None:
    pages = [
        Page("c", "ap-orig", "ap", "original"),
        Page("c", "rt-orig", "reuters", "original"),
        # a Reuters rewrite with one AP sentence woven in
        Page("c", "mixed", "reuters", "rewritten", derives_from="rt-orig",
             also_from=("ap",)),
        Page("c", "rt-copy", "reuters", "republication", derives_from="rt-orig"),
    ]
    outcomes = {
        "ap-orig": PageOutcome("ap-orig", linked={"mixed": "partial"}),
        "rt-orig": PageOutcome("rt-orig"),
        # the mixed page names only the AP page: no false source, but not found either
        "mixed": PageOutcome("mixed", named={"ap-orig": "partial"},
                             linked={"ap-orig": "partial"}),
        # a plain Reuters copy linked to the AP page is still a false source
        "rt-copy": PageOutcome("rt-copy", named={"ap-orig": "partial"},
                               linked={"ap-orig": "partial"}),
    }
    s = score(pages, outcomes)
    assert s["false_source_pages"] == 1
    assert [e["url"] for e in s["errors"] if e["error"] == "false_source"] == ["rt-copy"]
    assert s["family_recall"] == 0.0


def test_also_from_must_name_another_family_of_the_cluster(tmp_path: Path) -> None:
    row = {"cluster": "c", "url": "u1", "family": "ap", "label": "original"}
    good = _write(tmp_path, "good", [row, {**row, "url": "u2", "family": "afp",
                                           "also_from": ["ap"]}])
    assert load_labels(good)[1].also_from == ("ap",)
    unknown = _write(tmp_path, "unknown", [row, {**row, "url": "u2", "family": "afp",
                                                 "also_from": ["bbc"]}])
    with pytest.raises(LabelError, match="also_from 'bbc'"):
        load_labels(unknown)
    bare = _write(tmp_path, "bare", [row, {**row, "url": "u2", "family": "afp",
                                           "also_from": "ap"}])
    with pytest.raises(LabelError, match="list of family ids"):
        load_labels(bare)


def _two_clusters(hit_b: bool) -> tuple[list[Page], dict[str, PageOutcome]]:
    pages, outcomes = [], {}
    for c, found in (("a", True), ("b", hit_b)):
        pages += [Page(c, f"{c}/orig", "ap", "original"),
                  Page(c, f"{c}/copy", "ap", "republication", derives_from=f"{c}/orig")]
        outcomes[f"{c}/orig"] = PageOutcome(f"{c}/orig")
        named = {f"{c}/orig": "verbatim"} if found else {}
        outcomes[f"{c}/copy"] = PageOutcome(f"{c}/copy", named=named, linked=dict(named))
    return pages, outcomes


def test_cluster_counts_add_up_to_the_rates() -> None:
    pages, outcomes = _two_clusters(hit_b=False)
    s = score(pages, outcomes)
    assert s["counts"]["family"] == [1, 2] and s["family_recall"] == 0.5
    # a cluster scored alone gives the counts it contributes to the whole
    alone = [score([p for p in pages if p.cluster == c], outcomes)["counts"]["family"]
             for c in ("a", "b")]
    assert alone == [[1, 1], [0, 1]]


def test_cluster_intervals_span_what_resampling_clusters_can_give() -> None:
    pages, outcomes = _two_clusters(hit_b=False)
    iv = cluster_intervals(pages, outcomes, rounds=400)
    # two clusters, one found and one missed: draws give 0, 0.5 or 1
    assert iv["family"] == [0.0, 1.0]
    assert iv["false_source"] == [0.0, 0.0]
    assert iv["kind_ok"] is None  # no spun or translated page found
    pages, outcomes = _two_clusters(hit_b=True)
    assert cluster_intervals(pages, outcomes, rounds=400)["family"] == [1.0, 1.0]
    # the same seed, the same interval
    assert cluster_intervals(pages, outcomes, seed=3) == cluster_intervals(pages, outcomes,
                                                                           seed=3)


def test_text_fingerprint_says_which_texts_a_run_read_without_holding_them(
        tmp_path: Path) -> None:
    texts = {"https://a.example/1": "First page.", "https://b.example/2": "Second page."}
    hashes = text_hashes(texts)
    assert set(hashes) == set(texts) and all(len(h) == 12 for h in hashes.values())
    assert "First page" not in json.dumps(hashes)
    # the fingerprint depends on the texts, not on the order they were read in
    assert fingerprint(hashes) == fingerprint(dict(reversed(list(hashes.items()))))
    edited = text_hashes({**texts, "https://b.example/2": "Second page!"})
    assert fingerprint(edited) != fingerprint(hashes)

    previous = tmp_path / "realworld_dev.json"
    assert "no text hashes" in compare_texts(hashes, previous)  # no earlier results
    previous.write_text(json.dumps({"texts": {"sha1": {
        "https://a.example/1": hashes["https://a.example/1"],
        "https://b.example/2": "000000000000",
        "https://c.example/3": "111111111111"}}}))
    assert compare_texts({**hashes, "https://d.example/4": "222222222222"}, previous) == (
        "against realworld_dev.json: 1 page texts the same, 1 changed, 1 new, "
        "1 missing here")
    previous.write_text("{not json")
    assert "no text hashes" in compare_texts(hashes, previous)


def test_evidence_vector_reads_the_miss_features_in_order() -> None:
    f = {"strong_pairs": 2, "strong_ordered_words": 55, "shared_run_words": None,
         "verbatim_words": 12.0, "semantic": 0.9}
    assert evidence_vector(f) == (2.0, 55.0, 0.0, 12.0)
    assert dominates((2, 60, 3, 12), (2, 55, 0, 12))
    assert not dominates((3, 99, 99, 11), (2, 55, 0, 12))  # less of one kind: no


def test_miss_cause_says_where_the_proof_is_lacking() -> None:
    fam = [(True, False, (2.0, 55.0, 0.0, 0.0))]
    # a direction error comes first, whatever the evidence
    assert miss_cause(True, fam, []) == ("turned the wrong way", 0)
    # no family page shares a strong passage pair: nothing in the texts held
    assert miss_cause(False, [(True, False, (0.0, 0.0, 14.0, 0.0))], []) == (
        "no strong pair with its family", 0)
    assert miss_cause(False, [], []) == ("no strong pair with its family", 0)
    # the pair judge alone calls a family page derived that the trace never judged
    assert miss_cause(False, [(False, True, (3.0, 90.0, 0.0, 0.0))], []) == (
        "family not retrieved", 0)
    # other-family pairs with at least that evidence: a lower bar costs false sources
    negatives = [(2.0, 60.0, 0.0, 0.0), (1.0, 99.0, 50.0, 40.0), (3.0, 55.0, 1.0, 0.0)]
    assert miss_cause(False, fam, negatives) == ("evidence matched by another family's pair", 2)
    # the cheapest family page counts: one no negative reaches
    fam2 = fam + [(True, False, (2.0, 56.0, 20.0, 0.0))]
    assert miss_cause(False, fam2, negatives) == ("evidence below the bar", 0)


def test_recall_ceiling_counts_only_pages_no_negative_reaches() -> None:
    scored = {"counts": {"family": [6, 10]}, "errors": [
        {"error": "missed", "url": "a", "label": "spun", "cause": "turned the wrong way",
         "family_evidence": [[3, 90, 20, 0]]},
        {"error": "missed", "url": "b", "label": "republication",
         "cause": "evidence below the bar", "family_evidence": [[4, 48, 13, 10]]},
        {"error": "missed", "url": "c", "label": "rewritten",
         "cause": "evidence below the bar", "family_evidence": [[1, 43, 11, 0]]},
        {"error": "missed", "url": "d", "label": "machine_translated",
         "cause": "evidence matched by another family's pair",
         "matched_by_other_family_pairs": 3, "family_evidence": [[2, 55, 0, 0]]},
        {"error": "false_source", "url": "e", "label": "independent", "named": ["x"]},
    ]}
    negatives = [(1.0, 50.0, 12.0, 0.0), (2.0, 60.0, 0.0, 0.0)]
    c = recall_ceiling(scored, negatives)
    # b: no negative holds 4 strong pairs; c: the first negative holds more of everything
    assert c["unmatched"] == 1 and c["turned"] == 1
    assert c["ceiling"] == 0.7 and c["ceiling_with_direction"] == 0.8
    by_url = {p["url"]: p for p in c["pages"]}
    assert by_url["c"]["extra_pairs"] == 1 and by_url["b"]["extra_pairs"] == 0
    assert by_url["d"]["extra_pairs"] == 1 and by_url["d"]["run_pairs"] == 3
    assert by_url["a"]["extra_pairs"] is None  # a direction error: no evidence to weigh
    assert "e" not in by_url
