"""The sign-on form: who is signing, as an organization or an individual, and where.

Block and action ids are the `SubmissionField` names, so validation errors from
`bot.services.signons` land under the right input.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.rules.forms import SignonField, SignonFormValues
from bot.rules.language import N_, current, number
from bot.rules.language import gettext as _
from bot.rules.letters import Letter
from bot.rules.limits import JOB_TITLE_MAX, ORGANIZATION_MAX, PERSON_MAX, PLACE_MAX
from bot.rules.signons import Contact, OwnEntry, Signer, SignerKind, Submission
from bot.slack.blocks.reading import preview_block
from bot.slack.blocks.text import (
    OPTION_TEXT_MAX,
    OPTIONS_MAX,
    escape,
    inert,
    mrkdwn,
    plain,
    text_sections,
    truncate,
)

CALLBACK_ID = "signon_form"
CHOOSE_A_LETTER = N_("Choose the letter to sign.")  # said as _(CHOOSE_A_LETTER)


def build_signon_form(
    *,
    letters: list[Letter],
    channel: str | None,
    organization: str = "",
    own: OwnEntry | None = None,
) -> dict[str, Any]:
    """The form for signing one of `letters` (a choice is offered when there are several);
    with `own`, the one letter's entry the person signed, to correct: all of it if they
    keep its details, else their own name, title and email."""
    only = letters[0] if len(letters) == 1 else None
    if own is not None and only is not None and not own.keeper:
        return _contact_form(only, channel=channel, own=own)
    entry = own.signer if own is not None else None
    contact = own.contact if own is not None else None
    blocks: list[dict[str, Any]] = []
    if entry is not None and only is not None:
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn(
                    _(
                        "*{title}*\nYou signed it for *{name}*. Change what you need and save. "
                        "Naming another organization signs for it instead."
                    ).format(title=_title(only), name=escape(entry.name))
                ),
            }
        )
    elif only is not None:
        blocks.append({"type": "section", "text": mrkdwn(f"*{_title(only)}*")})
        blocks.append(preview_block(only))
    else:
        blocks.append(_letter_menu(letters))
    blocks += [
        {
            "type": "input",
            "block_id": SignonField.KIND,
            # Choosing one asks the form to be shown again with the organization
            # required, or not (`for_kind`).
            "dispatch_action": True,
            "label": plain(_("Signing as")),
            "element": {
                "type": "radio_buttons",
                "action_id": SignonField.KIND,
                "initial_option": _kind_option(SignerKind.ORGANIZATION),
                "options": [
                    _kind_option(SignerKind.ORGANIZATION),
                    _kind_option(SignerKind.INDIVIDUAL),
                ],
            },
        },
        _organization_input(SignerKind.ORGANIZATION, organization),
        _text_input(SignonField.PERSON, _("Your name"), PERSON_MAX),
        _text_input(SignonField.TITLE, _("Your title"), JOB_TITLE_MAX, optional=True),
        _text_input(SignonField.CITY, _("City"), PLACE_MAX, optional=True),
        _text_input(SignonField.STATE, _("State"), PLACE_MAX, optional=True),
        _email_input(),
        {
            "type": "input",
            "block_id": SignonField.PUBLIC,
            "label": plain(_("List publicly")),
            "element": {
                "type": "radio_buttons",
                "action_id": SignonField.PUBLIC,
                "initial_option": _yes_no(True),
                "options": [_yes_no(True), _yes_no(False)],
            },
        },
    ]
    metadata = {"channel": channel, "letter": only.id if only else None}
    if entry is not None:
        _prefill(blocks, entry, contact)
        metadata["entry"] = entry.id
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": json.dumps(metadata),
        "title": plain(_("Your sign-on") if entry else _("Sign on")),
        "submit": plain(_("Save changes") if entry else _("Sign on")),
        "close": plain(_("Cancel")),
        "blocks": blocks,
    }


def _organization_input(kind: SignerKind, initial: str = "") -> dict[str, Any]:
    """The organization: required of one signing as an organization; for someone signing
    as an individual, listed for identification only, and theirs to leave out."""
    if kind is SignerKind.ORGANIZATION:
        return _text_input(
            SignonField.ORGANIZATION, _("Organization"), ORGANIZATION_MAX, initial=initial
        )
    return _text_input(
        SignonField.ORGANIZATION,
        _("Your organization"),
        ORGANIZATION_MAX,
        optional=True,
        initial=initial,
        hint=_("Listed beside your name for identification only."),
    )


def for_kind(view: dict[str, Any], kind: SignerKind) -> dict[str, Any]:
    """The sign-on form as it was, with the organization asked for as `kind` needs it
    (what people typed stays: Slack keeps each input's value across an update)."""
    blocks = [
        _organization_input(kind) if block.get("block_id") == SignonField.ORGANIZATION else block
        for block in view["blocks"]
    ]
    kept = ("type", "callback_id", "private_metadata", "title", "submit", "close")
    return {**{key: view[key] for key in kept if key in view}, "blocks": blocks}


def _contact_form(letter: Letter, *, channel: str | None, own: OwnEntry) -> dict[str, Any]:
    """For someone who joined an entry another person made: their own name, title and
    email, and the organization as they may see it (another one signs for that one
    instead). The entry's place and listing are its maker's and the organizers' to keep,
    and aren't shown."""
    entry, contact = own.signer, own.contact
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": mrkdwn(
                _(
                    "*{title}*\nYou signed it for *{name}*, which someone else signed first. "
                    "Its place and listing are kept by them and the organizers; here you change "
                    "your own name, title and email. Naming another organization signs for it "
                    "instead."
                ).format(title=_title(letter), name=escape(own.name))
            ),
        }
    ]
    if entry.kind is SignerKind.ORGANIZATION:
        blocks.append(
            _text_input(
                SignonField.ORGANIZATION, _("Organization"), ORGANIZATION_MAX, initial=own.name
            )
        )
    blocks += [
        _text_input(SignonField.PERSON, _("Your name"), PERSON_MAX),
        _text_input(SignonField.TITLE, _("Your title"), JOB_TITLE_MAX, optional=True),
        _email_input(),
    ]
    person = (contact.person_name if contact else None) or (
        entry.name if entry.kind is SignerKind.INDIVIDUAL else None
    )
    _initial(blocks, SignonField.PERSON, person)
    _initial(blocks, SignonField.TITLE, contact.title if contact else None)
    _initial(blocks, SignonField.EMAIL, contact.email if contact else None)
    metadata = {
        "channel": channel,
        "letter": letter.id,
        "entry": entry.id,
        "kind": entry.kind.value,
        "affiliation": entry.affiliation if entry.kind is SignerKind.INDIVIDUAL else None,
    }
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": json.dumps(metadata),
        "title": plain(_("Your sign-on")),
        "submit": plain(_("Save changes")),
        "close": plain(_("Cancel")),
        "blocks": blocks,
    }


