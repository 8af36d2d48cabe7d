"""Readers end to end: every format, every guard, hostile input; no network, fast."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.data import ReadResult
from wiretrace.ingest import (
    IngestOptions,
    read_feed,
    read_html,
    read_path,
    read_record,
    read_stream,
    read_text,
    read_warc,
    sniff_format,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

BODY = (
    "The regional council voted on Tuesday to close the old harbour bridge for repairs, "
    "saying that engineers had found serious corrosion in its steel supports during a "
    "routine inspection last month."
)
BODY2 = (
    "Traffic will be diverted over the northern ring road while the work goes on, and the "
    "council expects the bridge to reopen before the end of next year."
)


def page(title: str = "Harbour bridge to close for repairs", body: str = BODY) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body>"
        f"<article><h1>{title}</h1><p>{body}</p><p>{BODY2}</p></article></body></html>"
    )


def results(path: str | os.PathLike[str], **kwargs: object) -> list[ReadResult]:
    return list(read_path(path, **kwargs))  # type: ignore[arg-type]


def only(items: Iterable[ReadResult]) -> ReadResult:
    items = list(items)
    assert len(items) == 1, [(r.source, r.status, r.reason, r.detail) for r in items]
    return items[0]


def ok(items: Iterable[ReadResult]) -> list[ReadResult]:
    return [r for r in items if r.status == "ok"]


# -- the seed page ----------


@pytest.fixture(scope="module")
def seed() -> ReadResult:
    files = sorted(SEEDS.glob("*.txt"))
    assert files, f"{SEEDS}: no seed page; ../shared must sit beside the clone (CI has it)"
    return only(read_path(files[0]))


def test_seed_page_is_split_into_body_and_chrome(seed: ReadResult) -> None:
    assert seed.status == "ok", seed.detail
    art = seed.article
    assert art is not None
    assert art.text.startswith("U.S. Secretary of State Anthony Brinken kicked off talks")
    assert art.title == (
        "US secretary of state launches unusual visit to China in hopes of easing tensions"
    )
    chrome = art.boilerplate
    assert any("Theme License is not validated" in line for line in chrome)
    assert "New Zealand" in chrome
    assert "photograph: Leah Millis/AFP/Pool" in chrome
    assert any(
        line.startswith("US Secretary of State Anthony Blinken and China") for line in chrome
    )
    assert "Back to top button" in chrome
    assert len(art.declared_sources) == 1
    assert art.declared_sources[0].startswith("https://www.rnz.co.nz/news/world/492227/")
    assert "AFP" in art.credits
    assert art.language == "en"
    # Nothing of the chrome is left in the body; paragraphs stay blank-line separated.
    for line in [*chrome, *art.declared_sources]:
        assert line not in art.text
    assert "\n\n\n" not in art.text and art.text.count("\n\n") >= 20
    assert art.text.rstrip().endswith("reluctant to cooperate on the issue.")
    assert art.meta["boilerplate_labels"] == [
        "nag",
        "section",
        "caption",
        "photo_credit",
        "back_to_top",
    ]


def test_seed_id_is_stable_across_reads(seed: ReadResult) -> None:
    again = only(read_path(sorted(SEEDS.glob("*.txt"))[0]))
    assert seed.article and again.article
    assert seed.article.id == again.article.id
    assert seed.article.id.startswith("sha1:") and len(seed.article.id) == 5 + 16


# -- HTML ----------


def test_html_footer_copyright_year_is_not_taken_for_the_date() -> None:
    body = "<p>Dock workers in Rotterdam ended a three-day strike on Tuesday after unions " \
        "accepted a pay offer from the port authority, officials said.</p>" * 3
    page = f"<html><body><article><h1>Strike ends</h1>{body}</article>" \
        "<footer>\u00a9 2019 Some Site. All rights reserved.</footer></body></html>"
    undated = read_html(page)
    assert undated.article is not None and undated.article.published is None
    stated = page.replace("<html>", "<html><head><meta property='article:published_time' "
                                    "content='2024-03-05T10:00:00Z'></head>")
    dated = read_html(stated)
    assert dated.article is not None and dated.article.published == "2024-03-05"


def test_html_page_metadata_and_evidence() -> None:
    res = only(read_path(FIXTURES / "article.html"))
    assert res.status == "ok", res.detail
    art = res.article
    assert art is not None
    assert art.title == "Talks resume in Geneva after three-month pause"
    assert art.byline == "Jane Doe"
    assert art.site == "Example News"
    assert art.published == "2023-06-18"
    assert art.url == "https://news.example.com/world/2023/06/18/talks-resume-geneva"
    assert art.id.startswith("url:")
    assert art.language == "en"
    assert art.text.startswith("GENEVA (Reuters) - Negotiators")
    assert "Share this" not in art.text and "Share this" in art.boilerplate
    # Credits: the dateline (with offsets into the text) and the photo caption.
    assert art.credits == ["Reuters", "AP"]
    span = art.meta["credit_spans"][0]
    assert art.text[span["start"] : span["end"]] == "GENEVA (Reuters) -"
    # Declared sources: the body's "Source:" link, not navigation, footer or share links.
    assert "https://wire.example/story/123" in art.declared_sources
    assert not any("elsewhere.example" in s or "code.example" in s for s in art.declared_sources)
    assert not any("twitter.com" in s for s in art.declared_sources)
    markers = art.meta["mt_markers"]
    assert "google_translate" in markers and "hreflang:es" in markers


def test_html_mt_markers_meta_translator_and_language_mismatch() -> None:
    spanish = (
        "El consejo regional votó el martes para cerrar el viejo puente del puerto por "
        "reparaciones, y dijo que los ingenieros habían encontrado una corrosión grave en "
        "sus soportes de acero durante una inspección rutinaria el mes pasado."
    )
    html = (
        page(body=spanish)
        .replace("<title>", "<meta name='translator' content='DeepL'><title>")
        .replace(f"<p>{BODY2}</p>", "<p>Translated by machine from the English original.</p>")
    )
    res = read_html(html, source="mt.html")
    assert res.article is not None, res.detail
    markers = res.article.meta["mt_markers"]
    assert "meta_translator:DeepL" in markers
    assert "lang_mismatch:en->es" in markers
    assert any(m.lower().startswith("note:translated by machine") for m in markers)
    assert res.article.language == "es"


def test_html_charset_from_meta_tag() -> None:
    html = page(body=BODY + " Le café était très bon, à côté de la rivière.")
    data = html.replace("<head>", "<head><meta charset='iso-8859-1'>").encode("latin-1")
    res = read_html(data, source="latin1.html")
    assert res.article is not None, res.detail
    assert "Le café était très bon" in res.article.text


def test_hostile_html_is_read_safely() -> None:
    nested = "<div>" * 10_000 + "<p>deep text</p>" + "</div>" * 10_000
    html = (FIXTURES / "hostile.html").read_text().replace("<!-- NESTED -->", nested)
    start = time.perf_counter()
    res = read_html(html, source="hostile.html")
    assert time.perf_counter() - start < 10
    assert res.status == "ok" and res.article is not None, res.detail
    text = res.article.text
    assert "alert" not in text and "injected" not in text and "style text" not in text
    assert "onerror" not in text
    assert "bridge would reopen" in text
    assert not any(s.startswith("javascript:") for s in res.article.declared_sources)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html></html>",
        "<html><body><p>Too short.</p></body></html>",
        "<" * 5000,
        "<html><body>" + "<p>x</p>" * 3000 + "</body></html>",
        "\x00\x01<html>",
        "<html><head><meta charset='no-such-charset'></head><body>text</body></html>",
    ],
)
def test_html_never_raises(html: str) -> None:
    res = read_html(html.encode("utf-8"), source="odd.html")
    assert res.status in ("ok", "failed")
    if res.status == "failed":
        assert res.reason and res.detail and "odd.html" in res.detail


# -- guards ----------


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n\t ")
    (tmp_path / "empty.html").write_bytes(b"")
    res = results(tmp_path)
    assert [r.reason for r in res] == ["empty", "empty", "empty"]
    assert all(r.detail and str(tmp_path) in r.detail for r in res)


def test_binary_file(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4096)
    (tmp_path / "photo.png").write_bytes(png)
    (tmp_path / "story.txt").write_bytes(png)  # the extension lies
    res = results(tmp_path)
    assert [r.reason for r in res] == ["binary", "binary"]
    assert "photo.png" in (res[0].detail or "")


def test_latin1_text_file(tmp_path: Path) -> None:
    text = (
        "Le café du village a rouvert ses portes après les travaux. Les élèves du lycée "
        "voisin y déjeunent déjà, et le maire s'est félicité de cette réouverture très "
        "attendue à côté de la rivière."
    )
    (tmp_path / "latin1.txt").write_bytes(text.encode("latin-1"))
    res = only(read_path(tmp_path / "latin1.txt"))
    assert res.article is not None, res.detail
    assert res.article.text == text
    assert res.article.language == "fr"
    assert res.article.meta["encoding"] == "cp1252"


def test_utf16_with_bom(tmp_path: Path) -> None:
    (tmp_path / "utf16.txt").write_bytes(f"{BODY}\n\n{BODY2}".encode("utf-16"))
    res = only(read_path(tmp_path / "utf16.txt"))
    assert res.article is not None, res.detail
    assert res.article.text.startswith("The regional council voted")


def test_undecodable_file(tmp_path: Path) -> None:
    junk = bytes((i * 37 + 11) % 128 + 128 for i in range(4000))
    (tmp_path / "junk.txt").write_bytes(junk)
    res = only(read_path(tmp_path / "junk.txt"))
    assert res.reason == "undecodable" and "junk.txt" in (res.detail or "")


def test_file_over_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    big.write_text(page(body=BODY * 50))
    res = only(read_path(big, max_bytes=1000))
    assert res.reason == "too_large" and "big.html" in (res.detail or "")
    res = only(read_path(big, options=IngestOptions(max_bytes=1000)))
    assert res.reason == "too_large"
    assert only(read_path(big)).status == "ok"


def test_gzip_bomb_is_too_large(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"word " * 400_000))  # 2 MB inflated, 3 KB on disk
    res = only(read_path(bomb, max_bytes=100_000))
    assert res.reason == "too_large"


def test_too_few_words(tmp_path: Path) -> None:
    (tmp_path / "short.txt").write_text("Just a few words here.")
    res = only(read_path(tmp_path / "short.txt"))
    assert res.reason == "no_text" and "short.txt" in (res.detail or "")
    res = only(read_path(tmp_path / "short.txt", options=IngestOptions(min_words=3)))
    assert res.status == "ok"


def test_missing_path() -> None:
    res = only(read_path("/nonexistent/wiretrace/file.html"))
    assert res.reason == "not_found" and "/nonexistent/wiretrace/file.html" in (res.detail or "")


def test_truncated_gzip_text(tmp_path: Path) -> None:
    data = gzip.compress((BODY + "\n\n" + BODY2).encode() * 20)
    (tmp_path / "cut.txt.gz").write_bytes(data[: len(data) // 2])
    res = only(read_path(tmp_path / "cut.txt.gz"))
    assert res.reason == "truncated" and "cut.txt.gz" in (res.detail or "")


def test_compressed_text_formats(tmp_path: Path) -> None:
    raw = f"{BODY}\n\n{BODY2}".encode()
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(raw))
    (tmp_path / "b.txt.bz2").write_bytes(bz2.compress(raw))
    res = results(tmp_path)
    assert [r.status for r in res] == ["ok", "ok"]
    assert res[0].article and res[1].article
    assert res[0].article.id == res[1].article.id  # same text, same content id


# -- JSONL ----------


def jsonl(records: Iterable[object]) -> bytes:
    return b"".join(
        (r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records
    )


def test_jsonl_with_one_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_bytes(
        jsonl(
            [
                {
                    "id": "a1",
                    "url": "https://x.example/a",
                    "title": "A",
                    "published": "2023-06-18",
                    "text": BODY,
                    "topic": 7,
                },
                b'{"id": "a2", "text": "unterminated',
                b"",
                {
                    "id": 3,
                    "date": "26-FEB-1987 15:01:01.79",
                    "text": BODY2 + " " + BODY,
                    "author": "Reuter Staff",
                    "language": "en",
                },
                [1, 2, 3],
            ]
        )
    )
    res = results(path)
    assert [r.status for r in res] == ["ok", "failed", "ok", "failed"]
    bad = res[1]
    assert bad.reason == "bad_json" and bad.source == f"{path}#2"
    assert bad.detail and f"{path}#2" in bad.detail
    assert res[3].reason == "bad_json" and res[3].source == f"{path}#5"
    first, third = res[0].article, res[2].article
    assert first and third
    assert (first.id, first.url, first.title, first.published) == (
        "a1",
        "https://x.example/a",
        "A",
        "2023-06-18",
    )
    assert first.meta["topic"] == 7
    assert third.id == "3" and third.published == "1987-02-26T15:01:01"
    assert third.byline == "Reuter Staff" and third.language == "en"


def test_jsonl_gz_truncated_keeps_lines_read(tmp_path: Path) -> None:
    lines = jsonl({"id": f"n{i}", "text": f"{BODY} Item {i}."} for i in range(200))
    data = gzip.compress(lines)
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) * 2 // 3])
    res = results(tmp_path / "cut.jsonl.gz")
    assert len(ok(res)) >= 10
    assert res[-1].reason == "truncated" and "cut.jsonl.gz" in (res[-1].detail or "")
    assert all(r.status == "ok" for r in res[:-1])


def test_jsonl_overlong_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(jsonl([{"id": "big", "text": BODY * 200}, {"id": "small", "text": BODY}]))
    res = results(path, max_bytes=5000)
    assert [r.reason for r in res] == ["too_large", None]
    assert res[1].article and res[1].article.id == "small"


def test_json_array_and_record_variants(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": "x", "text": BODY}, {"id": "y", "html": page()}, "oops"]))
    res = results(path)
    assert [r.status for r in res] == ["ok", "ok", "failed"]
    assert res[1].article and res[1].article.id == "y" and res[1].article.title
    assert only([read_record({"id": "z"}, source="r")]).reason == "no_text"


# -- WARC / WET ----------


def make_warc(records: list[tuple[str, str, bytes, str]], *, gz: bool) -> bytes:
    """(record type, URI, payload, content type) -> WARC bytes, written with warcio."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "pytest"}))
    for kind, uri, payload, ctype in records:
        if kind == "response":
            status = "404 Not Found" if "missing" in uri else "200 OK"
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(payload),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2023-06-19T10:00:00Z"},
            )
        else:
            rec = writer.create_warc_record(
                uri,
                kind,
                payload=io.BytesIO(payload),
                warc_content_type=ctype,
                warc_headers_dict={"WARC-Date": "2023-06-19T10:00:00Z"},
            )
        writer.write_record(rec)
    return buf.getvalue()


