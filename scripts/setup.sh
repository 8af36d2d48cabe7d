#!/usr/bin/env bash
# Create ./.venv (once) and install wiretrace into it with the given extras (default: none).
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh dev
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
py="${PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "wiretrace needs Python 3.11 or newer as \$PYTHON or python3" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
spec="."
[ -n "$extras" ] && spec=".[$extras]"
.venv/bin/python -m pip install -q -e "$spec" 2>&1 | grep -v -e '^WARNING: Location' -e '^$' >&2 || true
.venv/bin/python -c 'import wiretrace' || { echo "install failed" >&2; exit 1; }
