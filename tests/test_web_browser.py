"""End to end in a real browser: Debian's Chromium, headless, driven by Playwright against
``wiretrace serve``'s app on a free port. A user pastes a disguised copy from the demo
corpus, presses Trace and reads the side-by-side view: the verdict names the source, copy
and source passages sit level with each other, and the changed name and number are marked.

Chromium comes from apt (``scripts/install_test_deps.sh``, run by ``scripts/test.sh``);
when it is missing these tests fail with the install command, they do not skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from web_support import demo_copies, demo_engine
from wiretrace.fingerprint import Fingerprinter
from wiretrace.web import create_app
from wiretrace.web.browser import chromium, serve_in_thread

CORRUPTED = "copy-8-corrupted"  # Apertium round trip; Carvalia -> Jungle, 70 -> 80, negation
SOURCE = "meridian-carvalia-mirova-visit"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory,
             fingerprinter: Fingerprinter) -> Iterator[str]:
    engine = demo_engine(tmp_path_factory.mktemp("browser") / "store", fingerprinter)
    with serve_in_thread(create_app(engine.store.path, engine=engine)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh page that records every request and console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(60_000)
    p.requests, p.errors = [], []  # type: ignore[attr-defined]
    p.on("request", lambda r: p.requests.append(r.url))  # type: ignore[attr-defined]
    p.on("console", lambda m: m.type == "error" and p.errors.append(m.text))  # type: ignore[attr-defined]
    p.on("pageerror", lambda e: p.errors.append(str(e)))  # type: ignore[attr-defined]
    yield p
    context.close()


def test_paste_trace_and_read_the_side_by_side_view(page: Any, base_url: str) -> None:
    copy = demo_copies()[CORRUPTED]
    page.goto(base_url + "/")
    page.fill("#text", copy["text"])
    with page.expect_navigation(wait_until="load"):
        page.click("#trace-button")
    assert page.url == base_url + "/trace"

    verdict = page.inner_text("p.verdict")
    assert f"copy of {SOURCE}" in verdict, verdict
    assert "machine_translated" in verdict

    rows = page.locator("#source-1 table.aligned tbody tr.row-pair")
    assert rows.count() >= 8
    # level with each other: both cells of a row start at the same height, copy on the left
    for i in (0, rows.count() // 2, rows.count() - 1):
        copy_cell = rows.nth(i).locator("td.copy").bounding_box()
        source_cell = rows.nth(i).locator("td.source").bounding_box()
        assert copy_cell and source_cell
        assert abs(copy_cell["y"] - source_cell["y"]) < 1
        assert copy_cell["x"] + copy_cell["width"] <= source_cell["x"] + 1
        assert rows.nth(i).locator("td.copy").inner_text().strip()
        assert rows.nth(i).locator("td.source").inner_text().strip()

    swapped = page.locator("table.aligned mark.alt-name_swapped.sev-high")
    assert swapped.count() >= 2  # on both sides
    copy_marks = page.locator("table.aligned td.copy mark.alt-name_swapped")
    assert "Jungle" in copy_marks.all_inner_texts()
    source_marks = page.locator("table.aligned td.source mark.alt-name_swapped")
    assert "Carvalia" in source_marks.all_inner_texts()
    number = page.locator("table.aligned td.copy mark.alt-number_changed")
    assert "80" in number.all_inner_texts()
    jungle = copy_marks.filter(has_text="Jungle").first
    assert "copy “Jungle”" in (jungle.get_attribute("title") or "")  # the tooltip says what changed
    highlighted = jungle.evaluate("m => getComputedStyle(m).backgroundColor")
    assert highlighted not in ("rgba(0, 0, 0, 0)", "transparent")

    assert page.errors == []  # type: ignore[attr-defined]
    assert all(u.startswith(base_url) for u in page.requests), page.requests  # type: ignore[attr-defined]


def test_pick_a_stored_article_and_follow_search_results(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#id", SOURCE)
    with page.expect_navigation(wait_until="load"):
        page.click("#trace-button")
    assert "independent" in page.inner_text("p.verdict")

    page.goto(base_url + "/search")
    page.fill("input[name=q]", "Mirova")
    page.fill("input[name=until]", "2026-06-30")
    with page.expect_navigation(wait_until="load"):
        page.click("form.search button")
    titles = page.locator("ol.hits li > a").all_inner_texts()
    assert titles, page.content()[:2000]
    with page.expect_navigation(wait_until="load"):
        page.locator(f'ol.hits a[href="/articles/{SOURCE}"]').click()
    assert page.locator("h1").inner_text().strip()
    assert page.locator(".article-text p").count() >= 5
    assert page.errors == []  # type: ignore[attr-defined]


def test_error_page_in_the_browser(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    with page.expect_navigation(wait_until="load"):
        page.click("#trace-button")  # nothing pasted, uploaded or picked
    assert page.locator("h1").inner_text().startswith("422")
    assert "Paste an article" in page.inner_text("#error-message")


def test_oversize_upload_shows_the_413_page(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    big = b"word " * (6 * 1024 * 1024 // 5)  # over the default 5 MB
    page.set_input_files("#file", files=[{"name": "big.txt", "mimeType": "text/plain",
                                          "buffer": big}])
    with page.expect_navigation(wait_until="load"):
        page.click("#trace-button")
    assert page.locator("h1").inner_text().startswith("413")
    assert "5 MB" in page.inner_text("#error-message")
