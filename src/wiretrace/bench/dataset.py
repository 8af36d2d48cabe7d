"""The benchmark data set of one split: originals, derived copies, negatives, distractors.

* **Originals** are every ECB+ article of the split (topics 1-25 dev, 26-35 test): the index
  a system is run against. A seeded share is stamped with a wire credit ("(AP) — ") so that
  copies can drop it; the stamp is independent of whether the article is later used as a
  source, so a credit does not give away which articles have copies.
* **Copies**: for each chosen source (ECB+ articles of at least ``min_sentences`` sentences)
  one copy per kind (or a sample of kinds), see :mod:`wiretrace.bench.derive`. The web-like
  kinds (``derive.REAL_KINDS``) make a copy only of sources that suit them, sometimes two
  (a version chain), and sometimes an article the index must hold for the copy
  (``index_extra``: a teaser, a write-through, a republication).
* **Negatives**: pairs of originals that are not copies of each other. ``same_event`` pairs
  (different outlets reporting one event: independent reports, the hardest case);
  ``same_topic`` pairs (the topic's other event) and ``other_topic`` pairs (unrelated).
  ECB+ also holds real republications of one wire story on several sites: a same-event pair
  where at least half of the shorter article's sentences have a near-identical sentence in
  the other (token Jaccard >= 0.8) is recorded as a ``real_copy`` and kept out of the
  negatives. A same-event pair is an independent report only when it shares little text:
  when more than 10% of either article's word 5-shingles are in the other, the pair goes to
  ``overlapping`` instead, whatever ECB+ says (shared wire paragraphs are reuse).
* **Distractors**: Reuters-21578 ids that fill the index; nothing should be traced to them.

The data set is cached as JSON lines (gzip) under ``~/.cache/wiretrace/bench/<split>-<key>/``
where ``key`` hashes the settings, the input files, the generator code and the Apertium and
WordNet versions: a second call with the same settings loads it (about a second) instead of
rebuilding it. ``content_hash`` hashes the generated records themselves.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wiretrace.bench import derive as _derive
from wiretrace.bench.derive import (
    ALL_KINDS,
    KINDS,
    MT_KINDS,
    REAL_KINDS,
    Derived,
    check,
    corrupted_base,
    derive_real,
    mt_requests,
)
from wiretrace.bench.mt import TranslationCache, apertium_version
from wiretrace.bench.paths import cache_root, default_data_dir
from wiretrace.bench.sources import (
    SPLITS,
    WIRE_CREDITS,
    iter_reuters,
    load_ecbplus,
    with_wire_credit,
)
from wiretrace.data import Article

GENERATOR_VERSION = 1
FORMAT = "wiretrace-bench-dataset/1"
_CODE_FILES = (
    "alter.py", "chrome.py", "dataset.py", "derive.py", "mt.py", "sources.py", "spin.py",
    "units.py", "wordnet.py",
)  # fmt: skip
_WORD = re.compile(r"\w+")
_MEMO: dict[Path, Dataset] = {}


@dataclass(slots=True)
class PairLabel:
    """A negative pair of originals: neither is derived from the other."""

    a_id: str
    b_id: str
    relation: str  # "independent" (same event) | "unrelated"
    group: str  # "same_event" | "same_topic" | "other_topic"


@dataclass(slots=True)
class RealCopy:
    """Two ECB+ originals that are really one story republished (found by sentence overlap)."""

    a_id: str
    b_id: str
    overlap: float  # share of the shorter article's sentences matched in the other
    matched: int
    event: str


@dataclass(slots=True)
class OverlapPair:
    """Two same-event originals sharing too much text to count as independent reports."""

    a_id: str
    b_id: str
    containment_ab: float  # share of a's word 5-shingles found in b
    containment_ba: float
    event: str


@dataclass(slots=True)
class Dataset:
    """One split of the benchmark, with its settings and identity."""

    split: str
    settings: dict[str, Any]
    key: str  # hash of settings + inputs + generator code: the cache key
    content_hash: str  # hash of the generated records
    originals: list[Article]
    source_ids: list[str]
    copies: list[Derived]
    negatives: list[PairLabel]
    real_copies: list[RealCopy]
    distractor_ids: list[str]
    stats: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    # articles indexed for the web-like kinds only (teasers, write-throughs, republications)
    index_extra: list[Article] = field(default_factory=list)
    overlapping: list[OverlapPair] = field(default_factory=list)
    _index: dict[str, Article] = field(default_factory=dict, repr=False, compare=False)

    def article(self, article_id: str) -> Article:
        """An original or an extra index article by id (copies are in ``copies``)."""
        if not self._index:
            self._index = {a.id: a for a in (*self.originals, *self.index_extra)}
        return self._index[article_id]

    def copies_of(self, kind: str) -> list[Derived]:
        return [d for d in self.copies if d.kind == kind]

    def summary(self) -> dict[str, Any]:
        """Counts a report can quote."""
        return dict(self.stats)


# -- real republications inside ECB+ -----------------------------------------------------------


def _sentence_sets(article: Article, min_tokens: int) -> list[frozenset[str]]:
    out = []
    for p in article.passages:
        toks = frozenset(w.lower() for w in _WORD.findall(p.text))
        if len(toks) >= min_tokens:
            out.append(toks)
    return out


def sentence_overlap(
    a: Article, b: Article, *, jaccard: float = 0.8, min_tokens: int = 5
) -> tuple[float, int]:
    """(share, count) of the shorter article's sentences with a near-identical one in the other.

    Sentences are compared as sets of lower-cased word tokens (Jaccard >= ``jaccard``);
    sentences of fewer than ``min_tokens`` distinct tokens ("He was 77.") are ignored.
    """
    sa, sb = _sentence_sets(a, min_tokens), _sentence_sets(b, min_tokens)
    if len(sa) > len(sb):
        sa, sb = sb, sa
    if not sa:
        return 0.0, 0
    matched = 0
    for s in sa:
        for t in sb:
            inter = len(s & t)
            if inter and inter / (len(s) + len(t) - inter) >= jaccard:
                matched += 1
                break
    return matched / len(sa), matched


def find_real_copies(articles: Sequence[Article], *, threshold: float = 0.5) -> list[RealCopy]:
    """Pairs of articles in one ECB+ topic whose sentence overlap is at least ``threshold``."""
    by_topic: dict[int, list[Article]] = defaultdict(list)
    for a in articles:
        by_topic[a.meta["topic"]].append(a)
    out = []
    for group in by_topic.values():
        for a, b in itertools.combinations(group, 2):
            share, matched = sentence_overlap(a, b)
            if share >= threshold:
                x, y = sorted((a.id, b.id))
                ev = a.meta["event"] if a.meta["event"] == b.meta["event"] else "cross-event"
                out.append(RealCopy(x, y, round(share, 4), matched, ev))
    return sorted(out, key=lambda r: (r.a_id, r.b_id))


# -- shared text between same-event reports -----------------------------------------------------

CONTAINMENT_MAX = 0.10  # an independent report shares at most this share of its 5-shingles


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """Word ``n``-shingles of lower-cased ``\\w+`` tokens."""
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def containment(a: Article, b: Article, n: int = 5) -> tuple[float, float]:
    """(share of a's word n-shingles in b, share of b's in a)."""
    sa, sb = shingles(a.text, n), shingles(b.text, n)
    inter = len(sa & sb)
    return (inter / len(sa) if sa else 0.0), (inter / len(sb) if sb else 0.0)


def find_overlapping(
    articles: Sequence[Article], *, limit: float = CONTAINMENT_MAX
) -> list[OverlapPair]:
    """Same-event pairs where more than ``limit`` of either side's 5-shingles is in the other."""
    by_event: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by_event[a.meta["event"]].append(a)
    out = []
    for event in sorted(by_event):
        for a, b in itertools.combinations(by_event[event], 2):
            if a.id > b.id:
                a, b = b, a
            ab, ba = containment(a, b)
            if max(ab, ba) > limit:
                out.append(OverlapPair(a.id, b.id, round(ab, 4), round(ba, 4), event))
    return sorted(out, key=lambda r: (r.a_id, r.b_id))


