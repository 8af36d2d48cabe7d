"""Stories rendered four ways: JSON (the model), GraphML and DOT (for graph tools), text.

Titles and ids are untrusted text from the web: GraphML goes through ``xml.etree`` (which
escapes), DOT strings are quoted with backslashes, quotes and control characters escaped,
and the text view strips control characters so a title cannot rewrite the terminal.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from wiretrace.story.build import SCHEMA, Story, StoryIndex

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _clean(text: Any, limit: int = 90) -> str:
    s = _CONTROL.sub(" ", str(text or "")).strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


def to_json(index: StoryIndex, min_size: int = 1) -> dict[str, Any]:
    """Schema ``wiretrace.stories/1``: stats, then stories largest first."""
    return {
        "schema": SCHEMA,
        "stats": index.stats,
        "stories": [
            {
                "id": s.id,
                "size": len(s.members),
                "sites": len({index.articles[m]["site"] for m in s.members
                              if index.articles[m]["site"]}),
                "roots": s.roots,
                "articles": [{"id": m, **index.articles[m]} for m in s.members],
                "derivations": [
                    {"source": e.source, "copy": e.target, "kind": e.kind,
                     "confidence": round(e.confidence, 4), "direction_decided": e.decided,
                     "direction_evidence": e.evidence, "tree": e.tree}
                    for e in s.edges
                ],
                "independent": [{"a": a, "b": b} for a, b in s.related],
            }
            for s in index.stories if len(s.members) >= min_size
        ],
    }


def to_graphml(index: StoryIndex, min_size: int = 1) -> str:
    """GraphML: one node per article (story, title, site, published, root), one directed
    edge per derivation (kind, confidence, decided, tree, evidence) and one per independent
    pair (kind ``independent``)."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    keys = [("story", "node", "string"), ("title", "node", "string"),
            ("site", "node", "string"), ("published", "node", "string"),
            ("url", "node", "string"), ("root", "node", "boolean"),
            ("kind", "edge", "string"), ("confidence", "edge", "double"),
            ("decided", "edge", "boolean"), ("tree", "edge", "boolean"),
            ("evidence", "edge", "string")]
    for name, domain, typ in keys:
        ET.SubElement(root, f"{{{ns}}}key", {"id": name, "for": domain, "attr.name": name,
                                             "attr.type": typ})
    graph = ET.SubElement(root, f"{{{ns}}}graph", {"id": "stories", "edgedefault": "directed"})

    def data(parent: ET.Element, key: str, value: Any) -> None:
        if value is None:
            return
        d = ET.SubElement(parent, f"{{{ns}}}data", {"key": key})
        d.text = (str(value).lower() if isinstance(value, bool)
                  else _CONTROL.sub(" ", str(value)))

    n_edge = 0
    for s in index.stories:
        if len(s.members) < min_size:
            continue
        roots = set(s.roots)
        for m in s.members:
            a = index.articles[m]
            node = ET.SubElement(graph, f"{{{ns}}}node", {"id": _CONTROL.sub(" ", m)})
            data(node, "story", s.id)
            for k in ("title", "site", "published", "url"):
                data(node, k, a.get(k))
            data(node, "root", m in roots)
        for e in s.edges:
            n_edge += 1
            el = ET.SubElement(graph, f"{{{ns}}}edge", {
                "id": f"e{n_edge}", "source": _CONTROL.sub(" ", e.source),
                "target": _CONTROL.sub(" ", e.target)})
            data(el, "kind", e.kind)
            data(el, "confidence", round(e.confidence, 4))
            data(el, "decided", e.decided)
            data(el, "tree", e.tree)
            data(el, "evidence", "; ".join(e.evidence))
        for a_id, b_id in s.related:
            n_edge += 1
            el = ET.SubElement(graph, f"{{{ns}}}edge", {
                "id": f"e{n_edge}", "source": _CONTROL.sub(" ", a_id),
                "target": _CONTROL.sub(" ", b_id), "directed": "false"})
            data(el, "kind", "independent")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _dot(s: Any) -> str:
    text = _CONTROL.sub(" ", str(s or ""))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(index: StoryIndex, min_size: int = 2) -> str:
    """DOT: one ``cluster_`` subgraph per story; derivations solid and labelled with the
    kind (dashed when the direction is a guess), independent pairs dotted, undirected."""
    lines = ["digraph stories {", "  rankdir=LR;", '  node [shape=box, fontsize=10];']
    for i, s in enumerate(index.stories):
        if len(s.members) < min_size:
            continue
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f"    label={_dot(s.id)};")
        roots = set(s.roots)
        for m in s.members:
            a = index.articles[m]
            label = _dot(m + (" / " + _clean(a.get("title"), 60) if a.get("title") else ""))
            style = ", style=bold" if m in roots else ""
            lines.append(f"    {_dot(m)} [label={label}{style}];")
        for e in s.edges:
            style = "solid" if e.decided else "dashed"
            color = "" if e.tree else ", color=gray"
            lines.append(f"    {_dot(e.source)} -> {_dot(e.target)} "
                         f"[label={_dot(e.kind)}, style={style}{color}];")
        for a_id, b_id in s.related:
            lines.append(f"    {_dot(a_id)} -> {_dot(b_id)} "
                         '[dir=none, style=dotted, label="independent"];')
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _describe(index: StoryIndex, m: str) -> str:
    a = index.articles[m]
    bits = [x for x in (_clean(a.get("site"), 40), (a.get("published") or "")[:10]) if x]
    title = f'  "{_clean(a.get("title"), 70)}"' if a.get("title") else ""
    return f"{_clean(m, 60)}{' (' + ', '.join(bits) + ')' if bits else ''}{title}"


