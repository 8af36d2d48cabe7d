#!/usr/bin/env bash
# Quick start 1: set up and run the demo on the corpus that ships with wiretrace.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/wiretrace demo "$@"
