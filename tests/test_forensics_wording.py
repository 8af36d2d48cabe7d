"""Wording signs of spinners and translation (issue 14): pairs news never writes, the
spinner's words and speech verbs, common words inside names, mixed honorific styles,
accent variants, a stray lower-case "i" — each on short sentences of our own, with offsets;
and the news statistics table they read."""

from __future__ import annotations

import time

import pytest

from conftest import SHARED, needs_shared
from wiretrace.data import Article
from wiretrace.forensics.intrinsic import (
    accent_variants,
    bare_names,
    common_words_in_names,
    foreign_leftovers,
    honorific_styles,
    inspect,
    odd_collocations,
    quick_signs,
    spinner_score,
    spinner_words,
    spun_speech_verbs,
)
from wiretrace.ingest import read_text
from wiretrace.text import wordstats

SEED = SHARED / "seeds" / "000_18940ac4ae744549.txt"


def art(text: str) -> Article:
    return Article(id="t", text=text)


def quoted(text: str, evs: list) -> list[str]:
    return [text[a:b] for e in evs for a, b in e.spans]


def test_the_table_ships_and_knows_news_english() -> None:
    stats = wordstats.load()
    assert stats is not None, "src/wiretrace/forensics/data/newsstats.json.gz is missing"
    assert stats.meta["format"] == "wiretrace.newsstats/2"
    assert stats.lower("said") > 1000 * max(1, stats.lower("mentioned")) / 100
    assert stats.capital("house") > stats.capital("inexperienced") == 0
    assert stats.broken("demise toll") is not None and stats.broken("death toll") is None
    assert wordstats.TABLE_PATH.stat().st_size < 3_000_000


@pytest.mark.parametrize(
    ("spun", "clean", "flagged", "news"),
    [
        ("The demise toll rose to 40 after the storm, officials said.",
         "The death toll rose to 40 after the storm, officials said.", "demise toll",
         "death toll"),
        ("A spokesman for the White Home declined to comment.",
         "A spokesman for the White House declined to comment.", "White Home", "white house"),
        ("Members of the Communist Social gathering met in the capital.",
         "Members of the Communist Party met in the capital.", "Communist Social gathering",
         "communist party"),
        ("He died of a suspected coronary heart assault.",
         "He died of a suspected heart attack.", "heart assault", "heart attack"),
    ],
)
def test_broken_collocation_flagged_with_offsets_and_the_news_pair(
    spun: str, clean: str, flagged: str, news: str
) -> None:
    (ev,) = odd_collocations(art(spun))
    assert ev.type == "odd_collocation" and ev.where == "text"
    assert quoted(spun, [ev]) == [flagged] and ev.words == (flagged,)
    assert news in ev.note and "never" in ev.note
    assert odd_collocations(art(clean)) == []


@pytest.mark.parametrize(
    ("spun", "clean", "word"),
    [
        ("Gov. Josh Inexperienced visited the flooded town on Monday.",
         "Gov. Josh Green visited the flooded town on Monday.", "Inexperienced"),
        ("Shops on Entrance Avenue stayed closed after the blast.",
         "Shops on Front Avenue stayed closed after the blast.", "Entrance"),
    ],
)
def test_common_word_capitalised_inside_a_name(spun: str, clean: str, word: str) -> None:
    (ev,) = common_words_in_names(art(spun))
    assert quoted(spun, [ev]) == [word] and "lower case" in ev.note
    assert common_words_in_names(art(clean)) == []


def test_plural_names_and_headlines_are_not_common_words_in_names() -> None:
    assert common_words_in_names(art("The photo was taken by Getty Images on Monday.")) == []
    assert common_words_in_names(art("Josh Inexperienced Visits The Town\n\nHe came.")) == []


def test_a_title_before_a_first_name_is_a_weak_broken_pair() -> None:
    # "president jimmy" is a news pair; honest news writes other titles before names too
    text = "Recording Academy Chair Jimmy Jam looked on."
    (ev,) = odd_collocations(art(text))
    assert ev.words == ("Chair Jimmy",) and ev.weight < 0.5


