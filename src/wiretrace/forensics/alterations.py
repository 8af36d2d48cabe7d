"""What a copy changed: typed alterations inside the aligned passage pairs.

The engine has already decided that ``copy`` derives from ``source`` and aligned them
sentence by sentence; here each pair is compared word by word and every difference that
matters to a reader gets a type, a severity and character offsets on both sides:

- names: a name only in the copy that is a recognisable respelling of a name only in the
  source is *garbled* (Jaro-Winkler on the folded tokens: Blinken/Brinken, Raimondo/Raimond;
  phonetic codes miss l/r swaps); one that is not, is *swapped* — a factual change;
- numbers and negations that differ; words inside quotation marks that differ (a
  misquotation); a wire credit or "told Reuters" that is gone;
- sentences added or dropped, page chrome the copy carries and the source does not;
- a content word replaced by a WordNet synonym: the mark of a spinner (only when WordNet
  is installed; the summary says when it is not).

Machine translation rewrites every sentence, so across languages only names and numbers
are compared, and a garbled name needs a closer match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from typing import Any

from rapidfuzz.distance import Indel, JaroWinkler

from wiretrace.align import DATELINE_CREDIT
from wiretrace.data import AlignedPair, Alteration, Article, Passage
from wiretrace.text.cache import per_text
from wiretrace.text.normalize import fold
from wiretrace.text.tokens import NUMBER, STOPWORDS, name_spans, name_tokens, word_spans

SEVERITY = {
    "name_swapped": "high",
    "number_changed": "high",
    "negation_flipped": "high",
    "quote_changed": "high",
    "name_garbled": "medium",
    "attribution_removed": "medium",
    "sentence_added": "low",
    "sentence_dropped": "low",
    "boilerplate_added": "low",
    "synonym": "low",
}
_ORDER = {"low": 0, "medium": 1, "high": 2}
GARBLED_SAME_LANGUAGE = 0.8
GARBLED_CROSS_LANGUAGE = 0.88
_NEGATORS = frozenset({"not", "never", "cannot", "nor", "no"})
# a quotation opens before a non-space and closes after one: '" Smith said, "' is between
# two quotations, not one
_QUOTE = re.compile(
    r"\"(?=\S)[^\"]{3,}(?<=\S)\"|\u201c[^\u201d]{3,}\u201d|\u00ab[^\u00bb]{3,}\u00bb"
)
_AGENCY = (
    r"Reuters|AP|AFP|UPI|Bloomberg|dpa|the Associated Press|Associated Press|"
    r"Agence France-Presse|Xinhua|Kyodo|EFE|ANSA"
)
_ATTRIBUTION = re.compile(
    rf"\((?:{_AGENCY})\)|\b(?:told|according to|said in a statement to|reported by)\s+"
    rf"(?:{_AGENCY})\b"
)


@dataclass(slots=True)
class _Side:
    """One side of an aligned pair: its text span and its tokens in article offsets."""

    start: int
    text: str
    words: list[tuple[int, int, str]]  # article offsets, folded word
    quotes: list[tuple[int, int]]  # article offsets of quotations

    @classmethod
    def of(cls, article: Article, span: tuple[int, int]) -> _Side:
        a, b = span
        text = article.text[a:b]
        ws = [(a + s, a + e, w) for s, e, w in word_spans(text)]
        qs = [(a + m.start(), a + m.end()) for m in _QUOTE.finditer(text)]
        return cls(a, text, ws, qs)

    def in_quote(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.quotes)


def proper_names(article: Article) -> set[str]:
    """Folded name tokens the article capitalises somewhere other than a sentence start:
    "Harvests rose" opens a sentence, "said Harvests" would be a name."""
    out: set[str] = set()
    passages = article.passages or []
    texts = [p.text for p in passages] or [article.text]
    for text in texts:
        for s, _, name in name_spans(text):
            toks = name.split()
            for k, tok in enumerate(toks):
                opens = s == 0 or text[:s].rstrip().endswith(("\"", "\u201c", ":"))
                if k == 0 and opens:
                    continue
                out.add(fold(tok.strip(".'-\u2019")))
    return out


def _name_sets(copy: Article, source: Article) -> tuple[set[str], set[str], set[str], set[str]]:
    copy_tokens, copy_names = _names_of(copy.text, tuple(p.text for p in copy.passages or ()))
    source_tokens, source_names = _names_of(source.text,
                                            tuple(p.text for p in source.passages or ()))
    return set(copy_tokens), set(source_tokens), set(copy_names), set(source_names)


@lru_cache(maxsize=64)
def _names_of(text: str, passages: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Name tokens and proper names of one text, once per text: a trace compares one query
    with twenty candidates (0.9 s of a 1,000-passage query's trace went to redoing them)."""
    article = Article(id="-", text=text, passages=[
        Passage(index=i, start=0, end=0, text=t) for i, t in enumerate(passages)])
    return frozenset(name_tokens(text)), frozenset(proper_names(article))


