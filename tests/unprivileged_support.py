"""Running a command that really cannot write what its permissions forbid, also as root.

The test suite runs as root in CI, and root writes (and lists) through any ``chmod``. The
command is started through ``setpriv`` with the capabilities that let root ignore file
permissions (``CAP_DAC_OVERRIDE``, ``CAP_DAC_READ_SEARCH``, ``CAP_FOWNER``) dropped from its
bounding set: it stays uid 0, so the venv, the model cache under ``/root`` and the checkout
stay readable wherever the clone is, but a folder or file without the permission bit is
refused. (Switching to ``nobody`` instead fails when the clone or the cache sit under
``/root``; a read-only bind mount needs ``CAP_SYS_ADMIN``, which CI containers usually
lack.) For a normal user the ``chmod`` is enough and the command runs as is.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path


def unprivileged() -> list[str]:
    """Command prefix (empty when not root) that drops root's permission override."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to run these tests as root"
    return [setpriv, "--inh-caps=-all",
            "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def freeze(folder: Path) -> None:
    """Take every write permission away from ``folder`` and the files in it."""
    for p in [folder, *folder.iterdir()]:
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def thaw(folder: Path) -> None:
    folder.chmod(0o755)
    for p in folder.iterdir():
        p.chmod(0o644)
