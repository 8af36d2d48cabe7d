"""``wiretrace ingest PATH`` on paths that are not plain files and folders: a named pipe
(opening one waits for a writer forever), sockets and devices inside a folder, folders that
cannot be listed, links to nothing, an empty folder.

Each is refused or counted by reason with the path named, never a hang, a traceback or a
silent skip. Commands that could hang on the old code run in a child process with a time
limit. Folders that cannot be listed need a process that file permissions really stop, also
as root: ``unprivileged_support``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from unprivileged_support import unprivileged
from wiretrace.cli import EXIT_INPUT, main
from wiretrace.demo import CORPUS, load_jsonl
from wiretrace.ingest import read_path

_CHILD_LIMIT = 300  # seconds; a hang on a pipe fails the test instead of the suite


pytestmark = pytest.mark.usefixtures("one_model_load")


@pytest.fixture(scope="module")
def article_text() -> str:
    d = load_jsonl(CORPUS / "originals.jsonl")[0]
    return d["title"] + "\n\n" + d["text"]


def _ingest_child(args: list[str], *, prefix: list[str] | None = None
                  ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(prefix or []), sys.executable, "-m", "wiretrace.cli", "ingest",
                           *args], capture_output=True, text=True, timeout=_CHILD_LIMIT,
                          stdin=subprocess.DEVNULL)


def _unix_socket(path: Path) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    return s


def test_a_named_pipe_as_the_path_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.pipe"
    os.mkfifo(fifo)
    store = tmp_path / "store"
    r = _ingest_child([str(fifo), "--store", str(store)])  # the old code waits forever
    assert r.returncode == EXIT_INPUT, r.stderr
    assert f"{fifo} is a named pipe (FIFO)" in r.stderr
    assert "wiretrace ingest - < PIPE" in r.stderr
    assert "Traceback" not in r.stderr
    assert not store.exists()  # refused before anything is created


def test_special_files_in_a_folder_are_counted_by_reason_without_opening_them(
        tmp_path: Path, article_text: str) -> None:
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.txt").write_text(article_text, encoding="utf-8")
    os.mkfifo(folder / "b.pipe")
    os.mkfifo(folder / ".hidden.pipe")  # hidden: skipped like every hidden name
    sock = _unix_socket(folder / "c.sock")
    (folder / "d-null").symlink_to("/dev/null")  # a character device, through a link
    (folder / "e-gone.txt").symlink_to(folder / "nowhere.txt")
    try:
        results = list(read_path(folder))
    finally:
        sock.close()
    got = {Path(r.source).name: (r.status, r.reason) for r in results}
    assert got == {
        "a.txt": ("ok", None),
        "b.pipe": ("failed", "special_file"),
        "c.sock": ("failed", "special_file"),
        "d-null": ("failed", "special_file"),
        "e-gone.txt": ("failed", "not_found"),
    }
    details = {Path(r.source).name: r.detail for r in results}
    assert "a named pipe (FIFO)" in details["b.pipe"] and str(folder) in details["b.pipe"]
    assert "a socket" in details["c.sock"]
    assert "a character device" in details["d-null"]
    assert "a symbolic link to nothing" in details["e-gone.txt"]


def test_ingest_counts_unreadable_folders_and_special_files_in_its_summary(
        tmp_path: Path, article_text: str) -> None:
    """One run over a folder with a pipe, a socket and a subfolder it may not list, and a
    named folder it may not list: the readable article is stored, the rest counted."""
    folder = tmp_path / "crawl"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "inside.txt").write_text(article_text, encoding="utf-8")
    (folder / "a.txt").write_text(article_text, encoding="utf-8")
    os.mkfifo(folder / "b.pipe")
    sock = _unix_socket(folder / "c.sock")
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "x.txt").write_text(article_text, encoding="utf-8")
    for f in (folder / "locked", closed):
        f.chmod(0)
    try:
        r = _ingest_child([str(folder), str(closed), "--store", str(tmp_path / "store")],
                          prefix=unprivileged())
    finally:
        sock.close()
        for f in (folder / "locked", closed):
            f.chmod(0o755)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["ingested"] == 1
    assert summary["failed"] == {"unreadable": 2, "special_file": 2}
    assert f"{folder / 'locked'}: cannot list this folder (Permission denied)" in r.stderr
    assert f"{closed}: cannot list this folder (Permission denied)" in r.stderr
    assert f"{folder / 'b.pipe'}: a named pipe (FIFO)" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("content", ["nothing", "hidden_only", "empty_subfolders"])
def test_an_empty_folder_is_bad_input_and_says_so(tmp_path: Path, content: str) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    if content == "hidden_only":
        (folder / ".notes.txt").write_text("A note to self, not an article.")
    elif content == "empty_subfolders":
        (folder / "2026" / "03").mkdir(parents=True)
    r = CliRunner().invoke(main, ["ingest", str(folder), "--store", str(tmp_path / "store")])
    assert r.exit_code == EXIT_INPUT, (r.output, r.exception)
    summary = json.loads(r.stdout)
    assert summary["ingested"] == 0 and summary["failed"] == {"empty_folder": 1}
    assert f"{folder}: no files in this folder" in r.stderr
    assert "no article could be read from the input" in r.stderr
