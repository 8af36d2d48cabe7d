"""``wiretrace demo``: the README's main job on data that ships with the project.

The corpus (``corpus/``) holds fictional wire originals, independent reports of the same
events by other outlets, unrelated stories, and copies derived from the originals by the
benchmark's own generators (site chrome, partial, edited, spun, Apertium round trip,
Spanish translation, summary) committed as data. The demo indexes the originals and the
independent reports, traces every copy and one independent report, prints each verdict
with its evidence, and writes the JSON reports next to the store.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import click

from wiretrace.data import Article
from wiretrace.ingest.plaintext import page_article

CORPUS = Path(__file__).with_name("corpus")
DEMO_MARK = "demo-store"


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def to_article(d: dict[str, Any]) -> Article:
    keep = {"id", "text", "url", "site", "title", "published", "byline", "language"}
    return Article(
        **{k: d[k] for k in keep if k in d},
        meta={k: v for k, v in d.items() if k not in keep},
    )


def _prepare_store(store: Path, fresh: bool) -> None:
    if fresh and store.exists():
        if not (store / DEMO_MARK).exists():
            raise click.UsageError(
                f"{store} exists and is not a demo store; pass --store NEW_DIR or --keep"
            )
        shutil.rmtree(store)
    store.mkdir(parents=True, exist_ok=True)
    (store / DEMO_MARK).write_text("created by `wiretrace demo`\n")


def run_demo(store: Path, data: Path | None = None, fresh: bool = True) -> int:
    from wiretrace.engine import Wiretrace
    from wiretrace.report import render_text, trace_report

    if store == Path("wiretrace-data"):
        store = Path("wiretrace-demo")
    _prepare_store(store, fresh)
    engine = Wiretrace(store)
    if data is not None:
        return _run_on_folder(engine, data, store)
    originals = [to_article(d) for d in load_jsonl(CORPUS / "originals.jsonl")]
    copies = load_jsonl(CORPUS / "copies.jsonl")
    t0 = time.perf_counter()
    stats = engine.add(originals)
    click.echo(
        f"indexed {stats.ingested} articles ({stats.passages} passages) in "
        f"{time.perf_counter() - t0:.1f}s into {store}/",
        err=True,
    )
    reports = store / "reports"
    reports.mkdir(exist_ok=True)
    cases: list[tuple[Article, str, str | None]] = [
        (page_article(d["text"], id=d["id"], url=d.get("url"), published=d.get("published")),
         d["kind"], d.get("source_id"))
        for d in copies
    ]
    independent = next(d for d in load_jsonl(CORPUS / "originals.jsonl")
                       if d.get("role") == "independent_report")
    cases.append((to_article(independent), "independent", None))
    right = 0
    for query, expected, source_id in cases:
        t1 = time.perf_counter()
        result = engine.trace(query)
        elapsed = time.perf_counter() - t1
        report = trace_report(result, engine.store.get)
        (reports / f"{query.id}.json").write_text(json.dumps(report, indent=2))
        top = result.sources[0] if result.sources else None
        if expected == "independent":
            ok = top is None
        else:
            ok = top is not None and top.source_id == source_id
        right += ok
        click.secho(
            f"\n=== {query.id}  (made as: {expected}{' of ' + source_id if source_id else ''};"
            f" traced in {elapsed:.2f}s) {'OK' if ok else 'MISSED'}",
            fg="green" if ok else "yellow",
            bold=True,
        )
        click.echo(render_text(report, max_pairs=2))
    click.secho(
        f"{right} of {len(cases)} demo cases traced as made; JSON reports in {reports}/",
        bold=True,
    )
    return 0


def _run_on_folder(engine, data: Path, store: Path) -> int:  # type: ignore[no-untyped-def]
    """Index a real corpus folder and trace a sample of its own articles against it."""
    from wiretrace.ingest import read_path
    from wiretrace.report import render_text, trace_report

    arts = [r.article for r in read_path(data) if r.status == "ok" and r.article]
    stats = engine.add(arts)
    click.echo(f"indexed {stats.ingested} articles from {data} into {store}/", err=True)
    found = 0
    for art in arts[:: max(1, len(arts) // 12)][:12]:
        result = engine.trace(art)
        report = trace_report(result, engine.store.get)
        found += bool(result.sources)
        click.echo(render_text(report, max_pairs=1))
    click.echo(f"{found} of 12 sampled articles have a derived relation in {data}")
    return 0
