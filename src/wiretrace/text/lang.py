"""Language identification with CLD2, returning ISO 639-1 codes or ``None``.

CLD2 is fast and good on paragraphs, but its C binding raises on input it considers
invalid UTF-8 (NUL and other control characters, surrogates, non-characters), so the text is
sanitised first and any remaining error becomes ``None``: a language we cannot tell is an
unknown, not a crash.

>>> detect_language("The minister said on Sunday that talks would resume next week.")
'en'
>>> detect_language("???") is None
True
"""

from __future__ import annotations

import re

import pycld2

from wiretrace.text.cache import per_text

__all__ = ["UNKNOWN_ENGLISH", "detect_language", "language_mix", "unknown_english"]

# C0/C1 controls except tab/newline/CR, DEL, surrogates, and Unicode non-characters:
# the code points CLD2's UTF-8 validator rejects.
_NONCHARS = "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARS}]")
_LETTERS = re.compile(r"[^\W\d_]")
# the ASCII members of _UNSAFE, as bytes: an ASCII text without any needs no substitution
_UNSAFE_ASCII = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# CLD2 still reports a few pre-2000 codes; map them to today's ISO 639-1.
_LEGACY = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
# CLD2 on very long inputs is no more accurate than on a sample; cap the work.
_MAX_CHARS = 100_000


def _cld2(text: str, min_chars: int) -> tuple[bool, tuple] | None:
    """CLD2's reliability flag and details for a sanitised ``text``, or None for a text of
    fewer than ``min_chars`` letters or one CLD2 rejects."""
    clean = _sanitised(text[:_MAX_CHARS])
    if len(_LETTERS.findall(clean, 0, 4 * min_chars + 200)) < min_chars and (
        len(_LETTERS.findall(clean)) < min_chars
    ):
        return None
    try:
        reliable, _, details = pycld2.detect(clean.encode("utf-8", "ignore"))
    except Exception:  # pycld2.error and UnicodeError on pathological input
        return None
    return reliable, details


def _sanitised(text: str) -> str:
    """``text`` with every character CLD2 rejects made a space. An ASCII text is checked by
    deleting its control bytes (C speed; the pattern's scan was a third of a detection)."""
    if text.isascii():
        raw = text.encode("ascii")
        if len(raw.translate(None, _UNSAFE_ASCII)) == len(raw):
            return text
    return _UNSAFE.sub(" ", text)


def _iso(code: str) -> str | None:
    """CLD2's code as today's ISO 639-1, or None when it has no two-letter code."""
    code = code.split("-")[0].lower()
    code = _LEGACY.get(code, code)
    return None if len(code) != 2 or code == "un" else code


def detect_language(text: str | None, *, min_chars: int = 20) -> str | None:
    """ISO 639-1 code of ``text`` (``"en"``, ``"es"``), or ``None`` when CLD2 is unsure.

    ``None`` is returned for short texts (fewer than ``min_chars`` letters after
    sanitising), when CLD2 flags its guess as unreliable, and when the best guess has no
    two-letter code (e.g. Hawaiian ``"haw"``). Never raises.
    """
    if not text or not isinstance(text, str):
        return None
    got = _cld2(text, min_chars)
    if got is None or not got[0] or not got[1]:
        return None
    return _iso(got[1][0][1])


@per_text  # a text meets ~20 others in the story builder
def language_mix(text: str) -> tuple[tuple[str, int], ...]:
    """The languages CLD2 reads in ``text`` with the share of the text (percent) each
    holds, largest first: ``(("en", 73), ("hr", 26))`` for a half-translated page whose
    translator left English words standing. Empty when CLD2 cannot tell; never raises."""
    got = _cld2(text, 20)
    if got is None:
        return ()
    return tuple((iso, int(percent)) for _name, code, percent, _score in got[1]
                 if percent > 0 and (iso := _iso(code)) is not None)


# share of an "English" text's lower-case words that English news never writes: real
# English pages (dev and test, 465) reach 15%; Apertium's Serbo-Croatian that CLD2 reads as
# 85-99% English has 36-56%
UNKNOWN_ENGLISH = 0.25
_SAMPLE_WORDS = 60


@per_text  # the story builder meets an article in ~20 pairs
def unknown_english(text: str) -> float:
    """The share of a sample of the text's distinct lower-case words (up to 60, spread over
    the text) that the English news tables (``text.wordstats``) never saw in lower case: a
    page CLD2 calls English by its larger part may be mostly in a language it does not
    name. 0.0 when the tables are missing."""
    from wiretrace.text import wordstats

    stats = wordstats.load()
    if stats is None:
        return 0.0
    seen = list(dict.fromkeys(w for w in wordstats.words(text) if w.islower()))
    if not seen:
        return 0.0
    sample = seen[::max(1, len(seen) // _SAMPLE_WORDS)][:_SAMPLE_WORDS]
    return sum(1 for w in sample if not stats.lower(w)) / len(sample)
