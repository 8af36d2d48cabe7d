"""Synonym spinning as article spinners do it: WordNet synonyms, part of speech kept.

Part-of-speech tagging without a trained model: NLTK's perceptron tagger needs data we cannot
download, so :func:`tag` is a small rule tagger. Its lexical prior is WordNet itself (which
parts of speech a word can be, weighted by sense-tagged counts), and a handful of context
rules settle the common ambiguities of news prose: after a determiner or possessive comes a
noun or an adjective, after a modal, "to" or a subject pronoun a verb, after "be"/"have" a
participle or an adjective; "-ly" words are adverbs. When neither the rules nor a clear
majority decide, the word is left untagged, and so never spun: a spinner that skips a word is
more realistic than one that turns a noun into a verb.

Spinning then replaces a share of the tagged content words (never capitalised words, numbers
or function words) with the most frequent sense's synonym, re-inflected to the original's
form (plural, -s, -ed, -ing, irregulars from WordNet's exception lists) and fixing "a"/"an".
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from wiretrace.bench.wordnet import Lexicon

TOKEN = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*|\d+(?:[.,:]\d+)*|\S")
DETERMINERS = frozenset(
    """a an the this that these those his her its their our my your some any each every no
    another such both either neither all several many much few more most other whose""".split()
)
SUBJECTS = frozenset("i you he she we they who".split())
MODALS = frozenset("will would can could shall should may might must do does did".split())
BE = frozenset("be is am are was were been being".split())
HAVE = frozenset("have has had having".split())
NEGATIONS = frozenset(["not", "n't", "never"])
FUNCTION_WORDS = (
    DETERMINERS
    | SUBJECTS
    | MODALS
    | BE
    | HAVE
    | NEGATIONS
    | frozenset(
        """me him us them it itself himself herself themselves myself ourselves yourself
        of in on at for with by from into onto over under about after before between through
        during against without within among toward towards upon across along around behind
        beyond near off out up down since until than as like via per and or but nor so yet
        because although though while if when where whether unless there here also very just
        only even still too then now however what which whom why how not almost already
        again ever once rather quite perhaps else instead thus hence therefore indeed whose
        said says say get got gets go goes went gone going make made makes one ones thing
        things way well back something anything nothing everything someone anyone everyone
        today yesterday tomorrow mr mrs ms dr according ago""".split()
    )
)
# Numbers written as words are numbers: a spinner that turns "five" into "v" changes a fact.
NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred thousand million billion trillion dozen dozens hundreds thousands millions
    billions first second third fourth fifth sixth seventh eighth ninth tenth half twice
    once single double triple""".split()
)
# Units of time and measure: spinning one changes a fact ("14 days" -> "14 years").
UNITS = frozenset(
    """second seconds minute minutes hour hours day days week weeks month months year years
    decade decades century centuries mile miles yard yards foot feet inch inches metre
    metres meter meters kilometre kilometres kilometer kilometers pound pounds ounce ounces
    ton tons tonne tonnes gallon gallons litre litres liter liters acre acres percent""".split()
)
_ROMAN = re.compile(r"^[ivxlcdm]+$")
# Verbs whose past and participle are the base form; WordNet lists no exception for them.
UNCHANGING_PAST = frozenset(
    """bet bid burst cast cost cut fit hit hurt let put quit rid set shed shut slit split spread
    thrust upset""".split()
)
# Words that start with a vowel letter but take "a", or with a consonant letter but take "an".
_A_BEFORE_VOWEL = ("uni", "use", "usu", "one", "once", "eu", "ewe", "ufo", "uti")
_AN_BEFORE_CONSONANT = ("hour", "honest", "honor", "honour", "heir")


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    quoted: bool = False

    @property
    def low(self) -> str:
        return self.text.lower().replace("\u2019", "'")

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalpha()


@dataclass(slots=True)
class Substitution:
    """One spun word: ``text[start:end]`` (``old``) becomes ``new``. Offsets into the unit."""

    start: int
    end: int
    old: str
    new: str
    pos: str


