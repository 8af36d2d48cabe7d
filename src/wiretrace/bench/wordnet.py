"""WordNet 3.0 from Debian's ``wordnet-base`` and ``wordnet-sense-index``, read with NLTK.

NLTK cannot download its own copy here, and it will not read ``/usr/share/wordnet`` in place:
it wants the files under an NLTK data folder as ``corpora/wordnet/`` together with a
``lexnames`` file that Debian does not ship, and its path sandbox refuses symlinks that leave
the corpus folder. So :func:`nltk_data_dir` copies the files once into a cache folder
(``~/.cache/wiretrace/nltk_data``) and writes ``lexnames``. The reader skips NLTK's mapping
to other WordNet versions (only used by the multilingual functions), which would otherwise
cost several seconds per process.

:class:`Lexicon` is the small surface the spinner needs: lemmas, part-of-speech weights from
sense-tagged counts, synonyms by sense frequency, and irregular forms for inflecting them.
"""

from __future__ import annotations

import os
import shutil
import warnings
from functools import cache, lru_cache
from pathlib import Path

from wiretrace.bench.paths import cache_root

INSTALL_HINT = (
    "install it with `sudo apt-get install wordnet-base wordnet-sense-index` "
    "or run scripts/install_bench_deps.sh"
)
POS_TAGS = ("n", "v", "a", "r")
_FILES = (
    "data.noun", "data.verb", "data.adj", "data.adv",
    "index.noun", "index.verb", "index.adj", "index.adv",
    "noun.exc", "verb.exc", "adj.exc", "adv.exc",
    "index.sense", "cntlist.rev",
)  # fmt: skip
# The 45 lexicographer files of WordNet 3.0, numbered as in the data files (lexnames(5WN)).
_LEXNAMES = (
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute "
    "noun.body noun.cognition noun.communication noun.event noun.feeling noun.food noun.group "
    "noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant "
    "noun.possession noun.process noun.quantity noun.relation noun.shape noun.state "
    "noun.substance noun.time verb.body verb.change verb.cognition verb.communication "
    "verb.competition verb.consumption verb.contact verb.creation verb.emotion verb.motion "
    "verb.perception verb.possession verb.social verb.stative verb.weather adj.ppl"
).split()
_SYNTACTIC_CATEGORY = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}


class WordNetMissing(RuntimeError):
    """Debian's WordNet files are not installed."""


def wordnet_source_dir() -> Path:
    """Where Debian installs WordNet (``$WIRETRACE_WORDNET_DIR`` overrides)."""
    return Path(os.environ.get("WIRETRACE_WORDNET_DIR", "/usr/share/wordnet"))


def _lexnames_text() -> str:
    return "".join(
        f"{i:02d}\t{name}\t{_SYNTACTIC_CATEGORY[name.split('.')[0]]}\n"
        for i, name in enumerate(_LEXNAMES)
    )


def nltk_data_dir(cache: Path | None = None) -> Path:
    """An NLTK data folder holding ``corpora/wordnet`` copied from Debian's files.

    Copies only what is missing or changed (by size), so after the first call it costs a few
    ``stat`` calls. Raises :class:`WordNetMissing` with the install command when the Debian
    files are absent.
    """
    src = wordnet_source_dir()
    missing = [f for f in _FILES if not (src / f).is_file()]
    if missing:
        names = ", ".join(missing)
        raise WordNetMissing(f"WordNet files missing in {src} ({names}): {INSTALL_HINT}")
    root = Path(cache) if cache is not None else cache_root() / "nltk_data"
    dest = root / "corpora" / "wordnet"
    dest.mkdir(parents=True, exist_ok=True)
    for name in _FILES:
        s, d = src / name, dest / name
        if d.is_symlink() or not d.is_file() or d.stat().st_size != s.stat().st_size:
            tmp = dest / f".{name}.{os.getpid()}.tmp"
            shutil.copyfile(s, tmp)
            os.replace(tmp, d)
    lexnames = dest / "lexnames"
    text = _lexnames_text()
    if not lexnames.is_file() or lexnames.read_text() != text:
        tmp = dest / f".lexnames.{os.getpid()}.tmp"
        tmp.write_text(text)
        os.replace(tmp, lexnames)
    return root


@cache
def load_wordnet(cache: Path | None = None):  # -> nltk WordNetCorpusReader
    """The NLTK WordNet reader over Debian's files (loaded once per process, ~3 s)."""
    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    class _DebianWordNet(WordNetCorpusReader):
        def map_wn(self, version: str = "wordnet") -> None:  # no OMW: skip the version map
            return None

    root = nltk_data_dir(cache)
    if str(root) not in nltk.data.path:
        nltk.data.path.append(str(root))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _DebianWordNet(str(root / "corpora" / "wordnet"), None)


class Lexicon:
    """The WordNet queries the spinner makes, memoised per word."""

    def __init__(self, wn=None) -> None:
        self.wn = wn if wn is not None else load_wordnet()
        self._forms: dict[str, dict[str, list[str]]] = {p: {} for p in ("n", "v")}
        for pos in ("n", "v"):
            for form, lemmas in self.wn._exception_map[pos].items():
                for lemma in lemmas:
                    self._forms[pos].setdefault(lemma, []).append(form)

    @lru_cache(maxsize=200_000)  # noqa: B019 - one Lexicon per process
    def lemmas(self, word: str, pos: str) -> tuple[str, ...]:
        """WordNet lemmas ``word`` may be an inflection of (the word itself first if a lemma)."""
        return tuple(self.wn._morphy(word, pos))

    @lru_cache(maxsize=200_000)  # noqa: B019
    def pos_weights(self, word: str) -> dict[str, float]:
        """How often ``word`` is each part of speech, from sense-tagged counts (+0.5 a sense).

        This stands in for a trained tagger's lexical prior: "meeting" is mostly a noun,
        "said" a verb, "top" both.
        """
        out: dict[str, float] = {}
        for pos in POS_TAGS:
            total = 0.0
            for lemma in self.lemmas(word, pos):
                for syn in self.wn.synsets(lemma, pos):
                    for lem in syn.lemmas():
                        if lem.name().lower() == lemma:
                            total += lem.count() + 0.5
            if total:
                out[pos] = total
        return out

    @lru_cache(maxsize=200_000)  # noqa: B019
    def synonyms(self, lemma: str, pos: str, senses: int = 3) -> tuple[str, ...]:
        """Synonyms of ``lemma``, most frequent sense first and, within a sense, most used first.

        Skipped: proper names, words containing ``lemma`` (``meeting`` -> ``group meeting``
        is no disguise), lemmas of more than two words, and anything not purely alphabetic.
        One-word synonyms come before phrases.
        """
        out: list[str] = []
        for syn in self.wn.synsets(lemma, pos)[:senses]:
            ranked = sorted(syn.lemmas(), key=lambda lem: -lem.count())
            for lem in ranked:
                name = lem.name().replace("_", " ")
                low = name.lower()
                words = low.split()
                if (
                    low == lemma
                    or name != low
                    or len(words) > 2
                    or lemma in words
                    or any(lemma in w or w in lemma for w in words if len(w) > 3)
                    or not all(w.replace("-", "").isalpha() for w in words)
                    or low in out
                ):
                    continue
                out.append(low)
        # Single words first: a phrasal synonym ("look into") leaves the particle behind.
        return tuple(sorted(out, key=lambda w: " " in w))

    def irregular_forms(self, lemma: str, pos: str) -> list[str]:
        """Inflected forms WordNet lists as exceptions for ``lemma`` ("took", "taken")."""
        return list(self._forms.get(pos, {}).get(lemma, []))
