"""The web app under hostile or heavy use: other sites' pages and DNS rebinding cannot
write to the store or spend its CPU, a search of thousands of words costs no more than one
of 32, reads never wait for the engine, the engine is handed out first come first served
and in short turns, and stories are built in the background while traces go on.

Concurrency is made deterministic by blocking the engine at a known point (an event the
test sets) and by waiting for the engine lock's queue, never by timing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import wiretrace.engine
import wiretrace.web.service as service_mod
from web_support import demo_copies, demo_engine
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.fingerprint import Fingerprinter
from wiretrace.web import create_app, exposure_warning
from wiretrace.web.guard import HostPolicy, split_host
from wiretrace.web.service import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    EngineBusy,
    EngineLock,
    search_terms,
)

SOURCE = "meridian-rotterdam-port-strike"
SPUN = "copy-2-spun"
BASE = "http://127.0.0.1"
EVIL = "http://evil.example"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory,
           fingerprinter: Fingerprinter) -> wiretrace.engine.Wiretrace:
    return demo_engine(tmp_path_factory.mktemp("hardening") / "store", fingerprinter)


@pytest.fixture
def client(engine: wiretrace.engine.Wiretrace) -> Iterator[TestClient]:
    with TestClient(create_app(engine.store.path, engine=engine), base_url=BASE) as c:
        yield c


@pytest.fixture
def empty(tmp_path: Path, fingerprinter: Fingerprinter) -> wiretrace.engine.Wiretrace:
    return demo_engine(tmp_path / "store", fingerprinter, fill=False)


def _until(cond: Callable[[], bool], what: str) -> None:
    """Wait for another thread to reach a point (a synchronisation, not a timing check:
    the bound only turns a deadlock into a failure)."""
    deadline = time.monotonic() + 120
    while not cond():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.01)


def _feed(article_id: str) -> bytes:
    text = (f"Harbour council note {article_id}. " + "The council met on Tuesday to discuss "
            "the harbour budget and the new ferry timetable for the spring season. " * 6)
    return (f'{{"id": "{article_id}", "text": "{text}"}}\n').encode()


# -- cross-site writes and DNS rebinding ----------------------------------------------------


def test_other_sites_pages_cannot_add_articles(empty: wiretrace.engine.Wiretrace) -> None:
    app = create_app(empty.store.path, engine=empty, host="127.0.0.1", port=8000)
    refused = {
        "rebinding": {"origin": "http://evil.example:8000", "host": "evil.example:8000"},
        "cross-site form": {"origin": EVIL},
        "referer only": {"referer": EVIL + "/page.html"},
        "null origin": {"origin": "null"},
        "other local port": {"origin": "http://127.0.0.1:3000"},
        "fetch metadata": {"sec-fetch-site": "cross-site"},
    }
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        for name, headers in refused.items():
            r = c.post("/api/ingest", headers=headers,
                       files={"files": ("x.jsonl", _feed(name.replace(" ", "-")))})
            assert r.status_code == 403, (name, r.text)
            assert r.json()["error"]["status"] == 403
            as_json = c.post("/api/ingest", headers=headers, json={"articles": [
                {"id": name, "text": "Harbour council. " * 40}]})
            assert as_json.status_code == 403, name
        assert len(empty.store) == 0  # nothing was stored
        ok = {"curl (no Origin)": {},
              "the app's own page": {"origin": "http://127.0.0.1:8000",
                                     "sec-fetch-site": "same-origin"},
              "same origin by Referer": {"referer": "http://127.0.0.1:8000/"}}
        for name, headers in ok.items():
            r = c.post("/api/ingest", headers=headers,
                       files={"files": ("x.jsonl", _feed(name.split()[0]))})
            assert r.status_code == 200, (name, r.text)
        assert len(empty.store) == 3


def test_trace_and_inspect_posts_from_other_sites_are_refused(client: TestClient) -> None:
    """They only read the store, but each costs seconds of CPU: another site's page must
    not spend them. The app's own forms keep working."""
    text = demo_copies()[SPUN]["text"]
    for path, kwargs in (("/api/trace", {"json": {"text": text}}),
                         ("/api/inspect", {"json": {"text": text}}),
                         ("/trace", {"data": {"text": text}}),
                         ("/inspect", {"data": {"text": text}})):
        r = client.post(path, headers={"origin": EVIL}, **kwargs)  # type: ignore[arg-type]
        assert r.status_code == 403, path
        if path.startswith("/api/"):
            assert "another site" in r.json()["error"]["message"]
        else:
            assert r.headers["content-type"].startswith("text/html")
            assert "another site" in r.text and "403" in r.text
    own = client.post("/inspect", data={"text": text}, headers={"origin": BASE})
    assert own.status_code == 200


