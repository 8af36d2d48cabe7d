"""Shared by the web tests: a small demo store (the shipped originals and independent
reports) behind an engine that reuses the session's ``Fingerprinter``, and the copies made
from those originals, which are not in the store and so can be traced to them."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import wiretrace.engine
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace
from wiretrace.fingerprint import Fingerprinter


def demo_engine(folder: Path, fingerprinter: Fingerprinter, *, fill: bool = True) -> Wiretrace:
    """A ``Wiretrace`` on a new store in ``folder``, filled with the demo originals."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(wiretrace.engine, "Fingerprinter", lambda: fingerprinter)
        engine = Wiretrace(folder, create=True)
    if fill:
        engine.add([to_article(d) for d in load_jsonl(CORPUS / "originals.jsonl")])
    return engine


def demo_copies() -> dict[str, dict[str, Any]]:
    """The demo copies by id: ``text``, ``kind`` (as made) and ``source_id``."""
    return {d["id"]: d for d in load_jsonl(CORPUS / "copies.jsonl")}


class PageTags(HTMLParser):
    """Every start tag of a page with its attributes, and the page's text: what the tests
    check for anything that could run script or load from elsewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
