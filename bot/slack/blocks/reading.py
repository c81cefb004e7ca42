"""Reading a letter where it is signed: its addressee and first lines, with **Read the
full letter**, beside a chase, the Home's letters to sign and the sign-on form; and the
whole letter in a modal (roster contacts asked to sign are often not in its channel)."""

from __future__ import annotations

from typing import Any

from bot.rules.letter_text import first_lines
from bot.rules.letters import Letter
from bot.slack.blocks.letters import letter_text_blocks
from bot.slack.blocks.text import (
    HEADER_TEXT_MAX,
    MODAL_TITLE_MAX,
    Block,
    inert,
    plain,
    truncate,
)

READ_LETTER_ACTION = "read_letter"
ADDRESSEE_SHOWN = 200


def preview_block(letter: Letter) -> Block:
    """'To: The Honorable …' and the letter's first lines, with Read the full letter."""
    text = f"To: {truncate(letter.addressee, ADDRESSEE_SHOWN)}\n{first_lines(letter.body)}"
    return {
        "type": "section",
        "text": plain(inert(text)),
        "accessory": {
            "type": "button",
            "action_id": READ_LETTER_ACTION,
            "text": plain("Read the full letter"),
            "value": str(letter.id),
        },
    }


def full_letter_view(letter: Letter) -> dict[str, Any]:
    """The whole letter, as its post and thread carry it, in a modal."""
    return {
        "type": "modal",
        "title": plain(truncate("The letter", MODAL_TITLE_MAX)),
        "close": plain("Close"),
        "blocks": [
            {"type": "header", "text": plain(truncate(inert(letter.title), HEADER_TEXT_MAX))},
            {"type": "section", "text": plain(inert(f"To: {letter.addressee}"))},
            {"type": "divider"},
            *letter_text_blocks(letter.body),
        ],
    }
