"""Intrinsic signs of a disguised copy (``wiretrace inspect``): false alarms and detection.

No source is at hand: each article is judged alone. Clean originals must not be flagged;
spun and machine-translated copies should be.

* **Clean originals**: the ECB+ articles of the split (the benchmark's originals, half of
  them stamped with a wire credit) and a sample of Reuters-21578 stories (dev and test
  draw disjoint samples). Also, for information, the 181 real article pages of
  ``../shared/data/extraction`` read as HTML (real sites, real chrome and hreflang links).
* **Copies**: every copy of the split from ``wiretrace.bench.dataset.build_dataset``, read
  the way a user's file would be (``bench.runner.as_user_would``); spun and
  machine_translated (Apertium round trips via Spanish or Catalan) are the targets, the
  other kinds are listed for information.

Everything goes through the plain-text reader first, originals included, so that both
sides meet the same chrome, credit and source-line detection. ``--fit`` picks the verdict
thresholds on the dev split: the lowest "likely" threshold with at most 3% false alarms on
each clean set (half the 3% budget, a margin for held-out data; and never below 1.5, so
that one weak sign is not enough), and the lowest "some signs" threshold with at most 5%.

* **Real-world pages** (``bench/realworld``): labelled real pages — originals,
  republications, independent reports, rewrites, and real spun and machine-translated copies
  from content farms — read from ``--pages`` (texts are never committed) through
  ``page_article`` as ``bench/realworld_eval.py`` does. Dev and test clusters are split by
  ``split_of`` (the seed's cluster is dev). Pages in other languages are counted, and
  English-only rows are given beside them (the text signs read English prose only). The
  results name pages by URL with the types of sign found, never their text. On dev only:
  a leave-one-cluster-out count (the threshold refitted without the cluster it is counted
  on) and the spread of each sign type over clusters and sites, to tell signs that carry
  from signs fitted to one dev page.

Run:  .venv/bin/python bench/intrinsic_eval.py [--split dev|test|both] [--fit] [--reuters N]
          [--rw-split dev|test|both|none] [--pages DIR]
          [--out PATH] [--pages-note TEXT]
Writes bench/results/intrinsic.md and bench/results/intrinsic.json (or --out PATH.md/.json).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from wiretrace.bench.dataset import build_dataset
from wiretrace.bench.runner import as_user_would
from wiretrace.bench.sources import iter_reuters
from wiretrace.data import Article
from wiretrace.forensics.intrinsic import (
    CALIBRATION,
    CORE_MIN,
    VERDICTS,
    Inspection,
    inspect,
    verdict_for,
)
from wiretrace.ingest import read_html

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench" / "results"
TARGETS = ("spun", "machine_translated")
MAX_FALSE_ALARMS = {"likely": 0.015, "some": 0.05}
# "Likely" never rests on one weak sign: at least a recurring name variant, or two signs.
LIKELY_FLOOR = 1.5
# Credits alone (capped at 0.5) are what honest wire stories carry: never "some signs".
SOME_FLOOR = 0.75
GRID = [round(0.25 * k, 2) for k in range(1, 41)]


def reuters_samples(n: int, seed: int = 0) -> dict[str, list[Article]]:
    """Two disjoint random samples of ``n`` Reuters stories (>= 400 characters): dev, test."""
    pool = list(iter_reuters(DATA, min_chars=400))
    rng = random.Random(seed)
    rng.shuffle(pool)
    return {"dev": pool[:n], "test": pool[n : 2 * n]}


def as_page(article: Article) -> Article:
    """An original read as a user's file would be, keeping its title and URL."""
    page = as_user_would(article)
    return replace(page, url=article.url)


def extraction_pages() -> list[Article]:
    """The extraction set's real HTML pages, read by the HTML reader (markers in meta)."""
    gold_path = DATA / "extraction" / "ground-truth.json"
    if not gold_path.exists():
        return []
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    out = []
    for key in sorted(gold):
        path = DATA / "extraction" / "html" / f"{key}.html.gz"
        if not path.exists():
            continue
        res = read_html(gzip.decompress(path.read_bytes()), source=key, url=gold[key]["url"])
        if res.article is not None:
            out.append(res.article)
    return out


REALWORLD_LABELS = ("original", "republication", "independent", "rewritten", "spun",
                    "machine_translated")
HONEST = ("original", "republication", "independent")


def realworld(split: str, pages_dir: Path) -> list[tuple[Any, Inspection]]:
    """(labelled page, inspection) for every real page of ``split`` with a text."""
    from wiretrace.bench.realworld import load_labels, read_page_text, split_of
    from wiretrace.ingest.plaintext import page_article

    seeds = DATA.parent / "seeds"
    out = []
    for p in load_labels(ROOT / "bench" / "realworld" / "clusters"):
        if split_of(p.cluster) != split:
            continue
        text = read_page_text(p, pages_dir, seeds if seeds.is_dir() else None)
        if text and text.strip():
            out.append((p, inspect(page_article(text, id=p.url))))
    return out


def level(r: Inspection, likely: float, some: float) -> tuple[bool, bool]:
    """(likely, some signs or more) for ``r`` at these thresholds, with the core rule of
    :func:`verdict_for` (page-level signs and slips alone give no verdict)."""
    v = verdict_for(r.score, r.core, likely, some)
    return v == VERDICTS[0], v != VERDICTS[2]


