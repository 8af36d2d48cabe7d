"""The FastAPI app behind :func:`wiretrace.web.create_app`.

Pages (HTML, Jinja2 with autoescape: every article field is untrusted) and the JSON API
share one :class:`~wiretrace.web.service.Service`: traces and ingests take turns on the
engine (one lock, first come first served), reads use connections of their own and never
wait for it, and stories are built in the background (``service.py`` says how). The
endpoints are plain functions, run by the server's thread pool, so a long trace does not
block the event loop, it only queues the next trace.

Guards (``guard.py``): a request for a host the server does not answer to, or a post from
another site's page, gets a 403; a request body over ``max_bytes`` a 413 before it is read;
every response a Content-Security-Policy that forbids scripts and every fetch but the
app's own forms. Errors are HTML pages, or ``{"error": {"status", "message"}}`` under
``/api/``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
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
from wiretrace.ingest.query import QueryError, query_from_bytes
from wiretrace.report.html import CSS as REPORT_CSS
from wiretrace.report.html import report_title
from wiretrace.report.inspect import _LABELS as SIGN_LABELS
from wiretrace.report.inspect import inspect_report
from wiretrace.report.model import article_summary
from wiretrace.store import IngestStats
from wiretrace.web.guard import CSP, Guard, HostPolicy, Scope
from wiretrace.web.service import MAX_QUERY_CHARS, MAX_TERMS, EngineBusy, Service

log = logging.getLogger("wiretrace.web")

TEMPLATES = Path(__file__).with_name("templates")
_PICK_LIMIT = 500  # stored articles offered in the "pick an article" list
_TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
           413: "Request too large", 422: "Cannot use this input", 500: "Something went wrong",
           503: "Busy"}
_SEARCH_DOC = (
    "As ``wiretrace search``: id, title, site, published, url and a snippet per hit.\n\n"
    "Words are matched as the index cuts them (runs of letters and digits), ignoring case; "
    f"a repeated word counts once and only the first {MAX_TERMS} distinct words are used (a "
    "query of thousands of words would otherwise cost minutes). The headers "
    "`X-Search-Terms` and `X-Search-Terms-Dropped` say how many words were used and how many "
    f"were left out. A `q` over {MAX_QUERY_CHARS:,} characters is refused (422).")
STORIES_WAIT = 3.0  # seconds a stories request waits for a running build before answering
_SEARCH_HEADERS = {
    "X-Search-Terms": {"description": "Distinct words searched for (at most "
                                      f"{MAX_TERMS})", "schema": {"type": "integer"}},
    "X-Search-Terms-Dropped": {"description": "Distinct words of q left out (beyond the "
                                              f"first {MAX_TERMS})",
                               "schema": {"type": "integer"}},
}


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


def build_app(store: str | Path | None, *, max_bytes: int, engine: Wiretrace | None = None,
              host: str | None = None, port: int | None = None,
              allow_hosts: Iterable[str] = ()) -> FastAPI:
    """See :func:`wiretrace.web.create_app`."""
    policy = HostPolicy(host, port, allow_hosts)  # a bad --allow-host fails before the load
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

    def error(request_or_scope: Request | Scope, status: int, message: str,
              headers: dict[str, str] | None = None) -> Response:
        if _is_api(request_or_scope):
            return JSONResponse({"error": {"status": status, "message": message}},
                                status_code=status, headers=headers)
        html = env.get_template("error.html").render(
            status=status, heading=_TITLES.get(status, "Error"), message=message,
            title=f"{status} {_TITLES.get(status, 'Error')}", store_path=store_name,
            report_css=Markup(REPORT_CSS))
        return HTMLResponse(html, status_code=status, headers=headers)

    too_large = (f"The request is larger than this server's limit of {_size(max_bytes)} "
                 f"({max_bytes:,} bytes). Send a smaller article, or start the server with a "
                 "larger --max-mb.")
    app.add_middleware(Guard, max_bytes=max_bytes, policy=policy,  # type: ignore[arg-type]
                       refuse=error, too_large=too_large)

    @app.exception_handler(EngineBusy)
    async def _busy(request: Request, exc: EngineBusy) -> Response:
        return error(request, 503, f"The server is busy: {exc}.", {"retry-after": "5"})

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
            # a JSON body may carry lone surrogates ("\ud800"): not characters, so replaced
            return query_from_bytes(text.encode("utf-8", "replace"), name or "<pasted text>")
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
        recent, _, _ = service.search("", site=None, since=None, until=None,
                                      limit=_PICK_LIMIT)
        return page(request, "index.html", counts=service.counts(), recent=recent,
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
    def search_page(request: Request, q: str = Query("", max_length=MAX_QUERY_CHARS),
                    site: str = "", since: str = "", until: str = "",
                    limit: int = Query(50, ge=1, le=500)) -> HTMLResponse:
        hits, terms, dropped = service.search(q, site=site or None, since=since or None,
                                              until=until or None, limit=limit)
        return page(request, "search.html", title="wiretrace: search", hits=hits, q=q,
                    site=site, since=since, until=until, sites=service.sites(),
                    searched=bool(q or site or since or until), terms=terms, dropped=dropped,
                    max_terms=MAX_TERMS, max_chars=MAX_QUERY_CHARS)

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse,
             include_in_schema=False)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        art = service.get(article_id)
        if art is None:
            raise HTTPException(404, f"{article_id}: not an article id in the store.")
        paragraphs = [p for p in art.text.split("\n\n") if p.strip()]
        return page(request, "article.html", title=f"wiretrace: {art.title or art.id}",
                    article=art, paragraphs=paragraphs)

    async def stories_now(wait: float) -> tuple[Any, dict[str, Any]]:
        """The last complete story build (None before the first) and its status, after
        starting a build if the store changed and waiting up to ``wait`` s for it. The
        build runs in the background: no request holds the engine for it."""
        builds = service.stories
        await run_in_threadpool(builds.refresh)
        deadline = time.monotonic() + wait
        while builds.running() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        return builds.index, builds.status()

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    async def stories_page(request: Request, min_size: int = Query(2, ge=1, le=1000)
                           ) -> HTMLResponse:
        index, build = await stories_now(STORIES_WAIT)
        if index is None:
            return page(request, "stories.html", title="wiretrace: stories", build=build,
                        stats=None, stories=[], min_size=min_size,
                        status=202 if build["state"] == "building" else 500)
        data = await run_in_threadpool(_stories_json, index, min_size)
        shown = []
        for st in data["stories"]:
            tree: dict[str, list[dict[str, Any]]] = {}
            for d in st["derivations"]:
                if d["tree"]:
                    tree.setdefault(d["source"], []).append(d)
            shown.append({**st, "children": tree,
                          "meta": {a["id"]: a for a in st["articles"]}})
        return page(request, "stories.html", title="wiretrace: stories", stats=data["stats"],
                    stories=shown, min_size=min_size, build=build)

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
        counts = await run_in_threadpool(service.counts)
        return {"ingested": stats.ingested, "republications": stats.republications,
                "duplicates": stats.duplicates,
                "failed": stats.failed, "skipped": failures[:100], "passages": stats.passages,
                "seconds": round(time.perf_counter() - t0, 2), "store": store_name,
                "articles_in_store": counts["articles"]}

    @app.get("/api/articles/{article_id:path}", tags=["api"], summary="One stored article")
    def api_article(article_id: str) -> dict[str, Any]:
        """Metadata, passages (offsets) and text, as in the trace report's ``article``."""
        art = service.get(article_id)
        if art is None:
            raise HTTPException(404, f"{article_id}: not an article id in the store")
        return article_summary(art, passages=True)

    @app.get("/api/search", tags=["api"], summary="Search the store",
             description=_SEARCH_DOC, responses={200: {"headers": _SEARCH_HEADERS}})
    def api_search(response: Response,
                   q: str = Query("", max_length=MAX_QUERY_CHARS, description=(
                       "Words (all of them); blank lists all")),
                   site: str | None = None,
                   since: str | None = Query(None, description="ISO date, inclusive"),
                   until: str | None = Query(None, description="ISO date or prefix, inclusive"),
                   limit: int = Query(20, ge=1, le=500)) -> list[dict[str, Any]]:
        hits, terms, dropped = service.search(q, site=site, since=since, until=until,
                                              limit=limit)
        response.headers["x-search-terms"] = str(len(terms))
        response.headers["x-search-terms-dropped"] = str(dropped)
        return hits

    @app.get("/api/stories", tags=["api"], summary="Stories and their lineage",
             responses={202: {"description": "No build has finished yet: `build` says how "
                                             "far the first one is; ask again later."}})
    async def api_stories(min_size: int = Query(1, ge=1, le=1000,
                                                description="Smallest story to list"),
                          wait: float = Query(STORIES_WAIT, ge=0, le=600, description=(
                              "Seconds to wait for a running build before answering"))
                          ) -> Response:
        """The same JSON as ``wiretrace stories --format json`` (``wiretrace.stories/1``):
        articles about one event across outlets, and who copied whom, plus ``build``: its
        ``state`` is ``current``, ``updating`` (articles stored since the last build are
        being judged in the background; this is the last complete build), ``building``
        (202: no build has finished yet; ``judged`` of ``to_judge`` articles) or
        ``failed``. A first build over a large store takes a while; builds are
        incremental after it."""
        index, build = await stories_now(wait)
        if index is None:
            done = f" ({build['judged']} of {build['to_judge']} articles judged)" if (
                build["to_judge"]) else ""
            message = ("The stories are being built" + done + "; ask again in a while."
                       if build["state"] == "building" else
                       f"Building the stories failed: {build['error']}")
            return JSONResponse({"build": build, "message": message},
                                status_code=202 if build["state"] == "building" else 500,
                                headers={"retry-after": "10"})
        data = await run_in_threadpool(_stories_json, index, min_size)
        return JSONResponse({**data, "build": build})

    @app.get("/api/store", tags=["api"], summary="What the store holds")
    def api_store() -> dict[str, Any]:
        return {"store": store_name, **service.counts(),
                "sites": [{"site": s, "articles": n} for s, n in service.sites()]}

    return app


def _stories_json(index: Any, min_size: int) -> dict[str, Any]:
    from wiretrace.story import to_json

    return to_json(index, min_size)


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
