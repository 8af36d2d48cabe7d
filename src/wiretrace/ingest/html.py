"""HTML page -> ``Article`` with trafilatura, plus the evidence trafilatura throws away.

trafilatura finds the body and the metadata (title, author, date, site, canonical URL).
Two things matter to us that it drops, so we read them from the raw page ourselves:

* **machine-translation markers** -- translator widgets (Google "goog-te", GTranslate,
  Weglot...), ``<meta name="translator">``, hreflang alternates, "translated by" notes, and a
  page declaring one language while its text is in another. They go to
  ``meta["mt_markers"]`` for the judge, which weighs them with the text itself.
* **declared sources** -- links whose anchor or the words just before it say "source",
  "via", "originally published": where the page itself says the text came from.

The extracted text then goes through the same line-level boilerplate removal as plain
text, because extraction leaks captions, share bars and "Read more" lines.

Before any parse, a tag of more than ``MAX_ATTRIBUTES`` attributes is cut to its first
ones (counted in ``meta["trimmed_tags"]``): libxml2's cost is quadratic in the attributes
of one tag, and a page of one 87,000-attribute tag took over a minute to read.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from ..data import Article, ReadResult
from ..text.lang import detect_language
from ._common import bytes_to_text, clean_text, failed, finish, note_decoding, web_url
from .boilerplate import PageParts, split_page
from .options import IngestOptions

__all__ = [
    "MAX_ATTRIBUTES",
    "find_captions",
    "find_declared_links",
    "find_mt_markers",
    "read_html",
    "trim_attributes",
]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_WIDGETS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "google_translate",
        re.compile(
            r"goog-te|google_translate_element|translate\.google(?:apis)?\.com/translate_a|"
            r"translate\.googleapis\.com|googtrans",
            re.I,
        ),
    ),
    ("gtranslate", re.compile(r"gtranslate", re.I)),
    ("weglot", re.compile(r"weglot", re.I)),
    ("conveythis", re.compile(r"conveythis", re.I)),
    ("translatepress", re.compile(r"translatepress|trp-language-switcher", re.I)),
    ("transposh", re.compile(r"transposh", re.I)),
    ("microsoft_translator", re.compile(r"microsofttranslator\.com|bing\.com/translator", re.I)),
)
# Tag patterns stop at the next "<" as well as ">": "[^>]*" rescans the rest of the page
# from every unclosed "<link" (160 KB of "<link x " took 30 s).
_HREFLANG = re.compile(r"""<link\b[^<>]*?\bhreflang\s*=\s*["']?([A-Za-z]{2,3}(?:-[\w]+)?)""", re.I)
_META_TAG = re.compile(r"<meta\b[^<>]*+>", re.I)
_META_TRANSLATOR = re.compile(
    r"""\bname\s*=\s*["']?(?:translator|translated-by|translation)""", re.I
)
_CONTENT_ATTR = re.compile(r"""\bcontent\s*=\s*["']([^"']{0,80})""", re.I)
_TRANSLATED_NOTE = re.compile(
    r"\b(?:(?:machine|automatically|auto)[- ]translated|translated (?:by|with|using|from)\b"
    r"[^\n.]{0,60}|this (?:article|post|page|story|content) (?:was|has been|is) "
    r"(?:automatically |machine[- ])?translated\b[^\n.]{0,60})",
    re.I,
)
_SOURCE_CUE_ANCHOR = re.compile(
    r"^\s*(?:sources?|via|original(?:ly published| article| story| report)?|"
    r"read the original(?: article| story)?)\b",
    re.I,
)
_SOURCE_CUE_BEFORE = re.compile(
    r"(?:\bsources?|\bvia|\boriginally (?:published|appeared|posted)(?: \w+){0,3}|"
    r"\bfirst (?:published|appeared)(?: \w+){0,3}|\bcourtesy of|\bh/t|\bhat tip(?: to)?|"
    r"\brepublished (?:from|with permission(?: from)?))\s*[:\-\u2013\u2014]?\s*$",
    re.I,
)
_SHARE_HOSTS = re.compile(
    r"(?:facebook\.com/shar|twitter\.com/(?:intent|share)|x\.com/intent|linkedin\.com/share|"
    r"wa\.me/|api\.whatsapp\.com|t\.me/share|reddit\.com/submit|pinterest\.com/pin/create|"
    r"addtoany\.com|sharethis\.com)",
    re.I,
)
_CAPTION_CLASS = re.compile(r"caption|credit|byline-photo", re.I)
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LANG = re.compile(r"^([a-z]{2})(?:[-_]|$)", re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_LINKS = 20
_SNIFF = 4096

# Attributes kept per tag. libxml2 checks each attribute against the tag's earlier ones, so
# a tag of n attributes costs n^2 (40,000: 1.6 s a parse, and a page is parsed ~5 times);
# real tags have a few dozen. Tags are found as the HTML tokenizer finds them (quoted
# values may hold ">"), with possessive patterns only: one pass, never backtracking.
MAX_ATTRIBUTES = 256
_WS = "\t\n\f\r "
_ATTR_UNIT = (  # a run of separators, or one attribute (a name, maybe "=" and a value)
    rf"[{_WS}/]++|[^{_WS}/>][^{_WS}/>=]*+"
    rf"(?>[{_WS}]*+=[{_WS}]*+(?>\"[^\"]*+\"|'[^']*+'|[^{_WS}>]*+))?"
)
_START_TAG = re.compile(rf"<[A-Za-z][^{_WS}/><]*+(?=[{_WS}/])((?>{_ATTR_UNIT})*+)")
_UNIT = re.compile(_ATTR_UNIT)


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:_SNIFF])
    return m.group(1).decode("ascii") if m else None


