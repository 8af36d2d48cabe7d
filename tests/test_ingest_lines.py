"""Line-level pieces of ingest: boilerplate lines, wire credits, language id."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.ingest import classify_line, find_credits, split_page
from wiretrace.ingest.credits import credit_agencies, normalize_agency
from wiretrace.text.lang import detect_language

P1 = (
    "The regional council voted on Tuesday to close the old harbour bridge for repairs, "
    "saying engineers had found serious corrosion in its steel supports."
)
P2 = "Traffic will be diverted over the northern ring road while the work goes on."


@pytest.mark.parametrize(
    ("line", "label"),
    [
        (
            "Jannah Theme License is not validated, Go to the theme options page to validate "
            "the license, You need a single license for each domain name.",
            "nag",
        ),
        ("Back to top button", "back_to_top"),
        ("Back to Top ^", "back_to_top"),
        ("Share this", "share"),
        ("Share on Facebook", "share"),
        ("Tweet", "share"),
        ("Facebook Twitter WhatsApp Email", "share"),
        ("Related stories", "related"),
        ("Related articles:", "related"),
        ("You may also like...", "related"),
        ("Read more", "read_more"),
        ("Read more: Tencent profit falls as Alibaba threat weighs", "read_more"),
        ("Sign up for our daily newsletter", "newsletter"),
        ("Subscribe now", "newsletter"),
        ("We use cookies to improve your experience. Accept all cookies", "cookie"),
        ("Skip to content", "nav"),
        ("Home > News > World > Asia", "nav"),
        ("World | Business | Sport | Culture", "nav"),
        ("ADVERTISEMENT", "ad"),
        ("Story continues below advertisement", "ad"),
        ("Leave a comment", "comments"),
        ("photograph: Leah Millis/AFP/Pool", "photo_credit"),
        ("Photo: Reuters/Jane Roe", "photo_credit"),
        ("(AP Photo/Mark Schiefelbein)", "photo_credit"),
        ("REUTERS/Kevin Lamarque", "photo_credit"),
        ("Image credit", "photo_credit"),
        ("Leah Millis/AFP/Pool", "photo_credit"),
        ("Blinken arrives in Beijing on Sunday. (AP Photo/Leah Millis, Pool)", "caption"),
        ("President Lula and President Roh Moo-hyun. (J. Freitas/ABr)", "caption"),
        ("\u00a9 2004 The Associated Press. All rights reserved.", "copyright"),
        ("Tags: China, United States, diplomacy", "tags"),
        ("Updated: November 11, 2011 20:09 IST", "date"),
        ("Published 12/29/2004 1:57 PM", "date"),
    ],
)
def test_classify_line_finds_chrome(line: str, label: str) -> None:
    assert classify_line(line) == label


@pytest.mark.parametrize(
    "line",
    [
        P1,
        "New Zealand",  # a section label only in context (above the title)
        "share.",  # the end of a hard-wrapped sentence
        "close.",
        "published on April 6.",
        "posted second quarter net income of 93.5 mln.",
        "copyright on its operating system, an NEC spokesman said.",
        "The Cyprus-based weekly newsletter quoted authoritative sources.",
        "Netflix said it lost 200,000 subscribers in the first quarter.",
        "He urged people to share the video, which has been watched two million times.",
        "In its first published casualty list from the battle, the army named 12 soldiers.",
        "",
        "   ",
    ],
)
def test_classify_line_keeps_prose(line: str) -> None:
    assert classify_line(line) is None


def test_split_page_caption_needs_its_credit() -> None:
    text = f"Caption-like short line about a photo.\nPhoto: Jane Roe/Reuters\n\n{P1}\n\n{P2}"
    parts = split_page(text, find_title=False)
    assert parts.text == f"{P1}\n\n{P2}"
    assert parts.boilerplate == [
        "Caption-like short line about a photo.",
        "Photo: Jane Roe/Reuters",
    ]
    assert [label for label, _ in parts.labels] == ["caption", "photo_credit"]
    # Without the credit line, the same short line is body text.
    assert split_page(f"Caption-like short line about a photo.\n\n{P1}").boilerplate == []


@pytest.mark.parametrize(
    "trailer",
    [
        "Source: Reuters",
        "This article originally appeared on The Conversation.",
        "Originally published on Live Science.",
        "https://example.org/news/2023/story-slug",
        "www.example.org/story A title after the link",
        "Sources: Reuters, AFP",
    ],
)
def test_split_page_trailing_declared_source(trailer: str) -> None:
    parts = split_page(f"{P1}\n\n{P2}\n\n{trailer}\n\nBack to top", find_title=False)
    assert parts.declared_sources == [trailer]
    assert parts.text == f"{P1}\n\n{P2}"
    assert parts.boilerplate == ["Back to top"]


def test_split_page_url_inside_body_is_kept() -> None:
    body = f"{P1}\n\nhttps://example.org/inline-link\n\n{P2}"
    assert split_page(body, find_title=False).text == body


def test_split_page_title_section_byline_and_date() -> None:
    text = (
        "World\nAsia\n\nHarbour bridge to close for two years\nBy Jane Doe and John Roe\n"
        f"Updated: June 18, 2023 10:00 AM\n\n{P1}\n\n{P2}"
    )
    parts = split_page(text)
    assert parts.title == "Harbour bridge to close for two years"
    assert parts.byline == "Jane Doe and John Roe"
    assert parts.boilerplate == ["World", "Asia", "Updated: June 18, 2023 10:00 AM"]
    assert parts.text == f"{P1}\n\n{P2}"


@pytest.mark.parametrize(
    "text",
    [
        f"{P1}\n\n{P2}",  # starts with a paragraph: no title
        f"Harbour bridge to close for two years\n{P1}\n\n{P2}",  # no blank line after it
        f"December 22, 2004\n\n{P1}",  # a date is not a title
        f"A short first paragraph that ends with a full stop.\n\n{P1}",
    ],
)
def test_split_page_no_title_when_not_a_page(text: str) -> None:
    parts = split_page(text)
    assert parts.title is None
    assert parts.text == text


def test_split_page_short_label_above_real_title() -> None:
    parts = split_page(f"Asia Pacific News\n\nHarbour bridge to close for two whole years\n\n{P1}")
    assert parts.title == "Harbour bridge to close for two whole years"
    assert parts.boilerplate == ["Asia Pacific News"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "",
                "Share this",
                "New Zealand",
                P1,
                P2,
                "Photo: X/AFP",
                "https://a.example/x",
                "Back to top",
                "By Jane Doe",
                "A headline with several words in it",
            ]
        ),
        max_size=12,
    ),
    st.text(max_size=200),
)
def test_split_page_only_moves_lines(lines: list[str], noise: str) -> None:
    """Never raises; every output line is an input line; nothing is invented or lost."""
    text = "\n".join([*lines, noise])
    parts = split_page(text)
    inputs = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out = [ln for ln in parts.text.split("\n") if ln]
    moved = [*parts.boilerplate, *parts.declared_sources, *([parts.title] if parts.title else [])]
    kept = [ln for ln in inputs if ln]
    assert all(ln in kept for ln in [*out, *moved])
    assert len(out) + len(moved) + (parts.byline is not None) == len(kept)
    assert "\n\n\n" not in parts.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_classify_line_never_raises(line: str) -> None:
    assert classify_line(line) is None or isinstance(classify_line(line), str)


# -- credits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "agency", "kind", "matched"),
    [
        ("WASHINGTON (Reuters) - The U.S. said.", "Reuters", "dateline", "WASHINGTON (Reuters) -"),
        ("NEW YORK (AP) \u2014 A fire broke out.", "AP", "dateline", "NEW YORK (AP) \u2014"),
        ("LONDON, May 3 (AFP) - Talks resumed.", "AFP", "dateline", "LONDON, May 3 (AFP) -"),
        ("(AP) \u2014 A fire broke out.", "AP", "dateline", "(AP) \u2014"),
        ("The minister told Reuters on Monday.", "Reuters", "attribution", "told Reuters"),
        ("Reuters reported earlier this week.", "Reuters", "attribution", "Reuters reported"),
        (
            "according to the Associated Press, the",
            "AP",
            "attribution",
            "according to the Associated Press",
        ),
        ("photograph: Leah Millis/AFP/Pool", "AFP", "photo", "photograph: Leah Millis/AFP/Pool"),
        ("Blinken. (AP Photo/Leah Millis, Pool)", "AP", "photo", "(AP Photo/Leah Millis, Pool)"),
        ("REUTERS/Kevin Lamarque", "Reuters", "photo", "REUTERS/Kevin Lamarque"),
        # a caption's closing credit with the photographer first, and pooled photos
        ("Mourners in Ramallah (Nasser Nasser/AP)", "AP", "photo", "(Nasser Nasser/AP)"),
        ("Talks in Maryland (Pool Photo via AP)", "AP", "photo", "(Pool Photo via AP)"),
        ("The scene (Photo by Jane Doe/AFP)", "AFP", "photo", "(Photo by Jane Doe/AFP)"),
        ("Source: Reuters", "Reuters", "source_line", "Reuters"),
        ("By The Associated Press", "AP", "byline", "By The Associated Press"),
        (
            "(Reporting by Humeyra Pamuk; Editing by Mark Heinrich)",
            "Reuters",
            "signoff",
            "(Reporting by Humeyra Pamuk; Editing by Mark Heinrich)",
        ),
        (
            "Copyright 2023 The Associated Press. All rights reserved.",
            "AP",
            "copyright",
            "Copyright 2023 The Associated Press. All rights reserved.",
        ),
        ("BEIJING (Xinhua) -- Officials said.", "Xinhua", "dateline", "BEIJING (Xinhua) -"),
    ],
)
def test_find_credits(text: str, agency: str, kind: str, matched: str) -> None:
    credits = find_credits(text)
    assert [(c.agency, c.kind, c.text) for c in credits][:1] == [(agency, kind, matched)]
    for c in credits:
        assert text[c.start : c.end] == c.text  # offsets index the unchanged text


@pytest.mark.parametrize(
    "text",
    [
        "The PA governor told reporters in Harrisburg.",
        "reuters says ap is apt to map the approach",
        "The minister said on Sunday that the apartment was sold.",
        "A poll (Reuters/Ipsos survey) found support fell.",
        "Michael Bloomberg told supporters in New York.",
        "",
    ],
)
def test_find_credits_ignores_lookalikes(text: str) -> None:
    assert find_credits(text) == []


def test_credit_agencies_and_normalisation() -> None:
    text = "PARIS (AFP) - A. Officials told Reuters. Photo: X/AFP via Getty Images"
    assert credit_agencies(find_credits(text)) == ["AFP", "Reuters", "Getty Images"]
    assert normalize_agency("The Associated Press") == "AP"
    assert normalize_agency("agence france-presse") == "AFP"
    assert normalize_agency("Nobody") is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_find_credits_never_raises_and_spans_hold(text: str) -> None:
    for c in find_credits(text):
        assert text[c.start : c.end] == c.text


# -- language ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (P1, "en"),
        ("El consejo regional votó el martes para cerrar el viejo puente del puerto.", "es"),
        ("Le conseil régional a voté mardi la fermeture du vieux pont du port.", "fr"),
        ("Der Regionalrat stimmte am Dienstag für die Schließung der alten Hafenbrücke.", "de"),
        ("Совет региона во вторник проголосовал за закрытие старого моста.", "ru"),
        ("ואני הולך הביתה עכשיו כי כבר מאוחר מאוד בלילה", "he"),  # CLD2 says "iw"
    ],
)
def test_detect_language(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "ok",
        "12345 67890",
        "\x00\x01\x02" * 50,
        "abc\ud800def " * 20,
        "\ufffe\uffff" * 30,
        "\x85\x9f" + P1[:10],
    ],
)
def test_detect_language_unreliable_or_odd_is_none(text: str | None) -> None:
    assert detect_language(text) is None


def test_detect_language_survives_control_characters() -> None:
    assert detect_language("\x00\x7f\x9f\ud800" + P1 + "\ufffe") == "en"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_detect_language_never_raises(text: str) -> None:
    result = detect_language(text)
    assert result is None or (len(result) == 2 and result.islower())


# -- docs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "wiretrace.ingest",
        "wiretrace.ingest.boilerplate",
        "wiretrace.ingest.credits",
        "wiretrace.text.lang",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0


def test_public_api_is_pinned() -> None:
    import wiretrace.ingest as ingest

    assert ingest.__all__ == sorted(ingest.__all__)
    assert ingest.__all__ == [
        "Credit",
        "DEFAULT_MAX_BYTES",
        "IngestOptions",
        "PageParts",
        "classify_line",
        "find_credits",
        "read_feed",
        "read_html",
        "read_json",
        "read_jsonl",
        "read_path",
        "read_record",
        "read_stream",
        "read_text",
        "read_warc",
        "sniff_format",
        "split_page",
    ]


@pytest.mark.parametrize("text", [
    "Plain ASCII news text, tabs\tand\nnewlines\r\nkept.",
    "ASCII with a bell \x07 and a NUL \x00 and DEL \x7f",
    "Caf\u00e9 with a C1 control \x85 and a non-character \ufdd0 and \ufffe",
    "lone surrogate \ud800 in Unicode text \u2019",
    "",
])
def test_language_detection_sanitises_as_its_pattern_does(text: str) -> None:
    """The ASCII shortcut of ``lang._sanitised`` gives what the pattern gives."""
    from wiretrace.text.lang import _UNSAFE, _sanitised

    assert _sanitised(text) == _UNSAFE.sub(" ", text)


@pytest.mark.parametrize(("text", "limit", "count"), [
    ("one two three four five", None, 5),
    ("one two three four five", 3, 3),  # stops at the limit: enough words
    ("one two", 3, 2),  # below it: the whole count, for the message
    ("東京で会議 word", None, 3),  # two CJK characters count as one word
    ("東京で会議 word", 2, 2),
])
def test_word_count_stops_at_its_limit(text: str, limit: int | None, count: int) -> None:
    from wiretrace.ingest._common import word_count

    assert word_count(text, limit) == count
