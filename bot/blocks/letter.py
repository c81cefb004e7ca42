"""The posted letter: header, addressee, deadline, full text, Sign on button, count line.

`build_letter_messages` returns the head message (posted in the channel) followed by
any continuation messages (posted in its thread). The letter's text is split into
`plain_text` sections on paragraph boundaries, so joining the sections gives back the
letter exactly, and no payload exceeds Slack's limits.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.text import (
    MESSAGE_BLOCKS_MAX,
    SECTION_TEXT_MAX,
    escape,
    inert,
    mrkdwn,
    plain,
    slack_date,
    truncate,
)
from bot.models import Letter

SIGN_ON_ACTION = "signon_open"
COUNT_BLOCK = "letter_count"
TEXT_BLOCK_PREFIX = "letter_text_"

# Where a long text may be cut, best first: after a blank line, a line, a sentence, a word.
_BREAKS = (
    re.compile(r"\n[ \t]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"(?<=[.!?;:])\s+"),
    re.compile(r"\s+"),
)


def split_text(text: str, limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Cut `text` into pieces of at most `limit` characters that join back to `text`.

    Each cut falls at the best break in the second half of the window, so pieces are
    full paragraphs wherever paragraphs fit; the whitespace at a cut stays with the
    piece before it.
    """
    pieces = []
    start = 0
    while len(text) - start > limit:
        cut = _best_cut(text[start : start + limit])
        pieces.append(text[start : start + cut])
        start += cut
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _best_cut(window: str) -> int:
    for pattern in _BREAKS:
        ends = [match.end() for match in pattern.finditer(window) if match.start() > 0]
        if ends and ends[-1] >= len(window) // 2:
            return ends[-1]
    return len(window)


def build_letter_messages(*, letter: Letter, count: int, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Payloads for chat.postMessage: the head message first, then thread continuations."""
    top = [
        {"type": "header", "text": plain(truncate(inert(letter.title), 150))},
        {"type": "section", "text": plain(f"To: {inert(letter.addressee)}")},
        {"type": "context", "elements": [mrkdwn(_deadline_line(letter, zone))]},
        {"type": "divider"},
    ]
    bottom = [
        {"type": "divider"},
        *([sign_on_actions(letter)] if letter.is_open else []),
        count_block(letter=letter, count=count),
    ]
    sections: list[dict[str, Any]] = [
        {"type": "section", "block_id": f"{TEXT_BLOCK_PREFIX}{n}", "text": plain(piece)}
        for n, piece in enumerate(split_text(inert(letter.body)))
    ]
    room = MESSAGE_BLOCKS_MAX - len(top) - len(bottom)
    if len(sections) <= room:
        head_sections, rest = sections, []
    else:
        room -= 1  # for the note that the letter continues in the thread
        head_sections, rest = sections[:room], sections[room:]
        head_sections.append(
            {
                "type": "context",
                "elements": [mrkdwn("The letter continues in the thread. :thread:")],
            }
        )
    title = escape(letter.title)
    messages: list[dict[str, Any]] = [
        {"text": f"Sign-on letter: {title}", "blocks": [*top, *head_sections, *bottom]}
    ]
    chunks = [rest[i : i + MESSAGE_BLOCKS_MAX] for i in range(0, len(rest), MESSAGE_BLOCKS_MAX)]
    for part, chunk in enumerate(chunks, start=2):
        messages.append(
            {"text": f"{title} (continued, part {part} of {len(chunks) + 1})", "blocks": chunk}
        )
    return messages


def count_block(*, letter: Letter, count: int) -> dict[str, Any]:
    signed = f"*{count}* signed"
    goal = f" of a goal of {letter.goal}" if letter.goal else ""
    state = "so far" if letter.is_open else "· sign-ons are closed"
    return {
        "type": "context",
        "block_id": COUNT_BLOCK,
        "elements": [mrkdwn(f"{signed}{goal} {state}")],
    }


def _deadline_line(letter: Letter, zone: ZoneInfo) -> str:
    return f"*Sign by* {slack_date(letter.deadline, zone=zone)}  ·  letter #{letter.id}"


def sign_on_actions(letter: Letter) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": SIGN_ON_ACTION,
                "text": plain("Sign on"),
                "style": "primary",
                "value": str(letter.id),
            }
        ],
    }
