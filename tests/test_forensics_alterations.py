"""Alterations inside aligned pairs, on hand-made pairs whose every change is known.

Pairs are aligned by position here (sentence i to sentence i) so that these tests check the
forensics alone, not the aligner; the engine test at the end checks the whole path.
"""

from __future__ import annotations

from pathlib import Path

from wiretrace.data import AlignedPair, Alteration, Article
from wiretrace.engine import prepare
from wiretrace.forensics.alterations import alterations, are_synonyms, wordnet_available

SOURCE = (
    "BEIJING, June 18 (Reuters) - U.S. Secretary of State Antony Blinken met Chinese "
    "Foreign Minister Qin Gang in Beijing on Sunday. "
    "Blinken is expected to meet top diplomat Wang Yi on Monday. "
    "The talks lasted 70 minutes, officials said. "
    "Washington does not plan to lift the sanctions this year. "
    '"We need a high-level communication channel," a senior official told reporters. '
    "Both sides agreed to keep talking."
)


def _pairs(copy: Article, source: Article, skip_source: set[int] = frozenset(),
           skip_copy: set[int] = frozenset()) -> list[AlignedPair]:
    cs = [i for i in range(len(copy.passages)) if i not in skip_copy]
    ss = [j for j in range(len(source.passages)) if j not in skip_source]
    out = []
    for i, j in zip(cs, ss, strict=False):
        cp, sp = copy.passages[i], source.passages[j]
        out.append(AlignedPair(copy_idx=[i], source_idx=[j], similarity=0.9, lexical=0.9,
                               kind="edited", copy_span=(cp.start, cp.end),
                               source_span=(sp.start, sp.end)))
    return out


def _alts(copy_text: str, source_text: str = SOURCE, **kw: set[int]) -> list[Alteration]:
    copy = prepare(Article(id="copy", text=copy_text))
    source = prepare(Article(id="source", text=source_text))
    assert len(source.passages) == 6
    return alterations(copy, source, _pairs(copy, source, **kw))


def _of(alts: list[Alteration], kind: str) -> list[Alteration]:
    return [a for a in alts if a.type == kind]


def test_an_unchanged_copy_has_no_alterations() -> None:
    assert _alts(SOURCE) == []


def test_garbled_name_with_offsets_on_both_sides() -> None:
    copy_text = SOURCE.replace("Antony Blinken met", "Antony Brinken met")
    alts = _alts(copy_text)
    assert [a.type for a in alts] == ["name_garbled"]
    a = alts[0]
    assert (a.copy_text, a.source_text) == ("Brinken", "Blinken")
    assert copy_text[a.copy_span[0]:a.copy_span[1]] == "Brinken"
    assert SOURCE[a.source_span[0]:a.source_span[1]] == "Blinken"
    assert a.severity == "medium"


def test_swapped_name_is_a_high_severity_change() -> None:
    alts = _alts(SOURCE.replace("Minister Qin Gang", "Minister Wang Yi"))
    swapped = _of(alts, "name_swapped")
    assert len(swapped) == 1 and not _of(alts, "name_garbled")
    assert swapped[0].copy_text == "Wang Yi" and swapped[0].source_text == "Qin Gang"
    assert swapped[0].severity == "high"
    assert "elsewhere in the source" in swapped[0].note


def test_number_and_negation_changes() -> None:
    copy_text = SOURCE.replace("lasted 70 minutes", "lasted 80 minutes").replace(
        "does not plan", "does plan")
    alts = _alts(copy_text)
    num = _of(alts, "number_changed")
    assert [(a.copy_text, a.source_text) for a in num] == [("80", "70")]
    neg = _of(alts, "negation_flipped")
    assert len(neg) == 1 and neg[0].source_text == "not"
    assert "only in the source" in neg[0].note


