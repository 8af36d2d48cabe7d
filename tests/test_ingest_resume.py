"""An ingest killed with SIGKILL keeps every batch it committed, and running it again
resumes: nothing lost, nothing stored twice, the store still opens and searches."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from wiretrace.demo import CORPUS, load_jsonl
from wiretrace.engine import Wiretrace

N = 1200
BATCH = 40


def _corpus(path: Path) -> list[str]:
    """N distinct articles made from the demo originals (distinct text, distinct hash)."""
    docs = load_jsonl(CORPUS / "originals.jsonl")
    ids = []
    with path.open("w", encoding="utf-8") as f:
        for i in range(N):
            d = docs[i % len(docs)]
            ids.append(f"art-{i:05d}")
            text = f"Bulletin {i} of the resume test. " + d["text"]
            f.write(json.dumps({"id": ids[-1], "title": d.get("title"), "text": text}) + "\n")
    return ids


def _stored(store: Path) -> int:
    db = store / "wiretrace.sqlite"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def _ingest(src: Path, store: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wiretrace.cli", "ingest", str(src), "--store", str(store),
         "--batch", str(BATCH), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_sigkill_mid_ingest_loses_nothing_committed_and_resumes(tmp_path: Path) -> None:
    src, store = tmp_path / "articles.jsonl", tmp_path / "store"
    ids = _corpus(src)
    proc = _ingest(src, store)
    deadline = time.monotonic() + 300
    while _stored(store) < 3 * BATCH and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed: raise N"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    # what was committed survived, whole batches only, and the store opens
    wt = Wiretrace(store)
    kept = len(wt.store)
    assert 3 * BATCH <= kept < N
    assert kept % BATCH == 0, kept
    assert set(wt.store.ids()) <= set(ids)
    with sqlite3.connect(store / "wiretrace.sqlite") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    wt.store.close()

    # run again: resumes, duplicates are the ones already there, nothing stored twice
    proc = _ingest(src, store)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert summary["duplicates"] == kept
    assert summary["ingested"] == N - kept
    wt = Wiretrace(store)
    assert len(wt.store) == N and sorted(wt.store.ids()) == ids
    # vectors caught up for the articles whose batch was cut short: a copy is still traced
    probe = load_jsonl(CORPUS / "originals.jsonl")[0]
    result = wt.trace(wt.store.get(ids[-1]) or probe)
    assert result.sources, "the last article should find its near-identical siblings"
