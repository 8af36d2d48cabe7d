"""The longest run of words two texts share outside quotation marks (``align.verbatim``)."""

from __future__ import annotations

from wiretrace.align.verbatim import SEED, shared_run, shared_runs

PROSE = ("The plane went down in a mountainous area of the region, causing a fire, and rescue "
         "teams were sent to the site overnight.")


def _cut(text: str, span: tuple[int, int]) -> str:
    return text[span[0]:span[1]]


def test_finds_the_run_and_its_spans_on_both_sides() -> None:
    copy = f"Officials said on Monday that {PROSE.lower()} More later."
    source = f"BEIJING (AFP) - {PROSE} \"We are devastated,\" an official said."
    run = shared_run(copy, source)
    assert run is not None
    assert run.words == len(PROSE.split())
    assert _cut(copy, run.copy_span).lower() == PROSE.lower().rstrip(".")
    assert _cut(source, run.source_span) == PROSE.rstrip(".")


def test_a_shared_quotation_is_no_run() -> None:
    quote = ("“We will not accept automation without guarantees for every single worker in "
             "this harbour and the next one,” the union leader said.")
    other = ("Union members met again. “We will not accept automation without guarantees for "
             "every single worker in this harbour and the next one,” the union leader said.")
    run = shared_run(quote, other)
    # only the words after the quotation ("the union leader said") are shared unquoted
    assert run is None or run.words < SEED + 1


def test_straight_quotes_and_an_unclosed_quote_end_at_the_paragraph() -> None:
    shared = " ".join(PROSE.split()[:14])
    quoted = f'He said: "{shared}," and left.'
    assert shared_run(quoted, shared) is None
    # a stray opening mark hides its own paragraph only, not the text after it
    stray = f'A "stray mark opens here and is never closed.\n\n{shared}'
    run = shared_run(stray, shared)
    assert run is not None and run.words == 14


def test_short_overlaps_are_not_runs() -> None:
    seven = "the ships waited at anchor near the"
    assert len(seven.split()) == SEED - 1
    assert shared_run(f"Yesterday {seven} harbour.", f"Today {seven} terminal.") is None
    assert shared_run("", PROSE) is None and shared_run(PROSE, "") is None


def test_the_longest_of_several_runs_wins_and_case_is_folded() -> None:
    a = "one two three four five six seven eight nine"
    b = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
         "rho")
    copy = f"{a.upper()} filler words here. {b} end."
    source = f"{b} start. {a}"
    run = shared_run(copy, source)
    assert run is not None and run.words == len(b.split())
    assert _cut(copy, run.copy_span) == b


def test_a_phrase_repeated_many_times_stays_correct() -> None:
    phrase = "the council said the vote would take place on friday at noon"
    many = ". ".join([phrase] * 200)
    run = shared_run(many, f"Before that, {phrase} and nothing else.")
    assert run is not None and run.words == len(phrase.split())


def test_a_page_of_one_repeated_phrase_seeds_nothing_but_a_unique_run_is_whole() -> None:
    """Windows the source repeats more than a few times seed no run (each word of the other
    text then lies on a few diagonals at most: the search stays linear); a run that also
    holds words of its own is still found whole, repeated phrases included."""
    loop = "alpha beta gamma delta epsilon zeta eta theta " * 500
    assert shared_run(loop, loop + " end") is None
    run = ("one two three four five six seven eight nine ten " * 3
           + "and then a few words found only here close the run")
    got = shared_run(f"{loop} {run}", run)
    assert got is not None and got.words == len(run.split())


def test_every_run_counts_towards_the_words_covered() -> None:
    a = "one two three four five six seven eight nine ten"
    b = "alpha beta gamma delta epsilon zeta eta theta iota"
    copy = f"{a} mine and only mine here {b} and mine again"
    source = f"{b} the source's own words {a}"
    runs = shared_runs(copy, source)
    assert runs.longest is not None and runs.longest.words == 10
    assert runs.covered == 10 + 9
    assert runs.words == len(copy.split())


def test_overlapping_runs_are_counted_once() -> None:
    # the copy repeats a sentence of the source twice over (a scraper's doubled paragraph),
    # and the source holds it once: each copy word is covered once
    copy = f"{PROSE} {PROSE}"
    runs = shared_runs(copy, PROSE)
    assert runs.covered == 2 * len(PROSE.split())
    assert shared_runs(PROSE, "").covered == 0 and shared_runs("", PROSE).words == 0