def trim_attributes(html: str, limit: int = MAX_ATTRIBUTES) -> tuple[str, int]:
    """``html`` with every start tag cut to its first ``limit`` attributes, and how many
    tags were cut. Linear in ``html``; a page without such a tag comes back as it is."""
    cuts: list[tuple[int, int]] = []
    for tag in _START_TAG.finditer(html):
        start, end = tag.span(1)
        if end - start <= 2 * limit:  # an attribute takes two characters at least
            continue
        seen = 0
        for unit in _UNIT.finditer(html, start, end):
            if html[unit.start()] in _WS or html[unit.start()] == "/":
                continue
            seen += 1
            if seen > limit:
                cuts.append((unit.start(), end))
                break
    if not cuts:
        return html, 0
    pieces, at = [], 0
    for start, end in cuts:
        pieces.append(html[at:start])
        at = end
    pieces.append(html[at:])
    return "".join(pieces), len(cuts)


def _parse(html: str, *, trimmed: bool = False) -> Any:
    """An lxml tree of ``html`` for our own scans, or ``None`` if libxml2 gives up.
    Tags of absurdly many attributes are cut first, unless ``trimmed`` says they were."""
    if not trimmed:
        html = trim_attributes(html)[0]
    try:
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
        return lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError, TypeError):
        return None


def _visible_text(tree: Any, limit: int = 200_000) -> str:
    """Text of the page outside scripts and styles, capped: enough to spot notes."""
    pieces: list[str] = []
    size = 0
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "noscript"):
            continue
        for piece in (node.text, node.tail):
            if piece and piece.strip():
                pieces.append(piece.strip())
                size += len(piece)
        if size > limit:
            break
    return "\n".join(pieces)


def find_mt_markers(html: str, tree: Any = None) -> list[str]:
    """Signs in a raw page that its text was machine-translated or offered in translation.

    Returns distinct markers such as ``"google_translate"``, ``"gtranslate"``,
    ``"meta_translator:DeepL"``, ``"hreflang:es"`` or ``"note:translated by ..."``. Most
    are weak alone (many honest sites have hreflang alternates); the judge combines them.
    """
    markers: list[str] = []

    def add(marker: str) -> None:
        if marker not in markers:
            markers.append(marker)

    for name, pattern in _WIDGETS:
        if pattern.search(html):
            add(name)
    for m in _META_TAG.finditer(html):
        if not _META_TRANSLATOR.search(m.group(0)):
            continue
        content = _CONTENT_ATTR.search(m.group(0))
        add("meta_translator:" + (content.group(1).strip() if content else ""))
    for m in _HREFLANG.finditer(html):
        add("hreflang:" + m.group(1).lower())
    if tree is None:
        tree = _parse(html)
    if tree is not None:
        for m in _TRANSLATED_NOTE.finditer(_visible_text(tree)):
            add("note:" + " ".join(m.group(0).split()))
    return markers


def _ancestors_are_chrome(node: Any) -> bool:
    for depth, parent in enumerate(node.iterancestors()):
        if depth > 64:
            return False
        if isinstance(parent.tag, str) and parent.tag in _CHROME_TAGS:
            return True
    return False


def _text_before(node: Any) -> str:
    """The words right before ``node`` inside its parent (its previous sibling's tail)."""
    prev = node.getprevious()
    if prev is not None:
        before = (prev.text_content() if prev.tag not in ("br",) else "") + (prev.tail or "")
    else:
        parent = node.getparent()
        before = (parent.text or "") if parent is not None else ""
    return " ".join(before.split())[-60:]


def find_declared_links(tree: Any, base_url: str | None = None) -> list[str]:
    """URLs of body links presented as the source: "Source: <a>", "via <a>", "<a>Source</a>".

    Links in navigation, headers, footers and asides are ignored, as are share buttons,
    in-page anchors and mail links. Relative URLs are resolved against ``base_url``.
    """
    found: list[str] = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        if _SHARE_HOSTS.search(href):
            continue
        anchor = " ".join(a.text_content().split())[:200]
        if not (_SOURCE_CUE_ANCHOR.match(anchor) or _SOURCE_CUE_BEFORE.search(_text_before(a))):
            continue
        if _ancestors_are_chrome(a):
            continue
        try:
            href = urljoin(base_url, href) if base_url else href
            if urlsplit(href).scheme not in ("http", "https", ""):
                continue
        except ValueError:  # "http://[broken" and similar
            continue
        if href not in found:
            found.append(href)
        if len(found) >= _MAX_LINKS:
            break
    return found


