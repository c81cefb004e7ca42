"""What a signer is told: exactly what was recorded, and where the count stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.language import N_, Language, current, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letters import Letter
from bot.rules.limits import ORGANIZATIONS_PER_PERSON
from bot.rules.signons import Contact, Outcome, Recorded, Signer, SignerKind, StatusReport
from bot.slack.blocks.text import escape, joined, mrkdwn, plain, slack_date, text_sections
from bot.slack.blocks.versions import withdraw_value

CHANGE_ENTRY_ACTION = "change_entry"
# Under a quick `/signon Name`'s answer: take back what was just recorded.
UNDO_ACTION = "signon_undo"
# `/signon withdraw`'s question: withdraw, or leave the sign-on as it is.
WITHDRAW_ACTION = "withdraw"
KEEP_ACTION = "withdraw_not"
# `/signon language`'s buttons: each language, and Slack's own again. Their values are
# the language's code, or AS_IN_SLACK.
LANGUAGE_ACTION_PREFIX = "signon_language_"
AS_IN_SLACK = "auto"
LANGUAGE_ACTIONS = tuple(
    f"{LANGUAGE_ACTION_PREFIX}{value}"
    for value in [*(language.value for language in Language), AS_IN_SLACK]
)
# The names a new entry may duplicate, as many as fit a line a signer will read.
POSSIBLE_DUPLICATES_TEXT_MAX = 1000

# Said as _(FORM_DID_NOT_OPEN), _(SIGNON_HELP), _(KEPT_AS_IT_WAS) and _(WAITS_TO_COUNT).
FORM_DID_NOT_OPEN = N_(
    "Slack didn't open the sign-on form just now. Try `/signon` again in a moment, or sign "
    "at once with `/signon Your Organization Name`."
)

SIGNON_HELP = N_(
    "*Signing a letter with Undersigned*\n"
    "`/signon Organization Name` · sign the letter in this channel for your organization\n"
    "`/signon` · open the form: sign as an organization or an individual, add your title and "
    "place; once you've signed, it opens on your entry, to correct it\n"
    "`/signon status` · see what is recorded for you, and change it\n"
    "`/signon withdraw` · take back your sign-on\n"
    "`/signon language` · choose the language I answer you in\n"
    "Add a letter number (such as `#3`) when the channel has more than one open letter.\n"
    "From another organization's Slack (a Slack Connect channel), or as a guest, slash "
    "commands may not reach me: press *Sign on* under the letter instead; it does all of "
    "the above."
)


def recorded_text(
    recorded: Recorded, *, letter: Letter, count: int, zone: ZoneInfo, user: str
) -> str:
    """What `user` is told of their sign-on."""
    title = _title(letter)
    total = so_far(count)
    if recorded.outcome is Outcome.HELD:
        assert recorded.held is not None
        held = ngettext(
            "You've signed *{title}* for more than {limit} organization, so *{name}* waits for "
            "an organizer to check it before it counts. I've kept it as you gave it.",
            "You've signed *{title}* for more than {limit} organizations, so *{name}* waits for "
            "an organizer to check it before it counts. I've kept it as you gave it.",
            ORGANIZATIONS_PER_PERSON,
        ).format(
            title=title, limit=number(ORGANIZATIONS_PER_PERSON), name=escape(recorded.held.name)
        )
        return f"{held} {total}"
    signer = recorded.entry
    if recorded.outcome is Outcome.SAME:
        if not signer.public:
            # The organization asked not to be listed: its name as listed, who signed
            # it, and when, are for its maker and the organizers to know.
            already = _(
                "*{name}* had already signed *{title}* (counted but not listed). I've added "
                "you as another contact for it; it still counts once."
            ).format(name=escape(signer.name_seen_by(user)), title=title)
            return f"{already} {total}"
        first = signer.contacts[0]
        when = slack_date(first.signed_at, zone=zone, token="{date_long_pretty}")
        # Named only when they signed in Slack: a web signer has no Slack account.
        if first.slack_user:
            already = _(
                "*{name}* had already signed *{title}* by {user} on {date}, as “{spelling}”."
            )
        else:
            already = _("*{name}* had already signed *{title}* on {date}, as “{spelling}”.")
        already = already.format(
            name=escape(signer.name),
            title=title,
            user=f"<@{first.slack_user}>",
            date=when,
            spelling=escape(first.submitted_as),
        )
        added = _("I've added you as another contact for it; it still counts once.")
        return f"{already} {added} {total}" + (f"\n{_(WAITS_TO_COUNT)}" if signer.waiting else "")
    if recorded.outcome is Outcome.ALREADY:
        already = _("You had already signed *{title}* for *{name}*; nothing changed.").format(
            title=title, name=escape(signer.name_seen_by(user))
        )
        return f"{already} {total}"
    mine = signer.contact_of(user) or (signer.contacts[-1] if signer.contacts else None)
    lines = [
        _("You signed *{title}*. This is what I recorded:").format(title=title),
        entry_summary(signer, mine),
        total,
    ]
    if signer.waiting:
        lines.append(_(WAITS_TO_COUNT))
    if recorded.possible_duplicates or recorded.possible_unlisted:
        names = len(recorded.possible_duplicates) + recorded.possible_unlisted
        lines.append(
            ngettext(
                "It may be the same as {names}, which signed already; an organizer will check. "
                "Until then it counts on its own.",
                "It may be the same as {names}, which signed already; an organizer will check. "
                "Until then it counts on its own.",
                names,
            ).format(names=_possible_names(recorded))
        )
    return "\n".join(lines)


# Said to whoever signs for an organization on a letter that holds unverified sign-ons
# back: their own sign-on's state, never how it is judged.
WAITS_TO_COUNT = N_(
    "It counts once the coalition has checked it with the organization: within a minute "
    "when you are one of its contacts, else once one of them confirms."
)


def _possible_names(recorded: Recorded) -> str:
    """The listed possible duplicates by name; the others only counted."""
    names = [f"*{escape(name)}*" for name in recorded.possible_duplicates]
    if recorded.possible_unlisted == 1:
        names.append(_("an organization that asked not to be listed"))
    elif recorded.possible_unlisted:
        names.append(
            ngettext(
                "{count} organization that asked not to be listed",
                "{count} organizations that asked not to be listed",
                recorded.possible_unlisted,
            ).format(count=number(recorded.possible_unlisted))
        )
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
        shown.append(_("you're one of its contacts"))
        return "> " + " · ".join(shown)
    if signer.kind is SignerKind.INDIVIDUAL:
        if signer.affiliation:
            what = _(
                "*{name}*, an individual, {affiliation} (for identification purposes only)"
            ).format(name=escape(signer.name), affiliation=escape(signer.affiliation))
        else:
            what = _("*{name}*, an individual").format(name=escape(signer.name))
    else:
        what = _("*{name}*, an organization").format(name=escape(signer.name))
    place = ", ".join(escape(part) for part in (signer.city, signer.state) if part)
    details = [what]
    if place:
        details.append(place)
    if contact and contact.person_name and signer.kind is SignerKind.ORGANIZATION:
        details.append(_signed_by(contact))
    details.append(_("listed publicly") if signer.public else _("counted but not listed"))
    return "> " + " · ".join(details)


def _signed_by(contact: Contact) -> str:
    assert contact.person_name is not None
    if contact.title:
        return _("signed by {name}, {title}").format(
            name=escape(contact.person_name), title=escape(contact.title)
        )
    return _("signed by {name}").format(name=escape(contact.person_name))


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
            "text": plain(_("Change")),
            "value": str(letter.id),
        },
        {
            "type": "button",
            "action_id": UNDO_ACTION,
            "text": plain(_("Undo")),
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
    question = _(
        "Withdraw your sign-on to *{title}* for {names}? It comes off the list and the count; "
        "the organizers keep a record that you withdrew."
    ).format(title=_title(letter), names=shown)
    buttons = [
        {
            "type": "button",
            "action_id": WITHDRAW_ACTION,
            "style": "danger",
            "text": plain(_("Withdraw")),
            "value": str(letter.id),
        },
        {
            "type": "button",
            "action_id": KEEP_ACTION,
            "text": plain(_("Keep it")),
            "value": "keep",
        },
    ]
    return {
        "text": _("Withdraw your sign-on to {title}?").format(title=_title(letter)),
        "blocks": [
            {"type": "section", "text": mrkdwn(question)},
            {"type": "actions", "elements": buttons},
        ],
    }


KEPT_AS_IT_WAS = N_("Nothing changed: your sign-on stays as it was.")


def withdrawn_text(letter: Letter, names: list[str], *, count: int) -> str:
    """`names` are the entries withdrawn, as the person who withdrew may see them."""
    shown = joined([f"*{escape(name)}*" for name in names], limit=POSSIBLE_DUPLICATES_TEXT_MAX)
    withdrawn = _("Your sign-on to *{title}* for {names} is withdrawn.").format(
        title=_title(letter), names=shown
    )
    return f"{withdrawn} {so_far(count)}"


def status_text(status: StatusReport) -> str:
    title = _title(status.letter)
    if not status.signed and not status.held:
        unsigned = _("You haven't signed *{title}*.").format(title=title)
        return f"{unsigned} {so_far(status.count)}"
    lines = [_("For *{title}* I have:").format(title=title)]
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
        _("> *{name}* · waiting for an organizer to check it before it counts").format(
            name=escape(held.name)
        )
        for held in status.held
    ]
    lines.append(f"{so_far(status.count)} " + _("`/signon withdraw` takes yours back."))
    return "\n".join(lines)


def corrected_text(letter: Letter, entry: Signer, *, user: str, keeper: bool) -> str:
    """A signer's correction, saved: their entry as it now stands, as they may see it."""
    summary = entry_summary(
        entry, entry.contact_of(user), keeper=keeper, name=entry.name_seen_by(user)
    )
    return _("Saved. For *{title}* I now have:\n{entry}").format(
        title=_title(letter), entry=summary
    )


