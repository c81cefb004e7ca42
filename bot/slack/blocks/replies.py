"""Private answers to organizers: help, the letter list, and what happened to a letter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.language import N_, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letters import ChannelResult, Letter, LetterStatus, LetterSummary, Listing
from bot.rules.schedule import DeliveryProblem, JobKind
from bot.rules.signons import Signer
from bot.rules.timing import format_offsets
from bot.slack.blocks.letters import public_page_line
from bot.slack.blocks.text import (
    deadline_text,
    escape,
    fitted,
    mrkdwn,
    plain,
    text_sections,
)
from bot.texts.exports import headline

# Said wherever the drive's chart should have come with a message and didn't
# (translate where said).
CHART_FAILED = N_("The chart of sign-ons over time couldn't be drawn this time.")
# The form's title a problem is shown under when its caller names none.
NEW_LETTER_TITLE = N_("New sign-on letter")

LETTER_HELP = N_("""*Running a sign-on letter with Undersigned*
`/letter new` · write a letter and post it in coalition channels
`/letter list` · open letters; `/letter list all` includes closed ones
`/letter close [#letter]` · stop taking sign-ons now; the final count goes to its channels \
and the list to its leads
`/letter reopen [#letter]` · take sign-ons again
`/letter extend [#letter] <when>` · move the deadline, such as `/letter extend #3 friday 5pm` \
or `2026-12-01 17:00`; reopens a closed letter
`/letter edit [#letter]` · change the title, addressee, text, channels, deadline, reminders, \
leads or goal; a new text asks those who signed the earlier one whether they still sign
`/letter post [#letter]` · post in channels where posting failed, such as a private channel \
I was invited to afterwards
`/letter remove [#letter]` · take a letter down (after you confirm): its posts become a \
short notice, its reminders stop; its sign-ons are kept
`/letter signers [#letter] [name]` · the signers, a page at a time: edit, withdraw (with a \
reason) or restore an entry
`/letter review [#letter]` · decide on possible duplicates: merge them, or keep both
`/letter export [#letter]` · get the alphabetized list of signers, with CSV and JSON files
`/letter missing [#letter]` · the coalition's member organizations that haven't signed
`/letter chase [#letter]` · DM the contacts of members that haven't signed, now (each \
reminder does too)
`/letter roster` · see the coalition's roster of member organizations, or upload it as a CSV
`/letter import [#letter]` · import sign-ons collected elsewhere (a Google Forms CSV) \
through the same dedupe
`/letter help` · this message

