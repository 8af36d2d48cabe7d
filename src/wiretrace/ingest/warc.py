"""WARC and WET files (plain or gzip) -> one ``ReadResult`` per document record.

FastWARC 2.x does the reading: ``response`` and ``resource`` records holding HTML go to
the HTML reader, WET ``conversion`` records (text/plain) to the plain-text reader; the
record's target URI becomes the article URL and its WARC-Date the fallback publication date.

FastWARC stops *silently* at a truncated file: a record cut inside its body comes out
short, one cut inside a gzip member is simply missing. Crawls are often copied half-way,
so after the last record we check the rest of the file ourselves (parse the tail's
records, inflate its gzip members to their end) and report ``truncated`` naming the file,
after every complete record. Each record is held back until the next one starts (or the
tail checks out), so a cut-off record is reported, never ingested as a shorter article.
The tail is streamed, its bodies counted, never held: a 0.6 MB ``.warc.gz`` whose record
inflates to 400 MB is refused as ``too_large`` in a few MB.
"""

from __future__ import annotations

import contextlib
import lzma
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from ..data import ReadResult
from ._common import failed, iso_date, looks_binary
from .html import read_html
from .options import IngestOptions
from .plaintext import read_text

__all__ = ["read_warc"]

_DOCUMENT_TYPES = WarcRecordType.response | WarcRecordType.resource | WarcRecordType.conversion
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
_TEXT_TYPES = ("text/plain",)
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$")
_TAIL_SLACK = 1 << 20  # bytes of headers and padding allowed around the last record
_CHUNK = 1 << 20  # bytes read or inflated at a time when checking the tail
_BLANKS = b"\x00 \r\n"  # padding allowed after the last gzip member
_NOT_BLANK = re.compile(rb"[^\r\n \t]")
_NOT_WARC = "bytes that are not a WARC record after the last record"


@dataclass(slots=True)
class _Record:
    """What we keep of a FastWARC record (its object is reused as iteration moves on)."""

    number: int
    offset: int
    kind: WarcRecordType
    uri: str | None
    date: str | None
    record_id: str | None
    content_type: str
    charset: str | None
    status: int | None
    length: int
    body: bytes = b""
    meta: dict[str, Any] = field(default_factory=dict)


def _content_type(record: WarcRecord) -> str:
    if record.is_http:
        value = record.http_content_type or ""
    else:
        value = record.headers.get("Content-Type") or ""
    return value.split(";")[0].strip().lower()


def _capture(record: WarcRecord, number: int, options: IngestOptions) -> _Record:
    kept = _Record(
        number=number,
        offset=record.stream_pos,
        kind=record.record_type,
        uri=record.headers.get("WARC-Target-URI"),
        date=record.headers.get("WARC-Date"),
        record_id=record.record_id,
        content_type=_content_type(record),
        charset=record.http_charset if record.is_http else None,
        status=record.http_headers.status_code if record.is_http else None,
        length=record.content_length,
    )
    if kept.length <= options.max_bytes:
        kept.body = record.reader.read(options.max_bytes + 1)
    return kept


def _convert(rec: _Record, source: str, options: IngestOptions) -> ReadResult:
    """One complete document record -> result (HTML, text, or the reason it is not one)."""
    where = f"{source}#{rec.number}"
    if rec.length > options.max_bytes or len(rec.body) > options.max_bytes:
        return failed(
            where,
            "too_large",
            f"{where}: record of {max(rec.length, len(rec.body)):,} bytes is over the limit "
            f"of {options.max_bytes:,} (raise IngestOptions.max_bytes to read it)",
        )
    if rec.status is not None and not 200 <= rec.status < 300:
        return failed(where, "http_status", f"{where}: HTTP {rec.status} for {rec.uri}")
    meta = {
        "warc_record_id": rec.record_id,
        "warc_offset": rec.offset,
        "crawl_date": iso_date(rec.date),
    }
    meta = {k: v for k, v in meta.items() if v is not None}
    published = iso_date(rec.date)
    ctype = rec.content_type
    if not ctype:
        head = rec.body[:1024].lstrip().lower()
        ctype = "text/html" if head.startswith((b"<!doctype html", b"<html")) else "text/plain"
    if rec.kind == WarcRecordType.conversion or ctype in _TEXT_TYPES:
        if looks_binary(rec.body):
            return failed(where, "binary", f"{where}: binary payload labelled {ctype}")
        return read_text(
            rec.body,
            source=where,
            url=rec.uri,
            published=published,
            lines_are_paragraphs=rec.kind == WarcRecordType.conversion,
            meta=meta,
            options=options,
            charset=rec.charset,
        )
    if ctype in _HTML_TYPES:
        return read_html(
            rec.body,
            source=where,
            url=rec.uri,
            published=published,
            charset=rec.charset,
            meta=meta,
            options=options,
        )
    return failed(where, "unsupported", f"{where}: content type {ctype!r} is not a page")


