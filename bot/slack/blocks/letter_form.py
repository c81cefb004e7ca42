"""The "new letter" modal and the reading of its submitted state.

Each input block's `block_id` and its element's `action_id` are both the `Field` value,
so `view.state.values[field][field]` is where the answer lives and a validation error
can point at the field by name.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.rules.forms import DraftPreview, Field, LetterFormValues, TranslationValues
from bot.rules.language import N_, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letter_text import editable_text
from bot.rules.letters import LetterSummary, LetterText, WhoCounts
from bot.rules.limits import (
    ADDRESSEE_MAX,
    BODY_INPUT_MAX,
    CHANNELS_MAX,
    GOAL_MAX,
    REMINDERS_INPUT_MAX,
    TITLE_MAX,
)
from bot.slack.blocks.problems import passed_over_warning
from bot.slack.blocks.text import (
    HEADER_TEXT_MAX,
    MODAL_TITLE_MAX,
    escape,
    mrkdwn,
    plain,
    truncate,
)

CALLBACK_ID = "letter_form"
REMOVE_CALLBACK_ID = "letter_remove"
WEB_SIGNONS_VALUE = "on"
WEB_SIGNONS_OFF = N_(
    "Web sign-ons are off: set `PUBLIC_URL` and `SMTP_URL` to give letters a public sign-on page."
)


def build_letter_form(
    *,
    origin_channel: str | None,
    draft: DraftPreview | None,
    initial_deadline: datetime,
    initial_reminders: str,
    web_signons: bool = False,
) -> dict[str, Any]:
    """The form for a new letter. With `web_signons` (the bot has PUBLIC_URL and
    SMTP_URL) it asks whether the letter gets a public sign-on page, ticked; without,
    it says which settings would give it one."""
    metadata = {"origin": origin_channel, "draft": draft.id if draft else None}
    channels: dict[str, Any] = {
        "type": "multi_conversations_select",
        "action_id": Field.CHANNELS,
        "placeholder": plain(_("Coalition channels")),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
        "max_selected_items": CHANNELS_MAX,
    }
    if origin_channel and origin_channel.startswith(("C", "G")):
        channels["initial_conversations"] = [origin_channel]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": json.dumps(metadata),
        "title": plain(_("New sign-on letter")),
        "submit": plain(_("Post letter")),
        "close": plain(_("Cancel")),
        "blocks": [
            title_input(),
            addressee_input(),
            body_preview(draft) if draft else body_input(),
            deadline_input(initial_deadline),
            reminders_input(initial_reminders),
            {
                "type": "input",
                "block_id": Field.CHANNELS,
                "label": plain(_("Post in channels")),
                "hint": plain(_("I join public channels myself; invite me to private ones first.")),
                "element": channels,
            },
            leads_input(()),
            goal_input(None),
            web_signons_input(True) if web_signons else web_signons_off(),
            who_counts_input(WhoCounts.EVERYONE),
            *spanish_inputs(None),
        ],
    }


def title_input() -> dict[str, Any]:
    return text_input(Field.TITLE, _("Title"), TITLE_MAX, placeholder=_("Protect our communities"))


def addressee_input() -> dict[str, Any]:
    return text_input(
        Field.ADDRESSEE,
        _("Addressed to"),
        ADDRESSEE_MAX,
        placeholder=_("The Honorable …, Secretary of Homeland Security"),
    )


def spanish_inputs(spanish: LetterText | None) -> list[dict[str, Any]]:
    """The letter's text in Spanish, optional: what Spanish readers read instead of the
    English (in Slack and on the web), signed as the same letter. Filled with `spanish`
    when it has one; a text the form can't give back unchanged (links, formatting, too
    long) is changed by message instead."""
    title, addressee = spanish_heading_inputs(spanish, above=True)
    intro = {
        "type": "context",
        "elements": [
            mrkdwn(
                _(
                    "*In Spanish (optional).* Written by you, never by a machine: readers "
                    "whose language is Spanish read it instead of the English, and sign the "
                    "same letter, counted once."
                )
            )
        ],
    }
    shown = editable_text(spanish.body) if spanish is not None else ""
    if shown is None:
        body: dict[str, Any] = {
            "type": "context",
            "elements": [
                mrkdwn(
                    _(
                        "*Letter text in Spanish* has links or formatting, or is longer than "
                        "this form holds. To change it, post the new text as a message, then "
                        "use the message's ⋮ menu → *Add a translation*."
                    )
                )
            ],
        }
    else:
        body = body_input(field=Field.SPANISH_BODY, label=_("Letter text in Spanish"))
        body["optional"] = True
        body["hint"] = plain(
            _(
                "Up to {limit} characters here; for a longer text, use a message's ⋮ menu → "
                "Add a translation."
            ).format(limit=number(BODY_INPUT_MAX))
        )
        if shown:
            initial(body, shown)
    return [intro, title, addressee, body]


def spanish_heading_inputs(
    spanish: LetterText | None, *, above: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The letter's title and addressee in Spanish, filled with `spanish`'s; each may be
    left empty for the letter's own, given `above` in the same form or not."""
    if above:
        keep_title = _("Leave empty to keep the title above")
        keep_addressee = _("Leave empty to keep the addressee above")
    else:
        keep_title = _("Leave empty to keep the letter's title")
        keep_addressee = _("Leave empty to keep the letter's addressee")
    title = text_input(
        Field.SPANISH_TITLE, _("Title in Spanish"), TITLE_MAX, placeholder=keep_title
    )
    addressee = text_input(
        Field.SPANISH_ADDRESSEE,
        _("Addressed to, in Spanish"),
        ADDRESSEE_MAX,
        placeholder=keep_addressee,
    )
    for block in (title, addressee):
        block["optional"] = True
    if spanish is not None:
        initial(title, spanish.title)
        initial(addressee, spanish.addressee)
    return title, addressee


