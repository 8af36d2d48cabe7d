"""Shared guards and finishing steps for every reader.

Each reader turns bytes into an ``Article`` its own way; what happens before (is this
text at all? which encoding?) and after (credits, language, id, the too-little-text rule) is
the same for all of them and lives here, so that a JSONL line and a WARC record are judged
by one rule.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..data import Article, ReadResult
from ..text.lang import detect_language
from .credits import credit_agencies, find_credits
from .options import IngestOptions

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes that never occur in text files (tab, newline, form feed, CR and ESC do).
_CONTROL_BYTES = frozenset(set(range(32)) - {9, 10, 12, 13, 27})
_BINARY_SHARE = 0.05
_SNIFF_BYTES = 8192

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u3000\t"), " ")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_RUNS = re.compile(r" {2,}")
_BLANKS = re.compile(r"\n{3,}")
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|at_\w+)$", re.I)


def failed(source: str, reason: str, detail: str) -> ReadResult:
    """A skipped document: ``reason`` is a short slug, ``detail`` names file and problem."""
    return ReadResult(source=source, status="failed", reason=reason, detail=detail)


def has_bom(data: bytes) -> bool:
    return any(data.startswith(bom) for bom, _ in _BOMS)


def looks_binary(data: bytes) -> bool:
    """True for NUL bytes or many control bytes in the first 8 KiB (BOM-marked text is not)."""
    head = data[:_SNIFF_BYTES]
    if not head or has_bom(head):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b in _CONTROL_BYTES)
    return controls / len(head) > _BINARY_SHARE


def _best_guess(data: bytes) -> str | None:
    """charset-normalizer's guess, preferring windows-1252 among equally good ones.

    On short Western European text charset-normalizer scores cp1250, cp1252, cp1257 almost
    alike and may pick a wrong one ("tr\u010ds" for "tr\u00e8s"); windows-1252 is by far
    the most common legacy encoding on the web (WHATWG maps the latin-1 label to it), so it
    wins near-ties: a little more "chaos", no less coherence.
    """
    from charset_normalizer import from_bytes  # trafilatura dependency; slow to import

    results = from_bytes(data)
    best = results.best()
    if best is None:
        return None
    for match in results:
        if (
            match.encoding == "cp1252"
            and match.chaos <= best.chaos + 0.05
            and match.coherence >= best.coherence - 0.01
        ):
            return "cp1252"
    return best.encoding


def decode(data: bytes, *, declared: str | None = None) -> tuple[str, str] | None:
    """``(text, encoding)``: BOM, then the declared charset, then UTF-8, then detection.

    ``None`` when nothing decodes it. A declared charset that does not decode the bytes is
    ignored (pages often lie about their charset); a detected one decodes with replacement
    characters for the odd stray byte.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    candidates = []
    if declared:
        with contextlib.suppress(LookupError):
            candidates.append(codecs.lookup(declared.strip().strip("'\"")).name)
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    guess = _best_guess(data)
    if guess is None:
        return None
    try:
        return data.decode(guess, errors="replace"), guess
    except LookupError:
        return None