def moved_text(
    recorded: Recorded, *, left: Signer, letter: Letter, count: int, zone: ZoneInfo, user: str
) -> str:
    """A correction that named another organization: the sign-on it became, and the
    entry left behind."""
    recorded_now = recorded_text(recorded, letter=letter, count=count, zone=zone, user=user)
    no_longer = _("You're no longer signed for *{name}*.").format(
        name=escape(left.name_seen_by(user))
    )
    return f"{recorded_now}\n{no_longer}"


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
                        "text": plain(_("Change my sign-on")),
                        "value": str(status.letter.id),
                    }
                ],
            },
        ],
    }


def so_far(count: int) -> str:
    """'*118* signed so far.'"""
    return ngettext("*{count}* signed so far.", "*{count}* signed so far.", count).format(
        count=number(count)
    )


def _title(letter: Letter) -> str:
    """The letter's title as its reader reads it (its text in their language, if any)."""
    return escape(letter.text_in(current()).title)


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    """A language chosen to be answered in; None: the one their Slack is set to."""

    language: Language | None


# Each language as the reader names it, in a sentence: "in Spanish", "en español".
_IN_LANGUAGE = {Language.ENGLISH: N_("in English"), Language.SPANISH: N_("in Spanish")}


def in_language(language: Language) -> str:
    """'in Spanish': the language, as the reader says it."""
    return _(_IN_LANGUAGE[language])


