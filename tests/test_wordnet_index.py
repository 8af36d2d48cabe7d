"""The synset index answers as NLTK's WordNet reader does, word for word: the forensics
type a changed word as a synonym with it, and loading NLTK's reader cost every new trace
process 2-4 s."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wiretrace.demo import CORPUS, load_jsonl
from wiretrace.text.wordnet import build_synset_index, synset_index, wordnet_source_dir

pytestmark = pytest.mark.skipif(not (wordnet_source_dir() / "index.noun").is_file(),
                                reason="WordNet files not installed")

EXTRA = ("meetings assembly gathered running ran geese mice children better best oxen "
         "stated said says quickly happier boxes churches men women wolves studies dies "
         "axes bases saw leaves aren't co-operation new_york New York USA I a").split()


def _nltk_ids(wn, word: str) -> frozenset[str]:  # type: ignore[no-untyped-def]
    return frozenset(f"{'a' if s.pos() in 'as' else s.pos()}:{s.offset():08d}"
                     for s in wn.synsets(word))


def test_same_synsets_as_nltk_on_the_demo_corpus_words(tmp_path: Path) -> None:
    pytest.importorskip("nltk")
    from wiretrace.text.wordnet import load_wordnet

    wn = load_wordnet(tmp_path / "nltk")
    index = synset_index(tmp_path / "cache")
    words = set(EXTRA)
    for doc in load_jsonl(CORPUS / "originals.jsonl"):
        words |= set(re.findall(r"[A-Za-z][A-Za-z'-]*", doc["text"]))
    assert len(words) > 1000
    found = 0
    for w in sorted(words):
        mine = index.synset_ids(w)
        assert mine == _nltk_ids(wn, w), w
        found += bool(mine)
    assert found > 500  # most words are in WordNet: the comparison is not of empty sets


def test_the_index_is_built_once_and_again_for_other_files(tmp_path: Path) -> None:
    src = wordnet_source_dir()
    first = synset_index(tmp_path)
    files = sorted(tmp_path.glob("wordnet-synsets-*.sqlite"))
    assert len(files) == 1
    synset_index(tmp_path)
    assert sorted(tmp_path.glob("wordnet-synsets-*.sqlite")) == files
    assert first.synset_ids("meeting") & first.synset_ids("gathering")
    assert not first.synset_ids("zzzqqq")
    copy = tmp_path / "wn"
    copy.mkdir()
    for f in src.iterdir():
        if f.is_file():
            (copy / f.name).write_bytes(f.read_bytes())
    build_synset_index(copy, tmp_path / "x.sqlite")
    assert (tmp_path / "x.sqlite").stat().st_size > 1_000_000
