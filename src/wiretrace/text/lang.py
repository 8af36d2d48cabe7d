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
from functools import lru_cache

import pycld2

__all__ = ["detect_language", "language_mix"]

# C0/C1 controls except tab/newline/CR, DEL, surrogates, and Unicode non-characters:
# the code points CLD2's UTF-8 validator rejects.
_NONCHARS = "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARS}]")
_LETTERS = re.compile(r"[^\W\d_]")
# CLD2 still reports a few pre-2000 codes; map them to today's ISO 639-1.
_LEGACY = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
# CLD2 on very long inputs is no more accurate than on a sample; cap the work.
_MAX_CHARS = 100_000


def detect_language(text: str | None, *, min_chars: int = 20) -> str | None:
    """ISO 639-1 code of ``text`` (``"en"``, ``"es"``), or ``None`` when CLD2 is unsure.

    ``None`` is returned for short texts (fewer than ``min_chars`` letters after
    sanitising), when CLD2 flags its guess as unreliable, and when the best guess has no
    two-letter code (e.g. Hawaiian ``"haw"``). Never raises.
    """
    if not text or not isinstance(text, str):
        return None
    clean = _UNSAFE.sub(" ", text[:_MAX_CHARS])
    if len(_LETTERS.findall(clean, 0, 4 * min_chars + 200)) < min_chars and (
        len(_LETTERS.findall(clean)) < min_chars
    ):
        return None
    try:
        reliable, _, details = pycld2.detect(clean.encode("utf-8", "ignore"))
    except Exception:  # pycld2.error and UnicodeError on pathological input
        return None
    if not reliable or not details:
        return None
    code = details[0][1].split("-")[0].lower()
    code = _LEGACY.get(code, code)
    if len(code) != 2 or code == "un":
        return None
    return code


@lru_cache(maxsize=256)
def language_mix(text: str) -> tuple[tuple[str, int], ...]:
    """The languages CLD2 reads in ``text`` with the share of the text (percent) each
    holds, largest first: ``(("en", 73), ("hr", 26))`` for a half-translated page whose
    translator left English words standing. Empty when CLD2 cannot tell; never raises."""
    clean = _UNSAFE.sub(" ", text[:_MAX_CHARS])
    if len(_LETTERS.findall(clean)) < 20:
        return ()
    try:
        _, _, details = pycld2.detect(clean.encode("utf-8", "ignore"))
    except Exception:  # as in detect_language
        return ()
    out = []
    for _name, code, percent, _score in details:
        code = _LEGACY.get(code.split("-")[0].lower(), code.split("-")[0].lower())
        if len(code) == 2 and code != "un" and percent > 0:
            out.append((code, int(percent)))
    return tuple(out)
