"""Verbatim republications are pages of their own (issue 12): the same text at another URL
is stored once and listed by every trace and story that meets it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from wiretrace.cli import main
from wiretrace.data import Article
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace
from wiretrace.story import StoryConfig, build_stories

pytestmark = pytest.mark.usefixtures("one_model_load")


@pytest.fixture(scope="module")
def original() -> Article:
    src = next(d for d in load_jsonl(CORPUS / "originals.jsonl") if d["role"] == "wire_original")
    return replace(to_article(src), published="2024-03-01T08:00:00Z")


def _pages(original: Article) -> list[Article]:
    """The original, then its text at two other addresses, one dated later, one undated."""
    return [
        original,
        replace(original, id="url:licensee", url="https://licensee.example/a",
                site="licensee.example", published="2024-03-02T10:00:00Z", meta={}),
        replace(original, id="url:farm", url="https://farm.example/b", site="farm.example",
                published=None, meta={}),
    ]


@pytest.fixture()
def engine(tmp_path: Path, original: Article) -> Wiretrace:
    wt = Wiretrace(tmp_path / "store")
    stats = wt.add(_pages(original))
    assert (stats.ingested, stats.republications, stats.duplicates) == (1, 2, 0)
    return wt


def test_a_republication_is_a_page_sharing_the_stored_text(engine: Wiretrace,
                                                           original: Article) -> None:
    page = engine.store.get("url:licensee")
    assert page is not None
    assert (page.url, page.site, page.published) == (
        "https://licensee.example/a", "licensee.example", "2024-03-02T10:00:00Z")
    stored = engine.store.get(original.id)
    assert stored is not None and page.text == stored.text
    assert len(page.passages) == len(stored.passages) > 0
    assert page.meta["same_text_as"] == original.id
    assert len(engine.store) == 1  # one text
    assert engine.store.n_passages() == len(stored.passages)  # stored once


def test_a_trace_of_the_original_lists_every_republisher(engine: Wiretrace,
                                                         original: Article) -> None:
    stored = engine.store.get(original.id)
    assert stored is not None
    result = engine.trace(stored)
    by_id = {r.source_id: r for r in result.relations}
    assert {"url:licensee", "url:farm"} <= by_id.keys()
    assert by_id["url:licensee"].kind == "verbatim"
    assert by_id["url:licensee"].direction == "query_is_source"  # the licensee is later
    assert by_id["url:farm"].direction == "unknown"  # no date: who was first is unknown


def test_a_copy_is_traced_to_the_source_and_its_twins(engine: Wiretrace,
                                                      original: Article) -> None:
    paras = original.text.split("\n\n")
    copy = Article(id="copy", text="\n\n".join(paras[:1] + paras[2:]))
    result = engine.trace(copy)
    derived = {r.source_id: r for r in result.sources}
    assert {original.id, "url:licensee", "url:farm"} <= derived.keys()
    assert derived["url:farm"].kind == derived[original.id].kind
    assert derived["url:farm"].features["same_text_as"] == original.id


def test_stories_hold_the_republications(engine: Wiretrace, original: Article) -> None:
    index = build_stories(engine, StoryConfig())
    story = next(s for s in index.stories if original.id in s.members)
    assert {"url:licensee", "url:farm"} <= set(story.members)
    edges = {(e.source, e.target) for e in story.edges}
    assert (original.id, "url:licensee") in edges  # dated: the original first


def test_cli_ingest_counts_republications(tmp_path: Path, original: Article) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    lines = [json.dumps({"id": p.id, "url": p.url, "title": p.title, "text": p.text,
                         "published": p.published}) for p in _pages(original)]
    (inbox / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["ingest", "--store", str(tmp_path / "store"),
                                  str(inbox / "pages.jsonl")])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert (summary["ingested"], summary["republications"]) == (1, 2)


def test_excluding_a_republication_hides_that_page_only(engine: Wiretrace,
                                                        original: Article) -> None:
    """An excluded id hides that page, not the article whose text it shares (the benchmark
    hides other scenarios' pages this way; the source once vanished with them)."""
    paras = original.text.split("\n\n")
    copy = Article(id="copy", text="\n\n".join(paras[:1] + paras[2:]))
    derived = {r.source_id for r in engine.trace(copy, exclude_ids=["url:farm"]).sources}
    assert original.id in derived and "url:licensee" in derived
    assert "url:farm" not in derived
