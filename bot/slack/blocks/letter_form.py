"""The "new letter" modal and the reading of its submitted state.

Each input block's `block_id` and its element's `action_id` are both the `Field` value,
so `view.state.values[field][field]` is where the answer lives and a validation error
can point at the field by name.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.rules.forms import DraftPreview, EditFormValues, Field, LetterFormValues
from bot.rules.letter_text import editable_text
from bot.rules.letters import Letter, LetterSummary
from bot.rules.limits import (
    ADDRESSEE_MAX,
    BODY_INPUT_MAX,
    CHANNELS_MAX,
    GOAL_MAX,
    REMINDERS_INPUT_MAX,
    TITLE_MAX,
)
from bot.rules.timing import format_reminders
from bot.slack.blocks.problems import passed_over_warning
from bot.slack.blocks.text import (
    HEADER_TEXT_MAX,
    MODAL_TITLE_MAX,
    OPTION_TEXT_MAX,
    OPTIONS_MAX,
    escape,
    inert,
    mrkdwn,
    plain,
    read_id,
    truncate,
)

CALLBACK_ID = "letter_form"
EDIT_CALLBACK_ID = "letter_edit"
REMOVE_CALLBACK_ID = "letter_remove"
TEXT_UPDATE_CALLBACK_ID = "letter_text_update"


def build_letter_form(
    *,
    origin_channel: str | None,
    draft: DraftPreview | None,
    initial_deadline: datetime,
    initial_reminders: str,
) -> dict[str, Any]:
    metadata = {"origin": origin_channel, "draft": draft.id if draft else None}
    channels: dict[str, Any] = {
        "type": "multi_conversations_select",
        "action_id": Field.CHANNELS,
        "placeholder": plain("Coalition channels"),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
        "max_selected_items": CHANNELS_MAX,
    }
    if origin_channel and origin_channel.startswith(("C", "G")):
        channels["initial_conversations"] = [origin_channel]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": json.dumps(metadata),
        "title": plain("New sign-on letter"),
        "submit": plain("Post letter"),
        "close": plain("Cancel"),
        "blocks": [
            _text_input(Field.TITLE, "Title", TITLE_MAX, placeholder="Protect our communities"),
            _text_input(
                Field.ADDRESSEE,
                "Addressed to",
                ADDRESSEE_MAX,
                placeholder="The Honorable …, Secretary of Homeland Security",
            ),
            _body_preview(draft) if draft else _body_input(),
            _deadline_input(initial_deadline),
            _reminders_input(initial_reminders),
            {
                "type": "input",
                "block_id": Field.CHANNELS,
                "label": plain("Post in channels"),
                "hint": plain("I join public channels myself; invite me to private ones first."),
                "element": channels,
            },
            _leads_input(()),
            _goal_input(None),
        ],
    }


def build_edit_form(*, letter: Letter) -> dict[str, Any]:
    """Everything about an open letter, to change: its title, addressee and text (when
    the form can hold the text), channels, schedule, leads and goal."""
    return {
        "type": "modal",
        "callback_id": EDIT_CALLBACK_ID,
        "private_metadata": json.dumps({"letter": letter.id, "version": letter.version}),
        "title": plain(f"Edit letter #{letter.id}"[:MODAL_TITLE_MAX]),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [
            _initial(
                _text_input(Field.TITLE, "Title", TITLE_MAX, placeholder="Protect our communities"),
                letter.title,
            ),
            _initial(
                _text_input(
                    Field.ADDRESSEE,
                    "Addressed to",
                    ADDRESSEE_MAX,
                    placeholder="The Honorable …, Secretary of Homeland Security",
                ),
                letter.addressee,
            ),
            _body_to_edit(letter),
            _deadline_input(letter.deadline),
            _reminders_input(format_reminders(letter.reminders, letter.shown_reminders)),
            _channels_input(letter.channels),
            _leads_input(letter.leads),
            _goal_input(letter.goal),
        ],
    }


def _initial(block: dict[str, Any], value: str) -> dict[str, Any]:
    block["element"]["initial_value"] = value
    return block


def _body_to_edit(letter: Letter) -> dict[str, Any]:
    """The text, as the form shows it, when the form can give it back unchanged; else
    where to change it."""
    shown = editable_text(letter.body)
    if shown is None:
        return {
            "type": "context",
            "elements": [
                mrkdwn(
                    "*Letter text* has links or formatting, or is longer than this form "
                    "holds. To change it, post the new text as a message (or attach it), "
                    "then use the message's ⋮ menu → *Update a letter's text*."
                )
            ],
        }
    block = _body_input()
    block["hint"] = plain(
        "Changing the text makes a new version: those who signed the earlier one are "
        "asked whether they still sign."
    )
    return _initial(block, shown)


def _channels_input(initial: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": Field.CHANNELS,
        "label": plain("Posted in channels"),
        "hint": plain(
            "I post the letter in channels you add; in those you take out, its post says "
            "where it moved."
        ),
        "element": {
            "type": "multi_conversations_select",
            "action_id": Field.CHANNELS,
            "filter": {"include": ["public", "private"], "exclude_bot_users": True},
            "max_selected_items": CHANNELS_MAX,
            "initial_conversations": list(initial),
        },
    }


def build_remove_confirmation(summary: LetterSummary) -> dict[str, Any]:
    """Are you sure: what taking the letter down does, and what it keeps."""
    letter = summary.letter
    posted = sum(1 for post in letter.posts if post.ts)
    channels = f"{posted} channel{'s' if posted != 1 else ''}"
    signed = f"{summary.count} sign-on{'s' if summary.count != 1 else ''}"
    return {
        "type": "modal",
        "callback_id": REMOVE_CALLBACK_ID,
        "private_metadata": json.dumps({"letter": letter.id}),
        "title": plain(f"Remove letter #{letter.id}"[:MODAL_TITLE_MAX]),
        "submit": plain("Remove"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    f"Take down *{escape(truncate(letter.title, HEADER_TEXT_MAX))}*?\n"
                    f"• Its posts in {channels} become a short notice that it was taken "
                    "down, and it takes no more sign-ons.\n"
                    "• Its reminders, closing posts and tallies stop.\n"
                    "• It leaves `/letter list` (`/letter list all` still shows it).\n"
                    f"Its {signed} stay in the database: `undersigned export {letter.id}` "
                    "prints them."
                ),
            }
        ],
    }


def read_remove_confirmation(view: dict[str, Any]) -> int | None:
    letter_id = json.loads(view.get("private_metadata") or "{}").get("letter")
    return letter_id if isinstance(letter_id, int) else None


def read_edit_form(view: dict[str, Any]) -> EditFormValues:
    values = view["state"]["values"]
    metadata = json.loads(view.get("private_metadata") or "{}")
    deadline = _answer(values, Field.DEADLINE).get("selected_date_time")
    letter_id, version = metadata.get("letter"), metadata.get("version")
    return EditFormValues(
        letter_id=letter_id if isinstance(letter_id, int) else None,
        deadline=_epoch(deadline),
        reminders=_answer(values, Field.REMINDERS).get("value") or "",
        leads=tuple(_answer(values, Field.LEADS).get("selected_users") or ()),
        goal=_answer(values, Field.GOAL).get("value"),
        title=_answer(values, Field.TITLE).get("value") or "",
        addressee=_answer(values, Field.ADDRESSEE).get("value") or "",
        body=_answer(values, Field.BODY).get("value") or "" if Field.BODY in values else None,
        channels=tuple(_answer(values, Field.CHANNELS).get("selected_conversations") or ()),
        version=version if isinstance(version, int) else None,
    )


def build_text_update_form(
    *, draft: DraftPreview, letters: list[Letter], chosen: int | None
) -> dict[str, Any]:
    """Which letter the message's text is the new version of."""
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
        "placeholder": plain("Choose a letter"),
        "options": options,
    }
    initial = next((o for o in options if o["value"] == str(chosen)), None)
    if initial is not None:
        element["initial_option"] = initial
    return {
        "type": "modal",
        "callback_id": TEXT_UPDATE_CALLBACK_ID,
        "private_metadata": json.dumps({"draft": draft.id}),
        "title": plain("Update a letter's text"),
        "submit": plain("Update"),
        "close": plain("Cancel"),
        "blocks": [
            _body_preview(draft),
            {
                "type": "input",
                "block_id": Field.LETTER,
                "label": plain("New text of"),
                "hint": plain(
                    "Its posts show the new text at once; those who signed the earlier one "
                    "are asked whether they still sign."
                ),
                "element": element,
            },
        ],
    }


