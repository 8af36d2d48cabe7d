"""Fingerprints of an article: lexical (MinHash), entity (rare names and numbers) and
semantic (one static-tier embedding per passage). ``FingerprintConfig`` is their identity:
a store records it and refuses articles fingerprinted any other way."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import cache

import numpy as np

from wiretrace.data import Article
from wiretrace.fingerprint.embed import Embedder, FullEncoder, StaticEncoder
from wiretrace.fingerprint.lexical import signature
from wiretrace.text.anchors import number_key, script_of, transliterated_names
from wiretrace.text.normalize import fold
from wiretrace.text.tokens import name_tokens, numbers

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class FingerprintConfig:
    """How articles are fingerprinted. Its JSON form is recorded in the store."""

    num_perm: int = 128
    shingle: int = 5
    seed: int = 1
    static_model: str = ""
    full_model: str = ""
    format_version: int = FORMAT_VERSION

    def identity(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass(slots=True)
class Fingerprint:
    minhash: bytes
    terms: list[str]
    vectors: np.ndarray  # (n_passages, dim) float16 (as stored), static tier
    extra: dict[str, str] = field(default_factory=dict)


_DOTTED_THOUSANDS = re.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?![\w.,]\d)")


def entity_terms(text: str) -> list[str]:
    """Proper-name tokens and numbers with two or more digits: they survive rewording."""
    terms = {f"n:{t}" for t in name_tokens(text)}
    if script_of(text) not in ("LATIN", ""):
        # names in Cyrillic, Greek, ...: looked up by their Latin letters ("Блинкен" ->
        # "blinken"), as a translation's source in English stores them
        terms |= {f"n:{t}" for t in transliterated_names(text)}
    terms |= {f"#:{fold(n)}" for n in numbers(text) if sum(c.isdigit() for c in n) >= 2}
    # "2.300" as most of Europe writes 2,300: also keyed as the number it is
    terms |= {f"#:{k}" for m in _DOTTED_THOUSANDS.finditer(text)
              if (k := number_key(m.group())) is not None}
    return sorted(terms)


class Fingerprinter:
    """Computes fingerprints in batches (the embedder is fastest on many passages at once)."""

    def __init__(
        self,
        static: Embedder | None = None,
        full: FullEncoder | None = None,
        num_perm: int = 128,
        shingle: int = 5,
    ) -> None:
        self.full = full or FullEncoder()
        self.static = static or StaticEncoder(self.full)
        self.config = FingerprintConfig(
            num_perm=num_perm,
            shingle=shingle,
            static_model=self.static.identity,
            full_model=self.full.identity,
        )

    def fingerprint_many(self, articles: list[Article]) -> list[Fingerprint]:
        # MinHash and terms first: their transient memory is then not on top of the
        # passage vectors (a 10 MB paragraph has 70,000 passages)
        lexical = [
            (signature(a.text, self.config.num_perm, self.config.shingle).tobytes(),
             entity_terms(a.text))
            for a in articles
        ]
        texts = [p.text for a in articles for p in a.passages]
        vecs = (self.static.encode(texts, dtype=np.float16) if texts
                else np.zeros((0, self.static.dim), dtype=np.float16))
        del texts
        out: list[Fingerprint] = []
        pos = 0
        for a, (sig, terms) in zip(articles, lexical, strict=True):
            n = len(a.passages)
            out.append(Fingerprint(minhash=sig, terms=terms, vectors=vecs[pos : pos + n]))
            pos += n
        return out


@cache
def process_fingerprinter() -> Fingerprinter:
    """One ``Fingerprinter`` per worker process (ingest workers, Spark executors): its
    tokenizer, embedding rows and full model load once, on first use."""
    return Fingerprinter()
