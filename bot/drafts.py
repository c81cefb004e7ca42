"""Taking a letter from a message: from a file attached to it, else from its own text.

Used by the message shortcut "Start a sign-on drive". A file the bot reads (.docx, PDF,
.txt, .md) is the letter; a file it can't read is named to the organizer, never passed
over in silence for whatever the message itself says.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.documents import FILE_MAX_BYTES, Unreadable, kind_of, read_letter
from bot.errors import UserFacingError
from bot.letter_text import from_slack
from bot.mrkdwn import escape, joined
from bot.slack_ops import FileUnavailable, describe_file, download_file

INVITE = "invite me to the channel it was shared in (`/invite @Undersigned`) and try again"
PASTE = "paste the letter's text into a message instead"
# Names of files passed over, as many as fit a line of the form.
PASSED_OVER_TEXT_MAX = 1000


@dataclass(frozen=True, slots=True)
class LetterSource:
    """A letter's markup and where it came from; `warning` (mrkdwn) names files that
    were attached but couldn't be read."""

    markup: str
    source: str
    warning: str = ""


@dataclass(frozen=True, slots=True)
class _PassedOver:
    name: str  # mrkdwn
    why: str  # mrkdwn
    invite: bool = False  # inviting the bot would let it read the file


async def letter_from_message(client: AsyncWebClient, message: dict[str, Any]) -> LetterSource:
    """The letter in `message`; raises UserFacingError when there is none to read."""
    passed_over: list[_PassedOver] = []
    for shared in message.get("files") or ():
        if not isinstance(shared, dict):
            continue
        try:
            file = await describe_file(client, shared)
        except FileUnavailable as problem:
            passed_over.append(_PassedOver(_name(shared), escape(problem.reason), problem.invite))
            continue
        kind = kind_of(file)
        if kind is None:
            pretty = str(file.get("pretty_type") or file.get("filetype") or "").strip()
            why = f"a {escape(pretty)} file" if pretty else "a kind of file I don't read"
            passed_over.append(_PassedOver(_name(file), why))
            continue
        # A file of a kind the bot reads is the letter: if it can't be had, say so.
        try:
            data = await download_file(client, file, max_bytes=FILE_MAX_BYTES)
            markup = await asyncio.to_thread(read_letter, kind, data)
        except (FileUnavailable, Unreadable) as problem:
            raise UserFacingError(_cannot_read(_name(file), problem)) from None
        return LetterSource(markup, _name(file))
    text = str(message.get("text") or "")
    if not passed_over:
        return LetterSource(from_slack(text), "the message")
    files = joined_names(passed_over)
    invite = any(file.invite for file in passed_over)
    advice = (
        f"If the letter is in the file, {INVITE}"
        if invite
        else "Attach the letter as .docx, PDF or .txt"
    )
    if not text.strip():
        raise UserFacingError(
            f"I can't read {files}; I read Word (.docx), PDF and text files. {advice}, or {PASTE}."
        )
    return LetterSource(
        from_slack(text),
        "the message",
        warning=(f"I can't read {files}, so the letter below is the message's own text. {advice}."),
    )


def joined_names(files: list[_PassedOver]) -> str:
    """'*a.pages* (a Pages file) and 2 more', as many as fit."""
    return joined([f"{file.name} ({file.why})" for file in files], limit=PASSED_OVER_TEXT_MAX)


def _name(file: dict[str, Any]) -> str:
    named = str(file.get("name") or file.get("title") or "").strip()
    return f"*{escape(named)}*" if named else "the attached file"


def _cannot_read(name: str, problem: FileUnavailable | Unreadable) -> str:
    if isinstance(problem, FileUnavailable) and problem.invite:
        advice = f"{INVITE[0].upper()}{INVITE[1:]}, or {PASTE}."
    elif isinstance(problem, FileUnavailable):
        advice = f"Try again in a minute, or {PASTE}."
    else:
        advice = f"Attach it as .docx, PDF or .txt, or {PASTE}."
    return f"I couldn't read {name}: {escape(str(problem))}. {advice}"
