"""Load the benchmark's originals (ECB+ and Reuters-21578) as :class:`~wiretrace.data.Article`.

ECB+ comes one sentence a line; each sentence becomes its own paragraph and its own passage,
so the gold sentence units of every derived copy are the corpus's own sentences rather than
the output of a segmenter that may change. The ``…ecbplus`` half opens with a headline and
often a date line, and a quarter of the older half with a headline: these go to ``title`` and
``meta["dateline"]``, not into the body.

ECB+ carries no wire credits (its datelines were stripped), so :func:`with_wire_credit` can
stamp one on an original: without it "credit removed" could never be planted.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

from wiretrace.bench.paths import default_data_dir
from wiretrace.data import Article, Passage

SPLITS: dict[str, tuple[int, int]] = {"dev": (1, 25), "test": (26, 35)}
WIRE_CREDITS: dict[str, str] = {"AP": "(AP) \u2014 ", "Reuters": "(Reuters) - ", "AFP": "(AFP) - "}

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split()
    )
}
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_HINT = re.compile(
    r"(?i)\b(?:posted|published|updated|last updated)\b|\b\d{1,2}\s?:\s?\d{2}\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
    rf"\b{_MONTH_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_RE}\b"
)
_MDY = re.compile(rf"(?i)\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")
_DMY = re.compile(rf"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE}),?\s+(\d{{4}})\b")
_US_NUMERIC = re.compile(r"\b(\d{1,2})\s?/\s?(\d{1,2})\s?/\s?(\d{4})\b")


def split_of(topic: int) -> str:
    """``"dev"`` for ECB+ topics 1-25, ``"test"`` for 26-35."""
    for name, (lo, hi) in SPLITS.items():
        if lo <= topic <= hi:
            return name
    raise ValueError(f"ECB+ topic {topic} is in no split (expected 1-35)")


def _passages(lines: list[str]) -> tuple[str, list[Passage]]:
    """Join sentences as paragraphs and return the text with one passage per sentence."""
    parts: list[str] = []
    passages: list[Passage] = []
    pos = 0
    for line in lines:
        if parts:
            pos += 2
        passages.append(Passage(index=len(passages), start=pos, end=pos + len(line), text=line))
        parts.append(line)
        pos += len(line)
    return "\n\n".join(parts), passages


def article_from_sentences(article_id: str, sentences: list[str], **fields) -> Article:
    """An article with one sentence per paragraph and per passage (tests, handmade sources)."""
    text, passages = _passages([s.strip() for s in sentences if s.strip()])
    return Article(id=article_id, text=text, passages=passages, **fields)


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    return next(n for m, n in _MONTHS.items() if m.startswith(name[:3]))


def _parse_date(line: str) -> str | None:
    """An ISO date from a header line such as "May 03, 2013" or "9 September 2013 11: 55"."""
    m = _MDY.search(line)
    if m:
        month, day, year = _month(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _DMY.search(line)
        if m:
            day, month, year = int(m.group(1)), _month(m.group(2)), int(m.group(3))
        else:
            m = _US_NUMERIC.search(line)
            if not m:
                return None
            month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        return None


_DATE_WORDS = re.compile(
    rf"(?i)^(?:{_MONTH_RE}|mon|tue|wed|thu|fri|sat|sun|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"posted|published|updated|last|first|on|at|am|pm|a\.m\.|p\.m\.|gmt|utc|bst|est|edt|et|pst|"
    r"pdt|ist|cet|hrs|by|and|of|the|st|nd|rd|th)\W*$"
)


def _is_date_line(line: str) -> bool:
    """A short header line made of a date or time and little else ("Posted: May 3, 2013")."""
    if len(line) > 120 or not _DATE_HINT.search(line):
        return False
    other = [w for w in line.split() if re.search(r"[A-Za-z]", w) and not _DATE_WORDS.match(w)]
    return len(other) <= 3


def _is_headline(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 160 or _is_date_line(s):
        return False
    return not s.endswith((".", ":", ",")) or s.isupper()


def _split_header(lines: list[str]) -> tuple[str | None, list[str], list[str]]:
    """(title, date lines, body lines) of an ``…ecbplus`` text: headline and date lines lead."""
    title: str | None = None
    dates: list[str] = []
    i = 0
    while i < min(len(lines), 3):
        line = lines[i].strip()
        if _is_date_line(line):
            dates.append(line)
        elif title is None and _is_headline(line):
            title = line
        else:
            break
        i += 1
    return title, dates, lines[i:]


def ecb_article(rec: dict) -> Article:
    """One ECB+ record as an :class:`Article` (one passage per corpus sentence)."""
    lines = [ln.strip() for ln in rec["text"].split("\n") if ln.strip()]
    title: str | None = None
    dates: list[str] = []
    # Both halves may open with a headline (the ``…ecbplus`` half also with date lines).
    title, dates, body = _split_header(lines)
    if body:
        lines = body
    else:
        title, dates = None, []
    text, passages = _passages(lines)
    url = rec.get("url")
    site = urlparse(url).netloc.removeprefix("www.") if url else None
    published = next((d for d in map(_parse_date, dates) if d), None)
    return Article(
        id=rec["id"],
        text=text,
        url=url,
        site=site,
        title=title,
        published=published,
        language="en",
        meta={
            "corpus": "ecb+",
            "topic": int(rec["topic"]),
            "event": str(rec["event"]),
            "dateline": " | ".join(dates) or None,
        },
        passages=passages,
    )


def load_ecbplus(data_dir: Path | str | None = None, split: str | None = None) -> list[Article]:
    """ECB+ articles in file order; ``split`` ("dev" or "test") keeps that split's topics."""
    path = Path(data_dir or default_data_dir()) / "ecbplus" / "articles.jsonl"
    if not path.exists():
        raise FileNotFoundError(
            f"ECB+ not found at {path}: pass data_dir or set WIRETRACE_DATA to the shared data"
        )
    if split is not None and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: expected one of {sorted(SPLITS)}")
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            if split is None or split_of(int(rec["topic"])) == split:
                out.append(ecb_article(rec))
    return out


