"""One report model, rendered as JSON (versioned schema), terminal text and one HTML page.

``trace_report`` turns a ``TraceResult`` (plus the stored source articles) into plain
dicts and lists: that dict *is* the JSON output, and the text and HTML renderers read only
it (HTML also looks up each source's full text), so the formats cannot drift apart.

The renderers are imported when first asked for: a new ``trace --format json`` process
needs neither (each module a new process imports costs it, and more so where Python may not
cache bytecode).
"""

from __future__ import annotations

from typing import Any

from wiretrace.report.model import SCHEMA, trace_report

__all__ = ["SCHEMA", "render_html", "render_text", "trace_report"]


def __getattr__(name: str) -> Any:
    if name == "render_html":
        from wiretrace.report.html import render_html

        return render_html
    if name == "render_text":
        from wiretrace.report.terminal import render_text

        return render_text
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
