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
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..data import Article, ReadResult
from ..text.lang import detect_language
from ..text.normalize import folded_digest
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
_ASCII_BYTES = bytes(range(128))
# Valid non-ASCII UTF-8 characters per invalid sequence for text to be read as UTF-8.
_UTF8_MARGIN = 2
_WIDE_CODECS = frozenset(
    codecs.lookup(n).name for n in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
                                    "utf-32-be")
)

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u3000\t"), " ")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone surrogates: not encodable, so not storable
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


def wide_encoding(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` or ``utf-32-le``/``-be`` for text without a byte order mark,
    told by where its NUL bytes fall; ``None`` for anything else.

    Spaces, digits, punctuation and Latin letters have a zero high byte, so UTF-16 text
    has NULs at one parity of offset (in every unit for English, in one in six or seven
    for Russian or Greek: the spaces) and few at the other; UTF-32 has two or three NULs in
    every four bytes, in fixed places. Binary data with NULs in both places, or that does
    not decode, or whose "characters" would be control codes, private-use or unassigned
    code points, is not taken for text. UTF-16 with almost no ASCII in it (Chinese without
    spaces) is not recognised here. Only the first 8 KiB are looked at.
    """
    sample = data[:_SNIFF_BYTES]
    sample = sample[: len(sample) // 4 * 4]
    units = len(sample) // 2  # 16-bit units
    if units < 8 or b"\x00" not in sample:
        return None
    z = [sample[i::4].count(0) for i in range(4)]  # NULs at offsets 0, 1, 2, 3 (mod 4)
    even, odd = z[0] + z[2], z[1] + z[3]
    if z[2] + z[3] >= 0.9 * units and z[0] <= 0.05 * units:
        candidate = "utf-32-le"
    elif z[0] + z[1] >= 0.9 * units and z[3] <= 0.05 * units:
        candidate = "utf-32-be"
    elif odd >= max(4, 0.1 * units) and even * 4 <= odd:
        candidate = "utf-16-le"
    elif even >= max(4, 0.1 * units) and odd * 4 <= even:
        candidate = "utf-16-be"
    else:
        return None
    try:  # incremental: the sample may end inside a surrogate pair
        head = codecs.getincrementaldecoder(candidate)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return None
    odd_chars = sum(
        1 for c in head
        if ord(c) in _CONTROL_BYTES or unicodedata.category(c) in ("Co", "Cn", "Cs")
    )
    return candidate if head and odd_chars / len(head) <= 0.02 else None


def looks_binary(data: bytes) -> bool:
    """True for NUL bytes or many control bytes in the first 8 KiB (BOM-marked text and
    UTF-16/32 text without a BOM are not)."""
    head = data[:_SNIFF_BYTES]
    if not head or has_bom(head):
        return False
    if b"\x00" in head:
        return wide_encoding(head) is None
    controls = sum(1 for b in head if b in _CONTROL_BYTES)
    return controls / len(head) > _BINARY_SHARE


class Decoded(NamedTuple):
    """A document's text, the encoding it was read with, and how many invalid byte
    sequences were replaced with U+FFFD to get it (0 for a clean decode)."""

    text: str
    encoding: str
    replaced: int = 0


def _replacing(data: bytes, encoding: str) -> Decoded:
    """``data`` decoded with U+FFFD for each invalid sequence, counted. Linear: one strict
    attempt, then (only when it fails) a replacing and an ignoring pass whose U+FFFD
    counts differ by the replacements (the text may hold real U+FFFD characters)."""
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError:
        pass
    text = data.decode(encoding, errors="replace")
    genuine = data.decode(encoding, errors="ignore").count("\ufffd")
    return Decoded(text, encoding, text.count("\ufffd") - genuine)


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with its few invalid bytes replaced, or ``None`` when UTF-8 is clearly wrong.

    Legacy encodings almost never form valid multi-byte UTF-8 by accident (single-byte
    ones: never in real text; GBK, Shift-JIS, EUC-KR, TIS-620: at most ~0.4 valid per
    invalid sequence), while a UTF-8 file with a stray byte has many valid non-ASCII
    characters per invalid one. So UTF-8 wins when valid non-ASCII characters outnumber
    invalid sequences ``_UTF8_MARGIN`` to one. With no valid non-ASCII character at all
    (ASCII plus a few high bytes) a legacy encoding reads those bytes better.
    """
    decoded = _replacing(data, "utf-8")
    if not decoded.replaced:
        return decoded
    ascii_chars = len(data) - len(data.translate(None, _ASCII_BYTES))
    valid = len(decoded.text) - ascii_chars - decoded.replaced  # non-ASCII that decoded
    return decoded if valid and valid >= _UTF8_MARGIN * decoded.replaced else None


def _wide(data: bytes, encoding: str) -> Decoded | None:
    """UTF-16/32 (named by a BOM or by ``wide_encoding``) unless over 2% of it is invalid."""
    decoded = _replacing(data, encoding)
    return decoded if decoded.replaced * 50 <= len(decoded.text) else None


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


def decode(data: bytes, *, declared: str | None = None) -> Decoded | None:
    """``(text, encoding, replaced)``: BOM, UTF-16/32 by its NUL bytes, the declared
    charset, UTF-8, then detection. ``None`` when nothing decodes it.

    A declared charset that does not decode the bytes is ignored (pages often lie about
    their charset), and so is a declared UTF-16/32 without a BOM or the NUL bytes UTF-16
    text has (WHATWG reads ``<meta charset=utf-16>`` as UTF-8 for that reason). Text that
    is overwhelmingly valid UTF-8 is read as UTF-8 with its few bad bytes replaced, not
    handed to detection, which would garble every other non-ASCII character; a detected
    legacy encoding decodes with replacement characters for the odd stray byte. Every
    step is linear in the size of ``data``.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _replacing(data, encoding) if encoding == "utf-8-sig" else _wide(
                data, encoding
            )
    if wide := wide_encoding(data):
        return _wide(data, wide)
    if declared:
        with contextlib.suppress(LookupError):
            name = codecs.lookup(declared.strip().strip("'\"")).name
            if name not in _WIDE_CODECS and name != "utf-8":
                with contextlib.suppress(UnicodeDecodeError):
                    return Decoded(data.decode(name), name)
    if utf8 := _mostly_utf8(data):
        return utf8
    guess = _best_guess(data)
    if guess is None:
        return None
    try:
        return _replacing(data, guess)
    except LookupError:
        return None


def clean_text(text: str) -> str:
    """Stored form of a body: NFC, no invisible or control characters, tidy whitespace.

    Quotes and dashes are left as published (they differ between copies and are evidence);
    ``text.normalize`` folds them when comparing.
    """
    text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").translate(_INVISIBLE).translate(_SPACES)
    text = _CONTROL.sub("", text)
    text = "\n".join(line.strip() for line in _RUNS.sub(" ", text).split("\n"))
    return _BLANKS.sub("\n\n", text).strip()


def word_count(text: str, limit: int | None = None) -> int:
    """Words, counting two CJK characters as one word (those scripts use no spaces); with
    ``limit``, counting stops there (``finish`` only asks whether a text has enough).

    Counted as they are found, not listed: the 1.7 million words of a 10 MB text are
    ~100 MB of ``str`` objects, for the same time.
    """
    cjk_text = _CJK.search(text) is not None
    count = 0
    for m in _WORD.finditer(text):
        if cjk_text and (cjk := len(_CJK.findall(m.group()))):
            count += max(1, cjk // 2)
        else:
            count += 1
        if limit is not None and count >= limit:
            return count
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
    return "sha1:" + folded_digest(text, nfkc=True)[:16]


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
    words = word_count(article.text, options.min_words)
    if words < options.min_words:
        return failed(
            source,
            "no_text",
            f"{source}: only {words} words of article text after extraction "
            f"(minimum {options.min_words}; see IngestOptions.min_words)",
        )
    extra = [*article.boilerplate, *article.declared_sources, *credit_lines]
    if article.byline:
        extra.append("By " + article.byline)
    in_lines = [(line, find_credits(line)) for line in extra]
    spans = find_credits(article.text)  # asked last: ``prepare`` asks again, of the same text
    names = list(article.credits)
    for name in credit_agencies(spans):
        if name not in names:
            names.append(name)
    outside: list[dict[str, Any]] = []
    for line, found in in_lines:
        for credit in found:
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
    article.cleaned = True
    return ReadResult(source=source, status="ok", article=article)


def bytes_to_text(
    data: bytes, *, source: str, options: IngestOptions, declared: str | None = None
) -> Decoded | ReadResult:
    """Guard one document's bytes: its ``Decoded`` text or the failed result saying why."""
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
    if not decoded.text.strip():
        return failed(source, "empty", f"{source}: only whitespace")
    return decoded


def note_decoding(meta: dict[str, Any], decoded: Decoded) -> None:
    """Record how the bytes were read: ``meta["encoding"]`` and, when invalid sequences
    were replaced with U+FFFD, their number in ``meta["encoding_errors"]``."""
    meta["encoding"] = decoded.encoding
    if decoded.replaced:
        meta["encoding_errors"] = decoded.replaced


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
