"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds -> one ``ReadResult`` per item.

Parsed with the standard library's ElementTree after refusing any DOCTYPE or ENTITY
declaration: feeds come from strangers, and entity expansion ("billion laughs") and
external entities are the classic XML attacks; a real feed never needs either. HTML named
entities that feeds use without declaring (``&nbsp;``) are rewritten as numeric references
first, so sloppy feeds still parse.
"""

from __future__ import annotations

import html.entities
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree

from ..data import Article, ReadResult
from ._common import bytes_to_text, clean_text, failed, finish, iso_date
from .boilerplate import PageParts, split_page
from .html import trim_attributes
from .options import IngestOptions

__all__ = ["html_to_text", "read_feed"]

_UNSAFE = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""")
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_BLOCK = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article figure "
    "figcaption header footer aside dl dt dd hr".split()
)
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object"})
_CONTENT_ORDER = ("encoded", "content", "description", "summary")
_DATE_ORDER = ("pubDate", "published", "issued", "date", "updated", "modified")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name in _XML_ENTITIES or name not in html.entities.name2codepoint:
        return m.group(0)
    return f"&#{html.entities.name2codepoint[name]};"


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment with one blank line between blocks; scripts dropped.

    Feed items carry small HTML fragments, too short for trafilatura's content scoring,
    so we only flatten them: paragraphs, list items and line breaks become line breaks.
    """
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return clean_text(fragment)
    try:
        fragment = trim_attributes(fragment)[0]  # n^2 in libxml2 otherwise
        root = lxml.html.document_fromstring(f"<html><body>{fragment}</body></html>")
    except (etree.ParserError, ValueError):
        return clean_text(fragment)
    out: list[str] = []
    skipping = 0
    for event, node in etree.iterwalk(root, events=("start", "end")):
        tag = _local(node.tag).lower()
        if event == "start":
            if tag in _SKIP:
                skipping += 1
            elif not skipping:
                if tag in _BLOCK:
                    out.append("\n" if tag == "br" else "\n\n")
                if node.text and isinstance(node.tag, str):
                    out.append(node.text)
        else:
            if tag in _SKIP:
                skipping -= 1
            elif not skipping and tag in _BLOCK and tag != "br":
                out.append("\n\n")
            if not skipping and node.tail:
                out.append(node.tail)
    return clean_text("".join(out))


def _child(item: ET.Element, name: str) -> ET.Element | None:
    for child in item:
        if _local(child.tag) == name:
            return child
    return None


def _text(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    if len(el) and el.get("type") == "xhtml":  # Atom inline XHTML: serialise the children
        inner = "".join(ET.tostring(child, encoding="unicode") for child in el)
        return re.sub(r"(</?)\w+:", r"\1", inner) or None
    value = "".join(el.itertext()).strip()
    return value or None


def _link(item: ET.Element) -> str | None:
    for child in item:
        name = _local(child.tag)
        if name == "link":
            href = child.get("href")
            if href and child.get("rel") in (None, "alternate"):
                return href.strip()
            if not href and child.text and child.text.strip():
                return child.text.strip()
        if name == "origLink" and child.text:
            return child.text.strip()
    guid = _child(item, "guid")
    if guid is not None and guid.text and guid.text.strip().startswith(("http://", "https://")):
        return guid.text.strip()
    return None


def _author(item: ET.Element) -> str | None:
    for name in ("creator", "author"):
        el = _child(item, name)
        if el is not None:
            inner = _child(el, "name")
            value = _text(inner if inner is not None else el)
            if value:
                return value
    return None


def _item(item: ET.Element, *, where: str, site: str | None, options: IngestOptions) -> ReadResult:
    title = _text(_child(item, "title"))
    url = _link(item)
    content = None
    for name in _CONTENT_ORDER:
        content = _text(_child(item, name))
        if content:
            break
    raw_date = next((d for n in _DATE_ORDER if (d := _text(_child(item, n)))), None)
    published = iso_date(raw_date)
    declared: list[str] = []
    source_el = _child(item, "source")
    if source_el is not None:
        parts_ = [source_el.get("url") or source_el.get("href"), _text(source_el)]
        line = " ".join(p for p in parts_ if p)
        if line:
            declared.append(line)
    meta: dict[str, Any] = {"format": "feed"}
    categories = [
        c for el in item if _local(el.tag) == "category" and (c := _text(el) or el.get("term"))
    ]
    if categories:
        meta["categories"] = categories
    if raw_date and not published:
        meta["published_raw"] = raw_date
    text = html_to_text(content or "")
    if not text:
        return failed(where, "no_text", f"{where}: feed item has no content or description")
    parts = split_page(text, find_title=False) if options.strip_boilerplate else PageParts(text)
    article = Article(
        id="",
        text=parts.text,
        url=url,
        site=site,
        title=title,
        published=published,
        byline=_author(item),
        declared_sources=[*declared, *parts.declared_sources],
        boilerplate=parts.boilerplate,
        meta=meta,
    )
    return finish(article, source=where, options=options, labels=[lab for lab, _ in parts.labels])


def read_feed(
    data: bytes | str, *, source: str = "<feed>", options: IngestOptions | None = None
) -> Iterator[ReadResult]:
    """Every item of an RSS/Atom feed -> one result each, named ``source#N`` (1-based).

    The whole feed fails with one result when it is unsafe (``unsafe_xml``: a DOCTYPE or
    ENTITY declaration), not XML (``bad_xml``) or not a feed (``not_a_feed``).
    """
    options = options or IngestOptions()
    if isinstance(data, bytes):
        m = _XML_ENCODING.match(data)
        decoded = bytes_to_text(
            data, source=source, options=options, declared=m.group(1).decode() if m else None
        )
        if isinstance(decoded, ReadResult):
            yield decoded
            return
        text, replaced = decoded.text, decoded.replaced
    else:
        text, replaced = data, 0
    if _UNSAFE.search(text):
        yield failed(
            source,
            "unsafe_xml",
            f"{source}: DOCTYPE/ENTITY declarations are refused in feeds (entity expansion "
            "and external entities are XML attacks; real feeds do not need them)",
        )
        return
    text = _NAMED_ENTITY.sub(_entity, _XML_DECL.sub("", text, count=1))
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        yield failed(source, "bad_xml", f"{source}: not well-formed XML: {exc}")
        return
    kind = _local(root.tag)
    if kind not in ("rss", "feed", "RDF"):
        yield failed(source, "not_a_feed", f"{source}: XML root <{kind}> is not rss, feed or RDF")
        return
    channel = _child(root, "channel")
    site = _text(_child(channel if channel is not None else root, "title"))
    items = [el for el in root.iter() if _local(el.tag) in ("item", "entry")]
    if not items:
        yield failed(source, "no_text", f"{source}: feed has no items")
        return
    for i, item in enumerate(items, start=1):
        where = f"{source}#{i}"
        try:
            res = _item(item, where=where, site=site, options=options)
        except RecursionError:  # inline XHTML nested thousands deep: no real item is
            res = failed(where, "too_deep", f"{where}: markup nested too deep to read")
        if replaced and res.article is not None:
            res.article.meta["encoding_errors"] = replaced  # in the whole feed file
        yield res
