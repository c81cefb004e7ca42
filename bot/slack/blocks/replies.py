"""Private answers to organizers: help, the letter list, and what happened to a letter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.letters import ChannelResult, Letter, LetterStatus, LetterSummary, Listing
from bot.rules.schedule import DeliveryProblem, JobKind
from bot.rules.signons import Signer
from bot.rules.timing import format_offsets
from bot.rules.wording import plural
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

# Said wherever the drive's chart should have come with a message and didn't.
CHART_FAILED = "The chart of sign-ons over time couldn't be drawn this time."

LETTER_HELP = """*Running a sign-on letter with Undersigned*
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
⋮ menu → *Start a sign-on letter* (or *Update a letter's text*, for a new version)."""


def letter_help(*, unknown: str = "") -> str:
    if not unknown:
        return LETTER_HELP
    return f"I don't know `/letter {escape(unknown)}`.\n\n{LETTER_HELP}"


def channel_list(channels: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"<#{channel}>" for channel in channels)


def launch_report(letter: Letter, results: list[ChannelResult], *, verb: str = "Posted") -> str:
    posted = [result.channel_id for result in results if result.ok]
    lines = []
    if posted:
        lines.append(
            f"{verb} *{escape(letter.title)}* (letter #{letter.id}) in {channel_list(posted)}."
        )
    lines += [
        f"Not posted in <#{result.channel_id}>: {_why(result.error, letter)}"
        for result in results
        if not result.ok
    ]
    return "\n".join(lines)


def status_report(letter: Letter, results: list[ChannelResult]) -> str:
    state = "open for sign-ons again" if letter.is_open else "closed to sign-ons"
    lines = [f"Letter #{letter.id} *{escape(letter.title)}* is {state}."]
    lines += [
        f"I couldn't update the post in <#{result.channel_id}> (Slack said `{result.error}`)."
        for result in results
        if not result.ok
    ]
    return "\n".join(lines)


def removed_report(letter: Letter) -> str:
    return (
        f"Letter #{letter.id} *{escape(letter.title)}* is taken down. I'm replacing its posts "
        "with a short notice; nothing more will be sent for it."
    )


def closed_report(letter: Letter, count: int, *, user: str) -> str:
    if letter.leads:
        to = "its leads"
    elif letter.created_by == user:
        to = "you"
    else:
        to = f"<@{letter.created_by}>, who started it"
    return (
        f"Letter #{letter.id} *{escape(letter.title)}* is closed to sign-ons, with *{count}* "
        f"signed. I'm posting the final count in its channels and sending the list to {to}."
    )


def extended_report(letter: Letter, *, reopened: bool, zone: ZoneInfo) -> str:
    state = "is open for sign-ons again and now closes" if reopened else "now closes"
    return (
        f"Letter #{letter.id} *{escape(letter.title)}* {state} "
        f"{deadline_text(letter.deadline, zone=zone)}. {reminders_line(letter)} "
        "I'm announcing the new deadline in its channels."
    )


def edited_report(letter: Letter, *, zone: ZoneInfo, new_version: bool = False) -> str:
    report = (
        f"Saved letter #{letter.id} *{escape(letter.title)}*: sign-ons close "
        f"{deadline_text(letter.deadline, zone=zone)}. {reminders_line(letter)}"
    )
    if new_version:
        report += (
            f"\nIts text is now version {letter.version}, kept beside the earlier ones. I'm "
            "updating its posts, and asking everyone who signed an earlier version whether "
            "they still sign."
        )
    return report


def reminders_line(letter: Letter) -> str:
    if not letter.reminders:
        return "No reminders."
    return f"Reminders: `{format_offsets(letter.reminders)}` before the deadline."


def letter_list(listing: Listing, *, zone: ZoneInfo) -> dict[str, Any]:
    """An ephemeral message listing letters with their counts, one block each, then any
    daily tallies that didn't go out."""
    summaries = listing.letters
    tallies = [
        {"type": "context", "elements": [mrkdwn(problem_line(problem))]}
        for problem in listing.tally_problems[:10]
    ]
    if not summaries and not tallies:
        return {"text": "There are no letters to show. `/letter new` starts one."}
    blocks = fitted(
        [text_sections(_list_entry(summary, zone)) for summary in summaries],
        after=tallies,
        more=lambda more: {"type": "context", "elements": [plain(f"…and {more} more.")]},
    )
    return {"text": plural(len(summaries), "letter"), "blocks": blocks}


def export_message(
    letter: Letter, signers: Sequence[Signer], *, closing: str, chart_failed: bool = False
) -> str:
    return (
        f"*{escape(letter.title)}* (letter #{letter.id}): {headline(signers)} "
        f"{attachments_note(signers, closing=closing, chart_failed=chart_failed)}"
    )


def export_sent(signers: Sequence[Signer]) -> str:
    """The answer to /letter export, once its files are in the organizer's DMs."""
    if not signers:
        return f"{headline(signers)} I've sent you the CSV and JSON in a direct message."
    return f"{headline(signers)} I've sent you the list and files in a direct message."


def attachments_note(signers: Sequence[Signer], *, closing: str, chart_failed: bool = False) -> str:
    """What the files sent with an export hold (an empty list is never sent), and that
    the chart isn't among them when it couldn't be drawn."""
    if not signers:
        return "Nobody has signed, so there's no list to paste yet; the CSV and JSON are attached."
    files = (
        f"Attached: the alphabetized list under “{escape(closing)}”, the letter with it as a "
        "Word document, every entry with its contacts and spellings as CSV and JSON"
    )
    contacts = "a CSV with a row per contact for a mail merge"
    if chart_failed:
        return f"{files}, and {contacts}. {CHART_FAILED}"
    return f"{files}, {contacts}, and a chart of sign-ons over time."


def problem_view(message: str, *, title: str = "New sign-on letter") -> dict[str, Any]:
    """A modal that replaces a form: what became of it, or why it can't be submitted."""
    return {
        "type": "modal",
        "title": plain(title),
        "close": plain("OK"),
        "blocks": text_sections(message),
    }


def _list_entry(summary: LetterSummary, zone: ZoneInfo) -> str:
    letter, count = summary.letter, summary.count
    state = {
        LetterStatus.OPEN: "",
        LetterStatus.CLOSED: " · _closed_",
        LetterStatus.REMOVED: " · _taken down_",
    }[letter.status]
    lines = [
        f"*#{letter.id} · {escape(letter.title)}*{state}",
        f"Sign by {deadline_text(letter.deadline, zone=zone)} · *{count}* signed"
        + (f" of {letter.goal}" if letter.goal else "")
        + f" · in {channel_list(letter.channels)}",
    ]
    if letter.unposted_channels:
        lines.append(
            f":warning: Not posted in {channel_list(letter.unposted_channels)}: "
            f"`/letter post {letter.id}` tries again."
        )
    if summary.public_url:
        lines.append(public_page_line(summary.public_url))
    if summary.unconfirmed:
        lines.append(
            f":memo: *{summary.unconfirmed}* signed an earlier version of the text and "
            "haven't said they still sign it."
        )
    lines += [problem_line(problem) for problem in summary.problems[:PROBLEMS_SHOWN]]
    if len(summary.problems) > PROBLEMS_SHOWN:
        lines.append(f"…and {len(summary.problems) - PROBLEMS_SHOWN} more posts like these.")
    return "\n".join(lines)


PROBLEMS_SHOWN = 5


def problem_line(problem: DeliveryProblem) -> str:
    """A scheduled post that hasn't gone out: what it is, what to do about it when
    there is something to do, and what the service said, in small print."""
    what = problem.kind.label
    if problem.kind is JobKind.CLOSE and problem.target.startswith(("U", "W")):
        what = "The final list"
    if problem.target.startswith(("U", "W")):
        what += f" for <@{problem.target}>"
    elif problem.target.startswith(("C", "G")):
        what += f" for <#{problem.target}>"
    # Anything else isn't Slack's (an email to a web signer): nobody to mention.
    said = f"_({_said(problem.error)})_"
    if problem.gave_up:
        return f":warning: {what} couldn't be sent{_advice(problem)}. {said}"
    return (
        f":hourglass: {what} hasn't gone out yet: {problem.attempts} tries so far; "
        f"still trying. {said}"
    )


# Slack's refusals that mean the person is gone from the workspace.
_PERSON_GONE = {"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot"}


def _advice(problem: DeliveryProblem) -> str:
    """What an organizer can do about a post Slack refused, when there is anything."""
    error, channel = problem.error, problem.target.startswith(("C", "G"))
    if channel and error in {"not_in_channel", "channel_not_found"}:
        return (
            ": I'm not in that channel (a private one, or one I was removed from). Invite "
            "me there (`/invite @Undersigned`) and the next posts reach it"
        )
    if channel and error == "is_archived":
        edit = f" with `/letter edit {problem.letter_id}`" if problem.letter_id else ""
        return f": the channel is archived. Unarchive it, or take it out of the letter{edit}"
    if problem.target.startswith(("U", "W")) and error in _PERSON_GONE:
        return ": they aren't in this Slack any more"
    return ""


def _said(error: str) -> str:
    """Whose answer `error` is: Slack's code, the mail server's, or our own words."""
    if error.startswith("SMTP"):
        return f"the mail server said `{error}`"
    if error.startswith("no "):  # nothing to send it with, in our own words
        return error
    return f"Slack said `{error}`"


def _why(error: str | None, letter: Letter) -> str:
    retry = f"`/letter post {letter.id}`"
    if error in {"not_in_channel", "channel_not_found"}:
        return (
            "I'm not a member of that private channel. Invite me there "
            f"(`/invite @Undersigned`), then run {retry}."
        )
    if error == "is_archived":
        return "the channel is archived."
    if error in {"timeout", "network_error"}:
        return (
            "Slack didn't answer in time, so I can't tell whether it went up. If it isn't "
            f"in the channel, run {retry}."
        )
    return f"Slack answered `{error}`. Try {retry} again in a minute."