# -- negatives ---------------------------------------------------------------------------------


def negatives_of(
    articles: Sequence[Article],
    real: set[tuple[str, str]],
    rng: random.Random,
    same_topic: int,
    other_topic: int,
    overlapping: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> tuple[list[PairLabel], int, int]:
    """(negative pairs, same-event pairs left out as real copies, same-event pairs left out
    for shared text): a same-event pair in ``real`` or ``overlapping`` (sorted id pairs) is
    no independent report."""
    by_event: dict[str, list[Article]] = defaultdict(list)
    by_topic: dict[int, list[Article]] = defaultdict(list)
    for a in articles:
        by_event[a.meta["event"]].append(a)
        by_topic[a.meta["topic"]].append(a)
    seen: set[tuple[str, str]] = set()
    out: list[PairLabel] = []
    excluded = 0
    shared = 0

    def add(x: str, y: str, relation: str, group: str) -> None:
        pair = (min(x, y), max(x, y))
        if pair not in seen:
            seen.add(pair)
            out.append(PairLabel(pair[0], pair[1], relation, group))

    for event in sorted(by_event):
        for a, b in itertools.combinations(by_event[event], 2):
            pair = (min(a.id, b.id), max(a.id, b.id))
            if pair in real:
                excluded += 1
                continue
            if pair in overlapping:
                shared += 1
                continue
            add(a.id, b.id, "independent", "same_event")
    for a in articles:
        others = [b for b in by_topic[a.meta["topic"]] if b.meta["event"] != a.meta["event"]]
        for b in rng.sample(others, min(same_topic, len(others))):
            add(a.id, b.id, "unrelated", "same_topic")
        far = [b for b in articles if b.meta["topic"] != a.meta["topic"]]
        for b in rng.sample(far, min(other_topic, len(far))):
            add(a.id, b.id, "unrelated", "other_topic")
    return out, excluded, shared


# -- identity and cache ------------------------------------------------------------------------


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in _CODE_FILES:
        h.update(name.encode())
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def _wordnet_version() -> str:
    from wiretrace.bench.wordnet import wordnet_source_dir

    d = wordnet_source_dir()
    sizes = [(d / f).stat().st_size for f in ("data.noun", "index.sense") if (d / f).exists()]
    return f"3.0:{'-'.join(map(str, sizes)) or 'missing'}"


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    return obj


def _dump(records: Iterable[dict[str, Any]]) -> tuple[list[str], str]:
    lines = [json.dumps(_jsonable(r), sort_keys=True, ensure_ascii=False) for r in records]
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return lines, h.hexdigest()[:16]


def save_dataset(ds: Dataset, path: Path) -> Path:
    """Write ``ds`` as gzip JSON lines (header first), atomically."""
    body, _ = _dump(_records(ds))
    header = {
        "type": "header",
        "format": FORMAT,
        "split": ds.split,
        "settings": ds.settings,
        "key": ds.key,
        "content_hash": ds.content_hash,
        "source_ids": ds.source_ids,
        "distractor_ids": ds.distractor_ids,
        "stats": ds.summary(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as fh:
        fh.write(json.dumps(_jsonable(header), sort_keys=True, ensure_ascii=False) + "\n")
        for line in body:
            fh.write(line + "\n")
    os.replace(tmp, path)
    return path


def _records(ds: Dataset) -> Iterable[dict[str, Any]]:
    yield {"type": "ids", "source_ids": ds.source_ids, "distractor_ids": ds.distractor_ids}
    for a in ds.originals:
        yield {"type": "original", "article": a.to_dict()}
    for d in ds.copies:
        yield {"type": "copy", **d.to_dict()}
    for n in ds.negatives:
        yield {"type": "negative", **asdict(n)}
    for r in ds.real_copies:
        yield {"type": "real_copy", **asdict(r)}
    for a in ds.index_extra:
        yield {"type": "index_extra", "article": a.to_dict()}
    for o in ds.overlapping:
        yield {"type": "overlapping", **asdict(o)}


def load_dataset(path: Path | str) -> Dataset:
    """Read a data set written by :func:`save_dataset`."""
    path = Path(path)
    originals: list[Article] = []
    copies: list[Derived] = []
    negatives: list[PairLabel] = []
    real: list[RealCopy] = []
    extra: list[Article] = []
    overlapping: list[OverlapPair] = []
    header: dict[str, Any] | None = None
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            kind = rec.pop("type")
            if kind == "header":
                header = rec
            elif kind == "ids":
                continue
            elif kind == "original":
                originals.append(Article.from_dict(rec["article"]))
            elif kind == "copy":
                copies.append(Derived.from_dict(rec))
            elif kind == "negative":
                negatives.append(PairLabel(**rec))
            elif kind == "real_copy":
                real.append(RealCopy(**rec))
            elif kind == "index_extra":
                extra.append(Article.from_dict(rec["article"]))
            elif kind == "overlapping":
                overlapping.append(OverlapPair(**rec))
    if header is None or header.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} file")
    return Dataset(
        split=header["split"],
        settings=header["settings"],
        key=header["key"],
        content_hash=header["content_hash"],
        originals=originals,
        source_ids=header["source_ids"],
        copies=copies,
        negatives=negatives,
        real_copies=real,
        distractor_ids=header["distractor_ids"],
        stats=dict(header.get("stats") or {}),
        path=path,
        index_extra=extra,
        overlapping=overlapping,
    )


# -- the builder -------------------------------------------------------------------------------


def build_dataset(
    split: str = "dev",
    seed: int = 0,
    data_dir: Path | str | None = None,
    n_sources: int | None = None,
    kinds: Sequence[str] = KINDS,
    *,
    copies_per_source: int | None = None,
    topics: Sequence[int] | None = None,
    min_sentences: int = 4,
    wire_credit_share: float = 0.5,
    same_topic_per_article: int = 2,
    other_topic_per_article: int = 1,
    n_distractors: int = 1000,
    cache_dir: Path | str | None = None,
    use_cache: bool = True,
) -> Dataset:
    """Build (or load from cache) the benchmark data set of ``split`` ("dev" or "test").

    ``kinds`` may name the web-like kinds too (``derive.ALL_KINDS`` is all of them; the
    default is the classic ones). ``n_sources`` samples that many sources (default: every
    eligible article); ``copies_per_source`` samples that many of the classic ``kinds`` per
    source, and as many of the web-like ones, each from its own stream, so that asking for
    the web-like kinds changes no classic copy (default: one copy of every kind). ``topics``
    narrows the split to some ECB+ topics (tests, quick runs).
    Apertium is called once per direction for the whole data set. Raises
    :class:`~wiretrace.bench.mt.ApertiumMissing` or
    :class:`~wiretrace.bench.wordnet.WordNetMissing` with the install command when the
    machine lacks them.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: expected one of {sorted(SPLITS)}")
    bad = [k for k in kinds if k not in ALL_KINDS]
    if bad:
        raise ValueError(f"unknown kinds {bad}: expected some of {', '.join(ALL_KINDS)}")
    lo, hi = SPLITS[split]
    if topics is not None and any(not lo <= t <= hi for t in topics):
        raise ValueError(f"topics {list(topics)} are not all in the {split} split ({lo}-{hi})")
    data_dir = Path(data_dir or default_data_dir())
    ecb_path = data_dir / "ecbplus" / "articles.jsonl"
    reuters_path = data_dir / "reuters21578" / "articles.jsonl.gz"
    settings: dict[str, Any] = {
        "split": split,
        "seed": seed,
        "n_sources": n_sources,
        "kinds": list(kinds),
        "copies_per_source": copies_per_source,
        "topics": sorted(topics) if topics is not None else None,
        "min_sentences": min_sentences,
        "wire_credit_share": wire_credit_share,
        "same_topic_per_article": same_topic_per_article,
        "other_topic_per_article": other_topic_per_article,
        "n_distractors": n_distractors,
        "real_copy_rule": "share>=0.5 of shorter article's sentences with token Jaccard>=0.8",
        "independent_rule": f"word 5-shingle containment <= {CONTAINMENT_MAX} either way",
        "generator_version": GENERATOR_VERSION,
    }
    if not ecb_path.exists():
        raise FileNotFoundError(
            f"ECB+ not found at {ecb_path}: pass data_dir or set WIRETRACE_DATA"
        )
    identity = {
        "settings": settings,
        "ecbplus": _file_digest(ecb_path),
        "reuters": _file_digest(reuters_path)
        if (n_distractors or "padded" in kinds) and reuters_path.exists()
        else None,
        "code": _code_digest(),
        "apertium": apertium_version()
        if set(kinds) & (MT_KINDS | {"corrupted", "padded", "copy_of_copy"})
        else None,
        "wordnet": _wordnet_version(),
    }
    key = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]
    root = Path(cache_dir) if cache_dir is not None else cache_root() / "bench"
    path = root / f"{split}-{key}" / "dataset.jsonl.gz"
    if use_cache:
        if path in _MEMO:
            return _MEMO[path]
        if path.exists():
            ds = load_dataset(path)
            _MEMO[path] = ds
            return ds
    ds = _build(settings, identity, key, data_dir)
    if use_cache:
        ds.path = save_dataset(ds, path)
        _MEMO[path] = ds
    return ds


def _build(settings: dict[str, Any], identity: dict[str, Any], key: str, data_dir: Path) -> Dataset:
    t0 = time.perf_counter()
    seed: int = settings["seed"]
    kinds: list[str] = settings["kinds"]
    raw = load_ecbplus(data_dir, split=settings["split"])
    if settings["topics"] is not None:
        raw = [a for a in raw if a.meta["topic"] in set(settings["topics"])]
    raw = [a for a in raw if a.passages]
    real = find_real_copies(raw)
    real_pairs = {(r.a_id, r.b_id) for r in real}
    originals = []
    agencies = sorted(WIRE_CREDITS)
    for a in raw:
        r = _derive.rng_for(seed, a.id, "wire-credit")
        if r.random() < settings["wire_credit_share"]:
            a = with_wire_credit(a, r.choice(agencies))
        originals.append(a)

    eligible = [a for a in originals if len(a.passages) >= settings["min_sentences"]]
    if settings["n_sources"] is not None and settings["n_sources"] < len(eligible):
        keep = set(
            random.Random(f"{seed}:sources").sample(range(len(eligible)), settings["n_sources"])
        )
        eligible = [a for i, a in enumerate(eligible) if i in keep]
    plan: list[tuple[Article, str]] = []
    real_plan: list[tuple[Article, str]] = []
    per_source = settings["copies_per_source"]
    for a in eligible:
        ks = [k for k in kinds if k in KINDS]
        if per_source is not None and per_source < len(ks):
            ks = sorted(
                _derive.rng_for(seed, a.id, "kinds").sample(ks, per_source), key=KINDS.index
            )
        plan.extend((a, k) for k in ks)
        rks = [k for k in kinds if k in REAL_KINDS]
        if per_source is not None and per_source < len(rks):
            rks = sorted(
                _derive.rng_for(seed, a.id, "real-kinds").sample(rks, per_source),
                key=REAL_KINDS.index,
            )
        real_plan.extend((a, k) for k in rks)

    # All translation up front: one Apertium call per direction for the whole data set.
    cache = TranslationCache()
    one_way: list[str] = []
    two_way: list[str] = []
    for a, k in plan:
        base = corrupted_base(seed, a.id) if k == "corrupted" else k
        if base in MT_KINDS:
            texts = [p.text for p in a.passages] + ([a.title] if a.title else [])
            (two_way if base == "machine_translated" else one_way).extend(texts)
    for a, k in real_plan:
        two_way.extend(mt_requests(a, k, seed))
    t_mt = time.perf_counter()
    if one_way or two_way:
        cache.prefetch(one_way + two_way, "eng-spa")
    if two_way:
        cache.prefetch(cache(two_way, "eng-spa"), "spa-eng")
    t_mt = time.perf_counter() - t_mt

    equivalents: dict[str, list[str]] = defaultdict(list)
    for r in real:
        equivalents[r.a_id].append(r.b_id)
        equivalents[r.b_id].append(r.a_id)
    copies: list[Derived] = []
    problems: list[str] = []
    for a, k in plan:
        d = _derive.derive(a, k, seed, translator=cache)
        problems.extend(f"{d.copy.id}: {p}" for p in check(d, a))
        if equivalents.get(a.id):
            d.meta["equivalent_sources"] = sorted(equivalents[a.id])
        copies.append(d)

    neg_rng = random.Random(f"{seed}:negatives")
    overlapping = [o for o in find_overlapping(raw) if (o.a_id, o.b_id) not in real_pairs]
    negatives, excluded, shared = negatives_of(
        originals,
        real_pairs,
        neg_rng,
        settings["same_topic_per_article"],
        settings["other_topic_per_article"],
        {(o.a_id, o.b_id) for o in overlapping},
    )
    distractors: list[str] = []
    reuters: list[Article] = []
    if settings["n_distractors"] or any(k == "padded" for _, k in real_plan):
        reuters = list(iter_reuters(data_dir, min_chars=200))
    if settings["n_distractors"]:
        ids = [r.id for r in reuters]
        distractors = sorted(
            random.Random(f"{seed}:distractors").sample(
                ids, min(settings["n_distractors"], len(ids))
            ),
            key=lambda i: int(i.split("-")[-1]) if i.split("-")[-1].isdigit() else 0,
        )

    # The web-like kinds: padding stories are Reuters stories outside the index; a
    # write-through draws its new paragraphs from another report of the same event.
    taken = set(distractors)
    pool = [r for r in reuters if r.id not in taken and 500 <= len(r.text) <= 4000 and r.title]
    padding = random.Random(f"{seed}:padding").sample(pool, min(400, len(pool)))
    by_event: dict[str, list[Article]] = defaultdict(list)
    for a in originals:
        by_event[a.meta["event"]].append(a)
    index_extra: list[Article] = []
    unsuited: Counter[str] = Counter()
    for a, k in real_plan:
        related = sorted((b for b in by_event[a.meta["event"]] if b.id != a.id), key=lambda b: b.id)
        out = derive_real(a, k, seed, translator=cache, padding=padding, related=related)
        if out is None:
            unsuited[k] += 1
            continue
        gold = {a.id: a, **{x.id: x for x in out.index}}
        for d in out.copies:
            problems.extend(f"{d.copy.id}: {p}" for p in check(d, gold[d.source_id]))
            if equivalents.get(a.id):
                d.meta["equivalent_sources"] = sorted(equivalents[a.id])
            copies.append(d)
        index_extra.extend(out.index)
    if problems:
        raise RuntimeError("generator produced inconsistent gold:\n" + "\n".join(problems[:20]))

    stats: dict[str, Any] = {
        "originals": len(originals),
        "sources": len(eligible),
        "copies": len(copies),
        "copies_by_kind": dict(Counter(d.kind for d in copies)),
        "corrupted_by_base": dict(Counter(d.relation for d in copies if d.kind == "corrupted")),
        "planted_by_type": dict(Counter(p.type for d in copies for p in d.planted)),
        "negatives": len(negatives),
        "negatives_by_group": dict(Counter(n.group for n in negatives)),
        "real_copies": len(real),
        "real_copies_same_event": sum(r.event != "cross-event" for r in real),
        "negatives_excluded_as_real_copies": excluded,
        "same_event_pairs": sum(len(v) * (len(v) - 1) // 2 for v in by_event.values()),
        "negatives_excluded_by_containment": shared,
        "real_kinds_unsuited": dict(unsuited),
        "index_extra_by_role": dict(Counter(a.meta.get("role") for a in index_extra)),
        "distractors": len(distractors),
        "apertium_calls": cache.calls,
        "mt_seconds": round(t_mt, 2),
        "build_seconds": round(time.perf_counter() - t0, 2),
        "identity": identity,
    }
    ds = Dataset(
        split=settings["split"],
        settings=settings,
        key=key,
        content_hash="",
        originals=originals,
        source_ids=[a.id for a in eligible],
        copies=copies,
        negatives=negatives,
        real_copies=real,
        distractor_ids=distractors,
        stats=stats,
        index_extra=index_extra,
        overlapping=overlapping,
    )
    _, ds.content_hash = _dump(_records(ds))
    return ds
