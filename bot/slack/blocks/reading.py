"""Reading a letter where it is signed: its addressee and first lines, with **Read the
full letter**, beside a chase, the Home's letters to sign and the sign-on form; and the
whole letter in a modal (roster contacts asked to sign are often not in its channel),
in the reader's language when its organizers wrote the letter in it, with a button to
the other text."""

from __future__ import annotations

from typing import Any

from bot.rules.language import Language, current, speaking
from bot.rules.language import gettext as _
from bot.rules.letter_text import first_lines
from bot.rules.letters import Letter, LetterText
from bot.slack.blocks.letters import READ_LETTER_ACTION as READ_LETTER_ACTION
from bot.slack.blocks.letters import letter_text_blocks, read_in_button, read_letter_value
from bot.slack.blocks.text import (
    HEADER_TEXT_MAX,
    MODAL_TITLE_MAX,
    Block,
    inert,
    plain,
    truncate,
)

# The full letter's modal, told apart from a form it was opened over: a button to the
# other text in it replaces it rather than stacking another.
FULL_LETTER_CALLBACK = "full_letter"
ADDRESSEE_SHOWN = 200


def read_language(code: str) -> Language | None:
    """The language a Read button's value names after the letter's number ('3:es'); None
    for none, or one no longer spoken: the reader's own."""
    return next((language for language in Language if language.value == code), None)


def preview_block(letter: Letter) -> Block:
    """'To: The Honorable …' and the letter's first lines, with Read the full letter."""
    shown = letter.text_in(current())
    text = f"{addressed(shown, limit=ADDRESSEE_SHOWN)}\n{first_lines(shown.body)}"
    return {
        "type": "section",
        "text": plain(inert(text)),
        "accessory": {
            "type": "button",
            "action_id": READ_LETTER_ACTION,
            "text": plain(_("Read the full letter")),
            "value": read_letter_value(letter.id),
        },
    }


def full_letter_view(letter: Letter, language: Language | None = None) -> dict[str, Any]:
    """The whole letter, as its post and thread carry it, in a modal: its text in
    `language` (by default the reader's), and when it has another, a button to that."""
    shown = letter.text_in(language or current())
    blocks: list[Block] = [
        {"type": "header", "text": plain(truncate(inert(shown.title), HEADER_TEXT_MAX))},
        {"type": "section", "text": plain(inert(addressed(shown)))},
    ]
    if _older(letter, shown):
        blocks.append({"type": "context", "elements": [plain(_older_note(shown))]})
    other = _other_text(letter, shown)
    if other is not None:
        blocks.append({"type": "actions", "elements": [read_in_button(letter, other)]})
    blocks += [{"type": "divider"}, *letter_text_blocks(shown.body)]
    return {
        "type": "modal",
        "callback_id": FULL_LETTER_CALLBACK,
        "title": plain(truncate(_("The letter"), MODAL_TITLE_MAX)),
        "close": plain(_("Close")),
        "blocks": blocks,
    }


def addressed(shown: LetterText, *, limit: int | None = None) -> str:
    """'To: The Honorable …', in the language of the text it heads (it is the letter's
    line, not ours)."""
    addressee = shown.addressee if limit is None else truncate(shown.addressee, limit)
    with speaking(shown.language):
        return _("To: {addressee}").format(addressee=addressee)


def _other_text(letter: Letter, shown: LetterText) -> Language | None:
    """The language of the letter's other text, if it has one: its own (English) beside
    a translation, else its first translation."""
    if shown.language is not Language.ENGLISH:
        return Language.ENGLISH
    return next((t.text.language for t in letter.translations), None)


def _older(letter: Letter, shown: LetterText) -> bool:
    translation = letter.translation(shown.language)
    return (
        shown.language is not Language.ENGLISH
        and translation is not None
        and translation.of_version < letter.version
    )


def _older_note(shown: LetterText) -> str:
    """That the translation shown is of an earlier version: said in its own language,
    which is the one its reader reads."""
    with speaking(shown.language):
        return _(
            "This translation is of an earlier version of the letter; the current version "
            "is in English."
        )
