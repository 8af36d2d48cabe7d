"""Apertium machine translation for the benchmark's translated and round-tripped copies.

Apertium is started once per :func:`translate` call, not once per sentence: process start-up
costs more than translating a news article, so the whole data set goes through one call per
direction. Units are separated by a marker paragraph (an unknown token that Apertium copies
through), and the output is split on it again. Some language pairs occasionally swallow a
separator or cut output short (DESIGN.md), so the unit count is checked; on a mismatch the
batch is halved and retried, down to single units, which costs a few extra calls per bad unit
instead of one call per unit.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence

INSTALL_HINT = (
    "install it with `sudo apt-get install apertium apertium-eng-spa` "
    "or run scripts/install_bench_deps.sh"
)
MARKER = "ZXQWTSEP"
# The Galician and Esperanto pairs rewrite a word-like marker ("Set.de ZXQWT", "Zxqwtsep"),
# and every unit of a batch is then translated alone: those pairs get a number, which every
# pair copies through (sometimes with a full stop after it). The English-Spanish pair keeps
# the word marker, so the benchmark's existing copies are unchanged.
NUMBER_MARKER = "7771237771"
_WORD_MARKER_MODES = frozenset({"eng-spa", "spa-eng"})


def _marker(mode: str) -> str:
    return MARKER if mode in _WORD_MARKER_MODES else NUMBER_MARKER


def _splitter(mode: str) -> re.Pattern[str]:
    return re.compile(rf"\s*{_marker(mode)}\.?\s*")
_SPACES = re.compile(r"[ \t\r\n]+")
_ERROR_MARK = re.compile(r"#(?=\w)")
_UNKNOWN_MARK = re.compile(r"@(?=\w)")


class ApertiumMissing(RuntimeError):
    """Apertium, or the language pair a mode needs, is not installed."""


class ApertiumFailed(RuntimeError):
    """Apertium ran but failed (non-zero exit or timeout)."""


def available_modes() -> set[str]:
    """The translation modes the installed Apertium offers (``apertium -l``)."""
    exe = shutil.which("apertium")
    if exe is None:
        raise ApertiumMissing(f"apertium is not installed: {INSTALL_HINT}")
    out = subprocess.run([exe, "-l"], capture_output=True, text=True, timeout=60, check=False)
    return {m.strip() for m in out.stdout.split() if m.strip()}


def check_mode(mode: str) -> None:
    """Raise :class:`ApertiumMissing` with the fix when ``mode`` cannot run here."""
    modes = available_modes()
    if mode not in modes:
        raise ApertiumMissing(
            f"apertium mode {mode!r} is not installed (have: {', '.join(sorted(modes)) or 'none'})"
            f": {INSTALL_HINT}"
        )


def apertium_version() -> str:
    """Installed versions of Apertium and the eng-spa pair, for the data set's identity."""
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package}=${Version} ", "apertium", "apertium-eng-spa"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _run(text: str, mode: str, timeout: float) -> str:
    try:
        out = subprocess.run(
            ["apertium", "-u", mode],
            input=text,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ApertiumMissing(f"apertium is not installed: {INSTALL_HINT}") from exc
    except subprocess.TimeoutExpired as exc:
        raise ApertiumFailed(f"apertium {mode} timed out after {timeout:.0f}s") from exc
    if out.returncode != 0:
        raise ApertiumFailed(f"apertium {mode} exited {out.returncode}: {out.stderr.strip()[:300]}")
    return out.stdout


def _clean(out: str, src: str) -> str:
    """Tidy one translated unit: collapse whitespace, drop Apertium's generation marks."""
    out = _SPACES.sub(" ", out).strip()
    out = _ERROR_MARK.sub("", out)
    if "@" not in src:
        out = _UNKNOWN_MARK.sub("", out)
    return out


def _batch(units: list[str], mode: str, timeout: float) -> list[str]:
    if len(units) == 1:
        return [_clean(_run(units[0], mode, timeout), units[0])]
    joined = f"\n\n{_marker(mode)}\n\n".join(units)
    parts = _splitter(mode).split(_run(joined, mode, timeout).strip())
    if len(parts) == len(units) and all(p.strip() for p in parts):
        return [_clean(p, u) for p, u in zip(parts, units, strict=True)]
    mid = len(units) // 2
    return _batch(units[:mid], mode, timeout) + _batch(units[mid:], mode, timeout)


def translate(units: Sequence[str], mode: str, *, timeout: float = 3600.0) -> list[str]:
    """Translate each unit (a sentence or a title) with ``apertium -u <mode>``.

    One Apertium process for the whole list; the result has one string per input unit, in
    order. Line breaks inside a unit become spaces; empty units stay empty. Raises
    :class:`ApertiumMissing` (with the install command) when the mode is not available.

    >>> translate(["The meeting was held on Tuesday."], "eng-spa")  # doctest: +SKIP
    ['La reunión estuvo agarrada martes.']
    """
    check_mode(mode)
    clean = [_SPACES.sub(" ", u).strip() for u in units]
    todo = [u for u in clean if u]
    if not todo:
        return ["" for _ in clean]
    done = iter(_batch(todo, mode, timeout))
    return [next(done) if u else "" for u in clean]


def round_trip(units: Sequence[str], via: str = "spa") -> list[str]:
    """English -> ``via`` -> English, unit by unit (two Apertium calls in all)."""
    return translate(translate(units, f"eng-{via}"), f"{via}-eng")


class TranslationCache:
    """Memoised translation: prefetch everything first, so Apertium runs once per direction.

    Call it like :func:`translate` (``cache(units, mode)``); units not prefetched are
    translated on demand, in one call per request.
    """

    def __init__(self, translate_fn=translate) -> None:
        self._translate = translate_fn
        self.table: dict[tuple[str, str], str] = {}
        self.calls = 0

    def prefetch(self, units: Sequence[str], mode: str) -> None:
        todo = [u for u in dict.fromkeys(_SPACES.sub(" ", u).strip() for u in units)]
        todo = [u for u in todo if (mode, u) not in self.table]
        if not todo:
            return
        self.calls += 1
        for u, out in zip(todo, self._translate(todo, mode), strict=True):
            self.table[(mode, u)] = out

    def __call__(self, units: Sequence[str], mode: str) -> list[str]:
        self.prefetch(units, mode)
        return [self.table[(mode, _SPACES.sub(" ", u).strip())] for u in units]