def _initial(blocks: list[dict[str, Any]], field: str, value: str | None) -> None:
    for block in blocks:
        if block.get("block_id") == field and value:
            element = block["element"]
            element["initial_value"] = value[: element.get("max_length", 320)]


def _email_input() -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": SignonField.EMAIL,
        "optional": True,
        "label": plain(_("Email")),
        "hint": plain(_("Only organizers see it, to reach you about this letter.")),
        "element": {"type": "email_text_input", "action_id": SignonField.EMAIL},
    }


def _prefill(blocks: list[dict[str, Any]], entry: Signer, contact: Contact | None) -> None:
    """Each input as the entry and the signer's own contact have it."""
    individual = entry.kind is SignerKind.INDIVIDUAL
    values: dict[str, str | None] = {
        SignonField.ORGANIZATION: entry.affiliation if individual else entry.name,
        SignonField.PERSON: (contact.person_name if contact else None)
        or (entry.name if individual else None),
        SignonField.TITLE: contact.title if contact else None,
        SignonField.CITY: entry.city,
        SignonField.STATE: entry.state,
        SignonField.EMAIL: contact.email if contact else None,
    }
    for block in blocks:
        element = block.get("element", {})
        field = str(block.get("block_id", ""))
        if field == SignonField.KIND:
            element["initial_option"] = _kind_option(entry.kind)
        elif field == SignonField.PUBLIC:
            element["initial_option"] = _yes_no(entry.public)
        elif values.get(field):
            element["initial_value"] = str(values[field])[: element.get("max_length", 320)]


