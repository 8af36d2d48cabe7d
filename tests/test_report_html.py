"""The HTML trace report: one self-contained page that shows the verdict, both texts level
with each other, every alteration marked on exactly its characters, and that stays inert
whatever the articles contain.

A copy of the Blinken story (credit cut, 70 -> 80 minutes, last sentence dropped, a
newsletter line added) is traced against the stored original, both ways round; a hostile
pair of articles (script tags, event handlers, ``javascript:`` URLs in every field) is
traced and the page parsed with the stdlib parser to prove no active element or attribute
came out of it. The engine reuses the session's ``Fingerprinter`` (one model load).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import wiretrace.engine
from wiretrace.cli import main
from wiretrace.data import Article
from wiretrace.engine import Wiretrace
from wiretrace.report import render_html, trace_report
from wiretrace.report.html import _marked

SOURCE = (  # as in test_forensics_alterations
    "BEIJING, June 18 (Reuters) - U.S. Secretary of State Antony Blinken met Chinese "
    "Foreign Minister Qin Gang in Beijing on Sunday. "
    "Blinken is expected to meet top diplomat Wang Yi on Monday. "
    "The talks lasted 70 minutes, officials said. "
    "Washington does not plan to lift the sanctions this year. "
    '"We need a high-level communication channel," a senior official told reporters. '
    "Both sides agreed to keep talking."
)
LAST = "Both sides agreed to keep talking."
ADDED = "Subscribe to our newsletter for more world news."
COPY = (SOURCE.split(" - ", 1)[1].replace("lasted 70 minutes", "lasted 80 minutes")
        .replace(LAST, ADDED))

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
    "<a href=\"javascript:alert(1)\">click</a>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<iframe src=https://evil.example/></iframe>",
]
HOSTILE_TEXT = " ".join(HOSTILE)


# -- a small parser: every element, every attribute, the aligned table's rows -------------


@dataclass
class _Mark:
    classes: set[str]
    title: str
    text: str = ""


@dataclass
class _Page(HTMLParser):
    tags: list[tuple[str, list[tuple[str, str | None]]]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # rows of table.aligned
    marks: list[tuple[str, _Mark]] = field(default_factory=list)  # (cell class, mark)
    text: list[str] = field(default_factory=list)
    verdict: str = ""

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)
        self._in_aligned = 0
        self._row: dict[str, Any] | None = None
        self._cell: str | None = None
        self._open_marks: list[_Mark] = []
        self._in_verdict = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag == "table" and "aligned" in classes:
            self._in_aligned += 1
        elif tag == "tr" and self._in_aligned:
            self._row = {"classes": classes, "copy": "", "source": ""}
            self.rows.append(self._row)
        elif tag == "td" and self._row is not None:
            self._cell = "copy" if "copy" in classes else "source" if "source" in classes else None
        elif tag == "mark":
            m = _Mark(classes, a.get("title") or "")
            self._open_marks.append(m)
            self.marks.append((self._cell or "", m))
        elif tag == "p" and "verdict" in classes:
            self._in_verdict = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._in_aligned:
            self._in_aligned -= 1
        elif tag == "td":
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "mark" and self._open_marks:
            self._open_marks.pop()
        elif tag == "p":
            self._in_verdict = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._row is not None and self._cell:
            self._row[self._cell] += data
        for m in self._open_marks:
            m.text += data
        if self._in_verdict:
            self.verdict += data


def _parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    return p


def _pair_row(page: _Page, copy: str, source: str) -> dict[str, Any]:
    rows = [r for r in page.rows if r["copy"] == copy and r["source"] == source]
    assert len(rows) == 1, [(r["copy"], r["source"]) for r in page.rows]
    return rows[0]


# -- fixtures ---------------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("one_model_load")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("html") / "store"


@pytest.fixture(scope="module")
def engine(store: Path) -> Wiretrace:
    wt = Wiretrace(store)
    wt.add([Article(id="source", text=SOURCE, title="Blinken meets Qin",
                    url="https://wire.example/1", published="2023-06-18")])
    return wt


def _render(wt: Wiretrace, article: Article) -> tuple[dict, str]:
    report = trace_report(wt.trace(article), wt.store.get)
    return report, render_html(report, wt.store.get)


@pytest.fixture(scope="module")
def traced(engine: Wiretrace) -> tuple[dict, str]:
    return _render(engine, Article(id="copy", text=COPY, title="Top diplomats meet"))


# -- the page ---------------------------------------------------------------------------


def test_verdict_is_one_line_at_the_top(traced: tuple[dict, str]) -> None:
    report, page = traced
    assert report["sources"] and report["sources"][0]["source"]["id"] == "source"
    p = _parse(page)
    assert p.verdict == report["verdict"] and "\n" not in p.verdict
    assert page.index('class="verdict"') < page.index('class="source"')


def test_both_texts_side_by_side_with_the_number_marked(traced: tuple[dict, str]) -> None:
    p = _parse(traced[1])
    row = _pair_row(p, "The talks lasted 80 minutes, officials said.",
                    "The talks lasted 70 minutes, officials said.")
    assert "row-pair" in row["classes"]
    number = [(cell, m) for cell, m in p.marks if "alt-number_changed" in m.classes and cell]
    assert [(cell, m.text) for cell, m in number] == [("copy", "80"), ("source", "70")]
    assert all("sev-high" in m.classes for _, m in number)
    assert "70" in number[0][1].title and "80" in number[0][1].title
    # exactly the two characters, nothing around them
    assert 'lasted <mark id="a1-0-c" class="alt-number_changed sev-high"' in traced[1]
    assert ">80</mark> minutes" in traced[1]


def test_added_and_dropped_sentences_and_the_removed_credit(traced: tuple[dict, str]) -> None:
    p = _parse(traced[1])
    added = [r for r in p.rows if "row-added" in r["classes"]]
    dropped = [r for r in p.rows if "row-dropped" in r["classes"]]
    assert [r["copy"] for r in added] == [ADDED]
    assert [r["source"] for r in dropped] == [LAST]
    assert "(not in the source)" in added[0]["source"]
    credit = [(cell, m.text) for cell, m in p.marks
              if "alt-attribution_removed" in m.classes and cell]
    assert ("source", "BEIJING, June 18 (Reuters) - ") in credit
    # the rows follow the texts: the added line replaces the last sentence, at the end
    kinds = [("added" if "row-added" in r["classes"] else "dropped"
              if "row-dropped" in r["classes"] else "pair") for r in p.rows[1:]]
    assert kinds[:5] == ["pair"] * 5 and sorted(kinds[5:]) == ["added", "dropped"]


def test_legend_list_evidence_others_and_print_styles(traced: tuple[dict, str]) -> None:
    report, page = traced
    p = _parse(page)
    text = "".join(p.text)
    for label in ("Alterations", "Evidence", "Aligned passages", "Not copies", "Severity:"):
        assert label in text
    assert "number changed" in text and "attribution / credit removed" in text
    assert "Reuters" in text and "2023-06-18" in text  # credit and date of the source
    assert "blinken" in text  # a shared name
    assert "@media print" in page
    assert report["sources"][0]["direction_evidence"][0] in text
    others = report["others"]
    for rel in others:
        assert rel["source"]["id"] in text


def test_page_is_self_contained(traced: tuple[dict, str]) -> None:
    page = traced[1]
    p = _parse(page)
    tags = {t for t, _ in p.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
    assert not any(k in ("src", "srcset", "action") for _, attrs in p.tags for k, _ in attrs)
    assert "@import" not in page and "url(" not in page
    csp = [dict(a)["content"] for t, a in p.tags
           if t == "meta" and dict(a).get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0] or "")
    hrefs = [v for t, a in p.tags for k, v in a if k == "href"]
    assert hrefs and all(h and (h.startswith("#") or h.startswith("https://")) for h in hrefs)


def test_when_the_stored_article_is_the_copy_the_columns_follow_the_roles(
        tmp_path: Path) -> None:
    wt = Wiretrace(tmp_path / "store")
    wt.add([Article(id="stored-copy", text=COPY)])
    report, page = _render(wt, Article(id="original", text=SOURCE))
    rel = report["sources"][0]
    assert rel["features"].get("seen_from") == "candidate", rel["direction"]
    p = _parse(page)
    _pair_row(p, "The talks lasted 80 minutes, officials said.",
              "The talks lasted 70 minutes, officials said.")
    number = [(cell, m.text) for cell, m in p.marks
              if "alt-number_changed" in m.classes and cell]
    assert number == [("copy", "80"), ("source", "70")]
    assert "copy — stored article" in "".join(p.text)


# -- hostile articles -------------------------------------------------------------------


def test_hostile_articles_render_as_inert_text(tmp_path: Path) -> None:
    wt = Wiretrace(tmp_path / "store")
    wt.add([Article(
        id="hostile-source", text=SOURCE.replace("Both sides", HOSTILE_TEXT + " Both sides"),
        title=HOSTILE_TEXT, url="javascript:alert(1)", site='"><svg onload=alert(1)>',
        byline="<script>alert(1)</script>", published="<b>2023</b>",
        declared_sources=["javascript:alert(1)", 'https://x.example/"><script>'])])
    art = Article(id='x"><svg onload=alert(1)>', title=HOSTILE_TEXT, url="javascript:alert(1)",
                  text=COPY.replace(ADDED, HOSTILE_TEXT), byline=HOSTILE[1],
                  credits=[HOSTILE[0]], declared_sources=["javascript:alert(1)", HOSTILE[3]])
    report, page = _render(wt, art)
    assert report["sources"][0]["source"]["id"] == "hostile-source"
    assert report["sources"][0]["alterations"]  # marks (with titles) are on the page too
    p = _parse(page)
    allowed = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
               "p", "dl", "dt", "dd", "span", "a", "b", "br", "ul", "li", "nav", "section",
               "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "mark",
               "footer"}
    assert {t for t, _ in p.tags} <= allowed, {t for t, _ in p.tags} - allowed
    for _, attrs in p.tags:
        for k, v in attrs:
            assert not k.startswith("on"), (k, v)
            assert k in ("class", "id", "title", "href", "rel", "lang", "charset", "name",
                         "content", "http-equiv"), k
            if k == "href":
                assert v and (v.startswith("#") or v.startswith("https://")), v
            if k in ("class", "id"):
                assert v and all(c.isalnum() or c in " -_" for c in v), v
    # the markup itself carries none of it: every hostile string survives only as text
    for needle in ("<script", "<img", "<svg", "<iframe", "<link", 'href="javascript',
                   "href=javascript", "onerror=alert(1)>", "onload=alert(1)>"):
        assert needle not in page, needle
    text = "".join(p.text)
    for h in HOSTILE:
        assert h in text, h  # shown to the reader, verbatim
    assert html.escape("<script>alert(1)</script>") in page


def test_only_plain_http_urls_become_links() -> None:
    report = {"schema": "wiretrace.trace/1", "verdict": "no source found in the store",
              "candidates_checked": 0, "sources": [], "others": [],
              "article": {"id": "a", "title": "t", "text": "", "passages": [],
                          "url": "https://ok.example/a?b=1&c=2",
                          "declared_sources": ["JavaScript:alert(1)", " https://x.example",
                                               "data:text/html,<script>", "http://fine.example"]}}
    page = render_html(report)
    p = _parse(page)
    hrefs = [v for t, a in p.tags for k, v in a if k == "href"]
    assert hrefs == ["https://ok.example/a?b=1&c=2", "http://fine.example"]
    assert 'href="https://ok.example/a?b=1&amp;c=2"' in page  # escaped even so
    text = "".join(p.text)
    assert "JavaScript:alert(1)" in text and "data:text/html,<script>" in text


# -- marks: exact spans, whatever the text ----------------------------------------------


def test_marks_nest_and_empty_spans_and_partial_overlaps_stay_well_formed() -> None:
    text = "abcdefghij"
    marks = [(2, 6, "m1", '<mark id="m1">'), (3, 4, "m2", '<mark id="m2">'),
             (5, 8, "m3", '<mark id="m3">'), (9, 9, "m4", '<mark id="m4">')]
    assert _marked(text, 0, marks) == (
        'ab<mark id="m1">c<mark id="m2">d</mark>ef</mark>ghi<mark id="m4"></mark>j')
    assert _marked("xy", 10, [(10, 11, "m", "<mark>")]) == "<mark>x</mark>y"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab<>&\"' \n", max_size=30),
       st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=6))
def test_marking_keeps_the_text_and_the_markup_balanced(text: str,
                                                        spans: list[tuple[int, int]]) -> None:
    marks = [(min(a, b), max(a, b), f"m{i}", '<mark class="m">') for i, (a, b) in enumerate(spans)]
    out = _marked(text, 0, marks)
    p = _parse(out)
    assert "".join(p.text) == text
    assert out.count("<mark") == out.count("</mark>")
    for _cell, m in p.marks:  # each mark's text is a slice it was asked to cover
        assert any(text[a:b] == m.text for a, b, _, _ in marks)


# -- the command ------------------------------------------------------------------------


def test_cli_writes_the_html_report(engine: Wiretrace, store: Path, tmp_path: Path) -> None:
    src = tmp_path / "copy.txt"
    src.write_text(COPY, encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["trace", "--store", str(store), "--format", "html", "-o", str(out), str(src)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert f"wrote {out}" in result.stderr and result.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    p = _parse(page)
    assert " copy of source " in p.verdict
    assert ("copy", "80") in [(c, m.text) for c, m in p.marks
                              if "alt-number_changed" in m.classes]


# -- golden file: a hand-made report, so the page is pinned byte for byte ------------------

GOLDEN = Path(__file__).parent / "fixtures" / "report" / "trace.html"


def _hand_made() -> tuple[dict[str, Any], Article]:
    copy = "The talks lasted 80 minutes. Subscribe now."
    src = "PARIS (AFP) - The talks lasted 70 minutes. They ended late."
    alts = [
        {"type": "number_changed", "severity": "high", "copy_span": [17, 19],
         "source_span": [31, 33], "copy_text": "80", "source_text": "70", "note": ""},
        {"type": "attribution_removed", "severity": "medium", "copy_span": None,
         "source_span": [0, 14], "copy_text": "", "source_text": "PARIS (AFP) - ",
         "note": "AFP dateline credit"},
        {"type": "sentence_added", "severity": "low", "copy_span": [29, 43],
         "source_span": None, "copy_text": "Subscribe now.", "source_text": "", "note": ""},
    ]
    rel = {
        "source": {"id": "afp-1", "title": "Talks & <dinner>", "url": "https://afp.example/1",
                   "site": "afp.example", "published": "2024-01-02"},
        "kind": "edited", "derived": True, "confidence": 0.93,
        "direction": "candidate_is_source",
        "direction_evidence": ["wire credit on the candidate only (AFP)"],
        "features": {"coverage_copy": 0.5, "coverage_source": 0.5, "semantic": 0.9,
                     "lexical": 0.8, "function_words": 1.0},
        "evidence": {"shared_names": ["paris"], "shared_numbers": [],
                     "numbers_only_in_query": ["80"],
                     "credits": {"query": [], "candidate": ["AFP"]},
                     "published": {"query": None, "candidate": "2024-01-02"},
                     "declared_sources": {"query": [], "candidate": []}},
        "alignment": [{"copy_passages": [0], "source_passages": [0], "copy_span": [0, 28],
                       "source_span": [0, 42], "copy_text": copy[0:28], "source_text": src[0:42],
                       "kind": "edited", "similarity": 0.91, "lexical": 0.86}],
        "alterations": alts,
        "alteration_summary": {"counts": {"number_changed": 1, "attribution_removed": 1,
                                          "sentence_added": 1}},
    }
    other = {"source": {"id": "cnw-9", "title": "Other"}, "kind": "independent",
             "confidence": 0.7, "features": {"coverage_copy": 0.1, "names_shared": 0.4}}
    report = {
        "schema": "wiretrace.trace/1", "verdict": "edited copy of afp-1 (confidence 0.93)",
        "candidates_checked": 2,
        "article": {"id": "copy-1", "title": "Talks", "url": None, "text": copy,
                    "passages": [{"index": 0, "start": 0, "end": 28},
                                 {"index": 1, "start": 29, "end": 43}]},
        "sources": [rel], "others": [other],
    }
    return report, wiretrace.engine.prepare(Article(id="afp-1", text=src))


def test_golden_page() -> None:
    """Regenerate with WIRETRACE_UPDATE_GOLDEN=1 after an intended change, and look at it."""
    import os

    report, source = _hand_made()
    assert [(p.start, p.end) for p in source.passages] == [(0, 42), (43, 59)]
    page = render_html(report, {"afp-1": source}.get)
    if os.environ.get("WIRETRACE_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(page, encoding="utf-8")
    assert page == GOLDEN.read_text(encoding="utf-8")
