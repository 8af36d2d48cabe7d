"""Quality gate: HTML extraction on real pages may not silently drop below its floor.

The full measurement (181 pages, several option settings) is ``bench/extraction_eval.py``,
written to ``bench/results/extraction.md``; this runs its scorer on the first 30 pages.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "extraction"
SUBSET = 30
# Measured 0.959 mean token F1 on this subset (2.3.1, default options); the floor leaves
# room for noise, not for a regression.
F1_FLOOR = 0.93
PRECISION_FLOOR = 0.92
RECALL_FLOOR = 0.93


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "extraction_eval", REPO / "bench" / "extraction_eval.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_scorer_on_known_cases() -> None:
    bench = _bench()
    assert bench.score("a b c", "a b c").f1 == 1.0
    assert bench.score("", "a b").f1 == 0.0
    half = bench.score("a b", "a b c d")
    assert (half.precision, half.recall) == (1.0, 0.5)


@pytest.mark.skipif(
    not (DATA / "ground-truth.json").exists() and not os.environ.get("CI"),
    reason="../shared/data/extraction is not beside this clone (CI always has it)",
)
def test_extraction_quality_floor() -> None:
    from wiretrace.ingest import IngestOptions

    bench = _bench()
    pages = bench.load(DATA, limit=SUBSET)
    assert len(pages) == SUBSET
    result = bench.evaluate(pages, IngestOptions())
    assert result["failed"] == 0
    assert result["f1"] >= F1_FLOOR, result
    assert result["precision"] >= PRECISION_FLOOR, result
    assert result["recall"] >= RECALL_FLOOR, result
