"""Intrinsic signs of a disguised copy: each detector on small hand-made texts, the seed
page, a clean original, hostile input, and ``wiretrace inspect`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA, SHARED, needs_shared
from wiretrace.cli import main
from wiretrace.data import Article
from wiretrace.forensics.intrinsic import (
    CALIBRATION,
    VERDICTS,
    InspectError,
    chrome,
    declared_sources,
    fragments,
    headline_slug,
    inspect,
    mangled_words,
    mt_markers,
    name_variants,
    quick_signs,
    unintroduced_names,
)
from wiretrace.ingest import read_text
from wiretrace.report.inspect import INSPECT_SCHEMA, inspect_report, render_inspect_text

SEED = SHARED / "seeds" / "000_18940ac4ae744549.txt"


def art(text: str, **kw: object) -> Article:
    return Article(id="t", text=text, **kw)  # type: ignore[arg-type]


def spans_text(text: str, ev_spans: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[a:b] for a, b in ev_spans]


# -- (a) name variants ----------------------------------------------------------------------------


def test_name_variants_finds_one_name_spelled_two_ways_with_offsets() -> None:
    text = ("Secretary Anthony Blinken arrived on Sunday. Officials greeted Brinken at the door. "
            "Later Blinken met the minister, and Brinken left.")
    (ev,) = name_variants(art(text))
    assert ev.type == "name_variants" and ev.weight == 1.5
    assert set(spans_text(text, ev.spans)) == {"Blinken", "Brinken"}
    assert len(ev.spans) == 4 and ev.words == tuple(spans_text(text, ev.spans))


@pytest.mark.parametrize(
    "text",
    [
        "China said the Chinese navy and Chinese ships would sail. China agreed.",  # demonym
        "Britain and British officials met. Britain left.",
        "The Minister of the Ministry spoke. The Minister left.",
        "Blinken's trip and Blinken\u2019s aides: Blinken spoke.",  # possessives
        "President Reagan met Treasury chief Donald Regan. Donald Regan and President Reagan "
        "spoke.",  # two people
        "Emanuel Steward trained him; Manuel Garcia watched.",
        "African and American leaders met. African leaders spoke to American ones.",
    ],
)
def test_name_variants_ignores_inflections_and_different_people(text: str) -> None:
    assert name_variants(art(text)) == []


def test_a_one_off_misspelling_weighs_less_than_a_recurring_one() -> None:
    text = "Klitschko won. Klitschko smiled. Klitschko left. Later Klistchko spoke."
    (ev,) = name_variants(art(text))
    assert ev.weight < 1.5


def test_a_recurring_typo_weighs_less_than_a_recurring_transliteration() -> None:
    typo = "Talks in Beijing began. Bejing said little. Beijing waited. Bejing hoped."
    (ev,) = name_variants(art(typo))
    assert ev.weight < 1.5  # a dropped letter, twice: a writer's habit
    swapped = "Blinken arrived. Brinken spoke. Blinken left. Brinken waved."
    (ev,) = name_variants(art(swapped))
    assert ev.weight == 1.5  # one letter for another, twice: a transliteration


# -- (b) fragments -------------------------------------------------------------------------------


def test_fragments_said_lowercase_stub_and_subjectless_sentence() -> None:
    text = (
        "The official spoke to reporters in Tokyo, the official said. said.\n\n"
        "A spy balloon flew over the United States. communication is rare.\n\n"
        "He is the highest-ranking official to visit. Became a senior U.S. government "
        "official."
    )
    evs = fragments(art(text))
    got = {text[e.spans[0][0] : e.spans[0][1]] for e in evs}
    assert got == {"said.", "communication is rare.", "Became a senior U.S. government official."}
    assert all(e.where == "text" and e.type == "fragment" for e in evs)


def test_a_sentence_opening_with_a_comma_is_a_fragment() -> None:
    text = ("Militants were also present in the area. , we cannot determine by what fire she "
            "was hurt. The army said so.")
    (ev,) = fragments(art(text))
    assert text[ev.spans[0][0] : ev.spans[0][1]] == ", we cannot determine by what fire she " \
        "was hurt."
    assert fragments(art("Militants were present, officials said. We cannot tell.")) == []


def test_two_words_twice_over_and_ampersands_in_prose() -> None:
    text = ("Le Pen came the closest the closest ever to power in France & has disclosed a "
            "divided nation, beating rivals & started a wave of relief.")
    evs = mangled_words(art(text))
    got = [(e.type, text[e.spans[0][0] : e.spans[0][1]]) for e in evs]
    assert got == [("doubled_word", "the closest the closest"), ("ampersand", "&"),
                   ("ampersand", "&")]
    # once, or inside a quotation (a tweet), or in a name: not a habit
    assert mangled_words(art("Sales rose & fell. Johnson & Johnson agreed.")) == []
    quoted_tweet = 'He wrote: "stay safe & calm & kind" on Monday.'
    assert mangled_words(art(quoted_tweet)) == []


def test_a_sentence_with_no_verb_is_a_fragment() -> None:
    text = ("Cases rose again this week, health officials said on Monday. Director of Public "
            "Health, Barbara Ferrer, in a statement.")
    (ev,) = fragments(art(text))
    assert text[ev.spans[0][0] : ev.spans[0][1]].startswith("Director of Public Health")
    assert "no verb" in ev.note
    for honest in (
        "Ferrer spoke. \u201cAbsolutely not the end of the pandemic for any of us.\u201d",
        # ends with a name: a full stop after a capital may be an abbreviation's
        "Ferrer spoke. The director of public health in the county office in Los Angeles.",
        "Ferrer spoke. Director of Public Health Barbara Ferrer, in a statement by the county.",
    ):
        got = [e for e in fragments(art(honest)) if "no verb" in e.note]
        assert len(got) == (1 if "statement" in honest else 0), honest


@pytest.mark.parametrize(
    "text",
    [
        "The meeting starts at 5 p.m. local time on Monday.",
        "Officials met in Sacramento, Calif. where they spoke.",
        "Add 1 tsp. soy sauce and stir.",
        "He said: \"Get down!\" an officer shouts.",
        "Wait... and then it was over.",
        "Sales rose. iPhone shipments doubled.",
        "He said. She said.",  # capitalised and with a subject: not a fragment
        "Became clear to all of us, he said.",
        "The report appeared on CNN. com reports that it was true.",
    ],
)
def test_fragments_ignore_abbreviations_questions_and_ordinary_prose(text: str) -> None:
    assert fragments(art(text)) == []


def test_mangled_words_capital_inside_sentence_and_doubled() -> None:
    text = "Teixeira Is believed to be looking for a deal. He went to to the park."
    evs = mangled_words(art(text))
    assert [(e.type, text[e.spans[0][0] : e.spans[0][1]]) for e in evs] == [
        ("miscased_word", "Is"),
        ("doubled_word", "to to"),
    ]
    assert mangled_words(art("Red Sox Talk With the Agent Today\n\nHe went to The Hague.")) == []
    # A page's icon labels read as text ("Chevron icon It indicates a menu") are not prose.
    assert mangled_words(art("Chevron icon It indicates an expandable section.")) == []


# -- (c) un-introduced names ---------------------------------------------------------------------


def test_honorific_for_a_name_never_introduced() -> None:
    text = "Qin Gang greeted Anthony Blinken. Mr. Hata asked Mr. Blinken about the trip."
    (ev,) = unintroduced_names(art(text))
    assert spans_text(text, ev.spans) == ["Mr. Hata"]
    assert "Hata" in ev.note


def test_a_name_always_after_an_honorific_is_house_style_and_weighs_little() -> None:
    text = "Mr Putin spoke first. Mr Putin then left, and Mr Putin's aides stayed."
    (ev,) = unintroduced_names(art(text))
    assert len(ev.spans) == 3 and ev.weight < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Anthony Blinken arrived. Mr. Blinken spoke.",
        "Mr. Steak Inc said profits rose.",  # a company
        "Janet Yellen spoke; Ms. Yellen's aides listened.",
        "Anthony Blinken arrived. Mr. Brinken spoke.",  # a variant: left to name_variants
    ],
)
def test_introduced_names_are_fine(text: str) -> None:
    assert unintroduced_names(art(text)) == []


# -- (d) chrome, (e) headline vs slug, (f) sources, (g) HTML markers ------------------------------


def test_chrome_from_the_reader_with_a_heavy_theme_nag() -> None:
    page = (
        "Jannah Theme License is not validated, Go to the theme options page to validate the "
        "license, You need a single license for each domain name.\n\n"
        "Fire destroys old mill in the town centre\n\n"
        + "A fire destroyed the old mill on Sunday, officials said, and nobody was hurt. " * 3
        + "\n\nBack to top button"
    )
    a = read_text(page).article
    assert a is not None
    evs = chrome(a)
    kinds = {(e.type, e.note) for e in evs}
    assert ("theme_nag", "page chrome (nag)") in kinds
    assert ("chrome", "page chrome (back to top)") in kinds
    nag = next(e for e in evs if e.type == "theme_nag")
    assert nag.weight > max(e.weight for e in evs if e.type == "chrome")
    assert all(e.where == "boilerplate" and not e.spans for e in evs)


def test_headline_that_rewords_its_slug() -> None:
    url = "https://example.org/news/us-secretary-of-state-starts-rare-china-trip-hoping-to-ease"
    reworded = art("x", title="US secretary of state launches unusual visit to China hoping to "
                   "ease", url=url)
    (ev,) = headline_slug(reworded)
    assert ev.where == "title" and "starts" in ev.note and "launches" in ev.note
    same = art("x", title="US secretary of state starts rare China trip hoping to ease", url=url)
    assert headline_slug(same) == []
    cut = art("x", title="US secretary of state starts rare China trip", url=url)
    assert headline_slug(cut) == []
    new_names = art("x", title="Lindsay Lohan checks into rehab at Betty Ford Center",
                    url="https://x.com/lindsay-lohan-checks-newport-beach-rehab-article")
    assert headline_slug(new_names) == []


def test_declared_source_and_credits() -> None:
    a = art("Body.", declared_sources=["Source: https://example.org/story"],
            meta={"credit_spans": [{"agency": "AP", "kind": "dateline", "text": "(AP)",
                                    "start": 0, "end": 4},
                                   {"agency": "Reuters", "kind": "attribution", "text": "x",
                                    "start": 0, "end": 1}]})
    a.text = "(AP) Body."
    evs = declared_sources(a)
    assert [(e.type, e.where) for e in evs] == [("declared_source", "declared_sources"),
                                                 ("credit", "text")]
    assert evs[1].words == ("(AP)",)


def test_mt_markers_from_raw_html() -> None:
    html = ('<html lang="en"><head><link rel="alternate" hreflang="ja" href="/ja/">'
            '<script src="//translate.google.com/translate_a/element.js"></script></head>'
            '<body><div id="google_translate_element"></div></body></html>')
    words = {e.words[0]: e.weight for e in mt_markers(art("x"), raw_html=html)}
    assert words["google_translate"] >= 1.0 and words["hreflang:ja"] < 0.5
    assert mt_markers(art("x", meta={"mt_markers": ["weglot"]}))[0].words == ("weglot",)


# -- the whole inspection -------------------------------------------------------------------------


@needs_shared
def test_seed_page_is_flagged_with_its_evidence() -> None:
    a = read_text(SEED.read_bytes(), source=str(SEED)).article
    assert a is not None
    r = inspect(a)
    assert r.verdict == "likely disguised copy" and r.score >= CALIBRATION["likely"]
    types = {e.type for e in r.evidence}
    assert {"name_variants", "fragment", "unintroduced_name", "theme_nag", "chrome",
            "declared_source", "headline_rewords_slug"} <= types
    nv = next(e for e in r.evidence if e.type == "name_variants")
    assert {"Blinken", "Brinken"} <= set(spans_text(a.text, nv.spans))
    hata = next(e for e in r.evidence if e.type == "unintroduced_name")
    assert spans_text(a.text, hata.spans) == ["Mr. Hata"]
    frags = {a.text[e.spans[0][0] : e.spans[0][1]] for e in r.evidence if e.type == "fragment"}
    assert {"said.", "communication is rare.", "will keep an eye on it."} <= frags
    chrome_lines = " ".join(e.words[0] for e in r.evidence if e.where == "boilerplate")
    assert "Back to top" in chrome_lines and "Leah Millis" in chrome_lines
    assert quick_signs(a) >= 2.0


@needs_shared
def test_a_clean_ecb_original_is_not_flagged() -> None:
    from wiretrace.bench.runner import as_user_would
    from wiretrace.bench.sources import load_ecbplus

    originals = load_ecbplus(DATA, split="test")[:40]
    verdicts = [inspect(as_user_would(o)).verdict for o in originals]
    assert verdicts[0] == "no signs found"
    assert verdicts.count("likely disguised copy") <= 1


def test_hostile_input_gives_a_clear_error() -> None:
    with pytest.raises(InspectError, match="empty"):
        inspect(art("   \n"))
    with pytest.raises(InspectError, match="over the limit"):
        inspect(art("word " * 500_000))
    with pytest.raises(InspectError, match="binary"):
        inspect(art("\x01\x02\x03\x04abc" * 100))


def test_large_text_is_inspected_whole() -> None:
    """A 20,000-sentence page gets a verdict (its cost is measured in bench/robustness.py,
    not timed here); the signs it reports stay bounded however many names it holds."""
    text = " ".join(f"Name{i % 997}son met Officer Smith{i % 13} in town." for i in range(20_000))
    result = inspect(art(text))
    assert result.verdict in VERDICTS
    assert len(result.evidence) < 1000


def test_report_schema_and_text() -> None:
    text = "Anthony Blinken arrived. Brinken spoke. Later Brinken left. Mr. Hata waved. said."
    report = inspect_report(inspect(art(text)), source="x.txt")
    assert report["schema"] == INSPECT_SCHEMA
    assert json.loads(json.dumps(report)) == report
    out = render_inspect_text(report)
    assert out.splitlines()[1].startswith("verdict  ")
    assert "Mr. Hata" in out and "Brinken" in out


# -- CLI ------------------------------------------------------------------------------------------

PAGE = (
    "Jannah Theme License is not validated, Go to the theme options page to validate the "
    "license, You need a single license for each domain name.\n\n"
    "Secretary launches unusual visit to distant capital in hopes of easing tensions\n\n"
    "Secretary of State Anthony Blinken began talks on Sunday amid tense ties. He visited for "
    "the first time in five years. Became a senior government official.\n\n"
    "Officials greeted Brinken at the entrance, and Mr. Hata asked Mr. Blinken about the "
    "trip. communication is rare.\n\n"
    "Brinken is expected to meet the top diplomat on Monday, the official said. said.\n\n"
    "https://example.org/news/secretary-starts-rare-trip-to-distant-capital-hoping-to-ease-"
    "tensions\n\nBack to top button\n"
)


def test_cli_inspect_json_and_text(tmp_path: Path) -> None:
    f = tmp_path / "page.txt"
    f.write_text(PAGE, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["inspect", str(f), "--format", "json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["schema"] == INSPECT_SCHEMA and report["source"] == str(f)
    assert report["verdict"] == "likely disguised copy"
    types = {e["type"] for e in report["evidence"]}
    assert {"name_variants", "fragment", "unintroduced_name", "theme_nag",
            "declared_source"} <= types
    res = runner.invoke(main, ["inspect", "-", "-o", str(tmp_path / "r.txt")], input=PAGE)
    assert res.exit_code == 0, res.output
    out = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert "verdict  likely disguised copy" in out and "Mr. Hata" in out


def test_cli_inspect_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = runner.invoke(main, ["inspect", str(empty)])
    assert res.exit_code == 3 and "empty" in res.stderr
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02" * 1000)
    res = runner.invoke(main, ["inspect", str(binary)])
    assert res.exit_code == 3 and "binary" in res.stderr
    res = runner.invoke(main, ["inspect", "no-such-id", "--store", str(tmp_path / "none")])
    assert res.exit_code == 3 and "no such file" in res.stderr
    res = runner.invoke(main, ["inspect", str(tmp_path)])
    assert res.exit_code == 3 and "folder" in res.stderr


# -- version 4: the news register and the core rule -----------------------------------------

_TOOL = (
    "The minister stated that the journey would go ahead. Additionally, officials revealed "
    "that the talks were prolonged and abruptly ended. The spokesman mentioned the desire for "
    "calm. However, the envoy stressed that nothing was anticipated. Moreover, the aide "
    "remarked that the queries from the workplace would be answered. Furthermore, the "
    "delegation asserted that the demise of the accord was not expected. In addition, the "
    "secretary claimed the visit would continue as planned next week in the capital city, "
    "and the journey was described as a success by the aides who travelled with the "
    "delegation."
)
_NEWS = (
    "The minister said the trip would go ahead. Officials said the talks were long and ended "
    "suddenly. The spokesman said the government wanted calm. The envoy said nothing was "
    "expected from the meeting. An aide told reporters that questions from the office would "
    "be answered. The delegation said the end of the accord was not expected. The secretary "
    "said the visit would continue as planned next week in the capital city, officials said, "
    "and the trip was called a success by the aides who went with the delegation."
)


def test_news_register_reads_a_tools_habits_against_clean_news() -> None:
    from wiretrace.forensics.intrinsic import CAPS, news_register

    (ev,) = news_register(art(_TOOL))
    assert ev.type == "news_register" and 0 < ev.weight <= CAPS["news_register"]
    words = {w.lower() for w in ev.words}
    assert {"stated", "revealed", "additionally"} <= words  # verbs of saying, connectives
    assert "prolonged" in words  # a synonym news writes far less often than "extended"
    assert all(_TOOL[a:b] == w for (a, b), w in zip(ev.spans, ev.words, strict=True))
    # The same story written as news writes it: "said", plain words, subjects first.
    assert news_register(art(_NEWS)) == []
    # It supports a verdict but never makes one alone: honest chatty prose reaches it too.
    only = [e for e in inspect(art(_TOOL)).evidence if e.type == "news_register"]
    from wiretrace.forensics.intrinsic import core_score, score_evidence, verdict_for

    assert verdict_for(score_evidence(only)[0], core_score(only)) == VERDICTS[2]
    assert news_register(art("He stated it. She revealed it. Additionally, they left.")) == []


def test_register_table_is_read_from_counts() -> None:
    from wiretrace.forensics.intrinsic import register_measures, register_table

    table = register_table()
    assert table is not None
    # Verbs news writes often are not among those a tool puts for "said".
    assert "stated" in table["speech_verbs"] and "announced" not in table["speech_verbs"]
    assert 0 < table["p_speech"] < 0.1
    ref = table["reference"]["speech"]
    assert ref == sorted(ref) and len(ref) == table["reference_docs"]
    m = register_measures(_NEWS, table)
    assert m.speech == 0 and m.said >= 7 and m.connectives == 0


def test_slips_and_page_signs_alone_give_no_verdict() -> None:
    from wiretrace.forensics.intrinsic import core_score

    # Two doubled words (typos) reach the "some signs" score but are a writer's slips.
    text = ("The mayor went to to the city hall on Monday. " * 1
            + "She said the plan of of the council would pass. It was approved later.")
    r = inspect(art(text))
    assert r.score >= CALIBRATION["some"]
    assert r.core == 0 == core_score(r.evidence)
    assert r.verdict == VERDICTS[2]
    # A sign of a tool beside the same slips does give a verdict.
    r2 = inspect(art(text + " Later Brinken met Blinken. Blinken and Brinken spoke."))
    assert r2.core > 0 and r2.verdict != VERDICTS[2]


def test_impossible_passive_needs_a_verb_that_takes_no_object() -> None:
    from wiretrace.forensics.intrinsic import impossible_passives, register_table

    table = register_table()
    assert table is not None and "remained" in table["never_passive"]
    assert "reported" not in table["never_passive"]  # "was reported" is everyday news
    text = "The mayor said 13 people were remained in the hospital on Sunday."
    (ev,) = impossible_passives(art(text))
    assert ev.words == ("were remained",) and text[slice(*ev.spans[0])] == "were remained"
    assert impossible_passives(art("13 people remained in the hospital; 4 were reported.")) == []


def test_bare_day_date_is_a_day_with_no_month() -> None:
    from wiretrace.forensics.intrinsic import bare_day_dates

    text = "The talks were held in Beijing on the 18th, and he meets Wang on the nineteenth."
    found = [e.words[0] for e in bare_day_dates(art(text))]
    assert found == ["on the 18th", "on the nineteenth"]
    for honest in ("It opened on the 18th floor.", "He arrives on the 18th of June.",
                   "She won on the second ballot.", "The vote is on June 18."):
        assert bare_day_dates(art(honest)) == []


def test_binomial_tail_holds_on_long_texts() -> None:
    from math import comb

    from wiretrace.forensics.intrinsic import _binomial_tail

    for n, k, p in ((7, 6, 0.03), (20, 2, 0.1), (12, 0, 0.5)):
        exact = sum(comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))
        assert abs(_binomial_tail(n, k, p) - exact) < 1e-12
    # A text with thousands of verbs of saying: coefficients past a float's range.
    assert _binomial_tail(5000, 2500, 0.03) == 0.0
    assert _binomial_tail(5000, 100, 0.03) > 0.9


# -- translation and scraping marks outside the wording (version 5) ------------------------------


def test_quotation_marks_of_another_language_and_a_quote_opened_twice() -> None:
    from wiretrace.forensics.intrinsic import quotation_marks

    text = "She wrote: “I am on my way there, I will give you news as soon as it is clear ». "
    (ev,) = quotation_marks(art(text))
    assert ev.type == "foreign_quotes" and spans_text(text, ev.spans) == ["»"]
    twice = "“Webb has arrived,” says the announcer “According to the manager, “This is just it."
    (ev2,) = quotation_marks(art(twice))
    assert ev2.type == "unclosed_quote"
    assert spans_text(twice, ev2.spans) == ["“"] and ev2.spans[0][0] == twice.rindex("“")
    # Balanced quotes, and a quotation that runs on into the next paragraph, are English.
    honest = ("“We will win,” he said. “It is early.”\n"
              "“The first paragraph runs on,\n“and the second closes it,” she said.")
    assert quotation_marks(art(honest)) == []
    # A quote opened twice is a slip: alone it gives no verdict.
    r = inspect(art(twice * 3))
    assert r.by_type.get("unclosed_quote") == 0.5 and r.verdict == VERDICTS[2]


def test_glued_letters_drop_cap_and_a_name_broken_by_a_dot() -> None:
    from wiretrace.forensics.intrinsic import glued_letters

    text = ("LThe last message sent by Shireen Abu Akleh came at dawn. The killing of "
            "S.hireen Abu Akleh was condemned.")
    found = [(e.type, e.words[0]) for e in glued_letters(art(text))]
    assert found == [("glued_letter", "LThe"), ("glued_letter", "S.hireen")]
    assert spans_text(text, glued_letters(art(text))[0].spans) == ["LThe"]
    # Plural acronyms, initials and a dotted initial with no joined name elsewhere are fine.
    for honest in ("The DJs and TAs met the MPs.", "J.K. Rowling met U.S. officials.",
                   "He met S.hireen once."):
        assert glued_letters(art(honest)) == []
    # Two glued letters are a sign of a tool, enough for a verdict.
    assert inspect(art(text)).verdict == VERDICTS[1]


def test_according_openers_need_three_sentences() -> None:
    from wiretrace.forensics.intrinsic import according_openers

    s = ("According to state media, the plane crashed. According to local media, it left at "
         "one. Rescue teams were sent. According to CCTV, a fire broke out. ")
    (ev,) = according_openers(art(s))
    assert ev.weight == 0.75 and spans_text(s, ev.spans) == ["According to"] * 3
    (ev4,) = according_openers(art(s + "According to AFP, nobody survived."))
    assert ev4.weight == 1.0 and len(ev4.spans) == 4
    two = "According to police, he fled. According to witnesses, he ran. He was caught later."
    assert according_openers(art(two)) == []
    mid = "The plane crashed, according to state media. " * 5
    assert according_openers(art(mid)) == []


def test_sentence_variants_one_word_changed() -> None:
    from wiretrace.forensics.intrinsic import sentence_variants

    a = "China’s aircraft safety standards have been considered among the best in the world."
    b = "China's air safety standards have been considered among the best in the world."
    text = f"{a} Rescue teams were sent to the site. {b}"
    (ev,) = sentence_variants(art(text))
    assert ev.words == ("aircraft -> air",)
    assert spans_text(text, ev.spans) == [a, b]
    # A sentence repeated word for word, or with a number updated, is not two renderings.
    assert sentence_variants(art(f"{a} {a}")) == []
    n1 = "The council said 12 people were taken to hospital on Monday after the crash there."
    assert sentence_variants(art(f"{n1} {n1.replace('12', '13')}")) == []
    # A slip: alone it gives no verdict.
    assert inspect(art(text)).verdict == VERDICTS[2]


def test_according_openers_in_a_long_feature_are_not_a_sign() -> None:
    from wiretrace.forensics.intrinsic import according_openers

    openers = ("According to his aunt, he read early. According to a document, he wrote "
               "often. According to his editor, he died young. ")
    filler = "The novel sold well in its first year and was reprinted twice. " * 40
    assert according_openers(art(openers + filler)) == []
    assert len(according_openers(art(openers + filler[:200]))) == 1


def test_every_sign_type_has_a_reader_label() -> None:
    """A sign type added to the calibration without a label would show its raw name in
    the terminal report and the web app."""
    from wiretrace.forensics.intrinsic import CAPS
    from wiretrace.report.inspect import _LABELS

    assert set(CAPS) <= set(_LABELS), sorted(set(CAPS) - set(_LABELS))


# -- a spinner's forms counted as a rate ------------------------------------------------------


_TEASER_FILL = ("The council met on Monday to discuss the budget for the coming year and the "
                "plans for the river bridge, which engineers said would cost more than planned. "
                "Members asked for a report on the costs and on the delays, and the mayor said "
                "the work would begin in the spring if the money was found. ")


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        # a teaser of some 70 words preferring two spinner forms: a rate no honest page has
        (_TEASER_FILL + "Aides were quiet, whereas the workplace was busy all week.", True),
        # the same teaser with the news forms: nothing
        (_TEASER_FILL + "Aides were quiet, while the office was busy all week.", False),
        # one form only, however short the text
        (_TEASER_FILL + "Aides were quiet, whereas the office was busy all week.", False),
        # a long text (over 150 words) with the same two still needs three
        (_TEASER_FILL * 3 + "Aides were quiet, whereas the workplace was busy all week.", False),
        # one sentence is not a rate: two forms in it are a writer's choice
        ("Aides were quiet, whereas the workplace was busy all week.", False),
    ],
)
def test_two_spinner_forms_are_enough_in_a_teaser(text: str, fires: bool) -> None:
    from wiretrace.forensics.intrinsic import spinner_words

    evs = spinner_words(art(text))
    assert bool(evs) is fires
    if fires:
        assert {e.words[0] for e in evs} == {"whereas", "workplace"}
        assert all(text[a:b] in ("whereas", "workplace") for e in evs for a, b in e.spans)


def test_the_spinner_forms_seen_on_real_spun_pages_since_are_listed() -> None:
    """Forms the dev split's spun pages showed after the first list was made ("a fireplace"
    for *a fire*, "metropolis" for *city*), each checked against news counts by the build."""
    from wiretrace.forensics.intrinsic import spinner_words

    text = (_TEASER_FILL.replace("more than", "over")
            + "Crews said a fireplace spread through the old metropolis overnight.")
    assert {e.words[0] for e in spinner_words(art(text))} == {"fireplace", "metropolis"}
    honest = text.replace("a fireplace", "a fire").replace("metropolis", "city")
    assert spinner_words(art(honest)) == []


# -- a source sentence kept beside its rewriting ----------------------------------------------

_LEAD = ("At least one worker was hurt and another 9 are missing after the blast at the mill, "
         "according to the fire service.")


@pytest.mark.parametrize(
    ("second", "swaps"),
    [
        # common words swapped for others, nothing else changed: a rewriting beside its source
        ("At least one employee was hurt and any other 9 are lacking after the blast at the "
         "mill, in step with the fire service.",
         ["worker -> employee", "another -> any other", "missing -> lacking",
          "according to -> in step with"]),
        # a figure changed: a writer's update, not a swap of words
        ("At least one worker was hurt and another 12 are lacking after the blast at the mill, "
         "in step with the fire service.", []),
        # a name changed
        ("At least one worker was hurt and another 9 are lacking after the blast at the mill, "
         "in step with the Coast Guard.", []),
        # words added, not swapped: a restated lead
        ("At least one worker was badly hurt late on Monday and another 9 are missing after "
         "the blast at the old mill, according to the fire service.", []),
        # one word changed: the slip that sentence_variants reads, not this sign
        ("At least one worker was injured and another 9 are missing after the blast at the "
         "mill, according to the fire service.", []),
    ],
)
def test_reworded_sentences_kept_beside_their_source(second: str, swaps: list[str]) -> None:
    from wiretrace.forensics.intrinsic import reworded_sentences

    text = _LEAD + "\n\n" + second + "\n\nCrews worked through the night to reach the site."
    evs = reworded_sentences(art(text))
    assert [list(e.words) for e in evs] == ([swaps] if swaps else [])
    if swaps:
        (ev,) = evs
        assert spans_text(text, ev.spans) == [_LEAD, second]
        assert ev.weight == 1.0 and "nothing else changed" in ev.note
        # a sign of its own, not a slip: alone it gives a verdict
        assert inspect(art(text)).verdict != VERDICTS[2]


def test_reworded_sentences_are_bounded_on_hostile_input() -> None:
    import time

    from wiretrace.forensics.intrinsic import reworded_sentences

    line = "the cat sat on the mat and the dog sat on the rug by the door of the house. "
    text = line * 3000
    t0 = time.perf_counter()
    assert reworded_sentences(art(text)) == []  # identical sentences are not a rewording
    assert time.perf_counter() - t0 < 2.0


def test_a_restated_sentence_with_grammar_edits_is_no_rewording() -> None:
    from wiretrace.forensics.intrinsic import reworded_sentences

    first = ("The quarter's results were not a complete letdown, with most of the firms "
             "reporting steady or better sales.")
    edited = ("The quarter's results were not a complete letdown, as most of the firms "
              "reported steady or better sales.")
    assert reworded_sentences(art(first + "\n\n" + edited)) == []
    swapped = ("The quarter's results were not a complete letdown, as most of the companies "
               "reported steady or higher sales.")
    (ev,) = reworded_sentences(art(first + "\n\n" + swapped))
    assert ev.words == ("with -> as", "firms reporting -> companies reported",
                        "better -> higher")


# -- version 7: conventions of another language's news, kept by a translation ----------------


def test_number_formats_of_another_language() -> None:
    from wiretrace.forensics.intrinsic import inspect, number_formats

    text = ("The ferry left the port of Valmont for Arcadia, some 1300 kilometers away, "
            "with 2450 passengers; the fund grew to 3,5 million euros.")
    ev = number_formats(art(text))
    assert [e.words for e in ev] == [("1300 kilometers", "2450 passengers"),
                                     ("3,5 million",)]
    for e in ev:
        for (a, b), w in zip(e.spans, e.words, strict=True):
            assert text[a:b] == w
    # one bare figure alone is no verdict
    assert inspect(art("The ferry sailed some 1300 kilometers to Arcadia on Monday, the "
                       "company said.")).verdict == VERDICTS[2]
    for honest in ("The ferry sailed 1,300 kilometers with 2,450 passengers.",
                   "The dam cost $76 million (in 2006 dollars) to build.",
                   "Flight 5735 left at 1300 GMT; the Boeing 737 carried 132 people.",
                   "Prices rose 3.5 percent to 1.25 million tonnes, or 1,5 and 2,7.",
                   "Take Route 1300 miles north, then Highway 2210 people call the old road."):
        assert number_formats(art(honest)) == [], honest


def test_bracketed_direction_after_a_place() -> None:
    from wiretrace.forensics.intrinsic import bracketed_directions

    text = "The plane took off from Valmont (southwest) bound for Arcadia (north-east)."
    (ev,) = bracketed_directions(art(text))
    assert ev.words == ("Valmont (southwest)", "Arcadia (north-east)")
    assert text[slice(*ev.spans[0])] == "Valmont (southwest)"
    for honest in ("The plane took off from southwestern Valmont.",
                   "The (central) Bank of Arcadia fixed the rate.",
                   "Valmont (North) Holdings said profit rose.",
                   "He spoke at the Arcadia (East) Ltd meeting."):
        assert bracketed_directions(art(honest)) == [], honest


def test_calques_of_spanish_and_portuguese_news() -> None:
    from wiretrace.forensics.intrinsic import calques

    text = ("The minister said the past Tuesday, in statements to the radio, that the vote "
            "held on Sunday (9) was valid.")
    found = sorted(e.words[0] for e in calques(art(text)))
    assert found == ["Sunday (9)", "in statements to", "the past Tuesday"]
    for e in calques(art(text)):
        assert text[slice(*e.spans[0])] == e.words[0]
    for honest in ("The minister said last Tuesday, in a statement, that the vote held on "
                   "Sunday (June 9) was valid.",
                   "Over the past week the Government's president resigned.",
                   "She told the radio on Tuesday night that she would run."):
        assert calques(art(honest)) == [], honest


def test_translation_conventions_are_bounded_on_hostile_input() -> None:
    from wiretrace.forensics.intrinsic import (
        bracketed_directions,
        calques,
        number_formats,
    )

    hostile = ("Sunday (" * 2000 + "1300 " * 3000 + "Valmont (north" * 2000 + "3,5" * 2000)
    for detect in (number_formats, bracketed_directions, calques):
        detect(art(hostile))  # returns, in linear time
