"""Regenerate ``corpus/copies.jsonl``: copies of the demo's wire originals made by the
benchmark's own generators (Apertium and WordNet needed; the demo itself needs neither).

    python -m wiretrace.demo.build_corpus
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from wiretrace.bench.derive import derive
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.engine import prepare

# (original index among the wire originals, kind, base kind for corrupted copies)
PLAN: tuple[tuple[int, str, str | None], ...] = (
    (0, "verbatim", None),
    (0, "spun", None),
    (1, "machine_translated", None),
    (1, "partial", None),
    (2, "translated", None),
    (2, "summarised", None),
    (3, "edited", None),
    (3, "corrupted", "machine_translated"),
)
SITES = ("dailyroundup.example", "newsfeed24.example", "worldwire-today.example")


def _next_day(iso: str | None) -> str | None:
    """Scrapers republish within a day or two."""
    if not iso:
        return None
    return (date.fromisoformat(iso[:10]) + timedelta(days=1)).isoformat()


def build(out: Path = CORPUS / "copies.jsonl", seed: int = 7) -> list[dict]:
    originals = [
        prepare(to_article(d)) for d in load_jsonl(CORPUS / "originals.jsonl")
        if d.get("role") == "wire_original"
    ]
    records = []
    for n, (i, kind, base) in enumerate(PLAN):
        src = originals[i]
        d = derive(src, kind, seed, base_kind=base)
        site = SITES[n % len(SITES)]
        slug = (src.title or src.id).lower().replace(" ", "-")[:60]
        records.append(
            {
                "id": f"copy-{n + 1}-{kind}",
                "kind": d.relation if kind == "corrupted" else kind,
                "made_as": kind if base is None else f"{kind} ({base})",
                "source_id": src.id,
                "site": site,
                "url": f"https://{site}/news/{slug}",
                "published": _next_day(src.published),
                "text": d.copy.text,
                "planted": [
                    {"type": a.type, "copy_text": a.copy_text, "source_text": a.source_text}
                    for a in d.planted
                    if a.type not in {"synonym", "boilerplate_added"}
                ],
            }
        )
    with open(out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return records


if __name__ == "__main__":
    for r in build():
        print(r["id"], r["source_id"], len(r["text"].split()), "words")
