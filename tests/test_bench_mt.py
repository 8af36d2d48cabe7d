"""Apertium wrapper: real round trips, unit counts kept, clear error when Apertium is missing."""

from __future__ import annotations

import pytest

from wiretrace.bench import mt
from wiretrace.bench.derive import check, derive
from wiretrace.bench.sources import article_from_sentences


def test_round_trip_of_two_sentences_returns_two() -> None:
    units = [
        "The meeting was held in Geneva on Tuesday.",
        "Officials said the talks would continue next week.",
    ]
    out = mt.round_trip(units)
    assert len(out) == 2 and all(out)
    assert out != units  # a round trip rewrites word choice
    assert "Geneva" in out[0]


def test_translate_keeps_empty_units_and_inner_breaks() -> None:
    out = mt.translate(["The house is big.", "", "The dog\n\nis old."], "eng-spa")
    assert len(out) == 3 and out[1] == "" and out[0] and out[2]
    assert mt.MARKER not in " ".join(out)


def test_mismatched_batches_are_redone_until_counts_match(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def flaky(text: str, mode: str, timeout: float) -> str:
        parts = text.split(f"\n\n{mt.MARKER}\n\n")
        calls.append(len(parts))
        if len(parts) > 2:  # swallow a separator whenever a batch holds more than two units
            parts = [parts[0] + " " + parts[1], *parts[2:]]
        return f"\n\n{mt.MARKER}\n\n".join(p.upper() for p in parts)

    monkeypatch.setattr(mt, "_run", flaky)
    monkeypatch.setattr(mt, "check_mode", lambda mode: None)
    units = [f"sentence {i}." for i in range(9)]
    assert mt.translate(units, "eng-spa") == [u.upper() for u in units]
    assert calls[0] == 9 and len(calls) < 2 * len(units)


def test_missing_apertium_says_how_to_install(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(mt.shutil, "which", lambda name: None)
    with pytest.raises(mt.ApertiumMissing, match="apt-get install apertium apertium-eng-spa"):
        mt.translate(["Hello."], "eng-spa")
    with pytest.raises(mt.ApertiumMissing, match="install_bench_deps.sh"):
        mt.round_trip(["Hello."])


def test_unknown_mode_is_reported() -> None:
    with pytest.raises(mt.ApertiumMissing, match="eng-xxx"):
        mt.translate(["Hello."], "eng-xxx")


def test_translation_cache_calls_apertium_once_per_direction() -> None:
    seen: list[tuple[int, str]] = []

    def fake(units, mode):  # type: ignore[no-untyped-def]
        seen.append((len(units), mode))
        return [f"<{mode}>{u}" for u in units]

    cache = mt.TranslationCache(fake)
    cache.prefetch(["a b.", "c d.", "a b."], "eng-spa")
    assert cache(["c d.", "a b."], "eng-spa") == ["<eng-spa>c d.", "<eng-spa>a b."]
    assert seen == [(2, "eng-spa")]


def test_machine_translated_copy_with_real_apertium() -> None:
    src = article_from_sentences(
        "mt-1",
        [
            "Police arrested a man in Boston on Friday.",
            "He was charged with robbery and will appear in court on Monday.",
            "The store owner said nobody was hurt.",
            "Officers recovered 2,000 dollars in cash.",
        ],
        title="Boston man arrested after robbery",
    )
    d = derive(src, "machine_translated", 0)
    assert check(d, src) == []
    assert d.sentence_map == [[0], [1], [2], [3]]
    assert "Boston" in d.copy.text and d.copy.text != src.text
    es = derive(src, "translated", 0)
    assert es.copy.language == "es" and "Boston" in es.copy.text
