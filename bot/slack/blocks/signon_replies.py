"""What a signer is told: exactly what was recorded, and where the count stands."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.letters import Letter
from bot.rules.limits import ORGANIZATIONS_PER_PERSON
from bot.rules.signons import Contact, Outcome, Recorded, Signer, SignerKind, StatusReport
from bot.rules.wording import plural
from bot.slack.blocks.text import escape, joined, mrkdwn, plain, slack_date, text_sections
from bot.slack.blocks.versions import withdraw_value

CHANGE_ENTRY_ACTION = "change_entry"
# Under a quick `/signon Name`'s answer: take back what was just recorded.
UNDO_ACTION = "signon_undo"
# `/signon withdraw`'s question: withdraw, or leave the sign-on as it is.
WITHDRAW_ACTION = "withdraw"
KEEP_ACTION = "withdraw_not"
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
Add a letter number (such as `#3`) when the channel has more than one open letter.
From another organization's Slack (a Slack Connect channel), or as a guest, slash \
commands may not reach me: press *Sign on* under the letter instead; it does all of \
the above."""


def recorded_text(
    recorded: Recorded, *, letter: Letter, count: int, zone: ZoneInfo, user: str
) -> str:
    """What `user` is told of their sign-on."""
    title = escape(letter.title)
    total = so_far(count)
    if recorded.outcome is Outcome.HELD:
        assert recorded.held is not None
        return (
            f"You've signed *{title}* for more than {ORGANIZATIONS_PER_PERSON} "
            f"organizations, so *{escape(recorded.held.name)}* waits for an organizer to "
            f"check it before it counts. I've kept it as you gave it. {total}"
        )
    signer = recorded.entry
    if recorded.outcome is Outcome.SAME:
        if not signer.public:
            # The organization asked not to be listed: its name as listed, who signed
            # it, and when, are for its maker and the organizers to know.
            return (
                f"*{escape(signer.name_seen_by(user))}* had already signed *{title}* "
                "(counted but not listed). I've added you as another contact for it; it "
                f"still counts once. {total}"
            )
        first = signer.contacts[0]
        # Named only when they signed in Slack: a web signer has no Slack account.
        by = f" by <@{first.slack_user}>" if first.slack_user else ""
        return (
            f"*{escape(signer.name)}* had already signed *{title}*{by} on "
            f"{slack_date(first.signed_at, zone=zone, token='{date_long_pretty}')}, as "
            f"“{escape(first.submitted_as)}”. I've added you as another contact for it; "
            f"it still counts once. {total}" + (f"\n{WAITS_TO_COUNT}" if signer.waiting else "")
        )
    if recorded.outcome is Outcome.ALREADY:
        name = escape(signer.name_seen_by(user))
        return f"You had already signed *{title}* for *{name}*; nothing changed. {total}"
    mine = signer.contact_of(user) or (signer.contacts[-1] if signer.contacts else None)
    lines = [f"You signed *{title}*. This is what I recorded:", entry_summary(signer, mine), total]
    if signer.waiting:
        lines.append(WAITS_TO_COUNT)
    if recorded.possible_duplicates or recorded.possible_unlisted:
        lines.append(
            f"It may be the same as {_possible_names(recorded)}, which signed already; an "
            "organizer will check. Until then it counts on its own."
        )
    return "\n".join(lines)


# Said to whoever signs for an organization on a letter that holds unverified sign-ons
# back: their own sign-on's state, never how it is judged.
WAITS_TO_COUNT = (
    "It counts once the coalition has checked it with the organization: within a minute "
    "when you are one of its contacts, else once one of them confirms."
)


def _possible_names(recorded: Recorded) -> str:
    """The listed possible duplicates by name; the others only counted."""
    names = [f"*{escape(name)}*" for name in recorded.possible_duplicates]
    if recorded.possible_unlisted == 1:
        names.append("an organization that asked not to be listed")
    elif recorded.possible_unlisted:
        unlisted = plural(recorded.possible_unlisted, "organization")
        names.append(f"{unlisted} that asked not to be listed")
    return joined(names, limit=POSSIBLE_DUPLICATES_TEXT_MAX)


def entry_summary(
    signer: Signer, contact: Contact | None, *, keeper: bool = True, name: str | None = None
) -> str:
    """One line a signer can check: name, kind, place, listing, and their own contact.
    Someone who doesn't keep the entry's details (`keeper`) sees only its name as they
    may (`name`) and their own contact."""
    if not keeper:
        shown = [f"*{escape(name or signer.name)}*"]
        if contact and contact.person_name:
            shown.append(_signed_by(contact))
        shown.append("you're one of its contacts")
        return "> " + " · ".join(shown)
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
        details.append(_signed_by(contact))
    details.append("listed publicly" if signer.public else "counted but not listed")
    return "> " + " · ".join(details)


