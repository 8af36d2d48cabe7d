"""From an alignment to a verdict: features -> relation, direction, confidence.

The features say how much of each side the alignment covers, how similar the aligned
passages are in meaning and in wording, whether the copy kept the source's function words
(spinning swaps content words only; translation rewrites everything), and whether the two
texts are in one language. Passages that are mostly quotation are left out of coverage:
independent reports of one event quote the same people.

The thresholds live in ``thresholds.json`` next to this file (versioned; calibrated on the
benchmark's development split, never on its test split).
"""

from __future__ import annotations

import json
import math
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz.distance import Indel, Levenshtein

from wiretrace.align import PassageFeatures
from wiretrace.align.anchors import AnchorPair, anchor_alignment, anchor_run
from wiretrace.align.verbatim import shared_runs
from wiretrace.data import AlignedPair, Article
from wiretrace.text.anchors import ENCODER_LANGUAGES, anchors, same_script
from wiretrace.text.cache import per_text
from wiretrace.text.lang import UNKNOWN_ENGLISH, language_mix, unknown_english
from wiretrace.text.tokens import name_tokens, numbers

THRESHOLDS_PATH = Path(__file__).with_name("thresholds.json")


@lru_cache(maxsize=4)
def load_thresholds(path: str | None = None) -> dict[str, Any]:
    with open(path or THRESHOLDS_PATH, encoding="utf-8") as f:
        return json.load(f)


@per_text
def text_names(text: str) -> frozenset[str]:
    """``name_tokens`` once per text: a query is judged against every candidate."""
    return frozenset(name_tokens(text))


@per_text
def text_numbers(text: str) -> frozenset[str]:
    """``numbers`` as a set, once per text."""
    return frozenset(numbers(text))


@dataclass(slots=True)
class PairView:
    article: Article
    feats: list[PassageFeatures]