def tokenize(text: str) -> list[Token]:
    """Words, numbers and single punctuation marks, with offsets and an inside-quotes flag."""
    tokens: list[Token] = []
    inside = False
    for m in TOKEN.finditer(text):
        t = m.group()
        if t in {'"', "\u201c", "\u201d"}:
            inside = not inside if t == '"' else t == "\u201c"
            tokens.append(Token(m.start(), m.end(), t, False))
            continue
        tokens.append(Token(m.start(), m.end(), t, inside))
    return tokens


def _neighbour(tokens: list[Token], i: int, step: int) -> str | None:
    j = i + step
    if 0 <= j < len(tokens) and tokens[j].is_word:
        return tokens[j].low
    return None


def _after_number(tokens: list[Token], i: int) -> bool:
    if i == 0:
        return False
    prev = tokens[i - 1].low
    return prev[:1].isdigit() or prev in NUMBER_WORDS


def _in_compound(tokens: list[Token], i: int) -> bool:
    """Part of a hyphenated or slashed compound ("33-year-old", "fun/scary")."""
    tok = tokens[i]
    before = i > 0 and tokens[i - 1].end == tok.start and tokens[i - 1].text in "-/"
    after = i + 1 < len(tokens) and tokens[i + 1].start == tok.end and tokens[i + 1].text in "-/"
    return before or after


def _verb_form(lx: Lexicon, word: str, lemma: str, prev: str | None) -> str:
    if word == lemma:
        return "pp" if word in UNCHANGING_PAST and prev in BE | HAVE else "base"
    if word.endswith("ing"):
        return "ing"
    if word.endswith("ed"):
        return "pp" if prev in BE | HAVE else "past"
    if word.endswith("s") and not word.endswith("ss"):
        return "s"
    return "pp" if prev in BE | HAVE else "past"


def word_form(lx: Lexicon, word: str, pos: str,
              prev: str | None = None) -> tuple[str, str | None] | None:
    """(lemma, form) of ``word`` read as ``pos`` — the form ``inflect`` takes back: noun
    "base"/"pl", verb ``_verb_form`` (``prev``: the word before it), adjective or adverb
    "base" when it is its own lemma, else None (a comparative or superlative). None when
    WordNet has no lemma for it. The spinner, and the spinner tables the word statistics
    ship, read words alike."""
    lemma = _lemma(lx, word, pos)
    if lemma is None:
        return None
    if pos == "n":
        return lemma, "base" if word == lemma else "pl"
    if pos == "v":
        return lemma, _verb_form(lx, word, lemma, prev)
    return lemma, "base" if word == lemma else None


def _lemma(lx: Lexicon, word: str, pos: str) -> str | None:
    lemmas = lx.lemmas(word, pos)
    if not lemmas:
        return None
    # "days" and "men" are WordNet lemmas too ("in his days" = years; "men" = manpower):
    # a word that is also an inflection is read as the inflection, as a spinner's stemmer does.
    if pos == "v":
        inflected = word.endswith(("s", "ed", "ing")) or word in lx.wn._exception_map["v"]
    elif pos == "n":
        inflected = word.endswith("s") or word in lx.wn._exception_map["n"]
    else:
        inflected = False
    if len(lemmas) > 1 and lemmas[0] == word and inflected:
        return lemmas[1]
    return lemmas[0]


