"""Anchors: what a translation keeps of a passage in any language.

A translator rewrites every word of a sentence but keeps its proper names (unchanged in
Latin script, transliterated into another) and its numbers, and keeps sentences in order.
So a passage's anchors — capitalised words folded to Latin letters, and numbers with their
separators normalised — can be matched between two passages in two languages that the
multilingual encoder does not know. One anchor shared proves nothing (independent reports
of one event name the same people); many shared in the same passages, passage after
passage, does. The matching and its weighting are in :mod:`wiretrace.align.anchors`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

__all__ = ["ENCODER_LANGUAGES", "anchors", "number_key", "same_script", "script_of",
           "skeleton", "transliterated_names"]

# The sixteen languages of the multilingual Universal Sentence Encoder v3 (as ISO 639-1;
# both Chinese scripts are "zh"): pairs inside this set are aligned by meaning.
ENCODER_LANGUAGES = frozenset(
    "ar zh en fr de it ja ko nl pl pt es th tr ru".split()
)

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_KEEP = re.compile(r"[^a-z0-9]")
_VOWELS = re.compile(r"[aeiouy]")
# Latin spellings of one sound that transliterations choose between (Cyrillic х -> "kh",
# ш -> "sh", ц -> "ts"; English w, q, x), applied in order before vowels and h are dropped.
_SPELLINGS = (("dzh", "j"), ("dj", "j"), ("kh", "h"), ("sh", "s"), ("ch", "c"), ("zh", "z"),
              ("ts", "c"), ("ph", "f"), ("ck", "k"), ("w", "v"), ("q", "k"), ("x", "ks"),
              ("c", "k"))
MIN_NAME_CHARS = 2  # one letter is noise ("O", "A"); two is a name ("Xi", "Yi", "Li")


def number_key(raw: str) -> str | None:
    """A number as every language writes it: "2,300", "2.300" -> "2300"; "5.5", "5,5" ->
    "5.5"; None for one digit (too common to prove anything)."""
    groups = re.split(r"[.,]", raw)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        key = "".join(groups)
    elif len(groups) == 2:
        key = f"{groups[0]}.{groups[1]}"
    else:
        key = "".join(groups)
    key = key.lstrip("0") or "0"
    return key if sum(c.isdigit() for c in key) >= 2 else None


def _latin_key(word: str) -> str:
    folded = anyascii(word) if not word.isascii() else word
    return _KEEP.sub("", folded.lower())


@lru_cache(maxsize=4096)
def anchors(text: str) -> tuple[str, ...]:
    """A passage's anchors, ``_anchors`` kept per passage text: a query's passages are
    compared with every candidate."""
    return _anchors(text)


def _anchors(text: str) -> tuple[str, ...]:
    """The anchors of ``text`` in order: ``n:`` capitalised words (any script with case,
    transliterated to lower-case Latin letters), ``#:`` numbers of two or more digits."""
    found: list[tuple[int, str]] = []
    for m in _WORD.finditer(text):
        w = m.group()
        if not w[0].isupper():
            continue
        key = _latin_key(w)
        if len(key) >= MIN_NAME_CHARS:
            found.append((m.start(), "n:" + key))
    for m in _NUMBER.finditer(text):
        key = number_key(m.group())
        if key is not None:
            found.append((m.start(), "#:" + key))
    found.sort()
    return tuple(a for _, a in found)


def transliterated_names(text: str) -> set[str]:
    """Capitalised words of a text in another script, in Latin letters (three or more), as
    the entity index keys English names."""
    return {a[2:] for a in _anchors(text) if a.startswith("n:") and len(a) > 4}


def skeleton(anchor: str) -> str:
    """A name's consonants, for names transliterated between scripts ("Washington",
    Serbian "Вашингтон" -> "Vashington": both "vsngtn"); numbers unchanged."""
    if not anchor.startswith("n:"):
        return anchor
    s = anchor[2:]
    for a, b in _SPELLINGS:
        s = s.replace(a, b)
    s = _VOWELS.sub("", s.replace("h", ""))
    s = re.sub(r"(.)\1+", r"\1", s)
    return "n:" + (s or anchor[2:])


def script_of(text: str) -> str:
    """The script most letters of ``text`` are in ("LATIN", "CYRILLIC", "GREEK", ...),
    from a sample; "" when there are no letters."""
    return _script(text[:4000])


@lru_cache(maxsize=256)
def _script(text: str) -> str:
    """``script_of`` of a sample, kept: every candidate pair asks it of both texts."""
    # most texts hold Latin letters only (ASCII, or accented): no count needed
    scripts = {_char_script(ch) for ch in set(text) if not ch.isascii() and ch.isalpha()}
    if scripts <= {"LATIN"}:
        return "LATIN" if scripts or _ASCII_LETTER.search(text) else ""
    counts: dict[str, int] = {}
    # the first 600 letters (they lie in the first 1,500 characters of most texts)
    letters = [ch for ch in _LETTERS.findall(text, 0, 1500) if ch.isalpha()]
    if len(letters) < 600:
        letters = [ch for ch in _LETTERS.findall(text) if ch.isalpha()]
    for ch in letters[:600]:
        script = "LATIN" if ch.isascii() else _char_script(ch)
        counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else ""


@lru_cache(maxsize=4096)
def _char_script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


# candidates for letters (str.isalpha decides): word characters that are not digits or "_"
_LETTERS = re.compile(r"[^\W\d_]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def same_script(a: str, b: str) -> bool:
    """Whether two texts are written in one script (or either has no letters)."""
    sa, sb = script_of(a), script_of(b)
    return not sa or not sb or sa == sb