def features(
    copy: PairView, source: PairView, pairs: list[AlignedPair], semantic: np.ndarray
) -> dict[str, float]:
    """Numbers the judge decides on; every one is reported as evidence."""
    nq, nc = len(copy.feats), len(source.feats)
    q_unquoted = [i for i in range(nq) if not copy.feats[i].quoted] or list(range(nq))
    c_unquoted = [j for j in range(nc) if not source.feats[j].quoted] or list(range(nc))
    q_al = {i for p in pairs for i in p.copy_idx}
    c_al = {j for p in pairs for j in p.source_idx}
    cov_q = len(q_al & set(q_unquoted)) / max(1, len(q_unquoted))
    cov_c = len(c_al & set(c_unquoted)) / max(1, len(c_unquoted))
    q_words = sum(len(f.words) for f in copy.feats) or 1
    al_words = sum(len(copy.feats[i].words) for i in q_al)
    sem = float(np.mean([p.similarity for p in pairs])) if pairs else 0.0
    strong_t = load_thresholds()["strong_pair"]
    lang_q, lang_c = copy.article.language or "", source.article.language or ""
    cross = bool(lang_q and lang_c and lang_q != lang_c)
    floor = strong_t["similarity_cross_language" if cross else "similarity"]
    def contained(p: AlignedPair) -> bool:
        """A compressed copy sentence: its content words nearly all in the source's."""
        a = set().union(*(copy.feats[i].content for i in p.copy_idx))
        b = set().union(*(source.feats[j].content for j in p.source_idx))
        return len(a) >= strong_t["contained_min_words"] and (
            len(a & b) / len(a) >= strong_t["contained"]
        )

    strong = [
        p
        for p in pairs
        if p.similarity >= floor
        or (p.lexical >= strong_t["lexical"] and p.similarity >= strong_t["lexical_similarity"])
        or (p.similarity >= strong_t["contained_similarity"] and contained(p))
    ]
    strong, template = without_template_pairs(copy, source, strong, strong_t)
    q_strong = {i for p in strong for i in p.copy_idx}
    countable = [i for i in q_unquoted if len(copy.feats[i].words) >= 4] or q_unquoted
    countable_words = sum(len(copy.feats[i].words) for i in countable) or 1
    strong_cov = sum(len(copy.feats[i].words) for i in countable if i in q_strong) / countable_words
    c_countable = [j for j in c_unquoted if len(source.feats[j].words) >= 4] or c_unquoted
    c_words = sum(len(source.feats[j].words) for j in c_countable) or 1
    cov_c_words = sum(len(source.feats[j].words) for j in c_countable if j in c_al) / c_words
    changed = sum(
        (1 - p.lexical) * sum(len(copy.feats[i].words) for i in p.copy_idx) for p in pairs
    ) / max(1, sum(sum(len(copy.feats[i].words) for i in p.copy_idx) for p in pairs))
    added = sum(
        1
        for i in countable
        if i not in q_al
        and len(copy.feats[i].words) >= 6
        and copy.article.passages[i].text.rstrip().endswith((".", "!", "?", '"'))
    )
    content = []
    for p in pairs:
        a = set().union(*(copy.feats[i].content for i in p.copy_idx))
        b = set().union(*(source.feats[j].content for j in p.source_idx))
        if a | b:
            content.append(len(a & b) / len(a | b))
    lex = float(np.mean([p.lexical for p in pairs])) if pairs else 0.0
    exact = float(np.mean([p.lexical >= 0.999 for p in pairs])) if pairs else 0.0
    fw = []
    ratio = []
    for p in pairs:
        fq = [w for i in p.copy_idx for w in copy.feats[i].function]
        fc = [w for j in p.source_idx for w in source.feats[j].function]
        if fq and fc:
            fw.append(Indel.normalized_similarity(fq, fc))
        wq = sum(len(copy.feats[i].words) for i in p.copy_idx)
        wc = sum(len(source.feats[j].words) for j in p.source_idx)
        ratio.append(wq / max(1, wc))
    src_sorted = [p.source_idx[0] for p in sorted(pairs, key=lambda p: p.copy_idx[0])]
    monotone = _lis(src_sorted) / max(1, len(src_sorted))
    span = (max(c_al) - min(c_al) + 1) if c_al else 1
    contiguous = len(c_al) / span if c_al else 0.0
    # DESIGN measurement: best match per copy passage, summed above 0.5, over copy length
    best = semantic.max(axis=1) if semantic.size else np.zeros(nq)
    soft_cov = float(np.where(best > 0.5, best, 0).sum() / max(1, nq))
    local = local_reuse(copy, source, strong, template)
    names_q, names_c = text_names(copy.article.text), text_names(source.article.text)
    nums_q, nums_c = text_numbers(copy.article.text), text_numbers(source.article.text)
    return {
        "copy_passages": nq,
        "source_passages": nc,
        "aligned_pairs": len(pairs),
        "coverage_copy": round(cov_q, 4),
        "coverage_source": round(cov_c, 4),
        "coverage_copy_words": round(al_words / q_words, 4),
        "soft_coverage": round(soft_cov, 4),
        "strong_pairs": len(strong),
        "strong_coverage": round(strong_cov, 4),
        "content_overlap": round(float(np.mean(content)) if content else 0.0, 4),
        "coverage_source_words": round(cov_c_words, 4),
        "changed_words": round(changed, 4),
        "added_sentences": added,
        "semantic": round(sem, 4),
        "lexical": round(lex, 4),
        "exact_share": round(exact, 4),
        "function_words": round(float(np.mean(fw)) if fw else 0.0, 4),
        # statistics, not numpy: np.median imports numpy.ma (~7 ms of every new process)
        "length_ratio": round(float(statistics.median(ratio)) if ratio else 0.0, 4),
        "monotone": round(monotone, 4),
        "contiguous": round(contiguous, 4),
        "names_shared": round(_jac(names_q, names_c), 4),
        "names_copy_in_source": round(_cont(names_q, names_c), 4),
        "numbers_shared": round(_jac(nums_q, nums_c), 4),
        "cross_language": float(cross),
        "template_pairs": len(template),
        **local,
    }


