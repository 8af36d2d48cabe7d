"""The Clough & Stevenson reader and run: categories, encodings, bad rows, and a traced
answer scored against its own task's source."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.bench.clough import CloughError, load, render, run_clough
from wiretrace.bench.paths import default_data_dir

SHARED = default_data_dir() / "clough-stevenson"


def test_the_shared_corpus_loads_with_its_categories() -> None:
    sources, answers = load(SHARED)
    assert sorted(sources) == list("abcde")
    counts = {c: sum(a.category == c for a in answers) for c in ("cut", "light", "heavy", "non")}
    assert counts == {"cut": 19, "light": 19, "heavy": 19, "non": 38}
    assert all(a.text.strip() for a in answers)


SOURCE = (
    "A lighthouse keeper tended the lamp and the clockwork that turned it, wound the weights "
    "every few hours through the night and trimmed the wick so that the flame burned clean. "
    "Keepers also kept a log of passing ships, the weather and any wreck they saw, and many "
    "rowed out to help sailors in trouble. Most lights were automated during the twentieth "
    "century, and the last keepers left their towers when electric lamps and remote "
    "monitoring made the work unnecessary."
)
COPY = ("Keepers also kept a log of passing ships, the weather and any wreck they saw, and many "
        "rowed out to help sailors in trouble. Most lights were automated during the twentieth "
        "century, and the last keepers left their towers when electric lamps and remote "
        "monitoring made the work unnecessary.")
OWN = ("My grandmother grew up near the harbour and remembers the beam sweeping over the "
       "bay at night. She says fishermen trusted it more than any chart, and that the town "
       "held a dance the year the tower was painted red and white.")


def _corpus(tmp: Path, rows: str) -> Path:
    folder = tmp / "cs"
    folder.mkdir()
    (folder / "orig_taska.txt").write_text(SOURCE)
    (folder / "g0_taska.txt").write_text(COPY)
    # a file saved in Windows-1252, as a few answers of the corpus were
    (folder / "g1_taska.txt").write_bytes((OWN + " \u2018Caf\u00e9\u2019").encode("cp1252"))
    (folder / "file_information.csv").write_text(rows)
    return folder


def test_a_cut_answer_is_traced_to_its_source_and_a_non_answer_to_none(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, "File,Task,Category\norig_taska.txt,a,orig\n"
                               "g0_taska.txt,a,cut\ng1_taska.txt,a,non\n")
    _sources, answers = load(folder)
    assert answers[1].text.endswith("\u2018Caf\u00e9\u2019")
    res = run_clough(folder, distractors=20)
    by_file = {r["file"]: r for r in res["rows"]}
    assert by_file["g0_taska.txt"]["found"] and not by_file["g0_taska.txt"]["false"]
    assert by_file["g0_taska.txt"]["shared_run"] >= 40
    assert not by_file["g1_taska.txt"]["false"]
    md = render(res)
    assert "| cut | 1 | 1 of 1 (100%) | 0 of 1 (0%) |" in md


def test_an_unknown_category_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, "File,Task,Category\ng0_taska.txt,a,copied\n")
    with pytest.raises(CloughError, match="file_information.csv:2: unknown category 'copied'"):
        load(folder)
    with pytest.raises(CloughError, match="no file_information.csv"):
        load(tmp_path)
