"""The report of ``wiretrace inspect``: one dict (the JSON output, schema
``wiretrace.inspect/1``) and a terminal rendering that reads only that dict.

Evidence inside the body carries ``spans`` (character offsets into ``article.text``, the
cleaned body the reader produced) and the words at those offsets; evidence outside the body
(chrome lines, the headline, a source line, HTML markers) says ``where`` it was found and
quotes it in ``words``.
"""

from __future__ import annotations

import textwrap
from typing import Any

from wiretrace.forensics.intrinsic import CALIBRATION, CAPS, Inspection

INSPECT_SCHEMA = "wiretrace.inspect/1"

_LABELS = {
    "name_variants": "one name, several spellings",
    "fragment": "sentence fragments",
    "miscased_word": "function words capitalised mid-sentence",
    "doubled_word": "words written twice",
    "ampersand": "'&' for 'and' in running prose",
    "unintroduced_name": "honorific for a name never introduced",
    "theme_nag": "theme licence nag",
    "chrome": "page chrome",
    "headline_rewords_slug": "headline rewords its URL slug",
    "declared_source": "declared source",
    "credit": "credits",
    "mt_marker": "machine-translation markers in the HTML",
    "odd_collocation": "word pairs news English never writes",
    "spun_speech_verb": "the spinner's verbs for 'said' and 'told'",
    "spinner_word": "the spinner's words and phrases",
    "honorific_styles": "'Mr.' and 'Mr' in one text",
    "common_word_in_name": "common words capitalised inside names",
    "accent_variant": "a word with and without accents",
    "foreign_leftover": "foreign words left by a translation",
    "bare_name": "a surname never introduced, beside a person who is",
    "news_register": "wording clean news rarely uses (a rewriting tool's register)",
    "impossible_passive": "a passive no English verb allows ('were remained')",
    "bare_day_date": "a day of the month with no month ('on the 18th')",
    "foreign_quotes": "another language's quotation marks in English prose",
    "unclosed_quote": "a quotation opened twice without closing",
    "glued_letter": "a stray letter stuck to a word or a name broken by a dot",
    "according_openers": "sentence after sentence opening 'According to'",
    "sentence_variant": "one sentence written twice with a word changed",
    "number_format": "numbers written as another language writes them ('1300 kilometers')",
    "bracketed_direction": "a compass point in brackets after a place, an agency style of "
                           "other languages",
    "calque": "another language's news phrasing rendered word for word ('the past Monday')",
}


def inspect_report(result: Inspection, *, source: str | None = None) -> dict[str, Any]:
    """``result`` as plain JSON-ready data; ``source`` names the input (file, id, stdin)."""
    a = result.article
    return {
        "schema": INSPECT_SCHEMA,
        "source": source,
        "article": {
            "id": a.id,
            "title": a.title,
            "url": a.url,
            "language": a.language,
            "chars": len(a.text),
        },
        "verdict": result.verdict,
        "score": result.score,
        "by_type": result.by_type,
        "thresholds": {
            "likely": CALIBRATION["likely"],
            "some": CALIBRATION["some"],
            "version": CALIBRATION["version"],
            "caps": CAPS,
        },
        "evidence": [e.to_dict() for e in result.evidence],
    }


def _clip(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def render_inspect_text(report: dict[str, Any], width: int = 100, per_type: int = 6) -> str:
    """The verdict first, then the evidence grouped by type, strongest type first."""
    a = report["article"]
    th = report["thresholds"]
    lines = [
        f"article  {a['id']}" + (f"  ({_clip(a['title'], width - 20)})" if a.get("title") else ""),
        f"verdict  {report['verdict']}  (score {report['score']:.2f}; likely >= {th['likely']},"
        f" some >= {th['some']})",
    ]
    if not report["evidence"]:
        lines.append("no intrinsic signs of a disguised copy in this text")
        return "\n".join(lines) + "\n"
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in report["evidence"]:
        groups.setdefault(e["type"], []).append(e)
    order = sorted(groups, key=lambda t: -report["by_type"].get(t, 0.0))
    for t in order:
        items = groups[t]
        lines += ["", f"{_LABELS.get(t, t)}  (+{report['by_type'].get(t, 0.0):.2f})"]
        for e in items[:per_type]:
            if e["where"] == "text" and e["spans"]:
                at = "@" + ",".join(str(s[0]) for s in e["spans"][:4])
                if len(e["spans"]) > 4:
                    at += ",…"
                words = ", ".join(dict.fromkeys(e["words"]))
            else:
                at = f"[{e['where']}]"
                words = " | ".join(e["words"])
            lines.append("  - " + _clip(e["note"], width - 4))
            for chunk in textwrap.wrap(f"{at} {_clip(words, 3 * width)}", width - 6)[:3]:
                lines.append(f"      {chunk}")
        if len(items) > per_type:
            lines.append(f"  … {len(items) - per_type} more")
    return "\n".join(lines) + "\n"
