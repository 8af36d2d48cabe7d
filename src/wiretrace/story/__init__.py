"""Stories (articles about one event, across outlets) and the lineage inside each.

>>> from wiretrace.engine import Wiretrace                          # doctest: +SKIP
>>> from wiretrace.story import build_stories, to_text              # doctest: +SKIP
>>> print(to_text(build_stories(Wiretrace("wiretrace-data"))))      # doctest: +SKIP
"""

from wiretrace.story.build import (
    SCHEMA,
    Story,
    StoryConfig,
    StoryIndex,
    build_stories,
    cluster,
)
from wiretrace.story.cluster import average_link, connected_components
from wiretrace.story.export import to_dot, to_graphml, to_json, to_text
from wiretrace.story.lineage import LineageEdge, lineage
from wiretrace.story.pairs import PairCache, PairVerdict

__all__ = [
    "SCHEMA",
    "LineageEdge",
    "PairCache",
    "PairVerdict",
    "Story",
    "StoryConfig",
    "StoryIndex",
    "average_link",
    "build_stories",
    "cluster",
    "connected_components",
    "lineage",
    "to_dot",
    "to_graphml",
    "to_json",
    "to_text",
]
