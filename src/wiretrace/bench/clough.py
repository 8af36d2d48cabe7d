"""Human reuse at graded levels: the Clough & Stevenson short-answer corpus.

Five Wikipedia source texts and 95 short answers written by people, each labelled ``cut``
(copied and pasted), ``light`` (lightly revised), ``heavy`` (paraphrased with the source
open) or ``non`` (written on the same question without the source). Real people made every
change here, none of our generators did, and the ``non`` answers are the hard negatives a
judge must leave alone: the same topic, the same facts, no reused text.

Each answer is traced against a store of the five sources among Reuters-21578 distractors:
a reused answer is *found* when its own task's source is named as its source; a ``non``
answer, or any answer naming another source, is a *false derivation*. Not news, and no
threshold is tuned on it: it is a check of what carries over from news to other human
rewriting. Read from ``../shared/data/clough-stevenson`` (never copied into the project).
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATEGORIES = ("cut", "light", "heavy", "non")
REUSED = ("cut", "light", "heavy")


@dataclass(frozen=True, slots=True)
class Answer:
    file: str
    task: str
    category: str
    text: str


class CloughError(ValueError):
    pass


def read_text(path: Path) -> str:
    """A corpus file's text: UTF-8, else Windows-1252 (a few answers were saved so)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def load(folder: Path) -> tuple[dict[str, str], list[Answer]]:
    """The five source texts by task letter, and every labelled answer."""
    info = folder / "file_information.csv"
    if not info.is_file():
        raise CloughError(f"{folder}: no file_information.csv (the Clough & Stevenson corpus "
                          "is expected in ../shared/data/clough-stevenson)")
    sources: dict[str, str] = {}
    answers: list[Answer] = []
    with info.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), 2):
            try:
                file, task, cat = row["File"].strip(), row["Task"].strip(), row["Category"].strip()
            except (KeyError, AttributeError):
                raise CloughError(f"{info.name}:{n}: expected File, Task and Category") from None
            if cat == "orig":
                continue
            if cat not in CATEGORIES:
                raise CloughError(f"{info.name}:{n}: unknown category {cat!r}")
            answers.append(Answer(file, task, cat, read_text(folder / file)))
    for task in sorted({a.task for a in answers}):
        sources[task] = read_text(folder / f"orig_task{task}.txt")
    return sources, answers


def run_clough(folder: Path, distractors: int = 1000,
               data_dir: Path | None = None) -> dict[str, Any]:
    """Trace every answer against the sources among ``distractors`` Reuters stories, with
    MinHash LSH 0.5 beside it; per category, the share found (reused answers) or derived
    (``non``), and the kinds named."""
    import tempfile

    from wiretrace.align.verbatim import shared_run
    from wiretrace.bench.baselines import MinHashLSHBaseline
    from wiretrace.bench.sources import iter_reuters
    from wiretrace.engine import Wiretrace, prepare
    from wiretrace.ingest.plaintext import page_article

    sources, answers = load(folder)
    src_arts = {t: page_article(text, id=f"clough:orig_task{t}") for t, text in sources.items()}
    pool = []
    for art in iter_reuters(data_dir, min_chars=400):
        pool.append(art)
        if len(pool) >= distractors:
            break
    engine = Wiretrace(Path(tempfile.mkdtemp(prefix="wiretrace-clough-")))
    engine.add([*src_arts.values(), *pool])
    lsh = MinHashLSHBaseline(0.5)
    lsh.index([prepare(a) for a in [*src_arts.values(), *pool]])

    rows = []
    t0 = time.perf_counter()
    for a in answers:
        art = page_article(a.text, id=f"clough:{a.file}")
        res = engine.trace(art)
        named = {r.source_id: r.kind for r in res.relations
                 if r.derived and r.direction != "query_is_source"}
        linked = {r.source_id: r.kind for r in res.relations if r.derived}
        theirs = {u for u, _ in lsh.query(prepare(art), set()).ranked}
        own = src_arts[a.task].id
        run = shared_run(a.text, sources[a.task])
        rows.append({
            "file": a.file, "task": a.task, "category": a.category,
            "found": own in named, "kind": named.get(own),
            # the longest run of words shared word for word with its own source: a "cut"
            # answer with none was copied from elsewhere (the rest of the Wikipedia page)
            "shared_run": run.words if run else 0,
            "false": sorted(u for u in linked if u != own or a.category == "non"),
            "minhash_found": own in theirs,
            "minhash_false": sorted(u for u in theirs if u != own or a.category == "non"),
        })
    engine.store.close()
    return {"generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "distractors": len(pool), "answers": len(answers),
            "trace_seconds": round(time.perf_counter() - t0, 1),
            "table": summarise(rows), "rows": rows}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per category: n, found (reused) or derived (non), false derivations, kinds; for
    wiretrace and MinHash LSH."""
    out: dict[str, Any] = {}
    for cat in CATEGORIES:
        rs = [r for r in rows if r["category"] == cat]
        out[cat] = {
            "n": len(rs),
            "found": sum(r["found"] for r in rs),
            "false": sum(bool(r["false"]) for r in rs),
            "kinds": dict(Counter(r["kind"] for r in rs if r["kind"]).most_common()),
            "minhash_found": sum(r["minhash_found"] for r in rs),
            "minhash_false": sum(bool(r["minhash_false"]) for r in rs),
        }
    return out


def render(res: dict[str, Any]) -> str:
    t = res["table"]

    def frac(k: int, n: int) -> str:
        return f"{k} of {n} ({k / n:.0%})" if n else "–"

    lines = [
        "# Human reuse at graded levels (Clough & Stevenson short answers)", "",
        f"Generated {res['generated']}. `bench/clough_eval.py`: {res['answers']} answers by "
        "people to five questions, traced against the five Wikipedia source texts among "
        f"{res['distractors']} Reuters-21578 distractors. Found = the answer's own source "
        "named as its source; a `non` answer (written without the source) naming any, or an "
        "answer naming another source, is a false derivation. No threshold was tuned on "
        f"this set. Trace time {res['trace_seconds']} s.", "",
        "| category | answers | wiretrace: source found | false derivation | "
        "MinHash LSH 0.5: found | false | kinds named (wiretrace) |",
        "|---|---|---|---|---|---|---|",
    ]
    for cat in CATEGORIES:
        x = t[cat]
        found = frac(x["found"], x["n"]) if cat in REUSED else "–"
        mfound = frac(x["minhash_found"], x["n"]) if cat in REUSED else "–"
        kinds = ", ".join(f"{k} {v}" for k, v in x["kinds"].items()) or "–"
        lines.append(f"| {cat} | {x['n']} | {found} | {frac(x['false'], x['n'])} | {mfound} "
                     f"| {frac(x['minhash_false'], x['n'])} | {kinds} |")
    missed = [r for r in res["rows"] if r["category"] in REUSED and not r["found"]]
    lines += ["", "Reused answers missed, with the longest run of words each shares word for "
              "word with its own source (0: the answer was written from text the source does "
              "not hold): " + (", ".join(
                  f"`{r['file']}` ({r['category']}, {r['shared_run']})" for r in missed)
                  or "none") + ".", ""]
    wrong = [r for r in res["rows"] if r["false"]]
    lines += ["False derivations: " + (", ".join(
        f"`{r['file']}` ({r['category']}) -> {', '.join(r['false'])}" for r in wrong)
        or "none") + ".", ""]
    return "\n".join(lines)
