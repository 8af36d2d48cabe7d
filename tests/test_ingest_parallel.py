"""Parallel ingest (``--workers``): the same store as a serial run, failures counted per
reason, batches committed in order, and a progress bar only for a person at a terminal."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import wiretrace.cli
import wiretrace.ingest.parallel as parallel
from wiretrace.cli import main
from wiretrace.demo import CORPUS
from wiretrace.ingest.parallel import InputPlan, ingest_parallel, prepare_results
from wiretrace.store import IngestStats

pytestmark = pytest.mark.usefixtures("one_model_load")

_PAGE = ("<html><head><title>Harbour reopens</title></head><body><article><p>The harbour of "
         "Valdoria reopened on Tuesday after a week of storms, the port authority said, and "
         "the first ferries left for the islands with more than 400 passengers on board.</p>"
         "<p>Fishermen returned to the quays, where repairs to the northern breakwater will "
         "take another month according to the engineers in charge of the works.</p>"
         "</article></body></html>")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus twice (the second copy all duplicates), a page, a JSONL with a bad
    line and a Latin-1 one, and bad files: read here (a cut JSONL.gz) and by the workers
    (binary, empty, a cut text.gz)."""
    root = tmp_path_factory.mktemp("inputs")
    for src in sorted(CORPUS.glob("*.jsonl")):
        shutil.copy(src, root / src.name)
    shutil.copy(CORPUS / "originals.jsonl", root / "z_again.jsonl")
    (root / "page.html").write_text(_PAGE, encoding="utf-8")
    (root / "bin.html").write_bytes(b"\x00\x01\x02\x03 not text \x00" * 20)
    (root / "empty.txt").write_bytes(b"")
    whole = gzip.compress(b"A story that will be cut before the end. " * 50)
    (root / "cut.txt.gz").write_bytes(whole[: len(whole) // 2])
    lines = (CORPUS / "copies.jsonl").read_bytes()
    packed = gzip.compress(lines)
    (root / "cut.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    latin = "Caf\u00e9 owners in S\u00e3o Paulo met the mayor on Friday to discuss rents. " * 3
    (root / "mixed.jsonl").write_bytes(  # lines parsed by the workers
        b"not json\n" + json.dumps({"id": "latin-1", "text": latin},
                                   ensure_ascii=False).encode("latin-1") + b"\n")
    return root


def _ingest(inputs: Path, store: Path, workers: int, *extra: str) -> Result:
    result = CliRunner().invoke(main, ["ingest", str(inputs), "--store", str(store),
                                       "--workers", str(workers), "--batch", "5", *extra])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _summary(result: Result) -> dict[str, Any]:
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    del summary["seconds"], summary["store"]
    return summary


def _contents(store: Path) -> dict[str, list[tuple[Any, ...]]]:
    db = sqlite3.connect(store / "wiretrace.sqlite")
    try:
        return {
            "articles": db.execute("SELECT rowid, * FROM articles ORDER BY rowid").fetchall(),
            "passages": db.execute("SELECT * FROM passages ORDER BY article, idx").fetchall(),
            "terms": db.execute("SELECT * FROM terms ORDER BY article, term").fetchall(),
            "republications": db.execute(
                "SELECT rowid, * FROM republications ORDER BY rowid").fetchall(),
        }
    finally:
        db.close()


def _ids(store: Path) -> list[str]:
    db = sqlite3.connect(store / "wiretrace.sqlite")
    try:
        return [r[0] for r in db.execute("SELECT id FROM articles ORDER BY rowid")]
    finally:
        db.close()


def test_two_workers_store_exactly_what_a_serial_run_stores(
        inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "CHUNK", 3)  # many tasks per JSONL file, reordered
    serial = _ingest(inputs, tmp_path / "serial", 1)
    pooled = _ingest(inputs, tmp_path / "pooled", 2)

    assert _summary(pooled) == _summary(serial)
    summary = _summary(serial)
    assert summary["ingested"] == 25 and summary["duplicates"] == 19  # 16 + 3 cut copies
    assert summary["republications"] == 1
    assert summary["failed"] == {"binary": 1, "truncated": 2, "empty": 1, "bad_json": 1}
    assert pooled.stderr == serial.stderr  # the same skipped lines, in the same order
    ours, theirs = _contents(tmp_path / "serial"), _contents(tmp_path / "pooled")
    assert len(ours["articles"]) == 25 and len(ours["republications"]) == 1
    assert len(ours["passages"]) == summary["passages"]
    for table, rows in ours.items():
        assert theirs[table] == rows, table  # ids, hashes, offsets, vector bytes, terms


def test_a_bad_file_read_by_a_worker_is_counted_with_its_reason(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_text(_PAGE, encoding="utf-8")
    (folder / "b.html").write_bytes(b"\x00\x01\x02\x03 not text \x00" * 20)
    (folder / "c.txt").write_bytes(b"")
    result = _ingest(folder, tmp_path / "store", 2)
    summary = _summary(result)
    assert summary["ingested"] == 1
    assert summary["failed"] == {"binary": 1, "empty": 1}
    assert f"skipped: {folder / 'b.html'}: binary data" in result.stderr
    assert f"skipped: {folder / 'c.txt'}: empty file" in result.stderr


def test_an_article_that_breaks_preparation_is_counted_not_fatal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import wiretrace.prepare
    from wiretrace.data import Article, ReadResult

    real = wiretrace.prepare.prepare

    def fragile(article: Article, *args: Any, **kwargs: Any) -> Article:
        if "boom" in article.text:
            raise ValueError("hostile")
        return real(article, *args, **kwargs)

    monkeypatch.setattr(wiretrace.prepare, "prepare", fragile)
    good = "The council approved the budget on Monday after a long debate. " * 3
    results = [ReadResult(status="ok", source=f"f{i}",
                          article=Article(id=f"a{i}", text=text, cleaned=True))
               for i, text in enumerate([good, "boom " * 30, good.replace("budget", "plan")])]
    out = prepare_results(results)
    assert [o.reason for o in out] == [None, "prepare_error", None]
    assert out[1].detail is not None and out[1].detail.startswith("f1: cannot prepare")
    assert all(o.fingerprint is not None for o in (out[0], out[2]))


def test_an_interrupt_keeps_the_batches_committed_in_order(inputs: Path,
                                                            tmp_path: Path) -> None:
    from wiretrace.engine import Wiretrace

    serial = tmp_path / "serial"
    _ingest(inputs, serial, 1)
    expected = _ids(serial)
    engine = Wiretrace(tmp_path / "cut", create=True)
    stored_at_stop: list[int] = []

    def stop(stats: IngestStats) -> None:  # Ctrl-C as the second batch is committed
        if stats.ingested + stats.republications >= 6:
            stored_at_stop.append(stats.ingested)
            raise KeyboardInterrupt

    with InputPlan([str(inputs)]) as plan, pytest.raises(KeyboardInterrupt):
        ingest_parallel(engine, plan, IngestStats(), workers=2, batch=5, on_batch=stop)
    engine.store.close()
    kept = _ids(tmp_path / "cut")
    assert len(kept) == stored_at_stop[0] and 0 < len(kept) < len(expected)
    assert kept == expected[: len(kept)]  # the first batches, whole; nothing later


def test_progress_bar_only_on_a_terminal(inputs: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _ingest(inputs, tmp_path / "plain", 2)
    assert all(line.startswith("  skipped: ") for line in plain.stderr.splitlines())

    monkeypatch.setattr(wiretrace.cli, "_stderr_is_terminal", lambda: True)
    quiet = _ingest(inputs, tmp_path / "quiet", 2, "--quiet")
    assert quiet.stderr == plain.stderr
    shown = _ingest(inputs, tmp_path / "shown", 2)
    files = len(InputPlan([str(inputs)]).items)
    assert f"{files}/{files}" in shown.stderr  # every input file done
    assert "25 ingested, 1 republications, 19 duplicates, 5 failed" in shown.stderr
    assert "articles/s" in shown.stderr



def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_workers_end_when_the_writer_is_killed(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    rows = [json.loads(line) for line in (CORPUS / "originals.jsonl").read_text().splitlines()]
    with (tmp_path / "many.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(400):  # enough work that the workers are busy when it is killed
            row = rows[i % len(rows)]
            fh.write(json.dumps({**row, "id": f"n{i}", "text": f"{row['text']} Item {i}."})
                     + "\n")
    # --workers 3: the writer and two pool processes
    proc = subprocess.Popen([sys.executable, "-m", "wiretrace.cli", "ingest", "--workers", "3",
                             "--store", str(tmp_path / "store"), str(tmp_path / "many.jsonl")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
        workers = [k for k in _children(proc.pid) if "spawn_main" in
                   Path(f"/proc/{k}/cmdline").read_bytes().decode(errors="replace")]
    assert len(workers) == 2, "the pool never started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while any(_alive(k) for k in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [k for k in workers if _alive(k)]
    for k in left:  # do not leave them behind even when the test fails
        os.kill(k, signal.SIGKILL)
    assert not left, "workers outlived their killed writer"
