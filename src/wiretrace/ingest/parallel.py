"""Ingest on every core: reading, cleaning, preparation and fingerprinting run in a pool
of worker processes; the caller stays the single writer and stores their results in input
order, so ids, duplicates and republications resolve exactly as a serial run resolves them.

The inputs are first listed (``InputPlan``: the files a folder holds, in ``read_path``'s
order, and what cannot be read at all), then turned into tasks:

* a single-document file (a page, a text, a feed) is read whole by a worker: extraction
  is the expensive part of reading it;
* a file of many records (JSON lines, a WARC, or any file over ``READ_IN_MAIN_BYTES``) is
  read here, lazily, and its records go to the workers ``CHUNK`` at a time: one task per
  file would put a 3,000-story JSONL on a single core and all of it in memory. A JSON
  line goes as its bytes (``_Line``): parsing and cleaning it, two thirds of reading a
  JSONL, is done by the worker. A WARC's pages are still extracted here.

The writer is one of the ``workers``: the pool has one process fewer, and the writer does
a task itself whenever the oldest result it awaits is not in yet (and every task until a
pool worker is ready: spawning one, a Python importing wiretrace and loading the tokenizer,
takes ~0.5 s of a core). At most 4 tasks a pool process are in flight and twice that many
results held, so memory stays bounded whatever the input. Workers ignore SIGINT: an
interrupt reaches the writer, which stops between batches and keeps every batch it
committed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..data import Article, ReadResult
from . import _JSONL_EXT, _WARC_EXT, _read_file, _suffix, expand_path
from .jsonl import LINE_PARSER, parse_line
from .options import IngestOptions

if TYPE_CHECKING:
    from wiretrace.engine import Wiretrace
    from wiretrace.fingerprint import Fingerprint, Fingerprinter
    from wiretrace.store import IngestStats

__all__ = ["CHUNK", "READ_IN_MAIN_BYTES", "FileUnit", "InputPlan", "Outcome", "cpu_count",
           "ingest_parallel", "read_unit"]

#: Records per task when a file is read here and its records are sent to the workers.
CHUNK = 64
#: Files larger than this are read here (they hold many records, or are refused as too
#: large), whatever their format.
READ_IN_MAIN_BYTES = 1 << 20


#: Less input than this (bytes on disk) is ingested in this process: starting the pool
#: (each worker loads the tokenizer and the embedding table) costs 1-2 s, more than a
#: small ingest gains.
PARALLEL_MIN_BYTES = 8 << 20


def default_workers(plan: InputPlan) -> int:
    """One worker per core for a large input, none (this process) for a small one."""
    return cpu_count() if plan.input_bytes() >= PARALLEL_MIN_BYTES else 1


def cpu_count() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class FileUnit:
    """One file to read; ``alias`` names it in results (``<stdin>`` for the spooled copy)."""

    path: str
    alias: str | None = None


class InputPlan:
    """The inputs of one ingest, listed before anything is read: the progress bar needs
    their number, and the tasks are cut from it. Mirrors ``read_path`` exactly (same
    files, order and failures); stdin is spooled to a temporary file, removed on exit."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.items: list[FileUnit | ReadResult] = []
        self._spools: list[Any] = []
        for path in paths:
            self.items.extend(self._expand(path))

    def _expand(self, path: str) -> Iterator[FileUnit | ReadResult]:
        if path == "-":
            tmp = tempfile.NamedTemporaryFile(prefix="wiretrace-stdin-")  # noqa: SIM115
            self._spools.append(tmp)
            shutil.copyfileobj(sys.stdin.buffer, tmp, length=1 << 20)
            tmp.flush()
            yield FileUnit(tmp.name, alias="<stdin>")
            return
        for item in expand_path(Path(path)):
            yield item if isinstance(item, ReadResult) else FileUnit(str(item))

    def input_bytes(self) -> int:
        """Bytes on disk of the files to read (0 for one that vanished since listing)."""
        total = 0
        for item in self.items:
            if isinstance(item, FileUnit):
                with contextlib.suppress(OSError):
                    total += os.stat(item.path).st_size
        return total

    def close(self) -> None:
        for tmp in self._spools:
            tmp.close()
        self._spools.clear()

    def __enter__(self) -> InputPlan:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def read_unit(item: FileUnit | ReadResult, options: IngestOptions) -> Iterator[ReadResult]:
    """What ``read_path`` yields for this item of a plan."""
    if isinstance(item, ReadResult):
        yield item
        return
    for result in _read_file(Path(item.path), options):
        if item.alias:
            result.source = result.source.replace(item.path, item.alias, 1)
            if result.detail:
                result.detail = result.detail.replace(item.path, item.alias)
        yield result