def test_a_bare_name_beside_a_place_is_not_flagged() -> None:
    text = "Prices rose in Orange County and Ventura on Monday."
    assert bare_names(art(text)) == []


def test_spinner_speech_verbs_need_two_or_no_said() -> None:
    text = ("The minister mentioned that talks would go on. A spokesman informed AFP the plan "
            "was ready, the company mentioned.")
    evs = spun_speech_verbs(art(text))
    assert quoted(text, evs) == ["mentioned", "informed", "mentioned"]
    honest = ("The minister said talks would go on, and mentioned that the plan was ready. "
              "Aides said little.")
    assert spun_speech_verbs(art(honest)) == []
    assert spun_speech_verbs(art("He mentioned the weather in passing.")) == []


def test_the_spinner_score_counts_a_spinners_words_not_a_translators_marks() -> None:
    """What the pairwise judge asks once a source proves a copy was changed: which tool.
    Rare words for common ones are a spinner's; a common word inside a name, or a pair news
    never writes, a translation makes too, so they do not count here."""
    spun = ("The minister mentioned that talks would go on. A spokesman informed AFP the plan "
            "was ready, the company mentioned.")
    assert spinner_score(art(spun)) >= 1.0
    translated = "Gov. Josh Inexperienced visited the site, where the demise toll rose on Monday."
    assert common_words_in_names(art(translated)) or odd_collocations(art(translated))
    assert spinner_score(art(translated)) == 0.0
    assert spinner_score(Article(id="t", text=spun, language="fr")) == 0.0


def test_a_paraphraser_rotates_its_verbs_for_said() -> None:
    text = ("Musk stated he would reverse the ban. He claimed it was a mistake, and remarked "
            "that bans should be rare. Dorsey agreed, Musk said.")
    evs = spun_speech_verbs(art(text))
    assert quoted(text, evs) == ["stated", "claimed", "remarked"]
    assert "1 'said/says/told'" in evs[0].note
    # Two, or no more than "said": an honest writer's variety.
    honest = ("Musk stated he would reverse the ban. He claimed it was a mistake, Dorsey said, "
              "and the board said little. Analysts said it might not happen.")
    assert spun_speech_verbs(art(honest)) == []


def test_two_different_verbs_for_said_are_a_rotation_one_verb_twice_is_not() -> None:
    rotated = ("Blinken claimed the talks were useful. Balakrishnan stated that the region "
               "wanted stability. The trip lasted two days.")
    assert quoted(rotated, spun_speech_verbs(art(rotated))) == ["claimed", "stated"]
    same = ("The group claimed the attack. It claimed a second one a day later. The army "
            "gave no figures.")
    assert spun_speech_verbs(art(same)) == []
    # With as many "said" as rotated verbs, two different ones are a writer's variety.
    assert spun_speech_verbs(art(rotated + " Officials said so. Aides said more.")) == []


def test_spinner_words_need_three_different_ones() -> None:
    text = "Aides were quiet, whereas the workplace was busy after the demise of the chief."
    evs = spinner_words(art(text))
    assert {e.words[0] for e in evs} == {"whereas", "workplace", "demise"}
    assert all("news writes" in e.note for e in evs)
    assert spinner_words(art("The chief left the office, whereas aides stayed.")) == []
    two = "Aides were quiet, whereas the workplace was busy after the death of the chief."
    assert spinner_words(art(two)) == []


def test_spinner_phrases_count_when_the_text_prefers_them() -> None:
    spun = ("The crew met earlier than dawn within the hangar. It was nonetheless dark, and "
            "one of many engineers had been there practically all night this summer time.")
    evs = spinner_words(art(spun))
    # "summer" inside "summer time" is not the news form written beside it
    assert quoted(spun, evs) == ["earlier than", "within the", "nonetheless", "one of many",
                                 "practically", "summer time"]
    assert any("'before'" in e.note for e in evs)
    # The same phrases where the text mostly writes the news form: honest variety.
    honest = ("The crew met in the hangar in the morning, within the hour after the briefing "
              "in the canteen. It was still dark and still cold, nonetheless quiet; one of the "
              "engineers, one of many there, had been one of the first in the hangar before, "
              "practically every night.")
    assert spinner_words(art(honest)) == []


