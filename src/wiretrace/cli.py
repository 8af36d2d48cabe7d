"""The ``wiretrace`` command: a thin layer over library calls.

Results go to stdout, progress and logs to stderr. Exit codes: 0 success; 1 unexpected
error; 2 bad usage (unknown option, missing argument); 3 bad input (a file that yields no
article, an id not in the store); 4 store problem (missing, incompatible, damaged, or its
write lock held by another process for over ``$WIRETRACE_LOCK_TIMEOUT`` seconds, default 30).
A store this user may not write is opened read-only: every read command works on it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import click

EXIT_INPUT = 3
EXIT_STORE = 4
_STORE_KEY = "wiretrace.store"


def _remember_store(ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    """Keep --store where the error handler of ``main`` finds it (``meta`` is shared by
    every context of one invocation)."""
    ctx.meta[_STORE_KEY] = value
    return value


store_option = click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="WIRETRACE_STORE",
    default=Path("wiretrace-data"),
    show_default=True,
    callback=_remember_store,
    help="Store folder (also $WIRETRACE_STORE).",
)


class _Wiretrace(click.Group):
    """The command group; a store problem met anywhere (a SQLite error deep in a command,
    a lock held too long) ends with its message and exit 4, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from wiretrace.store import StoreError, store_error

        _log_to_stderr()
        try:
            return super().invoke(ctx)
        except StoreError as e:
            _fail(EXIT_STORE, str(e))
        except sqlite3.Error as e:
            store = ctx.meta.get(_STORE_KEY)
            if store is None:  # a command without --store (bench): not a user's store
                raise
            _fail(EXIT_STORE, str(store_error(Path(store), e)))


class _StderrMessages(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"wiretrace: {record.getMessage()}", err=True)


def _log_to_stderr() -> None:
    """The store's notices (an index rebuilt, a stale temp file removed) go to stderr."""
    logger = logging.getLogger("wiretrace.store")
    if not any(isinstance(h, _StderrMessages) for h in logger.handlers):
        logger.addHandler(_StderrMessages(logging.INFO))
        logger.setLevel(logging.INFO)


def _fail(code: int, message: str) -> None:
    click.secho(f"wiretrace: {message}", fg="red", err=True)
    sys.exit(code)


def _engine(store: Path, create: bool):  # type: ignore[no-untyped-def]
    from wiretrace.engine import Wiretrace
    from wiretrace.store import StoreError

    try:
        return Wiretrace(store, create=create)
    except StoreError as e:
        _fail(EXIT_STORE, str(e))