def find_captions(tree: Any, limit: int = 50) -> list[str]:
    """Figure captions and photo credits: dropped from the text, but they carry credits."""
    found: list[str] = []
    for node in tree.iter("figcaption", "*"):
        if not isinstance(node.tag, str):
            continue
        cls = (node.get("class") or "") + " " + (node.get("id") or "")
        if node.tag != "figcaption" and not _CAPTION_CLASS.search(cls):
            continue
        text = " ".join(node.text_content().split())
        if text and len(text) <= 500 and text not in found:
            found.append(text)
        if len(found) >= limit:
            break
    return found


def _extract(html: str, url: str | None, options: IngestOptions) -> Any:
    import trafilatura  # imported here: 0.4 s, paid only when HTML is read

    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=options.include_tables,
        favor_recall=options.favor_recall,
        deduplicate=False,
        # Only dates the page states as such (meta tags, <time>, URL): htmldate's extensive
        # search takes a footer's "(c) 2019" for the publication date, and a wrong date
        # outweighs every other direction signal. A missing date is merely no evidence.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )


def _body_lines(text: str, title: str | None) -> str:
    """trafilatura's one-block-per-line text as blank-line paragraphs, minus a leading title."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines and title and lines[0].casefold() == " ".join(title.split()).casefold():
        lines = lines[1:]
    return "\n\n".join(lines)


def read_html(
    data: bytes | str,
    *,
    source: str = "<html>",
    url: str | None = None,
    published: str | None = None,
    charset: str | None = None,
    meta: dict[str, Any] | None = None,
    options: IngestOptions | None = None,
) -> ReadResult:
    """One HTML page -> an ``ok`` result with its article, or a failed one saying why.

    ``url`` is where the page was fetched (a WARC target URI) and wins over the page's
    canonical URL, which is kept in ``meta["canonical_url"]``; ``published`` is a fallback
    for pages without a date of their own (a crawl date is only an upper bound).
    ``charset`` is the HTTP header's; a ``<meta charset>`` comes next, then detection.
    """
    options = options or IngestOptions()
    meta = dict(meta or {})
    if isinstance(data, bytes):
        decoded = bytes_to_text(
            data, source=source, options=options, declared=charset or _declared_charset(data)
        )
        if isinstance(decoded, ReadResult):
            return decoded
        html = decoded.text
        note_decoding(meta, decoded)
    else:
        html = _SURROGATE.sub("\ufffd", data)  # a JSON string may hold lone surrogates
        if len(html) > options.max_bytes:
            return failed(
                source,
                "too_large",
                f"{source}: {len(html):,} characters is over the limit of "
                f"{options.max_bytes:,} (raise IngestOptions.max_bytes to read it)",
            )
        if not html.strip():
            return failed(source, "empty", f"{source}: no content")

    html, cut = trim_attributes(html)
    if cut:
        meta["trimmed_tags"] = cut  # tags cut to their first MAX_ATTRIBUTES attributes
    tree = _parse(html, trimmed=True)
    try:
        doc = _extract(html, web_url(url), options)
    except Exception as exc:  # a third-party parser on hostile input: a statistic, not a crash
        return failed(source, "extraction_error", f"{source}: trafilatura failed: {exc!r:.200}")
    if doc is None or not (doc.text or "").strip():
        return failed(source, "no_text", f"{source}: trafilatura found no article text")

    text = clean_text(_body_lines(doc.text, doc.title))
    parts = split_page(text, find_title=False) if options.strip_boilerplate else PageParts(text)
    page_url = web_url(doc.url)
    declared = find_declared_links(tree, url or page_url) if tree is not None else []
    for line in parts.declared_sources:
        if line not in declared:
            declared.append(line)

    markers = find_mt_markers(html, tree)
    captions = find_captions(tree) if tree is not None else []
    html_lang = None
    if tree is not None:
        declared_lang = tree.get("lang") or tree.get(_XML_LANG) or ""
        m = _LANG.match(declared_lang.strip())
        html_lang = m.group(1).lower() if m else None
    detected = detect_language(parts.text) if options.detect_language else None
    if html_lang and detected and html_lang != detected:
        markers.append(f"lang_mismatch:{html_lang}->{detected}")
    meta.update(
        {
            key: value
            for key, value in (
                ("canonical_url", page_url if url and page_url and page_url != url else None),
                ("hostname", doc.hostname),
                ("description", doc.description),
                ("categories", doc.categories or None),
                ("tags", doc.tags or None),
                ("html_lang", html_lang),
                ("captions", captions or None),
                ("mt_markers", markers),
            )
            if value is not None
        }
    )
    article = Article(
        id="",
        text=parts.text,
        url=url or page_url,
        site=doc.sitename or doc.hostname,
        title=doc.title,
        published=doc.date or published,
        byline=doc.author,
        language=detected or html_lang,  # the page's own claim only when CLD2 is unsure
        declared_sources=declared,
        boilerplate=parts.boilerplate,
        meta=meta,
    )
    return finish(
        article,
        source=source,
        options=options,
        labels=[lab for lab, _ in parts.labels],
        credit_lines=captions,
    )
