"""An organizer's view of a letter's signers: a page of entries, searchable, each with
its actions (edit, withdraw, restore), and the form each action opens."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.rules.forms import SignonField
from bot.rules.language import N_, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letters import Letter
from bot.rules.limits import (
    EMAIL_MAX,
    JOB_TITLE_MAX,
    ORGANIZATION_MAX,
    PERSON_MAX,
    PLACE_MAX,
    REASON_MAX,
)
from bot.rules.signons import (
    Contact,
    ContactSource,
    Signer,
    SignerKind,
    SignerStatus,
    Submission,
)
from bot.rules.verification import UNVERIFIED, Verified
from bot.slack.blocks.text import (
    MODAL_TITLE_MAX,
    Block,
    escape,
    fitted,
    mrkdwn,
    plain,
    read_id,
    truncate,
)
from bot.slack.blocks.verification import verification_label

ENTRY_MENU_ACTION = "entry_menu"
ENTRY_BUTTON_ACTION = "entry_button"
SIGNERS_PAGE_ACTION = "signers_page"
ENTRY_CALLBACK_ID = "entry_change"
PAGE_SIZE = 20
NAME_SHOWN_MAX = 200


class EntryAction:
    EDIT = "edit"
    WITHDRAW = "withdraw"
    RESTORE = "restore"


@dataclass(frozen=True, slots=True)
class EntryFormValues:
    """An entry form's answers: which entry, which action, the fields and the reason."""

    entry_id: int | None
    action: str
    submission: Submission
    reason: str


def signers_page(
    letter: Letter,
    entries: list[Signer],
    *,
    offset: int = 0,
    search: str = "",
    verification: Mapping[int, Verified] | None = None,
) -> dict[str, Any]:
    """One page of the letter's entries (withdrawn ones marked), each with its menu and,
    with a roster, whether it is verified."""
    title = escape(letter.title)
    if not entries:
        none = (
            _("No signers of *{title}* matching “{search}”.")
            if search
            else _("No signers of *{title}*.")
        )
        return {"text": none.format(title=title, search=escape(search))}
    page = entries[offset : offset + PAGE_SIZE]
    if search:
        intro = ngettext(
            "*{count} signer* matching “{search}” of *{title}* (letter #{letter}), {first} to "
            "{last} shown. `/letter signers #{letter} Mijente` finds signers by name.",
            "*{count} signers* matching “{search}” of *{title}* (letter #{letter}), {first} to "
            "{last} shown. `/letter signers #{letter} Mijente` finds signers by name.",
            len(entries),
        )
    else:
        intro = ngettext(
            "*{count} signer* of *{title}* (letter #{letter}), {first} to {last} shown. "
            "`/letter signers #{letter} Mijente` finds signers by name.",
            "*{count} signers* of *{title}* (letter #{letter}), {first} to {last} shown. "
            "`/letter signers #{letter} Mijente` finds signers by name.",
            len(entries),
        )
    intro = intro.format(
        count=number(len(entries)),
        search=escape(search),
        title=title,
        letter=letter.id,
        first=number(offset + 1),
        last=number(offset + len(page)),
    )
    nav = _navigation(letter, len(entries), offset=offset, search=search)
    blocks = fitted(
        [[_entry_block(entry, verification)] for entry in page],
        before=[{"type": "section", "text": mrkdwn(intro)}],
        after=nav,
        more=lambda more: {
            "type": "context",
            "elements": [plain(_("…and {count} more.").format(count=number(more)))],
        },
    )
    return {"text": _("Signers of {title}").format(title=title), "blocks": blocks}


def page_value(letter_id: int, offset: int, search: str) -> str:
    return json.dumps({"letter": letter_id, "offset": offset, "search": search})


def read_page_value(value: str) -> tuple[int, int, str] | None:
    try:
        found = json.loads(value)
        letter, offset, search = found["letter"], found["offset"], found["search"]
    except (ValueError, KeyError, TypeError):
        return None
    letter_id, start = read_id(str(letter)), read_id(str(offset))
    if letter_id is None or start is None:
        return None
    return letter_id, start, str(search)


def read_menu_value(value: str) -> tuple[str, int] | None:
    """The action and the entry an entry menu's option is for."""
    action, _, entry = value.partition(":")
    if action not in {EntryAction.EDIT, EntryAction.WITHDRAW, EntryAction.RESTORE}:
        return None
    found = read_id(entry)
    return (action, found) if found is not None else None


