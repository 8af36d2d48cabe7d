"""The ``wiretrace`` command as a user drives it: a folder of mixed files is ingested with
every bad file named and counted, a second run stores nothing new, a chrome-wrapped copy is
traced (from a file or stdin) to its source, bad input and a missing store get their
documented exit codes (3 and 4) and a message on stderr, and search finds stored articles.

One store is built per module from the shipped demo originals, split over a JSONL file, a
plain-text page and an HTML page, so every reader the CLI dispatches to takes part. Each
command builds its own ``Wiretrace``, which would load the embedding model again (seconds
each); the session's ``Fingerprinter`` is handed to all of them instead.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wiretrace.cli import EXIT_INPUT, EXIT_STORE, main
from wiretrace.data import DERIVED_KINDS
from wiretrace.demo import CORPUS, load_jsonl

TXT_ID = "cnw-bruges-astrolabe-theft"  # goes into story.txt, not the JSONL file
HTML_ID = "cnw-skyvale-refund-fine"  # goes into page.html
SOURCE_ID = "meridian-rotterdam-port-strike"  # the article the copies are made from


@dataclass(slots=True)
class Ingested:
    store: Path
    inbox: Path
    jsonl_ids: list[str]
    first: Result
    second: Result


def _page_html(d: dict) -> str:
    title = html.escape(d["title"])
    paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in d["text"].split("\n\n"))
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>\n{paras}\n</article>"
        "</body></html>"
    )


def _invoke(args: list[str], stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, args, input=stdin)


pytestmark = pytest.mark.usefixtures("one_model_load")


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    return {d["id"]: d for d in load_jsonl(CORPUS / "originals.jsonl")}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, corpus: dict[str, dict]) -> Ingested:
    root = tmp_path_factory.mktemp("cli")
    inbox = root / "inbox"
    inbox.mkdir()
    jsonl_ids = [i for i in corpus if i not in (TXT_ID, HTML_ID)]
    (inbox / "feed.jsonl").write_text(
        "".join(json.dumps(corpus[i]) + "\n" for i in jsonl_ids), encoding="utf-8"
    )
    txt = corpus[TXT_ID]
    (inbox / "story.txt").write_text(txt["title"] + "\n\n" + txt["text"], encoding="utf-8")
    (inbox / "page.html").write_text(_page_html(corpus[HTML_ID]), encoding="utf-8")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "image.bin").write_bytes(bytes(range(256)) * 8)  # NUL and control bytes
    store = root / "store"
    first = _invoke(["ingest", "--store", str(store), str(inbox)])
    second = _invoke(["ingest", "--store", str(store), str(inbox)])
    return Ingested(store, inbox, jsonl_ids, first, second)


@pytest.fixture(scope="module")
def copy_text(corpus: dict[str, dict]) -> str:
    """The source's body, wire credit cut, wrapped in a site's share bar and footer."""
    body = corpus[SOURCE_ID]["text"].split(" - ", 1)[1]
    return "Share this\nWorld\n\n" + body + "\n\nRelated stories\nBack to top\n"


def _summary(result: Result) -> dict:
    assert result.exit_code == 0, (result.output, result.exception)
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout  # one JSON summary on stdout, nothing else
    return json.loads(lines[0])


def test_ingest_counts_good_and_bad_files_and_names_the_bad_ones(ingested: Ingested) -> None:
    s = _summary(ingested.first)
    # every JSONL record, the text page and the HTML page; the two bad files are skipped
    assert s["ingested"] == len(ingested.jsonl_ids) + 2
    assert s["duplicates"] == 0
    assert s["failed"] == {"empty": 1, "binary": 1}
    assert s["articles_in_store"] == s["ingested"]
    assert s["passages"] > s["ingested"]  # several sentences per article
    err = ingested.first.stderr
    skipped = [line for line in err.splitlines() if "skipped:" in line]
    assert len(skipped) == 2, err
    assert any("empty.txt" in line and "empty" in line for line in skipped), err
    assert any("image.bin" in line and "binary" in line for line in skipped), err
    assert not any(n in err for n in ("feed.jsonl", "story.txt", "page.html")), err


def test_reingest_stores_nothing_new(ingested: Ingested) -> None:
    first, second = _summary(ingested.first), _summary(ingested.second)
    assert second["ingested"] == 0
    assert second["duplicates"] == first["ingested"]
    assert second["passages"] == 0
    assert second["articles_in_store"] == first["articles_in_store"]
    assert second["failed"] == first["failed"]  # bad files are still reported, not hidden


def test_ingest_from_stdin_of_a_stored_page_is_a_duplicate(ingested: Ingested) -> None:
    page = (ingested.inbox / "story.txt").read_text(encoding="utf-8")
    s = _summary(_invoke(["ingest", "--store", str(ingested.store), "-"], stdin=page))
    assert (s["ingested"], s["duplicates"], s["failed"]) == (0, 1, {})


def test_ingest_of_a_missing_path_fails_before_creating_a_store(tmp_path: Path) -> None:
    store, missing = tmp_path / "store", tmp_path / "nope"
    result = _invoke(["ingest", "--store", str(store), str(missing)])
    assert result.exit_code == EXIT_INPUT
    assert str(missing) in result.stderr
    assert not store.exists()


def test_ingest_where_nothing_is_readable_exits_3_after_its_summary(ingested: Ingested,
                                                                   tmp_path: Path) -> None:
    result = _invoke(["ingest", "--store", str(tmp_path / "store"),
                      str(ingested.inbox / "empty.txt"), str(ingested.inbox / "image.bin")])
    assert result.exit_code == EXIT_INPUT
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["failed"] == {"empty": 1, "binary": 1}
    assert "no article could be read" in result.stderr


def test_trace_json_names_the_source(ingested: Ingested, copy_text: str,
                                     tmp_path: Path) -> None:
    path = tmp_path / "copy.txt"
    path.write_text(copy_text, encoding="utf-8")
    result = _invoke(["trace", "--store", str(ingested.store), "--format", "json", str(path)])
    assert result.exit_code == 0, (result.output, result.exception)
    report = json.loads(result.stdout)
    assert report["schema"] == "wiretrace.trace/1"
    assert report["sources"], report["verdict"]
    top = report["sources"][0]
    assert top["source"]["id"] == SOURCE_ID
    assert top["kind"] in DERIVED_KINDS and top["derived"] is True
    assert SOURCE_ID in report["verdict"]
    # the chrome lines were cut before tracing, not aligned as text
    assert "Back to top" not in report["article"]["text"]
    # every other stored article is judged, none of them called a source
    assert all(not o["derived"] for o in report["others"])
    assert SOURCE_ID not in {o["source"]["id"] for o in report["others"]}


def test_trace_reads_stdin_and_writes_the_report_to_a_file(ingested: Ingested, copy_text: str,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = _invoke(
        ["trace", "--store", str(ingested.store), "--format", "json", "-o", str(out), "-"],
        stdin=copy_text,
    )
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.stdout == ""  # the report went to the file
    assert str(out) in result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [s["source"]["id"] for s in report["sources"]][:1] == [SOURCE_ID]


def test_trace_text_format_states_the_verdict(ingested: Ingested, copy_text: str) -> None:
    result = _invoke(["trace", "--store", str(ingested.store), "-"], stdin=copy_text)
    assert result.exit_code == 0, (result.output, result.exception)
    verdict = next(line for line in result.stdout.splitlines() if line.startswith("verdict"))
    assert f"copy of {SOURCE_ID}" in verdict


def test_trace_a_stored_id_excludes_itself(ingested: Ingested) -> None:
    result = _invoke(["trace", "--store", str(ingested.store), "--format", "json", SOURCE_ID])
    assert result.exit_code == 0, (result.output, result.exception)
    report = json.loads(result.stdout)
    assert report["article"]["id"] == SOURCE_ID
    ids = {r["source"]["id"] for r in report["sources"] + report["others"]}
    assert SOURCE_ID not in ids
    assert not report["sources"]  # the store holds no copy of it, only independent reports


def test_trace_missing_file_is_bad_input(ingested: Ingested, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = _invoke(["trace", "--store", str(ingested.store), str(missing)])
    assert result.exit_code == EXIT_INPUT == 3
    assert result.stdout == ""
    assert str(missing) in result.stderr
    assert "neither a file nor an article id" in result.stderr


def test_trace_unknown_id_is_bad_input(ingested: Ingested) -> None:
    result = _invoke(["trace", "--store", str(ingested.store), "no-such-article"])
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.startswith("wiretrace: no-such-article:")


@pytest.mark.parametrize(("name", "reason"), [("empty.txt", "empty"), ("image.bin", "binary")])
def test_trace_a_file_with_no_article_is_bad_input(ingested: Ingested, name: str,
                                                   reason: str) -> None:
    path = ingested.inbox / name
    result = _invoke(["trace", "--store", str(ingested.store), str(path)])
    assert result.exit_code == EXIT_INPUT
    assert str(path) in result.stderr and reason in result.stderr
    assert result.stdout == ""


def test_trace_without_a_store_is_a_store_problem(tmp_path: Path, copy_text: str) -> None:
    path = tmp_path / "copy.txt"
    path.write_text(copy_text, encoding="utf-8")
    store = tmp_path / "no-store-here"
    result = _invoke(["trace", "--store", str(store), str(path)])
    assert result.exit_code == EXIT_STORE == 4
    assert "wiretrace ingest" in result.stderr  # says how to make one
    assert not store.exists()  # trace never creates a store


def test_bad_usage_exits_2(ingested: Ingested) -> None:
    assert _invoke(["trace", "--store", str(ingested.store)]).exit_code == 2  # no ARTICLE
    assert _invoke(["search", "--no-such-option", "x"]).exit_code == 2
    bad = _invoke(["trace", "--store", str(ingested.store), "--format", "xml", SOURCE_ID])
    assert bad.exit_code == 2


def _search(store: Path, *args: str) -> list[dict]:
    result = _invoke(["search", "--store", str(store), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_search_finds_articles_from_every_reader(ingested: Ingested,
                                                 corpus: dict[str, dict]) -> None:
    # "Halvorsen" occurs only in the Halvorsen results story (a JSONL record)
    hits = _search(ingested.store, "Halvorsen")
    assert [h["id"] for h in hits] == ["northwire-halvorsen-q2-results"]
    assert "[Halvorsen]" in hits[0]["snippet"]  # the match is marked in the snippet
    # the text page and the HTML page got ids from their content; find them by title
    for word, source in (("astrolabe", TXT_ID), ("Skyvale", HTML_ID)):
        hits = _search(ingested.store, word)
        assert [h["title"] for h in hits] == [corpus[source]["title"]], word


def test_search_filters_and_misses(ingested: Ingested) -> None:
    assert _search(ingested.store, "zyxwvut") == []
    halvorsen = ["northwire-halvorsen-q2-results"]  # Northwire, published 2026-07-22
    site, other = "Northwire News Agency", "Meridian Press"
    assert [h["id"] for h in _search(ingested.store, "Halvorsen", "--site", site)] == halvorsen
    assert _search(ingested.store, "Halvorsen", "--site", other) == []
    assert [h["id"] for h in _search(ingested.store, "Halvorsen", "--since", "2026-07-22")
            ] == halvorsen
    assert _search(ingested.store, "Halvorsen", "--since", "2026-07-23") == []
    assert _search(ingested.store, "Halvorsen", "--until", "2000-01-01") == []
    strike = _search(ingested.store, "dockworkers", "--limit", "1")
    assert len(strike) == 1


def test_search_without_a_store_is_a_store_problem(tmp_path: Path) -> None:
    result = _invoke(["search", "--store", str(tmp_path / "none"), "word"])
    assert result.exit_code == EXIT_STORE
