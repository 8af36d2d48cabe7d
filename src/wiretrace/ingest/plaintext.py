"""Plain text (and text flattened from a page) -> ``Article``.

Flattened pages are what scrapers republish: the body with the site's chrome still in it,
one block per line. The work is in ``ingest.boilerplate``; this module adds decoding and
the shared finishing rules.
"""

from __future__ import annotations

import re
from typing import Any

from ..data import Article, ReadResult
from ._common import bytes_to_text, clean_text, failed, finish, note_decoding
from .boilerplate import PageParts, split_page
from .options import IngestOptions

__all__ = ["page_article", "read_text"]

_MD_HEADING = re.compile(r"(?m)^#{1,6}[ \t]+")


def read_text(
    data: bytes | str,
    *,
    source: str = "<text>",
    url: str | None = None,
    title: str | None = None,
    published: str | None = None,
    lines_are_paragraphs: bool = False,
    meta: dict[str, Any] | None = None,
    options: IngestOptions | None = None,
    charset: str | None = None,
) -> ReadResult:
    """One plain-text document -> an ``ok`` result with its article, or a failed one.

    Without a ``title`` the text is treated as a flattened page: the title, section labels,
    captions, share bars and trailing source lines are taken out (see
    :func:`~wiretrace.ingest.boilerplate.split_page`). ``lines_are_paragraphs`` is for text
    with one block per line and no blank lines (Common Crawl WET records): each line becomes
    a paragraph. ``charset`` is a declared encoding (an HTTP header's), tried after a BOM and
    UTF-16/32 detection.
    """
    options = options or IngestOptions()
    meta = dict(meta or {})
    if isinstance(data, bytes):
        decoded = bytes_to_text(data, source=source, options=options, declared=charset)
        if isinstance(decoded, ReadResult):
            return decoded
        raw = decoded.text
        note_decoding(meta, decoded)
    else:
        raw = data
    text = clean_text(_MD_HEADING.sub("", raw))
    if not text:
        return failed(source, "empty", f"{source}: only whitespace")
    if lines_are_paragraphs:
        text = "\n\n".join(line for line in text.split("\n") if line)
    if options.strip_boilerplate:
        parts = split_page(text, find_title=title is None)
    else:
        parts = PageParts(text=text)
    article = Article(
        id="",
        text=parts.text,
        url=url,
        title=title or parts.title,
        published=published,
        byline=parts.byline,
        boilerplate=parts.boilerplate,
        declared_sources=parts.declared_sources,
        meta=meta,
    )
    return finish(article, source=source, options=options, labels=[lab for lab, _ in parts.labels])


def page_article(
    text: str,
    *,
    id: str,
    url: str | None = None,
    title: str | None = None,
    published: str | None = None,
) -> Article:
    """Flattened page text -> a cleaned article with the given id, as a user's file would
    come out of ``read_text`` (chrome into ``boilerplate``, credits and declared sources
    detected). Falls back to the raw text when the reader finds no article in it."""
    res = read_text(text, source=id, url=url, title=title, published=published)
    art = res.article or Article(id=id, text=text, url=url, title=title, published=published)
    art.id = id
    art.cleaned = True  # as clean as the reader could make it
    return art