def _signed_by(contact: Contact) -> str:
    assert contact.person_name is not None
    title = f", {escape(contact.title)}" if contact.title else ""
    return f"signed by {escape(contact.person_name)}{title}"


def recorded_message(
    recorded: Recorded, *, letter: Letter, count: int, zone: ZoneInfo, user: str
) -> dict[str, Any]:
    """The answer to a quick `/signon Name`: what was recorded (`recorded_text`), with
    **Change** (the form, filled in) and **Undo** (takes back just this sign-on)."""
    text = recorded_text(recorded, letter=letter, count=count, zone=zone, user=user)
    if recorded.outcome not in (Outcome.NEW, Outcome.SAME):
        return {"text": text}
    buttons = [
        {
            "type": "button",
            "action_id": CHANGE_ENTRY_ACTION,
            "text": plain("Change"),
            "value": str(letter.id),
        },
        {
            "type": "button",
            "action_id": UNDO_ACTION,
            "text": plain("Undo"),
            "value": withdraw_value(letter.id, [recorded.entry.id]),
        },
    ]
    return {
        "text": text,
        "blocks": [*text_sections(text), {"type": "actions", "elements": buttons}],
    }


def withdraw_question(status: StatusReport) -> dict[str, Any]:
    """`/signon withdraw`, asked before it is done, as the Home's Withdraw asks: what it
    takes off the list, with Withdraw and Keep it."""
    letter = status.letter
    names = [f"*{escape(status.name_of(entry))}*" for entry in status.signed]
    names += [f"*{escape(held.name)}*" for held in status.held]
    shown = joined(names, limit=POSSIBLE_DUPLICATES_TEXT_MAX)
    question = (
        f"Withdraw your sign-on to *{escape(letter.title)}* for {shown}? It comes off the "
        "list and the count; the organizers keep a record that you withdrew."
    )
    buttons = [
        {
            "type": "button",
            "action_id": WITHDRAW_ACTION,
            "style": "danger",
            "text": plain("Withdraw"),
            "value": str(letter.id),
        },
        {"type": "button", "action_id": KEEP_ACTION, "text": plain("Keep it"), "value": "keep"},
    ]
    return {
        "text": f"Withdraw your sign-on to {escape(letter.title)}?",
        "blocks": [
            {"type": "section", "text": mrkdwn(question)},
            {"type": "actions", "elements": buttons},
        ],
    }


KEPT_AS_IT_WAS = "Nothing changed: your sign-on stays as it was."


def withdrawn_text(letter: Letter, names: list[str], *, count: int) -> str:
    """`names` are the entries withdrawn, as the person who withdrew may see them."""
    shown = joined([f"*{escape(name)}*" for name in names], limit=POSSIBLE_DUPLICATES_TEXT_MAX)
    return f"Your sign-on to *{escape(letter.title)}* for {shown} is withdrawn. {so_far(count)}"


def status_text(status: StatusReport) -> str:
    title = escape(status.letter.title)
    if not status.signed and not status.held:
        return f"You haven't signed *{title}*. {so_far(status.count)}"
    lines = [f"For *{title}* I have:"]
    lines += [
        entry_summary(
            signer,
            signer.contact_of(status.user),
            keeper=signer.id in status.keeps,
            name=status.name_of(signer),
        )
        for signer in status.signed
    ]
    lines += [
        f"> *{escape(held.name)}* · waiting for an organizer to check it before it counts"
        for held in status.held
    ]
    lines.append(f"{so_far(status.count)} `/signon withdraw` takes yours back.")
    return "\n".join(lines)


def corrected_text(letter: Letter, entry: Signer, *, user: str, keeper: bool) -> str:
    """A signer's correction, saved: their entry as it now stands, as they may see it."""
    summary = entry_summary(
        entry, entry.contact_of(user), keeper=keeper, name=entry.name_seen_by(user)
    )
    return f"Saved. For *{escape(letter.title)}* I now have:\n{summary}"


def moved_text(
    recorded: Recorded, *, left: Signer, letter: Letter, count: int, zone: ZoneInfo, user: str
) -> str:
    """A correction that named another organization: the sign-on it became, and the
    entry left behind."""
    return (
        f"{recorded_text(recorded, letter=letter, count=count, zone=zone, user=user)}\n"
        f"You're no longer signed for *{escape(left.name_seen_by(user))}*."
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
    return f"*{count:,}* signed so far."
