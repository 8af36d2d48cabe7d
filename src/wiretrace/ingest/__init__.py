"""Readers: files, folders or stdin of any supported format -> ``ReadResult`` per document.

>>> from wiretrace.ingest import read_path
>>> for result in read_path("crawl/"):                     # doctest: +SKIP
...     if result.status == "ok":
...         store(result.article)
...     else:
...         skipped[result.reason] += 1                    # "binary", "truncated", ...

The format is sniffed from the content first (a WARC is a WARC whatever its name), then
from the extension: HTML, WARC/WET, JSON lines / JSON, RSS/Atom, plain text or Markdown,
each optionally gzip-, bzip2- or xz-compressed. Folders are read recursively in sorted
order, skipping hidden entries, so two runs see the same sequence. What a folder holds
besides files is counted, never silently dropped: named pipes, sockets and devices
(``special_file``: opening a pipe would wait for a writer forever), folders that cannot be
listed (``unreadable``), links to nothing (``not_found``), and a folder with no file at all
(``empty_folder``); only links to folders are passed over, on purpose. A special file named
as the path itself is refused the same way.

A reader never raises on bad input and never returns ``None``: every document becomes a
``ReadResult``, either ``ok`` with an article or ``failed`` with a ``reason``:

``not_found``, ``unreadable`` (OS error), ``special_file``, ``empty_folder``, ``empty``,
``binary``, ``undecodable``, ``too_large``, ``truncated``, ``corrupt``, ``no_text``,
``bad_json``, ``bad_xml``, ``unsafe_xml``, ``too_deep`` (markup nested too deep to read),
``not_a_feed``, ``unsupported``, ``http_status``, ``extraction_error``.
"""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import io
import lzma
import os
import shutil
import stat
import sys
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..data import ReadResult
from .options import DEFAULT_MAX_BYTES, IngestOptions

# The readers load when first used (``__getattr__`` below, and inside the functions that
# call them): a trace imports this package for ``credits`` only, and the readers' modules
# (lxml, FastWARC, the chrome rules, encodings) were ~0.15 s of a new trace process.
_LAZY = {
    "Credit": "credits", "find_credits": "credits", "PageParts": "boilerplate",
    "classify_line": "boilerplate", "split_page": "boilerplate", "read_feed": "feed",
    "read_html": "html", "read_json": "jsonl", "read_jsonl": "jsonl", "read_record": "jsonl",
    "read_text": "plaintext", "read_warc": "warc",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def failed(source: str, reason: str, message: str) -> ReadResult:
    """``_common.failed`` (imported when first needed)."""
    from ._common import failed as made

    return made(source, reason, message)


def looks_binary(head: bytes) -> bool:
    """``_common.looks_binary`` (imported when first needed)."""
    from ._common import looks_binary as check

    return check(head)

__all__ = [
    "Credit",
    "DEFAULT_MAX_BYTES",
    "IngestOptions",
    "PageParts",
    "classify_line",
    "find_credits",
    "read_feed",
    "read_html",
    "read_json",
    "read_jsonl",
    "read_path",
    "read_record",
    "read_stream",
    "read_text",
    "read_warc",
    "sniff_format",
    "split_page",
]

_HEAD = 64 * 1024
_COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz")
_HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
_FEED_EXT = {".xml", ".rss", ".atom"}
_JSONL_EXT = {".jsonl", ".ndjson", ".json"}
_TEXT_EXT = {".txt", ".text", ".md", ".markdown"}
_WARC_EXT = {".warc", ".wet", ".arc"}
_DECOMPRESS_ERRORS = (EOFError, OSError, zlib.error, lzma.LZMAError)


def _decompressing(magic: bytes, fh: IO[bytes]) -> IO[bytes] | None:
    """A decompressing reader over ``fh`` for gzip, bzip2 or xz data, else ``None``.

    The caller closes ``fh``; these wrappers hold no resource of their own.
    """
    if magic.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=fh, mode="rb")
    if magic.startswith(b"BZh"):
        return bz2.BZ2File(fh, mode="rb")
    if magic.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(fh, mode="rb")
    return None


def _suffix(name: str) -> str:
    """The format extension, looking through a compression suffix: a.jsonl.gz -> .jsonl."""
    lower = name.lower()
    for comp in _COMPRESSED_SUFFIXES:
        if lower.endswith(comp):
            lower = lower[: -len(comp)]
            break
    return os.path.splitext(lower)[1]


