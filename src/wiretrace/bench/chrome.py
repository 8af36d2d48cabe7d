"""Site chrome that copying sites wrap around a lifted story, generated from small word banks.

Real republishing sites add navigation, share bars, "Related stories" with their own
headlines, theme and cookie notices, a photo caption with a credit, and "Back to top". These
lines are text a copy has and its source lacks, which is exactly what hurts whole-document
similarity (DESIGN.md), so verbatim copies carry them and the gold records each line.
All names and sites here are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_SITE_WORDS = (
    "daily herald tribune courier post ledger gazette chronicle sentinel times observer "
    "dispatch beacon record journal express digest wire report insider"
).split()
_SITE_PLACES = "metro valley lakeside harbor capital summit riverside northern prairie".split()
_TLDS = ("com", "net", "news", "info", "org", "co")
_NAV = (
    "Home News World Politics Business Tech Science Health Sports Entertainment Opinion "
    "Lifestyle Travel Video Local Weather"
).split()
_SHARE = (
    "Share this:",
    "Share this article",
    "Share on Facebook | Share on Twitter | Email",
    "SHARE: Facebook Twitter WhatsApp Email Print",
    "Tweet Share Pin Email",
)
_RELATED = ("Related stories", "Related Stories:", "You may also like", "More from News")
_THEMES = (
    "You are viewing the mobile version of this site. Switch to desktop theme",
    "This site uses cookies. By continuing to browse you agree to our use of cookies.",
    "Switch to dark mode",
    "Subscribe to our newsletter for the latest headlines.",
    "Advertisement",
)
_BACK = ("Back to top", "Back to Top", "\u2191 Back to top", "Return to top")
_PHOTOGRAPHERS = (
    "Marta Velasquez Ines Albright Tomasz Kerr Dana Whitlock Omar Faisal Lena Okafor "
    "Pieter Dross Alma Kincaid"
).split()
_AGENCIES = ("AP", "AFP", "Reuters", "Getty Images", "EPA", "File")
_CAPTIONS = (
    "A file photo from the scene.",
    "The scene earlier this week.",
    "Officials at the site on Monday.",
    "Onlookers gather near the scene.",
    "A view of the area, in an undated photo.",
)
_HEAD_SUBJECTS = (
    "City council",
    "Local school board",
    "State lawmakers",
    "Health officials",
    "Police",
    "Residents",
    "Experts",
    "Fans",
    "Investors",
    "Firefighters",
)
_HEAD_VERBS = (
    "approve",
    "weigh",
    "push back on",
    "celebrate",
    "warn about",
    "question",
    "back",
    "debate",
    "react to",
    "prepare for",
)
_HEAD_OBJECTS = (
    "new budget plan",
    "holiday traffic rules",
    "rising rents",
    "storm clean-up",
    "stadium deal",
    "water rate hike",
    "downtown parking changes",
    "summer festival lineup",
    "school bus shortage",
    "bridge repairs",
)


@dataclass(slots=True)
class Chrome:
    """Lines to place before the body, after its first paragraph, and after the body."""

    site: str
    top: list[str]
    after_lead: list[str]
    bottom: list[str]


def fake_site(rng: random.Random) -> str:
    """An invented domain such as ``valleycourier.news``."""
    name = rng.choice(_SITE_PLACES) + rng.choice(_SITE_WORDS)
    return f"{name}.{rng.choice(_TLDS)}"


def fake_headline(rng: random.Random) -> str:
    return f"{rng.choice(_HEAD_SUBJECTS)} {rng.choice(_HEAD_VERBS)} {rng.choice(_HEAD_OBJECTS)}"


def make_chrome(rng: random.Random, site: str | None = None) -> Chrome:
    """A random but plausible set of chrome lines for one copying site."""
    site = site or fake_site(rng)
    top = [" | ".join(rng.sample(_NAV, rng.randint(5, 8)))]
    if rng.random() < 0.5:
        top.append(rng.choice(_THEMES))
    after_lead: list[str] = []
    if rng.random() < 0.7:
        photographer = rng.choice(_PHOTOGRAPHERS) + " " + rng.choice(_PHOTOGRAPHERS)
        after_lead.append(rng.choice(_CAPTIONS))
        after_lead.append(f"Photo: {photographer}/{rng.choice(_AGENCIES)}")
    bottom: list[str] = []
    if rng.random() < 0.9:
        bottom.append(rng.choice(_SHARE))
    if rng.random() < 0.8:
        bottom.append(rng.choice(_RELATED))
        bottom.extend(fake_headline(rng) for _ in range(rng.randint(2, 4)))
    if rng.random() < 0.3:
        bottom.append(rng.choice(_THEMES))
    bottom.append(rng.choice(_BACK))
    return Chrome(site=site, top=top, after_lead=after_lead, bottom=bottom)


# -- padding: the page around a lifted story is mostly not the story ---------------------------

_COMMENT_PROMPTS = (
    "Comments",
    "Leave a comment",
    "Join the conversation",
    "What do you think? Tell us in the comments below.",
    "Be the first to comment on this story.",
    "You must be logged in to post a comment.",
    "Comments are moderated and may take a while to appear.",
    "Show comments",
    "Have your say: share your thoughts with other readers.",
    "Our community guidelines apply to all comments.",
)
_NEXT_STORY = ("More news", "Up next", "Next story", "In other news", "Latest headlines",
               "Also on this site")  # fmt: skip
_READ_MORE = ("Continue reading", "Read the full story", "Read more", "Full story")


@dataclass(slots=True)
class Padding:
    """Lines a padded page adds, by where they go and what they are (``kinds[line]``)."""

    top: list[str]
    after_lead: list[str]
    related: list[str]
    comments: list[str]
    bottom: list[str]
    kinds: dict[str, str]


def caption_lines(rng: random.Random) -> list[str]:
    """A photo caption and its credit line ("Photo: Dana Kerr/AP")."""
    photographer = rng.choice(_PHOTOGRAPHERS) + " " + rng.choice(_PHOTOGRAPHERS)
    return [rng.choice(_CAPTIONS), f"Photo: {photographer}/{rng.choice(_AGENCIES)}"]


def make_padding(rng: random.Random) -> Padding:
    """Navigation, captions, a related-stories block, comment prompts and a footer: always
    all of them (``make_chrome`` draws each with a chance)."""
    kinds: dict[str, str] = {}

    def tagged(lines: list[str], kind: str) -> list[str]:
        for line in lines:
            kinds.setdefault(line, kind)
        return lines

    top = tagged([" | ".join(rng.sample(_NAV, rng.randint(5, 8)))], "navigation")
    if rng.random() < 0.5:
        top += tagged([rng.choice(_THEMES)], "notice")
    after_lead = tagged(caption_lines(rng), "caption")
    related = tagged([rng.choice(_RELATED)], "related")
    related += tagged([fake_headline(rng) for _ in range(rng.randint(3, 6))], "related")
    comments = tagged(rng.sample(_COMMENT_PROMPTS, rng.randint(2, 4)), "comments")
    bottom = tagged([rng.choice(_SHARE), rng.choice(_BACK)], "footer")
    return Padding(top, after_lead, related, comments, bottom, kinds)


def next_story_heading(rng: random.Random) -> str:
    return rng.choice(_NEXT_STORY)


def read_more_line(rng: random.Random, site: str | None) -> str:
    """The link line an aggregator ends a truncated story with."""
    where = f" at {site}" if site else ""
    return f"{rng.choice(_READ_MORE)}{where} \u2192"


def related_block(chrome: Chrome) -> list[str]:
    """The related-stories heading and its headlines in ``chrome.bottom`` ([] if none)."""
    for i, line in enumerate(chrome.bottom):
        if line in _RELATED:
            block = [line]
            for nxt in chrome.bottom[i + 1 :]:
                if nxt in _THEMES or nxt in _BACK:
                    break
                block.append(nxt)
            return block
    return []
