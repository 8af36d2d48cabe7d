"""Terminal rendering of a trace report: the verdict first, then each source with the
evidence that fired and a few aligned passages side by side."""

from __future__ import annotations

import textwrap
from typing import Any

_DIRECTION = {
    "candidate_is_source": "the stored article is the source",
    "query_is_source": "the traced article is the source; the stored one copies it",
    "unknown": "direction undecided",
}


def _clip(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def render_text(report: dict[str, Any], max_pairs: int = 4, width: int = 100,
                max_alterations: int = 8) -> str:
    a = report["article"]
    lines = [
        f"article  {a['id']}" + (f"  ({a['title']})" if a.get("title") else ""),
        f"verdict  {report['verdict']}",
        f"checked  {report['candidates_checked']} candidates",
    ]
    for i, rel in enumerate(report["sources"], 1):
        src = rel["source"]
        f = rel["features"]
        lines += [
            "",
            f"source {i}: {src['id']}" + (f"  {src.get('title') or ''}".rstrip()),
            f"  relation    {rel['kind']}  confidence {rel['confidence']:.2f}",
            f"  direction   {_DIRECTION.get(rel['direction'], rel['direction'])}",
        ]
        for why in rel["direction_evidence"]:
            lines.append(f"              - {why}")
        if f.get("alignment_basis") == "anchors":
            lines.append("  aligned by  names and numbers in order (a language the encoder"
                         " does not know)")
        if f.get("reuse_evidence"):
            lines.append("  proof       " + _clip(str(f["reuse_evidence"]), width - 14))
        coverage = (f"  coverage    copy {f['coverage_copy']:.0%},"
                    f" source {f['coverage_source']:.0%};")
        if "semantic" in f:
            coverage += (f" meaning {f['semantic']:.2f}, wording {f['lexical']:.2f},"
                         f" function words {f['function_words']:.2f}")
        else:  # a stored page with the very text (a republication): nothing was compared
            coverage += " the same text"
        lines.append(coverage)
        ev = rel["evidence"]
        if ev.get("shared_names"):
            lines.append("  names       " + _clip(", ".join(ev["shared_names"]), width - 14))
        if ev.get("shared_numbers"):
            lines.append("  numbers     " + _clip(", ".join(ev["shared_numbers"]), width - 14))
        credits = ev.get("credits", {})
        if credits.get("candidate") or credits.get("query"):
            lines.append(
                f"  credits     source {credits.get('candidate') or '-'};"
                f" this article {credits.get('query') or '-'}"
            )
        summ = rel.get("alteration_summary", {}).get("counts") or {}
        if summ:
            lines.append(
                "  alterations " + ", ".join(f"{k} x{v}" for k, v in sorted(summ.items()))
            )
        serious = [a for a in rel.get("alterations", []) if a["severity"] != "low"]
        for a in serious[:max_alterations]:
            said = _clip(a["source_text"].replace("\n", " "), 40) or "-"
            now = _clip(a["copy_text"].replace("\n", " "), 40) or "(gone)"
            at = f" @{a['copy_span'][0]}" if a.get("copy_span") else ""
            lines.append(f"    {a['severity']:<6} {a['type']:<19} {said!r} -> {now!r}{at}")
        if len(serious) > max_alterations:
            lines.append(f"    … {len(serious) - max_alterations} more")
        half = (width - 6) // 2
        for p in rel["alignment"][:max_pairs]:
            left = textwrap.wrap(_clip(p["copy_text"], 240), half) or [""]
            right = textwrap.wrap(_clip(p["source_text"], 240), half) or [""]
            lines.append(f"  -- {p['kind']} (meaning {p['similarity']:.2f})")
            for k in range(max(len(left), len(right))):
                lt = left[k] if k < len(left) else ""
                rt = right[k] if k < len(right) else ""
                lines.append(f"  {lt:<{half}} | {rt}")
        if len(rel["alignment"]) > max_pairs:
            lines.append(f"  … {len(rel['alignment']) - max_pairs} more aligned passages")
    others = report["others"]
    if others:
        lines.append("")
        lines.append("not copies:")
        for rel in others[:6]:
            f = rel["features"]
            lines.append(
                f"  {rel['kind']:<12} {rel['source']['id']}  (coverage {f['coverage_copy']:.0%},"
                f" names shared {f['names_shared']:.2f})"
            )
    return "\n".join(lines) + "\n"
