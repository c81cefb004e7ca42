"""Private answers to organizers: help, the letter list, and what happened to a letter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.text import MESSAGE_BLOCKS_MAX, escape, mrkdwn, plain, slack_date
from bot.export import headline
from bot.models import ChannelResult, Letter, Signer

LETTER_HELP = """*Running a sign-on letter with Undersigned*
`/letter new` · write a letter and post it in coalition channels
`/letter list` · open letters; `/letter list all` includes closed ones
`/letter close [#letter]` · stop taking sign-ons
`/letter reopen [#letter]` · take sign-ons again
`/letter post [#letter]` · post in channels where posting failed, such as a private channel \
I was invited to afterwards
`/letter review [#letter]` · decide on possible duplicates: merge them, or keep both
`/letter export [#letter]` · get the alphabetized list of signers, with CSV and JSON files
`/letter help` · this message

In a channel with one open letter you can leave out the letter number.
Letter longer than 3,000 characters? Paste it as a message, then choose the message's \
⋮ menu → *Start a sign-on drive*."""


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


def letter_list(letters: list[tuple[Letter, int]], *, zone: ZoneInfo) -> dict[str, Any]:
    """An ephemeral message listing letters with their counts, one block each."""
    if not letters:
        return {"text": "There are no letters to show. `/letter new` starts one."}
    shown = letters[: MESSAGE_BLOCKS_MAX - 1]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(_list_entry(letter, count, zone))}
        for letter, count in shown
    ]
    if len(letters) > len(shown):
        blocks.append(
            {"type": "context", "elements": [plain(f"…and {len(letters) - len(shown)} more.")]}
        )
    return {"text": f"{len(letters)} letters", "blocks": blocks}


def export_message(letter: Letter, signers: Sequence[Signer]) -> str:
    return (
        f"*{escape(letter.title)}* (letter #{letter.id}): {headline(signers)} Attached: the "
        "list to paste under “Sincerely,”, and every entry with its contacts and spellings "
        "as CSV and JSON."
    )


def problem_view(message: str) -> dict[str, Any]:
    """A modal that replaces the form when it cannot be submitted at all."""
    return {
        "type": "modal",
        "title": plain("New sign-on letter"),
        "close": plain("OK"),
        "blocks": [{"type": "section", "text": mrkdwn(message)}],
    }


def _list_entry(letter: Letter, count: int, zone: ZoneInfo) -> str:
    state = "" if letter.is_open else " · _closed_"
    lines = [
        f"*#{letter.id} · {escape(letter.title)}*{state}",
        f"Sign by {slack_date(letter.deadline, zone=zone)} · *{count}* signed"
        + (f" of {letter.goal}" if letter.goal else "")
        + f" · in {channel_list(letter.channels)}",
    ]
    if letter.unposted_channels:
        lines.append(
            f":warning: Not posted in {channel_list(letter.unposted_channels)}: "
            f"`/letter post {letter.id}` tries again."
        )
    return "\n".join(lines)


def _why(error: str | None, letter: Letter) -> str:
    retry = f"`/letter post {letter.id}`"
    if error in {"not_in_channel", "channel_not_found"}:
        return (
            "I'm not a member of that private channel. Invite me there "
            f"(`/invite @Undersigned`), then run {retry}."
        )
    if error == "is_archived":
        return "the channel is archived."
    return f"Slack answered `{error}`. Try {retry} again in a minute."