def test_misquotation_is_reported_on_the_quote() -> None:
    copy_text = SOURCE.replace("We need a high-level", "We want a high-level")
    alts = _alts(copy_text)
    quotes = _of(alts, "quote_changed")
    assert len(quotes) == 1
    assert quotes[0].copy_text.startswith('"We want') and quotes[0].copy_text.endswith('"')
    assert quotes[0].source_text.startswith('"We need')


def test_attribution_removed_when_the_lead_is_copied_without_its_credit() -> None:
    alts = _alts(SOURCE.split(" - ", 1)[1])
    attr = _of(alts, "attribution_removed")
    assert len(attr) == 1
    assert "(Reuters)" in attr[0].source_text and attr[0].copy_span is None
    # a copy that skips the lead has not removed the credit: it never had the sentence
    tail = _alts(SOURCE.split(". ", 1)[1], skip_source={0})
    assert not _of(tail, "attribution_removed")


def test_sentences_added_and_dropped() -> None:
    copy_text = SOURCE.replace(
        "The talks lasted 70 minutes, officials said. ",
        "The talks lasted 70 minutes, officials said. Subscribe to our daily newsletter "
        "for more stories like this one. ",
    ).replace("Both sides agreed to keep talking.", "")
    alts = _alts(copy_text, skip_copy={3})
    added = _of(alts, "sentence_added")
    assert len(added) == 1 and added[0].copy_text.startswith("Subscribe")
    dropped = _of(alts, "sentence_dropped")
    assert len(dropped) == 1 and dropped[0].source_text == "Both sides agreed to keep talking."


def test_synonyms_need_wordnet_and_are_typed_when_it_is_there() -> None:
    assert wordnet_available(), "WordNet missing: scripts/install_bench_deps.sh installs it"
    assert are_synonyms("big", "large") and are_synonyms("start", "begin")
    assert not are_synonyms("euro", "euros") and not are_synonyms("talks", "sanctions")
    alts = _alts(SOURCE.replace("keep talking", "continue talking"))
    syn = _of(alts, "synonym")
    assert [(a.copy_text, a.source_text) for a in syn] == [("continue", "keep")]


def test_across_languages_translated_words_are_not_garbled_names() -> None:
    src = prepare(Article(id="s", text="The Wasilla Bible Church was attacked, said Blinken."))
    copy = prepare(Article(id="c", text="La Iglesia Biblia de Wasilla fue atacada, dijo Brinken."))
    pair = AlignedPair(copy_idx=[0], source_idx=[0], similarity=0.8, lexical=0.1,
                       kind="translated", copy_span=(0, len(copy.text)),
                       source_span=(0, len(src.text)))
    alts = alterations(copy, src, [pair], cross_language=True)
    garbled = [(a.copy_text, a.source_text) for a in _of(alts, "name_garbled")]
    if wordnet_available():
        assert garbled == [("Brinken", "Blinken")]
    else:
        assert ("Brinken", "Blinken") in garbled


def test_trace_report_carries_alterations_per_trace_and_per_pair(tmp_path: Path) -> None:
    from wiretrace.engine import Wiretrace
    from wiretrace.report.model import trace_report

    wt = Wiretrace(tmp_path / "store")
    wt.add([Article(id="source", text=SOURCE)])
    copy_text = SOURCE.split(" - ", 1)[1].replace("lasted 70 minutes", "lasted 80 minutes")
    result = wt.trace(Article(id="copy", text=copy_text))
    report = trace_report(result, wt.store.get)
    src = report["sources"][0]
    counts = src["alteration_summary"]["counts"]
    assert counts.get("number_changed") == 1 and counts.get("attribution_removed") == 1
    assert src["alteration_summary"]["worst"]["type"] == "number_changed"
    in_pairs = [p for p in src["alignment"] if p["alteration_summary"]["counts"]]
    # the credit was cut from the lead's pair, the number changed in the third sentence's
    assert [p["alteration_summary"]["counts"] for p in in_pairs] == [
        {"attribution_removed": 1}, {"number_changed": 1}]
    assert "(Reuters)" in in_pairs[0]["source_text"]
    assert "80 minutes" in in_pairs[1]["copy_text"]
