"""The web app through FastAPI's TestClient: the JSON API answers as the CLI does, pages
render the same report, hostile article text stays inert, and every failure is a clear
error (404, 413, 422, 500) in HTML for pages and JSON under ``/api/``.

One demo store per module (the shipped originals), one model load per session.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import wiretrace.engine
from web_support import PageTags as _Tags
from web_support import demo_copies, demo_engine
from wiretrace.cli import main
from wiretrace.data import DERIVED_KINDS
from wiretrace.demo import to_article
from wiretrace.fingerprint import Fingerprinter
from wiretrace.web import create_app
from wiretrace.web.app import CSP

SPUN = "copy-2-spun"
SOURCE = "meridian-rotterdam-port-strike"
URL_ATTRS = {"href", "src", "action", "formaction", "srcset", "data", "poster"}
LIMIT = 64 * 1024  # the app under test refuses bodies over 64 KiB
BASE = "http://127.0.0.1"  # the app answers to its own host names only (not "testserver")

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
    "<iframe src=https://evil.example/></iframe>",
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory,
           fingerprinter: Fingerprinter) -> wiretrace.engine.Wiretrace:
    return demo_engine(tmp_path_factory.mktemp("web") / "store", fingerprinter)


@pytest.fixture(scope="module")
def client(engine: wiretrace.engine.Wiretrace) -> Iterator[TestClient]:
    app = create_app(engine.store.path, engine=engine, max_bytes=LIMIT)
    with TestClient(app, base_url=BASE) as c:
        yield c


@pytest.fixture(scope="module")
def copies() -> dict[str, dict[str, Any]]:
    return demo_copies()


def _parse(page: str) -> _Tags:
    p = _Tags()
    p.feed(page)
    return p


def _verdict(page: str) -> str:
    m = re.search(r'<p class="verdict"[^>]*>(.*?)</p>', page, re.S)
    assert m, "no verdict on the page"
    return m.group(1)


# -- trace ---------------------------------------------------------------------------------


def test_api_trace_of_pasted_text_names_the_source_as_the_cli_does(
        client: TestClient, copies: dict[str, dict[str, Any]], tmp_path: Path,
        fingerprinter: Fingerprinter, engine: wiretrace.engine.Wiretrace) -> None:
    text = copies[SPUN]["text"]
    r = client.post("/api/trace", json={"text": text})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["schema"] == "wiretrace.trace/1"
    assert report["sources"], report["verdict"]
    top = report["sources"][0]
    assert top["source"]["id"] == SOURCE
    assert top["kind"] in DERIVED_KINDS

    path = tmp_path / "copy.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(wiretrace.engine, "Fingerprinter", lambda: fingerprinter)
        cli = CliRunner().invoke(main, ["trace", str(path), "--store", str(engine.store.path),
                                        "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == report


def test_api_trace_by_id_traces_the_stored_article_not_itself(client: TestClient) -> None:
    r = client.post("/api/trace", json={"id": SOURCE, "top": 5})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["article"]["id"] == SOURCE
    assert report["candidates_checked"] <= 5
    assert all(rel["source"]["id"] != SOURCE for rel in report["sources"] + report["others"])


def test_report_page_from_the_paste_box_shows_the_aligned_view(
        client: TestClient, copies: dict[str, dict[str, Any]]) -> None:
    r = client.post("/trace", data={"text": copies[SPUN]["text"], "id": ""},
                    files={"file": ("", b"")})  # what a browser sends with no file chosen
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert SOURCE in _verdict(r.text)
    assert len(re.findall(r'<tr class="row-pair', r.text)) >= 5
    assert "<mark " in r.text
    assert '<nav class="app-nav"' in r.text  # inside the app's layout, not a bare report


def test_uploaded_html_file_is_read_like_a_file_on_the_command_line(
        client: TestClient, copies: dict[str, dict[str, Any]]) -> None:
    paras = "".join(f"<p>{p}</p>" for p in copies[SPUN]["text"].split("\n\n"))
    page = f"<html><head><title>Port news</title></head><body><article>{paras}</article></body>"
    r = client.post("/trace", files={"file": ("page.html", page.encode())})
    assert r.status_code == 200, r.text
    assert SOURCE in _verdict(r.text)


def test_trace_of_a_stored_article_by_link_and_download(client: TestClient) -> None:
    r = client.get(f"/trace/{SOURCE}")
    assert r.status_code == 200
    assert "independent" in _verdict(r.text)  # the store holds reports of the same strike
    d = client.get(f"/trace/{SOURCE}", params={"download": 1})
    assert d.status_code == 200
    assert d.headers["content-disposition"].startswith("attachment;")
    assert d.text.startswith("<!doctype html>") and "Content-Security-Policy" in d.text


# -- hostile text ----------------------------------------------------------------------


def test_hostile_article_text_comes_back_escaped(
        client: TestClient, copies: dict[str, dict[str, Any]]) -> None:
    paras = copies[SPUN]["text"].split("\n\n")
    text = "\n\n".join([" ".join(HOSTILE), *paras[:4], " ".join(HOSTILE), *paras[4:]])
    for r in (client.post("/trace", data={"text": text}),
              client.post("/inspect", data={"text": text})):
        assert r.status_code == 200, r.text
        page = _parse(r.text)
        tags = {t for t, _ in page.tags}
        assert not tags & {"script", "img", "svg", "iframe"}, tags
        for _tag, attrs in page.tags:
            for name, value in attrs:
                assert not name.startswith("on"), (name, value)
                if name in URL_ATTRS:  # a title may quote the text; a link may not run it
                    assert "javascript:" not in (value or "").lower(), (name, value)
        assert "<script>alert(1)</script>" in "".join(page.text)  # shown, as text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_every_response_forbids_scripts_and_fetches(client: TestClient) -> None:
    for r in (client.get("/"), client.get("/api/store"), client.get("/articles/nope")):
        assert r.headers["content-security-policy"] == CSP
        assert "script-src" not in CSP and "default-src 'none'" in CSP
        assert r.headers["x-content-type-options"] == "nosniff"


# -- errors ----------------------------------------------------------------------------


def test_oversize_request_gets_413_with_the_limit(client: TestClient) -> None:
    big = "word " * (LIMIT // 4)
    r = client.post("/api/trace", json={"text": big})
    assert r.status_code == 413
    assert "65,536 bytes" in r.json()["error"]["message"]
    page = client.post("/trace", data={"text": big})
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")
    assert "--max-mb" in page.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused once past the limit
        for _ in range(LIMIT // 1024 + 2):
            yield b"x" * 1024

    chunked = client.post("/api/trace", content=chunks(),
                          headers={"content-type": "application/json"})
    assert chunked.status_code == 413


def test_unknown_id_is_404_in_json_and_html(client: TestClient) -> None:
    r = client.get("/api/articles/no-such-article")
    assert r.status_code == 404
    assert r.json() == {"error": {"status": 404,
                                  "message": "no-such-article: not an article id in the store"}}
    assert client.post("/api/trace", json={"id": "no-such-article"}).status_code == 404
    for path in ("/articles/no-such-article", "/trace/no-such-article", "/no/such/page"):
        page = client.get(path)
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert "404 · Not found" in page.text


def test_bad_input_is_422_saying_what_to_send(client: TestClient) -> None:
    r = client.post("/api/trace", json={})
    assert r.status_code == 422
    assert "exactly one of" in r.json()["error"]["message"]
    r = client.post("/api/trace", json={"text": "a", "id": SOURCE})
    assert r.status_code == 422
    r = client.post("/api/trace", json={"text": "hi", "top": 0})
    assert r.status_code == 422 and "top" in r.json()["error"]["message"]
    page = client.post("/trace", data={"text": "   ", "id": ""})
    assert page.status_code == 422
    assert "Paste an article" in page.text
    binary = client.post("/trace", files={"file": ("x.bin", b"\x00\x01\x02" * 100)})
    assert binary.status_code == 422 and "binary" in binary.text


def test_unexpected_error_is_a_500_page_not_a_traceback(
        engine: wiretrace.engine.Wiretrace, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(engine.store.path, engine=engine)

    def boom(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.state.service, "trace", boom)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        r = c.post("/api/trace", json={"text": "some text " * 30})
    assert r.status_code == 500
    msg = r.json()["error"]["message"]
    assert "RuntimeError" in msg and "secret internals" not in msg


# -- inspect, search, articles, ingest --------------------------------------------------


def test_api_inspect_matches_the_cli(client: TestClient, copies: dict[str, dict[str, Any]],
                                     tmp_path: Path) -> None:
    text = copies["copy-8-corrupted"]["text"]
    r = client.post("/api/inspect", json={"text": text, "name": "copy.txt"})
    assert r.status_code == 200, r.text
    path = tmp_path / "copy.txt"
    path.write_text(text, encoding="utf-8")
    cli = CliRunner().invoke(main, ["inspect", str(path), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.stdout)
    got = r.json()
    assert got["source"] == "copy.txt" and expected["source"] == str(path)
    got.pop("source"), expected.pop("source")
    assert got == expected
    assert got["schema"] == "wiretrace.inspect/1"


def test_search_by_words_site_and_dates(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "dockworkers strike"}).json()
    assert SOURCE in [h["id"] for h in hits]
    site = client.get("/api/search", params={"site": "Meridian Press", "limit": 100}).json()
    assert site and {h["site"] for h in site} == {"Meridian Press"}
    march = client.get("/api/search", params={"since": "2026-03-01", "until": "2026-03"}).json()
    assert {h["published"][:7] for h in march} == {"2026-03"}
    assert SOURCE in [h["id"] for h in march]
    page = client.get("/search", params={"q": "dockworkers", "until": "2026-03-10"})
    assert page.status_code == 200
    assert f'href="/trace/{SOURCE}"' in page.text and f'href="/articles/{SOURCE}"' in page.text


def test_article_page_and_json(client: TestClient, engine: wiretrace.engine.Wiretrace) -> None:
    art = engine.store.get(SOURCE)
    assert art is not None
    r = client.get(f"/api/articles/{SOURCE}")
    assert r.status_code == 200
    d = r.json()
    assert d["id"] == SOURCE and d["text"] == art.text and len(d["passages"]) == len(art.passages)
    page = client.get(f"/articles/{SOURCE}")
    assert page.status_code == 200
    assert art.title and art.title in page.text


def test_home_page_offers_every_stored_article(client: TestClient,
                                               engine: wiretrace.engine.Wiretrace) -> None:
    page = client.get("/").text
    for article_id in engine.store.ids():
        assert f'<option value="{article_id}">' in page
    assert 'action="/trace"' in page and 'type="file"' in page and "<textarea" in page


def test_ingest_files_and_json_then_trace_finds_them(
        tmp_path: Path, fingerprinter: Fingerprinter,
        copies: dict[str, dict[str, Any]]) -> None:
    from wiretrace.demo import CORPUS, load_jsonl

    originals = {d["id"]: d for d in load_jsonl(CORPUS / "originals.jsonl")}
    empty = demo_engine(tmp_path / "store", fingerprinter, fill=False)
    with TestClient(create_app(tmp_path / "store", engine=empty), base_url=BASE) as c:
        src = originals[SOURCE]
        r = c.post("/api/ingest", json={"articles": [
            {k: src[k] for k in ("id", "text", "title", "site", "published")},
            {"id": "short", "text": "Too short."},
        ]})
        assert r.status_code == 200, r.text
        s = r.json()
        assert (s["ingested"], s["failed"], s["articles_in_store"]) == (1, {"no_text": 1}, 1)
        feed = "".join(json.dumps(originals[i]) + "\n" for i in list(originals)[:3])
        png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # (\x00\xff... reads as UTF-16)
        r = c.post("/api/ingest", files=[("files", ("feed.jsonl", feed.encode())),
                                         ("files", ("blob.bin", png))])
        assert r.status_code == 200, r.text
        s = r.json()
        assert s["ingested"] + s["duplicates"] == 3 and s["failed"] == {"binary": 1}
        assert any("blob.bin" in line for line in s["skipped"])
        assert c.post("/api/ingest", content=b"x", headers={"content-type": "text/plain"}
                      ).status_code == 415
        report = c.post("/api/trace", json={"text": copies[SPUN]["text"]}).json()
        assert report["sources"][0]["source"]["id"] == SOURCE


def test_stories_show_each_copy_under_its_source(tmp_path: Path,
                                                  fingerprinter: Fingerprinter) -> None:
    from wiretrace.demo import CORPUS, load_jsonl
    from wiretrace.ingest.plaintext import page_article

    rotterdam = [d for d in load_jsonl(CORPUS / "originals.jsonl") if "rotterdam" in d["id"]
                 or "maasvlakte" in d["id"]]
    engine = demo_engine(tmp_path / "store", fingerprinter, fill=False)
    engine.add([to_article(d) for d in rotterdam])
    copies = [demo_copies()[SPUN]]  # its verbatim copy would be a duplicate: not stored
    engine.add([page_article(d["text"], id=d["id"], url=d["url"], published=d["published"])
                for d in copies])
    with TestClient(create_app(tmp_path / "store", engine=engine), base_url=BASE) as c:
        data = c.get("/api/stories", params={"wait": 600}).json()  # built in the background
        page = c.get("/stories")
    assert data["schema"] == "wiretrace.stories/1"
    story = next(s for s in data["stories"] if SOURCE in [a["id"] for a in s["articles"]])
    assert SOURCE in story["roots"]  # the independent reports are roots of their own
    edges = {(d["source"], d["copy"]) for d in story["derivations"] if d["tree"]}
    assert {(SOURCE, d["id"]) for d in copies} <= edges
    assert page.status_code == 200
    roots = page.text.split('<li class="root">')[1:]
    tree = next(r for r in roots if r.lstrip("● \n").startswith(f'<a href="/articles/{SOURCE}"'))
    for d in copies:  # each copy is listed as a derivation inside its source's tree
        assert re.search(rf'<li class="edge kind-\w+">.*?href="/trace/{d["id"]}"', tree,
                         re.S), d["id"]
    others = "".join(r for r in roots if r is not tree)
    assert not any(f'href="/trace/{d["id"]}"' in others for d in copies)


def test_warm_up_loads_the_full_model(tmp_path: Path, engine: wiretrace.engine.Wiretrace
                                      ) -> None:
    full = engine.fingerprinter.full
    fresh = demo_engine(engine.store.path, engine.fingerprinter, fill=False)  # no cache
    full.__dict__.pop("_backend", None)  # as in a fresh process
    create_app(fresh.store.path, engine=fresh).state.service.warm()
    assert "_backend" in full.__dict__
    assert fresh._lexical is not None  # the LSH index was built too
    full.__dict__.pop("_backend", None)
    empty = demo_engine(tmp_path / "empty", engine.fingerprinter, fill=False)
    create_app(tmp_path / "empty", engine=empty).state.service.warm()  # nothing to trace
    assert "_backend" in full.__dict__


def test_openapi_lists_the_api_and_only_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert set(paths) == {"/api/trace", "/api/inspect", "/api/ingest", "/api/search",
                          "/api/store", "/api/stories", "/api/articles/{article_id}"}
    assert "post" in paths["/api/trace"] and "get" in paths["/api/search"]
    body = paths["/api/ingest"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(body)
    assert client.get("/docs").status_code == 404  # Swagger UI would load a CDN script


# -- golden pages: the layout around the report, an article, an error ----------------------

GOLDEN = Path(__file__).parent / "fixtures" / "web"


def test_golden_pages(engine: wiretrace.engine.Wiretrace, monkeypatch: pytest.MonkeyPatch
                      ) -> None:
    """The report page for the hand-made report of test_report_html, a stored article's page
    and a 404, byte for byte (store path and timing normalised). Regenerate with
    WIRETRACE_UPDATE_GOLDEN=1 after an intended change, and look at them in a browser."""
    import os

    from test_report_html import _hand_made
    from wiretrace.report.html import render_body

    report, source = _hand_made()
    app = create_app(engine.store.path, engine=engine)
    monkeypatch.setattr(app.state.service, "trace_page",
                        lambda _article: (report, render_body(report, {"afp-1": source}.get)))
    with TestClient(app, base_url=BASE) as c:
        pages = {
            "report.html": c.post("/trace", data={"text": "The talks lasted 80 minutes. " * 5}),
            "article.html": c.get(f"/articles/{SOURCE}"),
            "404.html": c.get("/articles/no-such-article"),
        }
    assert [r.status_code for r in pages.values()] == [200, 200, 404]
    for name, r in pages.items():
        page = r.text.replace(str(engine.store.path), "STORE")
        page = re.sub(r"traced in [0-9.]+ s", "traced in 0.00 s", page)
        path = GOLDEN / name
        if os.environ.get("WIRETRACE_UPDATE_GOLDEN"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page, encoding="utf-8")
        assert page == path.read_text(encoding="utf-8"), name
