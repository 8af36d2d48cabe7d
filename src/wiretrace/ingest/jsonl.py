"""JSON lines (``.jsonl``, ``.jsonl.gz``, ``.json``) -> one ``ReadResult`` per record.

Fields: ``id``, ``url``, ``title``, ``published`` (or ``date``), ``text``. Fields that are
``Article`` fields (``site``, ``byline``/``author``, ``language``/``lang``, ``credits``,
``declared_sources``) fill them; everything else is kept in ``meta``. A record with
``html`` but no ``text`` is extracted like a page. A line that is not a JSON object is one
failed result naming the file and line; the lines after it are still read.
"""

from __future__ import annotations

import contextlib
import io
import json
import lzma
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import IO, Any

from ..data import Article, ReadResult
from ._common import Decoded, clean_text, decode, failed, finish, iso_date, wide_encoding
from .boilerplate import PageParts, split_page
from .options import IngestOptions

__all__ = ["read_json", "read_jsonl", "read_record"]

_FIELDS = {"id", "url", "title", "published", "date", "text", "html", "meta"}
_ALIASES = {
    "site": "site",
    "byline": "byline",
    "author": "byline",
    "language": "language",
    "lang": "language",
}
_LISTS = ("credits", "declared_sources", "boilerplate")
_SKIP_CHUNK = 1 << 20
_SURROGATE = re.compile("[\ud800-\udfff]")


def _str(value: Any) -> str | None:
    """A field as text; a lone surrogate ("\\ud800" in JSON) becomes U+FFFD: it is no
    character, cannot be encoded, and would fail the whole batch at the store."""
    if value is None or isinstance(value, dict | list):
        return None
    text = _SURROGATE.sub("\ufffd", str(value)).strip()
    return text or None


def read_record(
    record: Mapping[str, Any], *, source: str, options: IngestOptions | None = None
) -> ReadResult:
    """One JSON object (a JSONL line, a Parquet row as a dict) -> result.

    The Spark job calls this on rows, so batch and local ingest build identical articles.
    """
    options = options or IngestOptions()
    meta: dict[str, Any] = {}
    if isinstance(record.get("meta"), dict):
        meta.update(record["meta"])
    fields: dict[str, Any] = {}
    for key, value in record.items():
        if key in _FIELDS:
            continue
        if key in _ALIASES and _str(value) and _ALIASES[key] not in fields:
            fields[_ALIASES[key]] = _str(value)
        elif key in _LISTS and isinstance(value, list):
            fields[key] = [_SURROGATE.sub("\ufffd", str(v)) for v in value
                           if isinstance(v, str | int | float)]
        else:
            meta[key] = value
    url = _str(record.get("url"))
    title = _str(record.get("title"))
    raw_date = record.get("published") or record.get("date")
    published = iso_date(raw_date)
    if raw_date is not None and published is None:
        meta["published_raw"] = raw_date
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        html = record.get("html")
        if isinstance(html, str) and html.strip():
            from .html import read_html

            res = read_html(
                html, source=source, url=url, published=published, meta=meta, options=options
            )
            if res.article is not None:
                res.article.id = _str(record.get("id")) or res.article.id
                res.article.title = title or res.article.title
            return res
        what = "an empty 'text'" if isinstance(text, str) else "no 'text' (or 'html') string"
        return failed(source, "no_text", f"{source}: record has {what}")
    if len(text) > options.max_bytes:
        return failed(
            source,
            "too_large",
            f"{source}: text of {len(text):,} characters is over the limit of "
            f"{options.max_bytes:,} (raise IngestOptions.max_bytes to read it)",
        )
    body = clean_text(text)
    if options.strip_boilerplate:
        parts = split_page(body, find_title=title is None)
    else:
        parts = PageParts(text=body)
    article = Article(
        id=_str(record.get("id")) or "",
        text=parts.text,
        url=url,
        site=fields.get("site"),
        title=title or parts.title,
        published=published,
        byline=fields.get("byline") or parts.byline,
        language=fields.get("language"),
        credits=fields.get("credits", []),
        declared_sources=[*fields.get("declared_sources", []), *parts.declared_sources],
        boilerplate=[*fields.get("boilerplate", []), *parts.boilerplate],
        meta=meta,
    )
    return finish(article, source=source, options=options, labels=[lab for lab, _ in parts.labels])


