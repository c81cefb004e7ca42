"""Slack's text encoding, both ways, and the text objects every builder uses.

Anything a person typed goes into a message either as `plain_text` (shown literally) or
through `escape()` into `mrkdwn`, so it can never ping `@channel`, mention someone or
fake a link.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
MESSAGE_BLOCKS_MAX = 50
MODAL_BLOCKS_MAX = 100
MODAL_TITLE_MAX = 24

# Slack's mrkdwn controls: <…> is a mention, link or date; & starts an entity.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# <url|label>, <@U123|name>, <#C123|name>, <!here> … as they arrive in message text.
_ANGLE_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_CONTROL_SEQUENCE = re.compile(r"<(?=[!@#]|[a-z][a-z0-9+.-]*:)", re.IGNORECASE)


def escape(text: str) -> str:
    """Text a person typed, made safe to place inside mrkdwn."""
    return text.translate(_ESCAPES)


def inert(text: str) -> str:
    """Text a person typed, for a plain_text object.

    Slack shows plain_text as written and never acts on `<!channel>` there. But text is
    copied out of posts into messages, where it would: a word joiner (invisible) after
    the `<` of anything shaped like a mention or link keeps it inert wherever it goes.
    Apply before truncating, as it can lengthen the text.
    """
    return _CONTROL_SEQUENCE.sub("<\u2060", text)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": False}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_date(
    moment: datetime, *, zone: ZoneInfo, token: str = "{date_long_pretty} at {time}"
) -> str:
    """A date each reader sees in their own timezone; the fallback uses `zone`."""
    local = moment.astimezone(zone)
    fallback = f"{local:%A, %B} {local.day}, {local:%Y} at {local:%-I:%M %p} {local.tzname()}"
    return f"<!date^{int(moment.timestamp())}^{token}|{escape(fallback)}>"


def message_text_to_plain(text: str) -> str:
    """The text a person sees in a Slack message, from the encoded form events carry.

    Links keep their visible label (or the URL when there is none), mentions become
    their @name, and HTML entities are decoded, so a pasted letter reads as written.
    """

    def visible(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):  # <@U123|name>
            return "@" + (label or target[1:])
        if target.startswith("#"):  # <#C123|name>
            return "#" + (label or target[1:])
        if target.startswith("!subteam^"):  # <!subteam^S123|@team>
            return label or "@" + target.removeprefix("!subteam^")
        if target.startswith("!date^"):  # <!date^…|fallback>
            return label or ""
        if target.startswith("!"):  # <!here>, <!channel>
            return "@" + target[1:]
        return label or target  # <https://…|label>, <mailto:…>

    return html.unescape(_ANGLE_TOKEN.sub(visible, text))
