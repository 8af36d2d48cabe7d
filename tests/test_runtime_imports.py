"""The installed tool must not need the benchmark package (``wiretrace.bench``): it is
optional-dependency territory (NLTK, bm25s, Apertium) and slow to import.

Checked in a fresh interpreter, since other tests in this process import the benchmark:
import the CLI, the engine and the web app, ingest and trace an edited copy through the
CLI (the report types synonyms with WordNet, the path that once borrowed the benchmark's
loader), warm an engine, and list the ``wiretrace.bench`` modules that got loaded.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from wiretrace.demo import CORPUS, load_jsonl
from wiretrace.text.wordnet import wordnet_source_dir

SCRIPT = r"""
import json, sys
from pathlib import Path

import wiretrace.cli, wiretrace.engine, wiretrace.web.app  # noqa: F401
from wiretrace.cli import main
from wiretrace.engine import Wiretrace
from wiretrace.forensics.alterations import wordnet_available

root = Path(sys.argv[1])
store = str(root / "store")
main(["ingest", "--quiet", "--store", store, str(root / "feed.jsonl")], standalone_mode=False)
main(["trace", "--store", store, "--format", "json", "-o", str(root / "report.json"),
      str(root / "copy.txt")], standalone_mode=False)
Wiretrace(store).warm()
print(json.dumps({
    "bench": sorted(m for m in sys.modules if m == "wiretrace.bench"
                    or m.startswith("wiretrace.bench.")),
    "wordnet": wordnet_available(),
}))
"""


def test_cli_engine_web_and_a_trace_load_no_bench_module(tmp_path: Path) -> None:
    docs = [d for d in load_jsonl(CORPUS / "originals.jsonl") if d["role"] == "wire_original"]
    (tmp_path / "feed.jsonl").write_text(
        "".join(json.dumps(d) + "\n" for d in docs[:3]), encoding="utf-8"
    )
    body = docs[0]["text"].split(" - ", 1)[1]
    # an edited copy, so the report has alterations to type
    (tmp_path / "copy.txt").write_text(body.replace(" said ", " stated ", 1), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    # the trace really ran: the copy was traced to its source
    assert report["sources"][0]["source"]["id"] == docs[0]["id"], report["verdict"]
    assert out["bench"] == [], out
    if importlib.util.find_spec("nltk") and (wordnet_source_dir() / "data.noun").is_file():
        assert out["wordnet"], "WordNet is installed but the runtime could not load it"
