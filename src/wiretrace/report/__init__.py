"""One report model, rendered as JSON (versioned schema) and terminal text; HTML follows.

``trace_report`` turns a ``TraceResult`` (plus the stored source articles) into plain
dicts and lists: that dict *is* the JSON output, and the text renderer reads only it, so
the formats cannot drift apart.
"""

from wiretrace.report.model import SCHEMA, trace_report
from wiretrace.report.terminal import render_text

__all__ = ["SCHEMA", "render_text", "trace_report"]