def test_honorifics_written_two_ways() -> None:
    text = "Mr. Smith met Mr Jones on Monday. Mr. Smith left early."
    (ev,) = honorific_styles(art(text))
    assert quoted(text, [ev]) == ["Mr"] and "two ways" in ev.note
    assert honorific_styles(art("Mr. Smith met Mr. Jones. Mr. Smith left.")) == []
    assert honorific_styles(art("Mr Smith met Mr Jones.")) == []


def test_accent_variants_and_a_stray_lower_case_i() -> None:
    text = "The Omicron wave grew in May. Cases of Ómicron rose in June."
    (ev,) = accent_variants(art(text))
    assert quoted(text, [ev]) == ["Ómicron"]
    assert accent_variants(art("Cases of Ómicron rose. Ómicron spread.")) == []
    text = "The ship sailed with Mark i Athanasius on board."
    (ev,) = foreign_leftovers(art(text))
    assert quoted(text, [ev]) == ["i"]
    assert foreign_leftovers(art("I said i.e. the first, and (i) the second.")) == []


def test_a_spun_paragraph_is_flagged_and_its_clean_original_is_not() -> None:
    spun = ("Police on Saturday dominated out foul play in the demise of the star, who died "
            "of a suspected coronary heart assault whereas on vacation. The demise toll of "
            "the storm stood at 12, the White Home mentioned. Police informed AFP that no "
            "foul play was suspected, the workplace mentioned.")
    clean = ("Police on Saturday ruled out foul play in the death of the star, who died of a "
             "suspected heart attack while on holiday. The death toll of the storm stood at "
             "12, the White House said. Police told AFP that no foul play was suspected, the "
             "office said.")
    r = inspect(art(spun))
    assert r.verdict == "likely disguised copy"
    assert {"odd_collocation", "spun_speech_verb", "spinner_word"} <= set(r.by_type)
    assert inspect(art(clean)).verdict == "no signs found"


def test_quick_signs_count_a_spinners_words_not_pairs_a_translation_makes_too() -> None:
    """The direction vote's quick signs hold a spinner's words (nobody turns them back into
    the news's), not the odd collocations and name words a translation also leaves."""
    broken = "The demise toll rose and the workplace was shut at the White Home on Monday."
    assert odd_collocations(art(broken))
    assert quick_signs(art(broken)) == 0.0
    spun = ("The minister mentioned that talks would go on. A spokesman informed AFP the plan "
            "was ready, the company mentioned.")
    assert quick_signs(art(spun)) == spinner_score(art(spun)) >= 1.0


def test_wording_signs_are_linear_and_fast() -> None:
    text = ("The demise toll rose, whereas Gov. Josh Inexperienced and Mr Smith met Mr. Jones "
            "at the White Home. ") * 5_000
    t = time.perf_counter()
    r = inspect(art(text))
    assert time.perf_counter() - t < 20
    assert r.by_type["odd_collocation"] > 0


@needs_shared
def test_seed_page_still_likely_and_ching_caught() -> None:
    a = read_text(SEED.read_bytes(), source=str(SEED)).article
    assert a is not None
    r = inspect(a)
    assert r.verdict == "likely disguised copy"
    assert any(e.type == "unintroduced_name" for e in r.evidence)
    ching = [e for e in r.evidence if e.type == "bare_name"]
    assert [a.text[x:y] for e in ching for x, y in e.spans] == ["Ching"]


def test_a_bare_surname_beside_an_introduced_person() -> None:
    text = ("Foreign Minister Lou Tanberg met the visiting envoy Dora Velasko on a cold "
            "Sunday morning.\nNeither Velasko nor Trenhaw made any comment to the reporters "
            "who waited outside.")
    (ev,) = bare_names(art(text))
    assert quoted(text, [ev]) == ["Trenhaw"] and "Velasko" in ev.note
    introduced = text.replace("envoy Dora Velasko", "envoy Dora Velasko and aide Ron Trenhaw")
    assert bare_names(art(introduced)) == []
