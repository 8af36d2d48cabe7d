"""Screenshots of the web app for the README: a demo copy pasted and traced.

Builds a demo store from the shipped corpus in a temporary folder (or uses --store), serves
the app on a free local port, pastes the corrupted round-trip copy from the demo corpus into
the home page with Debian's Chromium, presses Trace, and saves two PNGs under docs/:
``web-report.png`` (verdict, source, evidence) and ``web-aligned.png`` (the side-by-side
view with the alterations marked).

Usage: .venv/bin/python scripts/screenshot.py [--store DIR] [--out docs]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace
from wiretrace.web import create_app
from wiretrace.web.browser import chromium, serve_in_thread

COPY = "copy-8-corrupted"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=None, help="an existing demo store")
    ap.add_argument("--out", type=Path, default=Path("docs"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="wiretrace-shot-") as tmp:
        if args.store is None:
            engine = Wiretrace(Path(tmp) / "store")
            engine.add([to_article(d) for d in load_jsonl(CORPUS / "originals.jsonl")])
        else:
            engine = Wiretrace(args.store, create=False)
        copy = next(d for d in load_jsonl(CORPUS / "copies.jsonl") if d["id"] == COPY)
        args.out.mkdir(parents=True, exist_ok=True)
        app = create_app(engine.store.path, engine=engine)
        app.state.service.warm()  # as `wiretrace serve` does before it listens
        with serve_in_thread(app) as url, \
                chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 860},
                                    device_scale_factor=1)
            page.goto(url + "/")
            page.fill("#text", copy["text"])
            page.screenshot(path=str(args.out / "web-home.png"))
            with page.expect_navigation(wait_until="load", timeout=120_000):
                page.click("#trace-button")
            page.screenshot(path=str(args.out / "web-report.png"))
            # the first rows of the aligned view, from its heading (page coordinates)
            top = page.locator("#source-1 table.aligned").evaluate(
                "t => t.previousElementSibling.getBoundingClientRect().top + window.scrollY")
            page.screenshot(path=str(args.out / "web-aligned.png"), full_page=True,
                            clip={"x": 0, "y": top - 10, "width": 1280, "height": 900})
    for name in ("web-home.png", "web-report.png", "web-aligned.png"):
        print(args.out / name)


if __name__ == "__main__":
    main()
