#!/usr/bin/env bash
# Install the system packages the browser tests need, when missing:
#   chromium            Debian's Chromium, driven headless by Playwright (which must not and
#                       cannot download a browser of its own here)
#   fonts-dejavu-core   a font, so pages render with real glyphs (screenshots, layout checks)
#   ShellCheck          the linter the test command runs on scripts/ and .ci/run
# Usage: scripts/install_test_deps.sh [--check]   (--check only reports, exit 1 if missing)
# Exit codes: 0 installed or already present, 1 missing (--check), 2 no apt-get, 3 not root.
set -euo pipefail

PKGS=(chromium fonts-dejavu-core shellcheck)

# Capture output before matching (see install_bench_deps.sh: grep's quiet mode and pipefail).
installed() {
  local status
  command -v dpkg-query >/dev/null 2>&1 || return 1
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [[ "$status" == *"install ok installed"* ]]
}

missing=()
for p in "${PKGS[@]}"; do
  installed "$p" || missing+=("$p")
done
if [ -n "${WIRETRACE_CHROMIUM:-}" ] && [ -x "${WIRETRACE_CHROMIUM}" ]; then
  missing=("${missing[@]/chromium/}")  # a Chromium of the user's own choosing
  read -r -a missing <<<"${missing[*]}"
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "test deps: all present (${PKGS[*]})"
  exit 0
fi
echo "test deps: missing ${missing[*]}"
if [ "${1:-}" = "--check" ]; then
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<MSG
error: apt-get is not available, so ${missing[*]} cannot be installed automatically.
  The browser tests (tests/test_web_browser.py) need a Chromium: install one with your
  package manager and set WIRETRACE_CHROMIUM=/path/to/chromium. Playwright's own browser
  download is not used.
MSG
  exit 2
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
    SUDO=(sudo)
  else
    cat >&2 <<MSG
error: installing ${missing[*]} needs root. Run as root (or with sudo):
  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}
MSG
    exit 3
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"

# The browser tests take $WIRETRACE_CHROMIUM when set (and nothing else), else chromium on PATH.
if [ -n "${WIRETRACE_CHROMIUM:-}" ] && ! [ -x "${WIRETRACE_CHROMIUM}" ]; then
  echo "error: WIRETRACE_CHROMIUM=${WIRETRACE_CHROMIUM} is not an executable; unset it to use" \
    "the chromium just installed" >&2
  exit 2
fi
if [ -z "${WIRETRACE_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "error: chromium is installed but not on PATH; set WIRETRACE_CHROMIUM" >&2
  exit 2
fi
echo "test deps: installed ${missing[*]}"
