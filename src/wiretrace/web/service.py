"""Everything the pages and the API ask of the store, and who waits for whom.

The engine is not safe for concurrent use (one SQLite connection, a lazily built LSH
index, an LRU cache of embeddings, a BLAS model), so every call into it holds one lock,
:class:`EngineLock`: first come, first served, and it logs whoever holds it over 5 s.
Nothing that only reads rows takes it: articles, search, counts and sites are read through
a connection of each worker thread's own (``Store.view``; WAL lets them read while the
engine writes), so a read answers in milliseconds while traces queue.

Work that would hold the engine for long holds it in short turns instead: an ingest
lets waiting requests go between batches of articles, and stories are built by one
background thread (:class:`StoryBuilds`) that lets waiting requests go every second or
so; requests serve the last complete build meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from wiretrace.data import Article
from wiretrace.engine import Wiretrace
from wiretrace.ingest.query import Query as QueryInput
from wiretrace.ingest.query import query_from_store
from wiretrace.report import trace_report
from wiretrace.report.html import render_body, render_html
from wiretrace.store import IngestStats, Store
from wiretrace.store.sqlite import MAX_SEARCH_TERMS as MAX_TERMS
from wiretrace.store.sqlite import search_terms

log = logging.getLogger("wiretrace.web")

MAX_QUERY_CHARS = 2000  # longest search query (a long paragraph); longer is refused (422)
HOLD_WARNING_S = 5.0  # log a request that holds the engine longer than this
MAX_WAITING = 16  # requests queued for the engine before more are refused (503)
INGEST_BATCH = 32  # articles an ingest adds before it lets waiting requests go
STORY_TURN_S = 1.0  # the story builder keeps the engine this long when others wait


class EngineBusy(RuntimeError):
    """Too many requests already wait for the engine: refuse rather than queue (503)."""


class EngineLock:
    """The engine's lock: first come, first served (a ticket lock).

    ``threading.Lock`` is not fair: a thread that releases it and asks again at once, as
    the story builder does between calls, usually wins it back and can starve a waiting
    trace for as long as the build runs. With tickets, whoever asked first goes first.
    """

    def __init__(self, *, max_waiting: int = MAX_WAITING,
                 warn_after: float = HOLD_WARNING_S) -> None:
        self._cond = threading.Condition()
        self._next = 0  # next ticket to hand out
        self._serving = 0  # ticket that holds the lock (or may take it)
        self._since = 0.0
        self._who = ""
        self.max_waiting = max_waiting
        self.warn_after = warn_after

    def waiting(self) -> int:
        """Requests (and builders) queued behind the holder."""
        with self._cond:
            return max(0, self._next - self._serving - 1)

    def acquire(self, who: str, *, refuse_when_busy: bool = False) -> None:
        with self._cond:
            if refuse_when_busy and self._next - self._serving > self.max_waiting:
                raise EngineBusy(f"{self._next - self._serving} requests are running or "
                                 "waiting for the engine; try again in a few seconds")
            ticket = self._next
            self._next += 1
            while self._serving != ticket:
                self._cond.wait()
            self._since, self._who = time.perf_counter(), who

    def release(self) -> None:
        with self._cond:
            held, who = time.perf_counter() - self._since, self._who
            self._serving += 1
            self._cond.notify_all()
        if held > self.warn_after:
            log.warning("wiretrace: %s held the engine for %.1f s (other requests waited)",
                        who, held)

    def pause(self) -> None:
        """Called by the holder between two steps of a long job: let everyone already
        waiting go first, then carry on (behind them)."""
        if self.waiting():
            who = self._who
            self.release()
            self.acquire(who)

    @contextmanager
    def hold(self, who: str, *, refuse_when_busy: bool = True) -> Iterator[None]:
        self.acquire(who, refuse_when_busy=refuse_when_busy)
        try:
            yield
        finally:
            self.release()


# -- search --------------------------------------------------------------------------------


# -- the service -----------------------------------------------------------------------------


class Service:
    """One engine behind :class:`EngineLock`; reads on per-thread connections of their own;
    stories from :class:`StoryBuilds`."""

    def __init__(self, engine: Wiretrace) -> None:
        self.engine = engine
        self.lock = EngineLock()
        self._local = threading.local()
        self.stories = StoryBuilds(self)

    def reader(self) -> Store:
        """This thread's read-only view of the store (opened on first use): the server's
        worker threads are reused, so each keeps one connection."""
        view: Store | None = getattr(self._local, "store", None)
        if view is None:
            view = self._local.store = self.engine.store.view()
        return view

    def trace(self, article: Article, top: int | None = None) -> dict[str, Any]:
        """The ``wiretrace.trace/1`` report, as ``wiretrace trace --format json`` prints it."""
        with self.lock.hold("a trace"):
            result = self.engine.trace(article, limit=top)
        return trace_report(result, self.reader().get)

    def trace_page(self, article: Article) -> tuple[dict[str, Any], str]:
        """The report and its HTML body (which reads the sources' full texts)."""
        with self.lock.hold("a trace"):
            result = self.engine.trace(article)
        get = self.reader().get
        report = trace_report(result, get)
        return report, render_body(report, get)

    def standalone(self, report: dict[str, Any]) -> str:
        return render_html(report, self.reader().get)

    def get(self, article_id: str) -> Article | None:
        return self.reader().get(article_id)

    def query(self, article_id: str) -> QueryInput:
        return query_from_store(self.reader(), article_id)

    def search(self, q: str, *, site: str | None, since: str | None, until: str | None,
               limit: int) -> tuple[list[dict[str, Any]], list[str], int]:
        """(hits, the words searched for, how many words were dropped): see
        :func:`search_terms`."""
        terms, dropped = search_terms(q)
        hits = self.reader().search(" ".join(terms), limit=limit, site=site, since=since,
                                    until=until)
        return hits, terms, dropped

    def sites(self) -> list[tuple[str, int]]:
        return self.reader().sites()

    def counts(self) -> dict[str, int]:
        store = self.reader()
        return {"articles": len(store), "passages": store.n_passages(),
                "republications": store.n_republications()}

    def version(self) -> tuple[int, int]:
        """(pages, last article rowid): changes whenever an article or a republication of
        one is stored."""
        store = self.reader()
        row = store.db.execute("SELECT count(*), max(rowid) FROM articles").fetchone()
        return int(row[0]) + store.n_republications(), int(row[1] or 0)

    def add(self, articles: Iterable[Article], stats: IngestStats) -> None:
        """Store articles; between batches of ``INGEST_BATCH`` the requests waiting for the
        engine go first, so a large upload does not stall every trace until it is done."""
        with self.lock.hold("an ingest"):
            self.engine.add(articles, stats, batch=INGEST_BATCH,
                            on_batch=lambda _stats: self.lock.pause())

    def warm(self) -> None:
        """Load what the first trace would otherwise load while a user waits
        (``Wiretrace.warm``)."""
        with self.lock.hold("the warm-up", refuse_when_busy=False):
            self.engine.warm()


# -- stories in the background ---------------------------------------------------------------


class _StoryEngine:
    """The engine as ``build_stories`` sees it in a background build: rows and the verdict
    cache through the build's own store connection, and the model calls (one retrieval,
    one pair's judgement: well under a second each) under the engine lock in turns of
    ``STORY_TURN_S``: when requests wait, they go first at the end of the builder's turn,
    so a trace waits about a second for the builder, not for the whole build. (A turn per
    call would starve the build under a steady stream of traces: each call waits behind
    every queued trace.) Only what the builder uses is here: a new need fails loudly
    (AttributeError) rather than reaching the engine unlocked."""

    def __init__(self, engine: Wiretrace, store: Store, lock: EngineLock) -> None:
        self._engine, self._lock = engine, lock
        self._since: float | None = None  # when the builder's current turn began
        self.store = store
        self.fingerprinter = engine.fingerprinter
        self.retrieve_config = engine.retrieve_config
        self.align_config = engine.align_config
        self.thresholds = engine.thresholds

    def _turn(self) -> None:
        if self._since is None:
            self._lock.acquire("the story builder")
            self._since = time.perf_counter()
        elif time.perf_counter() - self._since >= STORY_TURN_S and self._lock.waiting():
            self._lock.pause()
            self._since = time.perf_counter()

    def release(self) -> None:
        """End the builder's turn (after the last judgement, and when the build ends)."""
        if self._since is not None:
            self._since = None
            self._lock.release()

    def neighbours(self, article: Article, exclude_ids: Iterable[str] = (),
                   limit: int | None = None) -> Any:
        self._turn()
        return self._engine.neighbours(article, exclude_ids, limit)

    def compare_seated(self, query: Article, candidate: Article,
                       signals: dict[str, float] | None = None, *, explain: bool = True
                       ) -> Any:
        self._turn()
        return self._engine.compare_seated(query, candidate, signals, explain=explain)


class StoryBuilds:
    """Stories built by one background thread at a time; requests read the last complete
    build.

    A request calls :meth:`refresh`: when the store holds articles the last build has not
    seen and no build runs, one starts (incremental: only new articles are judged, as
    ``wiretrace stories`` does). Until it finishes, requests get the previous build with
    a note that it is being updated, or, before the first build, a note with its progress.
    """

    def __init__(self, service: Service) -> None:
        self.service = service
        self._mu = threading.Lock()
        self._thread: threading.Thread | None = None
        self.index: Any = None  # the last complete StoryIndex
        self.built_for: tuple[int, int] | None = None  # Service.version() it was started at
        self.built_at: float | None = None
        self.progress: tuple[int, int] = (0, 0)  # articles judged, to judge (this build)
        self.error: str | None = None
        self.failed_at = 0.0
        # the builders' own connection, kept between builds: on a store this user may not
        # write, the verdict cache lives in that connection's memory
        self._store: Store | None = None

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def refresh(self) -> None:
        """Start a build if the store changed since the last one (a failed build is
        retried after a minute, or at once when the store changes)."""
        version = self.service.version()
        with self._mu:
            if self.running():
                return
            if self.error is None and self.index is not None and self.built_for == version:
                return
            if (self.error is not None and self.built_for == version
                    and time.monotonic() - self.failed_at < 60):
                return
            self.progress = (0, 0)
            self._thread = threading.Thread(target=self._build, args=(version,),
                                            name="wiretrace-stories", daemon=True)
            self._thread.start()

    def _build(self, version: tuple[int, int]) -> None:
        try:
            index = self._judge_and_cluster()
        except Exception as e:  # noqa: BLE001 - a failed build is reported, not fatal
            log.exception("wiretrace: building the stories failed")
            with self._mu:
                self.error, self.built_for = f"{type(e).__name__}: {e}"[:300], version
                self.failed_at = time.monotonic()
        else:
            with self._mu:
                self.index, self.built_for, self.built_at = index, version, time.time()
                self.error = None

    def _judge_and_cluster(self) -> Any:
        from wiretrace.story import build_stories

        engine = self.service.engine
        if self._store is None:
            self._store = engine.store.view(writable=True)
        builder = _StoryEngine(engine, self._store, self.service.lock)

        def progress(done: int, total: int) -> None:
            self.progress = (done, total)
            if done >= total:
                builder.release()  # clustering needs no engine

        try:
            return build_stories(builder, progress=progress)
        finally:
            builder.release()

    def status(self) -> dict[str, Any]:
        """The ``build`` object of ``/api/stories``: ``state`` is ``current`` (the stories
        cover every stored article), ``updating`` (the last build is served while new
        articles are judged), ``building`` (no build finished yet) or ``failed``."""
        with self._mu:
            running, index, error = self.running(), self.index, self.error
            done, total = self.progress
            built_at = self.built_at
        state = ("updating" if index is not None else "building") if running else (
            "failed" if error else "current")
        return {
            "state": state,
            "built_at": (datetime.fromtimestamp(built_at, UTC).isoformat(
                timespec="seconds") if built_at else None),
            "articles_in_build": index.stats.get("articles") if index is not None else None,
            "judged": done if running else None,
            "to_judge": total if running else None,
            "error": error if state == "failed" else None,
        }


__all__ = ["MAX_QUERY_CHARS", "MAX_TERMS", "EngineBusy", "EngineLock", "Service",
           "StoryBuilds", "search_terms"]
