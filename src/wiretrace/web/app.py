"""The FastAPI app behind :func:`wiretrace.web.create_app`.

Pages (HTML, Jinja2 with autoescape: every article field is untrusted) and the JSON API
share one :class:`Service`, which owns the engine. The engine is not safe for concurrent
use (one SQLite connection, a lazily built LSH index, an LRU cache of embeddings, a BLAS
model), so every call into it holds one lock; the endpoints are plain functions, run by
the server's thread pool, so a long trace does not block the event loop, it only queues
the next trace.

Guards: :class:`Guard` refuses a request body over ``max_bytes`` with a 413 before reading
it (or as soon as a chunked body passes the limit), and gives every response a
Content-Security-Policy that forbids scripts and every fetch but the app's own forms.
Errors are HTML pages, or ``{"error": {"status", "message"}}`` under ``/api/``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from wiretrace.data import Article
from wiretrace.engine import Wiretrace
from wiretrace.forensics.intrinsic import InspectError
from wiretrace.forensics.intrinsic import inspect as run_inspect
from wiretrace.ingest import read_path
from wiretrace.ingest.jsonl import read_record
from wiretrace.ingest.query import Query as QueryInput
from wiretrace.ingest.query import QueryError, query_from_bytes, query_from_store
from wiretrace.report import trace_report
from wiretrace.report.html import CSS as REPORT_CSS
from wiretrace.report.html import render_body, render_html, report_title
from wiretrace.report.inspect import _LABELS as SIGN_LABELS
from wiretrace.report.inspect import inspect_report
from wiretrace.report.model import article_summary
from wiretrace.store import IngestStats

log = logging.getLogger("wiretrace.web")

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
TEMPLATES = Path(__file__).with_name("templates")
_PICK_LIMIT = 500  # stored articles offered in the "pick an article" list
_TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed",
           413: "Request too large", 422: "Cannot use this input", 500: "Something went wrong"}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


# -- the engine behind a lock ------------------------------------------------------------


class Service:
    """One engine, one lock; everything the pages and the API ask of the store."""

    def __init__(self, engine: Wiretrace) -> None:
        self.engine = engine
        self.lock = threading.Lock()

    def trace(self, article: Article, top: int | None = None) -> dict[str, Any]:
        """The ``wiretrace.trace/1`` report, as ``wiretrace trace --format json`` prints it."""
        with self.lock:
            result = self.engine.trace(article, limit=top)
            return trace_report(result, self.engine.store.get)

    def trace_page(self, article: Article) -> tuple[dict[str, Any], str]:
        """The report and its HTML body (which reads the sources' full texts)."""
        with self.lock:
            result = self.engine.trace(article)
            report = trace_report(result, self.engine.store.get)
            return report, render_body(report, self.engine.store.get)

    def standalone(self, report: dict[str, Any]) -> str:
        with self.lock:
            return render_html(report, self.engine.store.get)

    def get(self, article_id: str) -> Article | None:
        with self.lock:
            return self.engine.store.get(article_id)

    def query(self, article_id: str) -> QueryInput:
        with self.lock:
            return query_from_store(self.engine.store, article_id)

    def search(self, q: str, *, site: str | None, since: str | None, until: str | None,
               limit: int) -> list[dict[str, Any]]:
        with self.lock:
            return self.engine.store.search(q, limit=limit, site=site, since=since, until=until)

    def sites(self) -> list[tuple[str, int]]:
        with self.lock:
            return self.engine.store.sites()

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {"articles": len(self.engine.store),
                    "passages": self.engine.store.n_passages()}

    def add(self, articles: Iterable[Article], stats: IngestStats) -> None:
        with self.lock:
            self.engine.add(articles, stats)

    def warm(self) -> None:
        """Load what the first trace would otherwise load while a user waits (the full
        model, the LSH and vector indexes): trace one stored article against one candidate."""
        with self.lock:
            self.engine.fingerprinter.full.encode(["Warm up."])  # even on an empty store
            first = next(iter(self.engine.store.ids()), None)
            article = self.engine.store.get(first) if first else None
            if article is not None:
                self.engine.trace(article, limit=1)

    def stories(self, min_size: int) -> dict[str, Any]:
        """The ``wiretrace.stories/1`` JSON, as ``wiretrace stories --format json`` prints it.
        Incremental: articles stored since the last call are judged now (their verdicts are
        cached in the store), so the first call on a large store takes a while."""
        from wiretrace.story import build_stories, to_json

        with self.lock:
            return to_json(build_stories(self.engine), min_size)


# -- request guard: body size, security headers -------------------------------------------


class Guard:
    """Pure ASGI middleware: 413 over ``max_bytes``, security headers on every response.

    A declared ``Content-Length`` over the limit is refused unread; a chunked body is read
    up to the limit and refused as soon as it passes it, else replayed to the app.
    """

    def __init__(self, app: Callable[..., Awaitable[None]], *, max_bytes: int,
                 too_large: Callable[[Scope], Response]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if h[0].lower() not in {k for k, _ in SECURITY_HEADERS}]
                message["headers"] = headers + SECURITY_HEADERS
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self.too_large(scope)(scope, receive, send_with_headers)
            return
        if declared is None and scope.get("method") in {"POST", "PUT", "PATCH"}:
            chunks, size, more = [], 0, True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                more = message.get("more_body", False)
                if size > self.max_bytes:
                    await self.too_large(scope)(scope, receive, send_with_headers)
                    return
            body = b"".join(chunks)
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


# -- API models ----------------------------------------------------------------------------


class TraceRequest(BaseModel):
    """Give ``text`` (pasted text or a whole page; its format is sniffed as for a file) or
    the ``id`` of a stored article."""

    text: str | None = Field(None, description="The article: plain text, HTML, JSON ...")
    id: str | None = Field(None, description="An article id in the store.")
    name: str | None = Field(None, description="A file name, as a format hint (page.html).")
    top: int | None = Field(None, ge=1, le=1000,
                            description="Verify at most this many candidates.")


class InspectRequest(BaseModel):
    """As for trace: ``text`` (raw HTML keeps its machine-translation markers) or ``id``."""

    text: str | None = None
    id: str | None = None
    name: str | None = None


class IngestRecord(BaseModel):
    """One article as a JSONL line: ``text`` is required; other fields are kept in meta."""

    model_config = {"extra": "allow"}
    text: str
    id: str | None = None
    url: str | None = None
    title: str | None = None
    site: str | None = None
    published: str | None = None
    byline: str | None = None
    language: str | None = None


class IngestRequest(BaseModel):
    articles: list[IngestRecord]


# -- helpers ---------------------------------------------------------------------------


def _is_api(scope_or_request: Scope | Request) -> bool:
    path = (scope_or_request.url.path if isinstance(scope_or_request, Request)
            else scope_or_request.get("path", ""))
    return path.startswith("/api/") or path == "/openapi.json"


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query"))
        parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


def _segments(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, note or None): the inspect page marks evidence spans. Spans
    that overlap an earlier one are dropped (they are still listed)."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for start, end, note in sorted(spans):
        if start < pos or not 0 <= start < end <= len(text):
            continue
        out.append((text[pos:start], None))
        out.append((text[start:end], note))
        pos = end
    out.append((text[pos:], None))
    return [s for s in out if s[0]]


def _upload(form_file: Any) -> UploadFile | None:
    if isinstance(form_file, UploadFile) and (form_file.filename or form_file.size):
        return form_file
    return None


# -- the app -----------------------------------------------------------------------------


def build_app(store: str | Path | None, *, max_bytes: int,
              engine: Wiretrace | None = None) -> FastAPI:
    """See :func:`wiretrace.web.create_app`."""
    engine = engine or Wiretrace(store, create=False)
    service = Service(engine)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its name: article text is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["sign_labels"] = SIGN_LABELS

    app = FastAPI(
        title="wiretrace",
        summary="Trace where a news article came from, and how it was changed on the way.",
        version=_version(),
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: no outbound network
        redoc_url=None,
    )
    app.state.store_path = str(engine.store.path)
    store_name = Path(engine.store.path).name  # pages show the folder, not the server's paths
    app.state.service = service
    app.state.max_bytes = max_bytes

    def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("title", "wiretrace")
        html = env.get_template(template).render(
            request=request, store_path=store_name, report_css=Markup(REPORT_CSS),
            **ctx)
        return HTMLResponse(html, status_code=status)

    def error(request_or_scope: Request | Scope, status: int, message: str) -> Response:
        if _is_api(request_or_scope):
            return JSONResponse({"error": {"status": status, "message": message}},
                                status_code=status)
        html = env.get_template("error.html").render(
            status=status, heading=_TITLES.get(status, "Error"), message=message,
            title=f"{status} {_TITLES.get(status, 'Error')}", store_path=store_name,
            report_css=Markup(REPORT_CSS))
        return HTMLResponse(html, status_code=status)

    def too_large(scope: Scope) -> Response:
        return error(scope, 413, f"The request is larger than this server's limit of "
                     f"{_size(max_bytes)} ({max_bytes:,} bytes). Send a smaller article, or "
                     "start the server with a larger --max-mb.")

    app.add_middleware(Guard, max_bytes=max_bytes, too_large=too_large)  # type: ignore[arg-type]

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return error(request, 422, _validation_message(exc))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error(request, 500, "An unexpected error occurred; it was logged on the "
                     f"server ({type(exc).__name__}). Please report it with the input.")

    # -- inputs shared by pages and API ----------------------------------------------

    def from_text(text: str | None, name: str | None) -> QueryInput:
        if not text or not text.strip():
            raise HTTPException(422, "The text is empty: paste an article's text.")
        try:
            return query_from_bytes(text.encode("utf-8"), name or "<pasted text>")
        except QueryError as e:
            raise HTTPException(422, str(e)) from e

    def from_bytes(data: bytes, name: str) -> QueryInput:
        try:
            return query_from_bytes(data, name)
        except QueryError as e:
            raise HTTPException(422, str(e)) from e

    def from_id(article_id: str) -> QueryInput:
        try:
            return service.query(article_id.strip())
        except QueryError as e:
            raise HTTPException(404, str(e)) from e

    def one_input(text: str | None, article_id: str | None, name: str | None) -> QueryInput:
        given = [x for x in (text, article_id) if x and x.strip()]
        if len(given) != 1:
            raise HTTPException(422, "Give exactly one of: text (the article) or id (an "
                                "article in the store).")
        return from_text(text, name) if text and text.strip() else from_id(article_id or "")

    async def form_input(request: Request) -> QueryInput:
        """The home page's form: pasted text, an uploaded file or a stored id, one of them."""
        form = await request.form(max_files=1, max_fields=10, max_part_size=max_bytes)
        try:
            upload = _upload(form.get("file"))
            text = str(form.get("text") or "")
            article_id = str(form.get("id") or "")
            given = sum(bool(x) for x in (upload, text.strip(), article_id.strip()))
            if given != 1:
                raise HTTPException(422, "Paste an article's text, upload a file, or pick an "
                                    "article from the store: one of the three."
                                    if given == 0 else
                                    "Give only one of: pasted text, a file, an article id.")
            if upload is not None:
                data = await upload.read()
                return await run_in_threadpool(from_bytes, data, upload.filename or "<upload>")
            if text.strip():
                return await run_in_threadpool(from_text, text, None)
            return await run_in_threadpool(from_id, article_id)
        finally:
            await form.close()

    def inspected(q: QueryInput) -> tuple[dict[str, Any], Any]:
        try:
            result = run_inspect(q.article, raw_html=q.raw_html)
        except InspectError as e:
            raise HTTPException(422, str(e)) from e
        return inspect_report(result, source=q.name), result

    # -- pages -----------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        return page(request, "index.html", counts=service.counts(),
                    recent=service.search("", site=None, since=None, until=None,
                                          limit=_PICK_LIMIT),
                    max_size=_size(max_bytes))

    @app.post("/trace", response_class=HTMLResponse, include_in_schema=False)
    async def trace_form(request: Request) -> HTMLResponse:
        q = await form_input(request)
        return await _report_page(request, q, stored=False)

    @app.get("/trace/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    async def trace_stored(request: Request, article_id: str, download: bool = False
                           ) -> Response:
        q = await run_in_threadpool(from_id, article_id)
        if download:
            report = await run_in_threadpool(service.trace, q.article)
            html = await run_in_threadpool(service.standalone, report)
            fname = "".join(c if c.isalnum() or c in "-_." else "_" for c in article_id)[:80]
            return HTMLResponse(html, headers={
                "content-disposition": f'attachment; filename="wiretrace-{fname}.html"'})
        return await _report_page(request, q, stored=True)

    async def _report_page(request: Request, q: QueryInput, stored: bool) -> HTMLResponse:
        t0 = time.perf_counter()
        report, body = await run_in_threadpool(service.trace_page, q.article)
        return page(request, "report.html", title=f"wiretrace: {report_title(report)}",
                    report=report, body=Markup(body), stored=stored, article_id=q.article.id,
                    seconds=time.perf_counter() - t0)

    @app.post("/inspect", response_class=HTMLResponse, include_in_schema=False)
    async def inspect_form(request: Request) -> HTMLResponse:
        q = await form_input(request)
        return await run_in_threadpool(_inspect_page, request, q)

    @app.get("/inspect/{article_id:path}", response_class=HTMLResponse,
             include_in_schema=False)
    def inspect_stored(request: Request, article_id: str) -> HTMLResponse:
        return _inspect_page(request, from_id(article_id))

    def _inspect_page(request: Request, q: QueryInput) -> HTMLResponse:
        report, result = inspected(q)
        spans = [(s[0], s[1], f"{e.type}: {e.note}") for e in result.evidence
                 if e.where == "text" for s in e.spans]
        groups: dict[str, list[dict[str, Any]]] = {}
        for e in report["evidence"]:
            groups.setdefault(e["type"], []).append(e)
        order = sorted(groups, key=lambda t: -report["by_type"].get(t, 0.0))
        return page(request, "inspect.html", title=f"wiretrace: inspect {q.name}",
                    report=report, groups=[(t, groups[t]) for t in order],
                    segments=_segments(q.article.text, spans), stored=q.article.id == q.name)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = "", site: str = "", since: str = "",
                    until: str = "", limit: int = Query(50, ge=1, le=500)) -> HTMLResponse:
        hits = service.search(q, site=site or None, since=since or None, until=until or None,
                              limit=limit)
        return page(request, "search.html", title="wiretrace: search", hits=hits, q=q,
                    site=site, since=since, until=until, sites=service.sites(),
                    searched=bool(q or site or since or until))

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse,
             include_in_schema=False)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        art = service.get(article_id)
        if art is None:
            raise HTTPException(404, f"{article_id}: not an article id in the store.")
        paragraphs = [p for p in art.text.split("\n\n") if p.strip()]
        return page(request, "article.html", title=f"wiretrace: {art.title or art.id}",
                    article=art, paragraphs=paragraphs)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, min_size: int = Query(2, ge=1, le=1000)
                     ) -> HTMLResponse:
        data = service.stories(min_size)
        shown = []
        for st in data["stories"]:
            tree: dict[str, list[dict[str, Any]]] = {}
            for d in st["derivations"]:
                if d["tree"]:
                    tree.setdefault(d["source"], []).append(d)
            shown.append({**st, "children": tree,
                          "meta": {a["id"]: a for a in st["articles"]}})
        return page(request, "stories.html", title="wiretrace: stories", stats=data["stats"],
                    stories=shown, min_size=min_size)

    # -- JSON API ----------------------------------------------------------------------

    @app.post("/api/trace", tags=["api"], summary="Trace an article to its sources")
    def api_trace(req: TraceRequest) -> dict[str, Any]:
        """The same JSON as ``wiretrace trace --format json`` (schema ``wiretrace.trace/1``)."""
        q = one_input(req.text, req.id, req.name)
        return service.trace(q.article, top=req.top)

    @app.post("/api/inspect", tags=["api"], summary="Intrinsic signs of a disguised copy")
    def api_inspect(req: InspectRequest) -> dict[str, Any]:
        """The same JSON as ``wiretrace inspect --format json`` (``wiretrace.inspect/1``)."""
        q = one_input(req.text, req.id, req.name)
        return inspected(q)[0]

    @app.post(
        "/api/ingest", tags=["api"], summary="Add articles to the store",
        openapi_extra={"requestBody": {"required": True, "content": {
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["files"],
                "properties": {"files": {"type": "array",
                                         "items": {"type": "string", "format": "binary"}}}}},
            "application/json": {"schema": {"$ref": "#/components/schemas/IngestRequest"}},
        }}},
    )
    async def api_ingest(request: Request) -> dict[str, Any]:
        """Upload files (``files``: HTML, WARC, JSONL, feeds, text, compressed or not) or
        post ``{"articles": [{"text": ..., "id": ..., ...}]}``. Returns the summary that
        ``wiretrace ingest`` prints; unreadable inputs are counted and named, not fatal."""
        ctype = request.headers.get("content-type", "")
        stats = IngestStats()
        failures: list[str] = []
        articles: list[Article] = []
        t0 = time.perf_counter()
        if ctype.startswith("multipart/form-data"):
            form = await request.form(max_files=1000, max_part_size=max_bytes)
            try:
                files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
                if not files:
                    raise HTTPException(422, "No files: send them as multipart field 'files'.")
                for f in files:
                    data = await f.read()
                    got = await run_in_threadpool(_read_upload, data, f.filename or "upload")
                    for res in got:
                        if res.status == "ok" and res.article is not None:
                            articles.append(res.article)
                        else:
                            stats.fail(res.reason or "failed")
                            failures.append(res.detail or f"{res.source}: {res.reason}")
            finally:
                await form.close()
        elif ctype.startswith("application/json"):
            try:
                body = IngestRequest.model_validate_json(await request.body())
            except ValueError as e:
                raise HTTPException(422, f"Not an ingest request ({e!s:.300}). Send "
                                    '{"articles": [{"text": "...", "id": "..."}]}.') from e
            for n, rec in enumerate(body.articles):
                res = read_record(rec.model_dump(exclude_none=True), source=f"articles[{n}]")
                if res.status == "ok" and res.article is not None:
                    articles.append(res.article)
                else:
                    stats.fail(res.reason or "failed")
                    failures.append(res.detail or f"articles[{n}]: {res.reason}")
        else:
            raise HTTPException(415, "Send multipart/form-data (files) or application/json "
                                "({\"articles\": [...]}).")
        await run_in_threadpool(service.add, articles, stats)
        return {"ingested": stats.ingested, "duplicates": stats.duplicates,
                "failed": stats.failed, "skipped": failures[:100], "passages": stats.passages,
                "seconds": round(time.perf_counter() - t0, 2), "store": store_name,
                "articles_in_store": service.counts()["articles"]}

    @app.get("/api/articles/{article_id:path}", tags=["api"], summary="One stored article")
    def api_article(article_id: str) -> dict[str, Any]:
        """Metadata, passages (offsets) and text, as in the trace report's ``article``."""
        art = service.get(article_id)
        if art is None:
            raise HTTPException(404, f"{article_id}: not an article id in the store")
        return article_summary(art, passages=True)

    @app.get("/api/search", tags=["api"], summary="Search the store")
    def api_search(q: str = Query("", description="Words (all of them); blank lists all"),
                   site: str | None = None,
                   since: str | None = Query(None, description="ISO date, inclusive"),
                   until: str | None = Query(None, description="ISO date or prefix, inclusive"),
                   limit: int = Query(20, ge=1, le=500)) -> list[dict[str, Any]]:
        """As ``wiretrace search``: id, title, site, published, url and a snippet per hit."""
        return service.search(q, site=site, since=since, until=until, limit=limit)

    @app.get("/api/stories", tags=["api"], summary="Stories and their lineage")
    def api_stories(min_size: int = Query(1, ge=1, le=1000,
                                          description="Smallest story to list")
                    ) -> dict[str, Any]:
        """The same JSON as ``wiretrace stories --format json`` (``wiretrace.stories/1``):
        articles about one event across outlets, and who copied whom. New articles are
        judged first (incremental; slow on the first call over a large store)."""
        return service.stories(min_size)

    @app.get("/api/store", tags=["api"], summary="What the store holds")
    def api_store() -> dict[str, Any]:
        return {"store": store_name, **service.counts(),
                "sites": [{"site": s, "articles": n} for s, n in service.sites()]}

    return app


def _read_upload(data: bytes, name: str) -> list[Any]:
    """Every document in one uploaded file, read as ``wiretrace ingest`` reads a file."""
    import os
    import tempfile

    suffix = "".join(c for c in "".join(Path(name).suffixes[-2:]) if c.isalnum() or c == ".")
    fd, tmp = tempfile.mkstemp(prefix="wiretrace-upload-", suffix=suffix[:16])
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        results = list(read_path(tmp))
    finally:
        Path(tmp).unlink(missing_ok=True)
    for res in results:
        res.source = res.source.replace(tmp, name)
        if res.detail:
            res.detail = res.detail.replace(tmp, name)
    return results


def _size(n: int) -> str:
    """Bytes for people: 5 MB, 200 KB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    return f"{n / 1024:.3g} KB"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wiretrace")
    except PackageNotFoundError:
        return "0"


__all__ = ["CSP", "Guard", "Service", "build_app"]
