"""WordNet 3.0 from Debian's ``wordnet-base`` and ``wordnet-sense-index``.

The runtime needs it to type a changed word as a synonym (forensics): it asks a
``SynsetIndex``, a small SQLite file built once from the index files that answers as NLTK's
``synsets`` does, without importing NLTK. The benchmark's spinner reads WordNet with NLTK
(``load_wordnet``) to make spun copies. It lives here, not in ``wiretrace.bench``, so that a
trace never imports the benchmark package.

NLTK cannot download its own copy here, and it will not read ``/usr/share/wordnet`` in place:
it wants the files under an NLTK data folder as ``corpora/wordnet/`` together with a
``lexnames`` file that Debian does not ship, and its path sandbox refuses symlinks that leave
the corpus folder. So :func:`nltk_data_dir` copies the files once into a cache folder
(``~/.cache/wiretrace/nltk_data``) and writes ``lexnames``. The reader skips NLTK's mapping
to other WordNet versions (only used by the multilingual functions), which would otherwise
cost several seconds per process.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import urllib.parse
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

INSTALL_HINT = (
    "install it with `sudo apt-get install wordnet-base wordnet-sense-index` "
    "or run scripts/install_bench_deps.sh"
)
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
def wordnet_installed() -> bool:
    """Whether Debian's WordNet files are there (a cheap check: loading them takes ~3 s)."""
    source = wordnet_source_dir()
    return all((source / name).is_file() for name in _FILES)


def load_wordnet(cache: Path | None = None) -> Any:  # nltk's WordNetCorpusReader
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


#: the parts of speech ``synsets`` looks in, with their files' suffixes (NLTK's POS_LIST)
_POS = (("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv"))
#: NLTK's ``WordNetCorpusReader.MORPHOLOGICAL_SUBSTITUTIONS`` (its ``morphy`` rules)
_RULES = {
    "n": (("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"),
          ("shes", "sh"), ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
          ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}
_INDEX_FORMAT = 1


class SynsetIndex:
    """Which WordNet synsets a word belongs to, as NLTK's ``wordnet.synsets(word)`` finds
    them (the same lemma lookup and ``morphy`` rules and exception lists), from a small
    SQLite file built once from Debian's index files into the cache folder.

    A synset is named ``"<pos>:<offset>"`` (its data file and offset): two words share a
    sense exactly when NLTK's synsets of the two share one. Loading NLTK's reader cost every
    new trace process 2-4 s (importing NLTK, which imports SciPy, and parsing the index files
    into a dict); opening this file costs a millisecond, and a word is two small queries.
    """

    def __init__(self, path: Path) -> None:
        import sqlite3

        uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro"
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def synset_ids(self, word: str) -> frozenset[str]:
        lemma = word.lower()
        with self._lock:
            exceptions = dict(self.db.execute("SELECT pos, forms FROM exc WHERE word=?",
                                              (lemma,)).fetchall())
            wanted: dict[str, set[str]] = {}  # form -> parts of speech it is looked up in
            for pos, _ in _POS:
                if pos in exceptions:
                    forms = exceptions[pos].split()
                else:
                    forms = [lemma[: -len(old)] + new for old, new in _RULES[pos]
                             if lemma.endswith(old)]
                for form in [lemma, *forms]:
                    wanted.setdefault(form, set()).add(pos)
            marks = ",".join("?" * len(wanted))
            rows = self.db.execute(f"SELECT lemma, pos, offsets FROM idx WHERE lemma IN "
                                   f"({marks})", list(wanted)).fetchall()
        return frozenset(f"{pos}:{off}" for lemma_, pos, offsets in rows
                         if pos in wanted[lemma_] for off in offsets.split())


def _index_lines(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf8") as fh:
        for line in fh:
            if not line.startswith(" "):  # the licence header
                yield line.split()


def build_synset_index(source: Path, dest: Path) -> None:
    """Write ``dest`` (atomically) from the WordNet files in ``source``: each lemma's synset
    offsets per part of speech, and the exception lists, as NLTK reads them (a later line of
    an exception file wins, as in NLTK's map)."""
    import sqlite3

    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(str(tmp))
    db.executescript("""
        CREATE TABLE idx (lemma TEXT NOT NULL, pos TEXT NOT NULL, offsets TEXT NOT NULL,
                          PRIMARY KEY (lemma, pos)) WITHOUT ROWID;
        CREATE TABLE exc (word TEXT NOT NULL, pos TEXT NOT NULL, forms TEXT NOT NULL,
                          PRIMARY KEY (word, pos)) WITHOUT ROWID;
    """)
    for pos, suffix in _POS:
        rows = []
        for tok in _index_lines(source / f"index.{suffix}"):
            n_synsets, n_pointers = int(tok[2]), int(tok[3])
            first = 4 + n_pointers + 2  # pointer symbols, sense count, tagged sense count
            rows.append((tok[0], pos, " ".join(tok[first:first + n_synsets])))
        db.executemany("INSERT OR REPLACE INTO idx VALUES (?,?,?)", rows)
        with open(source / f"{suffix}.exc", encoding="utf8") as fh:
            exc = [(t[0], pos, " ".join(t[1:])) for t in (line.split() for line in fh) if t]
        db.executemany("INSERT OR REPLACE INTO exc VALUES (?,?,?)", exc)
    db.commit()
    db.close()
    os.replace(tmp, dest)


def synset_index(cache: Path | None = None) -> SynsetIndex:
    """The ``SynsetIndex`` of the installed WordNet, built into the cache folder on first
    use (~2 s) and again when the files change. Raises :class:`WordNetMissing`."""
    src = wordnet_source_dir()
    names = [f"index.{s}" for _, s in _POS] + [f"{s}.exc" for _, s in _POS]
    missing = [f for f in names if not (src / f).is_file()]
    if missing:
        raise WordNetMissing(f"WordNet files missing in {src} ({', '.join(missing)}): "
                             f"{INSTALL_HINT}")
    stamp = hashlib.sha1(json.dumps(
        [_INDEX_FORMAT, str(src.resolve())] + [[n, (src / n).stat().st_size,
                                                (src / n).stat().st_mtime_ns] for n in names]
    ).encode()).hexdigest()[:16]
    root = Path(cache) if cache is not None else cache_root()
    path = root / f"wordnet-synsets-{stamp}.sqlite"
    if not path.is_file():
        root.mkdir(parents=True, exist_ok=True)
        build_synset_index(src, path)
    return SynsetIndex(path)


def cache_root() -> Path:
    """``$WIRETRACE_CACHE``, else ``$XDG_CACHE_HOME/wiretrace``, else ``~/.cache/wiretrace``:
    the same folder the benchmark and the model cache use."""
    env = os.environ.get("WIRETRACE_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "wiretrace"
