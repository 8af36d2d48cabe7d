"""One report model, rendered as JSON (versioned schema), terminal text and one HTML page.

``trace_report`` turns a ``TraceResult`` (plus the stored source articles) into plain
dicts and lists: that dict *is* the JSON output, and the text and HTML renderers read only
it (HTML also looks up each source's full text), so the formats cannot drift apart.
"""

from wiretrace.report.html import render_html
from wiretrace.report.model import SCHEMA, trace_report
from wiretrace.report.terminal import render_text

__all__ = ["SCHEMA", "render_html", "render_text", "trace_report"]