def entry_form(entry: Signer, action: str) -> dict[str, Any]:
    """The form an entry menu's option opens: every field to edit, or the reason for a
    withdrawal (required) or a restoral."""
    name = escape(truncate(entry.name, NAME_SHOWN_MAX))
    metadata = json.dumps({"entry": entry.id, "action": action, "kind": entry.kind.value})
    if action == EntryAction.EDIT:
        blocks = _edit_inputs(entry)
        blocks.append(_reason_input(_("Why (kept in the audit trail)"), optional=True))
        title, submit = _("Edit signer"), _("Save")
    elif action == EntryAction.WITHDRAW:
        blocks = [
            {
                "type": "section",
                "text": mrkdwn(
                    _(
                        "Withdraw *{name}* on its signers' behalf? It leaves the list and the "
                        "count; `/letter signers` can restore it."
                    ).format(name=name)
                ),
            },
            _reason_input(_("Why"), optional=False),
        ]
        title, submit = _("Withdraw signer"), _("Withdraw")
    else:
        blocks = [
            {
                "type": "section",
                "text": mrkdwn(_("Put *{name}* back in the list and the count?").format(name=name)),
            },
            _reason_input(_("Why (kept in the audit trail)"), optional=True),
        ]
        title, submit = _("Restore signer"), _("Restore")
    return {
        "type": "modal",
        "callback_id": ENTRY_CALLBACK_ID,
        "private_metadata": metadata,
        "title": plain(title[:MODAL_TITLE_MAX]),
        "submit": plain(submit),
        "close": plain(_("Cancel")),
        "blocks": blocks,
    }


def read_entry_form(view: dict[str, Any], *, user: str) -> EntryFormValues:
    values = view["state"]["values"]

    def answer(block: str) -> Any:
        found: dict[str, Any] = values.get(block, {}).get(block, {})
        return found.get("value") or found.get("selected_option", {}).get("value")

    metadata = json.loads(view.get("private_metadata") or "{}")
    entry = metadata.get("entry")
    kind = SignerKind(metadata.get("kind", SignerKind.ORGANIZATION.value))
    individual = kind is SignerKind.INDIVIDUAL
    organization, person = answer(SignonField.ORGANIZATION), answer(SignonField.PERSON)
    submission = Submission(
        kind=kind,
        name=(person if individual else organization) or "",
        person_name=None if individual else person,
        title=answer(SignonField.TITLE),
        affiliation=organization if individual else None,
        city=answer(SignonField.CITY),
        state=answer(SignonField.STATE),
        email=answer(SignonField.EMAIL),
        public=answer(SignonField.PUBLIC) != "no",
        user_id=user,
    )
    return EntryFormValues(
        entry_id=entry if isinstance(entry, int) else None,
        action=str(metadata.get("action", "")),
        submission=submission,
        reason=(answer(SignonField.REASON) or "").strip(),
    )


def entry_changed_text(entry: Signer, action: str) -> str:
    said = {
        EntryAction.EDIT: N_("*{name}* is saved. The change is kept in the letter's audit trail."),
        EntryAction.WITHDRAW: N_(
            "*{name}* is withdrawn. The change is kept in the letter's audit trail."
        ),
        EntryAction.RESTORE: N_(
            "*{name}* is back in the list. The change is kept in the letter's audit trail."
        ),
    }[action]
    return _(said).format(name=escape(entry.name))


def _entry_block(entry: Signer, verification: Mapping[int, Verified] | None) -> Block:
    withdrawn = entry.status is SignerStatus.WITHDRAWN
    name = escape(truncate(entry.name, NAME_SHOWN_MAX))
    state = (
        " · " + _("_withdrawn_")
        if withdrawn
        else " · " + _("_waiting to be verified_")
        if entry.waiting
        else ""
    )
    details = [f"*{name}*{state}"]
    if verification and entry.kind is SignerKind.ORGANIZATION:
        details.append(verification_label(verification.get(entry.id, UNVERIFIED)))
    place = ", ".join(escape(part) for part in (entry.city, entry.state) if part)
    if place:
        details.append(place)
    if not entry.public:
        details.append(_("not listed"))
    people = [shown for c in entry.contacts if (shown := _contact_shown(entry, c))]
    contacts = len(entry.contacts)
    details.append(
        ", ".join(people[:3])
        or (
            ngettext("{count} contact", "{count} contacts", contacts).format(count=number(contacts))
            if contacts
            else _("no contact")
        )
    )
    accessory: dict[str, Any]
    if withdrawn:
        # An entry out of the list is restored before it is edited: one action, a
        # button (an overflow menu holds two to five options).
        accessory = {
            "type": "button",
            "action_id": ENTRY_BUTTON_ACTION,
            "text": plain(_("Restore…")),
            "value": f"{EntryAction.RESTORE}:{entry.id}",
        }
    else:
        accessory = {
            "type": "overflow",
            "action_id": ENTRY_MENU_ACTION,
            "options": [
                _option(_("Edit…"), EntryAction.EDIT, entry),
                _option(_("Withdraw…"), EntryAction.WITHDRAW, entry),
            ],
        }
    return {"type": "section", "text": mrkdwn(" · ".join(details)), "accessory": accessory}


