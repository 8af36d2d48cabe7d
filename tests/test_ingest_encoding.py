"""Character encodings (issue 11): one stray byte must not garble a whole UTF-8 document,
and UTF-16/32 without a declaration is text, not binary. Every reader that decodes bytes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from wiretrace.data import ReadResult
from wiretrace.ingest import read_feed, read_html, read_path, read_stream, read_warc
from wiretrace.ingest._common import decode, looks_binary

FR = (
    "Le président de la République a reçu dimanche à l'Élysée le Premier ministre italien. "
    "Les deux dirigeants ont évoqué la crise énergétique, l'immigration et la guerre en "
    "Ukraine. « Nous sommes d'accord sur l'essentiel », a déclaré le porte-parole après "
    "la réunion, qui a duré près de trois heures."
)
RU = (
    "Президент в воскресенье провёл встречу с членами правительства, на которой обсуждались "
    "вопросы экономики. Министр финансов сообщил, что бюджет 2023 года исполнен с профицитом."
)
ZH = (
    "中国国家主席周日在北京会见了来访的法国总统，双方就两国关系和共同关心的国际问题交换了意见。"
    "会谈在友好的气氛中进行，双方同意加强在贸易、能源和气候变化领域的合作。"
)


def _stray(text: str, after: str = "dirigeants") -> bytes:
    """``text`` in UTF-8 with one invalid byte (a lone 0xE9, as a cp1252 "é") after a word."""
    data = text.encode("utf-8")
    at = data.index(after.encode()) + len(after)
    return data[:at] + b"\xe9" + data[at:]


def _ok(res: ReadResult) -> ReadResult:
    assert res.status == "ok" and res.article is not None, (res.reason, res.detail)
    return res


def _page(body: str, head: str = "") -> str:
    paras = "".join(f"<p>{p}.</p>" for p in body.split(". ") if p)
    return (f"<!DOCTYPE html><html lang='fr'><head>{head}<title>Visite à Paris</title></head>"
            f"<body><article><h1>Visite à Paris</h1>{paras}</article></body></html>")


def _warc(records: list[tuple[str, bytes, str]]) -> bytes:
    """HTTP responses (URI, payload, Content-Type) as an uncompressed WARC."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for uri, payload, ctype in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            uri, "response", payload=io.BytesIO(payload), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2023-06-19T10:00:00Z"}))
    return buf.getvalue()


def _keeps_accents(text: str) -> None:
    for word in ("président", "République", "Élysée", "énergétique"):
        assert word in text, text[:120]
    assert "Ã" not in text and "\u0102" not in text  # no mojibake ("prÃ©sident", "prĂ©sident")


def test_one_stray_byte_leaves_utf8_text_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(_stray(FR))
    res = _ok(next(read_path(path)))
    assert res.article is not None
    _keeps_accents(res.article.text)
    assert "dirigeants\ufffd ont" in res.article.text
    assert res.article.meta["encoding"] == "utf-8"
    assert res.article.meta["encoding_errors"] == 1
    # text that is not UTF-8 at all still goes to detection
    assert decode(FR.encode("cp1252")) == (FR, "cp1252", 0)
    zh = decode(ZH.encode("gbk"))
    assert zh is not None and zh.text == ZH and zh.encoding in ("gbk", "gb18030", "gb2312")


