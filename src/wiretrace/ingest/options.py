"""The one options object every reader takes.

Keyword-only and frozen, so a run's settings can be logged and compared as one value.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_MAX_BYTES", "IngestOptions"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOptions:
    """How readers decide what counts as an article.

    Parameters:
        max_bytes: largest page, record, JSON line or feed file read, in bytes (default
            20 MiB). Anything bigger is reported as ``too_large`` rather than read, so a
            gzip bomb or a mislabelled video cannot exhaust memory.
        min_words: fewest words of extracted text for an article (default 20); fewer is
            reported as ``no_text``. Teasers and navigation pages fall below it.
        strip_boilerplate: remove page-chrome lines (see ``ingest.boilerplate``) from the
            text of every format; turn off for clean corpora whose lines must stay intact.
        favor_recall: ask trafilatura to keep borderline paragraphs (off: on the
            extraction benchmark it gained no recall and cost precision, see
            ``bench/results/extraction.md``).
        include_tables: keep table cells in HTML extraction (on: article bodies put
            facts and figures in tables; F1 0.959 -> 0.962 on the same benchmark).
        detect_language: fill ``Article.language`` with CLD2 (cheap; off only for speed).
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    min_words: int = 20
    strip_boilerplate: bool = True
    favor_recall: bool = False
    include_tables: bool = True
    detect_language: bool = True

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be a positive number of bytes, got {self.max_bytes}")
        if self.min_words < 0:
            raise ValueError(f"min_words must be 0 or more, got {self.min_words}")