class _Tail:
    """WARC records fed piece by piece: is what arrived whole records?

    Only a record's header is kept (up to ``_TAIL_SLACK`` bytes); its body is counted, not
    stored, so checking the end of a record that inflates to 400 MB costs no memory.
    ``problem`` is ``None`` while the bytes so far end between records, else (reason,
    problem, index of the bad record in the tail).
    """

    def __init__(self) -> None:
        self.index = 0  # records completed
        self.header = bytearray()
        self.in_header = False
        self.body = 0  # declared body length of the record being read
        self.remaining = 0  # of its body bytes, still to come
        self.bad: tuple[str, str, int] | None = None

    def feed(self, data: bytes) -> None:
        pos, n = 0, len(data)
        while pos < n and self.bad is None:
            if self.remaining:
                take = min(self.remaining, n - pos)
                self.remaining -= take
                pos += take
                if not self.remaining:
                    self.index += 1
                continue
            if not self.in_header:
                m = _NOT_BLANK.search(data, pos)
                if m is None:
                    return
                pos, self.in_header = m.start(), True
            pos = self._header(data, pos)

    def _header(self, data: bytes, pos: int) -> int:
        """Read a header from ``data[pos:]`` on; the position after what was used. Only a
        header cut between pieces is copied, so a piece of many small records costs one
        pass, not one copy per record."""
        end = -1
        if self.header:  # the blank line may straddle the two pieces
            edge = bytes(self.header[-3:])
            j = (edge + data[pos:pos + 3]).find(b"\r\n\r\n")
            if j >= 0:
                end = pos + j + 4 - len(edge)
        if end < 0:
            j = data.find(b"\r\n\r\n", pos)
            end = j + 4 if j >= 0 else -1
        if end < 0:
            self.header += data[pos:]
            if len(self.header) >= 5 and not self.header.startswith(b"WARC/"):
                self.bad = ("corrupt", _NOT_WARC, self.index)
            elif len(self.header) > _TAIL_SLACK:
                self.bad = ("corrupt", f"a record header runs over {_TAIL_SLACK:,} bytes",
                            self.index)
            return len(data)
        head = bytes(self.header) + data[pos:end] if self.header else data[pos:end]
        self.header.clear()
        self.in_header = False
        if not head.startswith(b"WARC/"):
            self.bad = ("corrupt", _NOT_WARC, self.index)
            return len(data)
        m = _CONTENT_LENGTH.search(head)
        if not m:
            self.bad = ("corrupt", "a record header has no Content-Length", self.index)
            return len(data)
        self.body = self.remaining = int(m.group(1))
        if not self.remaining:
            self.index += 1
        return end

    def problem(self) -> tuple[str, str, int] | None:
        """After the last piece: ``None`` if the tail was whole records, else what is wrong."""
        if self.bad is not None:
            return self.bad
        if self.in_header:
            if not self.header.startswith(b"WARC/"):
                return "corrupt", _NOT_WARC, self.index
            return "truncated", "a record header is cut off", self.index
        if self.remaining:
            have = self.body - self.remaining
            return ("truncated", f"a record body is cut off ({have:,} of {self.body:,} bytes)",
                    self.index)
        return None


def _inflate_members(handle: IO[bytes], tail: _Tail, limit: int) -> bool | None:
    """Inflate the concatenated gzip members in ``handle`` (from where it stands) into
    ``tail``, a piece at a time: at most ``_CHUNK`` bytes are held at once.

    ``True`` when the stream ends between members, ``False`` when it ends inside one (or
    a member is damaged), ``None`` when more than ``limit`` bytes inflated: a tail that big
    is not one record within the size limit, and a bomb is not worth inflating twice.
    """
    inflater: Any = None  # None between members
    pending = b""
    total = 0
    while True:
        if inflater is None:
            pending = pending or handle.read(_CHUNK)
            if not pending.strip(_BLANKS):  # padding: fine only if nothing else follows
                return _only_blanks(handle)
            inflater = zlib.decompressobj(wbits=31)
        try:
            out = inflater.decompress(pending, _CHUNK)
        except zlib.error:
            return False
        total += len(out)
        if total > limit:
            return None
        tail.feed(out)
        if inflater.eof:
            pending, inflater = inflater.unused_data, None
            continue
        pending = inflater.unconsumed_tail
        if not pending and len(out) < _CHUNK:  # all input used, no output held back
            pending = handle.read(_CHUNK)
            if not pending:
                return False


