"""The story builder's batched phases read and keep what every other entry point reads:
stored fingerprints read together are the ones read one at a time, the entity vote
(``Store.term_candidates``) sums each shared rare term's IDF, and the full vectors a build
encodes in batches are kept in the store, where a trace of a stored article reads them (it
never encodes them again)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import wiretrace.engine
from wiretrace.demo import CORPUS, load_jsonl, to_article
from wiretrace.fingerprint import Fingerprinter
from wiretrace.fingerprint.embed import FullEncoder
from wiretrace.prepare import prepared
from wiretrace.story import build_stories

pytestmark = pytest.mark.usefixtures("one_model_load")

ORIGINALS = load_jsonl(CORPUS / "originals.jsonl")
COPIES = load_jsonl(CORPUS / "copies.jsonl")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, fingerprinter: Fingerprinter
          ) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("phases") / "store"
    wt = wiretrace.engine.Wiretrace(path)
    wt.add([to_article(d) for d in ORIGINALS + COPIES])
    build_stories(wt, workers=1)
    wt.store.close()
    yield path


def test_fingerprints_read_together_are_those_read_one_by_one(store: Path) -> None:
    wt = wiretrace.engine.Wiretrace(store, create=False)
    ids = list(wt.store.ids())
    arts = [prepared(wt.store.get(i)) for i in ids]  # type: ignore[arg-type]
    changed = prepared(arts[0].__class__(id=ids[0], text=arts[0].text + " One more."))
    got = wt.stored_fingerprints([*arts, changed])
    assert got[-1] is None  # not the stored text: made again by ``neighbours``
    for art, fp in zip(arts, got, strict=False):
        one = wt._stored_fingerprint(art)
        assert fp is not None and one is not None
        assert (fp.minhash, fp.terms) == (one.minhash, one.terms)
        assert np.array_equal(fp.vectors, one.vectors)
    for art, fp in zip(arts[:5], got, strict=False):
        assert wt.neighbours(art, limit=12, fingerprint=fp) == wt.neighbours(art, limit=12)


def test_term_candidates_sum_the_idf_of_shared_rare_terms(store: Path) -> None:
    """Against the definition, computed here row by row from the terms table."""
    wt = wiretrace.engine.Wiretrace(store, create=False)
    rows = wt.store.db.execute("SELECT term, article FROM terms").fetchall()
    holders: dict[str, list[int]] = {}
    for term, art in rows:
        holders.setdefault(term, []).append(art)
    n = len(wt.store)
    for aid in list(wt.store.ids())[:10]:
        fp = wt._stored_fingerprint(prepared(wt.store.get(aid)))  # type: ignore[arg-type]
        assert fp is not None and fp.terms
        want: dict[int, float] = {}
        for t in dict.fromkeys(fp.terms):
            arts = holders.get(t, [])
            if 0 < len(arts) <= max(2, 0.02 * n):
                for a in arts:
                    want[a] = want.get(a, 0.0) + float(np.log(1 + n / len(arts)))
        got = wt.store.term_candidates(fp.terms, limit=len(want) + 5)
        assert {a for a, _ in got} == set(want)
        for a, score in got:
            assert score == pytest.approx(want[a])
        assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)
        assert wt.store.term_candidates(fp.terms, limit=3) == got[:3]


def test_a_trace_reads_the_vectors_the_build_kept(store: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Every article the build judged has its vectors kept, as the batch encoded them; a new
    engine traces a stored article from them without the full model."""
    wt = wiretrace.engine.Wiretrace(store, create=False)
    ids = list(wt.store.ids())
    judged = {r[0] for r in wt.store.db.execute("SELECT a FROM story_pairs UNION "
                                                "SELECT b FROM story_pairs")}
    assert judged and judged <= set(ids)
    kept = {r[0] for r in wt.store.db.execute(
        "SELECT a.id FROM profiles p JOIN articles a ON a.rowid = p.article")}
    assert judged <= kept

    def no_model(self: FullEncoder, texts: list[str], dtype: type = np.float32) -> np.ndarray:
        raise AssertionError("a stored article's vectors were encoded again")

    monkeypatch.setattr(FullEncoder, "encode", no_model)
    for aid in sorted(judged)[:6]:
        art = wt.store.get(aid)
        assert art is not None
        result = wt.trace(art)
        assert result.relations
        seen = {x for r in result.relations for x in (r.copy_id, r.source_id)}
        holders = {wt.store.get_by_rowid(wt.store.rowid_of(x)).id for x in seen}  # type: ignore
        assert holders <= kept  # a republication's vectors are its article's


def test_batched_vectors_are_close_to_one_article_alone(store: Path) -> None:
    """A batch rounds a few int8 codes differently, never more than a step (cosine to the
    article encoded alone above 0.9999)."""
    from wiretrace.compare import full_vectors

    wt = wiretrace.engine.Wiretrace(store, create=False)
    for aid in list(wt.store.ids())[:6]:
        art = prepared(wt.store.get(aid))  # type: ignore[arg-type]
        kept = wt.profile(art).full
        alone = full_vectors(wt.fingerprinter.full, art)
        assert kept.shape == alone.shape
        assert float(np.min(np.sum(kept * alone, axis=1))) > 0.9999
