#!/usr/bin/env bash
# Quick start 2: set up (Python deps, Apertium and WordNet for the benchmark gate, Chromium
# for the browser tests, shellcheck) and run ruff, shellcheck and the tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_bench_deps.sh
scripts/install_test_deps.sh   # Chromium for the browser tests
scripts/setup.sh dev
.venv/bin/ruff check src tests bench
shellcheck scripts/*.sh .ci/run
exec .venv/bin/python -m pytest -q "$@"
