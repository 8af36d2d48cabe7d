"""Which side is the source? Evidence from metadata and from the texts themselves.

Each clue votes for one side with a weight; the sum decides, and a small sum says
"unknown" rather than guess. Clues: an earlier publication date; a wire credit kept on one
side only (copiers strip credits); page chrome leaked into the text; one side covering only
part of the other (a copy is a subset, the source the whole); signs of machine translation
(sentence fragments, one name spelled several ways) or of a spinner in a text's own words
("mentioned" for *said*); words swapped for rarer ones (a spinner's synonyms); a declared
link to the other article.
"""

from __future__ import annotations

from datetime import date

from wiretrace.data import Article
from wiretrace.forensics.intrinsic import quick_signs
from wiretrace.ingest.credits import AGENCIES, find_credits
from wiretrace.judge import leans_rarer

# a spinner's rewrite for the direction vote: the rarity shift (``judge.word_swaps``) at or
# below which, the one-word swaps to rarer words beyond those the other way, and their share
SPINNER_SHIFT, SPINNER_SWAPS, SPINNER_SHARE = -0.5, 2, 0.6


def direction(
    query: Article, candidate: Article, f: dict[str, float]
) -> tuple[str, list[str]]:
    """``"candidate_is_source"``, ``"query_is_source"`` or ``"unknown"``, with reasons."""
    score, why = direction_score(query, candidate, f)
    if score >= 0.75:
        return "candidate_is_source", why
    if score <= -0.75:
        return "query_is_source", why
    return "unknown", why


def days_apart(query: str | None, candidate: str | None) -> int:
    """Whole days from the candidate's date to the query's (> 0: the candidate is
    earlier), compared at the precision both give: a month-only date ("2021-11") says
    nothing against a day in that month, and 0 when either is missing or unreadable."""
    if not query or not candidate:
        return 0
    q, c = query[:10], candidate[:10]
    n = min(len(q), len(c))
    if n < 10:
        # a year or a month on one side: earlier only if the months differ
        q, c = q[:n], c[:n]
        return 0 if q == c else (31 if c < q else -31)
    try:
        return (date.fromisoformat(q) - date.fromisoformat(c)).days
    except ValueError:
        return 0


def credit_weight(article: Article) -> tuple[float, str]:
    """How much a credit that only this side carries says, and what it is. A credit for
    the text (a dateline, a byline, a source line, a sign-off) is a whole vote; a page
    whose only credits sit under its pictures says whose photographs it ran, not whose
    text: half a vote (real-world dev: such votes pointed the right way 15 times in 20,
    text credits 24 in 27)."""
    kinds = [c.get("kind") for key in ("credit_spans", "credits_outside_text")
             for c in article.meta.get(key) or () if isinstance(c, dict)]
    if not kinds:  # an article made by hand: its credits were found in its text
        kinds = [c.kind for c in find_credits(article.text)]  # kept: asked once a pair
    if kinds and all(k == "photo" for k in kinds):
        return 0.5, "a photo credit"
    if not kinds and not any(c in AGENCIES for c in article.credits):
        # a dateline naming an agency no wire list knows ("TEHRAN (MNA) -") is as often
        # the publisher's own as a source's: Mehr News Agency dates its copies of AFP text
        # so (real-world dev: 3 such votes, all the wrong way)
        return 0.5, "an unknown agency's dateline credit"
    return 1.0, "wire credit"


def direction_score(
    query: Article, candidate: Article, f: dict[str, float]
) -> tuple[float, list[str]]:
    """The summed votes (> 0: the candidate is the source) and their reasons; the story
    lineage uses a small sum as a lean when it must orient an undecided edge."""
    score = 0.0  # > 0: the candidate is the source
    why: list[str] = []

    def vote(weight: float, reason: str) -> None:
        nonlocal score
        score += weight
        why.append(reason)

    days = days_apart(query.published, candidate.published)
    if days:
        # a day apart on bare dates may be two time zones' view of one moment: half a vote
        w = 2.0 if abs(days) >= 2 else 1.0
        if days > 0:
            vote(w, f"candidate published earlier ({(candidate.published or '')[:10]})")
        else:
            vote(-w, f"query published earlier ({(query.published or '')[:10]})")
    if candidate.credits and not query.credits:
        w, what = credit_weight(candidate)
        vote(w, f"{what} on the candidate only ({candidate.credits[0]})")
    elif query.credits and not candidate.credits:
        w, what = credit_weight(query)
        vote(-w, f"{what} on the query only ({query.credits[0]})")
    for decl in query.declared_sources:
        if candidate.url and candidate.url in decl:
            vote(3.0, "the query links to the candidate as its source")
    for decl in candidate.declared_sources:
        if query.url and query.url in decl:
            vote(-3.0, "the candidate links to the query as its source")
    cq, cc = f.get("coverage_copy", 0.0), f.get("coverage_source", 0.0)
    lead = (f.get("strong_run", 0) >= 2 and f.get("strong_run_start_copy", 99) <= 1
            and f.get("strong_run_start_source", 99) <= 1)
    if lead and abs(cq - cc) > 0.25:
        why.append("one text is the other's opening (a teaser, a first take or a truncated "
                   "copy): its length says nothing of which came first")
    elif cq - cc > 0.25:
        vote(1.0, f"the query is covered by the candidate ({cq:.0%} vs {cc:.0%}): a subset")
    elif cc - cq > 0.25:
        vote(-1.0, f"the candidate is covered by the query ({cc:.0%} vs {cq:.0%}): a subset")
    if leans_rarer(f, SPINNER_SHIFT, SPINNER_SWAPS, SPINNER_SHARE):
        # a synonym spinner puts rarer words where the news wrote common ones; nobody
        # turns a spinner's words back into the news's, so the rarer side is the copy
        rc, rs = f.get("swaps_rarer_in_copy", 0), f.get("swaps_rarer_in_source", 0)
        vote(1.0, f"the query's changed words are rarer in news than the candidate's "
                  f"({rc} of {rc + rs} one-word swaps): a spinner's synonyms")
    sq, sc = quick_signs(query), quick_signs(candidate)
    if sq - sc >= 1.0:
        vote(min(2.0, sq - sc), "the query shows more signs of a disguised copy")
    elif sc - sq >= 1.0:
        vote(-min(2.0, sc - sq), "the candidate shows more signs of a disguised copy")
    if len(query.boilerplate) > len(candidate.boilerplate) + 2:
        vote(0.75, f"{len(query.boilerplate)} lines of page chrome removed from the query")
    elif len(candidate.boilerplate) > len(query.boilerplate) + 2:
        vote(-0.75, f"{len(candidate.boilerplate)} lines of page chrome removed from the candidate")
    return score, why
