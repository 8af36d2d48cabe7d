"""Ingest cost stays linear in the size of one document (issue 11).

A 10 MB single-paragraph article took minutes and most of a gigabyte: the segmenter copied
the rest of the paragraph at every full stop, MinHash permuted all 1.7 million shingles in
one matrix, and the static embedding table was widened to float32 in every process; a
5 MB trace held the engine for minutes. These tests count copied characters, traced
allocations or passages embedded rather than time, so they hold on a loaded machine; the
one that compares CPU time at n and 4n has a generous factor.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from wiretrace.engine import Wiretrace
from wiretrace.text.segment import _END, _MAX_SENTENCE, split_sentences
from wiretrace.text.tokens import name_spans

_WORDS = (
    "council minister harbour strike talks resume week officials said port workers union "
    "container terminal shipping agreement negotiations wages"
).split()


def _sentences(n_chars: int, seed: int = 7) -> list[str]:
    """Plain sentences of 8-15 words (no abbreviations, no initials) adding up to n_chars."""
    rng = random.Random(seed)
    out, size = [], 0
    while size < n_chars:
        s = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 15)))
        s = s[0].upper() + s[1:] + rng.choice([".", ".", ".", "!", "?"])
        out.append(s)
        size += len(s) + 1
    return out


class _Counted(str):
    """A ``str`` that counts the characters copied by slicing it (its slices count too)."""

    copied = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def,override]
        piece = str.__getitem__(self, key)
        if isinstance(key, slice):
            _Counted.copied += len(piece)
            return _Counted(piece)
        return piece


def test_two_megabyte_paragraph_keeps_offsets_without_copying_the_rest() -> None:
    """The old segmenter sliced ``block[match.end():]`` at every full stop: ~27,000 copies
    of the rest of this paragraph (27 GB). Slicing the paragraph, each sentence and the 40
    characters before each stop is ~2.5 copies of the text."""
    sentences = _sentences(2_000_000, seed=3)
    text = _Counted(" ".join(sentences))
    _Counted.copied = 0
    passages = split_sentences(text)
    copied = _Counted.copied
    assert [p.text for p in passages] == sentences
    assert all(text[p.start : p.end] == p.text for p in passages)
    assert " ".join(p.text for p in passages) == text
    assert copied <= 4 * len(text), f"{copied / len(text):.0f} copies of the text"


def test_two_megabytes_without_a_full_stop_is_cut_into_bounded_pieces() -> None:
    """~1,900 pieces: the old recursive cutter hit Python's recursion limit at ~1,000."""
    rng = random.Random(5)
    text = " ".join(rng.choice(_WORDS) + ("," if rng.random() < 0.1 else "")
                    for _ in range(300_000))
    passages = split_sentences(text)
    assert len(passages) > 1000
    assert all(0 < p.end - p.start <= _MAX_SENTENCE for p in passages)
    assert all(text[p.start : p.end] == p.text for p in passages)
    assert " ".join(p.text for p in passages) == text


def test_sentence_end_match_never_starts_inside_a_run_of_stops() -> None:
    """A match tried from every dot of "....x" rescans the run each time: quadratic on a
    long run. A run is one match from its first character, or none."""
    assert _END.match("Wait... what", 5) is None
    assert _END.match("Wait... what", 4).group() == "..."  # type: ignore[union-attr]
    run = "x" + "." * 10_000 + "y"
    assert list(_END.finditer(run)) == []
    spans = [m.span() for m in _END.finditer("a" + "?!." * 1000 + ") b.")]
    assert spans == [(1, 3002), (3004, 3005)]


