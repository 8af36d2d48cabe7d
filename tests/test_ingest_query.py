"""``wiretrace.ingest.query``: the one article to trace or inspect, read the same way from a
file, stdin, an upload or pasted text; bad input is a ``QueryError`` naming the input."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest

from wiretrace.data import Article
from wiretrace.ingest.query import (
    QueryError,
    query_from_bytes,
    query_from_path,
    query_from_store,
)

BODY = ("Dockworkers at the port walked off the job on Tuesday, starting a 48-hour strike over "
        "automation that left at least 27 vessels waiting at anchor. The union said about "
        "3,400 of its members had joined the stoppage.")
PAGE = ("<!doctype html><html><head><title>Port strike</title>"
        '<link rel="alternate" hreflang="es" href="https://example.com/es/x"></head><body>'
        f"<nav>Home | World</nav><article><h1>Port strike</h1><p>{BODY}</p>"
        f"<p>{BODY}</p></article></body></html>")


def test_pasted_text_and_the_same_file_give_the_same_article(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(BODY, encoding="utf-8")
    from_file = query_from_path(path)
    pasted = query_from_bytes(BODY.encode(), "<pasted text>")
    assert pasted.article.text == from_file.article.text == BODY
    assert pasted.raw_html is None and pasted.name == "<pasted text>"


def test_an_html_upload_keeps_its_raw_page_and_compressed_uploads_are_read() -> None:
    q = query_from_bytes(PAGE.encode(), "page.html")
    assert q.article.title == "Port strike" and "48-hour strike" in q.article.text
    assert q.raw_html == PAGE  # inspect looks for hreflang and translator widgets here
    z = query_from_bytes(gzip.compress(PAGE.encode()), "page.html.gz")
    assert z.article.text == q.article.text


def test_bad_input_names_the_input_not_a_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match=r"^upload\.bin: .*binary") as e:
        query_from_bytes(b"\x00\x01\x02" * 50, "upload.bin")
    assert "wiretrace-query-" not in str(e.value)
    with pytest.raises(QueryError, match="empty"):
        query_from_bytes(b"", "<pasted text>")
    with pytest.raises(QueryError, match="a folder"):
        query_from_path(tmp_path)
    with pytest.raises(QueryError, match="no such file"):
        query_from_path(tmp_path / "missing.txt")


def test_stdin_is_read_once_as_a_file_would_be(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PAGE.encode())))
    q = query_from_path("-")
    assert q.name == "<stdin>" and q.raw_html == PAGE


def test_stored_article_by_id() -> None:
    art = Article(id="a1", text=BODY)
    assert query_from_store({"a1": art}, "a1").article is art
    with pytest.raises(QueryError, match="^nope: not an article id"):
        query_from_store({"a1": art}, "nope")
