"""The posted letter: a light message in the channel, the rest of its text in the thread.

The channel message holds the header, addressee, deadline, the letter's opening, the
**Sign on** button and the count line; it is what count updates rewrite, so it stays
small. The rest of the text follows in thread replies, in order, cut on paragraph
boundaries. Joining the text blocks of every message gives back the letter exactly, and
no message exceeds Slack's limits (50 blocks, 3,000 characters a section, and
`MESSAGE_SIZE_MAX` in all).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.language import Language
from bot.rules.language import gettext as _
from bot.rules.letter_text import has_formatting, link
from bot.rules.letters import Letter, LetterStatus
from bot.rules.mrkdwn import unescape
from bot.slack.blocks.text import (
    HEADER_TEXT_MAX,
    MESSAGE_BLOCKS_MAX,
    MESSAGE_SIZE_MAX,
    SECTION_TEXT_MAX,
    Block,
    deadline_text,
    escape,
    inert,
    mrkdwn,
    plain,
    signed_count,
    size,
    split_text,
    truncate,
)

SIGN_ON_ACTION = "signon_open"
# Read the full letter, in a modal (`bot.slack.blocks.reading`); its value is the letter's
# number, and the language of the text to show if not the reader's (`read_letter_value`).
READ_LETTER_ACTION = "read_letter"
COUNT_BLOCK = "letter_count"
WEB_LINK_BLOCK = "letter_web_link"
TEXT_BLOCK_PREFIX = "letter_text_"
# How much of a longer letter the channel message shows before the thread takes over:
# enough to see what the letter asks.
OPENING_MAX = 1_500


def build_letter_messages(
    *, letter: Letter, count: int, zone: ZoneInfo, public_url: str | None = None
) -> list[dict[str, Any]]:
    """Payloads for chat.postMessage: the channel message, then its thread replies."""
    head = build_letter_head(letter=letter, count=count, zone=zone, public_url=public_url)
    return [head, *build_letter_parts(letter)]


def build_letter_head(
    *, letter: Letter, count: int, zone: ZoneInfo, public_url: str | None = None
) -> dict[str, Any]:
    """The message in the channel: everything but the text past the opening; for a
    letter taken down, a short notice in its place. While it is open, `public_url` (its
    public page, when it has one) is offered beside the Sign on button."""
    if letter.status is LetterStatus.REMOVED:
        return _removed_notice(letter)
    opening, rest = _opening(letter.body)
    continues = (
        [
            {
                "type": "context",
                "elements": [mrkdwn(_("The letter continues in the thread. :thread:"))],
            }
        ]
        if rest
        else []
    )
    blocks = [
        {"type": "header", "text": plain(truncate(inert(letter.title), HEADER_TEXT_MAX))},
        {
            "type": "section",
            "text": plain(_("To: {addressee}").format(addressee=inert(letter.addressee))),
        },
        {"type": "context", "elements": [mrkdwn(_deadline_line(letter, zone))]},
        {"type": "divider"},
        *(_text_block(piece, n) for n, piece in enumerate(split_text(opening))),
        *continues,
        {"type": "divider"},
        *([sign_on_actions(letter)] if letter.is_open else []),
        *([web_link_block(public_url)] if letter.is_open and public_url else []),
        count_block(letter=letter, count=count),
    ]
    text = _("Sign-on letter: {title}").format(title=escape(letter.title))
    return {"text": text, "blocks": blocks}


def build_letter_parts(letter: Letter) -> list[dict[str, Any]]:
    """The thread replies that carry the rest of a long letter, in order (none for a
    letter taken down)."""
    if letter.status is LetterStatus.REMOVED:
        return []
    opening, rest = _opening(letter.body)
    first = len(split_text(opening))
    sections = [_text_block(piece, n) for n, piece in enumerate(split_text(rest), start=first)]
    groups: list[list[Block]] = []
    for section in sections:
        if (
            not groups
            or len(groups[-1]) == MESSAGE_BLOCKS_MAX
            or size([*groups[-1], section]) > MESSAGE_SIZE_MAX
        ):
            groups.append([])
        groups[-1].append(section)
    title = escape(letter.title)
    total = len(groups) + 1
    return [
        {
            "text": _("{title} (continued, part {part} of {total})").format(
                title=title, part=part, total=total
            ),
            "blocks": blocks,
        }
        for part, blocks in enumerate(groups, start=2)
    ]


def count_block(*, letter: Letter, count: int) -> dict[str, Any]:
    signed = signed_count(count, letter.goal)
    line = _("{signed} so far") if letter.is_open else _("{signed} · sign-ons are closed")
    return {
        "type": "context",
        "block_id": COUNT_BLOCK,
        "elements": [mrkdwn(line.format(signed=signed))],
    }


def web_line(public_url: str) -> str:
    """The letter's public page, for those who can't sign in Slack: a link built from
    the address alone, so nothing in it can pass for another."""
    return _("Not in Slack? Sign on the web: {link}").format(link=link(public_url))


def public_page_line(public_url: str) -> str:
    """The letter's public page, as its organizers see it listed."""
    return _(":globe_with_meridians: Public sign-on page: {link}").format(link=link(public_url))