def _cpu(fn: Callable[[], object]) -> float:
    """Least CPU time (not wall time) of five runs: robust to other processes."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def test_name_trimming_is_linear_in_a_run_of_capitalised_common_words() -> None:
    """"The The The ..." is one long name match; trimming it by re-slicing the word list at
    each word was quadratic (16x the work at 4x the size; linear is 4x)."""
    small, large = "The " * 25_000, "The " * 100_000
    assert name_spans(large) == []
    assert name_spans("The The Mirova The") == [(8, 14, "Mirova")]
    ratio = _cpu(lambda: name_spans(large)) / max(_cpu(lambda: name_spans(small)), 1e-3)
    assert ratio < 10, f"4x the text cost {ratio:.1f}x the CPU time"


def _peak_bytes(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_minhash_memory_does_not_grow_with_shingles_times_permutations() -> None:
    """0.7 MB of text, ~100,000 shingles: one (shingles x 128) matrix was 70 MiB."""
    from wiretrace.fingerprint.lexical import minhash, shingle_hashes
    from wiretrace.text.tokens import words

    rng = random.Random(11)
    text = " ".join(rng.choice(_WORDS) for _ in range(100_000))
    minhash("warm up the cached permutations", 128, 5)
    peak = _peak_bytes(lambda: minhash(text, 128, 5))
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    # the same signature as one batch of the same shingles
    from datasketch import MinHash

    from wiretrace.fingerprint.lexical import SCHEME, _permutations

    whole = MinHash(num_perm=128, seed=1, scheme=SCHEME, hashfunc=int,
                    permutations=_permutations(128, 1))
    whole.update_batch(shingle_hashes(words(text), 5).tolist())
    assert np.array_equal(minhash(text, 128, 5).hashvalues, whole.hashvalues)


def test_static_encoder_does_not_widen_its_table() -> None:
    """Loading the table as float32 put 262 MB (393 MB at the peak) in every ingesting
    process; the rows a batch uses are widened instead, and the vectors are the same."""
    from wiretrace.fingerprint.embed import StaticEncoder

    texts = [" ".join(s.split()[:12]) for s in _sentences(600_000)]
    enc = StaticEncoder()
    vecs: list[np.ndarray] = []
    peak = _peak_bytes(lambda: vecs.append(enc.encode(texts)))
    out = vecs[0]
    assert out.shape == (len(texts), 512) and out.dtype == np.float32
    assert peak < 4 * out.nbytes + 32 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    # each vector is the normalised sum of its pieces' rows, in float32
    for i in (0, 1, len(texts) // 2, len(texts) - 1):
        ids = enc._sp.encode_many([texts[i]])[0]
        v = np.asarray(enc.table[ids], dtype=np.float32).sum(axis=0)
        assert np.allclose(out[i], v / np.linalg.norm(v), atol=1e-5)


def _capped_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   cap: int) -> tuple[Wiretrace, dict[str, Any], list[int]]:
    """An engine holding one demo wire story, the comparison bound lowered to ``cap``
    passages, and a list that receives the size of every full-model encode call."""
    import wiretrace.prepare as engine_module
    from wiretrace.demo import CORPUS, load_jsonl, to_article

    monkeypatch.setattr(engine_module, "MAX_COMPARED_PASSAGES", cap)
    src = next(d for d in load_jsonl(CORPUS / "originals.jsonl") if d["role"] == "wire_original")
    engine = Wiretrace(tmp_path / "store")
    engine.add([to_article(src)])
    encoded: list[int] = []
    full = engine.fingerprinter.full
    encode = full.encode
    monkeypatch.setattr(full, "encode", lambda texts: encoded.append(len(texts)) or encode(texts))
    return engine, src, encoded


def test_trace_of_a_giant_query_compares_its_head_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 5 MB paste (~35,000 sentences) was embedded and aligned whole while the engine was
    held; now only its first MAX_COMPARED_PASSAGES are, for the CLI, API, web and Spark."""
    from wiretrace.data import Article

    engine, src, encoded = _capped_engine(tmp_path, monkeypatch, 40)
    text = src["text"] + "\n\n" + " ".join(_sentences(60_000))  # ~600 more sentences
    result = engine.trace(Article(id="giant", text=text))
    assert len(result.article.passages) == 40
    cut = result.truncated
    assert cut is not None and cut["passages_compared"] == 40
    assert cut["chars_compared"] == len(result.article.text) < cut["chars_total"]
    assert "only the first 40 passages" in result.verdict
    assert result.sources and result.sources[0].source_id == src["id"]
    assert max(encoded) <= 40, encoded


