"""Line-level boilerplate removal for pages that arrive already flattened to text.

Scraped copies keep the chrome of the site that republished them: theme licence nags,
section labels, photo captions with their credit, share bars, "Back to top". Such lines are
not part of the story, inflate differences between copies, and are themselves evidence
(forensics reports them as ``boilerplate_added``). So we remove them from the text but keep
every removed line, in order, in ``PageParts.boilerplate``.

Two levels:

* :func:`classify_line` judges one line on its own (usable on any text, including the
  output of HTML extraction, which leaks chrome too);
* :func:`split_page` adds the context a single line lacks: a caption is the line *before*
  a photo credit; a section label is a short line *before* the title; a source line is a
  URL or "Source: ..." at the *end* of the page.

It errs on the side of keeping text: a body line is only removed when it matches a
pattern; unknown short lines stay.

>>> parts = split_page("World\\n\\nFire destroys old mill in town\\n\\nA fire destroyed the "
...                    "old mill on Sunday, officials said.\\n\\nShare this\\n\\nBack to top")
>>> parts.title, parts.text, parts.boilerplate
('Fire destroys old mill in town', 'A fire destroyed the old mill on Sunday, officials said.', \
['World', 'Share this', 'Back to top'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wiretrace.text.tokens import count_words

__all__ = ["PageParts", "classify_line", "split_page"]

_SOCIAL = (
    r"facebook|twitter|x|linkedin|whatsapp|e-?mail|reddit|telegram|pinterest|messenger|"
    r"flipboard|tumblr|threads|bluesky|mastodon|print|copy(?: the)? link|sms"
)
_DAYS_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun"
_WIRES = r"AP|Reuters|REUTERS|AFP|EPA|EPA-EFE|Getty Images|Bloomberg|Xinhua|dpa|ANSA|Pool"

# (label, pattern, maximum words): the first matching rule names the line.
_RULES: list[tuple[str, re.Pattern[str], int]] = [
    (
        "nag",
        re.compile(
            r"license is not validated|theme options page|validate the licen[sc]e|"
            r"(?:site|domain|theme|plugin) is not (?:activated|licensed|registered)|"
            r"\bpowered by (?:wordpress|blogger|ghost)\b|^(?:please )?enable javascript|"
            r"javascript (?:is )?(?:disabled|required)|your browser does not support|"
            r"(?:disable|turn off|whitelist us in) your ad ?blocker|ad ?blocker (?:detected|is on)",
            re.I,
        ),
        60,
    ),
    (
        "cookie",
        re.compile(
            r"\b(?:we|this (?:web)?site|our (?:web)?site|site) uses? cookies\b|"
            r"\baccept (?:all )?cookies\b|\bcookie (?:policy|settings|preferences|consent)\b|"
            r"^by (?:continuing to (?:use|browse)|using) (?:this|our) (?:site|website)",
            re.I,
        ),
        80,
    ),
    (
        "back_to_top",
        re.compile(
            r"^(?:(?:back|return|scroll|go|jump) to (?:the )?top(?: button)?|top)\W*$",
            re.I,
        ),
        5,
    ),
    (
        "share",
        re.compile(
            rf"^(?:share(?: this)?(?: (?:article|story|post|page|video))?(?: (?:on|via|to))?|"
            rf"tweet(?: this)?|pin(?: it)?|\d+\s+shares?|shares?\s+\d+|{_SOCIAL})"
            rf"(?:[\s|,/\u00b7\u2022:]+(?:{_SOCIAL}|share|tweet|\d+))*\W*$",
            re.I,
        ),
        12,
    ),
    (
        "related",
        re.compile(
            r"^(?:related(?: (?:stories|articles|posts|news|content|coverage|topics|reading|"
            r"links|videos))?|more (?:stories|news|articles|videos)(?: (?:from|on|about) .{1,40})?|"
            r"(?:you|we think you) (?:may|might) (?:also )?(?:like|enjoy)|"
            r"recommended(?: for you| stories| articles| reading)?|trending(?: now| stories)?|"
            r"most (?:read|popular|viewed|shared)|read next|up next|top stories|"
            r"latest(?: news| stories| articles| videos)?|editor'?s picks|don'?t miss|"
            r"popular (?:posts|stories|articles)|in other news|more from .{1,40})\W*$",
            re.I,
        ),
        10,
    ),
    (
        "read_more",
        re.compile(
            r"^(?:read more|continue reading|keep reading|read the full (?:story|article)|"
            r"click here(?: to read more)?|full story|view (?:more|all)|see more|load more)"
            r"(?:\W*$|\s*(?:[:\u00bb>|\u2013\u2014-]|\.{3})\s*\S.{0,200}$)|"
            r"^(?:also read|read also|see also|read|related|more)\s*[:\u00bb>|]\s*\S.{0,200}$",
            re.I,
        ),
        30,
    ),
    (
        "newsletter",
        re.compile(
            r"^(?=.*\b(?:sign(?:ing)? up|subscribe|join|get|register|receive)\b)"
            r"(?=.*\b(?:newsletters?|inbox|e-?mail (?:alerts|updates)|briefing)\b)|"
            r"^subscribe(?: now| today| here)?\W*$|\benter your e-?mail\b|"
            r"\bdelivered (?:straight |directly )?to your inbox\b|"
            r"\bby (?:signing up|subscribing),? you agree\b",
            re.I,
        ),
        30,
    ),
    (
        "ad",
        re.compile(
            r"^(?:advertisement|advertising|sponsored(?: content)?|ads? by \w+|"
            r"story continues (?:below|after)(?: the)? (?:advertisement|ad)|"
            r"article continues below(?: advertisement)?|scroll to continue with content|ad)\W*$",
            re.I,
        ),
        8,
    ),
    (
        "comments",
        re.compile(
            r"^(?:\d+\s+)?(?:comments?|leave a (?:comment|reply)|add (?:a )?comment|"
            r"post a comment|join the (?:conversation|discussion)|(?:show|view|load) comments)"
            r"(?:\s*\(\d+\))?\W*$",
            re.I,
        ),
        6,
    ),
    (
        "nav",
        re.compile(
            r"^(?:skip to (?:main )?(?:content|navigation)|toggle navigation|main menu|menu|"
            r"search|home|homepage|log ?in|log ?out|sign ?in|sign ?up|register|close|open|"
            r"next|previous|prev|loading\.*|accessibility|sections|navigation|"
            r"next (?:article|story|post)|previous (?:article|story|post))\W*$|"
            r"^[^|\u00bb\u203a>]{1,30}(?:\s+[|\u00bb\u203a>]\s+[^|\u00bb\u203a>]{1,30}){2,}$",
            re.I,
        ),
        20,
    ),
    (
        "photo_credit",
        re.compile(
            r"^(?:photo(?:graph)?s?|image|picture|pic|foto|photo credit|image credit|"
            r"image source|picture credit)(?:\s+(?:credit|source|by))?\s*[:\uff1a]\s*\S.{0,120}$|"
            r"^\(?(?:AP|Reuters|REUTERS|AFP|EPA|Xinhua)\s+Photo(?:/[^)]{0,80})?\)?$|"
            rf"^(?:REUTERS|AFP|EPA-EFE|EPA)/\s?[A-Z].{{0,60}}$|"
            rf"^[\w .,'\u2019-]{{2,60}}(?:/(?:{_WIRES}|[\w .'-]{{2,40}}))*/(?:{_WIRES})"
            rf"(?:/[\w .'-]{{2,40}})*$|"
            r"^(?:.{2,60}\s+(?:via|for|/)\s+)?Getty Images$|"
            r"^(?:getty images|image credit|photo credit|photo|image|credit)$",
            re.I,
        ),
        15,
    ),
    (
        "caption",
        re.compile(
            rf"\((?:{_WIRES})\s+Photo/[^)]{{1,80}}\)$|"
            r"\([A-Z][\w.' -]{1,40}/[A-Z][\w.' -]{1,40}\)$|"
            r"\b(?:photo|photograph|picture|image)(?: credit)?\s*:\s*[^.]{1,80}$",
            re.I,
        ),
        80,
    ),
    (
        "copyright",
        re.compile(
            r"^(?:\u00a9|\([cC]\)|(?i:copyright)(?:\s*(?:\u00a9|\([cC]\)))?)\s*"
            r"(?:(?:19|20)\d{2}\b|[A-Z\u00a9])|(?i:all rights reserved)\.?$"
        ),
        30,
    ),
    (
        "tags",
        re.compile(r"^(?:tags?|topics?|filed under|categories|category)\s*:.{0,300}$", re.I),
        40,
    ),
    (
        "date",
        re.compile(
            r"^(?:published|updated|posted|last (?:updated|modified)|first (?:published|posted)|"
            rf"originally (?:published|posted))(?:\s+(?:on|at))?\s*:?\s*(?:\d|(?:{_DAYS_MONTHS})"
            r"[a-z]*\b)|^\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago$",
            re.I,
        ),
        12,
    ),
]
_LONGEST_CHROME = max(n for _, _, n in _RULES)

# Rules that are costly to run on every line: one of these lower-case substrings must be in
# the line before the pattern is tried (ingest spends most of its time here otherwise).
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "nag": ("licen", "theme", "is not ", "powered by", "javascript", "browser", "blocker"),
    "cookie": ("cookie", "by continuing", "by using"),
    "newsletter": ("newsletter", "inbox", "mail", "briefing", "subscrib", "signing up"),
    "photo_credit": ("/", "photo", "image", "picture", "pic", "foto", "credit", "getty"),
    "caption": ("photo", "picture", "image", "/"),
    "copyright": ("\u00a9", "(c)", "copyright", "rights reserved"),
}
_TRIGGER_RES = {
    label: re.compile("|".join(map(re.escape, words))) for label, words in _TRIGGERS.items()
}
_SOURCE_TRIGGERS = (
    "source",
    "via",
    "courtesy",
    "h/t",
    "hat tip",
    "originally",
    "first ",
    "this ",
    "republished",
)
_SOURCE_TRIGGER_RE = re.compile("|".join(map(re.escape, _SOURCE_TRIGGERS)))

# Labels of buttons and headings, which never end with a full stop.
_NO_PERIOD = frozenset({"share", "nav", "comments", "ad", "back_to_top", "related"})
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"(?<![ap]\.m)(?<!\b[AP]M)[.,;]$", re.I)

# Lines naming where the text came from. URL lines only count at the end of a page; the
# others (explicit cue words) anywhere.
_URL_LINE = re.compile(r"^(?:source\s*:\s*)?(?:https?://|www\.)\S+(?:\s+\S.{0,250})?$", re.I)
_SOURCE_LINE = re.compile(
    r"^(?:source|via|courtesy|h/t|hat tip)\s*:\s*\S.{0,200}$|"
    rf"\b(?:originally|first) (?:appeared|published|posted|ran)\s+(?:on|in|at|by|with|via)\s+"
    rf"(?!\d|(?:{_DAYS_MONTHS})[a-z]*\b)|"
    r"^this (?:article|story|post|piece) (?:was|is|has been) (?:originally |first )?"
    r"(?:published|posted|written|produced|republished)\b|"
    r"^republished (?:from|with permission)\b",
    re.I,
)
# Only at the end of a page: a bare URL (maybe with its title) or "Sources: ..." (which
# starts headlines too: "Sources: X close to signing").
_TRAILING_SOURCE = re.compile(rf"{_URL_LINE.pattern}|^sources\s*:\s*\S.{{0,200}}$", re.I)
_BYLINE = re.compile(
    r"^(?:by|written by|words by|von|por|par)[:\s]+([A-Z\u00c0-\u024f].{1,100})$", re.I
)
_HEADER_DATE = re.compile(
    r"^(?:(?:published|updated|posted)\s*:?\s*)?(?:on\s+)?[\w ,.:/+-]{0,40}\b(?:19|20)\d{2}\b"
    r"[\w ,.:/+()-]{0,40}$",
    re.I,
)
_ALPHA_WORD = re.compile(r"\b[^\W\d_]{2,}\b")
_TERMINAL = re.compile(r"[.,;:]$")
_MAX_SOURCES = 3
_MAX_HEADER_LINES = 8


@dataclass(slots=True)
class PageParts:
    """A flattened page taken apart: body text and the lines that were not body."""

    text: str
    title: str | None = None
    byline: str | None = None
    boilerplate: list[str] = field(default_factory=list)
    declared_sources: list[str] = field(default_factory=list)
    labels: list[tuple[str, str]] = field(default_factory=list)  # (label, line) per removed line


def classify_line(line: str) -> str | None:
    """The kind of page chrome ``line`` is ("share", "nav", "photo_credit", ...), else ``None``.

    Judges the line alone, so it cannot tell a caption without a credit or a section label;
    :func:`split_page` adds that context. Long lines are never chrome, except nags and
    cookie notices, which can run to a paragraph.
    """
    line = line.strip()
    if not line:
        return None
    words = count_words(line, _LONGEST_CHROME + 1)
    sentence_end = line.endswith(".") and not line.endswith("..")
    low = line.lower()
    for label, pattern, max_words in _RULES:
        if words > max_words:
            continue
        trigger = _TRIGGER_RES.get(label)
        if trigger is not None and not trigger.search(low):
            continue
        if pattern.search(line):
            if sentence_end and label in _NO_PERIOD:
                return None  # "share." ends a wrapped sentence; buttons carry no period
            if label == "date" and (not _DIGIT.search(line) or _SENTENCE_END.search(line)):
                return None  # "published on April 6." is prose; a dateline has numbers
            return label
    return None


def _words(line: str) -> int:
    """Words in ``line``, counted up to 1,000 (every rule looks at far fewer)."""
    return count_words(line, 1000)


def _is_source(line: str) -> bool:
    if _words(line) > 40:
        return False
    return bool(_SOURCE_TRIGGER_RE.search(line.lower()) and _SOURCE_LINE.search(line))


def _title_like(line: str) -> bool:
    return (
        3 <= _words(line) <= 30
        and len(_ALPHA_WORD.findall(line)) >= 3
        and 20 <= len(line) <= 250
        and not _TERMINAL.search(line)
        and not line[0].islower()
        and "http" not in line
    )


def _section_like(line: str) -> bool:
    return _words(line) <= 4 and len(line) <= 40


def split_page(text: str, *, find_title: bool = True) -> PageParts:
    """Split flattened page text into body, title, byline, chrome and declared sources.

    ``text`` should have one paragraph per line or blank-line-separated paragraphs;
    the body keeps its paragraphs, separated by one blank line. With ``find_title`` the
    first substantial short line followed by a blank line becomes the title (and the short
    lines above it section labels) when the text looks like a page; pass ``False`` when
    the title is known already (HTML extraction) so that no body line is mistaken for it.
    """
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    n = len(lines)
    label: list[str | None] = [classify_line(ln) for ln in lines]
    role: list[str] = ["body" if ln else "blank" for ln in lines]
    for i, lab in enumerate(label):
        if lab:
            role[i] = "chrome"

    # A caption is the line right above its photo credit (no blank line between).
    for i in range(1, n):
        if label[i] == "photo_credit" and role[i - 1] == "body" and len(lines[i - 1]) <= 500:
            role[i - 1], label[i - 1] = "chrome", "caption"

    # A "Related stories" / "You may also like" header heads a list of linked headlines:
    # short lines without a full stop, up to the next blank line or sentence-like line.
    for i in range(n):
        if label[i] == "related":
            j = i + 1
            while j < n and role[j] == "blank":
                j += 1
            while j < n and role[j] == "body" and _headline_like(lines[j]):
                role[j], label[j] = "chrome", "related_link"
                j += 1

    # Declared sources with explicit cue words, anywhere.
    for i in range(n):
        if role[i] == "body" and _is_source(lines[i]):
            role[i] = "source"

    # Trailing URL lines (after skipping trailing chrome) are declared sources.
    found = 0
    for i in range(n - 1, -1, -1):
        if role[i] in ("blank", "chrome"):
            continue
        if role[i] == "source":
            found += 1
        elif role[i] == "body" and found < _MAX_SOURCES and _TRAILING_SOURCE.match(lines[i]):
            role[i] = "source"
            found += 1
        else:
            break

    title = byline = None
    if find_title:
        title, byline = _header(lines, role, label)

    body: list[str] = []
    parts = PageParts(text="", title=title, byline=byline)
    for i, line in enumerate(lines):
        if role[i] in ("body", "blank"):
            if line or (body and body[-1]):
                body.append(line)
        elif role[i] == "chrome":
            parts.boilerplate.append(line)
            parts.labels.append((label[i] or "chrome", line))
        elif role[i] == "source":
            parts.declared_sources.append(line)
    parts.text = "\n".join(body).strip()
    return parts


def _headline_like(line: str) -> bool:
    """A linked headline: 2-14 words, no sentence-ending punctuation."""
    words = count_words(line, 15)
    return 2 <= words <= 14 and not re.search(r"[.!?:;\"']$", line)


def _header(
    lines: list[str], role: list[str], label: list[str | None]
) -> tuple[str | None, str | None]:
    """Find the title in the page header; mark section labels, byline and date lines."""
    content = [i for i, r in enumerate(role) if r == "body"][:_MAX_HEADER_LINES]
    title_at: int | None = None
    for k, i in enumerate(content):
        line = lines[i]
        j = i + 1  # a date or byline line may sit between the title and the blank line
        while (
            j < len(lines)
            and role[j] != "blank"
            and (label[j] == "date" or _BYLINE.match(lines[j]))
        ):
            j += 1
        followed_by_blank = j < len(lines) and role[j] == "blank"
        more_after = any(r == "body" for r in role[i + 1 :])
        if _title_like(line) and followed_by_blank and more_after:
            nxt = content[k + 1] if k + 1 < len(content) else None
            if (
                _section_like(line)
                and nxt is not None
                and _title_like(lines[nxt])
                and _words(lines[nxt]) > _words(line)
            ):
                continue  # "Asia Pacific News" above the real headline
            title_at = i
            break
        if _words(line) > 8:
            return None, None  # a paragraph before any title: not a page header
    if title_at is None:
        return None, None
    for i in content:
        if i >= title_at:
            break
        role[i], label[i] = "chrome", "section"
    role[title_at] = "title"
    byline = None
    for i in range(title_at + 1, min(len(lines), title_at + 6)):
        if role[i] != "body":
            continue
        m = _BYLINE.match(lines[i])
        if byline is None and m and _words(lines[i]) <= 12 and not lines[i].endswith("."):
            role[i], byline = "byline", m.group(1).strip()
        elif _words(lines[i]) <= 10 and _HEADER_DATE.match(lines[i]):
            role[i], label[i] = "chrome", "date"
        else:
            break
    return lines[title_at], byline
