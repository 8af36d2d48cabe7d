from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wiretrace.text.normalize import fold, normalize
from wiretrace.text.segment import split_sentences
from wiretrace.text.tokens import name_tokens, numbers, shingles, words


def test_segment_abbreviations_and_offsets() -> None:
    text = (
        "U.S. Secretary of State Anthony Blinken met Mr. Qin on Sunday. He said talks were "
        "\"candid\". Shares rose 3.5% to $12.40 in New York.\n\nA new paragraph starts here"
    )
    ps = split_sentences(text)
    assert [p.text for p in ps] == [
        "U.S. Secretary of State Anthony Blinken met Mr. Qin on Sunday.",
        'He said talks were "candid".',
        "Shares rose 3.5% to $12.40 in New York.",
        "A new paragraph starts here",
    ]
    for p in ps:
        assert text[p.start : p.end] == p.text


def test_hard_wrapped_text_is_joined() -> None:
    line = "the dry period means the temporao will be late this year and"
    text = "\n".join([line] * 8) + " done."
    assert len(split_sentences(text)) == 1


def test_lines_without_wrapping_break() -> None:
    text = (
        "Lindsay Lohan checks into Betty Ford Center\nMay 03, 2013\n"
        "After skipping rehab, she went."
    )
    assert len(split_sentences(text)) == 3


@given(st.text(max_size=400))
def test_offsets_always_slice_the_text(text: str) -> None:
    prev_end = 0
    for p in split_sentences(text):
        assert text[p.start : p.end] == p.text
        assert p.start >= prev_end and p.end > p.start
        assert p.text == p.text.strip()
        prev_end = p.end


@given(st.text(max_size=300))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def test_normalize_quotes_dashes_spaces() -> None:
    assert normalize("\u201cHi\u201d \u2014 it\u2019s\u00a0here  \r\n\n\n\nend") == (
        '"Hi" - it\'s here\n\nend'
    )


def test_tokens_names_numbers() -> None:
    assert fold("Müller") == "muller"
    assert words("Blinken's U.S. trip") == ["blinken's", "u.s", "trip"]
    assert numbers("155,221 bags, 5.93 mln, 3.5% and 2023.") == ["155221", "5.93", "3.5%", "2023"]
    toks = name_tokens("Secretary of State Antony Blinken met Qin Gang in Beijing.")
    assert {"blinken", "qin", "gang", "beijing"} <= toks
    assert shingles(["a", "b", "c"], 5) == {"a b c"}
    assert len(shingles(list("abcdefg"), 5)) == 3