def unwrap_reuters(text: str) -> str:
    """Undo Reuters-21578 line wraps: a line opening with 4 spaces starts a paragraph."""
    paras: list[list[str]] = []
    for line in text.split("\n"):
        if not paras or line.startswith("    "):
            paras.append([])
        if line.strip():
            paras[-1].append(line.strip())
    return "\n\n".join(" ".join(p) for p in paras if p)


def _reuters_date(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return datetime.strptime(raw.strip().split(".")[0], "%d-%b-%Y %H:%M:%S").isoformat()
    except ValueError:
        return None


def reuters_article(rec: dict) -> Article:
    return Article(
        id=rec["id"],
        text=unwrap_reuters(rec.get("text") or ""),
        title=rec.get("title") or None,
        published=_reuters_date(rec.get("date")),
        language="en",
        site="reuters",
        meta={
            "corpus": "reuters21578",
            "topics": list(rec.get("topics") or []),
            "dateline": rec.get("dateline"),
        },
    )


def iter_reuters(
    data_dir: Path | str | None = None, ids: set[str] | None = None, min_chars: int = 1
) -> Iterator[Article]:
    """Reuters-21578 stories with text of at least ``min_chars``; only ``ids`` when given."""
    path = Path(data_dir or default_data_dir()) / "reuters21578" / "articles.jsonl.gz"
    if not path.exists():
        raise FileNotFoundError(
            f"Reuters-21578 not found at {path}: pass data_dir or set WIRETRACE_DATA"
        )
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if ids is not None and rec["id"] not in ids:
                continue
            art = reuters_article(rec)
            if len(art.text) >= min_chars:
                yield art


def load_reuters(
    data_dir: Path | str | None = None, ids: list[str] | None = None, min_chars: int = 1
) -> list[Article]:
    """Reuters-21578 stories, in ``ids`` order when ids are given."""
    arts = list(iter_reuters(data_dir, set(ids) if ids is not None else None, min_chars))
    if ids is None:
        return arts
    by_id = {a.id: a for a in arts}
    return [by_id[i] for i in ids if i in by_id]


def with_wire_credit(article: Article, agency: str = "AP") -> Article:
    """A copy of ``article`` whose first sentence opens with a wire credit such as "(AP) — "."""
    credit = WIRE_CREDITS[agency]
    if not article.passages:
        raise ValueError(f"{article.id}: no passages to stamp a credit on")
    lines = [p.text for p in article.passages]
    lines[0] = credit + lines[0]
    text, passages = _passages(lines)
    return replace(
        article,
        text=text,
        passages=passages,
        credits=[*article.credits, agency],
        meta={**article.meta, "wire_credit": credit},
    )
