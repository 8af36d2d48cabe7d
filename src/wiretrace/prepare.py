"""Preparation: one normalised text cut into passages, the unit every stage works on.

``prepare`` is what ingest stores; ``prepared`` is what comparison sees (the same, capped
at ``MAX_COMPARED_PASSAGES`` / ``MAX_COMPARED_CHARS`` and cached per text), whoever made
the article: a reader, the store, the Python API, a benchmark generator.
"""

from __future__ import annotations

from dataclasses import replace

from wiretrace.align import DATELINE_CREDIT, PassageFeatures, passage_features
from wiretrace.data import Article
from wiretrace.ingest.credits import find_credits
from wiretrace.store.sqlite import content_hash
from wiretrace.text.cache import TextCache
from wiretrace.text.lang import detect_language
from wiretrace.text.normalize import normalize
from wiretrace.text.segment import split_sentences

#: How much of an article trace and compare look at: its first passages (sentences), at
#: most this many and none that ends past this many characters. Far more than any real
#: article (the longest of the 181 real pages in ../shared: 741 passages, 53,000
#: characters), so only a giant input is cut; without a bound a 5 MB paragraph (~35,000
#: sentences, each embedded by the full model and aligned against every candidate) held
#: the engine for many minutes. Ingest still stores every passage.
MAX_COMPARED_PASSAGES = 1000
MAX_COMPARED_CHARS = 250_000


def clean(article: Article) -> Article:
    """An article made by hand (``cleaned`` False: the Python API, a test) cleaned as the
    CLI's reader cleans a file: page chrome, a headline line, credits and declared sources
    taken out of the text (``ingest.plaintext.page_article``). Fields the caller set win
    over what the reader found. Cleaned articles (from a reader or the store) pass as
    they are, so cleaning never runs twice."""
    if article.cleaned or not article.text:
        return article
    from wiretrace.ingest.plaintext import page_article

    page = page_article(article.text, id=article.id, url=article.url, title=article.title,
                        published=article.published)
    same = page.text == article.text
    return replace(
        article, text=page.text, title=article.title or page.title,
        byline=article.byline or page.byline, language=article.language or page.language,
        credits=article.credits or page.credits,
        declared_sources=article.declared_sources or page.declared_sources,
        boilerplate=article.boilerplate or page.boilerplate,
        meta={**page.meta, **article.meta}, passages=article.passages if same else [],
        cleaned=True)


def prepare(article: Article, max_passages: int | None = None,
            max_chars: int | None = None) -> Article:
    """Normalise the text and cut it into passages; detect the language if unknown.

    With ``max_passages`` or ``max_chars``, a longer article keeps only its first
    passages (at least one) and its text up to the end of the last one kept, and
    ``meta["truncated"]`` says so (``passages_compared``, ``chars_compared``,
    ``chars_total``); segmentation stops there too.
    """
    text = normalize(article.text)
    passages = split_sentences(text, None if max_passages is None else max_passages + 1)
    keep = len(passages) if max_passages is None else min(len(passages), max_passages)
    while max_chars is not None and keep > 1 and passages[keep - 1].end > max_chars:
        keep -= 1
    meta = article.meta
    if keep < len(passages):
        passages = passages[:keep]
        meta = {**meta, "truncated": {"passages_compared": keep,
                                      "chars_compared": passages[-1].end,
                                      "chars_total": len(text)}}
        text = text[: passages[-1].end]
    art = replace(article, text=text, passages=passages, meta=meta)
    if not art.language:
        art.language = detect_language(text)
    if not art.credits:
        art.credits = list(dict.fromkeys(c.agency for c in find_credits(text)))
        if not art.credits and (m := DATELINE_CREDIT.match(text)):
            art.credits = [m.group("agency")]  # an agency the credit list does not know
    if not art.id:
        art.id = "sha1:" + content_hash(text)[:16]
    return art


# a trace compares one query with twenty candidates, and redoing the query's text work for
# each was about 40% of the cost of a long query
_PREPARED = TextCache()
_FEATURES = TextCache()


def prepared(article: Article) -> Article:
    """Passages must come from our own segmenter over the normalised text, whoever made
    the article (a reader, the store, a benchmark generator); at most
    ``MAX_COMPARED_PASSAGES`` of them, within ``MAX_COMPARED_CHARS``. The text work is done
    once per distinct text; the article's own fields are kept as ``prepare`` keeps them."""
    base = _PREPARED.get(article.text, lambda: prepare(
        Article(id="-", text=article.text), MAX_COMPARED_PASSAGES, MAX_COMPARED_CHARS))
    meta = article.meta
    if "truncated" in base.meta:
        meta = {**meta, "truncated": base.meta["truncated"]}
    art = replace(article, text=base.text, passages=list(base.passages), meta=meta)
    if not art.language:
        art.language = base.language
    if not art.credits:
        art.credits = list(base.credits)
    if not art.id:
        art.id = "sha1:" + content_hash(art.text)[:16]
    return art


def features_of(art: Article) -> list[PassageFeatures]:
    """Per-passage word lists of a prepared article, once per text."""
    return _FEATURES.get(art.text, lambda: passage_features(art.passages))
