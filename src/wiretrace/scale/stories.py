"""Stories of a scan: the story package's clustering, run on the driver over the
relations table (a sparse list of verdicts; clustering it is cheap next to judging it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def stories_of(ids: Sequence[str], relations: list[dict[str, Any]]) -> dict[str, str]:
    """Article id -> story id, for every article, from the verified relations."""
    return {}
