"""One article to trace or inspect, from a file, stdin, uploaded or pasted bytes, or the store.

The CLI (``trace``, ``inspect``) and the web app (paste box, upload, API) all read their
query article here, so a page pasted into the browser is read exactly as the same page
given to ``wiretrace trace -``: format sniffed, chrome stripped, credits found.

>>> q = query_from_bytes(b"ROTTERDAM (Meridian) - ...", "pasted.txt")  # doctest: +SKIP
>>> q.article.text, q.raw_html                                          # doctest: +SKIP

Errors are :class:`QueryError` with a message that names the input and says what is wrong;
the caller turns it into an exit code (CLI) or a 422 (web).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from wiretrace.data import Article
from wiretrace.ingest import read_path, sniff_format
from wiretrace.ingest.options import IngestOptions

__all__ = ["Query", "QueryError", "query_from_bytes", "query_from_path", "query_from_store"]

_HEAD = 64 * 1024


class QueryError(ValueError):
    """The input holds no article we can read; the message names the input and the reason."""


class _Articles(Protocol):
    def get(self, article_id: str) -> Article | None: ...


@dataclass(slots=True)
class Query:
    """The article, the raw page when the input was HTML (``inspect`` looks for translator
    widgets there, not in the extracted text), and a display name for messages."""

    article: Article
    raw_html: str | None
    name: str


def _from_file(path: Path, name: str, options: IngestOptions | None) -> Query:
    res = next(read_path(path, options=options), None)
    if res is None or res.status != "ok" or res.article is None:
        detail = (res.detail or f"{name}: {res.reason}") if res else f"{name}: no article in it"
        raise QueryError(detail.replace(str(path), name))
    raw_html = None
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    if sniff_format(head, name) == "html":
        raw_html = path.read_bytes().decode(res.article.meta.get("encoding") or "utf-8",
                                            errors="replace")
    return Query(res.article, raw_html, name)


def query_from_path(path: str | os.PathLike[str], *,
                    options: IngestOptions | None = None) -> Query:
    """The first article in a file (any format ``ingest`` reads), or ``"-"`` for stdin."""
    if str(path) == "-":
        return query_from_bytes(sys.stdin.buffer.read(), "<stdin>", options=options)
    p = Path(path)
    if p.is_dir():
        raise QueryError(f"{p}: a folder; give one article (a file, '-' or an id)")
    if not p.exists():
        raise QueryError(f"{p}: no such file")
    return _from_file(p, str(p), options)


def query_from_bytes(data: bytes, name: str = "<text>", *,
                     options: IngestOptions | None = None) -> Query:
    """An uploaded file or pasted text. ``name`` (an upload's file name) is the format hint
    and the name in messages. The bytes are spooled to a temporary file so compressed
    uploads and WARC records are read exactly as files are."""
    suffix = "".join(Path(name).suffixes[-2:]) if not name.startswith("<") else ""
    suffix = "".join(c for c in suffix if c.isalnum() or c == ".")[:16]
    fd, tmp = tempfile.mkstemp(prefix="wiretrace-query-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return _from_file(Path(tmp), name, options)
    finally:
        Path(tmp).unlink(missing_ok=True)


def query_from_store(store: _Articles, article_id: str) -> Query:
    """A stored article by id."""
    art = store.get(article_id)
    if art is None:
        raise QueryError(f"{article_id}: not an article id in the store")
    return Query(art, None, article_id)
