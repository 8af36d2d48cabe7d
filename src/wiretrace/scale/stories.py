"""Stories of a scan: the story package's own clustering (``story.build.cluster``, average
link over judged pairs), run on the driver over the relations table — a sparse list of
verdicts, cheap to cluster next to judging it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def stories_of(ids: Sequence[str], relations: list[dict[str, Any]],
               published: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Article id -> story id for every article. A story is named, as ``build_stories``
    names it, after its earliest member (publication date, then id: a scan has no
    storage order)."""
    from wiretrace.story.build import StoryConfig, cluster
    from wiretrace.story.pairs import PairVerdict

    pub = published or {}
    verdicts = [PairVerdict(r["a"], r["b"], r["kind"], float(r["confidence"]), r["direction"])
                for r in relations if r["kind"] != "error"]
    out: dict[str, str] = {}
    for members in cluster(sorted(ids), verdicts, StoryConfig()):
        first = min(members, key=lambda m: (pub.get(m) or "~", m))
        for m in members:
            out[m] = "story:" + first
    return out