CRAWL = [
    (
        "response",
        "https://a.example/one",
        page("First story about the harbour").encode(),
        "text/html; charset=utf-8",
    ),
    ("response", "https://a.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(300), "image/png"),
    ("response", "https://a.example/missing", b"<html>not here</html>", "text/html"),
    (
        "response",
        "https://a.example/two",
        page("Second story about the harbour").encode(),
        "text/html",
    ),
]


@pytest.mark.parametrize("gz", [False, True])
def test_warc_records(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(make_warc(CRAWL, gz=gz))
    res = results(path)
    assert [r.status for r in res] == ["ok", "failed", "failed", "ok"]
    assert [r.reason for r in res[1:3]] == ["unsupported", "http_status"]
    first = res[0].article
    assert first is not None
    assert first.url == "https://a.example/one"
    assert first.published == "2023-06-19T10:00:00+00:00"  # the page has no date of its own
    assert first.title == "First story about the harbour"
    assert first.meta["crawl_date"] == "2023-06-19T10:00:00+00:00"
    assert res[0].source == f"{path}#2"  # record 1 is the warcinfo
    assert res[3].article and res[3].article.url == "https://a.example/two"


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_warc(tmp_path: Path, gz: bool) -> None:
    data = make_warc(CRAWL, gz=gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[: len(data) - 200])  # inside the last record
    res = results(path)
    assert res[-1].reason == "truncated"
    assert res[-1].detail and "cut.warc" in res[-1].detail
    urls = [r.article.url for r in res if r.article]
    assert urls == ["https://a.example/one"]  # the cut record is reported, not ingested
    assert len(res) == 4  # one, png, missing, truncated


def test_truncated_warc_between_members(tmp_path: Path) -> None:
    data = make_warc(CRAWL, gz=True)
    whole = make_warc(CRAWL[:3], gz=True)
    path = tmp_path / "cut2.warc.gz"
    path.write_bytes(data[: len(whole) + 40])  # cut in the gzip header of the last member
    res = results(path)
    assert res[-1].reason == "truncated"
    assert len(res) == 4


def test_wet_conversion_records(tmp_path: Path) -> None:
    text = f"Harbour bridge to close\n{BODY}\n{BODY2}\nShare this\n".encode()
    path = tmp_path / "crawl.warc.wet.gz"
    path.write_bytes(
        make_warc([("conversion", "https://a.example/wet", text, "text/plain")], gz=True)
    )
    res = only(read_path(path))
    art = res.article
    assert art is not None, res.detail
    assert art.url == "https://a.example/wet"
    assert art.title == "Harbour bridge to close"
    assert art.text == f"{BODY}\n\n{BODY2}"
    assert art.boilerplate == ["Share this"]


def test_warc_from_stream_and_by_content(tmp_path: Path) -> None:
    data = make_warc(CRAWL[:1], gz=False)
    assert sniff_format(data, "whatever.txt") == "warc"
    (tmp_path / "misnamed.txt").write_bytes(data)
    assert only(read_path(tmp_path / "misnamed.txt")).status == "ok"
    assert ok(read_warc(io.BytesIO(data), source="s"))


# -- feeds ----------


def test_rss_feed() -> None:
    res = results(FIXTURES / "feed.rss")
    assert [r.status for r in res] == ["ok", "failed"]
    assert res[1].reason == "no_text" and res[1].source.endswith("feed.rss#2")
    art = res[0].article
    assert art is not None
    assert art.title == "Bridge reopens after two years of repairs"
    assert art.url == "https://wire.example/2023/bridge-reopens"
    assert art.published == "2023-06-19T09:30:00+00:00"
    assert art.byline == "Sam Writer" and art.site == "Example Wire"
    assert art.declared_sources == ["https://origin.example/bridge Origin Daily"]
    assert "alert" not in art.text and "Share this" not in art.text
    assert art.text.startswith("BERLIN (dpa) - The city council said")
    assert art.credits == ["dpa"]


def test_atom_feed() -> None:
    res = results(FIXTURES / "feed.atom")
    assert [r.status for r in res] == ["ok", "ok"]
    first, second = (r.article for r in res)
    assert first and second
    assert first.url == "https://atom.example/harbour" and first.byline == "Alex Author"
    assert first.published == "2023-06-20T10:00:00+00:00"
    assert first.text.startswith("The regional government approved")
    assert second.url == "https://atom.example/xhtml" and second.published == "2023-06-21"
    assert second.text.startswith("Farmers in the valley")


@pytest.mark.parametrize(
    "xml",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        "<rss><channel><item><description>&lol2;</description></item></channel></rss>",
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<rss><channel><item><description>&x;</description></item></channel></rss>",
    ],
)
def test_feed_refuses_entities(xml: str) -> None:
    res = only(read_feed(xml.encode(), source="evil.rss"))
    assert res.reason == "unsafe_xml" and "evil.rss" in (res.detail or "")


def test_feed_malformed() -> None:
    assert only(read_feed(b"<rss><channel><item>", source="f")).reason == "bad_xml"
    assert only(read_feed(b"<?xml version='1.0'?><html/>", source="f")).reason == "not_a_feed"


# -- dispatch ----------


def test_folder_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text(f"{BODY}\n\n{BODY2}")
    (tmp_path / "b" / "c.html").write_text(page())
    (tmp_path / "b" / "d.jsonl").write_bytes(jsonl([{"id": "d1", "text": BODY}]))
    (tmp_path / ".hidden.txt").write_text(BODY)
    (tmp_path / "b" / "e.md").write_text(f"# A markdown headline here\n\n{BODY}\n")
    first = [r.source for r in read_path(tmp_path)]
    assert first == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b" / "c.html"),
        f"{tmp_path / 'b' / 'd.jsonl'}#1",
        str(tmp_path / "b" / "e.md"),
    ]
    assert first == [r.source for r in read_path(str(tmp_path))]
    md = only(read_path(tmp_path / "b" / "e.md")).article
    assert md and md.title == "A markdown headline here"


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdin:
        buffer = io.BytesIO(page().encode())

    monkeypatch.setattr(sys, "stdin", FakeStdin)
    res = only(read_path("-"))
    assert res.status == "ok" and res.source == "<stdin>"
    assert res.article and res.article.title == "Harbour bridge to close for repairs"


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"WARC/1.1\r\n", "x.html", "warc"),
        (b"<?xml version='1.0'?><rss>", "feed", "feed"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", "", "feed"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", "page.txt", "html"),
        (b'{"id": 1}\n{"id": 2}\n', "", "jsonl"),
        (b'{"id": 1}\n', "notes.txt", "text"),
        (b"[{}]", "a.json", "json"),
        (b'{\n  "id": 1\n}', "a.json", "json"),
        (b"Plain words.", "a.jsonl.gz", "jsonl"),
        (b"Plain words.", "", "text"),
        (b"<div><p>fragment</p></div>", "", "html"),
    ],
)
def test_sniff_format(head: bytes, name: str, kind: str) -> None:
    assert sniff_format(head, name) == kind