def _names_with_offsets(article: Article, span: tuple[int, int],
                        known: set[str]) -> dict[str, tuple[int, int, str]]:
    """Folded name token -> (start, end, surface) for proper-name tokens inside ``span``.

    A sentence-initial capitalised word counts only when the article uses it as a name
    elsewhere (``known``): "Police said" is not a name.
    """
    a, b = span
    out: dict[str, tuple[int, int, str]] = {}
    for s, _, name in name_spans(article.text[a:b]):
        pos = s
        for tok in name.split():
            k = article.text.find(tok, a + pos, b)
            pos = (k - a if k >= 0 else pos) + len(tok)
            surf = tok.strip(".'-\u2019")
            f = fold(surf)
            if len(f) < 3 or f in STOPWORDS or not f.isalpha() or f not in known:
                continue
            if k >= 0:
                out.setdefault(f, (k, k + len(surf), surf))
    return out


def _numbers_with_offsets(side: _Side) -> list[tuple[int, int, str]]:
    out = []
    for m in NUMBER.finditer(side.text):
        raw = m.group().rstrip(".,")
        key = re.sub(r"[.,](?=\d{3}\b)", "", raw)  # 1,000 / 1.000 -> 1000
        out.append((side.start + m.start(), side.start + m.start() + len(raw), key))
    return out


