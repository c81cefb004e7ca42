"""The roster in Slack: the form that takes a roster file and shows who is on it, what
an import did, who hasn't signed a letter, and what a chase will do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.language import N_, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letters import Letter
from bot.rules.roster import EmailLookup, MemberStanding, Reach, RosterMember, Standing
from bot.rules.timing import CHASE_GAP
from bot.slack.blocks.text import (
    escape,
    joined,
    mrkdwn,
    plain,
    read_id,
    slack_date,
    text_sections,
    truncate,
)
from bot.texts.roster import RosterImport

ROSTER_CALLBACK_ID = "roster_form"
ROSTER_TITLE = N_("Coalition roster")
LOADING_ROSTER = N_("Reading the roster and looking its contacts up in Slack…")
ROSTER_FILE_BLOCK = "roster_file"
ROSTER_FILE_ACTION = "roster_file"
# The roster's members listed in the form, and in answers, before "and N more".
MEMBERS_SHOWN = 40
LIST_TEXT_MAX = 2500
# How much of one message `/letter missing` gives its list (a message holds 10,000
# characters in all): the JSON export has every one.
MISSING_TEXT_MAX = 5000
# Members that may have signed, each with It's them / Not them; the rest after these.
POSSIBLE_SHOWN = 5
NAME_SHOWN_MAX = 150
SAME_MEMBER_ACTION = "roster_match_same"
OTHER_MEMBER_ACTION = "roster_match_other"
# The headers (“Organization”, “Slack ID” …) are what the file's columns are found by:
# they stay as they are in every language.
ROSTER_COLUMNS = N_(
    "“Organization” (required), and if you have them “Aliases” (separated by ;), "
    "“State”, “Type” (national, state, local), the contacts: “Slack ID” and/or "
    "“Email” (several separated by ; or ,), and “Domains”, the organization's own email "
    "domains (aclu.org): a sign-on from one verifies its entry"
)

# Chase the members that haven't signed, as `/letter chase` does: under a lead's tally,
# and on an organizer's Home.
CHASE_MEMBERS_ACTION = "chase_members"


def reach_line(reach: Reach) -> str:
    """'41 of 60 member organizations signed; 19 missing'."""
    line = ngettext(
        "{signed} of {members} member organization signed",
        "{signed} of {members} member organizations signed",
        reach.members,
    ).format(signed=number(len(reach.signed)), members=number(reach.members))
    if reach.missing:
        line += ngettext("; {count} missing", "; {count} missing", len(reach.missing)).format(
            count=number(len(reach.missing))
        )
    if reach.possible:
        line += ngettext(
            "; {count} may have signed under another name",
            "; {count} may have signed under another name",
            len(reach.possible),
        ).format(count=number(len(reach.possible)))
    return line


def missing_message(letter: Letter, found: Sequence[MemberStanding]) -> dict[str, Any]:
    """`/letter missing`: who on the roster hasn't signed (withdrawn ones marked), and
    who may have signed under a name a person should judge, with **It's them** and
    **Not them**."""
    reach = Reach.of(found)
    head = _("*{title}* (letter #{letter}): {reach}.").format(
        title=escape(letter.title), letter=letter.id, reach=reach_line(reach)
    )
    lines = [head]
    if reach.missing:
        lines.append("\n" + _("*Not signed*"))
        lines.append(
            joined(
                [_member_line(s) for s in reach.missing],
                limit=MISSING_TEXT_MAX,
                separator="\n",
                more=lambda n: (
                    "\n"
                    + _(
                        "… and {count} more: the JSON from `/letter export` lists every one."
                    ).format(count=number(n))
                ),
            )
        )
    if not reach.missing and not reach.possible:
        lines.append(_("Every member organization has signed. :tada:"))
    elif letter.is_open and reach.missing:
        lines.append(
            "\n"
            + _("`/letter chase {letter}` DMs their contacts now; each reminder does too.").format(
                letter=letter.id
            )
        )
    blocks = text_sections("\n".join(lines))
    if reach.possible:
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn(
                    _(
                        "*May have signed under another name.* Until you say, they count as "
                        "signed neither way and aren't chased."
                    )
                ),
            }
        )
        for standing in reach.possible[:POSSIBLE_SHOWN]:
            blocks += _possible_blocks(letter, standing)
        if len(reach.possible) > POSSIBLE_SHOWN:
            more = len(reach.possible) - POSSIBLE_SHOWN
            said = _("…and {count} more after these.").format(count=number(more))
            blocks.append({"type": "context", "elements": [mrkdwn(said)]})
    return {"text": head, "blocks": blocks}


def read_match_value(value: object) -> tuple[int, int, int] | None:
    """(letter id, member id, entry id) from It's them / Not them, or None if garbled."""
    if not isinstance(value, str) or value.count(":") != 2:
        return None
    letter, member, entry = map(read_id, value.split(":"))
    if letter is None or member is None or entry is None:
        return None
    return letter, member, entry