def test_a_giant_stored_candidate_is_compared_by_its_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiretrace.data import Article
    from wiretrace.engine import prepare

    engine, src, encoded = _capped_engine(tmp_path, monkeypatch, 40)
    giant = Article(id="giant", text=src["text"] + "\n\n" + " ".join(_sentences(60_000)))
    engine.add([giant])  # ingest keeps every passage
    stored = engine.store.get("giant")
    assert stored is not None and len(stored.passages) > 500
    rel = engine.compare(prepare(Article(id="q", text=src["text"])), stored)
    assert rel.derived
    assert max(encoded) <= 40, encoded
    assert all(i < 40 for p in rel.alignment for i in p.source_idx)


def test_repeated_photo_credits_are_found_in_linear_time() -> None:
    """A page repeating "Photo: AP" checked every new credit against every one found so far
    (16x the work at 4x the size); each is found once, and the work grows linearly."""
    from wiretrace.ingest.credits import find_credits

    small, large = "Photo: AP\n" * 4_000, "Photo: AP\n" * 16_000
    assert len(find_credits(large)) == 16_000
    ratio = _cpu(lambda: find_credits(large)) / max(_cpu(lambda: find_credits(small)), 1e-3)
    assert ratio < 10, f"4x the text cost {ratio:.1f}x the CPU time"


def test_hashes_credits_and_chrome_rules_do_not_list_every_word() -> None:
    """A 2 MB paragraph: the content hash, the stable id, the credit finder and the chrome
    rules each built a list of all 300,000 words (~8x the text) before counting or
    joining them; now they stay within ~1x (a lower-cased copy at most)."""
    from wiretrace.ingest._common import stable_id
    from wiretrace.ingest.boilerplate import classify_line, split_page
    from wiretrace.ingest.credits import find_credits
    from wiretrace.store.sqlite import content_hash

    rng = random.Random(3)
    text = " ".join(rng.choice([*_WORDS, "Reuters"]) for _ in range(300_000))
    for name, work in [("content_hash", lambda: content_hash(text)),
                       ("stable_id", lambda: stable_id(None, text)),
                       ("find_credits", lambda: find_credits(text)),
                       ("classify_line", lambda: classify_line(text)),
                       ("split_page", lambda: split_page(text, find_title=True))]:
        peak = _peak_bytes(work)
        assert peak < 2.5 * len(text), f"{name}: peak {peak / len(text):.1f}x the text"


def test_folded_digest_is_the_whole_text_fold_in_any_chunking() -> None:
    """Chunks are cut before whitespace, so NFKC, case folding and the collapse of
    whitespace runs give the digest of the text folded at once, for any chunk size."""
    import hashlib
    import unicodedata

    from wiretrace.text.normalize import folded_digest

    alphabet = ["a", "B", " ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "\x1c", "\u0301",
                "\u00b4", "\u2000", "ß", "İ", "\ufb01", "\u1100", "\u1161", "\uac00"]
    rng = random.Random(5)
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        plain = " ".join(text.casefold().split())
        nfkc = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
        for chunk in (1, 2, 5, 64):
            assert folded_digest(text, chunk=chunk) == hashlib.sha1(plain.encode()).hexdigest()
            assert folded_digest(text, nfkc=True, chunk=chunk) == hashlib.sha1(
                nfkc.encode()).hexdigest()


def _rss_file_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("RssFile")) / 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_static_encoder_reads_rows_instead_of_mapping_the_table() -> None:
    """Scattered rows of a memory-mapped table made its whole 131 MB resident (the kernel
    maps 64 KB around each fault); rows are now read as first used and cached, and
    ingest's float16 vectors are the float32 ones rounded."""
    from wiretrace.fingerprint.embed import StaticEncoder

    texts = [" ".join(s.split()[:12]) for s in _sentences(300_000)]
    texts += ["Das Kabinett beschloss am Mittwoch höhere Löhne.", "价格上涨了百分之五。"] * 50
    enc = StaticEncoder()
    before = _rss_file_mb()
    out = enc.encode(texts)
    assert _rss_file_mb() - before < 16, f"table pages mapped: +{_rss_file_mb() - before:.0f} MB"
    assert enc._rows._used < 20_000  # pieces actually used, not the 128k of the table
    half = enc.encode(texts[:50], dtype=np.float16)
    assert half.dtype == np.float16 and np.allclose(half, out[:50], atol=1e-3)