def read_spanish(values: dict[str, Any]) -> TranslationValues | None:
    """The Spanish text's fields as the form left them; None when it had none."""
    if Field.SPANISH_TITLE not in values:
        return None
    body = answer(values, Field.SPANISH_BODY).get("value") if Field.SPANISH_BODY in values else None
    return TranslationValues(
        title=answer(values, Field.SPANISH_TITLE).get("value") or "",
        addressee=answer(values, Field.SPANISH_ADDRESSEE).get("value") or "",
        body=(body or "") if Field.SPANISH_BODY in values else None,
    )


_WHO_COUNTS_OPTIONS = {
    WhoCounts.EVERYONE: (
        N_("Every sign-on"),
        N_("Organizers see which organizations aren't verified."),
    ),
    WhoCounts.ROSTER_VERIFIED: (
        N_("Roster members once verified; anyone else at once"),
        N_("A member's sign-on waits until one of its contacts signs or confirms it."),
    ),
    WhoCounts.VERIFIED_ONLY: (
        N_("Only verified roster members"),
        N_("Others wait until a roster contact or an organizer confirms them."),
    ),
}


def who_counts_input(chosen: WhoCounts) -> dict[str, Any]:
    """Whose sign-ons count at once: everyone's (the unverified flagged to organizers),
    or only verified organizations' (the others wait, uncounted and unlisted)."""
    options = [
        {"text": plain(_(text)), "description": plain(_(description)), "value": choice.value}
        for choice, (text, description) in _WHO_COUNTS_OPTIONS.items()
    ]
    return {
        "type": "input",
        "block_id": Field.WHO_COUNTS,
        "label": plain(_("Who counts")),
        "element": {
            "type": "radio_buttons",
            "action_id": Field.WHO_COUNTS,
            "options": options,
            "initial_option": options[list(_WHO_COUNTS_OPTIONS).index(chosen)],
        },
    }


def read_who_counts(values: dict[str, Any]) -> str | None:
    """The choice's value; None when the form had none."""
    if Field.WHO_COUNTS not in values:
        return None
    value = (answer(values, Field.WHO_COUNTS).get("selected_option") or {}).get("value")
    return value if isinstance(value, str) else None


def web_signons_input(ticked: bool) -> dict[str, Any]:
    """Whether people outside Slack may sign the letter on its public page."""
    option = {
        "text": plain(_("Open a public sign-on page for people outside Slack")),
        "value": WEB_SIGNONS_VALUE,
    }
    return {
        "type": "input",
        "block_id": Field.WEB_SIGNONS,
        "optional": True,
        "label": plain(_("Signing on the web")),
        "hint": plain(
            _(
                "Its link goes under the letter's posts; a web sign-on counts once its email "
                "is confirmed, through the same checks for duplicates."
            )
        ),
        "element": {
            "type": "checkboxes",
            "action_id": Field.WEB_SIGNONS,
            "options": [option],
            **({"initial_options": [option]} if ticked else {}),
        },
    }


def web_signons_off() -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(_(WEB_SIGNONS_OFF))]}


def read_web_signons(values: dict[str, Any]) -> bool | None:
    """The checkbox's answer; None when the form had none."""
    if Field.WEB_SIGNONS not in values:
        return None
    chosen = answer(values, Field.WEB_SIGNONS).get("selected_options") or []
    return any(option.get("value") == WEB_SIGNONS_VALUE for option in chosen)


def initial(block: dict[str, Any], value: str) -> dict[str, Any]:
    block["element"]["initial_value"] = value
    return block