def sniff_format(head: bytes, name: str = "") -> str:
    """``warc``, ``feed``, ``html``, ``jsonl``, ``json`` or ``text`` for a document's start.

    Content signals that cannot be mistaken (a WARC version line, a feed or HTML root) win
    over the extension; the extension then decides; weak content signals come last.
    """
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    low = body[:4096].lower()
    ext = _suffix(name)
    if body.startswith(b"WARC/"):
        return "warc"
    if low.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf")) and any(
        tag in low for tag in (b"<rss", b"<feed", b"<rdf:rdf")
    ):
        return "feed"
    if low.startswith((b"<!doctype html", b"<html")) or (
        low.startswith(b"<?xml") and b"<html" in low
    ):
        return "html"
    if ext in _WARC_EXT:
        return "warc"
    if ext in _HTML_EXT:
        return "html"
    if ext in _FEED_EXT:
        return "feed" if low.startswith(b"<") else "text"
    if ext in _JSONL_EXT:
        first_line = body.split(b"\n", 1)[0].strip()
        whole = body.startswith(b"[") or not first_line.endswith(b"}")
        return "json" if ext == ".json" and whole else "jsonl"
    if ext in _TEXT_EXT:
        return "text"
    if body.startswith(b"{"):
        return "jsonl"
    if any(tag in low for tag in (b"<head", b"<body", b"<div", b"<p>", b"<article")):
        return "html"
    return "text"


class _Rejoined(io.RawIOBase):
    """A stream whose first bytes were already read for sniffing, put back in front.

    If reading those first bytes failed (a compressed file cut short), the error is
    raised again once they are consumed, where the reader reports it after the records
    it could read.
    """

    def __init__(self, head: bytes, rest: IO[bytes], error: BaseException | None = None) -> None:
        self._head = memoryview(head)
        self._rest = rest
        self._error = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        if self._error is not None:
            raise self._error
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_head(stream: IO[bytes]) -> tuple[bytes, BaseException | None]:
    """Up to 64 KiB from ``stream`` in small steps, and the error that stopped it, if any."""
    head = bytearray()
    try:
        while len(head) < _HEAD:
            chunk = stream.read(min(4096, _HEAD - len(head)))
            if not chunk:
                break
            head += chunk
    except _DECOMPRESS_ERRORS as exc:
        return bytes(head), exc
    return bytes(head), None


def _too_large(source: str, options: IngestOptions) -> ReadResult:
    return failed(
        source,
        "too_large",
        f"{source}: over the limit of {options.max_bytes:,} bytes "
        "(raise IngestOptions.max_bytes, --max-mb on the command line, to read it)",
    )


def read_stream(
    stream: IO[bytes],
    *,
    source: str,
    name: str = "",
    options: IngestOptions | None = None,
) -> Iterator[ReadResult]:
    """Every document in an open binary stream (decompressed already) -> results.

    ``name`` (a file name) only serves as the extension hint. JSON lines are streamed;
    a WARC stream is spooled to a temporary file (FastWARC needs to seek); any other
    document is read whole, up to ``options.max_bytes``.
    """
    from .feed import read_feed
    from .html import read_html
    from .jsonl import read_json, read_jsonl
    from .plaintext import read_text
    from .warc import read_warc

    options = options or IngestOptions()
    head, error = _read_head(stream)
    if not head.strip():
        yield (
            _decompress_failure(source, error)
            if error
            else failed(source, "empty", f"{source}: no content")
        )
        return
    kind = sniff_format(head, name)
    joined = io.BufferedReader(_Rejoined(head, stream, error), buffer_size=_HEAD)
    if kind == "warc":
        yield from read_warc(joined, source=source, options=options)
        return
    if looks_binary(head):
        yield failed(source, "binary", f"{source}: binary data (NUL or control bytes), not text")
        return
    if kind == "jsonl":
        yield from read_jsonl(joined, source=source, options=options)
        return
    try:
        data = joined.read(options.max_bytes + 1)
    except _DECOMPRESS_ERRORS as exc:
        yield _decompress_failure(source, exc)
        return
    if len(data) > options.max_bytes:
        yield _too_large(source, options)
        return
    if kind == "html":
        yield read_html(data, source=source, options=options)
    elif kind == "feed":
        yield from read_feed(data, source=source, options=options)
    elif kind == "json":
        yield from read_json(data, source=source, options=options)
    else:
        yield read_text(data, source=source, options=options)


def _decompress_failure(source: str, exc: BaseException) -> ReadResult:
    if isinstance(exc, EOFError):
        return failed(source, "truncated", f"{source}: compressed data ends early ({exc})")
    return failed(source, "corrupt", f"{source}: cannot decompress: {exc!s:.200}")