def _read_in_main(unit: FileUnit) -> bool:
    """Whether a file probably holds many records (see the module's docstring)."""
    try:
        size = os.stat(unit.path).st_size
    except OSError:
        return False  # the worker's reader reports it
    return size > READ_IN_MAIN_BYTES or _suffix(unit.path) in _JSONL_EXT | _WARC_EXT


@dataclass(slots=True)
class _Line(ReadResult):
    """A JSON line read here and parsed by a worker (``jsonl.parse_line``)."""

    line: bytes = b""


def _defer(line: bytes, *, where: str, options: IngestOptions) -> ReadResult:
    return _Line(source=where, status="ok", line=line)


def _reading_lines_later(reader: Iterator[ReadResult]) -> Iterator[ReadResult]:
    """``reader``'s results with its JSON lines left unparsed (the parser is swapped only
    while the reader runs, never across a yield)."""
    while True:
        token = LINE_PARSER.set(_defer)
        try:
            res = next(reader, None)
        finally:
            LINE_PARSER.reset(token)
        if res is None:
            return
        yield res


@dataclass(slots=True)
class Outcome:
    """One read result after preparation: an article with its fingerprint, or the reason
    it was not stored (``detail`` is the line the CLI lists; None for ``no_text``, which
    the serial ingest counts without listing)."""

    article: Article | None = None
    fingerprint: Fingerprint | None = None
    reason: str | None = None
    detail: str | None = None


@dataclass(slots=True)
class TaskResult:
    outcomes: list[Outcome] = field(default_factory=list)
    files: int = 0  #: plan items this task finished (for the progress bar)


# -- worker side ---------------------------------------------------------------------------
def _fingerprinter() -> Fingerprinter:
    from wiretrace.fingerprint import process_fingerprinter

    return process_fingerprinter()


def _exit_with(parent: int) -> None:
    """A worker outliving its writer (killed with SIGKILL) would wait forever: the pool's
    queues are pipes the workers also hold, so they never see an end of file."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _warm() -> None:
    """A worker's first task: load the tokenizer, so that a finished one means a worker
    ready to take tasks."""
    _fingerprinter().static.encode(["."])


def _init_worker(identity: str, parent: int) -> None:
    """Refuse to fingerprint unlike the store (a worker with another model or cache), leave
    Ctrl-C to the writer, and end with the writer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True,
                     name="wiretrace-parent-watch").start()
    mine = _fingerprinter().config.identity()
    if mine != identity:
        raise RuntimeError(f"worker fingerprints as {mine}, the store as {identity}")


def prepare_results(results: Iterable[ReadResult], options: IngestOptions | None = None,
                    fingerprinter: Fingerprinter | None = None) -> list[Outcome]:
    """Clean, prepare and fingerprint what a reader yielded, as ``Wiretrace.add`` does
    (``prepare(clean(article))``, articles without passages counted as ``no_text``). An
    exception on one hostile article is counted by its stage, never fatal to the run.
    ``fingerprinter``: the writer's own, when it does a task itself (default: this
    process's)."""
    from wiretrace.prepare import clean, prepare

    out: list[Outcome] = []
    ready: list[int] = []
    for res in results:
        if isinstance(res, _Line):
            res = parse_line(res.line, where=res.source, options=options or IngestOptions())
        if res.status != "ok" or res.article is None:
            out.append(Outcome(reason=res.reason or "failed",
                               detail=res.detail or f"{res.source}: {res.reason}"))
            continue
        try:
            art = prepare(clean(res.article))
        except Exception as exc:  # one bad article must not stop the run
            out.append(Outcome(reason="prepare_error",
                               detail=f"{res.source}: cannot prepare: {exc!r:.200}"))
            continue
        if not art.passages:
            out.append(Outcome(reason="no_text"))
            continue
        ready.append(len(out))
        out.append(Outcome(article=art))
    _fingerprint([out[i] for i in ready], fingerprinter or _fingerprinter())
    return out


def _fingerprint(outcomes: list[Outcome], fp: Fingerprinter) -> None:
    """Fingerprint in one batch (the encoder's vectors do not depend on the batch: each
    row is its own sparse sum); if the batch fails, one by one to find the culprit."""
    if not outcomes:
        return
    try:
        prints = fp.fingerprint_many([o.article for o in outcomes if o.article])
    except Exception:
        for o in outcomes:
            try:
                o.fingerprint = fp.fingerprint_many([o.article] if o.article else [])[0]
            except Exception as exc:
                o.reason, o.detail = "fingerprint_error", (
                    f"{o.article.id if o.article else '?'}: cannot fingerprint: {exc!r:.200}")
                o.article = None
        return
    for o, p in zip(outcomes, prints, strict=True):
        o.fingerprint = p


def _task_file(unit: FileUnit, options: IngestOptions,
               fingerprinter: Fingerprinter | None = None) -> TaskResult:
    return TaskResult(prepare_results(read_unit(unit, options), None, fingerprinter), files=1)


