"""A letter's text as the bot keeps it: Slack's mrkdwn, held to what is safe to post.

Letters arrive typed into a form (plain text), pasted into a message (Slack's encoding,
with links, bold, italics and lists) or attached as a document. Each becomes the same
form, the letter's *markup*: mrkdwn in which `&`, `<` and `>` are escaped everywhere
except in links to web and mail addresses. So the letter shows in Slack as it was
written, its links keep their URLs, and nothing in it can mention anyone or pass one
address off as another. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.rules.cleaning import one_line, paragraphs
from bot.rules.limits import BODY_INPUT_MAX
from bot.rules.mrkdwn import ANGLE_TOKEN, LINK_MAX, emphases, escape, shown_as, unescape

_LINK_SCHEMES = ("http", "https", "mailto")
# A host name as a reader would spot one in a label ("bank.example", "https://x.org/a",
# "help@x.org"): dotted words ending in two or more letters. "H.R. 5376", "e.g." and
# "3.2" are not hosts.
_HOST_IN_LABEL = re.compile(
    r"(?<![\w.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24})(?![\w-])", re.IGNORECASE
)


def from_plain(text: str) -> str:
    """A letter typed into the form, or read from a plain-text file or a PDF."""
    return escape(paragraphs(text))


def from_slack(text: str) -> str:
    """A letter pasted into a Slack message, from the message's encoded `text`.

    Links to web and mail addresses stay links; bold, italics, strikethrough and the
    `•` and `1.` lines of lists stay as Slack wrote them. Mentions of people, channels
    and groups, `@here` and dates become the words the reader saw, inert.
    """
    text = paragraphs(text)
    pieces: list[str] = []
    start = 0
    for match in ANGLE_TOKEN.finditer(text):
        pieces.append(_reescape(text[start : match.start()]))
        target, label = match.group(1), unescape(match.group(2) or "")
        if _is_link(target):
            pieces.append(link(unescape(target), label))
        elif target[:1] in {"@", "#", "!"}:
            pieces.append(escape(shown_as(target, label)))
        elif ":" in target:  # a link to something other than the web or mail
            pieces.append(escape(label or target))
        else:  # not Slack's: angle brackets someone typed
            pieces.append(_reescape(match.group(0)))
        start = match.end()
    pieces.append(_reescape(text[start:]))
    return "".join(pieces)


def link(url: str, label: str = "") -> str:
    """A link as markup. A label that reads like an address other than the link's own
    is dropped, so what the reader sees is where the link goes."""
    url = url.strip().replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
    label = one_line(label)
    if not _is_link(url):
        return escape(label or url)
    if not label or label == url or _misleading(label, url):
        token = f"<{escape(url)}>"
    else:
        token = f"<{escape(url)}|{escape(label)}>"
    return token if len(token) <= LINK_MAX else escape(f"{label} ({url})" if label else url)


def emphasized(text: str, marker: str) -> str:
    """`text` in bold (`*`), italics (`_`) or strikethrough (`~`), its edge spaces left
    outside the markers, where mrkdwn needs them."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def to_plain(markup: str) -> str:
    """What a reader reads, for places without mrkdwn: files, previews, search.
    A link reads as its label with the address after it."""

    def spelled_out(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        shown = url.removeprefix("mailto:")
        return shown if not label or label == shown else f"{label} ({shown})"

    return unescape(ANGLE_TOKEN.sub(spelled_out, markup))


def editable_text(markup: str) -> str | None:
    """The text to put in a form for editing, when typing it back gives the same markup
    (no links or emphasis, and short enough for the form); else None."""
    if has_formatting(markup):
        return None
    shown = unescape(markup)
    if len(shown) > BODY_INPUT_MAX or from_plain(shown) != markup:
        return None
    return shown


def has_formatting(markup: str) -> bool:
    """True when the text holds links or emphasis that only mrkdwn can show."""
    return bool(ANGLE_TOKEN.search(markup)) or next(emphases(markup), None) is not None


def _reescape(text: str) -> str:
    # Slack escapes the controls in message text; decoding first makes sure a stray
    # unescaped one is escaped too, and an escaped one only once.
    return escape(unescape(text))


def _is_link(target: str) -> bool:
    scheme = target.partition(":")[0].lower()
    return scheme in _LINK_SCHEMES and len(target) > len(scheme) + 1


def _misleading(label: str, url: str) -> bool:
    """True when the label names a host the link doesn't go to (a subdomain or parent
    of the link's own host is the same owner's, and fine)."""
    target = (urlsplit(url).hostname or url.rpartition("@")[2]).lower().removeprefix("www.")
    for named in _HOST_IN_LABEL.findall(label):
        host = named.lower().removeprefix("www.")
        if not (host == target or target.endswith("." + host) or host.endswith("." + target)):
            return True
    return False


# A letter's first lines, shown where it is signed: a sentence or two, enough to know
# what it asks.
FIRST_LINES_MAX = 280


def first_lines(markup: str) -> str:
    """The letter's opening in plain text, on one line, cut at a word."""
    text = " ".join(to_plain(markup).split())
    if len(text) <= FIRST_LINES_MAX:
        return text
    cut = text[: FIRST_LINES_MAX - 1].rsplit(" ", 1)[0]
    return f"{cut}…"
