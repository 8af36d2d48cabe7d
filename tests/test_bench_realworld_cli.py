"""`wiretrace bench --split realworld`: the real-world table from a labels folder and a
folder of page texts, through the same runner as bench/realworld_eval.py."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from wiretrace.bench.realworld import page_key
from wiretrace.cli import main

WIRE = (
    "Flood waters cut the coastal rail line between Harbourton and Millbridge on Tuesday, "
    "stranding about 400 passengers overnight, the regional transport authority said.\n\n"
    "Engineers expected the line to stay closed until at least Friday while crews pumped "
    "water from two tunnels and checked a bridge that the river had undermined.\n\n"
    "Buses replaced trains on the route, and the authority urged travellers to allow an "
    "extra hour for journeys along the coast until repairs were complete.\n\n"
    "The storm dropped more than 180 millimetres of rain on the district in a single day, "
    "the heaviest fall since records began in 1921, the weather office said."
)
OTHER = (
    "A new library opened in the old grain exchange at Kestrel Point on Saturday after a "
    "four-year restoration paid for by a local charity and the town council.\n\n"
    "The building holds 60,000 books, a children's reading room and a small museum of the "
    "port's trading history, its director told reporters at the opening.\n\n"
    "Volunteers spent two summers cataloguing donations from residents, and the council "
    "said it would keep the doors open seven days a week."
)


def _setup(tmp: Path) -> tuple[Path, Path]:
    labels, pages = tmp / "labels", tmp / "pages"
    labels.mkdir()
    pages.mkdir()
    rows = [
        {"cluster": "c1", "url": "https://wire.example/flood", "family": "wire",
         "label": "original"},
        {"cluster": "c1", "url": "https://copy.example/flood", "family": "wire",
         "label": "republication", "derives_from": "https://wire.example/flood"},
        {"cluster": "c1", "url": "https://other.example/library", "family": "ind-x",
         "label": "independent"},
    ]
    (labels / "c1.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    texts = {rows[0]["url"]: WIRE, rows[1]["url"]: "Rail line cut by floods\n\n" + WIRE,
             rows[2]["url"]: OTHER}
    for url, text in texts.items():
        (pages / f"{page_key(url)}.txt").write_text(text)
    return labels, pages


def test_bench_realworld_prints_the_table_and_writes_the_results(tmp_path: Path) -> None:
    labels, pages = _setup(tmp_path)
    out = tmp_path / "results"
    r = CliRunner().invoke(main, ["bench", "--split", "realworld", "--realworld-split", "all",
                                  "--pages", str(pages), "--labels", str(labels),
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "# Real pages — all split" in r.output
    row = next(ln for ln in r.output.splitlines() if ln.startswith("| wiretrace |"))
    # one derived page, its source found, no false source
    assert row.split("|")[2:5] == [" 1 ", " 1.0 ", " 1.0 "]
    res = json.loads((out / "realworld_all.json").read_text())
    assert res["systems"]["wiretrace"]["false_source_pages"] == 0
    assert "no synthetic results" in r.output  # nothing to print beside it in a new folder
    # beside the last synthetic run's detection table, when the folder holds one
    (out / "test.md").write_text("# wiretrace benchmark\n\n## Detection recall\n\n"
                                 "| system | verbatim |\n|---|---|\n| wiretrace | 0.983 |\n\n"
                                 "## Ranking\n\n| x |\n")
    r = CliRunner().invoke(main, ["bench", "--split", "realworld", "--realworld-split", "all",
                                  "--pages", str(pages), "--labels", str(labels),
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    synthetic = r.output.split("# Synthetic copies")[1]
    assert "| wiretrace | 0.983 |" in synthetic and "Ranking" not in synthetic


def test_bench_realworld_names_a_missing_pages_folder(tmp_path: Path) -> None:
    labels, _pages = _setup(tmp_path)
    r = CliRunner().invoke(main, ["bench", "--split", "realworld", "--pages",
                                  str(tmp_path / "nowhere"), "--labels", str(labels),
                                  "--out", str(tmp_path / "results")])
    assert r.exit_code == 2
    assert "nowhere: not a folder" in r.output


def test_bench_realworld_names_a_bad_label_line(tmp_path: Path) -> None:
    labels, pages = _setup(tmp_path)
    (labels / "c2.jsonl").write_text('{"cluster": "c2", "url": "u", "family": "f", '
                                     '"label": "borrowed"}\n')
    r = CliRunner().invoke(main, ["bench", "--split", "realworld", "--pages", str(pages),
                                  "--labels", str(labels), "--out", str(tmp_path / "r")])
    assert r.exit_code == 2
    assert "c2.jsonl:1: unknown label 'borrowed'" in r.output


def test_bench_realworld_says_why_each_missed_page_was_missed(tmp_path: Path) -> None:
    labels, pages = _setup(tmp_path)
    # a page labelled a copy of the wire story whose text shares no passage with it
    row = {"cluster": "c1", "url": "https://farm.example/flood", "family": "wire",
           "label": "spun", "derives_from": "https://wire.example/flood"}
    with (labels / "c1.jsonl").open("a") as fh:
        fh.write(json.dumps(row) + "\n")
    (pages / f"{page_key(row['url'])}.txt").write_text(
        "Choir wins regional prize\n\nThe Millbridge youth choir won first prize at the "
        "regional festival on Sunday with a programme of sea shanties and hymns.\n\nIts "
        "conductor said the singers had rehearsed twice a week since January.")
    out = tmp_path / "results"
    r = CliRunner().invoke(main, ["bench", "--split", "realworld", "--realworld-split", "all",
                                  "--pages", str(pages), "--labels", str(labels),
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    w = json.loads((out / "realworld_all.json").read_text())["systems"]["wiretrace"]
    assert w["miss_causes"]["no strong pair with its family"] == 1
    assert sum(w["miss_causes"].values()) == 1
    missed = [e for e in w["errors"] if e["error"] == "missed"]
    assert [e["cause"] for e in missed] == ["no strong pair with its family"]
    assert "Why missed" in r.output


def test_realworld_ceiling_refuses_results_it_cannot_read(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "bench" / "realworld_ceiling.py"
    r = subprocess.run([sys.executable, str(script), "--splits", "dev", "--results",
                        str(tmp_path), "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "realworld_dev.json" in r.stderr and "realworld_eval.py" in r.stderr
    # results made before misses carried their evidence are named as such
    (tmp_path / "realworld_dev.json").write_text(json.dumps({"systems": {"wiretrace": {
        "errors": [{"error": "missed", "url": "u", "label": "spun"}]}}}))
    r = subprocess.run([sys.executable, str(script), "--splits", "dev", "--results",
                        str(tmp_path), "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "again" in r.stderr
