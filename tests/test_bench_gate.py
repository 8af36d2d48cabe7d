"""The benchmark's quality gate: a small fixed dev split (ECB+ topics 1-4, every kind,
Apertium round trips included) traced end to end; floors live in bench/gate_floors.json.

Lowering a floor means editing that file *and* the hash below: never silently.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import REPO, needs_shared

FLOORS = REPO / "bench" / "gate_floors.json"
FLOORS_SHA256 = "7a6e3f2325558f2abb3286d848e6d8e9b7edbbdcbebadc50cf27b83b714de271"


def test_floors_are_pinned() -> None:
    digest = hashlib.sha256(FLOORS.read_bytes()).hexdigest()
    assert digest == FLOORS_SHA256, "bench/gate_floors.json changed: update the pinned hash"


@pytest.fixture(scope="module")
def gate() -> dict:
    from wiretrace.bench.runner import evaluate_quality, gate_dataset

    ds = gate_dataset(None)
    return evaluate_quality(ds, index_size=300, baselines=False)


@needs_shared
@pytest.mark.slow
def test_gate_detection_floors(gate: dict) -> None:
    floors = json.loads(FLOORS.read_text())
    wt = gate["systems"]["wiretrace"]
    for kind, floor in floors["detection_recall"].items():
        assert wt["detection_recall"][kind] >= floor, (kind, wt["detection_recall"][kind])
    assert wt["false_derivation_independent"] <= floors["false_derivation_independent_max"]
    assert wt["false_derivation_unrelated"] <= floors["false_derivation_unrelated_max"]
    assert gate["relation_macro_f1"] >= floors["relation_macro_f1"]
    assert gate["alignment"]["f1"] >= floors["alignment_f1"]