def _negations(words: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    return [t for t in words if t[2] in _NEGATORS or t[2].endswith(("n't", "n\u2019t"))]


@cache
def _wordnet() -> Any | None:
    """WordNet's synsets of a word (``text.wordnet.SynsetIndex``: NLTK's answers, without
    loading NLTK), or None when Debian's files are not installed."""
    try:
        from wiretrace.text.wordnet import synset_index

        return synset_index()
    except Exception:  # noqa: BLE001 - WordNet is optional: synonyms are then not typed
        return None


def wordnet_available() -> bool:
    """Whether a changed word can be typed as a synonym. WordNet itself (its synset index:
    built once, ~2 s) is opened only when an alteration needs it; until then its files being
    installed is the answer."""
    if _wordnet.cache_info().currsize:
        return _wordnet() is not None
    from wiretrace.text.wordnet import wordnet_installed

    return wordnet_installed()


@cache
def _synsets(word: str) -> frozenset[str]:
    wn = _wordnet()
    if wn is None:
        return frozenset()
    return wn.synset_ids(word)


def are_synonyms(a: str, b: str) -> bool:
    """Two different words that share a WordNet sense."""
    if a == b or len(a) < 3 or len(b) < 3 or _same_stem(a, b):
        return False
    return bool(_synsets(a) & _synsets(b))


def _same_stem(a: str, b: str) -> bool:
    """Inflections of one word (euro/euros, rose/rise is not caught: WordNet shares it)."""
    if a.startswith(b) or b.startswith(a):
        return True
    k = min(len(a), len(b)) - 2
    return k >= 3 and a[:k] == b[:k]


def _alt(kind: str, copy: Article, source: Article, cs: tuple[int, int] | None,
         ss: tuple[int, int] | None, note: str = "") -> Alteration:
    return Alteration(
        type=kind, severity=SEVERITY[kind], copy_span=cs, source_span=ss,
        copy_text=copy.text[cs[0]:cs[1]] if cs else "",
        source_text=source.text[ss[0]:ss[1]] if ss else "", note=note,
    )


def _capitalised(article: Article, t: tuple[int, int, str]) -> bool:
    return article.text[t[0]].isupper() and t[2] not in STOPWORDS and t[2].isalpha()


@per_text
def _text_words(text: str) -> frozenset[str]:
    """The folded words of a whole text, once per text: asked for every aligned pair, it
    made a long article's alterations quadratic."""
    return frozenset(w for *_, w in word_spans(text))


def _names_in_diff(copy: Article, source: Article, q: _Side, s: _Side, proper: set[str],
                   source_proper: set[str], out: list[Alteration], explained_q: set[int],
                   explained_s: set[int]) -> None:
    """Same language: names replaced in the word diff are garbled (a close respelling) or
    swapped (another proper name)."""
    sm = SequenceMatcher(a=[w for *_, w in s.words], b=[w for *_, w in q.words],
                         autojunk=False)
    source_words = _text_words(source.text)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "replace":
            continue
        qcap = [t for t in q.words[j1:j2] if _capitalised(copy, t)]
        scap = [t for t in s.words[i1:i2] if _capitalised(source, t)]
        for tq in list(qcap):
            if not scap:
                break
            if tq[2] in source_words:
                continue  # a word the source uses: moved or swapped, not misspelt
            ts = max(scap, key=lambda t: JaroWinkler.similarity(tq[2], t[2]))
            sim = JaroWinkler.similarity(tq[2], ts[2])
            if sim >= GARBLED_SAME_LANGUAGE and min(len(tq[2]), len(ts[2])) >= 4:
                out.append(_alt("name_garbled", copy, source, tq[:2], ts[:2],
                                f"Jaro-Winkler {sim:.2f}"))
                qcap.remove(tq)
                scap.remove(ts)
                explained_q.add(tq[0])
                explained_s.add(ts[0])
        if qcap and scap and any(t[2] in proper for t in qcap) \
                and any(t[2] in source_proper for t in scap):
            note = ("a name from elsewhere in the source"
                    if any(t[2] in source_proper for t in qcap) else "a name new to the copy")
            out.append(_alt("name_swapped", copy, source, (qcap[0][0], qcap[-1][1]),
                            (scap[0][0], scap[-1][1]), note))
            explained_q.update(t[0] for t in qcap)
            explained_s.update(t[0] for t in scap)


def _names_across_languages(copy: Article, source: Article, pair: AlignedPair, q: _Side,
                            s: _Side, copy_names: set[str], source_names: set[str],
                            source_proper: set[str], out: list[Alteration],
                            explained_q: set[int], explained_s: set[int]) -> None:
    """Across languages word order changes and common words are translated: compare the
    pair's name sets; a garbled name must be close and not a dictionary word (Biblia/Bible
    is a translation, not a garble)."""
    qn = _names_with_offsets(copy, pair.copy_span, copy_names)
    sn = _names_with_offsets(source, pair.source_span, source_names)
    only_q = {k: v for k, v in qn.items() if k not in sn and k not in _folded_words(s)}
    only_s = {k: v for k, v in sn.items() if k not in qn and k not in _folded_words(q)}
    source_words = _text_words(source.text)
    for kq, (a, b, _) in sorted(only_q.items(), key=lambda x: x[1][0]):
        cands = [k for k in only_s if not _synsets(k)] if kq not in source_words else []
        best = max(cands, key=lambda k: JaroWinkler.similarity(kq, k), default=None)
        sim = JaroWinkler.similarity(kq, best) if best else 0.0
        if best is not None and sim >= GARBLED_CROSS_LANGUAGE and min(len(kq), len(best)) >= 4:
            sa, sb, _ = only_s.pop(best)
            out.append(_alt("name_garbled", copy, source, (a, b), (sa, sb),
                            f"Jaro-Winkler {sim:.2f}"))
        elif kq in source_proper:
            targets = [k for k in only_s if k in source_proper]
            if not targets:
                continue
            ks = min(targets, key=lambda k: abs((only_s[k][0] - s.start) - (a - q.start)))
            sa, sb, _ = only_s.pop(ks)
            out.append(_alt("name_swapped", copy, source, (a, b), (sa, sb),
                            "a name from elsewhere in the source"))
        else:
            continue
        explained_q.add(a)
        explained_s.add(out[-1].source_span[0])  # type: ignore[index]


def pair_alterations(copy: Article, source: Article, pair: AlignedPair, *,
                     cross_language: bool = False,
                     names: tuple[set[str], set[str], set[str], set[str]] | None = None,
                     ) -> list[Alteration]:
    """Typed differences inside one aligned pair. ``names``: the copy's and the source's
    name tokens (any capitalised use), then their proper names (see ``proper_names``)."""
    copy_names, source_names, copy_proper, source_proper = names or _name_sets(copy, source)
    q, s = _Side.of(copy, pair.copy_span), _Side.of(source, pair.source_span)
    out: list[Alteration] = []
    explained_q: set[int] = set()  # copy word starts already accounted for
    explained_s: set[int] = set()

    # names
    if cross_language:
        _names_across_languages(copy, source, pair, q, s, copy_names, source_names,
                                source_proper, out, explained_q, explained_s)
    else:
        _names_in_diff(copy, source, q, s, copy_proper | source_proper, source_proper,
                       out, explained_q, explained_s)

    # numbers
    qnum, snum = _numbers_with_offsets(q), _numbers_with_offsets(s)
    skeys, qkeys = [n[2] for n in snum], [n[2] for n in qnum]
    q_new = [n for n in qnum if n[2] not in skeys]
    s_gone = [n for n in snum if n[2] not in qkeys]
    for (a, b, _), (sa, sb, _) in zip(q_new, s_gone, strict=False):
        out.append(_alt("number_changed", copy, source, (a, b), (sa, sb)))
        explained_q.add(a)
        explained_s.add(sa)

    if cross_language:
        return out

    # negation: a different count of negators is a flipped statement
    nq, ns = _negations(q.words), _negations(s.words)
    if len(nq) != len(ns):
        more, side = (nq, "copy") if len(nq) > len(ns) else (ns, "source")
        extra = _unmatched_negator(more, ns if side == "copy" else nq)
        here = (extra[0], extra[1])
        if side == "copy":
            cs, ss = here, _at_same_place(s, q, extra[0])
        else:
            cs, ss = _at_same_place(q, s, extra[0]), here
        out.append(_alt("negation_flipped", copy, source, cs, ss,
                        f"negation only in the {side}"))
        explained_q.update(t[0] for t in nq)
        explained_s.update(t[0] for t in ns)

    # word-level differences: quotations and synonyms
    sm = SequenceMatcher(a=[w for *_, w in s.words], b=[w for *_, w in q.words],
                         autojunk=False)
    quote_hits: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        qw, sw = q.words[j1:j2], s.words[i1:i2]
        if any(t[0] in explained_q for t in qw) or any(t[0] in explained_s for t in sw):
            continue
        quoted = [t for t in qw if q.in_quote(t[0])] or [t for t in sw if s.in_quote(t[0])]
        if quoted and (qw or sw):
            qspan = next(((qs, qe) for qs, qe in q.quotes if qw and qs <= qw[0][0] < qe),
                         None)
            key = qspan or (-1, -1)
            quote_hits.setdefault(key, []).append(
                (sw[0][0] if sw else -1, sw[-1][1] if sw else -1))
        if op == "replace" and len(qw) == len(sw) and len(qw) <= 2:
            for (a, b, wq), (sa, sb, ws) in zip(qw, sw, strict=True):
                if wq not in STOPWORDS and ws not in STOPWORDS and are_synonyms(ws, wq):
                    out.append(_alt("synonym", copy, source, (a, b), (sa, sb)))
    for qspan, _ in quote_hits.items():
        sspan = _matching_quote(q, s, qspan)
        out.append(_alt("quote_changed", copy, source,
                        qspan if qspan[0] >= 0 else None, sspan,
                        "words inside the quotation differ"))
    return out


def _folded_words(side: _Side) -> set[str]:
    return {w for *_, w in side.words}


def _unmatched_negator(more: list[tuple[int, int, str]],
                       fewer: list[tuple[int, int, str]]) -> tuple[int, int, str]:
    kinds = [t[2] for t in fewer]
    for t in more:
        if t[2] in kinds:
            kinds.remove(t[2])
        else:
            return t
    return more[-1]


def _at_same_place(side: _Side, other: _Side, pos: int) -> tuple[int, int]:
    """The word of ``side`` at the relative place of offset ``pos`` in ``other``."""
    if not side.words:
        return (side.start, side.start + len(side.text))
    target = side.start + (pos - other.start) / max(1, len(other.text)) * len(side.text)
    best = min(side.words, key=lambda t: abs(t[0] - target))
    return (best[0], best[1])


def _matching_quote(q: _Side, s: _Side, qspan: tuple[int, int]) -> tuple[int, int] | None:
    if not s.quotes:
        return None
    if qspan[0] < 0:
        return s.quotes[0]
    qt = q.text[qspan[0] - q.start : qspan[1] - q.start]
    return max(s.quotes, key=lambda sp: Indel.normalized_similarity(
        qt, s.text[sp[0] - s.start : sp[1] - s.start]))


def attribution_alterations(copy: Article, source: Article,
                            pairs: list[AlignedPair]) -> list[Alteration]:
    """Wire credits and "told Reuters" attributions the source has and the copy lacks."""
    out = []
    copy_text = copy.text
    m = DATELINE_CREDIT.match(source.text)
    lead_copied = any(0 in p.source_idx for p in pairs)
    if m and lead_copied and f"({m.group('agency')})" not in copy_text:
        out.append(_alt("attribution_removed", copy, source, None, (m.start(), m.end()),
                        f"{m.group('agency')} dateline credit"))
    for p in pairs:
        a, b = p.source_span
        for hit in _ATTRIBUTION.finditer(source.text, a, b):
            if m and hit.start() < m.end():
                continue
            agency = re.sub(r"^\(|\)$", "", hit.group().split()[-1])
            qa, qb = p.copy_span
            if agency.lower() not in copy_text[qa:qb].lower():
                out.append(_alt("attribution_removed", copy, source, p.copy_span,
                                (hit.start(), hit.end()), "attribution inside the text"))
    return out


def sentence_alterations(copy: Article, source: Article,
                         pairs: list[AlignedPair]) -> list[Alteration]:
    """Sentences only in the copy (added) and runs of source sentences it left out."""
    out = []
    q_al = {i for p in pairs for i in p.copy_idx}
    s_al = {j for p in pairs for j in p.source_idx}
    for i, p in enumerate(copy.passages):
        if i not in q_al and len(p.text.split()) >= 5:
            out.append(_alt("sentence_added", copy, source, (p.start, p.end), None))
    run: list[int] = []
    for j in [*range(len(source.passages)), None]:
        if j is not None and j not in s_al:
            run.append(j)
            continue
        if run:
            a, b = source.passages[run[0]].start, source.passages[run[-1]].end
            out.append(_alt("sentence_dropped", copy, source, None, (a, b),
                            f"{len(run)} sentence{'s' if len(run) > 1 else ''}"))
            run = []
    return out


def boilerplate_alterations(copy: Article, source: Article) -> list[Alteration]:
    """Page chrome the copy's page carried and the source's did not."""
    theirs = {fold(line.strip()) for line in source.boilerplate}
    added = [line for line in copy.boilerplate if line.strip()
             and fold(line.strip()) not in theirs]
    if not added:
        return []
    return [Alteration(type="boilerplate_added", severity="low", copy_span=None,
                       source_span=None, copy_text="\n".join(added[:20]), source_text="",
                       note=f"{len(added)} line{'s' if len(added) > 1 else ''} of page chrome")]


def alterations(copy: Article, source: Article, pairs: list[AlignedPair], *,
                cross_language: bool = False) -> list[Alteration]:
    """Every alteration of ``copy`` against ``source``, in copy order."""
    names = _name_sets(copy, source)
    out: list[Alteration] = []
    for p in pairs:
        out.extend(pair_alterations(copy, source, p, cross_language=cross_language,
                                    names=names))
    out.extend(attribution_alterations(copy, source, pairs))
    out.extend(sentence_alterations(copy, source, pairs))
    out.extend(boilerplate_alterations(copy, source))
    out.sort(key=lambda a: (a.copy_span is None, a.copy_span or (0, 0),
                            a.source_span or (0, 0), a.type))
    return out
