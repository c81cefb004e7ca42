"""Changing an open letter: the edit form (everything about it, to change), the form
that makes a message's text a letter's new version, and the one that makes it the
letter's Spanish text. Their inputs are the letter form's."""

from __future__ import annotations

import json
from typing import Any

from bot.rules.forms import DraftPreview, EditFormValues, Field
from bot.rules.language import Language
from bot.rules.language import gettext as _
from bot.rules.letter_text import editable_text
from bot.rules.letters import Letter, LetterText, WhoCounts
from bot.rules.timing import format_reminders
from bot.slack.blocks.letter_form import (
    addressee_input,
    answer,
    body_input,
    body_preview,
    channels_input,
    deadline_input,
    epoch,
    goal_input,
    initial,
    leads_input,
    read_spanish,
    read_web_signons,
    read_who_counts,
    reminders_input,
    spanish_heading_inputs,
    spanish_inputs,
    title_input,
    web_signons_input,
    who_counts_input,
)
from bot.slack.blocks.text import (
    MODAL_TITLE_MAX,
    OPTION_TEXT_MAX,
    OPTIONS_MAX,
    inert,
    mrkdwn,
    plain,
    read_id,
    truncate,
)

EDIT_CALLBACK_ID = "letter_edit"
TEXT_UPDATE_CALLBACK_ID = "letter_text_update"
TRANSLATION_CALLBACK_ID = "letter_translation"


def build_edit_form(*, letter: Letter, web_signons: bool = False) -> dict[str, Any]:
    """Everything about an open letter, to change: its title, addressee and text (when
    the form can hold the text), channels, schedule, leads and goal; with `web_signons`
    (the bot can take them), whether it has a public sign-on page."""
    return {
        "type": "modal",
        "callback_id": EDIT_CALLBACK_ID,
        "private_metadata": json.dumps({"letter": letter.id, "version": letter.version}),
        "title": plain(_("Edit letter #{letter}").format(letter=letter.id)[:MODAL_TITLE_MAX]),
        "submit": plain(_("Save")),
        "close": plain(_("Cancel")),
        "blocks": [
            initial(title_input(), letter.title),
            initial(addressee_input(), letter.addressee),
            _body_to_edit(letter),
            deadline_input(letter.deadline),
            reminders_input(format_reminders(letter.reminders, letter.shown_reminders)),
            channels_input(letter.channels),
            leads_input(letter.leads),
            goal_input(letter.goal),
            *([web_signons_input(letter.web_signons)] if web_signons else []),
            who_counts_input(WhoCounts.of(letter)),
            *spanish_inputs(_spanish_of(letter)),
        ],
    }


def _spanish_of(letter: Letter) -> LetterText | None:
    translation = letter.translation(Language.SPANISH)
    return translation.text if translation is not None else None


def _body_to_edit(letter: Letter) -> dict[str, Any]:
    """The text, as the form shows it, when the form can give it back unchanged; else
    where to change it."""
    shown = editable_text(letter.body)
    if shown is None:
        return {
            "type": "context",
            "elements": [
                mrkdwn(
                    _(
                        "*Letter text* has links or formatting, or is longer than this form "
                        "holds. To change it, post the new text as a message (or attach it), "
                        "then use the message's ⋮ menu → *Update a letter's text*."
                    )
                )
            ],
        }
    block = body_input()
    block["hint"] = plain(
        _(
            "Changing the text makes a new version: those who signed the earlier one are "
            "asked whether they still sign."
        )
    )
    return initial(block, shown)