In a channel with one open letter you can leave out the letter number.
Letter longer than 3,000 characters? Paste it as a message, then choose the message's \
⋮ menu → *Start a sign-on letter* (or *Update a letter's text*, for a new version).""")


def letter_help(*, unknown: str = "") -> str:
    if not unknown:
        return _(LETTER_HELP)
    return _("I don't know `/letter {command}`.").format(command=escape(unknown)) + (
        "\n\n" + _(LETTER_HELP)
    )


def channel_list(channels: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"<#{channel}>" for channel in channels)


def launch_report(letter: Letter, results: list[ChannelResult]) -> str:
    posted = [result.channel_id for result in results if result.ok]
    lines = []
    if posted:
        lines.append(
            _("Posted *{title}* (letter #{number}) in {channels}.").format(
                title=escape(letter.title), number=letter.id, channels=channel_list(posted)
            )
        )
    lines += [
        _("Not posted in {channel}: {reason}").format(
            channel=f"<#{result.channel_id}>", reason=_why(result.error, letter)
        )
        for result in results
        if not result.ok
    ]
    return "\n".join(lines)


def status_report(letter: Letter, results: list[ChannelResult]) -> str:
    if letter.is_open:
        said = _("Letter #{number} *{title}* is open for sign-ons again.")
    else:
        said = _("Letter #{number} *{title}* is closed to sign-ons.")
    lines = [said.format(number=letter.id, title=escape(letter.title))]
    lines += [
        _("I couldn't update the post in {channel} (Slack said `{error}`).").format(
            channel=f"<#{result.channel_id}>", error=result.error
        )
        for result in results
        if not result.ok
    ]
    return "\n".join(lines)


def removed_report(letter: Letter) -> str:
    return _(
        "Letter #{number} *{title}* is taken down. I'm replacing its posts "
        "with a short notice; nothing more will be sent for it."
    ).format(number=letter.id, title=escape(letter.title))


def closed_report(letter: Letter, count: int, *, user: str) -> str:
    if letter.leads:
        said = _(
            "Letter #{number} *{title}* is closed to sign-ons, with *{count}* signed. I'm "
            "posting the final count in its channels and sending the list to its leads."
        )
    elif letter.created_by == user:
        said = _(
            "Letter #{number} *{title}* is closed to sign-ons, with *{count}* signed. I'm "
            "posting the final count in its channels and sending the list to you."
        )
    else:
        said = _(
            "Letter #{number} *{title}* is closed to sign-ons, with *{count}* signed. I'm "
            "posting the final count in its channels and sending the list to {person}, who "
            "started it."
        )
    return said.format(
        number=letter.id,
        title=escape(letter.title),
        count=number(count),
        person=f"<@{letter.created_by}>",
    )


def extended_report(letter: Letter, *, reopened: bool, zone: ZoneInfo) -> str:
    if reopened:
        said = _(
            "Letter #{number} *{title}* is open for sign-ons again and now closes {deadline}. "
            "{reminders} I'm announcing the new deadline in its channels."
        )
    else:
        said = _(
            "Letter #{number} *{title}* now closes {deadline}. {reminders} I'm announcing the "
            "new deadline in its channels."
        )
    return said.format(
        number=letter.id,
        title=escape(letter.title),
        deadline=deadline_text(letter.deadline, zone=zone),
        reminders=reminders_line(letter),
    )


def edited_report(letter: Letter, *, zone: ZoneInfo, new_version: bool = False) -> str:
    report = _("Saved letter #{number} *{title}*: sign-ons close {deadline}. {reminders}").format(
        number=letter.id,
        title=escape(letter.title),
        deadline=deadline_text(letter.deadline, zone=zone),
        reminders=reminders_line(letter),
    )
    if new_version:
        report += "\n" + _(
            "Its text is now version {version}, kept beside the earlier ones. I'm "
            "updating its posts, and asking everyone who signed an earlier version whether "
            "they still sign."
        ).format(version=letter.version)
    return report


def reminders_line(letter: Letter) -> str:
    if not letter.reminders:
        return _("No reminders.")
    return _("Reminders: `{offsets}` before the deadline.").format(
        offsets=format_offsets(letter.reminders)
    )


def letter_list(listing: Listing, *, zone: ZoneInfo) -> dict[str, Any]:
    """An ephemeral message listing letters with their counts, one block each, then any
    daily tallies that didn't go out."""
    summaries = listing.letters
    tallies = [
        {"type": "context", "elements": [mrkdwn(problem_line(problem))]}
        for problem in listing.tally_problems[:10]
    ]
    if not summaries and not tallies:
        return {"text": _("There are no letters to show. `/letter new` starts one.")}
    blocks = fitted(
        [text_sections(_list_entry(summary, zone)) for summary in summaries],
        after=tallies,
        more=lambda more: {
            "type": "context",
            "elements": [plain(_("…and {count} more.").format(count=number(more)))],
        },
    )
    count = len(summaries)
    text = ngettext("{count} letter", "{count} letters", count).format(count=number(count))
    return {"text": text, "blocks": blocks}


def export_message(
    letter: Letter, signers: Sequence[Signer], *, closing: str, chart_failed: bool = False
) -> str:
    return _("*{title}* (letter #{number}): {headline} {files}").format(
        title=escape(letter.title),
        number=letter.id,
        headline=headline(signers),
        files=attachments_note(signers, closing=closing, chart_failed=chart_failed),
    )


def export_sent(signers: Sequence[Signer]) -> str:
    """The answer to /letter export, once its files are in the organizer's DMs."""
    if not signers:
        sent = _("I've sent you the CSV and JSON in a direct message.")
    else:
        sent = _("I've sent you the list and files in a direct message.")
    return f"{headline(signers)} {sent}"


def attachments_note(signers: Sequence[Signer], *, closing: str, chart_failed: bool = False) -> str:
    """What the files sent with an export hold (an empty list is never sent), and that
    the chart isn't among them when it couldn't be drawn."""
    if not signers:
        return _(
            "Nobody has signed, so there's no list to paste yet; the CSV and JSON are attached."
        )
    if chart_failed:
        files = _(
            "Attached: the alphabetized list under “{closing}”, the letter with it as a Word "
            "document, every entry with its contacts and spellings as CSV and JSON, and a CSV "
            "with a row per contact for a mail merge."
        )
        return files.format(closing=escape(closing)) + " " + _(CHART_FAILED)
    return _(
        "Attached: the alphabetized list under “{closing}”, the letter with it as a Word "
        "document, every entry with its contacts and spellings as CSV and JSON, a CSV with a "
        "row per contact for a mail merge, and a chart of sign-ons over time."
    ).format(closing=escape(closing))


def problem_view(message: str, *, title: str = NEW_LETTER_TITLE) -> dict[str, Any]:
    """A modal that replaces a form: what became of it, or why it can't be submitted.
    `title` is a phrase marked for translation where it is defined: said here."""
    return {
        "type": "modal",
        "title": plain(_(title)),
        "close": plain(_("OK")),
        "blocks": text_sections(message),
    }