def tag(tokens: list[Token], lx: Lexicon) -> list[str | None]:
    """A WordNet part of speech (``n``/``v``/``a``/``r``) per token, or None (see module doc)."""
    tags: list[str | None] = [None] * len(tokens)
    for i, tok in enumerate(tokens):
        w = tok.low
        if not tok.is_word or w in FUNCTION_WORDS or w in NUMBER_WORDS or len(w) < 3 or "'" in w:
            continue
        if tok.text[0].isupper():
            continue
        if _in_compound(tokens, i) or w in UNITS or _after_number(tokens, i):
            continue  # "33-year-old", "14 days": units of measure carry the fact
        weights = lx.pos_weights(w)
        if not weights:
            continue
        prev = _neighbour(tokens, i, -1)
        nxt = _neighbour(tokens, i, +1)
        prev_tag = tags[i - 1] if i else None
        verbish = "v" in weights and (
            w.endswith(("ed", "en", "ing")) or w in lx.wn._exception_map["v"]
        )
        choice: str | None = None
        if len(weights) == 1:
            choice = next(iter(weights))
        elif prev in MODALS and "v" in weights and _lemma(lx, w, "v") == w:
            choice = "v"
        elif prev == "to" and "v" in weights and _lemma(lx, w, "v") == w:
            choice = "v" if weights["v"] >= 0.3 * sum(weights.values()) else "n"
        elif prev in SUBJECTS and "v" in weights:
            choice = "v"
        elif prev in BE:
            choice = "v" if verbish else "a" if "a" in weights else None
        elif prev in HAVE and verbish:
            choice = "v"
        elif prev in DETERMINERS or prev_tag == "a" or (i and tokens[i - 1].low == "'s"):
            noun_next = nxt is not None and nxt not in FUNCTION_WORDS and "n" in lx.pos_weights(nxt)
            nominal = {p: weights[p] for p in ("n", "a") if p in weights}
            if "a" in nominal and noun_next:
                choice = "a"
            elif nominal:
                choice = max(nominal, key=nominal.__getitem__)
        elif w.endswith("ly") and "r" in weights:
            choice = "r"
        if choice is None:
            total = sum(weights.values())
            best = max(weights, key=weights.__getitem__)
            if weights[best] / total >= 0.65:
                choice = best
        tags[i] = choice
    return tags


def _ends_cvc(word: str) -> bool:
    """Short words ending consonant-vowel-consonant double it: stop -> stopped."""
    vowels = "aeiou"
    groups = re.findall(r"[aeiou]+", word)
    return (
        len(word) >= 3
        and len(groups) == 1
        and word[-1] not in vowels + "wxy"
        and word[-2] in vowels
        and word[-3] not in vowels
    )


def _regular(word: str, suffix: str) -> str:
    if suffix == "s":
        if word.endswith(("s", "x", "z", "ch", "sh")):
            return word + "es"
        if word.endswith("y") and word[-2:-1] not in set("aeiou"):
            return word[:-1] + "ies"
        return word + "s"
    if suffix == "ed":
        if word.endswith("e"):
            return word + "d"
        if word.endswith("y") and word[-2:-1] not in set("aeiou"):
            return word[:-1] + "ied"
        return word + word[-1] + "ed" if _ends_cvc(word) else word + "ed"
    if suffix == "ing":
        if word.endswith("ie"):
            return word[:-2] + "ying"
        if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
            return word[:-1] + "ing"
        return word + word[-1] + "ing" if _ends_cvc(word) else word + "ing"
    raise ValueError(suffix)


def inflect(lx: Lexicon, lemma: str, pos: str, form: str) -> str:
    """``lemma`` in ``form`` (noun: "pl"; verb: "s", "past", "pp", "ing"); "base" unchanged.

    Multi-word lemmas inflect their head: the last word of a noun, the first of a verb.
    """
    if form == "base":
        return lemma
    words = lemma.split()
    head_i = len(words) - 1 if pos == "n" else 0
    head = words[head_i]
    irregular = lx.irregular_forms(head, pos)
    if pos == "v" and head in UNCHANGING_PAST and form in ("past", "pp"):
        irregular = [head]
    if pos == "n":
        if irregular:
            new = irregular[0]
        elif head.endswith("man") and head not in {"human", "german", "shaman", "talisman"}:
            new = head[:-3] + "men"  # newsman -> newsmen
        else:
            new = _regular(head, "s")
    elif form == "ing":
        new = next((f for f in irregular if f.endswith("ing")), None) or _regular(head, "ing")
    elif form == "s":
        new = _regular(head, "s")
    else:
        irr = [f for f in irregular if not f.endswith(("ing", "s"))]
        ed = [f for f in irr if f.endswith("ed")]
        other = [f for f in irr if not f.endswith("ed")]
        if other:
            participles = [f for f in other if f.endswith(("n", "ne"))]
            if not participles and any("a" in f for f in other):
                participles = [f for f in other if "u" in f]  # sang/sung, began/begun
            pasts = [f for f in other if f not in participles] or other
            new = participles[0] if form == "pp" and participles else pasts[0]
        elif ed:
            new = ed[0]
        else:
            new = _regular(head, "ed")
    words[head_i] = new
    return " ".join(words)