def realworld_summary(rows: list[tuple[Any, Inspection]], likely: float,
                      some: float) -> dict[str, Any]:
    """Per label (all pages, and English pages only): n, likely, some signs or more; the
    pages flagged and missed, by URL with their sign types."""
    table: dict[str, dict[str, Any]] = {}
    for lab in REALWORLD_LABELS:
        for scope in ("all", "en"):
            rs = [r for p, r in rows if p.label == lab
                  and (scope == "all" or (r.article.language or "en") == "en")]
            table[f"{lab}/{scope}"] = {
                "n": len(rs),
                "likely": sum(level(r, likely, some)[0] for r in rs),
                "some_or_more": sum(level(r, likely, some)[1] for r in rs),
            }
    honest = [r for p, r in rows if p.label in HONEST]
    table["honest/all"] = {"n": len(honest),
                           "likely": sum(level(r, likely, some)[0] for r in honest),
                           "some_or_more": sum(level(r, likely, some)[1] for r in honest)}

    def page(p: Any, r: Inspection) -> dict[str, Any]:
        return {"url": p.url, "label": p.label, "language": r.article.language,
                "score": r.score, "verdict": r.verdict,
                "signs": {t: round(w, 2) for t, w in sorted(r.by_type.items())}}

    # 95% intervals of the "some signs or more" rates, clusters drawn with replacement (the
    # pages of one story share a source and often a site: they are not independent draws)
    from wiretrace.bench.realworld import bootstrap_intervals

    keys = ("spun", "machine_translated", "honest")
    clusters: dict[str, dict[str, list[int]]] = {}
    for p, r in rows:
        key = "honest" if p.label in HONEST else p.label
        if key in keys:
            c = clusters.setdefault(p.cluster, {k: [0, 0] for k in keys})
            c[key][0] += int(level(r, likely, some)[1])
            c[key][1] += 1
    return {
        "table": table,
        "intervals": bootstrap_intervals(list(clusters.values()), keys),
        "flagged": [page(p, r) for p, r in rows
                    if p.label in ("spun", "machine_translated") and level(r, likely, some)[1]],
        "missed": [page(p, r) for p, r in rows
                   if p.label in ("spun", "machine_translated")
                   and not level(r, likely, some)[1]],
        "false_alarms": [page(p, r) for p, r in rows
                         if p.label in HONEST and level(r, likely, some)[1]],
    }