def _only_blanks(handle: IO[bytes]) -> bool:
    while chunk := handle.read(_CHUNK):
        if chunk.strip(_BLANKS):
            return False
    return True


def _check_tail(
    handle: IO[bytes], offset: int, last_length: int, options: IngestOptions
) -> tuple[str, str, bool] | None:
    """After FastWARC stopped: is the file complete from ``offset`` (the last record) on?

    Returns ``None`` if so; else (reason, problem, whether the record at ``offset`` itself
    is damaged). Tails too big to be one record are not checked (single-member gzip WARCs),
    nor gzip tails inflating to more than the size limit (a record that big is refused as
    ``too_large`` anyway). The tail is streamed: memory stays at a few chunks, whatever
    the record inflates to.
    """
    size = handle.seek(0, os.SEEK_END)
    if size - offset > max(last_length, 0) + _TAIL_SLACK:
        return None
    handle.seek(offset)
    tail = _Tail()
    if handle.read(2) == b"\x1f\x8b":
        handle.seek(offset)
        complete = _inflate_members(handle, tail, options.max_bytes + 2 * _TAIL_SLACK)
        if complete is None:
            return None
        if not complete:
            problem = tail.problem()
            first = problem is not None and problem[2] == 0
            return "truncated", "the gzip stream ends inside a member", first
    else:
        handle.seek(offset)
        while (chunk := handle.read(_CHUNK)) and tail.bad is None:
            tail.feed(chunk)
    problem = tail.problem()
    if problem is None:
        return None
    return problem[0], problem[1], problem[2] == 0


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def read_warc(
    file: str | Path | IO[bytes], *, source: str | None = None, options: IngestOptions | None = None
) -> Iterator[ReadResult]:
    """Every document record of a WARC/WET file -> one result, named ``source#N``.

    ``N`` counts all records from 1 (``warcinfo`` and ``request`` records are skipped
    without a result). Non-2xx responses give ``http_status``, non-page payloads
    ``unsupported``. A truncated file yields its complete records, then one ``truncated``
    result. ``file`` is a path or a binary stream; a stream that cannot seek (a pipe, a
    decompressor) is spooled to a temporary file first, because FastWARC and the tail check
    both need to seek.
    """
    options = options or IngestOptions()
    with contextlib.ExitStack() as stack:
        copy_error: BaseException | None = None
        if isinstance(file, str | os.PathLike):
            source = source or str(file)
            handle: IO[bytes] = stack.enter_context(open(file, "rb"))  # noqa: SIM115
        else:
            source = source or "<warc>"
            handle = file
            if not _seekable(handle):
                spool = stack.enter_context(tempfile.TemporaryFile())
                try:
                    shutil.copyfileobj(handle, spool, 1 << 20)
                except (EOFError, OSError, zlib.error, lzma.LZMAError) as exc:
                    copy_error = exc  # read what arrived, then report the cut
                spool.seek(0)
                handle = spool
        yield from _read_records(handle, source, options, copy_error)


def _read_records(
    handle: IO[bytes], source: str, options: IngestOptions, copy_error: BaseException | None
) -> Iterator[ReadResult]:
    pending: _Record | None = None
    number = 0
    broken: str | None = None
    try:
        records = ArchiveIterator(handle, parse_http=True, auto_decode="all")
        for record in records:
            number += 1
            if not record.record_type & _DOCUMENT_TYPES:
                continue
            current = _capture(record, number, options)
            if pending is not None:
                yield _convert(pending, source, options)
            pending = current
    except (GeneratorExit, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # FastWARC (Rust) panics are BaseExceptions: report them
        broken = f"{type(exc).__name__}: {exc!s:.200}"

    cut: tuple[str, str, bool] | None = None
    try:
        cut = _check_tail(
            handle, pending.offset if pending else 0, pending.length if pending else 0, options
        )
    except (OSError, ValueError) as exc:
        cut = ("corrupt", f"cannot re-read the end of the file: {exc}", False)
    if cut is None and copy_error is not None:
        cut = ("truncated", f"the compressed stream ends early ({copy_error})", False)
    if pending is not None and not (cut and cut[2]):
        yield _convert(pending, source, options)
    if cut is not None:
        at = f" at record #{pending.number}" if pending is not None and cut[2] else ""
        what = "is truncated" if cut[0] == "truncated" else "is damaged"
        yield failed(source, cut[0], f"{source}: file {what}{at}: {cut[1]}")
    elif broken is not None:
        yield failed(
            source, "corrupt", f"{source}: reading stopped after record {number}: {broken}"
        )