def match_case(template: str, word: str) -> str:
    """``word`` in the capitalisation of ``template`` (lower, Title or UPPER)."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _article_for(word: str) -> str:
    w = word.lower()
    if w.startswith(_AN_BEFORE_CONSONANT):
        return "an"
    if w.startswith(_A_BEFORE_VOWEL):
        return "a"
    return "an" if w[:1] in "aeiou" else "a"


@dataclass(slots=True)
class Candidate:
    """A content word that could be spun, with its analysis."""

    unit: int
    index: int  # token index in the unit
    start: int
    end: int
    word: str
    pos: str
    lemma: str
    form: str
    synonyms: tuple[str, ...]


def analyse(text: str, lx: Lexicon, unit: int = 0) -> tuple[int, list[Candidate]]:
    """(number of content words, the spinnable ones) of one unit of text."""
    tokens = tokenize(text)
    tags = tag(tokens, lx)
    n_content = 0
    out: list[Candidate] = []
    for i, (tok, pos) in enumerate(zip(tokens, tags, strict=True)):
        if pos is None:
            continue
        n_content += 1
        w = tok.low
        read = word_form(lx, w, pos, _neighbour(tokens, i, -1))
        if read is None:
            continue
        lemma, form = read
        if form is None:
            if pos == "a":
                continue  # comparatives and superlatives: leave them alone
            form = "base"
        syns = tuple(
            s
            for s in lx.synonyms(lemma, pos)
            if len(s) > 2 and not _ROMAN.match(s) and not set(s.split()) & NUMBER_WORDS
        )
        if pos == "r" and w.endswith("ly"):
            syns = tuple(s for s in syns if s.endswith("ly")) or syns
        if syns:
            out.append(Candidate(unit, i, tok.start, tok.end, tok.text, pos, lemma, form, syns))
    return n_content, out


def _fix_article(text: str, start: int, new: str) -> tuple[int, str]:
    """Widen a replacement at ``start`` over a preceding "a"/"an" that no longer fits."""
    m = re.search(r"\b(a|an|A|An)\s+$", text[:start])
    if m and m.group(1).lower() != _article_for(new):
        article = _article_for(new)
        return m.start(1), f"{match_case(m.group(1), article)}{text[m.end(1) : start]}{new}"
    return start, new


def substitute(
    text: str, cand: Candidate, lx: Lexicon, rng: random.Random, *, pos_note: str | None = None
) -> Substitution:
    """The substitution for one candidate: a synonym re-inflected, "a"/"an" fixed."""
    k = min(len(cand.synonyms), 3)
    syn = rng.choices(cand.synonyms[:k], weights=[3, 2, 1][:k])[0]
    new = match_case(cand.word, inflect(lx, syn, cand.pos, cand.form))
    start, new = _fix_article(text, cand.start, new)
    note = cand.pos if pos_note is None else pos_note
    return Substitution(start, cand.end, text[start : cand.end], new, note)


@dataclass(slots=True)
class SpinResult:
    """Per-unit substitutions, plus the counts that define the spin rate."""

    substitutions: list[list[Substitution]]
    content_words: int
    rate: float  # replaced / content words


def spin_units(
    units: list[str],
    rng: random.Random,
    lx: Lexicon | None = None,
    *,
    rate: tuple[float, float] = (0.3, 0.6),
    count: int | None = None,
    protect_quotes: bool = False,
) -> SpinResult:
    """Choose and make the synonym substitutions for a text split into units.

    A target share is drawn uniformly from ``rate`` and that share of the content words is
    replaced (fewer when not enough have synonyms); ``count`` asks for an exact number
    instead (a few word changes of a light edit). Words inside quotation marks are spared
    when ``protect_quotes``.
    """
    lx = lx or Lexicon()
    n_content = 0
    cands: list[Candidate] = []
    quoted: list[set[int]] = []
    for u, text in enumerate(units):
        n, cs = analyse(text, lx, u)
        n_content += n
        toks = tokenize(text)
        quoted.append({t.start for t in toks if t.quoted})
        cands.extend(c for c in cs if not (protect_quotes and c.start in quoted[u]))
    target = count if count is not None else round(rng.uniform(*rate) * n_content)
    chosen = rng.sample(cands, min(target, len(cands)))
    chosen.sort(key=lambda c: (c.unit, c.start))
    subs: list[list[Substitution]] = [[] for _ in units]
    for c in chosen:
        subs[c.unit].append(substitute(units[c.unit], c, lx, rng))
    return SpinResult(subs, n_content, len(chosen) / n_content if n_content else 0.0)


def apply(text: str, subs: list[Substitution]) -> str:
    """``text`` with non-overlapping substitutions made."""
    out: list[str] = []
    pos = 0
    for s in sorted(subs, key=lambda s: s.start):
        out.append(text[pos : s.start])
        out.append(s.new)
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


# -- wild spinning: what commercial spinners really do ------------------------------------------
#
# Real spinners (the output found on scraper sites) swap from a thesaurus without reading the
# sentence: function words and verbs of saying get their stock replacements ("said" ->
# "stated", "was" -> "used to be"), any sense of a word will do ("the dead" -> "the lifeless",
# "death toll" -> "demise toll"), and capitalised words are words too ("Communist Party" ->
# "Communist Social gathering", "Front Street" -> "Entrance Avenue", "Gov. Josh Green" ->
# "Gov. Josh Inexperienced"). Names that are not dictionary words ("Okonkwo") come through
# untouched, as do numbers, units, months and weekdays (the facts a reader would notice).

# Stock replacements of function and very common words, as spinner dictionaries list them.
FUNCTION_SWAPS: dict[str, tuple[str, ...]] = {
    "said": ("stated", "mentioned", "acknowledged"),
    "says": ("states", "mentions"),
    "told": ("informed", "instructed"),
    "was": ("used to be",),
    "were": ("had been",),
    "about": ("approximately", "regarding", "round"),
    "after": ("following", "after that"),
    "because": ("as a result of", "due to the fact that"),
    "but": ("however", "but"),
    "also": ("additionally", "moreover", "furthermore"),
    "many": ("numerous", "quite a few"),
    "several": ("a number of", "a few"),
    "before": ("earlier than", "prior to"),
    "while": ("whereas", "whilst"),
    "during": ("throughout", "all through"),
    "among": ("amongst",),
    "around": ("round", "round about"),
    "near": ("close to", "close to"),
    "however": ("nevertheless", "nonetheless"),
    "still": ("nonetheless", "nevertheless"),
    "just": ("simply", "merely"),
    "only": ("solely", "simply"),
    "very": ("extremely", "very much"),
    "other": ("different",),
    "each": ("every",),
    "more": ("extra", "further"),
    "until": ("till", "until eventually"),
    "against": ("in opposition to",),
    "although": ("even though", "although"),
    "though": ("although",),
    "despite": ("regardless of", "in spite of"),
    "including": ("together with", "such as"),
    "both": ("each",),
    "next": ("subsequent",),
    "last": ("final", "remaining"),
    "well": ("properly", "nicely"),
    "back": ("again", "returned"),
    "get": ("get hold of", "acquire"),
    "got": ("received", "obtained"),
    "made": ("made", "created"),
    "help": ("assist",),
    "people": ("folks", "individuals"),
    "show": ("exhibit",),
    "big": ("massive", "huge"),
    "need": ("want",),
}
_CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
# Honorifics and short forms spinners treat as names: "Gov." is not the verb "gov".
_NEVER_WILD = frozenset("mr mrs ms dr gov sen rep st mt ft gen col lt sgt jr sr".split())


def thesaurus(
    lx: Lexicon, lemma: str, pos: str, limit: int = 10
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a spinner's thesaurus offers for ``lemma``: (synonyms, related words).

    Synonyms come from every sense, not the first three; related words are (adjectives)
    similar words and (nouns, verbs) the broader and one narrower term of the first senses:
    "party" gets "social gathering", "street" "alley", "dead" "lifeless". Lower-case, at most
    two words, alphabetic, never containing the lemma; at most ``limit`` of each.
    """
    out: list[str] = []

    def offer(name: str) -> None:
        low = name.replace("_", " ")
        words = low.split()
        if (
            low != low.lower()
            or low == lemma
            or len(words) > 2
            or lemma in words
            or any(lemma in w or w in lemma for w in words if len(w) > 3)
            or not all(w.replace("-", "").isalpha() for w in words)
            or set(words) & NUMBER_WORDS
            or low in out
        ):
            return
        out.append(low)

    synsets = lx.wn.synsets(lemma, pos)
    for syn in synsets:
        for lem in syn.lemmas():
            offer(lem.name())
    n_syn = len(out)
    for syn in synsets[:4]:
        # the most used narrower term only: "avenue" for "street", not "equerry" for "official".
        # WordNet's related synsets come in hash order (they vary with PYTHONHASHSEED): sorted
        # by name here, so a data set built twice is the same data set
        narrower = sorted(syn.hyponyms(),
                          key=lambda h: (-sum(x.count() for x in h.lemmas()), h.name()))
        related = (sorted(syn.similar_tos(), key=lambda r: r.name()) if pos in ("a", "s")
                   else sorted(syn.hypernyms(), key=lambda r: r.name()) + narrower[:1])
        for rel in related:
            for lem in rel.lemmas()[:2]:
                offer(lem.name())
    return tuple(out[:n_syn][:limit]), tuple(out[n_syn:][:limit])


