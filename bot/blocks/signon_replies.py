"""What a signer is told: exactly what was recorded, and where the count stands."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.text import escape, joined, plain, slack_date, text_sections
from bot.models import Contact, Letter, Outcome, Recorded, Signer, SignerKind, StatusReport

CHANGE_ENTRY_ACTION = "change_entry"
# The names a new entry may duplicate, as many as fit a line a signer will read.
POSSIBLE_DUPLICATES_TEXT_MAX = 1000

FORM_DID_NOT_OPEN = (
    "Slack didn't open the sign-on form just now. Try `/signon` again in a moment, or sign "
    "at once with `/signon Your Organization Name`."
)

SIGNON_HELP = """*Signing a letter with Undersigned*
`/signon Organization Name` · sign the letter in this channel for your organization
`/signon` · open the form: sign as an organization or an individual, add your title and \
place; once you've signed, it opens on your entry, to correct it
`/signon status` · see what is recorded for you, and change it
`/signon withdraw` · take back your sign-on
Add a letter number (such as `#3`) when the channel has more than one open letter."""


def recorded_text(recorded: Recorded, *, letter: Letter, count: int, zone: ZoneInfo) -> str:
    signer = recorded.signer
    title = escape(letter.title)
    total = so_far(count)
    if recorded.outcome is Outcome.SAME:
        if not signer.public:
            # The organization asked not to be listed: who signed it, and when, is
            # for its contacts and the organizers to know.
            return (
                f"*{escape(signer.name)}* had already signed *{title}* (counted but not "
                f"listed). I've added you as another contact for it; it still counts "
                f"once. {total}"
            )
        first = signer.contacts[0]
        by = f" by <@{first.user_id}>" if first.user_id else ""
        return (
            f"*{escape(signer.name)}* had already signed *{title}*{by} on "
            f"{slack_date(first.signed_at, zone=zone, token='{date_long_pretty}')}, as "
            f"“{escape(first.submitted_as)}”. I've added you as another contact for it; "
            f"it still counts once. {total}"
        )
    if recorded.outcome is Outcome.ALREADY:
        name = escape(signer.name)
        return f"You had already signed *{title}* for *{name}*; nothing changed. {total}"
    mine = signer.contacts[-1] if signer.contacts else None
    lines = [f"You signed *{title}*. This is what I recorded:", entry_summary(signer, mine), total]
    if recorded.possible_duplicates or recorded.possible_unlisted:
        lines.append(
            f"It may be the same as {_possible_names(recorded)}, which signed already; an "
            "organizer will check. Until then it counts on its own."
        )
    return "\n".join(lines)


def _possible_names(recorded: Recorded) -> str:
    """The listed possible duplicates by name; the others only counted."""
    names = [f"*{escape(name)}*" for name in recorded.possible_duplicates]
    if recorded.possible_unlisted == 1:
        names.append("an organization that asked not to be listed")
    elif recorded.possible_unlisted:
        names.append(f"{recorded.possible_unlisted} organizations that asked not to be listed")
    return joined(names, limit=POSSIBLE_DUPLICATES_TEXT_MAX)


def entry_summary(signer: Signer, contact: Contact | None) -> str:
    """One line a signer can check: name, kind, place, listing, and their own contact."""
    if signer.kind is SignerKind.INDIVIDUAL:
        what = "an individual"
        if signer.affiliation:
            what += f", {escape(signer.affiliation)} (for identification purposes only)"
    else:
        what = "an organization"
    place = ", ".join(escape(part) for part in (signer.city, signer.state) if part)
    details = [f"*{escape(signer.name)}*, {what}"]
    if place:
        details.append(place)
    if contact and contact.person_name and signer.kind is SignerKind.ORGANIZATION:
        details.append(
            "signed by "
            + escape(contact.person_name)
            + (f", {escape(contact.title)}" if contact.title else "")
        )
    details.append("listed publicly" if signer.public else "counted but not listed")
    return "> " + " · ".join(details)


def withdrawn_text(letter: Letter, withdrawn: list[Signer], *, count: int) -> str:
    names = ", ".join(f"*{escape(signer.name)}*" for signer in withdrawn)
    return f"Your sign-on to *{escape(letter.title)}* for {names} is withdrawn. {so_far(count)}"


def status_text(status: StatusReport) -> str:
    title = escape(status.letter.title)
    if not status.signed:
        return f"You haven't signed *{title}*. {so_far(status.count)}"
    lines = [f"For *{title}* I have:"]
    lines += [entry_summary(signer, _own(signer, status.user)) for signer in status.signed]
    lines.append(f"{so_far(status.count)} `/signon withdraw` takes yours back.")
    return "\n".join(lines)


def _own(signer: Signer, user: str) -> Contact | None:
    """The person's own contact for an entry others may have signed too."""
    return next((c for c in reversed(signer.contacts) if c.user_id == user), None)


def corrected_text(letter: Letter, entry: Signer, *, user: str) -> str:
    """A signer's correction, saved: their entry as it now stands."""
    return (
        f"Saved. For *{escape(letter.title)}* I now have:\n"
        f"{entry_summary(entry, _own(entry, user))}"
    )


def moved_text(
    recorded: Recorded, *, left: Signer, letter: Letter, count: int, zone: ZoneInfo
) -> str:
    """A correction that named another organization: the sign-on it became, and the
    entry left behind."""
    return (
        f"{recorded_text(recorded, letter=letter, count=count, zone=zone)}\n"
        f"You're no longer signed for *{escape(left.name)}*."
    )


def status_message(status: StatusReport) -> dict[str, Any]:
    """`/signon status`: what is recorded, with a button to change it."""
    text = status_text(status)
    if not status.signed:
        return {"text": text}
    return {
        "text": text,
        "blocks": [
            *text_sections(text),
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": CHANGE_ENTRY_ACTION,
                        "text": plain("Change my sign-on"),
                        "value": str(status.letter.id),
                    }
                ],
            },
        ],
    }


def so_far(count: int) -> str:
    return f"Signers so far: *{count}*."
