"""Shared fixtures: hermetic environment, one engine model load per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"


@pytest.fixture(autouse=True)
def _hermetic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIRETRACE_STORE", raising=False)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def fingerprinter():  # type: ignore[no-untyped-def]
    from wiretrace.fingerprint import Fingerprinter

    return Fingerprinter()


@pytest.fixture(scope="module")
def one_model_load(fingerprinter):  # type: ignore[no-untyped-def]
    """Every ``Wiretrace`` a module's tests make (the CLI's included) shares the session's
    loaded model: loading it is seconds a time. Opt in with
    ``pytestmark = pytest.mark.usefixtures("one_model_load")``."""
    import wiretrace.engine

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(wiretrace.engine, "Fingerprinter", lambda: fingerprinter)
        yield


def shared_available() -> bool:
    return (DATA / "ecbplus" / "articles.jsonl").exists()


needs_shared = pytest.mark.skipif(
    not shared_available() and not os.environ.get("CI"),
    reason="../shared/data is not beside this clone (CI always has it)",
)