def _contact_shown(entry: Signer, contact: Contact) -> str:
    """A contact as organizers see them listed: by the name they gave; someone who
    signed on the public page (no Slack account to find them by) with their email too."""
    if contact.source is not ContactSource.WEB:
        return escape(contact.person_name) if contact.person_name else ""
    name = contact.person_name
    if name is None and entry.kind is SignerKind.INDIVIDUAL:
        name = contact.submitted_as
    given = ", ".join(part for part in (name, contact.email) if part)
    return _("{name} (on the web)").format(name=escape(truncate(given, PERSON_MAX)))


def _option(label: str, action: str, entry: Signer) -> dict[str, Any]:
    return {"text": plain(label), "value": f"{action}:{entry.id}"}


def _navigation(letter: Letter, total: int, *, offset: int, search: str) -> list[Block]:
    buttons = []
    if offset > 0:
        buttons.append(
            {
                "type": "button",
                "action_id": SIGNERS_PAGE_ACTION,
                "text": plain(_("Previous")),
                "value": page_value(letter.id, max(0, offset - PAGE_SIZE), search),
            }
        )
    if offset + PAGE_SIZE < total:
        buttons.append(
            {
                "type": "button",
                "action_id": f"{SIGNERS_PAGE_ACTION}_next",
                "text": plain(_("Next")),
                "value": page_value(letter.id, offset + PAGE_SIZE, search),
            }
        )
    return [{"type": "actions", "elements": buttons}] if buttons else []


def _edit_inputs(entry: Signer) -> list[Block]:
    individual = entry.kind is SignerKind.INDIVIDUAL
    contact = entry.contacts[0] if entry.contacts else None
    name_label = _("Name (as published)") if individual else _("Organization (as published)")
    fields = [
        (
            SignonField.PERSON if individual else SignonField.ORGANIZATION,
            name_label,
            PERSON_MAX if individual else ORGANIZATION_MAX,
            entry.name,
            False,
        ),
        (
            SignonField.ORGANIZATION if individual else SignonField.PERSON,
            _("Affiliation") if individual else _("Contact's name"),
            ORGANIZATION_MAX if individual else PERSON_MAX,
            entry.affiliation if individual else (contact.person_name if contact else None),
            True,
        ),
        (
            SignonField.TITLE,
            _("Contact's title"),
            JOB_TITLE_MAX,
            contact.title if contact else None,
            True,
        ),
        (SignonField.CITY, _("City"), PLACE_MAX, entry.city, True),
        (SignonField.STATE, _("State"), PLACE_MAX, entry.state, True),
        (
            SignonField.EMAIL,
            _("Contact's email"),
            EMAIL_MAX,
            contact.email if contact else None,
            True,
        ),
    ]
    blocks: list[Block] = []
    for field, label, limit, initial, optional in fields:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": field,
            "max_length": limit,
        }
        if initial:
            element["initial_value"] = initial[:limit]
        blocks.append(
            {
                "type": "input",
                "block_id": field,
                "optional": optional,
                "label": plain(label),
                "element": element,
            }
        )
    listed = _listed(entry.public)
    blocks.append(
        {
            "type": "input",
            "block_id": SignonField.PUBLIC,
            "label": plain(_("List publicly")),
            "element": {
                "type": "radio_buttons",
                "action_id": SignonField.PUBLIC,
                "initial_option": listed,
                "options": [_listed(True), _listed(False)],
            },
        }
    )
    return blocks


def _listed(yes: bool) -> dict[str, Any]:
    return {
        "text": plain(_("Yes") if yes else _("No, count but don't list")),
        "value": "yes" if yes else "no",
    }


def _reason_input(label: str, *, optional: bool) -> Block:
    return {
        "type": "input",
        "block_id": SignonField.REASON,
        "optional": optional,
        "label": plain(label),
        "element": {
            "type": "plain_text_input",
            "action_id": SignonField.REASON,
            "max_length": REASON_MAX,
        },
    }