def parse_line(line: bytes, *, where: str, options: IngestOptions) -> ReadResult:
    """One JSON line (bytes, as read) -> result named ``where``."""
    decoded: Decoded | None = None
    try:
        try:
            record = json.loads(line)
        except UnicodeDecodeError as exc:
            # a stray byte in a UTF-8 line is replaced and counted, not fatal to the record;
            # a line in some legacy encoding is read as one (same rule as a text file)
            decoded = decode(line)
            if decoded is None:
                return failed(where, "undecodable", f"{where}: not UTF-8 ({exc.reason})")
            record = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        return failed(where, "bad_json", f"{where}: {exc.msg} at column {exc.colno}")
    except (ValueError, RecursionError) as exc:
        return failed(where, "bad_json", f"{where}: {type(exc).__name__}: {exc!s:.100}")
    if not isinstance(record, dict):
        kind = type(record).__name__
        return failed(where, "bad_json", f"{where}: expected a JSON object, got a {kind}")
    res = read_record(record, source=where, options=options)
    if decoded is not None and res.article is not None:
        res.article.meta.setdefault("encoding", decoded.encoding)
        if decoded.replaced:
            res.article.meta["encoding_errors"] = decoded.replaced
    return res


#: What ``read_jsonl`` makes of each line: ``parse_line``, unless ``ingest.parallel`` defers
#: the parsing and cleaning (most of the cost of reading) to its worker processes.
LINE_PARSER: ContextVar[Callable[..., ReadResult]] = ContextVar("LINE_PARSER",
                                                                default=parse_line)


class _Utf8Lines:
    """A UTF-16/32 stream read as UTF-8 lines (``readline`` only, as ``read_jsonl`` uses),
    so the line splitting and the per-line rules stay those of UTF-8 files: split on bytes,
    a UTF-16 newline is two bytes and every line after the first would start misaligned."""

    def __init__(self, stream: IO[bytes], encoding: str) -> None:
        self._text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="\n")

    def readline(self, size: int = -1) -> bytes:
        return self._text.readline(size).encode("utf-8")

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # a collected wrapper closes its stream:
            self._text.detach()  # leave the caller's open


def _utf8_stream(stream: IO[bytes]) -> IO[bytes] | _Utf8Lines:
    """``stream`` itself, or a UTF-8 view of it when it starts with a UTF-16/32 BOM or has
    the NUL pattern of BOM-less UTF-16/32 (needs a stream that can ``peek``)."""
    peek = getattr(stream, "peek", None)
    head = peek(8192)[:8192] if peek else b""
    for bom, encoding in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                          (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if head.startswith(bom):
            return _Utf8Lines(stream, encoding)
    wide = wide_encoding(head)
    return _Utf8Lines(stream, wide) if wide else stream


def read_jsonl(
    stream: IO[bytes], *, source: str, options: IngestOptions | None = None
) -> Iterator[ReadResult]:
    """Each line of an open binary stream (already decompressed) -> one result.

    ``source`` names the file; results are named ``source#LINE`` (1-based). Blank lines are
    skipped. A line longer than ``options.max_bytes`` is skipped unread (``too_large``). A
    stream that ends inside a compressed member yields everything read so far, then one
    ``truncated`` result.
    """
    options = options or IngestOptions()
    lineno = 0
    try:
        stream = _utf8_stream(stream)  # type: ignore[assignment]
        while True:
            line = stream.readline(options.max_bytes + 1)
            if not line:
                return
            lineno += 1
            where = f"{source}#{lineno}"
            if len(line) > options.max_bytes and not line.endswith(b"\n"):
                skipped = len(line)
                while (chunk := stream.readline(_SKIP_CHUNK)) and not chunk.endswith(b"\n"):
                    skipped += len(chunk)
                yield failed(
                    where,
                    "too_large",
                    f"{where}: line of over {skipped:,} bytes is over the limit of "
                    f"{options.max_bytes:,} (raise IngestOptions.max_bytes to read it)",
                )
                continue
            if not line.strip():
                continue
            yield LINE_PARSER.get()(line, where=where, options=options)
    except EOFError as exc:
        yield failed(
            source,
            "truncated",
            f"{source}: compressed stream ends early after line {lineno} ({exc})",
        )
    except (OSError, zlib.error, lzma.LZMAError) as exc:  # gzip.BadGzipFile is an OSError
        yield failed(source, "corrupt", f"{source}: unreadable after line {lineno}: {exc}")


def read_json(
    data: bytes, *, source: str, options: IngestOptions | None = None
) -> Iterator[ReadResult]:
    """A whole ``.json`` file holding one object or an array of objects -> results."""
    options = options or IngestOptions()
    try:
        value = json.loads(data)
    except UnicodeDecodeError as exc:
        yield failed(source, "undecodable", f"{source}: not UTF-8 ({exc.reason})")
        return
    except (ValueError, RecursionError) as exc:
        yield failed(source, "bad_json", f"{source}: not valid JSON: {exc!s:.120}")
        return
    records = value if isinstance(value, list) else [value]
    for i, record in enumerate(records, start=1):
        where = f"{source}#{i}"
        if isinstance(record, dict):
            yield read_record(record, source=where, options=options)
        else:
            kind = type(record).__name__
            yield failed(where, "bad_json", f"{where}: expected a JSON object, got a {kind}")