def test_one_stray_byte_in_every_reader(tmp_path: Path) -> None:
    html = _ok(read_html(_stray(_page(FR)), source="p.html"))
    declared = _ok(read_html(_stray(_page(FR, "<meta charset='utf-8'>")), source="d.html"))
    for res in (html, declared):
        assert res.article is not None
        _keeps_accents(res.article.text)
        assert res.article.meta["encoding_errors"] == 1

    record = json.dumps({"id": "a", "title": "Visite", "text": FR}, ensure_ascii=False)
    lines = _stray(record) + b"\n" + record.encode() + b"\n"
    first, second = (_ok(r) for r in read_stream(io.BytesIO(lines), source="f", name="f.jsonl"))
    assert first.article is not None and second.article is not None
    _keeps_accents(first.article.text)
    assert first.article.meta["encoding_errors"] == 1
    assert "encoding_errors" not in second.article.meta

    items = "".join(f"<item><title>Visite {i}</title><description>{FR}</description></item>"
                    for i in range(2))
    rss = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{items}'
           "</channel></rss>")
    feed = [_ok(r) for r in read_feed(_stray(rss), source="f.rss")]
    assert len(feed) == 2
    for res in feed:
        assert res.article is not None
        _keeps_accents(res.article.text)

    warc = _warc([("https://example.org/a", _stray(_page(FR)), "text/html"),
                  ("https://example.org/b", _stray(FR), "text/plain; charset=utf-8")])
    (tmp_path / "c.warc").write_bytes(warc)
    pages = [_ok(r) for r in read_warc(tmp_path / "c.warc")]
    assert len(pages) == 2
    for res in pages:
        assert res.article is not None
        _keeps_accents(res.article.text)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_bom_are_text(tmp_path: Path, encoding: str) -> None:
    text = f"{FR}\n\n{FR.replace('dimanche', 'lundi')}"
    assert not looks_binary(text.encode(encoding))
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    res = _ok(next(read_path(tmp_path / "a.txt")))
    assert res.article is not None
    _keeps_accents(res.article.text)
    assert res.article.meta["encoding"] == encoding

    (tmp_path / "a.html").write_bytes(_page(FR).encode(encoding))
    page = _ok(next(read_path(tmp_path / "a.html")))
    assert page.article is not None
    _keeps_accents(page.article.text)

    # Cyrillic: the only NULs are in the spaces, digits and punctuation
    assert decode(RU.encode(encoding)) == (RU, encoding, 0)


@pytest.mark.parametrize("bom", [True, False])
def test_utf16_jsonl_lines_are_records(bom: bool) -> None:
    records = [{"id": f"r{i}", "title": "Visite", "text": FR} for i in range(3)]
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    data = body.encode("utf-16" if bom else "utf-16-le")
    got = [_ok(r) for r in read_stream(io.BytesIO(data), source="u", name="u.jsonl")]
    assert [r.article.id for r in got if r.article] == ["r0", "r1", "r2"]


def test_binary_and_false_declarations_are_not_taken_for_utf16() -> None:
    """Binary with NULs, or a 16-bit array of small numbers, stays binary; a page that
    declares UTF-16 but is single-byte text is read as what it is (as browsers do)."""
    import numpy as np

    assert looks_binary(b"\x00\x01\x02" * 50)
    assert looks_binary((np.arange(0, 4000, dtype="<u2") % 32).tobytes())
    assert looks_binary(np.tile(np.arange(0, 28, dtype="<u2"), 100).tobytes())
    page = _page(FR, "<meta charset='utf-16'>").encode("utf-8")
    page += b" " * (len(page) % 2)  # even length: a UTF-16 reading would not even fail
    res = _ok(read_html(page, source="liar.html"))
    assert res.article is not None
    _keeps_accents(res.article.text)
    assert res.article.meta["encoding"] == "utf-8"


def test_warc_text_record_uses_its_http_charset(tmp_path: Path) -> None:
    """A text/plain record's HTTP charset reaches the text reader (it was dropped, and
    detection read ISO-8859-15's euro sign 0xA4 as the cp1252 "¤")."""
    data = FR.replace("dimanche", "dimanche (100 €)").encode("iso-8859-15")
    (tmp_path / "t.warc").write_bytes(
        _warc([("https://example.org/t", data, "text/plain; charset=iso-8859-15")]))
    res = _ok(next(read_warc(tmp_path / "t.warc")))
    assert res.article is not None
    assert "dimanche (100 €)" in res.article.text
    assert res.article.meta["encoding"] == "iso8859-15"
