"""Where the benchmark reads its data and keeps its caches.

Data lives outside the repository (``../shared/data`` next to a checkout, or ``$WIRETRACE_DATA``)
and generated files live in a user cache, never in git.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from wiretrace.text.wordnet import cache_root  # the runtime's cache folder rule

__all__ = ["cache_root", "default_data_dir", "default_realworld_labels", "default_realworld_pages",
           "git_commit", "write_results"]

_REPO_ROOT = Path(__file__).resolve().parents[3]


def default_data_dir() -> Path:
    """``$WIRETRACE_DATA``, else ``../shared/data`` relative to the repository root."""
    env = os.environ.get("WIRETRACE_DATA")
    if env:
        return Path(env).expanduser()
    return (_REPO_ROOT.parent / "shared" / "data").resolve()


def default_realworld_labels() -> Path:
    """The committed real-world labels of a checkout (``bench/realworld/clusters``)."""
    return _REPO_ROOT / "bench" / "realworld" / "clusters"


def default_realworld_pages() -> Path:
    """``$WIRETRACE_REALWORLD_PAGES``, else ``../realworld-pages`` beside the repository: the
    page texts are the publishers', kept outside git (``bench/realworld/README.md``)."""
    env = os.environ.get("WIRETRACE_REALWORLD_PAGES")
    if env:
        return Path(env).expanduser()
    return (_REPO_ROOT.parent / "realworld-pages").resolve()


def git_commit() -> str:
    """The checkout's short commit, for a results file to say what code it measured
    ("unknown" outside a git checkout)."""
    r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                       cwd=_REPO_ROOT, check=False)
    return r.stdout.strip() or "unknown"


def write_results(out: Path, stem: str, res: dict[str, Any], md: str) -> None:
    """``<out>/<stem>.json`` and ``<out>/<stem>.md``, the pair every bench script leaves."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(res, indent=1))
    (out / f"{stem}.md").write_text(md)
