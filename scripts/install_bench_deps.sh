#!/usr/bin/env bash
# Install the system packages the benchmark needs, when missing:
#   apertium + apertium-eng-spa   machine translation for translated / round-tripped copies
#   apertium-en-gl, apertium-eo-en, apertium-hbs-eng   one-way copies in languages the encoder
#                                 lacks (Galician, Esperanto, Serbo-Croatian)
#   wordnet-base + wordnet-sense-index   WordNet 3.0 for synonym spinning (read with NLTK)
#   openjdk-17-jre-headless   Java for Spark (wiretrace scan and its tests), only if no `java`
# Usage: scripts/install_bench_deps.sh [--check]   (--check only reports, exit 1 if missing)
# Exit codes: 0 installed or already present, 1 missing (--check), 2 no apt-get, 3 not root.
set -euo pipefail

PKGS=(apertium apertium-eng-spa apertium-en-gl apertium-eo-en apertium-hbs-eng
      wordnet-base wordnet-sense-index)
command -v java >/dev/null 2>&1 || PKGS+=(openjdk-17-jre-headless)

# Capture output before matching: under pipefail, piping a command into grep's quiet mode
# fails when grep exits at the first match and the command then dies of SIGPIPE (141), so a
# present package would read as missing.
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

if [ ${#missing[@]} -eq 0 ]; then
  echo "bench deps: all present (${PKGS[*]})"
  exit 0
fi
echo "bench deps: missing ${missing[*]}"
if [ "${1:-}" = "--check" ]; then
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<MSG
error: apt-get is not available, so ${missing[*]} cannot be installed automatically.
  Install Apertium with the English-Spanish, English-Galician, Esperanto-English and
  Serbo-Croatian-English pairs (https://wiki.apertium.org/wiki/Installation)
  and WordNet 3.0 with its sense index; point WIRETRACE_WORDNET_DIR at the folder holding
  data.noun, index.sense, cntlist.rev ... if it is not /usr/share/wordnet.
  Spark (wiretrace scan) needs Java 17 on PATH: install a JRE 17 and set JAVA_HOME.
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
# slim Debian images lack this folder and the JRE's postinst then fails on its man page link
[[ " ${missing[*]} " == *" openjdk-17-jre-headless "* ]] && "${SUDO[@]}" mkdir -p /usr/share/man/man1
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"

modes=$(apertium -l 2>/dev/null || true)
for mode in eng-spa en-gl en-eo eng-hbs; do
  if ! grep -qx "[[:space:]]*$mode" <<<"$modes"; then
    echo "error: apertium is installed but the $mode mode is not listed by 'apertium -l'" >&2
    exit 2
  fi
done
if ! command -v java >/dev/null 2>&1; then
  echo "error: java is still not on PATH after installing openjdk-17-jre-headless" >&2
  exit 2
fi
echo "bench deps: installed ${missing[*]}"