def test_other_sites_pages_may_link_to_the_app_but_not_load_from_it(
        client: TestClient) -> None:
    """``<img src=".../trace/ID">`` on another page would make the server trace for it."""
    embedded = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors",
                "sec-fetch-dest": "image"}
    for path in (f"/trace/{SOURCE}", "/api/stories", "/"):
        r = client.get(path, headers=embedded)
        assert r.status_code == 403, path
    followed = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate",
                "sec-fetch-dest": "document", "sec-fetch-user": "?1"}
    assert client.get(f"/articles/{SOURCE}", headers=followed).status_code == 200
    assert client.get(f"/articles/{SOURCE}", headers={
        "sec-fetch-site": "same-origin", "sec-fetch-mode": "no-cors"}).status_code == 200


def test_only_the_servers_own_host_names_are_answered(
        engine: wiretrace.engine.Wiretrace) -> None:
    app = create_app(engine.store.path, engine=engine, host="127.0.0.1", port=8000)
    with TestClient(app, base_url=BASE) as c:
        def status(host: str) -> int:
            return c.get("/api/store", headers={"host": host}).status_code

        for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST",
                     "127.0.0.1"):
            assert status(host) == 200, host
        for host in ("evil.example:8000", "evil.example", "localhost:9999", "", "::1",
                     "127.0.0.1:8000@evil", "10.0.0.5:8000"):
            assert status(host) == 403, host
        page = c.get("/", headers={"host": "evil.example:8000"})
        assert page.status_code == 403 and "--allow-host" in page.text
        assert "<script" not in c.get("/", headers={"host": "<script>x"}).text

    proxied = create_app(engine.store.path, engine=engine, host="127.0.0.1", port=8000,
                         allow_hosts=["wiretrace.example.org"])
    with TestClient(proxied, base_url=BASE) as c:
        assert c.get("/api/store", headers={"host": "wiretrace.example.org"}
                     ).status_code == 200
        # a proxy that passes its public Origin but rewrites Host to the upstream
        r = c.post("/api/inspect", json={"text": demo_copies()[SPUN]["text"]},
                   headers={"host": "127.0.0.1:8000",
                            "origin": "https://wiretrace.example.org"})
        assert r.status_code == 200, r.text

    lan = create_app(engine.store.path, engine=engine, host="0.0.0.0", port=8000)
    with TestClient(lan, base_url=BASE) as c:
        assert c.get("/api/store", headers={"host": "192.168.1.20:8000"}).status_code == 200
        assert c.get("/api/store", headers={"host": "evil.example:8000"}).status_code == 403