def _possible_blocks(letter: Letter, standing: MemberStanding) -> list[dict[str, Any]]:
    member = truncate(standing.member.name, NAME_SHOWN_MAX)
    entry = truncate(standing.signed_as[0], NAME_SHOWN_MAX)
    value = f"{letter.id}:{standing.member.id}:{standing.entry_ids[0]}"
    return [
        {
            "type": "section",
            "text": mrkdwn(
                _("• Is *{member}* the entry “{entry}”?").format(
                    member=escape(member), entry=escape(entry)
                )
            ),
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": SAME_MEMBER_ACTION,
                    "style": "primary",
                    "text": plain(_("It's them")),
                    "value": value,
                },
                {
                    "type": "button",
                    "action_id": OTHER_MEMBER_ACTION,
                    "text": plain(_("Not them")),
                    "value": value,
                },
            ],
        },
    ]


def chase_report(
    letter: Letter,
    found: Sequence[MemberStanding],
    *,
    planned: bool,
    again: Mapping[str, datetime],
    zone: ZoneInfo,
) -> str:
    """What `/letter chase` will do: whom it DMs now, and when those chased lately
    (`again`: when each can be chased again) can be."""
    reach = Reach.of(found)
    title = escape(letter.title)
    if not reach.missing:
        return _("Every member organization has signed *{title}*: nobody to chase.").format(
            title=title
        )
    if not planned:
        return _("A chase for *{title}* is going out right now; each contact gets one DM.").format(
            title=title
        )
    contacts = {u for s in reach.missing for u in s.member.user_ids}
    waiting = sorted(at for contact, at in again.items() if contact in contacts)
    now = len(contacts) - len(waiting)
    missing = len(reach.missing)
    chasing = ngettext(
        "Chasing {count} member organization that hasn't signed *{title}*",
        "Chasing {count} member organizations that haven't signed *{title}*",
        missing,
    ).format(count=number(missing), title=title)
    dms = ngettext(
        "a DM now to each of {count} Slack contact who hasn't signed or asked not to be reminded.",
        "a DM now to each of {count} Slack contacts who hasn't signed or asked not to be reminded.",
        now,
    ).format(count=number(now))
    lines = [f"{chasing}: {dms}"]
    if waiting:
        first = [at for at in waiting if at == waiting[0]]
        line = ngettext(
            "{count} contact heard from us about it less than {hours} hours ago, so not now: "
            "the next chase can reach {first} of them from {when}",
            "{count} contacts heard from us about it less than {hours} hours ago, so not now: "
            "the next chase can reach {first} of them from {when}",
            len(waiting),
        ).format(
            count=number(len(waiting)),
            hours=number(round(CHASE_GAP.total_seconds() / 3600)),
            first=number(len(first)),
            when=slack_date(waiting[0], zone=zone),
        )
        if len(first) < len(waiting):
            line += _(", and all of them from {when}.").format(
                when=slack_date(waiting[-1], zone=zone)
            )
        else:
            line += "."
        lines.append(line)
    return "\n".join(lines)


def roster_form(members: Sequence[RosterMember], *, unresolved: Sequence[str]) -> dict[str, Any]:
    """A modal with the roster as it stands and Slack's file input for a new CSV."""
    blocks: list[dict[str, Any]] = []
    if members:
        names = joined([_roster_entry(m) for m in members], limit=LIST_TEXT_MAX, most=MEMBERS_SHOWN)
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn(
                    ngettext(
                        "*The roster has {count} member organization:* {names}",
                        "*The roster has {count} member organizations:* {names}",
                        len(members),
                    ).format(count=number(len(members)), names=names)
                ),
            }
        )
        if unresolved:
            emails = joined([escape(e) for e in unresolved], limit=1000, most=20)
            blocks.append(
                {
                    "type": "context",
                    "elements": [
                        mrkdwn(
                            _(
                                "No Slack account found for {emails}: they can't be chased "
                                "until one is. {advice}."
                            ).format(emails=emails, advice=_(SLACK_CONNECT_ADVICE))
                        )
                    ],
                }
            )
    else:
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn(
                    _(
                        "The coalition has no roster yet. With one, `/letter missing` shows "
                        "which member organizations haven't signed, and reminders DM them."
                    )
                ),
            }
        )
    blocks.append(
        {
            "type": "input",
            "block_id": ROSTER_FILE_BLOCK,
            "label": plain(_("Roster file (CSV)")),
            "hint": plain(
                _(
                    "Columns found by their headers: {columns}. Uploading again updates "
                    "members; it never adds one twice."
                ).format(columns=_(ROSTER_COLUMNS))
            ),
            "element": {
                "type": "file_input",
                "action_id": ROSTER_FILE_ACTION,
                "filetypes": ["csv"],
                "max_files": 1,
            },
        }
    )
    return {
        "type": "modal",
        "callback_id": ROSTER_CALLBACK_ID,
        "title": plain(_(ROSTER_TITLE)),
        "submit": plain(_("Upload")),
        "close": plain(_("Close")),
        "blocks": blocks,
    }


