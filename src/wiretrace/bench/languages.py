"""Translated copies by language (issue 15, "Translated copies in any language").

Each source of the split is translated one way, sentence by sentence, into languages the
multilingual encoder knows (Spanish) and languages it does not (Galician, Esperanto,
Serbo-Croatian; and Serbian in Cyrillic script, Serbo-Croatian output written in Cyrillic,
so that names reach the index transliterated), with the Apertium pairs Debian ships, and
traced against the English index. The same-event independent reports are translated the
same way and traced too: they share the copies' names and numbers, so they test whether
anchors alone make wiretrace call a report a copy. Catalan is held out for other checks.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiretrace.bench.mt import TranslationCache, apertium_version
from wiretrace.data import Article
from wiretrace.text.wordnet import cache_root


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str
    mode: str  # the Apertium mode English -> this language
    encoder: bool  # one of the multilingual encoder's languages
    cyrillic: bool = False  # written out in Serbian Cyrillic after translation


LANGUAGES: tuple[Language, ...] = (
    Language("es", "Spanish", "eng-spa", True),
    Language("gl", "Galician", "en-gl", False),
    Language("eo", "Esperanto", "en-eo", False),
    Language("hbs", "Serbo-Croatian", "eng-hbs", False),
    Language("sr-Cyrl", "Serbian (Cyrillic)", "eng-hbs", False, cyrillic=True),
)
PACKAGES = ("apertium-eng-spa", "apertium-en-gl", "apertium-eo-en", "apertium-hbs-eng")
NEGATIVE_QUERIES = 150  # same-event reports translated per language (each with its partners)
GENERATOR_VERSION = 1

# Serbian Latin letters the transliteration leaves alone when they come from English words
# left untranslated and names: written as a Serbian reader would see them.
_FOREIGN = str.maketrans({"q": "к", "Q": "К", "w": "в", "W": "В", "x": "кс", "X": "Кс",
                          "y": "ј", "Y": "Ј"})


def to_cyrillic(text: str) -> str:
    """Serbian Latin -> Serbian Cyrillic (``cyrtranslit``), foreign letters included."""
    import cyrtranslit

    return cyrtranslit.to_cyrillic(text, "sr").translate(_FOREIGN)


def translated(article: Article, lang: Language, translate: Callable[..., list[str]],
               suffix: str = "") -> Article:
    """``article`` translated one way into ``lang``, passage by passage (title too)."""
    units = [p.text for p in article.passages] + ([article.title] if article.title else [])
    out = translate(units, lang.mode)
    if lang.cyrillic:
        out = [to_cyrillic(t) for t in out]
    n = len(article.passages)
    body = [t for t in out[:n] if t]
    return Article(id=f"{article.id}~{lang.code}{suffix}", text="\n\n".join(body),
                   title=out[n] if article.title else None,
                   meta={"source": article.id, "language": lang.code})


def _cache_path(ds: Any, sources: list[str], queries: list[str]) -> Path:
    ident = json.dumps({"dataset": ds.content_hash, "sources": sources, "queries": queries,
                        "languages": [lang.code for lang in LANGUAGES],
                        "apertium": apertium_version(), "version": GENERATOR_VERSION})
    key = hashlib.sha256(ident.encode()).hexdigest()[:16]
    return cache_root() / "bench" / f"languages-{ds.split}-{key}.json.gz"


def build_translations(ds: Any, seed: int = 0) -> dict[str, Any]:
    """The translated copies and negative queries of a data set, cached on disk."""
    by_id = {a.id: a for a in ds.originals}
    same: dict[str, set[str]] = defaultdict(set)
    for p in ds.negatives:
        if p.group == "same_event":
            same[p.a_id].add(p.b_id)
            same[p.b_id].add(p.a_id)
    sources = list(ds.source_ids)
    queries = sorted(same)
    queries = sorted(random.Random(f"{seed}:language-negatives").sample(
        queries, min(NEGATIVE_QUERIES, len(queries))))
    path = _cache_path(ds, sources, queries)
    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    t0 = time.perf_counter()
    cache = TranslationCache()
    out: dict[str, Any] = {"copies": {}, "negatives": {}, "partners": {
        q: sorted(same[q]) for q in queries}}
    units = [u for i in dict.fromkeys(sources + queries) for u in
             [p.text for p in by_id[i].passages] + ([by_id[i].title] if by_id[i].title
                                                      else [])]
    for lang in LANGUAGES:
        cache.prefetch(units, lang.mode)
        out["copies"][lang.code] = [_dump(translated(by_id[s], lang, cache)) for s in sources]
        out["negatives"][lang.code] = [_dump(translated(by_id[q], lang, cache, "~neg"))
                                       for q in queries]
    out["seconds"] = round(time.perf_counter() - t0, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(out, fh)
    return out


def _dump(a: Article) -> dict[str, Any]:
    return {"id": a.id, "text": a.text, "title": a.title, "meta": a.meta}


def _load(d: dict[str, Any]) -> Article:
    return Article(id=d["id"], text=d["text"], title=d["title"], meta=d["meta"])


def evaluate_languages(ds: Any, engine: Any, limit: int | None = None) -> dict[str, Any]:
    """Detection of translated copies and false derivation on translated same-event
    reports, per language and per group (the encoder's languages, the others)."""
    data = build_translations(ds)
    rows: dict[str, Any] = {}
    groups: dict[str, dict[str, list[int]]] = {
        g: {"det": [], "fd": []} for g in ("encoder", "others")}
    for lang in LANGUAGES:
        group = "encoder" if lang.encoder else "others"
        copies = [_load(d) for d in data["copies"][lang.code]]
        negs = [_load(d) for d in data["negatives"][lang.code]]
        if limit:
            copies, negs = copies[:limit], negs[: max(5, limit // 4)]
        det: list[int] = []
        bases: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        missed: list[dict[str, Any]] = []
        for a in copies:
            res = engine.trace(a)
            gold = a.meta["source"]
            top = res.sources[0].source_id if res.sources else None
            det.append(int(top == gold))
            rel = next((r for r in res.relations if r.source_id == gold), None)
            if rel is not None and rel.derived:
                kinds[rel.kind] += 1
                bases["anchors" if rel.features.get("proved_by") == "anchors"
                      else "meaning"] += 1
            elif len(missed) < 5:
                missed.append({"copy": a.id, "named": top,
                               "gold_kind": rel.kind if rel else "not retrieved",
                               "anchor_run": rel.features.get("anchor_run") if rel else None})
        fd: list[int] = []
        fd_examples: list[dict[str, Any]] = []
        for a in negs:
            qid = a.meta["source"]
            res = engine.trace(a, exclude_ids={qid})
            derived = {r.source_id for r in res.relations if r.derived}
            for b in data["partners"][qid]:
                fd.append(int(b in derived))
                if b in derived and len(fd_examples) < 5:
                    r = next(r for r in res.relations if r.source_id == b)
                    fd_examples.append({"query": a.id, "source": b, "kind": r.kind,
                                        "evidence": r.features.get("reuse_evidence")})
        groups[group]["det"] += det
        groups[group]["fd"] += fd
        rows[lang.code] = {
            "language": lang.name, "group": group, "copies": len(det),
            "detection": _rate(det), "negative_pairs": len(fd), "false_derivation": _rate(fd),
            "kinds": dict(kinds), "alignment_basis": dict(bases), "missed": missed,
            "false_examples": fd_examples,
        }
    summary = {g: {"copies": len(v["det"]), "detection": _rate(v["det"]),
                   "negative_pairs": len(v["fd"]), "false_derivation": _rate(v["fd"])}
               for g, v in groups.items()}
    return {"languages": rows, "groups": summary, "translation_seconds": data.get("seconds")}


def _rate(xs: list[int]) -> float | None:
    return round(sum(xs) / len(xs), 4) if xs else None


def render_languages(res: dict[str, Any]) -> list[str]:
    """The markdown table: a row per language group, then per language."""
    out = ["## Translated copies by language (issue 15)", "",
           "One-way Apertium translations of every source into each language, sentence by "
           "sentence, traced against the English index; the same-event reports translated the "
           "same way, traced for false derivation. *proved by*: meaning (the encoder's "
           "strong pairs) or anchors (a run of passages sharing names and numbers in order), "
           "for the copies found.", "",
           "| group / language | copies | detection | same-event pairs | false derivation "
           "| proved by | kinds named |", "|---|---|---|---|---|---|---|"]
    for g, s in res["groups"].items():
        label = "**encoder languages**" if g == "encoder" else "**other languages**"
        out.append(f"| {label} | {s['copies']} | **{s['detection']}** | {s['negative_pairs']} "
                   f"| **{s['false_derivation']}** | | |")
    for code, r in res["languages"].items():
        basis = ", ".join(f"{k} {v}" for k, v in sorted(r["alignment_basis"].items()))
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(r["kinds"].items()))
        out.append(f"| {r['language']} (`{code}`, {r['group']}) | {r['copies']} | "
                   f"{r['detection']} | {r['negative_pairs']} | {r['false_derivation']} | "
                   f"{basis} | {kinds} |")
    out.append("")
    return out