def test_read_text_directly_keeps_given_title() -> None:
    res = read_text(f"Short line\n\n{BODY}", source="t", title="Given title")
    assert res.article and res.article.title == "Given title"
    assert res.article.text.startswith("Short line")  # not taken for a title or label


PREFIXES = [b"", b"WARC/1.0\r\n", b"<rss>", b"<!DOCTYPE html><html>", b'{"text": ', b"\x1f\x8b"]


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(PREFIXES),
    st.binary(max_size=600) | st.text(max_size=600).map(str.encode),
    st.sampled_from(["", "a.html", "a.jsonl", "a.warc", "a.rss", "a.txt", "a.json"]),
)
def test_read_stream_never_raises(prefix: bytes, data: bytes, name: str) -> None:
    for res in read_stream(io.BytesIO(prefix + data), source="fuzz", name=name):
        assert res.status in ("ok", "failed")
        assert res.status == "ok" or (res.reason and res.detail and "fuzz" in res.detail)


def test_malformed_urls_never_raise(tmp_path: Path) -> None:
    html = (
        page()
        .replace("<head>", "<head><link rel='canonical' href='http://[broken/'>")
        .replace("</article>", "<p>Source: <a href='http://[bad'>here</a></p></article>")
    )
    res = read_html(html, source="bad-url.html", url="http://[also-broken")
    assert res.article is not None, res.detail
    assert res.article.id.startswith("sha1:")  # no usable URL: a content id
    path = tmp_path / "bad.warc"
    path.write_bytes(make_warc([("response", "http://[x", page().encode(), "text/html")], gz=False))
    assert [r.status for r in read_path(path)] == ["ok"]