def _wild_view(tok: Token, lx: Lexicon) -> Token | None:
    """A capitalised token seen as the dictionary word it spells, or None (a real name)."""
    w = tok.low
    if not tok.is_word or len(w) < 3 or "'" in w or w in _NEVER_WILD or w in _CALENDAR:
        return None
    if tok.text.isupper():  # "NASA", "UN": acronyms are not words
        return None
    if not lx.pos_weights(w):
        return None
    return Token(tok.start, tok.end, w, tok.quoted)


def analyse_wild(
    text: str, lx: Lexicon, unit: int = 0
) -> tuple[int, list[tuple[Candidate, tuple[str, ...]]], list[tuple[int, int, str]]]:
    """(content words, spinnable ones with their related words, function words with stock
    swaps) of one unit; a candidate's ``synonyms`` are the thesaurus's synonyms.

    Capitalised words are analysed as the dictionary words they spell; a word the rule
    tagger leaves undecided takes its most frequent part of speech (a spinner does not
    hesitate). Number words, units, months and weekdays are never candidates.
    """
    tokens = tokenize(text)
    view: list[Token] = []
    for tok in tokens:
        seen = _wild_view(tok, lx) if tok.text[:1].isupper() else None
        view.append(seen or tok)
    tags = tag(view, lx)
    n_content = 0
    cands: list[tuple[Candidate, tuple[str, ...]]] = []
    swaps: list[tuple[int, int, str]] = []
    for i, (tok, pos) in enumerate(zip(view, tags, strict=True)):
        w = tok.low
        if not tok.is_word or tok.text[:1].isupper():
            continue  # capitalised but not a word: a real name
        if w in FUNCTION_SWAPS:
            swaps.append((tok.start, tok.end, w))
            continue
        if pos is None:
            if (
                w in FUNCTION_WORDS or w in NUMBER_WORDS or w in UNITS or w in _CALENDAR
                or len(w) < 3 or "'" in w or _in_compound(view, i) or _after_number(view, i)
            ):  # fmt: skip
                continue
            weights = lx.pos_weights(w)
            if not weights:
                continue
            pos = max(weights, key=weights.__getitem__)
        if w in _CALENDAR:
            continue
        n_content += 1
        read = word_form(lx, w, pos, _neighbour(view, i, -1))
        if read is None:
            continue
        lemma, form = read
        if form is None:
            if pos == "a":
                continue
            form = "base"
        syns, related = (
            tuple(s for s in group if not _ROMAN.match(s)) for group in thesaurus(lx, lemma, pos)
        )
        if syns or related:
            original = tokens[i].text
            cand = Candidate(unit, i, tok.start, tok.end, original, pos, lemma, form, syns)
            cands.append((cand, related))
    return n_content, cands, swaps


