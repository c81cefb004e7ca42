"""Slack's text encoding, both ways: escaping what people typed, and reading what Slack
sends (message and command text, where `<…>` is a mention, link or date and `&…;` an
entity); and lists cut to fit a text object. Pure functions, shared by the domain and
the Block Kit builders."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

# Slack's mrkdwn controls: <…> is a mention, link or date; & starts an entity.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# <url|label>, <@U123|name>, <#C123|name>, <!here> … as they arrive in message text.
ANGLE_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
# Spans that mean nothing cut in two: a mention, link or date, or an entity.
ATOMIC = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);")
# mrkdwn's emphasis markers: *bold*, _italic_, ~strike~ and `code`.
_MARKERS = "*_~`"
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


class Emphasis(NamedTuple):
    """A run of emphasized text: `text[start:end]`, markers included."""

    start: int
    end: int
    marker: str


def emphases(text: str) -> Iterator[Emphasis]:
    """mrkdwn's emphasis in `text`, left to right, as the pattern
    `(?<![\\w*_~`])([*_~`])(?=\\S)[^\\n]*?(?<=\\S)\\1(?![\\w*_~`])` finds it: a marker
    after no word character or marker, before a non-space, closed by the nearest same
    marker on the line that follows a non-space and comes before no word character or
    marker. Found in one pass per line: the pattern itself takes time quadratic in a
    line full of markers that never close ("_a _a _a …"), which a pasted letter can be."""
    offset = 0
    for line in text.split("\n"):
        yield from _line_emphases(line, offset)
        offset += len(line) + 1


def _line_emphases(line: str, offset: int) -> Iterator[Emphasis]:
    closers: dict[str, list[int]] = {marker: [] for marker in _MARKERS}
    for n, char in enumerate(line):
        if char in _MARKERS and n and not line[n - 1].isspace() and not _hugs(line, n + 1):
            closers[char].append(n)
    at = 0
    for n, char in enumerate(line):
        if n < at or char not in _MARKERS or _hugs(line, n - 1):
            continue
        if n + 1 >= len(line) or line[n + 1].isspace():
            continue
        found = closers[char]
        close = bisect.bisect_right(found, n)
        if close < len(found):
            end = found[close] + 1
            yield Emphasis(offset + n, offset + end, char)
            at = end


def _hugs(line: str, n: int) -> bool:
    """Whether position `n` holds a word character or a marker (off the line: no)."""
    if not 0 <= n < len(line):
        return False
    char = line[n]
    return char in _MARKERS or char.isalnum() or char == "_"