def web_link_block(public_url: str) -> dict[str, Any]:
    return {
        "type": "context",
        "block_id": WEB_LINK_BLOCK,
        "elements": [mrkdwn(web_line(public_url))],
    }


def sign_on_actions(letter: Letter) -> dict[str, Any]:
    """Sign on, and a button to each text of the letter in another language (whoever
    reads it there reads the button: "Leer en español")."""
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": SIGN_ON_ACTION,
                "text": plain(_("Sign on")),
                "style": "primary",
                "value": str(letter.id),
            },
            *(read_in_button(letter, t.text.language) for t in letter.translations),
        ],
    }


def read_letter_value(letter_id: int, language: Language | None = None) -> str:
    """A Read the full letter button's value: the letter, and the language of the text
    it opens (none: the reader's own)."""
    return str(letter_id) if language is None else f"{letter_id}:{language.value}"


def read_in_button(letter: Letter, language: Language) -> dict[str, Any]:
    """A button that opens the letter's text in `language`, labelled in that language."""
    return {
        "type": "button",
        "action_id": READ_LETTER_ACTION,
        "text": plain(language.read_it_in),
        "value": read_letter_value(letter.id, language),
    }


def moved_notice(letter: Letter) -> dict[str, Any]:
    """In place of a copy in a channel the letter left: where it is now."""
    title = escape(letter.title)
    where = ", ".join(f"<#{channel}>" for channel in letter.channels)
    return {
        "text": _("The sign-on letter {title} moved to {channels}.").format(
            title=title, channels=where
        ),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    _(
                        ":arrow_right: The sign-on letter *{title}* moved: it takes sign-ons "
                        "in {channels}."
                    ).format(title=title, channels=where)
                ),
            }
        ],
    }


def _removed_notice(letter: Letter) -> dict[str, Any]:
    title = escape(letter.title)
    return {
        "text": _("The sign-on letter {title} was taken down.").format(title=title),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    _(
                        ":no_entry_sign: The sign-on letter *{title}* was taken down by its "
                        "organizers. It no longer takes sign-ons."
                    ).format(title=title)
                ),
            }
        ],
    }


def _opening(body: str) -> tuple[str, str]:
    """The text shown in the channel, and the rest, which goes in the thread."""
    if len(body) <= SECTION_TEXT_MAX:
        return body, ""
    opening = split_text(body, OPENING_MAX)[0]
    return opening, body[len(opening) :]


def letter_text_blocks(body: str) -> list[Block]:
    """A letter's whole text as sections, each within Slack's limit."""
    return [_text_block(piece, n) for n, piece in enumerate(split_text(body))]


def _text_block(piece: str, n: int) -> Block:
    """A piece of the letter: mrkdwn where it has links or emphasis to show, else
    plain_text, which shows every character exactly as written."""
    text = mrkdwn(piece) if has_formatting(piece) else plain(inert(unescape(piece)))
    return {"type": "section", "block_id": f"{TEXT_BLOCK_PREFIX}{n}", "text": text}


def _deadline_line(letter: Letter, zone: ZoneInfo) -> str:
    return _("*Sign by* {deadline}  ·  letter #{number}").format(
        deadline=deadline_text(letter.deadline, zone=zone), number=letter.id
    )