def test_host_and_origin_parsing() -> None:
    assert split_host("[::1]:8000") == ("::1", 8000)
    assert split_host("Example.ORG") == ("example.org", None)
    for bad in ("", "::1", "a b", "host:port", "[::1", "x@y:80", "a/b"):
        assert split_host(bad) is None, bad
    p = HostPolicy("127.0.0.1", 8000, ["proxy.example:443"])
    assert p.allows_origin("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert p.allows_origin("https://proxy.example", "127.0.0.1:8000")
    assert not p.allows_origin("https://proxy.example:8443", "127.0.0.1:8000")
    assert not p.allows_origin("ftp://127.0.0.1:8000", "127.0.0.1:8000")
    assert not p.allows_origin("http://127.0.0.1:8001", "127.0.0.1:8000")
    with pytest.raises(ValueError, match="--allow-host"):
        HostPolicy(allow=["not a host"])


def test_a_network_address_gets_a_warning_at_start_up(
        tmp_path: Path, fingerprinter: Fingerprinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from wiretrace.cli import main

    demo_engine(tmp_path / "store", fingerprinter, fill=False)
    runs: list[dict[str, Any]] = []
    apps: list[Any] = []
    monkeypatch.setattr(wiretrace.engine, "Fingerprinter", lambda: fingerprinter)
    monkeypatch.setattr(service_mod.Service, "warm", lambda self: None)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: (runs.append(kw), apps.append(app)))
    for host, warned in (("0.0.0.0", True), ("192.168.1.20", True), ("127.0.0.1", False),
                         ("localhost", False), ("::1", False)):
        r = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "store"), "--host",
                                      host, "--port", "8123", "--allow-host", "news.example"])
        assert r.exit_code == 0, r.output
        assert ("anyone who can reach it" in r.stderr) is warned, (host, r.stderr)
        assert runs[-1]["host"] == host and runs[-1]["port"] == 8123
        assert (exposure_warning(host) is not None) is warned
    with TestClient(apps[-1], base_url=BASE) as c:  # --allow-host reached the app
        assert c.get("/api/store", headers={"host": "news.example"}).status_code == 200
    bad = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "store"),
                                    "--allow-host", "not a host"])
    assert bad.exit_code == 2 and "--allow-host" in bad.stderr


# -- search ---------------------------------------------------------------------------------