def read_edit_form(view: dict[str, Any]) -> EditFormValues:
    values = view["state"]["values"]
    metadata = json.loads(view.get("private_metadata") or "{}")
    deadline = answer(values, Field.DEADLINE).get("selected_date_time")
    letter_id, version = metadata.get("letter"), metadata.get("version")
    return EditFormValues(
        letter_id=letter_id if isinstance(letter_id, int) else None,
        deadline=epoch(deadline),
        reminders=answer(values, Field.REMINDERS).get("value") or "",
        leads=tuple(answer(values, Field.LEADS).get("selected_users") or ()),
        goal=answer(values, Field.GOAL).get("value"),
        title=answer(values, Field.TITLE).get("value") or "",
        addressee=answer(values, Field.ADDRESSEE).get("value") or "",
        body=answer(values, Field.BODY).get("value") or "" if Field.BODY in values else None,
        channels=tuple(answer(values, Field.CHANNELS).get("selected_conversations") or ()),
        version=version if isinstance(version, int) else None,
        web_signons=read_web_signons(values),
        who_counts=read_who_counts(values),
        spanish=read_spanish(values),
    )


def build_text_update_form(
    *, draft: DraftPreview, letters: list[Letter], chosen: int | None
) -> dict[str, Any]:
    """Which letter the message's text is the new version of."""
    return {
        "type": "modal",
        "callback_id": TEXT_UPDATE_CALLBACK_ID,
        "private_metadata": json.dumps({"draft": draft.id}),
        "title": plain(_("Update a letter's text")),
        "submit": plain(_("Update")),
        "close": plain(_("Cancel")),
        "blocks": [
            body_preview(draft),
            {
                "type": "input",
                "block_id": Field.LETTER,
                "label": plain(_("New text of")),
                "hint": plain(
                    _(
                        "Its posts show the new text at once; those who signed the earlier one "
                        "are asked whether they still sign."
                    )
                ),
                "element": _letter_choice(letters, chosen),
            },
        ],
    }


def build_translation_form(
    *, draft: DraftPreview, letters: list[Letter], chosen: int | None
) -> dict[str, Any]:
    """Which letter the message's text is the Spanish text of, with its title and
    addressee in Spanish (each may be left for the letter's own)."""
    title, addressee = spanish_heading_inputs(None, above=False)
    return {
        "type": "modal",
        "callback_id": TRANSLATION_CALLBACK_ID,
        "private_metadata": json.dumps({"draft": draft.id}),
        "title": plain(_("Add a translation")),
        "submit": plain(_("Save")),
        "close": plain(_("Cancel")),
        "blocks": [
            body_preview(draft),
            {
                "type": "input",
                "block_id": Field.LETTER,
                "label": plain(_("Spanish text of")),
                "hint": plain(
                    _(
                        "Readers whose language is Spanish read it instead of the English, "
                        "and sign the same letter, counted once. It replaces the Spanish text "
                        "the letter had."
                    )
                ),
                "element": _letter_choice(letters, chosen),
            },
            title,
            addressee,
        ],
    }


def read_translation_form(view: dict[str, Any]) -> tuple[int | None, int | None, str, str]:
    """The letter chosen, the draft holding its Spanish text, and the title and
    addressee in Spanish (empty: the letter's own)."""
    values = view["state"]["values"]
    letter_id, draft = read_text_update_form(view)
    return (
        letter_id,
        draft,
        answer(values, Field.SPANISH_TITLE).get("value") or "",
        answer(values, Field.SPANISH_ADDRESSEE).get("value") or "",
    )


def _letter_choice(letters: list[Letter], chosen: int | None) -> dict[str, Any]:
    options = [
        {
            "text": plain(truncate(f"#{letter.id} {inert(letter.title)}", OPTION_TEXT_MAX)),
            "value": str(letter.id),
        }
        for letter in letters[:OPTIONS_MAX]
    ]
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": Field.LETTER,
        "placeholder": plain(_("Choose a letter")),
        "options": options,
    }
    initial = next((o for o in options if o["value"] == str(chosen)), None)
    if initial is not None:
        element["initial_option"] = initial
    return element


def read_text_update_form(view: dict[str, Any]) -> tuple[int | None, int | None]:
    """The letter chosen, and the draft holding its new text."""
    chosen = (answer(view["state"]["values"], Field.LETTER).get("selected_option") or {}).get(
        "value"
    )
    draft = json.loads(view.get("private_metadata") or "{}").get("draft")
    letter_id = read_id(chosen)
    return letter_id, draft if isinstance(draft, int) else None
