"""Stories of a scan: the story package's own clustering (``story.build.cluster``, average
link over judged pairs), run on the driver over the relations table — a sparse list of
verdicts, cheap to cluster next to judging it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def stories_of(ids: Sequence[str], relations: list[dict[str, Any]],
               published: Mapping[str, str | None] | None = None,
               terms: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
    """Article id -> story id for every article. A story is named, as ``build_stories``
    names it, after its earliest member (publication date, then id: a scan has no
    storage order). ``terms`` (each article's rare names and numbers) weigh independent
    verdicts by shared names, as ``wiretrace stories`` does; without them every
    independent verdict counts fully, which chains events together."""
    from wiretrace.story.build import StoryConfig, cluster, term_cosine
    from wiretrace.story.pairs import PairVerdict

    pub = published or {}
    verdicts = [PairVerdict(r["a"], r["b"], r["kind"], float(r["confidence"]), r["direction"])
                for r in relations if r["kind"] != "error"]
    names = None
    if terms is not None:
        sets = {a: set(ts) for a, ts in terms.items()}
        df = Counter(t for ts in sets.values() for t in ts)
        names = term_cosine(((v.a, v.b) for v in verdicts if v.kind == "independent"),
                            sets, dict(df), len(sets))
    out: dict[str, str] = {}
    for members in cluster(sorted(ids), verdicts, StoryConfig(), names):
        first = min(members, key=lambda m: (pub.get(m) or "~", m))
        for m in members:
            out[m] = "story:" + first
    return out
