"""WordNet 3.0 from Debian's ``wordnet-base`` and ``wordnet-sense-index``, read with NLTK.

The runtime needs it to type a changed word as a synonym (forensics); the benchmark's
spinner needs it to make spun copies. It lives here, not in ``wiretrace.bench``, so that a
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

import os
import shutil
import warnings
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


def cache_root() -> Path:
    """``$WIRETRACE_CACHE``, else ``$XDG_CACHE_HOME/wiretrace``, else ``~/.cache/wiretrace``:
    the same folder the benchmark and the model cache use."""
    env = os.environ.get("WIRETRACE_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "wiretrace"