def clean_text(text: str) -> str:
    """Stored form of a body: NFC, no invisible or control characters, tidy whitespace.

    Quotes and dashes are left as published (they differ between copies and are evidence);
    ``text.normalize`` folds them when comparing.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").translate(_INVISIBLE).translate(_SPACES)
    text = _CONTROL.sub("", text)
    text = "\n".join(line.strip() for line in _RUNS.sub(" ", text).split("\n"))
    return _BLANKS.sub("\n\n", text).strip()


def word_count(text: str) -> int:
    """Words, counting two CJK characters as one word (those scripts use no spaces)."""
    if not _CJK.search(text):
        return len(_WORD.findall(text))
    count = 0
    for m in _WORD.finditer(text):
        cjk = len(_CJK.findall(m.group()))
        count += max(1, cjk // 2) if cjk else 1
    return count


def web_url(url: str | None) -> str | None:
    """``url`` stripped if it is a well-formed http(s) URL, else ``None`` (never raises)."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a bad port
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def canonical_url(url: str) -> str:
    """The URL with case, ``www.``, default port, fragment and tracking parameters removed."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
        port = parts.port
    except ValueError:
        return url.strip()
    if port and (parts.scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower() or "http", host, path, query, ""))


def stable_id(url: str | None, text: str) -> str:
    """``url:<16 hex>`` from the canonical URL, else ``sha1:<16 hex>`` of the folded text.

    Re-ingesting the same page (or the same text without a URL) gives the same id, so the
    store can upsert instead of duplicating.
    """
    if web_url(url):
        canonical = canonical_url(url)  # type: ignore[arg-type]
        return "url:" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return "sha1:" + hashlib.sha1(folded.encode("utf-8")).hexdigest()[:16]


def finish(
    article: Article,
    *,
    source: str,
    options: IngestOptions,
    labels: Iterable[str] = (),
    credit_lines: Iterable[str] = (),
) -> ReadResult:
    """Apply the rules every reader shares and wrap the article in a ``ReadResult``.

    Rejects texts under ``options.min_words``. Fills ``credits`` from the text (with
    offsets in ``meta["credit_spans"]``) and from the lines kept outside it -- boilerplate,
    declared sources, byline, ``credit_lines`` such as captions -- because a photo credit
    is chrome yet still a credit. Then the language and, if missing, a stable id.
    """
    words = word_count(article.text)
    if words < options.min_words:
        return failed(
            source,
            "no_text",
            f"{source}: only {words} words of article text after extraction "
            f"(minimum {options.min_words}; see IngestOptions.min_words)",
        )
    spans = find_credits(article.text)
    names = list(article.credits)
    for name in credit_agencies(spans):
        if name not in names:
            names.append(name)
    outside: list[dict[str, Any]] = []
    extra = [*article.boilerplate, *article.declared_sources, *credit_lines]
    if article.byline:
        extra.append("By " + article.byline)
    for line in extra:
        for credit in find_credits(line):
            outside.append({"agency": credit.agency, "kind": credit.kind, "line": line})
            if credit.agency not in names:
                names.append(credit.agency)
    article.credits = names
    if spans:
        article.meta["credit_spans"] = [
            {"agency": c.agency, "kind": c.kind, "text": c.text, "start": c.start, "end": c.end}
            for c in spans
        ]
    if outside:
        article.meta["credits_outside_text"] = outside
    labels = list(labels)
    if labels:
        article.meta["boilerplate_labels"] = labels
    if options.detect_language and not article.language:
        article.language = detect_language(article.text)
    if not article.id:
        article.id = stable_id(article.url, article.text)
    return ReadResult(source=source, status="ok", article=article)


def bytes_to_text(
    data: bytes, *, source: str, options: IngestOptions, declared: str | None = None
) -> tuple[str, str] | ReadResult:
    """Guard one document's bytes: ``(text, encoding)`` or the failed result saying why."""
    if len(data) > options.max_bytes:
        return failed(
            source,
            "too_large",
            f"{source}: {len(data):,} bytes is over the limit of {options.max_bytes:,} "
            "(raise IngestOptions.max_bytes to read it)",
        )
    if not data.strip():
        return failed(source, "empty", f"{source}: no content")
    if looks_binary(data):
        return failed(source, "binary", f"{source}: binary data (NUL or control bytes), not text")
    decoded = decode(data, declared=declared)
    if decoded is None:
        return failed(
            source,
            "undecodable",
            f"{source}: not UTF-8 and no other character encoding fits",
        )
    if not decoded[0].strip():
        return failed(source, "empty", f"{source}: only whitespace")
    return decoded


_DATE_FORMATS = (
    "%d-%b-%Y %H:%M:%S.%f",  # Reuters-21578: 26-FEB-1987 15:01:01.79
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%Y%m%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
)


def iso_date(value: object) -> str | None:
    """An ISO 8601 date or datetime for common date spellings, else ``None``.

    Dates without a time stay dates ("2023-06-18"); with a time they keep it to the second
    and keep the UTC offset when one is given.
    """
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC).isoformat(timespec="seconds")
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip() or len(value) > 80:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        has_time = "T" in text or " " in text or ":" in text
        return parsed.isoformat(timespec="seconds") if has_time else parsed.date().isoformat()
    except ValueError:
        pass
    with contextlib.suppress(TypeError, ValueError, IndexError):
        return parsedate_to_datetime(text).isoformat(timespec="seconds")
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.isoformat(timespec="seconds") if "%H" in fmt else parsed.date().isoformat()
    return None
