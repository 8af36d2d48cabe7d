"""Build the news word statistics that ``wiretrace inspect`` compares wording against.

Reads clean wire text from ``../shared/data`` — Reuters-21578 and the ECB+ articles of the
dev topics — and writes ``src/wiretrace/forensics/data/newsstats.json.gz``: word counts
(lower case / capitalised inside a sentence) and the "broken collocations": word pairs
news never writes that are one synonym swap away from a pair it writes all the time
("demise toll" for *death toll*; synonyms from WordNet, which the benchmark installs, plus
the spinner swaps WordNet lacks). Pairs that general English uses (symspellpy's bigram list,
when that package is installed) are not broken. Counts only: no sentence of the sources is
kept.

Left out, so that the benchmark's held-out checks stay held out: the ECB+ test topics and
the two Reuters samples ``bench/intrinsic_eval.py`` uses as clean originals (dev and test,
1,000 each, seed 0). The output is deterministic for the same data (sorted keys).

It also writes ``forensics/data/register.json.gz``, what the news-register sign reads
(``intrinsic.news_register``, ``intrinsic.impossible_passives``): participles that cannot
follow "be" ("were remained"), the words news writes far less often than a synonym of
their first WordNet sense ("journey" for *trip*, "demise" for *death*), the verbs of saying
news writes at least 200 times less often than "said", and how three measures of a text's
register (those verbs against "said", the rare synonyms per 100 words, sentences opened by
a connective) are spread over clean news — the reference a page is compared with.

Run:  .venv/bin/python bench/build_wordstats.py [--data ../shared/data] [--out PATH]

The committed table was built with symspellpy 6.10.1 on the path (its bigram list is what
keeps general-English pairs out); it is no dependency of wiretrace. To rebuild it as
committed (same content, checked 2026-12-01):
  .venv/bin/pip install --target /tmp/ssp symspellpy==6.10.1
  PYTHONPATH=/tmp/ssp .venv/bin/python bench/build_wordstats.py
Without it the build says ``general_pairs: 0`` and keeps about 80 more broken pairs.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

from wiretrace.bench.sources import iter_reuters, load_ecbplus
from wiretrace.text.wordstats import TABLE_PATH, tokens

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
MIN_PAIR = 2  # pairs seen once are mostly chance
HELD_OUT_REUTERS = 2000  # intrinsic_eval.reuters_samples(1000): dev + test
MIN_SWAP_WORD = 20  # a news word needs this count (lower case) to get synonyms listed
MIN_COLLOCATION = 3  # a news pair needs this count to be a collocation a swap can break
SPEECH_VERBS = frozenset({"said", "says", "told", "tell"})
SPINNER_RATIO = 20  # news writes the usual word this many times more than the swap
SELECT_SHARE = 0.15  # ... the kept word is next to the swapped one this share of the time

# Swaps the article spinners in the wild make that WordNet does not list as synonyms: the
# usual word of news (left) and what the spinner writes (right). From the examples
# and spinner output seen on the dev split; each one turns a common news phrase into one news
# never writes ("Communist Party" -> "Communist Social gathering").
SPINNER_SWAPS: dict[str, list[str]] = {
    "said": ["mentioned", "stated"], "says": ["mentions"], "told": ["informed", "advised"],
    "tell": ["inform"], "while": ["whereas"], "dead": ["useless", "lifeless"],
    "death": ["demise", "dying", "loss of life"], "deaths": ["fatalities"],
    "heart": ["coronary heart"], "party": ["social gathering", "get together"],
    "chinese": ["chinese language"], "japanese": ["japanese language"],
    "green": ["inexperienced"], "front": ["entrance"], "foreign": ["international", "overseas"],
    "top": ["prime", "high"], "office": ["workplace"], "year": ["yr"],
    "meeting": ["assembly"], "military": ["army"], "friends": ["buddies", "pals"],
    "body": ["physique"], "news": ["information"], "called": ["known as"],
    "points": ["factors"], "lines": ["traces"], "visit": ["go to"], "star": ["celebrity"],
    "comment": ["remark"], "believe": ["imagine"], "local": ["native"],
    "government": ["authorities"], "ruled": ["dominated"], "immediately": ["instantly"],
    "respond": ["reply"], "near": ["close to"], "conference": ["convention"],
    "officials": ["officers"], "trade": ["commerce"], "security": ["safety"],
    "war": ["warfare", "struggle"], "bank": ["financial institution"], "house": ["home"],
    "cases": ["instances"], "statement": ["assertion"], "think": ["assume"],
    "help": ["assist"],
    # seen on the dev split's spun pages since (the Moskva, Webb, Musk and Warne clusters)
    "more": ["extra"], "missing": ["lacking"], "fire": ["fireplace", "hearth"],
    "city": ["metropolis"], "systems": ["techniques"], "rough": ["tough"],
    "person": ["character"], "permanent": ["everlasting"], "spread": ["unfold"],
    "cut": ["minimize"], "space": ["area"], "dawn": ["daybreak"], "speaking": ["talking"],
    "guns": ["weapons"], "became": ["turned into"], "defence": ["protection"],
    "defense": ["protection"],
}


# The spinners' swaps of everyday words and phrases (the one above, and the kind that
# inserts "actually" and writes "likewise" and "plainly"), read as a habit rather than a
# broken pair: each is honest English, but news writes the left side far more often
# ("before" 105 times as often as "earlier than"), and a text that prefers the right side
# for several of them was spun. Kept only when news prefers its form at least
# ``SPINNER_RATIO`` times and has seen it ``MIN_PHRASE_NEWS`` times.
SPINNER_PHRASES: dict[str, list[str]] = {
    "in the": ["within the"], "before": ["earlier than"], "still": ["nonetheless"],
    "nearly": ["practically"], "almost": ["practically"], "possible": ["attainable"],
    "one of the": ["one of many"], "the way": ["the way in which"],
    "years ago": ["years in the past"], "summer": ["summer time"], "players": ["gamers"],
    "comments": ["feedback"], "side": ["facet"], "raise": ["elevate"],
    "due to": ["attributable to"], "according to": ["in keeping with", "in step with"],
    "people": ["folks"],
    "women": ["ladies"], "previously": ["beforehand"], "until": ["till"],
    "towards": ["in direction of"], "wife": ["spouse"], "planned": ["deliberate"],
    "long": ["lengthy"], "luxury": ["luxurious"], "fans": ["followers"],
    "engage": ["interact"], "clear": ["transparent"], "at least": ["not less than"],
    "more than": ["greater than"], "again": ["once more"],
    "also": ["additionally", "likewise"], "clearly": ["plainly"], "many": ["lots of"],
    "has been": ["has actually been"], "have been": ["have actually been"],
    "had been": ["had actually been"], "in a statement": ["in a press release"],
    "so far": ["thus far"], "children": ["youngsters"], "later": ["afterward"],
    "died": ["handed away"],
    "another": ["one other"], "however": ["nevertheless"],
    "the first time": ["the primary time"], "such as": ["comparable to", "akin to"],
    "lost": ["misplaced"],
    "news agency": ["information company"],
}
MIN_PHRASE_NEWS = 20


def held_out_reuters(data: Path) -> set[str]:
    """The ids of the Reuters stories ``bench/intrinsic_eval.py`` samples as originals."""
    pool = [a.id for a in iter_reuters(data, min_chars=400)]
    random.Random(0).shuffle(pool)
    return set(pool[:HELD_OUT_REUTERS])


def texts(data: Path) -> tuple[list[str], dict[str, int]]:
    skip = held_out_reuters(data)
    reuters = [a.text for a in iter_reuters(data) if a.id not in skip]
    ecb = [a.text for a in load_ecbplus(data, split="dev")]
    return reuters + ecb, {"reuters": len(reuters), "ecbplus_dev": len(ecb)}


def count(docs: list[str]) -> tuple[dict[str, list[int]], Counter[str], int]:
    uni: dict[str, list[int]] = {}
    pairs: Counter[str] = Counter()
    n = 0
    for doc in docs:
        prev = None
        for t in tokens(doc):
            n += 1
            low = t.lower
            u = uni.setdefault(low, [0, 0])
            if t.text.islower():
                u[0] += 1
            elif t.text[0].isupper() and not t.initial and not t.text.isupper():
                u[1] += 1
            if prev is not None and t.joined:
                pairs[f"{prev} {low}"] += 1
            prev = low
    return uni, pairs, n


def wordnet_swaps(uni: dict[str, list[int]]) -> dict[str, set[str]]:
    """Spun form -> the news words it can stand for: every WordNet synonym (all senses: a
    spinner does not know which sense is meant) of every news word seen at least
    ``MIN_SWAP_WORD`` times in lower case, inflected like that word, plus the spinner swaps
    WordNet lacks."""
    from wiretrace.bench.spin import inflect, word_form
    from wiretrace.bench.wordnet import Lexicon

    lx = Lexicon()
    out: dict[str, set[str]] = {}
    for word, (low, _cap) in uni.items():
        if low < MIN_SWAP_WORD or not word.isalpha() or len(word) < 3:
            continue
        for pos in ("n", "v", "a", "r"):
            read = word_form(lx, word, pos)
            if read is None or read[1] is None:
                continue
            lemma, form = read
            forms = ["past", "pp"] if form in ("past", "pp") else [form]
            for syn in lx.synonyms(lemma, pos, senses=99):
                for form in forms:
                    spun = inflect(lx, syn, pos, form)
                    if spun != word:
                        out.setdefault(spun, set()).add(word)
    for word, spuns in SPINNER_SWAPS.items():
        for spun in spuns:
            out.setdefault(spun, set()).add(word)
    return out


def phrase_counts(docs: list[str], phrases: set[str]) -> Counter[str]:
    """How often each of ``phrases`` (one to four words, lower case) is written in
    ``docs``, as adjacent words."""
    longest = max(len(p.split()) for p in phrases)
    out: Counter[str] = Counter()
    for doc in docs:
        toks = list(tokens(doc))
        for i in range(len(toks)):
            words: list[str] = []
            for t in toks[i : i + longest]:
                if words and not t.joined:
                    break
                words.append(t.lower)
                key = " ".join(words)
                if key in phrases:
                    out[key] += 1
    return out


def spinner_words(uni: dict[str, list[int]], docs: list[str]) -> dict[str, list]:
    """The spinner's swaps that news avoids: spun word or phrase -> [the news form, how
    often news writes it, how often news writes the spun form]; kept when news prefers its
    form at least ``SPINNER_RATIO`` times ("whereas" for "while", "earlier than" for
    "before")."""
    swaps: list[tuple[str, str]] = [
        (word, spun) for word, spuns in SPINNER_SWAPS.items() if word not in SPEECH_VERBS
        for spun in spuns if " " not in spun  # "informed", "advised": judged in context
    ]
    swaps += [(word, spun) for word, spuns in SPINNER_PHRASES.items() for spun in spuns]
    counts = phrase_counts(docs, {p for pair in swaps for p in pair if " " in p})

    def seen(p: str, lower_only: bool) -> int:
        if " " in p:
            return counts[p]
        u = uni.get(p, [0, 0])
        return u[0] if lower_only else u[0] + u[1]

    out: dict[str, list] = {}
    for word, spun in swaps:
        news, other = seen(word, True), seen(spun, False)
        if news < MIN_PHRASE_NEWS or news < SPINNER_RATIO * max(other, 1):
            continue
        if spun not in out or news * max(out[spun][2], 1) > out[spun][1] * max(other, 1):
            out[spun] = [word, news, other]
    return dict(sorted(out.items()))


def general_pairs() -> set[str]:
    """Word pairs of general English (symspellpy's bigram list, from Google Books), when
    that package is installed: a swap that gives one of these is ordinary English."""
    try:
        from importlib.resources import files

        path = files("symspellpy") / "frequency_bigramdictionary_en_243_342.txt"
        text = path.read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError, ModuleNotFoundError):
        return set()
    return {" ".join(line.split()[:2]) for line in text.splitlines() if line.strip()}


def broken_collocations(
    uni: dict[str, list[int]], pairs: Counter[str], swaps: dict[str, set[str]],
    general: set[str],
) -> dict[str, list]:
    """Word pairs news never writes that are one swap away from a news collocation.

    Key: the spun pair as written, lower case (a two-word swap makes it three words:
    "communist social gathering"). Value: ``[news pair, its count, uses of the kept word
    next to a word on that side]``, e.g. "demise toll" -> ["death toll", 9, 27]. Kept when
    the kept word selects the swapped one — at least ``SELECT_SHARE`` of its uses on that
    side are with it ("toll" after "death", "house" after "white") — and the spun pair is
    seen neither in news nor in general English.
    """
    back: dict[str, list[str]] = {}
    for spun, words in swaps.items():
        for w in words:
            back.setdefault(w, []).append(spun)
    left_n: Counter[str] = Counter()  # uses of a word with a word right before it
    right_n: Counter[str] = Counter()
    for key, c in pairs.items():
        a, b = key.split(" ")
        left_n[b] += c
        right_n[a] += c
    out: dict[str, list] = {}
    for key, c in pairs.items():
        if c < MIN_COLLOCATION:
            continue
        a, b = key.split(" ")
        for side, word in ((0, a), (1, b)):
            # side 0: the left word is swapped, "b" is kept; its uses after some word
            kept_uses = left_n[b] if side == 0 else right_n[a]
            select = c / kept_uses if kept_uses else 0.0
            for spun in back.get(word, ()):
                new = f"{spun} {b}" if side == 0 else f"{a} {spun}"
                edge = f"{spun.split()[-1]} {b}" if side == 0 else f"{a} {spun.split()[0]}"
                if pairs.get(new, 0) or new in general or pairs.get(edge, 0):
                    continue
                if edge in general and " " not in spun:
                    continue
                if select < SELECT_SHARE:
                    continue
                best = out.get(new)
                if best is None or c > best[1]:
                    out[new] = [key, c, kept_uses]
    return dict(sorted(out.items()))


AUXILIARIES = ("is are was were be been being am has have had do does did will would can "
               "could may might must shall should").split()


def verb_forms(uni: dict[str, list[int]]) -> list[str]:
    """The news words WordNet can read as a form of a verb ("became", "held", "talks"),
    and the auxiliaries: a sentence with none of them has no verb at all."""
    from wiretrace.bench.wordnet import Lexicon

    wn = Lexicon().wn
    return sorted(
        {w for w, (low, _cap) in uni.items() if low and w.isalpha() and wn.morphy(w, "v")}
        | set(AUXILIARIES)
    )


# Verbs that report speech (a closed class of English); those clean news writes at least
# ``RARE_SPEECH`` times less often than "said" are the ones a paraphrasing tool puts in its
# place. Which of them pass is read from the counts, not chosen by hand.
REPORTING_VERBS = (
    "reported revealed noted stated explained claimed remarked indicated mentioned asserted "
    "disclosed informed declared emphasised emphasized stressed observed commented announced "
    "added confirmed acknowledged insisted argued warned maintained suggested highlighted "
    "underlined expressed affirmed conveyed opined articulated elaborated"
).split()
SAID_FORMS = ("said", "says", "told", "tells")
RARE_SPEECH = 200
RARE_SYNONYM_RATIO = 10  # the synonym is written this many times as often in news
RARE_SYNONYM_MIN = 50  # ... and at least this often
REFERENCE_DOCS = 4000  # clean documents sampled for the reference spread
REFERENCE_CHARS = 2500  # each read as a page's first screen is


def rare_synonyms(uni: dict[str, list[int]]) -> dict[str, list]:
    """Word -> [its synonym, how many times as often news writes it]: the synonym shares the
    word's first (most used) WordNet sense, inflected alike, and news writes it at least
    ``RARE_SYNONYM_RATIO`` times as often ("journey" -> "trip"). A spinner or paraphraser
    that replaces words picks these; a news writer seldom does."""
    from wiretrace.bench.spin import inflect, word_form
    from wiretrace.bench.wordnet import Lexicon

    lx = Lexicon()
    out: dict[str, list] = {}
    for word, (low, _cap) in sorted(uni.items()):
        if low < 1 or not word.isalpha() or len(word) < 4:
            continue
        for pos in ("n", "v", "a", "r"):
            read = word_form(lx, word, pos)
            if read is None or read[1] is None:
                continue
            lemma, form = read
            senses = lx.wn.synsets(lemma, pos)
            if not senses:
                continue
            for syn in senses[0].lemma_names():
                if "_" in syn or syn == lemma:
                    continue
                other = inflect(lx, syn, pos, form)
                n = uni.get(other, [0, 0])[0]
                ratio = n / low
                if n >= max(RARE_SYNONYM_RATIO * low, RARE_SYNONYM_MIN) and (
                    word not in out or out[word][1] < ratio
                ):
                    out[word] = [other, round(ratio, 1)]
    return out


BE_FORMS = frozenset("is are was were be been being".split())
# WordNet verb frames that take an object ("Somebody ----s something", "... somebody", ...):
# a verb with none of them in any sense cannot be made passive.
TRANSITIVE_FRAMES = frozenset({8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 20, 21, 24, 25, 26, 28,
                               29, 30, 31, 32, 33, 34, 35})
NEVER_PASSIVE_MIN = 20  # the participle is written this often in news


def never_passive(uni: dict[str, list[int]], pairs: Counter[str]) -> list[str]:
    """Past participles that cannot follow "be": WordNet gives their verb no sense that takes
    an object, and clean news, writing them at least ``NEVER_PASSIVE_MIN`` times, never
    wrote one after a form of "be" ("remained", "arrived", "risen"). "were remained" is
    what a rewriting tool or a translation writes."""
    from wiretrace.bench.wordnet import Lexicon

    wn = Lexicon().wn
    after_be: Counter[str] = Counter()
    for key, c in pairs.items():
        a, b = key.split(" ")
        if a in BE_FORMS:
            after_be[b] += c
    out = []
    for word, (low, _cap) in sorted(uni.items()):
        if low < NEVER_PASSIVE_MIN or not word.isalpha() or after_be[word]:
            continue
        if not word.endswith(("ed", "en")) and word not in wn._exception_map["v"]:
            continue
        lemma = wn.morphy(word, "v")
        if not lemma or lemma == word:
            continue
        senses = [lm for s in wn.synsets(lemma, "v") for lm in s.lemmas() if lm.name() == lemma]
        if senses and not any(set(lm.frame_ids()) & TRANSITIVE_FRAMES for lm in senses):
            out.append(word)
    return out


def register_table(uni: dict[str, list[int]], docs: list[str],
                   pairs: Counter[str] | None = None) -> dict:
    """What ``intrinsic.news_register`` reads: rare synonyms, the rare verbs of saying and
    their share of reporting verbs in news, and the spread of the three register measures
    over ``REFERENCE_DOCS`` clean documents (sorted, rounded)."""
    from wiretrace.forensics.intrinsic import register_measures

    said = sum(uni.get(w, [0, 0])[0] for w in SAID_FORMS)
    verbs = sorted(v for v in REPORTING_VERBS if uni.get(v, [0, 0])[0] * RARE_SPEECH <= said)
    other = sum(uni.get(v, [0, 0])[0] for v in verbs)
    table: dict = {
        "format": "wiretrace.register/1",
        "rare_synonyms": rare_synonyms(uni),
        "speech_verbs": verbs,
        "said_forms": list(SAID_FORMS),
        "p_speech": round(other / (other + said), 5),
        "never_passive": never_passive(uni, pairs) if pairs is not None else [],
    }
    pool = [d for d in docs if len(d) >= 400]
    random.Random(0).shuffle(pool)
    rows = [register_measures(d[:REFERENCE_CHARS], table) for d in pool[:REFERENCE_DOCS]]
    table["reference"] = {
        key: sorted(round(getattr(r, key), 3) for r in rows)
        for key in ("speech", "rare_per_100", "connectives")
    }
    table["reference_docs"] = len(rows)
    return table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=TABLE_PATH)
    ap.add_argument("--register-out", type=Path,
                    default=TABLE_PATH.with_name("register.json.gz"))
    args = ap.parse_args(argv)
    if not (args.data / "reuters21578" / "articles.jsonl.gz").exists():
        print(f"{args.data}: Reuters-21578 not found (see ../shared/data/README.md)",
              file=sys.stderr)
        return 2
    docs, sources = texts(args.data)
    uni, pairs, n = count(docs)
    kept_pairs = {k: c for k, c in sorted(pairs.items()) if c >= MIN_PAIR}
    general = general_pairs()
    broken = broken_collocations(uni, pairs, wordnet_swaps(uni), general)
    data = {
        "meta": {
            "format": "wiretrace.newsstats/2",
            "sources": sources,
            "tokens": n,
            "pairs": len(kept_pairs),
            "built_by": "bench/build_wordstats.py",
            "general_pairs": len(general),
            "collocation": {"min": MIN_COLLOCATION, "select": SELECT_SHARE,
                            "swap_word_min": MIN_SWAP_WORD},
        },
        "unigrams": dict(sorted(uni.items())),
        "broken": broken,
        "spinner_words": spinner_words(uni, docs),
        "verbs": verb_forms(uni),
    }
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same data gives the same bytes
    with args.out.open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(raw)
    reg = register_table(uni, docs, pairs)
    reg_raw = json.dumps(reg, separators=(",", ":"), sort_keys=True).encode("utf-8")
    with args.register_out.open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb",
                                                           mtime=0) as gz:
        gz.write(reg_raw)
    print(f"{args.register_out}: {len(reg['rare_synonyms']):,} rare synonyms, "
          f"{len(reg['speech_verbs'])} rare verbs of saying (share {reg['p_speech']}), "
          f"{len(reg['never_passive'])} participles never passive, "
          f"reference of {reg['reference_docs']} documents", file=sys.stderr)
    print(f"{args.out}: {len(docs)} documents, {n:,} words, {len(uni):,} words kept, "
          f"{len(kept_pairs):,} pairs, {len(broken):,} broken collocations; "
          f"{args.out.stat().st_size / 1e6:.2f} MB, sha1 "
          f"{hashlib.sha1(raw).hexdigest()[:12]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