def _read_file(path: Path, options: IngestOptions) -> Iterator[ReadResult]:
    from .warc import read_warc

    source = str(path)
    try:
        size = path.stat().st_size
        fh = path.open("rb")
    except OSError as exc:
        yield failed(source, "unreadable", f"{source}: {exc.strerror or exc}")
        return
    with fh:
        if size == 0:
            yield failed(source, "empty", f"{source}: empty file (0 bytes)")
            return
        try:
            magic = fh.read(8)
            fh.seek(0)
        except OSError as exc:
            yield failed(source, "unreadable", f"{source}: {exc.strerror or exc}")
            return
        inner = _decompressing(magic, fh)
        if inner is None:
            head = fh.read(_HEAD)
            fh.seek(0)
            if sniff_format(head, path.name) == "warc":
                yield from read_warc(path, source=source, options=options)
                return
            # One document (or a feed) bigger than the limit: do not even read it.
            single = sniff_format(head, path.name) != "jsonl"
            if size > options.max_bytes and single and not looks_binary(head):
                yield _too_large(source, options)
                return
            yield from read_stream(fh, source=source, name=path.name, options=options)
            return
        head, error = _read_head(inner)
        if sniff_format(head, path.name) == "warc" and magic.startswith(b"\x1f\x8b"):
            yield from read_warc(path, source=source, options=options)  # FastWARC inflates
            return
        rejoined = io.BufferedReader(_Rejoined(head, inner, error))
        yield from read_stream(rejoined, source=source, name=path.name, options=options)


_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def special_file(path: str | os.PathLike[str]) -> str | None:
    """What ``path`` is when it exists but is neither a regular file nor a folder (``"a
    named pipe (FIFO)"``, ...), else ``None``. Such a path is never opened: a pipe with no
    writer would block forever, a device may never end."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((what for test, what in _SPECIAL if test(mode)), "not a regular file")


def _special(source: str, what: str) -> ReadResult:
    hint = " (to read a pipe, pass '-' and redirect it to stdin)" if "pipe" in what else ""
    return failed(source, "special_file", f"{source}: {what}, not a file{hint}")


def _listing(folder: Path) -> list[os.DirEntry[str]] | list[ReadResult]:
    """A folder's entries in sorted order, or one failed result when it cannot be listed."""
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as exc:
        return [failed(str(folder), "unreadable",
                       f"{folder}: cannot list this folder ({exc.strerror or exc})")]


def _walk(folder: Path) -> Iterator[Path | ReadResult]:
    """Files under ``folder`` in sorted order, and a failed result for each thing that is
    not read: a folder that cannot be listed, a special file, a link to nothing. Hidden
    names are skipped; symlinked folders are not followed (no cycles, no escaping). An
    explicit stack, not recursion: a folder nested thousands deep is walked, not a crash."""
    stack: list[Iterator[Any]] = [iter(_listing(folder))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if isinstance(entry, ReadResult):
            yield entry
            continue
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                stack.append(iter(_listing(Path(entry.path))))
            elif entry.is_file():
                yield Path(entry.path)
            elif not os.path.exists(entry.path):
                yield failed(entry.path, "not_found",
                             f"{entry.path}: a symbolic link to nothing")
            elif not entry.is_dir():  # a linked folder is not followed, by design
                yield _special(entry.path, special_file(entry.path) or "not a regular file")
        except OSError as exc:
            yield failed(entry.path, "unreadable", f"{entry.path}: {exc.strerror or exc}")


def _read_stdin(options: IngestOptions) -> Iterator[ReadResult]:
    """stdin, spooled to a temporary file so that it is sniffed and checked like a file."""
    with tempfile.NamedTemporaryFile(prefix="wiretrace-stdin-", delete=True) as tmp:
        shutil.copyfileobj(sys.stdin.buffer, tmp, length=1 << 20)
        tmp.flush()
        for result in _read_file(Path(tmp.name), options):
            result.source = result.source.replace(tmp.name, "<stdin>", 1)
            if result.detail:
                result.detail = result.detail.replace(tmp.name, "<stdin>")
            yield result


def read_path(
    path: str | os.PathLike[str],
    *,
    options: IngestOptions | None = None,
    max_bytes: int | None = None,
) -> Iterator[ReadResult]:
    """Every document under ``path`` (a file, a folder, or ``"-"`` for stdin) -> results.

    ``max_bytes`` is a shortcut for ``IngestOptions(max_bytes=...)`` (the per-page,
    per-record limit, default 20 MiB). Results come lazily, in a deterministic order.
    """
    options = options or IngestOptions()
    if max_bytes is not None:
        options = dataclasses.replace(options, max_bytes=max_bytes)
    if str(path) == "-":
        yield from _read_stdin(options)
        return
    for item in expand_path(Path(path)):
        if isinstance(item, ReadResult):
            yield item
        else:
            yield from _read_file(item, options)


def expand_path(target: Path) -> Iterator[Path | ReadResult]:
    """The files a path names, in reading order (a folder walked), or the failure that
    stands for it (an empty folder, a special file, a missing path): what ``read_path``
    reads and what parallel ingest plans, from one listing."""
    if target.is_dir():
        found = False
        for item in _walk(target):
            found = True
            yield item
        if not found:
            yield failed(str(target), "empty_folder",
                         f"{target}: no files in this folder (hidden ones are skipped)")
    elif what := special_file(target):
        yield _special(str(target), what)
    elif target.exists():
        yield target
    else:
        yield failed(str(target), "not_found", f"{target}: no such file or folder")