def spin_units_wild(
    units: list[str],
    rng: random.Random,
    lx: Lexicon | None = None,
    *,
    rate: tuple[float, float] = (0.4, 0.7),
    function_rate: tuple[float, float] = (0.4, 0.8),
) -> SpinResult:
    """Spin as a commercial spinner does (see above): a share drawn from ``rate`` of the
    content words, names made of words included, from any sense of the thesaurus; and a
    share drawn from ``function_rate`` of the function words with a stock swap.

    A replacement is one of the word's synonyms, or (three times in ten, or when it has no
    synonym) a related word. Substitution notes say what was hit: the part of speech,
    ``name:<pos>`` for a capitalised word inside a sentence, ``function`` for a stock swap.
    ``rate`` in the result counts content words only.
    """
    lx = lx or Lexicon()
    n_content = 0
    cands: list[tuple[Candidate, tuple[str, ...]]] = []
    swaps: list[tuple[int, int, int, str]] = []
    for u, text in enumerate(units):
        n, cs, fs = analyse_wild(text, lx, u)
        n_content += n
        cands.extend(cs)
        swaps.extend((u, a, b, w) for a, b, w in fs)
    target = round(rng.uniform(*rate) * n_content)
    chosen = rng.sample(cands, min(target, len(cands)))
    chosen.sort(key=lambda c: (c[0].unit, c[0].start))
    p_function = rng.uniform(*function_rate)
    picked = [s for s in swaps if rng.random() < p_function]
    subs: list[list[Substitution]] = [[] for _ in units]
    for c, related in chosen:
        text = units[c.unit]
        pool = related if related and (not c.synonyms or rng.random() < 0.3) else c.synonyms
        one = (rng.choice(pool),)
        cand = Candidate(c.unit, c.index, c.start, c.end, c.word, c.pos, c.lemma, c.form, one)
        lead = re.match(r"\W*", text)
        inside = c.word[:1].isupper() and c.start > (lead.end() if lead else 0)
        note = f"name:{c.pos}" if inside else c.pos
        subs[c.unit].append(substitute(text, cand, lx, rng, pos_note=note))
    for u, a, b, w in picked:
        text = units[u]
        new = match_case(text[a:b], rng.choice(FUNCTION_SWAPS[w]))
        if new == text[a:b]:
            continue
        start, new = _fix_article(text, a, new)
        subs[u].append(Substitution(start, b, text[start:b], new, "function"))
    for u in range(len(units)):
        subs[u] = _non_overlapping(subs[u])
    spun = sum(1 for s in subs for x in s if x.pos != "function")
    return SpinResult(subs, n_content, spun / n_content if n_content else 0.0)


def _non_overlapping(subs: list[Substitution]) -> list[Substitution]:
    """Keep the earliest of substitutions that overlap (an "a"/"an" fix can reach back)."""
    out: list[Substitution] = []
    for s in sorted(subs, key=lambda s: (s.start, s.end)):
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out
