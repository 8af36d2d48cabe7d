"""HTML rendering of a trace report: one self-contained page (inline CSS, no script, no
external asset, a Content-Security-Policy that forbids every fetch) that prints cleanly.

It shows what the terminal report shows, and more room for it: the verdict in one line;
each source with its kind, confidence, direction and the reasons for it; the evidence
(shared names and numbers, credits, dates, declared sources); the alterations, marked in
place inside both texts and listed; an aligned view with the copy's passages and the
source's passages level with each other, one row per aligned pair, copy sentences that
match nothing shown as *added* and source sentences that match nothing as *dropped*; and
the candidates judged not to be copies.

Every piece of article text is untrusted (titles, ids, URLs, bylines, the body). All of it
goes through :func:`html.escape` before it reaches the page, attributes included; a URL
becomes a link only when it is a plain ``http``/``https`` URL, otherwise it is shown as
text. Class names and element ids are built from integers and from our own alteration
type names after stripping anything outside ``[a-z0-9_-]``.

Example::

    report = trace_report(result, engine.store.get)
    Path("report.html").write_text(render_html(report, engine.store.get), encoding="utf-8")

``lookup`` (article id -> ``Article`` or ``None``) supplies each source's full text, which
the report model keeps out of the JSON; without it the aligned view still shows every
aligned pair (the pairs carry their own texts) but cannot show dropped source sentences.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from wiretrace.data import Article
from wiretrace.report.terminal import _DIRECTION

_SEVERITIES = ("high", "medium", "low")
_ALTERATION_LABEL = {
    "name_garbled": "name misspelt",
    "name_swapped": "name replaced by another",
    "number_changed": "number changed",
    "quote_changed": "quotation changed",
    "negation_flipped": "negation flipped",
    "attribution_removed": "attribution / credit removed",
    "synonym": "word replaced by a synonym",
    "sentence_added": "sentence added",
    "sentence_dropped": "sentence dropped",
    "boilerplate_added": "boilerplate added",
}
_DASH = '<span class="empty">-</span>'
_GONE = '<span class="empty">(gone)</span>'
_SAFE_URL = re.compile(r"https?://[^\s<>\"'`\\]+\Z", re.IGNORECASE)

CSS = """
:root { --fg:#1b1b1b; --muted:#5f6368; --line:#d0d4d9; --bg:#fff; --head:#f3f5f7;
  --add:#e7f5ea; --drop:#fbeaea; --high:#ffb3ad; --medium:#ffd8a1; --low:#fff2a8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1200px; padding: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--line);
  padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.verdict { font-size: 1.15rem; font-weight: 600; padding: .6rem .8rem;
  border-left: 5px solid #3b6fb6;
  background: var(--head); margin: .6rem 0 1rem; }
.muted, .empty { color: var(--muted); }
.empty { font-style: italic; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem;
  margin: .4rem 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.url { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em;
  overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; vertical-align: top;
  text-align: left; }
thead th { background: var(--head); }
table.aligned { table-layout: fixed; }
table.aligned col.how { width: 7.5rem; }
table.aligned td.text { white-space: pre-wrap; overflow-wrap: anywhere; }
tr.row-added td.copy { background: var(--add); }
tr.row-dropped td.source { background: var(--drop); }
td.how { font-size: .8rem; color: var(--muted); }
td.how b { color: var(--fg); font-weight: 600; }
mark { background: var(--low); color: inherit; padding: 0 .05em; border-radius: 2px; }
mark.sev-medium { background: var(--medium); text-decoration: underline; }
mark.sev-high { background: var(--high); text-decoration: underline double; }
mark.sev-low { text-decoration: underline dotted; }
mark.empty-span::before { content: "\\2038"; font-weight: 700; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1rem; margin: .3rem 0 .6rem;
  padding: 0; list-style: none; }
ul.reasons { margin: .2rem 0 .4rem 1.2rem; padding: 0; }
.sev { font-weight: 600; text-transform: uppercase; font-size: .75rem; }
section.source { break-before: auto; }
footer { margin-top: 2.5rem; font-size: .8rem; color: var(--muted); }
@media print {
  body { font-size: 10pt; max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  h2, h3 { break-after: avoid; }
  section.source + section.source { break-before: page; }
  tr, li, dl.meta { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  mark, tr.row-added td.copy, tr.row-dropped td.source, .verdict {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  footer { display: none; }
}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _e(x: Any) -> str:
    """Escape anything for text or a quoted attribute value."""
    return html.escape("" if x is None else str(x), quote=True)


def _token(x: Any) -> str:
    """A class-name token from our own vocabulary, stripped of anything unexpected."""
    return re.sub(r"[^a-z0-9_-]", "", str(x).lower()) or "unknown"


def _link(url: Any) -> str:
    """A plain http(s) URL as an escaped link; anything else (javascript:, data:, junk) as text."""
    if not url:
        return _DASH
    s = str(url)
    if _SAFE_URL.match(s):
        return f'<a class="url" href="{_e(s)}" rel="noopener noreferrer nofollow">{_e(s)}</a>'
    return f'<span class="url">{_e(s)}</span>'


def _items(values: Iterable[Any], link: bool = False) -> str:
    vals = [v for v in values or [] if v not in (None, "")]
    if not vals:
        return '<span class="empty">none</span>'
    return ", ".join(_link(v) if link else _e(v) for v in vals)


def _pct(x: Any) -> str:
    try:
        return f"{float(x):.0%}"
    except (TypeError, ValueError):
        return "-"


def _num(x: Any) -> str:
    try:
        return f"{float(x):.2f}"
    except (TypeError, ValueError):
        return "-"


# -- one side of a pair: the full text (when known) and its passages ----------------------


@dataclass(slots=True)
class _Side:
    name: str  # "this article" | "stored article"
    article_id: str
    text: str | None
    passages: list[tuple[int, int, int]]  # (index, start, end)
    marks: list[tuple[int, int, str, str]] = field(default_factory=list)  # start, end, id, open tag


@dataclass(slots=True)
class _Row:
    kind: str  # "pair" | "added" | "dropped"
    copy: tuple[int, int] | None
    source: tuple[int, int] | None
    copy_text: str = ""
    source_text: str = ""
    label: str = ""
    similarity: float | None = None
    lexical: float | None = None


def _marked(text: str, base: int, marks: list[tuple[int, int, str, str]]) -> str:
    """``text`` (which starts at offset ``base``) escaped, with every mark whose span lies
    inside it wrapped around exactly its characters. Nested spans nest; a span that partly
    overlaps an earlier one is left unmarked (it is still in the alterations list)."""
    end_all = base + len(text)
    inside = sorted(
        (m for m in marks if base <= m[0] <= m[1] <= end_all),
        key=lambda m: (m[0], -(m[1] - m[0])),
    )
    events: list[tuple[int, int, str]] = []  # (offset, order, html); closes before opens
    stack: list[int] = []
    for start, end, _id, tag in inside:
        while stack and stack[-1] <= start:
            stack.pop()
        if stack and end > stack[-1]:
            continue  # partial overlap: keep the markup well formed
        if start == end:
            events.append((start, 1, tag + "</mark>"))
            continue
        events.append((start, 2, tag))
        events.append((end, 0, "</mark>"))
        stack.append(end)
    events.sort(key=lambda ev: (ev[0], ev[1]))
    out, pos = [], base
    for off, _order, frag in events:
        out.append(_e(text[pos - base : off - base]))
        out.append(frag)
        pos = off
    out.append(_e(text[pos - base :]))
    return "".join(out)


def _cell(side: _Side, span: tuple[int, int] | None, fallback: str) -> str:
    if span is None:
        return ""
    if side.text is not None and 0 <= span[0] <= span[1] <= len(side.text):
        return _marked(side.text[span[0] : span[1]], span[0], side.marks)
    return _marked(fallback, span[0], side.marks)


def _rows(pairs: list[dict[str, Any]], copy: _Side, source: _Side) -> list[_Row]:
    """Aligned pairs in copy order, with unaligned copy passages (added) and unaligned source
    passages (dropped) slotted in where they fall."""
    aligned_c = {i for p in pairs for i in p["copy_idx"]}
    aligned_s = {i for p in pairs for i in p["source_idx"]}
    added = [p for p in copy.passages if p[0] not in aligned_c]
    dropped = [p for p in source.passages if p[0] not in aligned_s]
    rows: list[_Row] = []

    def flush_until(c_idx: float, s_idx: float) -> None:
        while added and added[0][0] < c_idx:
            _i, a, b = added.pop(0)
            rows.append(_Row("added", (a, b), None, label="added"))
        while dropped and dropped[0][0] < s_idx:
            _i, a, b = dropped.pop(0)
            rows.append(_Row("dropped", None, (a, b), label="dropped"))

    for p in sorted(pairs, key=lambda p: (min(p["copy_idx"], default=0), p["copy_span"][0])):
        flush_until(min(p["copy_idx"], default=0), min(p["source_idx"], default=0))
        rows.append(_Row("pair", tuple(p["copy_span"]), tuple(p["source_span"]),  # type: ignore[arg-type]
                         p["copy_text"], p["source_text"], p["kind"],
                         p.get("similarity"), p.get("lexical")))
    flush_until(float("inf"), float("inf"))
    return rows


def _passages_of(article: Article | None) -> list[tuple[int, int, int]]:
    if article is None:
        return []
    if not article.passages and article.text:
        from wiretrace.text.segment import split_sentences

        return [(p.index, p.start, p.end) for p in split_sentences(article.text)]
    return [(p.index, p.start, p.end) for p in article.passages]


# -- sections ---------------------------------------------------------------------------


def _article_meta(a: dict[str, Any], candidates: Any) -> str:
    rows = [
        ("id", _e(a.get("id"))),
        ("title", _e(a.get("title")) or _DASH),
        ("url", _link(a.get("url"))),
        ("site", _e(a.get("site")) or _DASH),
        ("published", _e(a.get("published")) or _DASH),
        ("byline", _e(a.get("byline")) or _DASH),
        ("language", _e(a.get("language")) or _DASH),
        ("credits", _items(a.get("credits") or [])),
        ("declared sources", _items(a.get("declared_sources") or [], link=True)),
        ("candidates checked", _e(candidates)),
    ]
    return '<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


# how a pair's passages were aligned (``features["alignment_basis"]``)
_BASIS = {
    "meaning": "meaning (the encoder knows both languages)",
    "anchors": "names and numbers in order (a language the encoder does not know)",
}


def _evidence(ev: dict[str, Any]) -> str:
    this, stored = "this article", "stored article"
    credits = ev.get("credits") or {}
    published = ev.get("published") or {}
    declared = ev.get("declared_sources") or {}
    rows = [
        ("shared names", _items(ev.get("shared_names") or [])),
        ("names only in this article", _items(ev.get("names_only_in_query") or [])),
        ("shared numbers", _items(ev.get("shared_numbers") or [])),
        ("numbers only in this article", _items(ev.get("numbers_only_in_query") or [])),
        (f"credits ({this})", _items(credits.get("query") or [])),
        (f"credits ({stored})", _items(credits.get("candidate") or [])),
        (f"published ({this})", _e(published.get("query")) or '<span class="empty">unknown</span>'),
        (f"published ({stored})",
         _e(published.get("candidate")) or '<span class="empty">unknown</span>'),
        (f"declared sources ({this})", _items(declared.get("query") or [], link=True)),
        (f"declared sources ({stored})", _items(declared.get("candidate") or [], link=True)),
    ]
    return '<dl class="meta evidence">' + "".join(
        f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _mark_tag(alt: dict[str, Any], mark_id: str, span: tuple[int, int]) -> str:
    t, sev = _token(alt.get("type")), _token(alt.get("severity"))
    was, now = alt.get("source_text") or "", alt.get("copy_text") or ""
    if was and now:
        change = f"source “{was}” → copy “{now}”"
    else:
        change = f"only in the source: “{was}”" if was else f"only in the copy: “{now}”"
    title = f"{alt.get('type')} ({alt.get('severity')}): {change}"
    if alt.get("note"):
        title += f". {alt['note']}"
    empty = " empty-span" if span[0] == span[1] else ""
    return f'<mark id="{mark_id}" class="alt-{t} sev-{sev}{empty}" title="{_e(title)}">'


def _span(x: Any) -> tuple[int, int] | None:
    if not x or len(x) != 2:
        return None
    try:
        return int(x[0]), int(x[1])
    except (TypeError, ValueError):
        return None


def _legend(alts: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for a in alts:
        counts[a["type"]] = counts.get(a["type"], 0) + 1
    sev = "".join(
        f'<li><mark class="sev-{s}">{s}</mark></li>' for s in _SEVERITIES
    )
    types = "".join(
        f'<li><mark class="alt-{_token(t)} sev-{_token(_worst_severity(alts, t))}">'
        f"{_e(_ALTERATION_LABEL.get(t, t))}</mark> <span class=\"muted\">{_e(t)} × {n}</span></li>"
        for t, n in sorted(counts.items())
    )
    return (f'<p class="muted">Severity:</p><ul class="legend">{sev}</ul>'
            f'<p class="muted">Types found:</p><ul class="legend">{types}</ul>')


def _worst_severity(alts: list[dict[str, Any]], t: str) -> str:
    sevs = {a.get("severity") for a in alts if a.get("type") == t}
    return next((s for s in _SEVERITIES if s in sevs), "low")


def _alteration_list(alts: list[dict[str, Any]], n: int) -> str:
    body = []
    for j, a in enumerate(alts):
        sev = _token(a.get("severity"))
        cs, ss = _span(a.get("copy_span")), _span(a.get("source_span"))
        where = []
        if cs is not None:
            where.append(f'<a href="#a{n}-{j}-c">copy @{cs[0]}</a>')
        if ss is not None:
            where.append(f'<a href="#a{n}-{j}-s">source @{ss[0]}</a>')
        body.append(
            f'<tr class="alt-{_token(a.get("type"))} sev-{sev}">'
            f'<td><span class="sev">{_e(a.get("severity"))}</span></td>'
            f"<td>{_e(_ALTERATION_LABEL.get(a.get('type', ''), a.get('type')))}"
            f'<br><span class="muted">{_e(a.get("type"))}</span></td>'
            f"<td>{_e(a.get('source_text')) or _DASH}</td>"
            f"<td>{_e(a.get('copy_text')) or _GONE}</td>"
            f"<td>{_e(a.get('note'))}</td><td>{' · '.join(where)}</td></tr>"
        )
    return (
        '<table class="alterations"><thead><tr><th>severity</th><th>change</th>'
        "<th>source said</th><th>copy says</th><th>note</th><th>where</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _aligned_table(rows: list[_Row], copy: _Side, source: _Side) -> str:
    out = [
        '<table class="aligned"><colgroup><col class="how"><col class="copy"><col class="source">'
        "</colgroup><thead><tr><th>pair</th>"
        f"<th>copy — {_e(copy.name)} <span class=\"muted\">{_e(copy.article_id)}</span></th>"
        f"<th>source — {_e(source.name)} <span class=\"muted\">{_e(source.article_id)}</span></th>"
        "</tr></thead><tbody>"
    ]
    for r in rows:
        if r.kind == "pair":
            how = (f"<b>{_e(r.label)}</b><br>meaning {_num(r.similarity)}"
                   f"<br>wording {_num(r.lexical)}")
        else:
            how = f"<b>{_e(r.label)}</b>"
        left = (_cell(copy, r.copy, r.copy_text) if r.copy is not None
                else '<span class="empty">(not in the copy)</span>')
        right = (_cell(source, r.source, r.source_text) if r.source is not None
                 else '<span class="empty">(not in the source)</span>')
        out.append(
            f'<tr class="row-{_token(r.kind)} kind-{_token(r.label)}"><td class="how">{how}</td>'
            f'<td class="text copy">{left}</td><td class="text source">{right}</td></tr>'
        )
    out.append("</tbody></table>")
    return "".join(out)


def _source_section(n: int, rel: dict[str, Any], report: dict[str, Any],
                    lookup: Callable[[str], Article | None] | None) -> str:
    src = rel.get("source") or {}
    f = rel.get("features") or {}
    art = report["article"]
    flipped = f.get("seen_from") == "candidate"
    other = lookup(src.get("id")) if lookup and src.get("id") is not None else None
    q = _Side("this article", art.get("id") or "", art.get("text"),
              [(p["index"], p["start"], p["end"]) for p in art.get("passages") or []])
    c = _Side("stored article", src.get("id") or "", other.text if other else None,
              _passages_of(other))
    copy, source = (c, q) if flipped else (q, c)
    pairs = []
    for p in rel.get("alignment") or []:
        qi, ci = list(p.get("copy_passages") or []), list(p.get("source_passages") or [])
        qs, cs = list(p["copy_span"]), list(p["source_span"])
        qt, ct = p.get("copy_text") or "", p.get("source_text") or ""
        if flipped:
            qi, ci, qs, cs, qt, ct = ci, qi, cs, qs, ct, qt
        pairs.append({"copy_idx": qi, "source_idx": ci, "copy_span": qs, "source_span": cs,
                      "copy_text": qt, "source_text": ct, "kind": p.get("kind"),
                      "similarity": p.get("similarity"), "lexical": p.get("lexical")})
    alts = list(rel.get("alterations") or [])
    for j, a in enumerate(alts):
        cs, ss = _span(a.get("copy_span")), _span(a.get("source_span"))
        if cs is not None:
            copy.marks.append((cs[0], cs[1], f"a{n}-{j}-c", _mark_tag(a, f"a{n}-{j}-c", cs)))
        if ss is not None:
            source.marks.append((ss[0], ss[1], f"a{n}-{j}-s", _mark_tag(a, f"a{n}-{j}-s", ss)))
    title = src.get("title")
    direction = str(rel.get("direction") or "unknown")
    reasons = "".join(f"<li>{_e(w)}</li>" for w in rel.get("direction_evidence") or [])
    summary = (rel.get("alteration_summary") or {}).get("counts") or {}
    parts = [
        f'<section class="source" id="source-{n}">',
        f"<h2>Source {n}: {_e(src.get('id'))}"
        + (f' <span class="muted">— {_e(title)}</span>' if title else "") + "</h2>",
        '<dl class="meta">',
        f"<dt>relation</dt><dd><b>{_e(rel.get('kind'))}</b></dd>",
        f"<dt>confidence</dt><dd>{_num(rel.get('confidence'))}</dd>",
        f"<dt>direction</dt><dd>{_e(_DIRECTION.get(direction, direction))}"
        + (f'<ul class="reasons">{reasons}</ul>' if reasons else "") + "</dd>",
        *([f"<dt>aligned by</dt><dd>{_e(_BASIS[str(f['alignment_basis'])])}</dd>"]
          if str(f.get("alignment_basis")) in _BASIS else []),
        *([f"<dt>proof of reuse</dt><dd>{_e(f.get('reuse_evidence'))}</dd>"]
          if f.get("reuse_evidence") else []),
        f"<dt>coverage</dt><dd>copy {_pct(f.get('coverage_copy'))}, source "
        f"{_pct(f.get('coverage_source'))}; meaning {_num(f.get('semantic'))}, wording "
        f"{_num(f.get('lexical'))}, function words {_num(f.get('function_words'))}</dd>",
        f"<dt>url</dt><dd>{_link(src.get('url'))}</dd>",
        f"<dt>site</dt><dd>{_e(src.get('site')) or _DASH}</dd>",
        f"<dt>published</dt><dd>{_e(src.get('published')) or _DASH}</dd>",
        "<dt>alterations</dt><dd>"
        + (", ".join(f"{_e(k)} × {int(v)}" for k, v in sorted(summary.items()))
           or '<span class="empty">none found</span>') + "</dd>",
        "</dl>",
        "<h3>Evidence</h3>",
        _evidence(rel.get("evidence") or {}),
    ]
    if alts:
        parts += ["<h3>Alterations</h3>", _legend(alts), _alteration_list(alts, n)]
    parts += ["<h3>Aligned passages</h3>"]
    if c.text is None:
        parts.append('<p class="muted">The stored article’s full text was not available: '
                     "aligned pairs only, dropped source sentences not shown.</p>")
    parts += [_aligned_table(_rows(pairs, copy, source), copy, source), "</section>"]
    return "\n".join(parts)


def _others(others: list[dict[str, Any]]) -> str:
    if not others:
        return '<p class="empty">No other candidates.</p>'
    rows = []
    for rel in others:
        src = rel.get("source") or {}
        f = rel.get("features") or {}
        rows.append(
            f"<tr><td>{_e(rel.get('kind'))}</td><td>{_e(src.get('id'))}</td>"
            f"<td>{_e(src.get('title'))}</td><td>{_link(src.get('url'))}</td>"
            f"<td>{_pct(f.get('coverage_copy'))}</td><td>{_num(f.get('names_shared'))}</td>"
            f"<td>{_num(rel.get('confidence'))}</td></tr>"
        )
    return (
        '<table class="others"><thead><tr><th>relation</th><th>id</th><th>title</th>'
        "<th>url</th><th>coverage</th><th>names shared</th><th>confidence</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def report_title(report: dict[str, Any]) -> str:
    """The traced article's title, or its id: the page title of a report."""
    a = report.get("article") or {}
    return str(a.get("title") or a.get("id") or "article")


def render_body(report: dict[str, Any],
                lookup: Callable[[str], Article | None] | None = None) -> str:
    """The report's content (header, sources, others, footer) without the page around it,
    for pages that wrap it in their own layout (the web app); style it with :data:`CSS`."""
    sources = report.get("sources") or []
    body = [
        f"<header><h1>Trace of {_e(report_title(report))}</h1>",
        f'<p class="verdict">{_e(report.get("verdict"))}</p>',
        _article_meta(report["article"], report.get("candidates_checked")),
        "</header>",
    ]
    if sources:
        body.append('<nav><p class="muted">Sources: ' + ", ".join(
            f'<a href="#source-{n}">{_e((rel.get("source") or {}).get("id"))}</a>'
            for n, rel in enumerate(sources, 1)) + "</p></nav>")
    for n, rel in enumerate(sources, 1):
        body.append(_source_section(n, rel, report, lookup))
    body += [
        "<section class=\"others\"><h2>Not copies</h2>",
        '<p class="muted">Candidates judged independent reports of the same event, or '
        "unrelated.</p>",
        _others(report.get("others") or []),
        "</section>",
        f'<footer>wiretrace report, schema {_e(report.get("schema"))}</footer>',
    ]
    return "\n".join(body)


def render_html(report: dict[str, Any],
                lookup: Callable[[str], Article | None] | None = None) -> str:
    """The trace ``report`` (from :func:`~wiretrace.report.model.trace_report`) as one
    self-contained HTML page.

    ``lookup`` maps a stored article id to its ``Article`` (``engine.store.get``); it gives
    the aligned view each source's full text so unaligned source sentences show as dropped.
    The page loads nothing: inline CSS, no script, and a CSP of ``default-src 'none'``.
    """
    head = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>wiretrace: {_e(report_title(report))}</title>",
        f"<style>{CSS}</style></head><body>",
    ]
    return "\n".join([*head, render_body(report, lookup), "</body></html>"]) + "\n"