@click.group(cls=_Wiretrace, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wiretrace")
def main() -> None:
    """Trace where a news article came from and how it was changed on the way."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@store_option
@click.option("--batch", default=256, show_default=True, help="Articles per transaction.")
@click.option("--max-mb", default=20.0, show_default=True, help="Skip pages larger than this.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help="Processes that read, prepare and fingerprint (default: one per CPU for "
              "8 MB of input or more, else 1 = all in this process). One writer stores in "
              "input order either way.")
def ingest(paths: tuple[str, ...], store: Path, batch: int, max_mb: float, quiet: bool,
           workers: int | None) -> None:
    """Ingest files or folders (HTML, WARC/WET, RSS/Atom, JSONL, plain text; '-' = stdin),
    or the output folder of `wiretrace scan` (articles with their fingerprints, relations).

    Idempotent: an article already stored is counted as a duplicate. An interrupted run
    keeps every batch it committed; run it again to resume. Exit status 3 when a named
    path does not exist or is a pipe, socket or device (nothing is read, no store is
    created) or when no input yielded an article (an empty folder, say); what is skipped
    inside a folder (bad files, special files, folders that cannot be listed) is counted
    by reason in the summary. Exit status 4 when the store is read-only or another process
    keeps its write lock too long; the batches committed before that stay.
    """
    from wiretrace.ingest import IngestOptions, special_file
    from wiretrace.ingest.parallel import InputPlan, default_workers, ingest_parallel, read_unit
    from wiretrace.store import IngestStats, StoreError

    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        _fail(EXIT_INPUT, "no such file or folder: " + ", ".join(missing))
    special = [f"{p} is {what}" for p in paths if p != "-" and (what := special_file(p))]
    if special:
        _fail(EXIT_INPUT, "; ".join(special) + ", not a file or folder. To read a pipe, "
              "pass '-' and redirect it: wiretrace ingest - < PIPE")
    engine = _engine(store, create=True)
    if engine.store.readonly:
        _fail(EXIT_STORE, f"{store}: read-only (no write permission on the folder or its "
              "files, or a read-only mount): cannot ingest into it. Pass --store DIR with a "
              "store you can write.")
    stats = IngestStats()
    failures: list[str] = []
    start = time.perf_counter()
    show = not quiet and _stderr_is_terminal()
    options = IngestOptions(max_bytes=int(max_mb * 1024 * 1024))

    from wiretrace.scale.tables import is_scan_output

    def scan_output(p: str) -> bool:
        try:
            return is_scan_output(p)
        except OSError:  # a folder that cannot be listed: read_path counts it
            return False

    scans = [p for p in paths if scan_output(p)]  # `wiretrace scan` output folders
    if scans:
        from wiretrace.scale.tables import ingest_scan

        for p in scans:
            try:
                ingest_scan(engine, p, stats, batch=batch)
            except StoreError as e:
                _fail(EXIT_STORE, str(e))
            except ImportError as e:
                _fail(EXIT_INPUT, f"{p}: {e}")

    plan = InputPlan(p for p in paths if p not in scans)
    workers = workers or default_workers(plan)
    bar = _progress_bar(len(plan.items), show)

    def articles():  # type: ignore[no-untyped-def]
        for item in plan.items:  # what read_path yields for each path, file by file
            for res in read_unit(item, options):
                if res.status == "ok" and res.article is not None:
                    yield res.article
                else:
                    stats.fail(res.reason or "failed")
                    failures.append(res.detail or f"{res.source}: {res.reason}")
            bar.update(1)

    def progress(s: IngestStats) -> None:
        done = s.ingested + s.republications + s.duplicates
        rate = done / max(1e-9, time.perf_counter() - start)
        bar.set_postfix_str(
            f"{s.ingested} ingested, {s.republications} republications, "
            f"{s.duplicates} duplicates, {sum(s.failed.values())} failed, "
            f"{rate:.0f} articles/s", refresh=False)
        bar.refresh()

    try:
        with plan:
            if workers == 1:
                engine.add(articles(), stats, batch=batch, on_batch=progress)
            else:
                ingest_parallel(engine, plan, stats, workers=workers, batch=batch,
                                options=options, failures=failures, on_batch=progress,
                                on_files=bar.update)
    except StoreError as e:
        bar.close()
        _fail(EXIT_STORE, f"{e} This run stored {stats.ingested} article(s) before it "
              "stopped; running it again resumes after them.")
    finally:
        bar.close()
    for line in failures[:20]:
        click.echo(f"  skipped: {line}", err=True)
    if len(failures) > 20:
        click.echo(f"  … and {len(failures) - 20} more skipped", err=True)
    elapsed = time.perf_counter() - start
    summary = {
        "ingested": stats.ingested,
        "republications": stats.republications,
        "duplicates": stats.duplicates,
        "failed": stats.failed,
        "passages": stats.passages,
        "seconds": round(elapsed, 2),
        "store": str(store),
        "articles_in_store": len(engine.store),
    }
    click.echo(json.dumps(summary))
    if stats.ingested + stats.republications + stats.duplicates == 0 and stats.failed:
        _fail(EXIT_INPUT, "no article could be read from the input (see the skipped lines)")


def _stderr_is_terminal() -> bool:
    """Progress goes to a person only: tests and CI read stderr."""
    return sys.stderr.isatty()


def _progress_bar(total: int, show: bool):  # type: ignore[no-untyped-def]
    """A tqdm bar over the input files on stderr; disabled (prints nothing) unless shown."""
    from tqdm import tqdm

    return tqdm(total=total, unit="file", file=sys.stderr, disable=not show,
                dynamic_ncols=True, mininterval=0.2, leave=True)


def _load_query(engine, article: str):  # type: ignore[no-untyped-def]
    """ARTICLE is a stored id, a file path, or '-' for stdin."""
    if article != "-" and not Path(article).exists():
        stored = engine.store.get(article)
        if stored is None:
            _fail(EXIT_INPUT, f"{article}: neither a file nor an article id in the store")
        return stored
    from wiretrace.ingest.query import QueryError, query_from_path

    try:
        return query_from_path(article).article
    except QueryError as e:
        _fail(EXIT_INPUT, str(e))


@main.command()
@click.argument("article")
@store_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
    show_default=True, help="html: one self-contained page (inline CSS, loads nothing).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report here instead of stdout.")
@click.option("--top", default=None, type=int, help="Verify at most this many candidates.")
def trace(article: str, store: Path, fmt: str, output: Path | None, top: int | None) -> None:
    """Trace ARTICLE (a file, '-' for stdin, or an id in the store) to its sources."""
    from wiretrace.report.model import trace_report

    engine = _engine(store, create=False)
    query = _load_query(engine, article)
    result = engine.trace(query, limit=top)
    report = trace_report(result, engine.store.get)
    if fmt == "json":
        text = json.dumps(report, indent=2, ensure_ascii=False)
    elif fmt == "html":  # each renderer imported only when used (a new process's start-up)
        from wiretrace.report.html import render_html

        text = render_html(report, engine.store.get)
    else:
        from wiretrace.report.terminal import render_text

        text = render_text(report)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def _read_for_inspect(article: str, store: Path):  # type: ignore[no-untyped-def]
    """ARTICLE (a file, '-' for stdin, or a stored id) -> (article, raw HTML or None, name).

    The raw page is kept when the input is HTML: translator widgets and hreflang links are
    there, not in the extracted text. A store is opened only for an id.
    """
    from wiretrace.ingest.query import QueryError, query_from_path

    if article != "-" and not Path(article).exists():
        if not store.exists():
            _fail(EXIT_INPUT, f"{article}: no such file, and no store at {store} to look the id "
                  "up in (pass --store)")
        engine = _engine(store, create=False)
        stored = engine.store.get(article)
        if stored is None:
            _fail(EXIT_INPUT, f"{article}: neither a file nor an article id in the store {store}")
        return stored, None, article
    try:
        q = query_from_path(article)
    except QueryError as e:
        _fail(EXIT_INPUT, str(e))
    return q.article, q.raw_html, q.name


@main.command()
@click.argument("article")
@store_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report here instead of stdout.")
def inspect(article: str, store: Path, fmt: str, output: Path | None) -> None:
    """Look for signs that ARTICLE is a disguised copy, with no source at hand.

    ARTICLE is a file (HTML, text, ...), '-' for stdin, or an id in the store. Reports each
    sign with its offsets in the article text: one name spelled several ways, sentence
    fragments, an honorific for a name never introduced, leaked page chrome, a headline
    that rewords its URL slug, a declared source, machine-translation markers in the HTML.
    Exit code 0 whatever the verdict; 3 for input that is not an article.
    """
    from wiretrace.forensics.intrinsic import InspectError
    from wiretrace.forensics.intrinsic import inspect as run_inspect
    from wiretrace.report.inspect import inspect_report, render_inspect_text

    art, raw_html, name = _read_for_inspect(article, store)
    try:
        result = run_inspect(art, raw_html=raw_html)
    except InspectError as e:
        _fail(EXIT_INPUT, f"{name}: {e}")
    report = inspect_report(result, source=name)
    text = (json.dumps(report, indent=2, ensure_ascii=False) + "\n" if fmt == "json"
            else render_inspect_text(report))
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "graphml", "dot"]),
              default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here instead of stdout.")
@click.option("--rebuild", is_flag=True, help="Forget cached pair verdicts and judge again.")
@click.option("--min-size", default=None, type=int,
              help="Smallest story to show (default 2 for text and dot, 1 for json/graphml).")
@click.option("--method", type=click.Choice(["average", "components"]), default="average",
              show_default=True, help="average: average link over judged pairs; components: "
              "connected components (chains more).")
def stories(store: Path, fmt: str, output: Path | None, rebuild: bool, min_size: int | None,
            method: str) -> None:
    """Group the stored articles into stories and print each story's lineage.

    New articles are judged against their retrieval candidates (cached in the store);
    earlier verdicts are reused, so a second run after an ingest is incremental.
    """
    from wiretrace.story import StoryConfig, build_stories, to_dot, to_graphml, to_json, to_text

    engine = _engine(store, create=False)
    show = sys.stderr.isatty()
    if engine.store.readonly:
        click.echo(f"wiretrace: {store} is read-only: stories are worked out in memory and "
                   "not cached; the verdicts judged now are judged again next time", err=True)

    def progress(n: int, total: int) -> None:
        if show and (n % 10 == 0 or n == total):
            click.echo(f"\r  judged {n}/{total} new articles", err=True, nl=n == total)

    index = build_stories(engine, StoryConfig(method=method), rebuild=rebuild,
                          progress=progress)
    small = 2 if fmt in ("text", "dot") else 1
    size = min_size if min_size is not None else small
    if fmt == "json":
        text = json.dumps(to_json(index, size), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "graphml":
        text = to_graphml(index, size)
    elif fmt == "dot":
        text = to_dot(index, size)
    else:
        text = to_text(index, size)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@click.option("--input", "inputs", multiple=True, required=True,
              help="File or folder (WARC/WET, JSONL, Parquet, HTML...); repeat for more.")
@click.option("--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the Parquet tables (re-run to resume).")
@click.option("--master", default=None,
              help="Spark master: local[*] (default), local[2], spark://HOST:7077; leave "
              "out under spark-submit.")
@click.option("--max-mb", default=20.0, show_default=True, help="Skip pages larger than this.")
def scan(inputs: tuple[str, ...], output: Path, master: str | None, max_mb: float) -> None:
    """Scan a crawl on Apache Spark: extract, fingerprint, find and verify copies, write
    Parquet tables (articles, relations, stories, failures). Resumable per input file;
    `wiretrace ingest OUTPUT` loads the result into a store. Needs 'wiretrace[spark]'."""
    from wiretrace.scale.job import ScanError
    from wiretrace.scale.job import scan as run_scan

    try:
        summary = run_scan(list(inputs), output, master=master,
                           max_bytes=int(max_mb * 1024 * 1024))
    except ScanError as e:
        _fail(EXIT_INPUT, str(e))
    click.echo(json.dumps(summary))


@main.command()
@click.argument("query")
@store_option
@click.option("--site", default=None)
@click.option("--since", default=None, help="ISO date")
@click.option("--until", default=None, help="ISO date")
@click.option("--limit", default=20, show_default=True)
def search(query: str, store: Path, site: str | None, since: str | None, until: str | None,
           limit: int) -> None:
    """Search the store by words, site or date."""
    engine = _engine(store, create=False)
    for hit in engine.store.search(query, limit=limit, site=site, since=since, until=until):
        click.echo(json.dumps(hit, ensure_ascii=False))


@main.command()
@store_option
def compact(store: Path) -> None:
    """Rewrite a store made by an older wiretrace in the current, smaller form (about 2 KB
    less per passage at 20k articles: vectors kept once, a large store's inverted file as
    8-bit codes, full-model vectors as int8) and VACUUM it. Traces give the same answers
    but past 100,000 passages, where the 8-bit codes move retrieval a little. Needs free
    disk about the store's size while it runs. Prints the sizes before and after as JSON."""
    engine = _engine(store, create=False)
    if engine.store.readonly:
        _fail(EXIT_STORE, f"{engine.store.path}: read-only; it cannot be compacted")
    click.echo(json.dumps(engine.store.compact()))


def _host_names(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--allow-host`` values, each a host name or address with an optional port."""
    from wiretrace.web.guard import split_host

    for v in values:
        if split_host(v) is None:
            raise click.BadParameter(f"{v!r} is not a host name or address (NAME or "
                                     "NAME:PORT)", param_hint="--allow-host")
    return values


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 exposes the store to the network).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--max-mb", default=5.0, show_default=True, help="Largest request body (413 above).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME[:PORT]",
              callback=lambda _c, _p, v: _host_names(v),
              help="Also answer to this host name and accept posts from its pages (a reverse "
              "proxy's public name); repeatable. Other names get a 403 (DNS rebinding).")
def serve(store: Path, host: str, port: int, max_mb: float,
          allow_hosts: tuple[str, ...]) -> None:
    """Serve the web app and JSON API over the store (needs the 'web' extra).

    It answers only to 127.0.0.1, localhost, [::1], the --host address and --allow-host
    names, and refuses posts from other sites' pages (403)."""
    from wiretrace.store import StoreError
    from wiretrace.web import WebUnavailable
    from wiretrace.web import serve as run_server

    try:
        run_server(store, host=host, port=port, max_bytes=int(max_mb * 1024 * 1024),
                   allow_hosts=allow_hosts)
    except WebUnavailable as e:
        _fail(1, str(e))
    except StoreError as e:
        _fail(EXIT_STORE, str(e))


@main.command()
@click.option("--data", "data", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Run over a real corpus folder instead (e.g. an ECB+ folder).")
@store_option
@click.option("--fresh/--keep", default=True, show_default=True,
              help="Start from an empty demo store.")
def demo(data: Path | None, store: Path, fresh: bool) -> None:
    """Build a store from the shipped demo corpus and trace copies and a same-event report."""
    from wiretrace.demo import run_demo

    sys.exit(run_demo(store=store, data=data, fresh=fresh))


@main.command()
@click.option("--split", type=click.Choice(["dev", "test", "gate", "realworld"]),
              default="test", show_default=True,
              help="A synthetic split, or 'realworld': labelled real pages (--pages).")
@click.option("--data", "data", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder with ecbplus/ and reuters21578/ (default ../shared/data)")
@click.option("--sizes", default="1000,5000,20000", show_default=True,
              help="Index sizes for the cost table (Reuters distractors fill the index); "
              "'' re-runs quality only and keeps the last cost table.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("bench/results"), show_default=True)
@click.option("--no-install", is_flag=True, help="Do not apt-get missing Apertium/WordNet.")
@click.option("--pages", type=click.Path(path_type=Path), default=None,
              help="realworld: folder of page texts, one <sha1(url)[:16]>.txt a page "
              "(default $WIRETRACE_REALWORLD_PAGES or ../realworld-pages)")
@click.option("--labels", type=click.Path(path_type=Path), default=None,
              help="realworld: folder of cluster label files (default bench/realworld/clusters)")
@click.option("--realworld-split", type=click.Choice(["dev", "test", "all"]), default="test",
              show_default=True, help="realworld: which clusters to trace")
def bench(split: str, data: Path | None, sizes: str, out: Path, no_install: bool,
          pages: Path | None, labels: Path | None, realworld_split: str) -> None:
    """Run the benchmark: derive copies, trace them with wiretrace and the baselines, write
    the results table under bench/results/. With --split realworld, trace labelled real
    pages instead and print their table beside the last synthetic one."""
    if split == "realworld":
        sys.exit(_bench_realworld(pages, labels, data, realworld_split, out))
    from wiretrace.bench.runner import run_benchmark

    sys.exit(run_benchmark(split=split, data_dir=data, sizes=[int(s) for s in sizes.split(",")
                                                              if s], out=out,
                           install=not no_install))


def _bench_realworld(pages: Path | None, labels: Path | None, data: Path | None, split: str,
                     out: Path) -> int:
    """``wiretrace bench --split realworld``: the real-world table, then the synthetic
    detection table of the last ``wiretrace bench`` run in ``out`` (test split)."""
    from wiretrace.bench.paths import (
        default_data_dir,
        default_realworld_labels,
        default_realworld_pages,
    )
    from wiretrace.bench.realworld import LabelError
    from wiretrace.bench.realworld_runner import render, run_realworld

    pages = pages or default_realworld_pages()
    labels = labels or default_realworld_labels()
    if not labels.is_dir():
        click.echo(f"--labels {labels}: not a folder of cluster label files "
                   "(bench/realworld/clusters in a checkout)", err=True)
        return 2
    seeds = (data or default_data_dir()).parent / "seeds"
    try:
        res = run_realworld(pages, labels, seeds, split, out)
    except (ValueError, LabelError) as e:  # a missing folder, a bad label line
        click.echo(str(e), err=True)
        return 2
    md = render(res)
    click.echo(md.split("\n## ")[0].rstrip())
    synthetic = out / "test.md"
    if synthetic.is_file():
        lines = synthetic.read_text(encoding="utf-8").splitlines()
        start = next((i for i, ln in enumerate(lines) if ln.startswith("## Detection")), None)
        if start is not None:
            end = next((i for i in range(start + 1, len(lines))
                        if lines[i].startswith("## ")), len(lines))
            click.echo(f"\n# Synthetic copies — the last test-split run ({synthetic})\n")
            click.echo("\n".join(lines[start:end]).rstrip())
    else:
        click.echo(f"\n(no synthetic results in {out}: run `wiretrace bench --split test`)")
    return 0


if __name__ == "__main__":
    main()
