"""Slack's text encoding, both ways: escaping what people typed, and reading what Slack
sends (message and command text, where `<…>` is a mention, link or date and `&…;` an
entity); and lists cut to fit a text object. Pure functions, shared by the domain and
the Block Kit builders."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# Slack's mrkdwn controls: <…> is a mention, link or date; & starts an entity.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# <url|label>, <@U123|name>, <#C123|name>, <!here> … as they arrive in message text.
ANGLE_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
# Spans that mean nothing cut in two: a mention, link or date, or an entity.
ATOMIC = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);")
# mrkdwn's emphasis: *bold*, _italic_, ~strike~ and `code`, hugging words on both ends.
EMPHASIS = re.compile(r"(?<![\w*_~`])([*_~`])(?=\S)[^\n]*?(?<=\S)\1(?![\w*_~`])")
# The longest link kept as a link: an address longer than this is shown as text.
LINK_MAX = 2000


def escape(text: str) -> str:
    """Text a person typed, made safe to place inside mrkdwn."""
    return text.translate(_ESCAPES)


def unescape(text: str) -> str:
    """Escaped text as Slack shows it: only its three entities are decoded."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def shown_as(target: str, label: str) -> str:
    """What Slack shows for `<target|label>`: a mention's @name, a channel's #name, a
    group's handle, a date's fallback, a link's label (or its address)."""
    if target.startswith("@"):  # <@U123|name>
        return "@" + (label or target[1:])
    if target.startswith("#"):  # <#C123|name>
        return "#" + (label or target[1:])
    if target.startswith("!subteam^"):  # <!subteam^S123|@team>
        return label or "@" + target.removeprefix("!subteam^")
    if target.startswith("!date^"):  # <!date^…|fallback>
        return label
    if target.startswith("!"):  # <!here>, <!channel>
        return "@" + target[1:]
    return label or target  # <https://…|label>, <mailto:…>


def message_text_to_plain(text: str) -> str:
    """The text a person sees in a Slack message, from the encoded form Slack sends.

    Links keep their visible label (or the URL when there is none), mentions become
    their @name, and HTML entities are decoded, so a command reads as it was typed.
    """

    def visible(match: re.Match[str]) -> str:
        return shown_as(match.group(1), match.group(2) or "")

    return unescape(ANGLE_TOKEN.sub(visible, text))


def joined(
    items: Sequence[str],
    *,
    limit: int,
    most: int | None = None,
    separator: str = ", ",
    more: Callable[[int], str] = lambda n: f" and {n} more",
) -> str:
    """As many of `items` (at most `most`) as fit in `limit` characters, then how many
    more there are: a list that grows with its data never outgrows its text object."""
    shown: list[str] = []
    length = 0
    for n, item in enumerate(items[:most] if most is not None else items):
        rest = len(items) - n - 1
        need = len(item) + (len(separator) if shown else 0)
        room = limit - len(more(rest)) if rest else limit
        if length + need > room:
            break
        shown.append(item)
        length += need
    left = len(items) - len(shown)
    return (separator.join(shown) + (more(left) if left else "")).strip()
