"""The WordNet spinner: rate within 30-60%, names and numbers untouched, inflection kept."""

from __future__ import annotations

import random

import pytest

from wiretrace.bench.derive import default_lexicon
from wiretrace.bench.spin import apply, inflect, spin_units, tag, tokenize
from wiretrace.bench.wordnet import nltk_data_dir

UNITS = [
    "Police arrested a man on Tuesday after a fire destroyed the old church in Wasilla, "
    "officials said.",
    "The blaze caused damage estimated at 1 million dollars and forced 40 worshippers to leave "
    "the building quickly.",
    "Investigators believe the fire was set deliberately, and they are searching for witnesses.",
    "Governor Sarah Palin visited the church on Sunday and spoke briefly with the pastor.",
    "The congregation plans to hold services in a nearby school until repairs are finished.",
    "Local residents gathered outside the damaged building to offer help and comfort.",
]


@pytest.fixture(scope="module")
def lx():  # type: ignore[no-untyped-def]
    return default_lexicon()


def test_wordnet_folder_is_built_for_nltk(lx) -> None:  # type: ignore[no-untyped-def]
    root = nltk_data_dir()
    wn_dir = root / "corpora" / "wordnet"
    assert (wn_dir / "lexnames").read_text().splitlines()[0] == "00\tadj.all\t3"
    assert not any(p.is_symlink() for p in wn_dir.iterdir())
    assert lx.wn.get_version() == "3.0"
    assert "encounter" in lx.synonyms("meeting", "n")


def test_spin_rate_is_between_30_and_60_percent(lx) -> None:  # type: ignore[no-untyped-def]
    for seed in range(10):
        res = spin_units(UNITS, random.Random(seed), lx)
        assert res.content_words >= 30
        assert 0.3 <= res.rate <= 0.6, (seed, res.rate)
        assert sum(len(s) for s in res.substitutions) == round(res.rate * res.content_words)


def test_spinner_never_touches_names_or_numbers(lx) -> None:  # type: ignore[no-untyped-def]
    for seed in range(10):
        res = spin_units(UNITS, random.Random(seed), lx)
        for unit, subs in zip(UNITS, res.substitutions, strict=True):
            for s in subs:
                assert unit[s.start : s.end] == s.old
                word = s.old.split()[-1]  # the span may include a fixed "a"/"an"
                assert word.islower() and word.isalpha(), s
                assert s.new.split()[-1].islower()
            out = apply(unit, subs)
            for keep in ("Wasilla", "Sarah Palin", "1 million", "40", "Tuesday", "Sunday"):
                assert (keep in unit) == (keep in out)


def test_spin_keeps_inflection(lx) -> None:  # type: ignore[no-untyped-def]
    assert inflect(lx, "take", "v", "pp") == "taken"
    assert inflect(lx, "take", "v", "past") == "took"
    assert inflect(lx, "stop", "v", "ing") == "stopping"
    assert inflect(lx, "try", "v", "s") == "tries"
    assert inflect(lx, "set", "v", "past") == "set"
    assert inflect(lx, "carry out", "v", "past") == "carried out"
    assert inflect(lx, "child", "n", "pl") == "children"
    assert inflect(lx, "newsman", "n", "pl") == "newsmen"
    assert inflect(lx, "box", "n", "pl") == "boxes"


def test_rule_tagger_uses_context(lx) -> None:  # type: ignore[no-untyped-def]
    toks = tokenize("The meeting was held after they meet to top the top list.")
    tags = dict(zip((t.text for t in toks), tag(toks, lx), strict=False))
    assert tags["meeting"] == "n"
    assert tags["held"] == "v"
    assert tags["meet"] == "v"
    toks = tokenize("She spoke quickly to the police.")
    tags = dict(zip((t.text for t in toks), tag(toks, lx), strict=True))
    assert tags["quickly"] == "r" and tags["police"] == "n" and tags["She"] is None


def test_spin_is_deterministic(lx) -> None:  # type: ignore[no-untyped-def]
    a = spin_units(UNITS, random.Random(5), lx)
    b = spin_units(UNITS, random.Random(5), lx)
    assert a == b


def test_a_an_agreement(lx) -> None:  # type: ignore[no-untyped-def]
    res = spin_units(["He saw a fire and an old house."], random.Random(0), lx, count=3)
    out = apply("He saw a fire and an old house.", res.substitutions[0])
    for art, word in zip(out.split()[:-1], out.split()[1:], strict=True):
        if art in ("a", "an") and word[0] in "aeio":
            assert art == "an", out


def test_the_wild_thesaurus_does_not_depend_on_the_hash_seed() -> None:
    """WordNet hands related synsets over in hash order; the wild spinner must not, or the
    benchmark's wild-spun copies change from one build of the data set to the next."""
    import os
    import subprocess
    import sys

    code = ("from wiretrace.bench.derive import default_lexicon\n"
            "from wiretrace.bench.spin import thesaurus\n"
            "lx = default_lexicon()\n"
            "print([thesaurus(lx, w, p) for w, p in (('party', 'n'), ('street', 'n'), "
            "('dead', 'a'), ('new', 'a'), ('official', 'n'))])\n")
    outs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True)
        outs.add(run.stdout)
    assert len(outs) == 1