_FIGURE = re.compile(r"\d+(?:[.:]\d+)*")


def _figures(text: str) -> frozenset[str]:
    """The figures of a text, thousands separators dropped and leading zeros cut:
    "$5,014" and "5014 dollars" agree, and so do "1:30" and "1.30"."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return frozenset(m.replace(":", ".").lstrip("0") or "0" for m in _FIGURE.findall(text))


def without_template_pairs(copy: PairView, source: PairView, strong: list[AlignedPair],
                           t: dict[str, Any]) -> tuple[list[AlignedPair], list[AlignedPair]]:
    """The strong pairs less those that only share a template, and those.

    A daily report (fuel prices, case counts, market closes) is written from one template
    every day: its sentences align strongly with the day before's while every figure in
    them differs. A copy keeps its source's figures, and a later version of one story
    updates a figure or two, not all of them. So when several strong pairs hold two or more
    figures on each side that they mostly do not share, and such pairs are half or more of
    the strong pairs with figures, they are the template, not reuse."""
    clash: list[bool | None] = []  # None: fewer than two figures on a side
    for p in strong:
        a = _figures(" ".join(copy.article.passages[i].text for i in p.copy_idx))
        b = _figures(" ".join(source.article.passages[j].text for j in p.source_idx))
        clash.append(len(a & b) < t["template_shared"] * min(len(a), len(b))
                     if len(a) >= 2 and len(b) >= 2 else None)
    n = sum(1 for c in clash if c)
    with_figures = sum(1 for c in clash if c is not None)
    if n < t["template_pairs"] or n < t["template_share"] * with_figures:
        return strong, []
    return ([p for p, c in zip(strong, clash, strict=True) if not c],
            [p for p, c in zip(strong, clash, strict=True) if c])


def local_reuse(copy: PairView, source: PairView, strong: list[AlignedPair],
                template: list[AlignedPair] | None = None) -> dict[str, Any]:
    """Evidence of reuse that does not depend on how much of either page it covers.

    Independent reports of one event share facts, names and quotations, and now and then
    one sentence that says the same thing; they do not share a run of sentences in the same
    order, nor many words of running text outside quotation marks. A copy inside a longer
    page (captions, other stories, later paragraphs) or a teaser of a longer source keeps
    exactly that. Reported: the longest run of strong pairs consecutive on both sides (gaps
    of one passage allowed), the words of that run on the copy's side, the share of the
    source's words that strong pairs cover, and the span of the run on both sides.
    """
    pairs = sorted(
        (p for p in strong
         if not all(copy.feats[i].quoted for i in p.copy_idx)
         and not all(source.feats[j].quoted for j in p.source_idx)),
        key=lambda p: p.copy_idx[0],
    )
    best: list[AlignedPair] = []
    run: list[AlignedPair] = []
    run_words = best_words = 0
    for p in pairs:
        if run and 0 < p.copy_idx[0] - run[-1].copy_idx[-1] <= 2 \
                and 0 < p.source_idx[0] - run[-1].source_idx[-1] <= 2:
            run.append(p)
            run_words += _run_words(copy, [p])
        else:
            run, run_words = [p], _run_words(copy, [p])
        if run_words > best_words:
            best, best_words = list(run), run_words
    nc = len(source.feats)
    c_countable = [j for j in range(nc) if len(source.feats[j].words) >= 4
                   and not source.feats[j].quoted] or list(range(nc))
    c_words = sum(len(source.feats[j].words) for j in c_countable) or 1
    c_strong = {j for p in pairs for j in p.source_idx}
    # strong pairs in the same order on both sides, not necessarily adjacent: a rewrite
    # that keeps wire sentences between its own
    ordered = _ordered(pairs)
    # one long sentence reused word for word outside quotation marks: independent reports
    # share quotes and facts, not thirty running words of each other's prose
    verbatim = max((_run_words(copy, [p]) for p in pairs if p.lexical >= VERBATIM_LEXICAL),
                   default=0)
    # the longest run of words both texts share outside quotation marks, found over the
    # whole texts: it survives passage splits the two pages do not share
    # a daily template's fixed words between its figures are no running text of the
    # other's: its passages are blanked (offsets kept) before runs are looked for
    runs = shared_runs(_blanked(copy.article, [i for p in template or () for i in p.copy_idx]),
                       _blanked(source.article,
                                [j for p in template or () for j in p.source_idx]))
    shared = runs.longest
    out: dict[str, Any] = {
        "verbatim_words": verbatim,
        "shared_run_words": shared.words if shared else 0,
        # the copy's words inside any such run, and their share of the copy: several
        # reused sentences with the copier's own words between them
        "shared_words": runs.covered,
        "shared_share": round(runs.covered / runs.words, 4) if runs.words else 0.0,
        "strong_run": len(best),
        "strong_run_words": _run_words(copy, best),
        "strong_run_similarity": round(float(np.mean([p.similarity for p in best])), 4)
        if best else 0.0,
        "strong_ordered": len(ordered),
        "strong_ordered_words": _run_words(copy, ordered),
        "strong_coverage_source": round(
            sum(len(source.feats[j].words) for j in c_countable if j in c_strong) / c_words, 4),
        "source_countable": len(c_countable),
    }
    if best:
        cp, sp = copy.article.passages, source.article.passages
        out["reused_copy_span"] = [cp[best[0].copy_idx[0]].start, cp[best[-1].copy_idx[-1]].end]
        out["reused_source_span"] = [sp[min(best[0].source_idx)].start,
                                     sp[max(best[-1].source_idx)].end]
        # where the run starts on each side, in passages: both near 0 means one page is the
        # other's lead (a teaser, a first take, a truncated scrape), which says nothing of
        # which side came first
        out["strong_run_start_copy"] = best[0].copy_idx[0]
        out["strong_run_start_source"] = min(best[0].source_idx)
    elif shared:
        out["reused_copy_span"] = list(shared.copy_span)
        out["reused_source_span"] = list(shared.source_span)
    return out


def _blanked(article: Article, passages: list[int]) -> str:
    """The text with the given passages replaced by spaces, every offset kept."""
    text = article.text
    for k in sorted(set(passages)):
        p = article.passages[k]
        text = text[:p.start] + " " * (p.end - p.start) + text[p.end:]
    return text


VERBATIM_LEXICAL = 0.9  # word-sequence similarity of a pair reused word for word


def _ordered(pairs: list[AlignedPair]) -> list[AlignedPair]:
    """The longest chain of pairs (sorted by copy position) whose source positions rise."""
    return [pairs[i] for i in _rising([p.source_idx[0] for p in pairs])]


def _run_words(copy: PairView, run: list[AlignedPair]) -> int:
    return sum(len(copy.feats[i].words) for p in run for i in p.copy_idx)


def _jac(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _cont(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a) if a else 0.0


def _lis(seq: list[int]) -> int:
    return len(_rising(seq))


def _rising(seq: list[int]) -> list[int]:
    """Indices of a longest strictly rising subsequence of ``seq`` (patience sorting,
    O(n log n): a query of a thousand passages has as many pairs per candidate)."""
    import bisect

    tails: list[int] = []  # smallest tail value of a rising run of each length
    tail_at: list[int] = []  # its index in seq
    prev = [-1] * len(seq)
    for i, x in enumerate(seq):
        k = bisect.bisect_left(tails, x)
        prev[i] = tail_at[k - 1] if k else -1
        if k == len(tails):
            tails.append(x)
            tail_at.append(i)
        else:
            tails[k], tail_at[k] = x, i
    out: list[int] = []
    k = tail_at[-1] if tail_at else -1
    while k != -1:
        out.append(k)
        k = prev[k]
    return out[::-1]


RARER = 1.5  # natural log of the news-count ratio that makes one word "much rarer"


def word_swaps(copy: PairView, source: PairView, pairs: list[AlignedPair]) -> dict[str, int]:
    """One-for-one word swaps between aligned passages, counted by which side holds the
    word much rarer in clean news (``text.wordstats``). A synonym spinner puts a rarer word
    where the news wrote the common one ("said" -> "mentioned", "while" -> "whereas",
    "death" -> "demise"); a translation round trip levels wording towards common words
    (machine-translated text is lexically poorer than its original). Numbers are left out;
    names are not: spinners swap words inside names too, and leaving out the words news
    mostly capitalises found fewer real spun pages on the dev split. Beyond one-word swaps,
    ``rarity_shift`` weighs every word a pair brings in against every word it drops (a
    paraphrasing tool rewrites phrases, not words), and ``unknown_new_words`` is the share
    of brought-in words news never uses (a rule-based translation's leftovers)."""
    from wiretrace.text import wordstats

    stats = wordstats.load()
    out: dict[str, Any] = {"swaps_rarer_in_copy": 0, "swaps_rarer_in_source": 0}
    if stats is None:
        return out
    new: list[float] = []
    gone: list[float] = []
    unknown = 0
    for p in pairs:
        wq = [w for i in p.copy_idx for w in copy.feats[i].words]
        wc = [w for j in p.source_idx for w in source.feats[j].words]
        sq, sc = set(wq), set(wc)
        for w in sq - sc:
            if len(w) > 2 and w.isalpha():
                n = stats.count(w)
                unknown += not n
                if n:
                    new.append(math.log(n + 1))
        gone += [math.log(n + 1) for w in sc - sq
                 if len(w) > 2 and w.isalpha() and (n := stats.count(w))]
        for op in Levenshtein.opcodes(wc, wq):
            if op.tag != "replace" or op.src_end - op.src_start != 1 \
                    or op.dest_end - op.dest_start != 1:
                continue
            a, b = wc[op.src_start], wq[op.dest_start]
            if not a.isalpha() or not b.isalpha():
                continue
            na, nb = stats.count(a), stats.count(b)
            if not na and not nb:
                continue
            ratio = math.log((nb + 1) / (na + 1))
            if ratio < -RARER:
                out["swaps_rarer_in_copy"] += 1
            elif ratio > RARER:
                out["swaps_rarer_in_source"] += 1
    if len(new) >= 5 and len(gone) >= 5:
        # mean news log-count of the words the copy brought in, less that of the words it
        # dropped: below 0, it reaches for rarer words than it replaced
        out["rarity_shift"] = round(statistics.fmean(new) - statistics.fmean(gone), 4)
        out["unknown_new_words"] = round(unknown / (unknown + len(new)), 4)
    return out


# percent of a text in languages the encoder does not know that makes it a mixed text: no
# real-world page (dev or test) has as much as 10%; half-translated Serbo-Croatian has 15-70
MIXED_SHARE = 15


def alignment_basis(copy: Article, source: Article) -> str:
    """"meaning" when the encoder knows both texts' languages (or they share one), else
    "anchors": the encoder's vectors of a language it was not trained on are no measure of
    meaning, but names and numbers still line up."""
    lq, lc = copy.language or "", source.language or ""
    if lq and lc and lq != lc:
        return "meaning" if lq in ENCODER_LANGUAGES and lc in ENCODER_LANGUAGES else "anchors"
    # one language (or one unknown): a text that is largely in another language the encoder
    # does not know (a translator that left the source's words standing, CLD2 calling the
    # whole page by its larger part) is aligned by anchors too
    for text, own, other in ((copy.text, lq, lc), (source.text, lc, lq)):
        if not own:
            continue
        unread = sum(share for code, share in language_mix(text)
                     if code not in (own, other) and code not in ENCODER_LANGUAGES)
        if unread >= MIXED_SHARE:  # summed: CLD2 splits Serbo-Croatian into hr, bs and sr
            return "anchors"
        if own == "en" and unknown_english(text) >= UNKNOWN_ENGLISH:
            return "anchors"
    return "meaning"


def anchor_features(copy: Article, source: Article, semantic: np.ndarray,
                    t: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[AnchorPair]]:
    """Passages paired by shared names and numbers in order (helped by the encoder's
    cosine), and the longest run of such pairs consecutive on both sides: evidence of a
    translation that the encoder cannot read. ``anchor_run_shared``: the run's anchors."""
    a = (t or load_thresholds())["anchors"]
    qa = [anchors(p.text) for p in copy.passages]
    ca = [anchors(p.text) for p in source.passages]
    cross_script = not same_script(copy.text, source.text)
    pairs = anchor_alignment(qa, ca, semantic, a, cross_script=cross_script)
    run = anchor_run(pairs)
    shared = list(dict.fromkeys(x for p in run for x in p.shared))
    with_anchors = sum(1 for x in qa if x) or 1
    # the pairs in the same order on both sides, not necessarily adjacent: a translation
    # that merged or dropped a sentence breaks a run, not the order
    by_copy = sorted(pairs, key=lambda p: p.copy_idx)
    ordered = [by_copy[i] for i in _rising([p.source_idx for p in by_copy])]
    f: dict[str, Any] = {
        "alignment_basis": "anchors",
        "anchor_pairs": len(pairs),
        "anchor_coverage": round(len(pairs) / with_anchors, 4),
        "anchor_run": len(run),
        "anchor_run_distinct": len(shared),
        "anchor_run_shared": [x.split(":", 1)[1] for x in shared[:12]],
        "anchor_ordered": len(ordered),
        "anchor_ordered_distinct": len({x for p in ordered for x in p.shared}),
        "anchor_cross_script": float(cross_script),
    }
    if run:
        cp, sp = copy.passages, source.passages
        f["reused_copy_span"] = [cp[run[0].copy_idx].start, cp[run[-1].copy_idx].end]
        f["reused_source_span"] = [sp[run[0].source_idx].start, sp[run[-1].source_idx].end]
    return f, pairs


def anchor_evidence(f: dict[str, Any], t: dict[str, Any]) -> str:
    """Proof of a translation by anchors: a run of passages sharing names and numbers in the
    same order on both sides, with enough distinct anchors among them.
    Empty when there is none (or the pair was not aligned by anchors)."""
    a = t.get("anchors")
    if not a or f.get("alignment_basis") != "anchors":
        return ""
    run, distinct = int(f.get("anchor_run", 0)), int(f.get("anchor_run_distinct", 0))
    if run >= a["run"] and distinct >= a["run_distinct"]:
        return (f"{run} passages in a row share names and numbers in the same order on both "
                f"sides ({distinct} distinct: {', '.join(f.get('anchor_run_shared', [])[:6])})")
    n, nd = int(f.get("anchor_ordered", 0)), int(f.get("anchor_ordered_distinct", 0))
    if (n >= a["ordered"] and nd >= a["ordered_distinct"]
            and f.get("anchor_coverage", 0.0) >= a["ordered_coverage"]):
        return (f"{n} passages share names and numbers in the same order on both sides "
                f"({nd} distinct), {f['anchor_coverage']:.0%} of the copy's passages that "
                "hold any")
    return ""


def decide(f: dict[str, float], t: dict[str, Any] | None = None) -> tuple[str, float]:
    """Relation kind and confidence from the features and the calibrated thresholds.

    Derived when strong pairs cover enough of the copy's words; then, in order: another
    language -> translated; little of the source reused -> partial (contiguous, unchanged
    or keeping its content words) or summarised (spun, when a spinner's marks say so);
    unchanged and complete -> verbatim; content words kept -> edited; function words kept
    while content words changed, or a spinner's rarer words -> spun; else
    machine_translated.
    """
    t = t or load_thresholds()
    d = t["derived"]
    pairs_needed = min(d["min_strong_pairs"], max(1, int(f["copy_passages"])))
    is_derived = f["strong_pairs"] >= pairs_needed and f["strong_coverage"] >= d["strong_coverage"]
    if (is_derived and f["strong_pairs"] < d["min_strong_pairs"] and f["cross_language"] >= 1
            and f["semantic"] < t["strong_pair"]["similarity"]):
        # a one-passage text in another language, "derived" on one pair at the lower
        # cross-language bar: a translated report of the same event says one thing alike
        # that often (dev: 10 of 11 such false derivations, no copy); one pair must clear
        # the one-language bar
        is_derived = False
    elif (is_derived and f["strong_pairs"] <= 1 and f["cross_language"] < 1
          and not _one_pair_kept_words(f, t)):
        # a one-passage text derived on its one pair must share some running words too:
        # two one-sentence reports of one event say the same thing alike (ECB+ dev: 8 of
        # 18 false derivations), a one-sentence copy keeps its source's words
        is_derived = False
    local = reuse_evidence(f, t)
    if not is_derived and local:
        f["reuse_evidence"] = local  # type: ignore[assignment]
        conf = _squash(0.05 + 0.1 * (f.get("strong_run", 0) - t["local"]["run"])
                       + f.get("strong_coverage_source", 0.0) - t["local"]["source_coverage"], 0.2)
        return _kind(f, t), max(0.5, conf)
    anchored = "" if is_derived else anchor_evidence(f, t)
    if anchored:
        f["reuse_evidence"] = anchored  # type: ignore[assignment]
        f["proved_by"] = "anchors"  # type: ignore[assignment]
        a = t["anchors"]
        return "translated", max(0.5, _squash(0.1 * (f["anchor_run"] - a["run"])
                                              + 0.05 * (f["anchor_run_distinct"]
                                                        - a["run_distinct"]), 0.3))
    if not is_derived:
        ind = t["independent"]
        same_event = f["names_shared"] >= ind["names_shared"] or (
            ind.get("soft_coverage") is not None and f["soft_coverage"] >= ind["soft_coverage"]
        )
        conf = _squash(d["strong_coverage"] - f["strong_coverage"], 0.2)
        return ("independent" if same_event else "unrelated"), conf
    return _kind(f, t), _squash(f["strong_coverage"] - d["strong_coverage"] + 0.05, 0.1)


def reuse_evidence(f: dict[str, float], t: dict[str, Any]) -> str:
    """Local proof of reuse, whatever share of the copy it covers: a run of strong pairs in
    the same order on both sides, or the source's text nearly whole inside the copy. Empty
    when there is none."""
    loc = t.get("local")
    if not loc:
        return ""
    run, words = int(f.get("strong_run", 0)), int(f.get("strong_run_words", 0))
    if run >= loc["run"] and words >= loc["run_words"]:
        return (f"{run} strong passage pairs in a row, in the same order on both sides "
                f"({words} words)")
    if (run >= 2 and words >= loc["pair_run_words"]
            and f.get("strong_run_similarity", 0.0) >= loc["pair_run_similarity"]):
        return (f"two long passages in a row nearly alike in meaning ({words} words, "
                f"similarity {f['strong_run_similarity']:.2f})")
    if f.get("verbatim_words", 0) >= loc["verbatim_words"]:
        return (f"a {int(f['verbatim_words'])}-word passage reused word for word outside "
                "quotation marks")
    n, ow = int(f.get("strong_ordered", 0)), int(f.get("strong_ordered_words", 0))
    if n >= loc["ordered"] and ow >= loc["ordered_words"]:
        return f"{n} strong passage pairs in the same order on both sides ({ow} words)"
    if (f.get("strong_coverage_source", 0.0) >= loc["source_coverage"]
            and f["strong_pairs"] >= min(loc["source_pairs"], f.get("source_countable", 2))
            and f.get("strong_run_words", 0) >= loc["source_words"]
            and (f["strong_pairs"] >= 2 or _one_pair_kept_words(f, t))):
        return (f"{f['strong_coverage_source']:.0%} of the source's words are in strong pairs "
                "inside the copy")
    if loc.get("shared_words") and f.get("shared_run_words", 0) >= loc["shared_words"]:
        return (f"a run of {int(f['shared_run_words'])} words shared word for word outside "
                "quotation marks")
    if (loc.get("shared_total") and f.get("shared_words", 0) >= loc["shared_total"]
            and f.get("shared_share", 0.0) >= loc["shared_share"]):
        return (f"{int(f['shared_words'])} words ({f['shared_share']:.0%} of the copy) in runs "
                "of eight or more shared word for word outside quotation marks")
    return ""


def _one_pair_kept_words(f: dict[str, float], t: dict[str, Any]) -> bool:
    """What one strong pair must also show to prove reuse of a one-passage text (a
    one-sentence copy, or a feed item's lede whole inside a longer page): running words
    shared outside quotation marks, or near-identical meaning. Two one-sentence reports of
    one event say the same thing alike; a copy of one sentence keeps some of its words."""
    d = t["derived"]
    return (f.get("shared_run_words", 0) >= d["one_pair_shared_words"]
            or f["semantic"] >= d["one_pair_similarity"])


def _kind(f: dict[str, float], t: dict[str, Any]) -> str:
    """What kind of derivation, once it is proven."""
    k = t["kinds"]
    if f["cross_language"] >= 1:
        return "translated"
    if f["coverage_source_words"] < k["partial_coverage_source"]:
        if f["contiguous"] >= k["partial_contiguous"] and (
            f["changed_words"] <= k["partial_changed"]
            or f["content_overlap"] >= k["partial_content_overlap"]
        ):
            # one stretch of the source, unchanged or lightly edited: a feed item, a first
            # screen, a licensee's cut of a longer version; a summary picks and rewrites
            return "partial"
        # a spinner's cut of its source: many more one-word swaps to rarer words than a
        # whole spun copy needs, as an editor's cut swaps a word or two now and then; or
        # the spinner's marks in the copy's own text
        return ("spun" if _rarer_words(f, k, k["spun_partial_rarer_swaps"])
                or _spinner_marked(f, k) else "summarised")
    if (
        f["changed_words"] <= k["verbatim_changed"]
        and f["coverage_source_words"] >= k["verbatim_coverage_source"]
        and f["added_sentences"] == 0
    ):
        return "verbatim"
    if f["content_overlap"] >= k["edited_content_overlap"]:
        return "edited"
    if f["function_words"] >= k["spun_function_words"]:
        return "spun"
    rc, rs = f.get("swaps_rarer_in_copy", 0), f.get("swaps_rarer_in_source", 0)
    if rc - rs >= k["spun_rarer_swaps"] and rc >= k["spun_rarer_share"] * (rc + rs):
        return "spun"
    if _rarer_words(f, k, k["spun_rarer_swaps"]) or _spinner_marked(f, k):
        return "spun"
    return "machine_translated"


def _spinner_marked(f: dict[str, float], k: dict[str, Any]) -> bool:
    """The copy's own text carries a spinner's marks (``forensics.intrinsic.spinner_score``)
    at the score ``inspect`` calls "some signs"."""
    return f.get("copy_spinner_signs", 0.0) >= k["spun_text_signs"]


def leans_rarer(f: dict[str, float], shift_max: float, swaps: int, share: float) -> bool:
    """A paraphrasing tool's mark (``word_swaps`` features): the words the copy brings in
    are rarer in news than those it drops (rarity shift at or below ``shift_max``), and its
    one-word swaps lean the same way (``swaps`` more to rarer words than back, ``share`` of
    them). The kind and the direction vote both ask it."""
    rc, rs = f.get("swaps_rarer_in_copy", 0), f.get("swaps_rarer_in_source", 0)
    shift = f.get("rarity_shift")
    return bool(shift is not None and shift <= shift_max and rc - rs >= swaps
                and rc >= share * (rc + rs))


def _rarer_words(f: dict[str, float], k: dict[str, Any], swaps: int) -> bool:
    """``leans_rarer`` at the kind thresholds, with few words news never uses (a rule-based
    translation's leftovers, not a spinner's)."""
    return (leans_rarer(f, k["spun_rarity_shift"], swaps, k["spun_rarity_swap_share"])
            and f.get("unknown_new_words", 1.0) <= k["spun_unknown_new_words"])


def _squash(x: float, scale: float) -> float:
    return round(0.5 + 0.5 * math.tanh(x / scale), 4)