def _task_results(results: list[ReadResult], files: int, options: IngestOptions,
                  fingerprinter: Fingerprinter | None = None) -> TaskResult:
    return TaskResult(prepare_results(results, options, fingerprinter), files=files)


# -- writer side ---------------------------------------------------------------------------
def _done(value: TaskResult) -> Future[TaskResult]:
    future: Future[TaskResult] = Future()
    future.set_result(value)
    return future


@dataclass(frozen=True, slots=True)
class _Job:
    """One task: ``run(*args)`` in a worker, or ``run(*args, fingerprinter)`` here."""

    run: Callable[..., TaskResult]
    args: tuple[Any, ...]
    here: bool = False  #: nothing worth sending away (a failure known without reading)


def _jobs(items: list[FileUnit | ReadResult], options: IngestOptions) -> Iterator[_Job]:
    """The tasks of a plan in input order, made lazily (records are read as they go)."""
    for item in items:
        if isinstance(item, ReadResult):  # known without reading: nothing to send away
            yield _Job(_task_results, ([item], 1, options), here=True)
        elif not _read_in_main(item):
            yield _Job(_task_file, (item, options))
        else:
            chunk: list[ReadResult] = []
            for res in _reading_lines_later(read_unit(item, options)):
                if len(chunk) >= CHUNK:
                    yield _Job(_task_results, (chunk, 0, options))
                    chunk = []
                chunk.append(res)
            yield _Job(_task_results, (chunk, 1, options))  # the file's last records


def _in_order(jobs: Iterator[_Job], pool: Executor | None, processes: int,
              fingerprinter: Fingerprinter) -> Iterator[TaskResult]:
    """The jobs' results in input order. Up to ``depth`` (4 a pool process: a writer busy
    storing a batch must not leave them idle) jobs are kept in the pool; when the oldest
    result is not in yet, the writer does the next job itself rather than wait (so it is
    one of the workers, and never idle while there is work), holding at most ``2 x depth``
    results. Until a pool process is ready (``_warm`` done: spawned, wiretrace imported,
    tokenizer loaded, ~0.5 s) every job is done here."""
    depth = 4 * max(1, processes)
    ready = [pool.submit(_warm) for _ in range(processes)] if pool is not None else []
    ahead: deque[Future[TaskResult]] = deque()
    more = True

    def next_job(here: bool) -> None:
        nonlocal more
        job = next(jobs, None)
        if job is None:
            more = False
        elif here or job.here:
            ahead.append(_done(job.run(*job.args, fingerprinter)))
        else:
            ahead.append(pool.submit(job.run, *job.args))  # type: ignore[union-attr]

    while more or ahead:
        if ahead and ahead[0].done():
            yield ahead.popleft().result()
        elif more and pool is not None and any(f.done() for f in ready) and sum(
                not f.done() for f in ahead) < depth:
            next_job(here=False)
        elif more and len(ahead) < 2 * depth:
            next_job(here=True)
        else:
            yield ahead.popleft().result()


def ingest_parallel(
    engine: Wiretrace,
    plan: InputPlan,
    stats: IngestStats,
    *,
    workers: int,
    batch: int = 256,
    options: IngestOptions | None = None,
    failures: list[str] | None = None,
    on_batch: Callable[[IngestStats], None] | None = None,
    on_files: Callable[[int], None] | None = None,
) -> IngestStats:
    """Ingest a plan with ``workers`` processes, this one (the writer, which also takes
    tasks) and ``workers - 1`` in a pool; the same store, counts and ``failures`` lines as
    ``engine.add`` over ``read_path``. ``on_files`` gets the number of plan items finished
    as each task's results are taken in."""
    options = options or IngestOptions()
    context = multiprocessing.get_context("spawn")  # never fork an open SQLite / FAISS
    pool = ProcessPoolExecutor(max_workers=workers - 1, mp_context=context,
                               initializer=_init_worker,
                               initargs=(engine.fingerprinter.config.identity(),
                                         os.getpid())) if workers > 1 else None

    def fingerprinted() -> Iterator[tuple[Article, Fingerprint]]:
        jobs = _jobs(plan.items, options)
        for result in _in_order(jobs, pool, workers - 1, engine.fingerprinter):
            for o in result.outcomes:
                if o.article is not None and o.fingerprint is not None:
                    yield o.article, o.fingerprint
                else:
                    stats.fail(o.reason or "failed")
                    if o.detail and failures is not None:
                        failures.append(o.detail)
            if on_files and result.files:
                on_files(result.files)

    try:
        engine.add_fingerprinted(fingerprinted(), stats, batch=batch, on_batch=on_batch)
    except BaseException:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    if pool is not None:
        pool.shutdown(wait=True)
    return stats