def _list_entry(summary: LetterSummary, zone: ZoneInfo) -> str:
    letter, count = summary.letter, summary.count
    state = {
        LetterStatus.OPEN: "",
        LetterStatus.CLOSED: " · " + _("_closed_"),
        LetterStatus.REMOVED: " · " + _("_taken down_"),
    }[letter.status]
    if letter.goal:
        tally = _("Sign by {deadline} · *{count}* signed of {goal} · in {channels}")
    else:
        tally = _("Sign by {deadline} · *{count}* signed · in {channels}")
    lines = [
        f"*#{letter.id} · {escape(letter.title)}*{state}",
        tally.format(
            deadline=deadline_text(letter.deadline, zone=zone),
            count=number(count),
            goal=number(letter.goal or 0),
            channels=channel_list(letter.channels),
        ),
    ]
    if letter.unposted_channels:
        lines.append(
            _(":warning: Not posted in {channels}: `/letter post {number}` tries again.").format(
                channels=channel_list(letter.unposted_channels), number=letter.id
            )
        )
    if summary.public_url:
        lines.append(public_page_line(summary.public_url))
    if summary.unconfirmed:
        lines.append(
            ngettext(
                ":memo: *{count}* signed an earlier version of the text and hasn't said "
                "they still sign it.",
                ":memo: *{count}* signed an earlier version of the text and haven't said "
                "they still sign it.",
                summary.unconfirmed,
            ).format(count=number(summary.unconfirmed))
        )
    lines += [problem_line(problem) for problem in summary.problems[:PROBLEMS_SHOWN]]
    if len(summary.problems) > PROBLEMS_SHOWN:
        more = len(summary.problems) - PROBLEMS_SHOWN
        lines.append(
            ngettext(
                "…and {count} more post like this.", "…and {count} more posts like these.", more
            ).format(count=number(more))
        )
    return "\n".join(lines)


PROBLEMS_SHOWN = 5


def problem_line(problem: DeliveryProblem) -> str:
    """A scheduled post that hasn't gone out: what it is, what to do about it when
    there is something to do, and what the service said, in small print."""
    # The kind's label is marked for translation where it is defined: said here.
    what = _(problem.kind.label)
    if problem.kind is JobKind.CLOSE and problem.target.startswith(("U", "W")):
        what = _("The final list")
    if problem.target.startswith(("U", "W")):
        what = _("{what} for {target}").format(what=what, target=f"<@{problem.target}>")
    elif problem.target.startswith(("C", "G")):
        what = _("{what} for {target}").format(what=what, target=f"<#{problem.target}>")
    # Anything else isn't Slack's (an email to a web signer): nobody to mention.
    said = f"_({_said(problem.error)})_"
    if problem.gave_up:
        advice = _advice(problem)
        if advice:
            return _(":warning: {what} couldn't be sent: {advice}. {said}").format(
                what=what, advice=advice, said=said
            )
        return _(":warning: {what} couldn't be sent. {said}").format(what=what, said=said)
    return ngettext(
        ":hourglass: {what} hasn't gone out yet: {attempts} try so far; still trying. {said}",
        ":hourglass: {what} hasn't gone out yet: {attempts} tries so far; still trying. {said}",
        problem.attempts,
    ).format(what=what, attempts=number(problem.attempts), said=said)


# Slack's refusals that mean the person is gone from the workspace.
_PERSON_GONE = {"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot"}


def _advice(problem: DeliveryProblem) -> str:
    """What an organizer can do about a post Slack refused, when there is anything."""
    error, channel = problem.error, problem.target.startswith(("C", "G"))
    if channel and error in {"not_in_channel", "channel_not_found"}:
        return _(
            "I'm not in that channel (a private one, or one I was removed from). Invite "
            "me there (`/invite @Undersigned`) and the next posts reach it"
        )
    if channel and error == "is_archived":
        if problem.letter_id:
            return _(
                "the channel is archived. Unarchive it, or take it out of the letter with "
                "`/letter edit {number}`"
            ).format(number=problem.letter_id)
        return _("the channel is archived. Unarchive it, or take it out of the letter")
    if problem.target.startswith(("U", "W")) and error in _PERSON_GONE:
        return _("they aren't in this Slack any more")
    return ""


def _said(error: str) -> str:
    """Whose answer `error` is: Slack's code, the mail server's, or our own words."""
    if error.startswith("SMTP"):
        return _("the mail server said `{error}`").format(error=error)
    if error.startswith("no "):  # nothing to send it with, in our own words
        return error
    return _("Slack said `{error}`").format(error=error)


def _why(error: str | None, letter: Letter) -> str:
    if error in {"not_in_channel", "channel_not_found"}:
        return _(
            "I'm not a member of that private channel. Invite me there "
            "(`/invite @Undersigned`), then run `/letter post {number}`."
        ).format(number=letter.id)
    if error == "is_archived":
        return _("the channel is archived.")
    if error in {"timeout", "network_error"}:
        return _(
            "Slack didn't answer in time, so I can't tell whether it went up. If it isn't "
            "in the channel, run `/letter post {number}`."
        ).format(number=letter.id)
    return _("Slack answered `{error}`. Try `/letter post {number}` again in a minute.").format(
        error=error, number=letter.id
    )