def _story_text(index: StoryIndex, s: Story) -> list[str]:
    sites = {index.articles[m]["site"] for m in s.members if index.articles[m]["site"]}
    n_copies = len({e.target for e in s.edges if e.tree})
    out = [f"{s.id}  ·  {len(s.members)} articles, {len(sites)} sites, "
           f"{len(s.roots)} original(s), {n_copies} derived"]
    children: dict[str, list[Any]] = {}
    for e in s.edges:
        if e.tree:
            children.setdefault(e.source, []).append(e)

    def walk(node: str, prefix: str) -> None:
        kids = children.get(node, [])
        for i, e in enumerate(kids):
            last = i == len(kids) - 1
            how = "decided" if e.decided else "guessed"
            why = "; ".join(_clean(w, 80) for w in e.evidence[:2]) or "no evidence"
            out.append(f"{prefix}{'└─' if last else '├─'} {e.kind} {e.confidence:.2f}  "
                       f"{_describe(index, e.target)}")
            out.append(f"{prefix}{'   ' if last else '│  '}   direction {how}: {why}")
            walk(e.target, prefix + ("   " if last else "│  "))

    for r in s.roots:
        out.append(f"  ● {_describe(index, r)}")
        walk(r, "    ")
    if s.related:
        out.append(f"  independent reports: {len(s.related)} pair(s) judged same event, "
                   "not copied")
    return out


def to_text(index: StoryIndex, min_size: int = 2) -> str:
    """A readable tree per story (roots ●, copies below with kind, confidence and the
    direction evidence); stories smaller than ``min_size`` are only counted."""
    st = index.stats
    lines = [f"{st.get('articles', 0)} articles in {st.get('stories', 0)} stories "
             f"({st.get('stories_with_2_or_more', 0)} with 2 or more articles); "
             f"{st.get('derived_articles', 0)} derived from another stored article "
             f"(original share {st.get('original_share')})", ""]
    shown = [s for s in index.stories if len(s.members) >= min_size]
    for s in shown:
        lines.extend(_story_text(index, s))
        lines.append("")
    hidden = len(index.stories) - len(shown)
    if hidden:
        lines.append(f"{hidden} stories with fewer than {min_size} articles not shown "
                     "(--min-size 1 shows them)")
    return "\n".join(lines) + "\n"