def test_search_words_are_deduplicated_and_capped(client: TestClient) -> None:
    repeated = client.get("/api/search", params={"q": " ".join(["strike"] * 280)})
    assert repeated.status_code == 200
    assert repeated.headers["x-search-terms"] == "1"
    assert repeated.headers["x-search-terms-dropped"] == "0"
    assert SOURCE in [h["id"] for h in repeated.json()]
    glued = client.get("/api/search", params={"q": "-".join(["strike"] * 280)})
    assert glued.headers["x-search-terms"] == "1"  # not a 280-word phrase
    assert [h["id"] for h in glued.json()] == [h["id"] for h in repeated.json()]

    many = "Dockworkers, STRIKE! " + " ".join(f"w{i}" for i in range(100))
    r = client.get("/api/search", params={"q": many})
    assert r.status_code == 200
    assert r.headers["x-search-terms"] == str(MAX_TERMS)
    assert r.headers["x-search-terms-dropped"] == str(102 - MAX_TERMS)
    page = client.get("/search", params={"q": many})
    assert f"first {MAX_TERMS} different words only: {102 - MAX_TERMS} more were left out" \
        in page.text

    words = client.get("/api/search", params={"q": "Dockworkers, STRIKE!"})
    assert words.headers["x-search-terms-dropped"] == "0"
    assert SOURCE in [h["id"] for h in words.json()]

    long = client.get("/api/search", params={"q": "strike " * (MAX_QUERY_CHARS // 7 + 1)})
    assert long.status_code == 422
    assert f"{MAX_QUERY_CHARS}" in long.json()["error"]["message"]
    assert client.get("/search", params={"q": "x" * (MAX_QUERY_CHARS + 1)}).status_code == 422


def test_search_terms_are_the_index_tokens() -> None:
    assert search_terms("Strike strike STRIKE") == (["strike"], 0)
    assert search_terms("costs $5, café-bar x_y") == (["costs", "5", "café", "bar", "x", "y"],
                                                      0)
    assert search_terms('"quoted" OR NEAR(a b) *') == (["quoted", "or", "near", "a", "b"], 0)
    assert search_terms(" ".join(f"w{i}" for i in range(40)))[1] == 40 - MAX_TERMS


# -- reads do not wait for the engine -------------------------------------------------------


class _Poison:
    """Stands in for the engine's lock and its SQLite connection: a read that touches
    either fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a read used the engine ({name})")

    def __enter__(self) -> None:
        raise AssertionError("a read took the engine lock")

    def __exit__(self, *_: object) -> None:
        pass


def test_reads_never_touch_the_engine_lock_or_its_connection(
        engine: wiretrace.engine.Wiretrace, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(engine.store.path, engine=engine)
    monkeypatch.setattr(app.state.service, "lock", _Poison())
    monkeypatch.setattr(engine.store, "db", _Poison())
    with TestClient(app, base_url=BASE) as c:
        assert c.get("/api/store").json()["articles"] == 16
        assert c.get(f"/api/articles/{SOURCE}").json()["id"] == SOURCE
        assert SOURCE in [h["id"] for h in c.get("/api/search", params={"q": "strike"}).json()]
        for path in ("/", f"/articles/{SOURCE}", "/search?q=strike", f"/inspect/{SOURCE}"):
            r = c.get(path)
            assert r.status_code == 200, (path, r.text[:300])


# -- the engine lock ------------------------------------------------------------------------


def test_engine_lock_is_first_come_first_served_and_pauses_for_waiters() -> None:
    lock = EngineLock()
    order: list[str] = []
    lock.acquire("holder")

    def worker(name: str) -> None:
        with lock.hold(name):
            order.append(name)

    threads = []
    for n, name in enumerate(("first", "second"), 1):
        t = threading.Thread(target=worker, args=(name,))
        t.start()
        threads.append(t)
        _until(lambda n=n: lock.waiting() == n, f"{name} queued")
    order.append("holder, step 1")
    lock.pause()  # the two waiting go first, then the holder again
    order.append("holder, step 2")
    lock.release()
    for t in threads:
        t.join()
    assert order == ["holder, step 1", "first", "second", "holder, step 2"]


def test_engine_busy_is_a_503_and_long_holds_are_logged(
        engine: wiretrace.engine.Wiretrace, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(engine.store.path, engine=engine)
    lock: EngineLock = app.state.service.lock
    lock.max_waiting = 0
    lock.acquire("test")
    try:
        with pytest.raises(EngineBusy):
            lock.acquire("another", refuse_when_busy=True)
        with TestClient(app, base_url=BASE) as c:
            r = c.post("/api/trace", json={"id": SOURCE})
            assert r.status_code == 503 and r.headers["retry-after"] == "5"
            assert "busy" in r.json()["error"]["message"]
            assert c.get("/api/store").status_code == 200  # reads still answer
    finally:
        lock.release()
    lock.warn_after = 0.0
    with caplog.at_level(logging.WARNING, logger="wiretrace.web"), lock.hold("a trace"):
        pass
    assert "a trace held the engine for" in caplog.text


def test_an_ingest_lets_waiting_requests_go_between_batches(
        empty: wiretrace.engine.Wiretrace, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(empty.store.path, engine=empty)
    service = app.state.service
    monkeypatch.setattr(service_mod, "INGEST_BATCH", 1)
    order: list[str] = []
    real_add = empty.store.add

    def waiting_request() -> None:
        with service.lock.hold("probe"):
            order.append("probe")

    probe = threading.Thread(target=waiting_request)

    def add(*args: Any) -> None:
        order.append("batch")
        if not probe.is_alive() and "probe" not in order:
            probe.start()
            _until(lambda: service.lock.waiting() == 1, "the probe queued")
        real_add(*args)

    monkeypatch.setattr(empty.store, "add", add)
    originals = [to_article(d) for d in load_jsonl(CORPUS / "originals.jsonl")[:3]]
    with TestClient(app, base_url=BASE) as c:
        r = c.post("/api/ingest", json={"articles": [
            {k: getattr(a, k) for k in ("id", "text", "title")} for a in originals]})
    probe.join()
    assert r.status_code == 200 and r.json()["ingested"] == 3
    assert order == ["batch", "probe", "batch", "batch"]


# -- stories --------------------------------------------------------------------------------


def test_stories_build_in_the_background_while_traces_and_reads_go_on(
        tmp_path: Path, fingerprinter: Fingerprinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiretrace.ingest.plaintext import page_article

    rotterdam = [d for d in load_jsonl(CORPUS / "originals.jsonl")
                 if "rotterdam" in d["id"] or "maasvlakte" in d["id"]]
    engine = demo_engine(tmp_path / "store", fingerprinter, fill=False)
    engine.add([to_article(d) for d in rotterdam])
    app = create_app(engine.store.path, engine=engine)
    service = app.state.service

    order: list[str] = []
    gate = threading.Event()
    blocking = [True]  # the next judgement waits for the gate
    real_compare, real_trace = engine.compare_seated, engine.trace

    def compare_seated(*args: Any, **kwargs: Any) -> Any:
        order.append("judge")
        if blocking[0]:
            blocking[0] = False
            gate.wait(timeout=60)
        return real_compare(*args, **kwargs)

    def trace(*args: Any, **kwargs: Any) -> Any:
        order.append("trace")
        return real_trace(*args, **kwargs)

    monkeypatch.setattr(engine, "compare_seated", compare_seated)
    monkeypatch.setattr(engine, "trace", trace)
    monkeypatch.setattr(service_mod, "STORY_TURN_S", 0.0)  # waiting requests go at once
    with TestClient(app, base_url=BASE) as c:
        first = c.get("/api/stories", params={"wait": 0})
        assert first.status_code == 202, first.text  # building, not blocking the request
        assert first.json()["build"]["state"] == "building"
        page = c.get("/stories")
        assert page.status_code == 202 and "being built" in page.text
        assert '<meta http-equiv="refresh" content="5">' in page.text
        _until(lambda: "judge" in order, "the builder judging its first pair")
        assert c.get("/api/store").json()["articles"] == 3  # the builder holds the engine

        traced: dict[str, Any] = {}
        t = threading.Thread(target=lambda: traced.update(
            service.trace(to_article(rotterdam[0]), top=2)))
        t.start()
        _until(lambda: service.lock.waiting() == 1, "the trace queued behind the builder")
        gate.set()
        t.join()
        assert traced["article"]["id"] == rotterdam[0]["id"]
        # the builder takes its next pair after the trace; on a loaded machine the trace can
        # return before the builder's thread is scheduled again
        _until(lambda: len(order) >= 3, "the builder judging its next pair")
        assert order[:3] == ["judge", "trace", "judge"]  # the trace went between two pairs

        done = c.get("/api/stories", params={"wait": 600}).json()
        assert done["build"]["state"] == "current" and done["stats"]["articles"] == 3

        gate.clear()
        blocking[0] = True
        copy = demo_copies()[SPUN]
        engine.add([page_article(copy["text"], id=copy["id"], url=copy["url"])])
        stale = c.get("/api/stories", params={"wait": 0})
        assert stale.status_code == 200
        assert stale.json()["build"]["state"] == "updating"
        assert stale.json()["stats"]["articles"] == 3  # the last complete build
        assert "Being updated" in c.get("/stories").text
        gate.set()
        fresh = c.get("/api/stories", params={"wait": 600}).json()
        assert fresh["build"]["state"] == "current" and fresh["stats"]["articles"] == 4
        story = next(s for s in fresh["stories"] if SOURCE in [a["id"] for a in s["articles"]])
        assert (SOURCE, copy["id"]) in {(d["source"], d["copy"]) for d in story["derivations"]}