def read_text_update_form(view: dict[str, Any]) -> tuple[int | None, int | None]:
    """The letter chosen, and the draft holding its new text."""
    chosen = (_answer(view["state"]["values"], Field.LETTER).get("selected_option") or {}).get(
        "value"
    )
    draft = json.loads(view.get("private_metadata") or "{}").get("draft")
    letter_id = read_id(chosen)
    return letter_id, draft if isinstance(draft, int) else None


def reading_view(title: str = "New sign-on letter") -> dict[str, Any]:
    """Shown at once while the letter is read from its message."""
    return {
        "type": "modal",
        "title": plain(title),
        "close": plain("Cancel"),
        "blocks": [{"type": "section", "text": plain("Reading the letter…")}],
    }


def read_letter_form(view: dict[str, Any]) -> LetterFormValues:
    values = view["state"]["values"]

    def answer(field: Field) -> dict[str, Any]:
        answer: dict[str, Any] = values.get(field, {}).get(field, {})
        return answer

    metadata = json.loads(view.get("private_metadata") or "{}")
    deadline = answer(Field.DEADLINE).get("selected_date_time")
    return LetterFormValues(
        reminders=answer(Field.REMINDERS).get("value") or "",
        title=answer(Field.TITLE).get("value") or "",
        addressee=answer(Field.ADDRESSEE).get("value") or "",
        body=answer(Field.BODY).get("value") if Field.BODY in values else None,
        deadline=_epoch(deadline),
        channels=tuple(answer(Field.CHANNELS).get("selected_conversations") or ()),
        leads=tuple(answer(Field.LEADS).get("selected_users") or ()),
        goal=answer(Field.GOAL).get("value"),
        origin_channel=metadata.get("origin"),
        draft_id=metadata.get("draft"),
    )