def _site(url: str) -> str:
    """The host of a page's URL (the seed's pseudo-URL is its own site)."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def sign_spread(rows: list[tuple[Any, Inspection]], likely: float,
                some: float) -> list[dict[str, Any]]:
    """Per sign type, on the pages it fires on: spun / MT pages flagged with it, the number
    of clusters and sites they come from, and honest pages carrying it. A sign that flags
    copies of one site or one cluster only was likely fitted to it; one spread over many
    clusters is likelier to hold on new pages."""
    types = sorted({e.type for _, r in rows for e in r.evidence})
    out = []
    for t in types:
        hit = [(p, r) for p, r in rows if t in r.by_type]
        tgt = [(p, r) for p, r in hit if p.label in TARGETS and level(r, likely, some)[1]]
        out.append({
            "type": t,
            "spun_flagged": sum(p.label == "spun" for p, _ in tgt),
            "mt_flagged": sum(p.label == "machine_translated" for p, _ in tgt),
            "clusters": len({p.cluster for p, _ in tgt}),
            "sites": len({_site(p.url) for p, _ in tgt}),
            "targets_with_it": sum(p.label in TARGETS for p, _ in hit),
            "honest_with_it": sum(p.label in HONEST for p, _ in hit),
            "honest_flagged": sum(p.label in HONEST and level(r, likely, some)[1]
                                  for p, r in hit),
        })
    return out


def loco(rows: list[tuple[Any, Inspection]], likely: float,
         budget: float = 0.03) -> dict[str, Any]:
    """Leave one cluster out on dev: for each cluster, the "some signs" threshold refitted on
    the other clusters (the lowest grid value from ``SOME_FLOOR`` with at most ``budget`` of
    their honest pages flagged), then the held-out cluster counted at it. The in-sample
    numbers use one threshold fitted on every dev cluster; the gap between the two is how
    much the threshold, not the signs, was fitted to the pages it was counted on."""
    clusters = sorted({p.cluster for p, _ in rows})

    def flagged(rs: list[tuple[Any, Inspection]], some: float) -> list[bool]:
        return [level(r, max(likely, some), some)[1] for _, r in rs]

    def fit(rs: list[tuple[Any, Inspection]]) -> float:
        honest = [(p, r) for p, r in rs if p.label in HONEST]
        for g in GRID:
            if g < SOME_FLOOR:
                continue
            if sum(flagged(honest, g)) <= budget * len(honest):
                return g
        return GRID[-1]

    counts = {k: 0 for k in ("spun", "machine_translated", "honest")}
    totals = dict.fromkeys(counts, 0)
    per_cluster = []
    for c in clusters:
        held = [(p, r) for p, r in rows if p.cluster == c]
        g = fit([(p, r) for p, r in rows if p.cluster != c])
        row: dict[str, Any] = {"cluster": c, "some": g}
        for key in counts:
            part = [(p, r) for p, r in held
                    if (p.label in HONEST if key == "honest" else p.label == key)]
            n_flag = sum(flagged(part, g))
            counts[key] += n_flag
            totals[key] += len(part)
            row[key] = [n_flag, len(part)]
        per_cluster.append(row)
    return {"flagged": counts, "n": totals, "per_cluster": per_cluster,
            "signs_held_out": loco_signs(rows, likely,
                                         {r["cluster"]: r["some"] for r in per_cluster})}


SIGN_SUPPORT_SITES = 2  # a sign type counts on a held-out page only when it fires on
# spun or machine-translated pages of this many other sites, in other clusters


def loco_signs(rows: list[tuple[Any, Inspection]], likely: float,
               some_by_cluster: dict[str, float]) -> dict[str, Any]:
    """Leave one cluster out for the signs too: a page of the held-out cluster is scored
    with only the sign types that fire on spun or machine-translated pages of at least
    ``SIGN_SUPPORT_SITES`` sites outside its cluster and outside its own site (the same
    content farm shows up in several clusters), at the threshold refitted without its
    cluster. A sign seen on one dev site is dropped for that site's pages, as it would be
    missing on a new site: this is the count that estimates what carries to new pages."""
    from wiretrace.forensics.intrinsic import core_score, score_evidence

    fired = [(p.cluster, _site(p.url), set(r.by_type)) for p, r in rows
             if p.label in TARGETS]
    counts = {k: 0 for k in ("spun", "machine_translated", "honest")}
    totals = dict.fromkeys(counts, 0)
    dropped: Counter[str] = Counter()
    for p, r in rows:
        key = "honest" if p.label in HONEST else p.label
        if key not in counts:
            continue
        site = _site(p.url)
        sites: dict[str, set[str]] = {}
        for c, s, types in fired:
            if c != p.cluster and s != site:
                for t in types:
                    sites.setdefault(t, set()).add(s)
        kept = [e for e in r.evidence if len(sites.get(e.type, ())) >= SIGN_SUPPORT_SITES]
        score, _ = score_evidence(kept)
        g = some_by_cluster[p.cluster]
        flag = verdict_for(score, core_score(kept), max(likely, g), g) != VERDICTS[2]
        counts[key] += flag
        totals[key] += 1
        if key != "honest" and level(r, max(likely, g), g)[1] and not flag:
            dropped.update({e.type for e in r.evidence} - {e.type for e in kept})
    # most lost first, ties by name: a set's order (the hash seed) must not reorder the file
    lost = sorted(dropped.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"flagged": counts, "n": totals, "support_sites": SIGN_SUPPORT_SITES,
            "lost_for_want_of_support": dict(lost)}


def run(articles: list[Article]) -> list[Inspection]:
    return [inspect(a) for a in articles]


def rates(results: list[Inspection], likely: float, some: float) -> dict[str, Any]:
    """Share flagged "likely" and at least "some", and how often each evidence type fired."""
    n = max(1, len(results))
    fired: Counter[str] = Counter()
    for r in results:
        fired.update({e.type for e in r.evidence})
    return {
        "n": len(results),
        "likely": sum(level(r, likely, some)[0] for r in results) / n,
        "some_or_more": sum(level(r, likely, some)[1] for r in results) / n,
        "types": {t: round(c / n, 4) for t, c in sorted(fired.items())},
    }


def fit(clean: dict[str, list[Inspection]]) -> tuple[float, float]:
    """Lowest thresholds whose false-alarm rate is within bounds on every clean set."""

    def lowest(limit: float, floor: float = 0.0) -> float:
        for t in (g for g in GRID if g >= floor):
            if all(sum(r.score >= t and r.core >= CORE_MIN for r in rs) / max(1, len(rs))
                   <= limit
                   for rs in clean.values()):
                return t
        return GRID[-1]

    return (lowest(MAX_FALSE_ALARMS["likely"], LIKELY_FLOOR),
            lowest(MAX_FALSE_ALARMS["some"], SOME_FLOOR))


def examples(results: list[Inspection], k: int = 5) -> list[dict[str, Any]]:
    """The highest-scoring clean originals, with their evidence: what the false alarms are."""
    top = sorted(results, key=lambda r: -r.score)[:k]
    return [
        {
            "id": r.article.id,
            "score": r.score,
            "evidence": [f"{e.type}: {e.note} {list(e.words)[:3]}"[:200] for e in r.evidence],
        }
        for r in top
        if r.score > 0
    ]


def evaluate_split(split: str, reuters: list[Article]) -> dict[str, Any]:
    t0 = time.perf_counter()
    ds = build_dataset(split=split)
    clean = {
        "ecb+": run([as_page(a) for a in ds.originals]),
        "reuters": run([as_page(a) for a in reuters]),
    }
    copies: dict[str, list[Inspection]] = {}
    for d in ds.copies:
        copies.setdefault(d.kind, []).append(inspect(as_user_would(d.copy)))
    print(f"{split}: inspected {sum(map(len, clean.values())) + len(ds.copies)} articles "
          f"in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return {"split": split, "dataset": ds.key, "clean": clean, "copies": copies}


def summarise(res: dict[str, Any], likely: float, some: float) -> dict[str, Any]:
    return {
        "split": res["split"],
        "dataset": res["dataset"],
        "clean": {k: rates(v, likely, some) for k, v in res["clean"].items()},
        "copies": {k: rates(v, likely, some) for k, v in sorted(res["copies"].items())},
        "false_alarm_examples": {k: examples(v) for k, v in res["clean"].items()},
    }


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _frac(k: int, n: int) -> str:
    return f"{k} ({100 * k / n:.0f}%)" if n else "-"


def render_generalization(rw: dict[str, Any]) -> list[str]:
    """The dev split's leave-one-cluster-out counts and the spread of each sign type."""
    if "loco" not in rw:
        return []
    lo = rw["loco"]
    f, n = lo["flagged"], lo["n"]
    lines = [
        "### How far the dev numbers carry (dev split only)",
        "",
        "Leave one cluster out: the \"some signs\" threshold refitted on the other dev "
        "clusters (lowest with at most 3% of their honest pages flagged), the held-out "
        f"cluster counted at it: spun {_frac(f['spun'], n['spun'])}, machine-translated "
        f"{_frac(f['machine_translated'], n['machine_translated'])}, honest "
        f"{_frac(f['honest'], n['honest'])} with \"some signs\" or more. The signs "
        "themselves were designed looking at every dev cluster, which no refit undoes; "
        "the spread below shows which were fitted to one site or one cluster.",
        "",
    ]
    sh = lo.get("signs_held_out")
    if sh:
        fs, ns = sh["flagged"], sh["n"]
        lost = ", ".join(f"{t} {k}" for t, k in sh["lost_for_want_of_support"].items())
        lines += [
            "Leave one cluster out for the signs too (the estimate of what carries to new "
            "pages): each held-out page scored with only the sign types that fire on spun or "
            f"machine-translated pages of at least {sh['support_sites']} sites outside its "
            "cluster and its own site, at the refitted threshold: spun "
            f"{_frac(fs['spun'], ns['spun'])}, machine-translated "
            f"{_frac(fs['machine_translated'], ns['machine_translated'])}, honest "
            f"{_frac(fs['honest'], ns['honest'])}. Flagged pages lost that way, by the sign "
            f"types they lost: {lost or 'none'}.",
            "",
        ]
    lines += [
        "| sign type | spun flagged | MT flagged | clusters | sites | copies with it | "
        "honest with it | honest flagged |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for x in rw["spread"]:
        lines.append(f"| {x['type']} | {x['spun_flagged']} | {x['mt_flagged']} | "
                     f"{x['clusters']} | {x['sites']} | {x['targets_with_it']} | "
                     f"{x['honest_with_it']} | {x['honest_flagged']} |")
    return [*lines, ""]


def render(summary: dict[str, Any]) -> str:
    th = summary["thresholds"]
    lines = [
        "# Intrinsic signs of a disguised copy (`wiretrace inspect`)",
        "",
        "`bench/intrinsic_eval.py`. Each article is judged alone, with no source at hand. "
        "Clean originals: the split's ECB+ articles (half stamped with a wire credit) and a "
        f"sample of {summary['reuters_n']} Reuters-21578 stories (dev and test samples are "
        "disjoint). Copies: the benchmark's derived copies of the split, read as a user's "
        "file would be. Every article goes through the plain-text reader first.",
        "",
        *([f"Page texts: {summary['pages_note']}", ""] if summary.get("pages_note") else []),
        f"Verdict thresholds (calibration v{th['version']}): score >= {th['likely']} is "
        f"\"likely disguised copy\", >= {th['some']} \"some signs\"; fitted on "
        f"{th['fitted_on']}. The budget: at most 3% of honest real pages (originals, "
        "republications, independent reports) with \"some signs\".",
        "",
    ]
    for rw in summary.get("realworld", []):
        lines += [
            f"## Real-world pages, {rw['split']} split",
            "",
            "| label | pages | likely copy | some signs or more | English pages | likely | "
            "some signs or more |",
            "|---|---|---|---|---|---|---|",
        ]
        t = rw["table"]
        for lab in (*REALWORLD_LABELS, "honest"):
            a = t[f"{lab}/all"]
            e = t.get(f"{lab}/en")
            row = f"| {lab} | {a['n']} | {_frac(a['likely'], a['n'])} | " \
                  f"{_frac(a['some_or_more'], a['n'])} |"
            row += (f" {e['n']} | {_frac(e['likely'], e['n'])} | "
                    f"{_frac(e['some_or_more'], e['n'])} |" if e else " | | |")
            lines.append(row)
        iv = rw.get("intervals") or {}
        if any(iv.values()):
            lines += ["", "95% intervals of the \"some signs or more\" share, clusters drawn "
                      "with replacement (2,000 draws): " + "; ".join(
                          f"{k.replace('_', '-')} {v[0]:.0%}–{v[1]:.0%}"
                          for k, v in iv.items() if v) + "."]
        lines += ["", "Honest = original + republication + independent. Flagged spun/MT pages:",
                  ""]
        for x in rw["flagged"]:
            lines.append(f"- {x['label']} `{x['url']}` {x['score']}: "
                         + ", ".join(x["signs"]))
        lines += ["", "Missed spun/MT pages:", ""]
        for x in rw["missed"]:
            lines.append(f"- {x['label']} ({x['language']}) `{x['url']}` {x['score']}"
                         + (": " + ", ".join(x["signs"]) if x["signs"] else ""))
        lines += ["", "False alarms on honest pages:", ""]
        for x in rw["false_alarms"] or [{"url": "none", "label": "", "score": "",
                                         "signs": {}}]:
            lines.append(f"- {x['label']} `{x['url']}` {x['score']}"
                         + (": " + ", ".join(x["signs"]) if x["signs"] else ""))
        lines.append("")
        lines += render_generalization(rw)
    lines += [
        "## False alarms on clean originals (synthetic benchmark)",
        "",
        "| split | set | articles | likely copy | some signs or more |",
        "|---|---|---|---|---|",
    ]
    for s in summary["splits"]:
        for name, r in s["clean"].items():
            lines.append(f"| {s['split']} | {name} | {r['n']} | {_pct(r['likely'])} | "
                         f"{_pct(r['some_or_more'])} |")
    if summary.get("pages"):
        r = summary["pages"]
        lines.append(f"| - | real HTML pages (extraction set) | {r['n']} | {_pct(r['likely'])} "
                     f"| {_pct(r['some_or_more'])} |")
    lines += [
        "",
        "## Detection on derived copies (synthetic benchmark)",
        "",
        "| split | kind | copies | likely copy | some signs or more |",
        "|---|---|---|---|---|",
    ]
    for s in summary["splits"]:
        for kind, r in s["copies"].items():
            mark = "**" if kind in TARGETS else ""
            lines.append(f"| {s['split']} | {mark}{kind}{mark} | {r['n']} | {_pct(r['likely'])} | "
                         f"{_pct(r['some_or_more'])} |")
    types = sorted({t for s in summary["splits"] for grp in ("clean", "copies")
                    for r in s[grp].values() for t in r["types"]})
    lines += [
        "",
        "## How often each sign fires (share of articles with at least one)",
        "",
        "| split | set | " + " | ".join(types) + " |",
        "|---|---|" + "---|" * len(types),
    ]
    for s in summary["splits"]:
        rows = [*s["clean"].items(), *((k, v) for k, v in s["copies"].items() if k in TARGETS)]
        for name, r in rows:
            lines.append(f"| {s['split']} | {name} | "
                         + " | ".join(_pct(r["types"].get(t, 0.0)) for t in types) + " |")
    lines += ["", "## Highest-scoring clean originals (what the false alarms are)", ""]
    for s in summary["splits"]:
        for name, exs in s["false_alarm_examples"].items():
            for ex in exs[:3]:
                lines.append(f"- {s['split']} {name} `{ex['id']}` score {ex['score']}: "
                             + "; ".join(ex["evidence"][:4]).replace("|", "/"))
    lines += ["", summary.get("notes", "")]
    return "\n".join(lines).rstrip() + "\n"


NOTES = """## Reading these numbers

- Real pages first: the signs tuned on the seed page and on generated copies found almost
  nothing on real spun pages (0 of 22), so version 2 added signs read against word statistics
  of clean news (``bench/build_wordstats.py``: Reuters-21578 and ECB+ dev counts, WordNet
  synonyms, a list of the spinner swaps WordNet lacks): word pairs news never writes one
  synonym away from a pair it always writes, the spinner's words and its verbs for "said",
  common words capitalised inside names, "Mr." mixed with "Mr", accent variants, a stray
  lower-case "i", a bare surname beside an introduced person.
- Version 3 (real-world dev split, before -> after: spun 7 -> 9 of 15 "some signs" or more,
  machine-translated 4 -> 5 of 15, honest pages 6 -> 3 of 204; test split before: spun 1 of
  10, machine-translated 2 of 13, honest 6 of 148, after: the tables above) reads the
  spinner as a habit: everyday words and phrases news writes far more often one way ("before"
  105 times as often as "earlier than", "in the" 49 times as often as "within the", "still",
  "one of the", "has been" against "nonetheless", "one of many", "has actually been"), counted
  when a text prefers the spinner's form for three of them or more; a paraphrasing tool's
  rotation of verbs for "said" ("stated", "claimed", "remarked", "indicated": three or more,
  more than "said"); a sentence with no verb at all (verb forms from WordNet, shipped as a
  word list). It also drops honest pages' false alarms that dev showed: a recurring dropped
  letter (Bejing) weighs as a typo, not a transliteration (Brinken); "Mr Putin" all through
  an excerpt is house style; icon labels; a title before a first name ("Chair Jimmy"); a bare
  name beside a place ("Orange County and Ventura"). Weights and the verdict thresholds were
  chosen on the real-world dev split; the test split was run once, at the end.
- Version 4 (issue 14: the version-3 signs were fitted to dev pages' particular marks and
  found 1 of 10 spun and 2 of 13 machine-translated test pages, with 6 of 148 honest test
  pages flagged) adds signs read against clean news rather than lists of phrases seen on
  dev pages, and changes what a verdict may rest on:
  - *news register* (supporting only): three habits of a rewriting tool — verbs of saying
    that clean news writes at least 200 times less often than "said" (which ones is read
    from the counts: "stated", "revealed", "stressed"...) against "said", as a binomial
    tail; distinct words news writes at least 10 times less often than a synonym of their
    first WordNet sense ("journey" for *trip*), per 100 words; sentences opened by a
    connective ("Additionally,") — each scored by the share of 4,000 clean Reuters-21578 /
    ECB+ dev texts (first 2,500 characters) that measure as much; half the summed
    surprisal beyond 4 is the weight, at most 1.0. It separates the dev spun pages from
    clean news (9 of 17 beyond 3.5, against 6 of 202 honest pages in the first sketch) but
    honest writers of a chattier style reach it too — a pop-culture report in the new dev
    cluster did, on its own — so it adds to a score and never makes a verdict;
  - *impossible passive*: "were remained" — a participle whose verb WordNet never gives an
    object and which clean news, writing it often, never put after "be" (9 participles;
    0 of 1,535 clean dev texts, 0 of 214 honest real dev pages);
  - *bare day date*: "on the 18th" with no month, as Japanese, Chinese and Korean news date
    events and translations from them keep it (1 of 1,535 clean dev texts, 0 honest pages);
  - *core rule*: signs honest pages carry as often as copies (chrome, credits, a named
    source, the register) and a hurried writer's slips (a doubled word, an accent dropped
    once, a name misspelt once) add to a score but give no verdict alone (core score at
    least 0.5 needed): on dev these made all three version-3 honest false alarms.
  Tried on dev and dropped, as no better than chance against honest pages: word pairs
  unseen in news although their words are frequent (the independence estimate flags
  grammatical news too), every rare-synonym swap (WordNet's other senses: *orbit* ->
  *area*), near-duplicate sentences, broken curly quotation marks, words news always
  follows with one word ("according the"). The dev set gained a cluster (the Astroworld
  crowd surge, 11 pages, one paraphrase-tool copy) checked with version 4 before any
  change for it. Real-world dev (with the new cluster) before -> after: spun 10 -> 11 of
  18, machine-translated 7 -> 7 of 18, honest 3 -> 0 of 214, rewritten 1 -> 0 of 43;
  thresholds unchanged (2.0 / 1.0). The version-3 phrase lists (``SPINNER_SWAPS``,
  ``SPINNER_PHRASES``) stay: they came partly from dev pages.
- Test split, run once when version 4 was done: honest pages 6 -> 0 of 148 flagged (the
  budget of 3% met), but detection did not move: spun 1 of 10, machine-translated 2 of 13,
  the same three pages as version 3 (goals 60% and 60%: far from met). The missed test
  copies are fluent paraphrases and translations whose first screen has none of these
  marks (scores 0 to 0.5); one rewritten page is now flagged ("stated" with no "said",
  and the register). The dev/test gap is the size of the sets as much as fitting: a sign
  that fires on one dev page in twenty is invisible on ten test pages.
- Version 5 (issue 14, second pass). First, how far dev numbers carry: the dev section now
  gives a leave-one-cluster-out count (the "some signs" threshold refitted on the other dev
  clusters, the left-out cluster counted) and, per sign type, how many clusters and sites
  its flagged copies come from. Before any change: in-sample spun 11, MT 7, honest 0;
  leave-one-cluster-out spun 11, MT 7, honest 1 (every refit chose 0.75, the floor: the
  threshold is not what overfits). The spread is: fragments (MT: 4 clusters, 6 sites, no
  honest page), the spinner's words and verbs for "said" and broken collocations (spun: 4-5
  clusters each) and the register carry across clusters; "Mr."/"Mr", "&", "were remained",
  "on the 18th", miscased words and the seed's signs each flag one site of one cluster —
  those are the dev pages' own marks, and the test gap (1 of 10 spun, 2 of 13 MT in version
  4) is what they were worth on new pages. Tried on dev and dropped (numbers on English dev
  pages):
  - word pairs unseen in clean news and in general English (symspellpy's Google Books
    bigrams) though both words are common: AUC against honest pages 0.63 for spun, 0.28 for
    MT — the 1987 wire sample lacks modern news wording, so topic words dominate;
  - words general English writes far more than clean news ("bookish" wording): AUC 0.43 /
    0.35, topic again; the register's rare synonyms restricted to words general English also
    writes less than their synonym: AUC 0.83 -> 0.84 for spun, no change in what is flagged;
  - broken collocations built from the Google Books bigrams as well as news (90,000 more
    pairs): 7 honest pages against 1 spun page;
  - a compound turned into a prepositional phrase ("officials in health"), words news
    always follows with one word ("according the"), "a"/"an" before the wrong sound, "did"
    before a past form ("did shook"), foreign function words between English words, a
    pronoun of the other gender for one named person (1 MT page against 6 honest pages):
    each fired on at most one copy;
  - re-weighting existing signs so that one strong broken collocation, one common word in
    a name or one verbless sentence makes "some signs": no real dev copy gained, and clean
    Reuters false alarms rose from 0.4% to 1.3-1.8%.
  Added, as marks of translation and scraping rather than of wording: guillemets or a low
  opening mark in English prose (2 honest republications of a Spanish agency carry them too:
  0.5, never a verdict alone), a drop cap stuck to a word ("LThe") or a name broken by a dot
  ("S.hireen" beside "Shireen"), sentence after sentence opening "According to" (three in a
  first screen are 1 in 4,000 clean texts; and a tenth of the sentences, since a long feature
  does it now and then), and, as slips that add to a score but make no verdict, a quotation
  opened twice in one paragraph and one sentence written twice with a word changed ("aircraft"
  / "air"). And the paraphraser's rotation of verbs for "said" now counts at two different
  verbs ("claimed" ... "stated", more than "said") as well as at three uses: no honest dev
  page and no clean Reuters text does it; one clean ECB+ article wrote "claimed" twice,
  which is why two uses must be two verbs. Real-world dev before -> after: spun 11 -> 12 of
  18, MT 7 -> 9 of 18, honest 0 -> 0 of 214, rewritten 0 -> 0 of 43; ECB+ and Reuters clean
  originals unchanged (0.2% / 0.4% "some signs"); thresholds kept (2.0 / 1.0). Each gain is
  one dev page (one cluster, one site), found by reading the missed dev pages, so left out
  with its cluster none of them would have been chosen: counted leave-one-cluster-out for the
  design as well as the threshold, version 5 finds what version 4 did (spun 11, MT 7), and
  the spread table counts the new signs as one-page signs. The earlier note's
  "near-duplicate sentences, broken curly quotation marks" (dropped in version 4) were
  broader rules; these are narrower and the open-twice one only a slip.
- Test split, run once when version 5 was done: spun 1 -> 2 of 10, machine-translated
  2 -> 2 of 13, honest 0 -> 0 of 148, rewritten 1 -> 1 of 29 (goals 60% and 60%: still far
  from met). The one new page is a spun copy flagged by sentences opening "According to"
  alone; a second spun page opened three sentences so (0.75, under the "some signs" score on
  its own), and three spun pages carry a quotation opened twice, a slip that adds to a score
  but makes no verdict. No honest test page was flagged. The synthetic tables are
  unchanged, including the ECB+ test topics' 5.1% "some signs" that version 4 already had.
- Version 6 (issue 14, third pass; dev only, the test split not run). First, a stricter
  estimate of what carries: leave one cluster out *for the signs too* — each held-out page
  scored with only the sign types that fire on spun or machine-translated pages of at least
  two sites outside its cluster and its own site (the same content farm shows up in several
  clusters). Before any change (with the new Moskva cluster: 3 spun pages): in-sample spun
  12 of 21, MT 9 of 18, honest 0 of 224; leave-one-cluster-out 12 / 9 / 2; signs held out
  too 8 / 6 / 1 — the pages lost are those flagged by one-site signs ("Mr."/"Mr", "were
  remained", "According to" openers, "&", a drop cap, guillemets, "on the 18th"). Tried on
  dev and dropped (no separation from honest pages, as version 5 found for their
  relatives): word pairs explained by one WordNet swap from a news or Google Books pair
  (honest 97th percentile 5.9 per 100 pairs, spun median 3.2), words with a WordNet synonym
  30 times as common in news and in general English (spun median 5, honest 90th percentile
  5), sentences opening with a fronted attribution ("An official reported that"), reported
  speech without "said", a verbless sentence read with nouns after determiners. Added:
  two spinner forms suffice in a teaser of 50 to 150 words (no honest dev page and no
  clean dev text that short prefers two; the shortest clean one that does has 318 words),
  and a sentence written twice with two or more of its common words swapped and nothing
  else changed (a scraper's copy that kept the source's sentence above its spun rendering;
  grammar edits such as "with ... reporting" -> "as ... reported" and inflections do not
  count: 0 of 1,535 clean dev texts, 0 honest dev pages, 0 of 181 extraction pages).
  Real-world dev before -> after: spun 12 -> 14 of 21, MT 9 -> 9 of 18, honest 0 -> 0 of
  224; leave-one-cluster-out 12 -> 14 / 9 -> 9 / 2 -> 2; signs held out too 8 -> 9 / 6 -> 6
  / 1 -> 1 (the rewording sign is seen on one dev site so far, so it does not count there);
  ECB+ and Reuters clean dev originals unchanged (0.2% / 0.4%); thresholds kept.
- Version 7 (issue 14, fourth pass; dev only, the test split not run). The page-text folder
  was lost and rebuilt (494 of 586 labelled pages; dev now has 18 spun, 14 machine-translated
  and 190 honest pages with a text, against 21 / 18 / 224 before), so the before numbers
  below are version 6 re-run on the rebuilt folder, like with like. Before any change:
  spun 12 of 18, MT 8 of 14 (8 of 11 English), honest 0 of 190; leave-one-cluster-out
  12 / 8 / 2; signs held out too 8 / 5 / 1; ECB+ and Reuters clean dev 0.2% / 0.4%. The
  missed dev MT pages: three Portuguese one-way translations (fluent; the text signs read
  English only) and three fluent English ones. Added, as conventions of another language's
  news that a translation keeps, each 0.5 (no verdict alone) and each silent on all 190
  honest dev pages and on the 1,535 clean ECB+/Reuters dev texts:
  - *number format*: a count of thousands with no separator before a unit or count noun
    ("1300 kilometers"; not after a capitalised word, "Route 1300", nor a year, "in 2006
    dollars") — 3 of another 10,760 Reuters-21578 texts (1987 wire copy) write one; and a
    decimal comma ("3,5 million"), in none. Fires on 2 MT pages (two sites, one cluster)
    and on 2 of the 181 extraction pages (neither flagged);
  - *bracketed direction*: a compass point in brackets after a place ("Kunming
    (southwest)"), French and Spanish agency style; 0 of 12,295 clean texts; 1 MT page;
  - *calques*: Spanish and Portuguese phrasing word for word ("the past Monday", "in
    statements to", "President of the Government", "the night of Tuesday", "Monday (9)");
    in no clean text, no honest page and no real dev copy, but on 12.5% of the benchmark's
    Apertium round trips through Spanish and Catalan (and 1.7% of its corrupted copies):
    a mark of translation learnt from the languages, not from dev pages.
  Tried and dropped: a pronoun that changes gender from one sentence to the next ("His
  death ... She reported", a Spanish "su" rendered wrong): 1 MT page (already flagged)
  against 2 honest pages (an obituary's "He was not far off. She ...", the husband of the
  paragraph before), as version 5 found for its relative; "its" before a person's relative
  or colleague (Reuters writes "its lawyers", "its sister agency"); a sentence with no
  subject ("Was arrested ..."; 88 clean Reuters texts); "this Monday", "It is said that",
  "President of the Republic", "North American" for the United States, European thousands
  dots ("31.000 feet": an honest page quotes a tracker's tweet so). Real-world dev (rebuilt
  folder) before -> after: spun 12 -> 12 of 18, MT 8 -> 9 of 14 (English 8 -> 9 of 11),
  honest 0 -> 0 of 190, rewritten 0 -> 0 of 40; leave-one-cluster-out 12 -> 12 / 8 -> 9 /
  2 -> 2; signs held out too 8 -> 8 / 5 -> 5 / 1 -> 1 (the page gained rests on two
  signs seen in one dev cluster, so it does not count there); ECB+ and Reuters clean dev
  originals unchanged (0.2% / 0.4%); the synthetic MT copies 35.9% -> 37.8% "some signs";
  thresholds kept (2.0 / 1.0).
- Fluent paraphrasing tools and fluent machine translation (the most common kinds of real
  copy here) leave few marks a reader can point to in the first 2,000 characters; tracing
  against a store is what finds those copies. Pronoun and gender flips are not detected,
  and literally translated phrasing only for a few Spanish and Portuguese calques.
- Pages in other languages get only the page-level signs (chrome, sources, markers): the
  text signs read English prose, so one-way translations into Portuguese or Spanish are
  not found by inspection.
- The seed page (a Google-style English -> Japanese -> English round trip) shows every sign
  at once. Apertium round trips (Spanish, Catalan) keep sentence boundaries and names
  intact; the synthetic spinner (WordNet synonyms) is what the collocation sign catches
  best, and its synthetic numbers are no promise for real spinners.
- Headline-versus-slug and HTML markers cannot fire on the benchmark (copies are read as
  plain text with no URL); the real-page row shows what they cost on honest sites.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--reuters", type=int, default=1000, help="Reuters stories per split")
    parser.add_argument("--fit", action="store_true",
                        help="fit the thresholds on dev and print them (paste into CALIBRATION)")
    parser.add_argument("--no-pages", action="store_true", help="skip the real HTML pages")
    parser.add_argument("--rw-split", choices=["dev", "test", "both", "none"], default="dev",
                        help="real-world split(s) to inspect (test: once, at the end)")
    parser.add_argument("--pages", type=Path,
                        default=Path(os.environ.get("WIRETRACE_REALWORLD_PAGES",
                                                    ROOT.parent / "realworld-pages")),
                        help="folder of real-world page texts (see bench/realworld/README.md)")
    parser.add_argument("--out", type=Path, default=OUT / "intrinsic",
                        help="output path without suffix (.md and .json are written); "
                        "default bench/results/intrinsic")
    parser.add_argument("--pages-note", default="",
                        help="a line on the page-text folder, printed in the results header")
    args = parser.parse_args(argv)
    if not (DATA / "ecbplus" / "articles.jsonl").exists():
        print(f"{DATA}: data folder not found (see ../shared/data/README.md)", file=sys.stderr)
        return 2
    samples = reuters_samples(args.reuters)
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    raw = {s: evaluate_split(s, samples[s]) for s in splits}
    likely, some = CALIBRATION["likely"], CALIBRATION["some"]
    if args.fit:
        if "dev" not in raw:
            print("--fit needs the dev split", file=sys.stderr)
            return 2
        likely, some = fit(raw["dev"]["clean"])
        print(f"fitted on dev: likely >= {likely}, some >= {some} "
              f"(CALIBRATION has {CALIBRATION['likely']}, {CALIBRATION['some']})",
              file=sys.stderr)
    summary: dict[str, Any] = {
        "format": "wiretrace.bench.intrinsic/1",
        "thresholds": {**CALIBRATION, "likely": likely, "some": some},
        "reuters_n": args.reuters,
        "splits": [summarise(raw[s], likely, some) for s in splits],
        "notes": NOTES,
    }
    rw_splits = {"none": [], "both": ["dev", "test"]}.get(args.rw_split, [args.rw_split])
    if rw_splits and args.pages.is_dir():
        summary["realworld"] = []
        for sp in rw_splits:
            rows = realworld(sp, args.pages)
            rw = {"split": sp, **realworld_summary(rows, likely, some)}
            if sp == "dev":  # how far the dev numbers carry: never computed on test
                rw["loco"] = loco(rows, likely)
                rw["spread"] = sign_spread(rows, likely, some)
            summary["realworld"].append(rw)
            for key, r in rw["table"].items():
                print(f"realworld {sp:4s} {key:26s} n={r['n']:4d} likely={r['likely']:3d} "
                      f"some={r['some_or_more']:3d}", file=sys.stderr)
    elif rw_splits:
        print(f"{args.pages}: no real-world page texts; skipping them", file=sys.stderr)
    if not args.no_pages:
        pages = extraction_pages()
        if pages:
            pr = run(pages)
            summary["pages"] = rates(pr, likely, some)
            summary["pages_examples"] = examples(pr)
    for s in summary["splits"]:
        for name, r in s["clean"].items():
            print(f"{s['split']:5s} clean {name:8s} n={r['n']:5d} likely={_pct(r['likely'])} "
                  f"some={_pct(r['some_or_more'])} {r['types']}", file=sys.stderr)
        for kind, r in s["copies"].items():
            print(f"{s['split']:5s} copy  {kind:18s} n={r['n']:4d} likely={_pct(r['likely'])} "
                  f"some={_pct(r['some_or_more'])} {r['types']}", file=sys.stderr)
    if "pages" in summary:
        r = summary["pages"]
        print(f"pages n={r['n']} likely={_pct(r['likely'])} some={_pct(r['some_or_more'])} "
              f"{r['types']}", file=sys.stderr)
    if args.pages_note:
        summary["pages_note"] = args.pages_note
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(render(summary), encoding="utf-8")
    print(f"wrote {out.with_suffix('.md')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