def read_signon_form(
    view: dict[str, Any], *, user: str, team: str | None = None
) -> SignonFormValues:
    """The form's answers as a Submission by `user` of Slack workspace `team`."""
    values = view["state"]["values"]

    def answer(block: str) -> dict[str, Any]:
        found: dict[str, Any] = values.get(block, {}).get(block, {})
        return found

    metadata = json.loads(view.get("private_metadata") or "{}")
    chosen = (answer(SignonField.LETTER).get("selected_option") or {}).get("value")
    # A contact's own form keeps the entry's kind (and an individual's affiliation).
    kind_value = (answer(SignonField.KIND).get("selected_option") or {}).get("value")
    kind_value = kind_value or metadata.get("kind")
    kind = SignerKind(kind_value) if kind_value in set(SignerKind) else SignerKind.ORGANIZATION
    public = (answer(SignonField.PUBLIC).get("selected_option") or {}).get("value", "yes") == "yes"
    organization = answer(SignonField.ORGANIZATION).get("value")
    person = answer(SignonField.PERSON).get("value")
    individual = kind is SignerKind.INDIVIDUAL
    if individual and SignonField.ORGANIZATION not in values:
        affiliation = metadata.get("affiliation")
        organization = affiliation if isinstance(affiliation, str) else None
    submission = Submission(
        kind=kind,
        name=(person if individual else organization) or "",
        person_name=person,
        title=answer(SignonField.TITLE).get("value"),
        affiliation=organization if individual else None,
        city=answer(SignonField.CITY).get("value"),
        state=answer(SignonField.STATE).get("value"),
        email=answer(SignonField.EMAIL).get("value"),
        public=public,
        user_id=user,
        team_id=team,
    )
    number = re.fullmatch(r"[0-9]{1,9}", str(chosen or ""))
    letter_id = metadata.get("letter") or (int(number.group()) if number else None)
    entry = metadata.get("entry")
    return SignonFormValues(
        letter_id,
        metadata.get("channel"),
        submission,
        entry_id=entry if isinstance(entry, int) else None,
    )


def _letter_menu(letters: list[Letter]) -> dict[str, Any]:
    """The letters to choose from, soonest deadline first; past Slack's 100 options,
    the rest are named by number."""
    shown = letters[:OPTIONS_MAX]
    menu: dict[str, Any] = {
        "type": "input",
        "block_id": SignonField.LETTER,
        "label": plain(_("Letter")),
        "element": {
            "type": "static_select",
            "action_id": SignonField.LETTER,
            "placeholder": plain(_("Choose the letter to sign")),
            "options": [
                {
                    "text": plain(
                        truncate(inert(letter.text_in(current()).title), OPTION_TEXT_MAX)
                    ),
                    "value": str(letter.id),
                }
                for letter in shown
            ],
        },
    }
    if len(letters) > len(shown):
        menu["hint"] = plain(
            _(
                "These are the {shown} closing soonest of {total} open letters. For another, "
                "press Sign on under it."
            ).format(shown=number(len(shown)), total=number(len(letters)))
        )
    return menu


def confirmation_view(text: str) -> dict[str, Any]:
    """Replaces the form once the sign-on is recorded."""
    return {
        "type": "modal",
        "title": plain(_("Sign on")),
        "close": plain(_("Done")),
        "blocks": text_sections(text),
    }


def _title(letter: Letter) -> str:
    """The letter's title as its reader reads it (its text in their language, if any)."""
    return escape(letter.text_in(current()).title)


def _kind_option(kind: SignerKind) -> dict[str, Any]:
    if kind is SignerKind.ORGANIZATION:
        return {"text": plain(_("An organization")), "value": kind.value}
    return {
        "text": plain(_("An individual")),
        "description": plain(_("Affiliation listed for identification purposes only")),
        "value": kind.value,
    }


def _yes_no(yes: bool) -> dict[str, Any]:
    return {
        "text": plain(_("Yes") if yes else _("No, count but don't list")),
        "value": "yes" if yes else "no",
    }


def _text_input(
    block: str, label: str, limit: int, *, optional: bool = False, initial: str = "", hint: str = ""
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": block, "max_length": limit}
    if initial:
        element["initial_value"] = initial[:limit]
    return {
        "type": "input",
        "block_id": block,
        "optional": optional,
        "label": plain(label),
        **({"hint": plain(hint)} if hint else {}),
        "element": element,
    }