def read_roster_files(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The files a roster form's file input holds."""
    answer = (values.get(ROSTER_FILE_BLOCK) or {}).get(ROSTER_FILE_ACTION) or {}
    return [file for file in answer.get("files") or [] if isinstance(file, dict)]


# Said wherever emails Slack doesn't know are listed: lookups by email find only the
# workspace's own people (https://api.slack.com/methods/users.lookupByEmail: "An email
# address belonging to a user in the workspace").
SLACK_CONNECT_ADVICE = N_(
    "Slack finds only this workspace's own people by email: for someone who reaches the "
    "coalition through Slack Connect (from their own organization's Slack), put their "
    "Slack member ID in the file instead"
)


def roster_report(
    result: RosterImport,
    *,
    total: int,
    lookup: EmailLookup | None = None,
    looked_up: int = 0,
) -> str:
    """What loading a roster did; while its new emails are looked up in Slack, how far
    that has got (`looked_up` of them), and once done (`lookup`), what Slack said."""
    saved = result.saved
    added, updated, unchanged = len(saved.added), len(saved.updated), len(saved.unchanged)
    parts = [
        ngettext("{count} added", "{count} added", added).format(count=number(added)),
        ngettext("{count} updated", "{count} updated", updated).format(count=number(updated)),
        ngettext("{count} unchanged", "{count} unchanged", unchanged).format(
            count=number(unchanged)
        ),
    ]
    lines = [
        ngettext(
            "Roster loaded: {changes}. It has {count} member organization.",
            "Roster loaded: {changes}. It has {count} member organizations.",
            total,
        ).format(changes=", ".join(parts), count=number(total))
    ]
    if saved.kept:
        lines.append(
            ngettext(
                "{count} already on the roster wasn't in this file; it stays.",
                "{count} already on the roster weren't in this file; they stay.",
                saved.kept,
            ).format(count=number(saved.kept))
        )
    waiting = len(result.to_look_up)
    if waiting and lookup is None:
        lines.append(
            ngettext(
                "Looking up the emails of {count} contact in Slack, as fast as its rate limit "
                "allows: {done} of {count} so far. You can close this; the report comes by DM "
                "when it's done.",
                "Looking up the emails of {count} contacts in Slack, as fast as its rate limit "
                "allows: {done} of {count} so far. You can close this; the report comes by DM "
                "when it's done.",
                waiting,
            ).format(count=number(waiting), done=number(looked_up))
        )
    elif lookup is not None:
        if lookup.found:
            found = len(lookup.found)
            lines.append(
                ngettext(
                    "Found {count} contact in Slack by their email.",
                    "Found {count} contacts in Slack by their email.",
                    found,
                ).format(count=number(found))
            )
        if lookup.unknown:
            emails = joined([escape(e) for e in lookup.unknown], limit=800, most=10)
            lines.append(
                _("No Slack account found for {emails}, so they won't be chased. {advice}.").format(
                    emails=emails, advice=_(SLACK_CONNECT_ADVICE)
                )
            )
        if lookup.not_asked:
            lines.append(
                ngettext(
                    "Slack stopped answering before I could look up {count} contact's email: "
                    "upload the file again in a while to look it up.",
                    "Slack stopped answering before I could look up {count} contacts' emails: "
                    "upload the file again in a while to look them up.",
                    len(lookup.not_asked),
                ).format(count=number(len(lookup.not_asked)))
            )
    lines += [
        _("Line {line} skipped: {reason}.").format(line=row.line, reason=escape(row.reason))
        for row in result.skipped[:20]
    ]
    if len(result.skipped) > 20:
        more = len(result.skipped) - 20
        lines.append(
            ngettext(
                "… and {count} more line skipped.", "… and {count} more lines skipped.", more
            ).format(count=number(more))
        )
    return "\n".join(lines)


def _member_line(standing: MemberStanding) -> str:
    member = standing.member
    state = f" ({escape(member.state)})" if member.state else ""
    mark = " · " + _("_withdrew_") if standing.standing is Standing.WITHDRAWN else ""
    reach = "" if member.user_ids else " · " + _("_no Slack contact_")
    return f"• {escape(member.name)}{state}{mark}{reach}"


def _roster_entry(member: RosterMember) -> str:
    state = f" ({escape(member.state)})" if member.state else ""
    domains = f" · {', '.join(escape(d) for d in member.domains)}" if member.domains else ""
    return f"{escape(member.name)}{state}{domains}"