def language_message(language: Language, *, unknown: str | None = None) -> dict[str, Any]:
    """`/signon language`: the language I answer in, with a button for each and one
    for their Slack's (each language's button in its own name: "Español")."""
    said = _(
        "I answer you {language}. Choose another below, or *As in Slack* to follow the "
        "language your Slack is set to."
    ).format(language=in_language(language))
    if unknown is not None:
        said = (
            _("I don't know a language called “{name}”.").format(name=escape(unknown)) + f" {said}"
        )
    buttons = [
        {
            "type": "button",
            "action_id": f"{LANGUAGE_ACTION_PREFIX}{choice.value}",
            "text": plain(choice.own_name),
            "value": choice.value,
            **({"style": "primary"} if choice is language else {}),
        }
        for choice in Language
    ]
    buttons.append(
        {
            "type": "button",
            "action_id": f"{LANGUAGE_ACTION_PREFIX}{AS_IN_SLACK}",
            "text": plain(_("As in Slack")),
            "value": AS_IN_SLACK,
        }
    )
    return {
        "text": said,
        "blocks": [
            {"type": "section", "text": mrkdwn(said)},
            {"type": "actions", "elements": buttons},
        ],
    }


def read_language_value(value: str) -> LanguageChoice | None:
    """What a `/signon language` button chooses; None if garbled."""
    if value == AS_IN_SLACK:
        return LanguageChoice(None)
    found = next((language for language in Language if language.value == value), None)
    return LanguageChoice(found) if found is not None else None


def chosen_language_text(language: Language, *, as_in_slack: bool) -> str:
    """Said in `language`, once it is chosen: I answer in it from now on."""
    if as_in_slack:
        return _(
            "From now on I answer you in the language your Slack is set to, for now {language}."
        ).format(language=in_language(language))
    return _("From now on I answer you {language}.").format(language=in_language(language))