def channels_input(initial: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": Field.CHANNELS,
        "label": plain(_("Posted in channels")),
        "hint": plain(
            _(
                "I post the letter in channels you add; in those you take out, its post says "
                "where it moved."
            )
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
    title = escape(truncate(letter.title, HEADER_TEXT_MAX))
    lines = [
        _("Take down *{title}*?").format(title=title),
        ngettext(
            "• Its posts in {count} channel become a short notice that it was taken down, "
            "and it takes no more sign-ons.",
            "• Its posts in {count} channels become a short notice that it was taken down, "
            "and it takes no more sign-ons.",
            posted,
        ).format(count=number(posted)),
        _("• Its reminders, closing posts and tallies stop."),
        _("• It leaves `/letter list` (`/letter list all` still shows it)."),
        ngettext(
            "Its {count} sign-on stays in the database: `undersigned export {letter}` prints it.",
            "Its {count} sign-ons stay in the database: `undersigned export {letter}` prints them.",
            summary.count,
        ).format(count=number(summary.count), letter=letter.id),
    ]
    return {
        "type": "modal",
        "callback_id": REMOVE_CALLBACK_ID,
        "private_metadata": json.dumps({"letter": letter.id}),
        "title": plain(_("Remove letter #{letter}").format(letter=letter.id)[:MODAL_TITLE_MAX]),
        "submit": plain(_("Remove")),
        "close": plain(_("Cancel")),
        "blocks": [{"type": "section", "text": mrkdwn("\n".join(lines))}],
    }


def read_remove_confirmation(view: dict[str, Any]) -> int | None:
    letter_id = json.loads(view.get("private_metadata") or "{}").get("letter")
    return letter_id if isinstance(letter_id, int) else None


def reading_view(title: str | None = None) -> dict[str, Any]:
    """Shown at once while the letter is read from its message."""
    return {
        "type": "modal",
        "title": plain(title or _("New sign-on letter")),
        "close": plain(_("Cancel")),
        "blocks": [{"type": "section", "text": plain(_("Reading the letter…"))}],
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
        deadline=epoch(deadline),
        channels=tuple(answer(Field.CHANNELS).get("selected_conversations") or ()),
        leads=tuple(answer(Field.LEADS).get("selected_users") or ()),
        goal=answer(Field.GOAL).get("value"),
        origin_channel=metadata.get("origin"),
        draft_id=metadata.get("draft"),
        web_signons=read_web_signons(values),
        who_counts=read_who_counts(values),
        spanish=read_spanish(values),
    )


def epoch(value: Any) -> int | None:
    """The datetimepicker's answer: seconds since the epoch, or None if there is none."""
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def answer(values: dict[str, Any], field: Field) -> dict[str, Any]:
    answer: dict[str, Any] = values.get(field, {}).get(field, {})
    return answer


def deadline_input(initial: datetime) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": Field.DEADLINE,
        "label": plain(_("Deadline")),
        "hint": plain(_("Sign-ons close at this time, shown in your own timezone.")),
        "element": {
            "type": "datetimepicker",
            "action_id": Field.DEADLINE,
            "initial_date_time": int(initial.timestamp()),
        },
    }


def reminders_input(initial: str) -> dict[str, Any]:
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
        "label": plain(_("Reminders before the deadline")),
        "hint": plain(
            _(
                "Durations in d, h or m, separated by commas: 7d,3d,1d,3h posts a reminder in "
                "the letter's thread a week, three days, a day and three hours before, and DMs "
                "the roster's members that haven't signed. A ! shows that one in the channel "
                "too (with none marked, the last two are). Leave it empty for none."
            )
        ),
        "element": element,
    }


def leads_input(initial: tuple[str, ...]) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": Field.LEADS,
        "placeholder": plain(_("Choose people")),
    }
    if initial:
        element["initial_users"] = list(initial)
    return {
        "type": "input",
        "block_id": Field.LEADS,
        "optional": True,
        "label": plain(_("Leads")),
        "hint": plain(
            _(
                "Leads can manage this letter, get a daily tally by DM and the final list at "
                "the close."
            )
        ),
        "element": element,
    }


def goal_input(initial: int | None) -> dict[str, Any]:
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
        "label": plain(_("Goal (number of signers)")),
        "element": element,
    }


def text_input(field: Field, label: str, max_length: int, *, placeholder: str) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": field,
        "label": plain(label),
        "hint": plain(_("Up to {limit} characters.").format(limit=number(max_length))),
        "element": {
            "type": "plain_text_input",
            "action_id": field,
            "max_length": max_length,
            "placeholder": plain(placeholder),
        },
    }


def body_input(*, field: Field = Field.BODY, label: str | None = None) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": field,
        "label": plain(label or _("Letter text")),
        "hint": plain(
            _(
                "Up to {limit} characters here. For a longer letter, paste it as a message, "
                "then use the message's ⋮ menu → Start a sign-on letter."
            ).format(limit=number(BODY_INPUT_MAX))
        ),
        "element": {
            "type": "plain_text_input",
            "action_id": field,
            "multiline": True,
            "max_length": BODY_INPUT_MAX,
        },
    }


def body_preview(draft: DraftPreview) -> dict[str, Any]:
    opening = escape(truncate(" ".join(draft.opening.split()), 200))
    if draft.file_name:
        taken = _("*Letter text* is taken from *{file}*: {length} characters, starting “{opening}”")
    else:
        taken = _(
            "*Letter text* is taken from the message: {length} characters, starting “{opening}”"
        )
    lines = [
        taken.format(
            file=escape(draft.file_name or ""), length=number(draft.length), opening=opening
        )
    ]
    if draft.passed_over:
        lines.insert(0, f":warning: {passed_over_warning(draft.passed_over)}")
    return {"type": "context", "elements": [mrkdwn(line) for line in lines]}