def _epoch(value: Any) -> int | None:
    """The datetimepicker's answer: seconds since the epoch, or None if there is none."""
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _answer(values: dict[str, Any], field: Field) -> dict[str, Any]:
    answer: dict[str, Any] = values.get(field, {}).get(field, {})
    return answer


def _deadline_input(initial: datetime) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": Field.DEADLINE,
        "label": plain("Deadline"),
        "hint": plain("Sign-ons close at this time, shown in your own timezone."),
        "element": {
            "type": "datetimepicker",
            "action_id": Field.DEADLINE,
            "initial_date_time": int(initial.timestamp()),
        },
    }


def _reminders_input(initial: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": Field.REMINDERS,
        "max_length": REMINDERS_INPUT_MAX,
        "placeholder": plain("7d,3d,1d!,3h!"),
    }
    if initial:
        element["initial_value"] = initial
    return {
        "type": "input",
        "block_id": Field.REMINDERS,
        "optional": True,
        "label": plain("Reminders before the deadline"),
        "hint": plain(
            "Durations in d, h or m, separated by commas: 7d,3d,1d,3h posts a reminder in the "
            "letter's thread a week, three days, a day and three hours before, and DMs the "
            "roster's members that haven't signed. A ! shows that one in the channel too (with "
            "none marked, the last two are). Leave it empty for none."
        ),
        "element": element,
    }


def _leads_input(initial: tuple[str, ...]) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": Field.LEADS,
        "placeholder": plain("Choose people"),
    }
    if initial:
        element["initial_users"] = list(initial)
    return {
        "type": "input",
        "block_id": Field.LEADS,
        "optional": True,
        "label": plain("Leads"),
        "hint": plain(
            "Leads can manage this letter, get a daily tally by DM and the final list at the close."
        ),
        "element": element,
    }


def _goal_input(initial: int | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "number_input",
        "action_id": Field.GOAL,
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": str(GOAL_MAX),
    }
    if initial is not None:
        element["initial_value"] = str(initial)
    return {
        "type": "input",
        "block_id": Field.GOAL,
        "optional": True,
        "label": plain("Goal (number of signers)"),
        "element": element,
    }


def _text_input(field: Field, label: str, max_length: int, *, placeholder: str) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": field,
        "label": plain(label),
        "hint": plain(f"Up to {max_length:,} characters."),
        "element": {
            "type": "plain_text_input",
            "action_id": field,
            "max_length": max_length,
            "placeholder": plain(placeholder),
        },
    }


def _body_input() -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": Field.BODY,
        "label": plain("Letter text"),
        "hint": plain(
            f"Up to {BODY_INPUT_MAX:,} characters here. For a longer letter, paste it as a "
            "message, then use the message's ⋮ menu → Start a sign-on drive."
        ),
        "element": {
            "type": "plain_text_input",
            "action_id": Field.BODY,
            "multiline": True,
            "max_length": BODY_INPUT_MAX,
        },
    }


def _body_preview(draft: DraftPreview) -> dict[str, Any]:
    opening = escape(truncate(" ".join(draft.opening.split()), 200))
    source = f"*{escape(draft.file_name)}*" if draft.file_name else "the message"
    lines = [
        f"*Letter text* is taken from {source}: {draft.length:,} characters, starting “{opening}”"
    ]
    if draft.passed_over:
        lines.insert(0, f":warning: {passed_over_warning(draft.passed_over)}")
    return {"type": "context", "elements": [mrkdwn(line) for line in lines]}
