"""Planted alterations: the factual changes a careless or malicious copier makes.

Each function edits one place in a copy's units and records it with gold spans, or returns
None when the copy offers no place for it (no quotation, no second name...). Garbled names
use pronounceable edits (l/r swapped, a consonant doubled or undoubled, a vowel changed:
Blinken -> Brinken), the kind that survives a spell checker and fools phonetic codes.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from wiretrace.bench.spin import Lexicon, analyse, match_case, substitute
from wiretrace.bench.units import Unit, sentence_span, source_span_of
from wiretrace.data import Alteration, Article

ALTERATION_TYPES: tuple[str, ...] = (
    "name_garbled",
    "name_swapped",
    "number_changed",
    "negation_flipped",
    "quote_changed",
    "attribution_removed",
)
# Types that make sense whatever the copy's language (names and numbers survive translation).
LANGUAGE_NEUTRAL = frozenset(
    {"name_garbled", "name_swapped", "number_changed", "attribution_removed"}
)

CREDIT = re.compile(
    r"^\s*(?:[A-Z][A-Za-z.,' -]{1,40}\s)?\((?:AP|Reuters|AFP|UPI)\)\s*[-\u2014\u2013_]+\s*"
)
# Capitalised runs ("Jack Ketsoyan", "O'Brien", "Fix-It"); a possessive "'s" is not part.
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?)*")
_NOT_NAMES = frozenset(
    """The A An And But Or If When While After Before As At In On Of For With By From To It
    He She They We I You His Her Their Its Our This That These Those There Here What Who
    Why How Mr Mrs Ms Dr Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
    February March April May June July August September October November December Photo
    However Also Police Officials According""".split()
)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_ADD_NEG = re.compile(
    r"\b(is|was|are|were|will|would|can|could|should|did|does|do|has|have|had)\s+"
    r"(?!not\b|n't\b)([a-z]+)\b",
    re.IGNORECASE,
)
_DROP_NEG = re.compile(
    r"\b(?:(is|was|are|were|will|would|could|should|did|does|do|has|have|had)\s+not\b|"
    r"(is|was|are|were|would|could|should|did|does|do|has|have|had)n['\u2019]t\b|"
    r"(won['\u2019]t)|(cannot|can['\u2019]t))",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"([^\"]{3,})\"|\u201c([^\u201d]{3,})\u201d")


def _names(units: list[Unit]) -> list[tuple[int, int, int, str]]:
    """(unit, start, end, name) for capitalised runs that are not the first word of a unit."""
    out = []
    for u, unit in enumerate(units):
        lead = re.match(r"\W*", unit.text)
        first = lead.end() if lead else 0
        for m in _NAME.finditer(unit.text):
            words = m.group().split()
            while words and words[0] in _NOT_NAMES:
                words = words[1:]
            if not words:
                continue
            name = " ".join(words)
            start = m.end() - len(name)
            if start == first:
                continue
            out.append((u, start, m.end(), name))
    return out


def _source_side(
    source: Article, unit: Unit, a: int, b: int, old: str
) -> tuple[tuple[int, int] | None, str | None, str]:
    """Gold source span, text and a note for a change at ``unit.text[a:b]``."""
    if unit.origin is not None:
        return None, None, ""  # Unit.replace computes it exactly
    hit = source_span_of(source, unit.src, old)
    if hit:
        return hit[0], hit[1], ""
    sent = sentence_span(source, unit.src)
    if sent:
        return sent[0], sent[1], "source span is the whole sentence"
    return None, None, ""


def _plant(
    source: Article, unit: Unit, a: int, b: int, new: str, kind: str, note: str = ""
) -> Alteration | None:
    if not unit.src or not unit.free(a, b):
        return None  # added sentences have no source side to alter
    span, text, extra = _source_side(source, unit, a, b, unit.text[a:b])
    return unit.replace(
        a, b, new, kind=kind, note="; ".join(x for x in (note, extra) if x),
        source_span=span, source_text=text,
    )  # fmt: skip


def garble(name: str, rng: random.Random) -> str | None:
    """A pronounceable misspelling of one name: l<->r, (un)doubled consonant, vowel change."""
    vowels = "aeiou"
    swaps = {"a": "e", "e": "a", "i": "e", "o": "u", "u": "o", "l": "r", "r": "l"}
    options: list[str] = []
    for i in range(1, len(name)):
        ch = name[i]
        near = name[i - 1 : i] + name[i + 1 : i + 2]
        if ch in swaps and not (ch in "lr" and set(near) & set("lr")):
            # l<->r or a vowel changed (never the capital initial, never inside "ll"/"rr")
            options.append(name[:i] + swaps[ch] + name[i + 1 :])
        if ch in "bdfgklmnprstz":
            if i + 1 < len(name) and name[i + 1] == ch:
                options.append(name[:i] + name[i + 1 :])  # undouble: Russell -> Rusell
            elif (
                name[i - 1] in vowels
                and name[i - 1] != ch
                and (i + 1 == len(name) or name[i + 1] in vowels)
            ):
                options.append(name[:i] + ch + name[i:])  # double: Biden -> Bidden
    options = [o for o in dict.fromkeys(options) if o != name]
    return rng.choice(options) if options else None


def garble_name(
    source: Article, units: list[Unit], rng: random.Random, lx: Lexicon | None = None
) -> Alteration | None:
    """One occurrence of a name misspelt (Blinken -> Brinken)."""
    cands = [
        (u, a, b, n)
        for u, a, b, n in _names(units)
        if len(n.split()[-1]) >= 4 and n.split()[-1] not in _NOT_NAMES
    ]
    rng.shuffle(cands)
    for u, _, b, name in cands:
        last = name.split()[-1]
        new = garble(last, rng)
        if new is None:
            continue
        a = b - len(last)
        alt = _plant(source, units[u], a, b, new, "name_garbled")
        if alt:
            return alt
    return None


def swap_name(
    source: Article, units: list[Unit], rng: random.Random, lx: Lexicon | None = None
) -> Alteration | None:
    """One occurrence of a name replaced by another name from the same article."""
    found = _names(units)
    pool = sorted({n for *_, n in found})
    # Person-like: a run of two or more words, or the surname of one ("Blinken" after
    # "Antony Blinken"). Persons are swapped for persons, other names for other names.
    surnames = {n.split()[-1] for n in pool if len(n.split()) >= 2}

    def person(n: str) -> bool:
        return len(n.split()) >= 2 or n in surnames

    rng.shuffle(found)
    for u, a, b, name in found:
        others = [
            o
            for o in pool
            if o != name and o not in name and name not in o
            and len(o.split()) == len(name.split()) and person(o) == person(name)
        ]  # fmt: skip
        if not others:
            continue
        alt = _plant(source, units[u], a, b, rng.choice(others), "name_swapped")
        if alt:
            return alt
    return None


def _change_digits(num: str, rng: random.Random) -> str:
    digits = [i for i, c in enumerate(num) if c.isdigit()]
    intpart = [i for i in digits if "." not in num[:i]]
    pick = intpart[-2:] if len(intpart) >= 2 else intpart or digits
    i = rng.choice(pick)
    choices = [d for d in "0123456789" if d != num[i] and not (d == "0" and i == digits[0])]
    return num[:i] + rng.choice(choices) + num[i + 1 :]


def change_number(
    source: Article, units: list[Unit], rng: random.Random, lx: Lexicon | None = None
) -> Alteration | None:
    """One number changed by a digit (155 -> 185): a quiet factual error."""
    cands = [(u, m) for u, unit in enumerate(units) for m in _NUMBER.finditer(unit.text)]
    rng.shuffle(cands)
    for u, m in cands:
        alt = _plant(source, units[u], m.start(), m.end(), _change_digits(m.group(), rng),
                     "number_changed")  # fmt: skip
        if alt:
            return alt
    return None


def _negations(unit: Unit) -> list[tuple[int, int, str]]:
    out = []
    for m in _ADD_NEG.finditer(unit.text):
        aux, nxt = m.group(1), m.group(2)
        low = aux.lower()
        if low in {"has", "have", "had"} and not (nxt == "been" or nxt.endswith(("ed", "en"))):
            continue
        if low in {"do", "does", "did"} and (nxt.endswith(("ed", "s")) or len(nxt) < 3):
            continue
        if low == "will":
            new = match_case(aux, "won't")
        elif low == "can":
            new = match_case(aux, "cannot")
        else:
            new = f"{aux} not"
        out.append((m.start(1), m.end(1), new))
    for m in _DROP_NEG.finditer(unit.text):
        if m.group(1):
            new = m.group(1)
        elif m.group(2):
            new = m.group(2)
        elif m.group(3):
            new = match_case(m.group(3), "will")
        else:
            new = match_case(m.group(4), "can")
        out.append((m.start(), m.end(), new))
    return out


def flip_negation(
    source: Article, units: list[Unit], rng: random.Random, lx: Lexicon | None = None
) -> Alteration | None:
    """One statement negated or un-negated (is -> is not, won't -> will)."""
    cands = [(u, *c) for u, unit in enumerate(units) for c in _negations(unit)]
    rng.shuffle(cands)
    for u, a, b, new in cands:
        alt = _plant(source, units[u], a, b, new, "negation_flipped")
        if alt:
            return alt
    return None


def alter_quote(
    source: Article, units: list[Unit], rng: random.Random, lx: Lexicon | None = None
) -> Alteration | None:
    """One word inside a quotation replaced by a synonym: the quote no longer matches."""
    lx = lx or Lexicon()
    cands = []
    for u, unit in enumerate(units):
        for m in _QUOTED.finditer(unit.text):
            g = 1 if m.group(1) is not None else 2
            inner = m.group(g)
            _, words = analyse(inner, lx)
            for c in words:
                cands.append((u, m.start(g), inner, c))
    rng.shuffle(cands)
    for u, off, inner, c in cands:
        sub = substitute(inner, c, lx, rng)
        alt = _plant(source, units[u], off + sub.start, off + sub.end, sub.new, "quote_changed")
        if alt:
            return alt
    return None


def remove_credit(
    source: Article, units: list[Unit], rng: random.Random, lx: Lexicon | None = None
) -> Alteration | None:
    """The wire credit ("(AP) — ") cut from the lead."""
    for unit in units:
        if 0 not in unit.src:
            continue
        m = CREDIT.match(unit.text)
        if m and unit.free(m.start(), m.end()):
            a = m.start() + (len(m.group()) - len(m.group().lstrip()))
            return _plant(source, unit, a, m.end(), "", "attribution_removed")
    return None


PLANTERS: dict[str, Callable[..., Alteration | None]] = {
    "name_garbled": garble_name,
    "name_swapped": swap_name,
    "number_changed": change_number,
    "negation_flipped": flip_negation,
    "quote_changed": alter_quote,
    "attribution_removed": remove_credit,
}


def plant(
    source: Article,
    units: list[Unit],
    rng: random.Random,
    n: int,
    *,
    types: tuple[str, ...] = ALTERATION_TYPES,
    lx: Lexicon | None = None,
) -> list[Alteration]:
    """Plant up to ``n`` alterations of distinct types, trying types in random order."""
    order = list(types)
    rng.shuffle(order)
    out: list[Alteration] = []
    for kind in order:
        if len(out) >= n:
            break
        alt = PLANTERS[kind](source, units, rng, lx)
        if alt is not None:
            out.append(alt)
    return out
