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
from bot.mrkdwn import escape
from bot.slack_ops import FileUnavailable, describe_file, download_file

INVITE = "Invite me to the channel it was shared in (`/invite @Undersigned`) and try again"
PASTE = "paste the letter's text into a message instead"


@dataclass(frozen=True, slots=True)
class LetterSource:
    """A letter's markup and where it came from; `warning` (mrkdwn) names files that
    were attached but couldn't be read."""

    markup: str
    source: str
    warning: str = ""


async def letter_from_message(client: AsyncWebClient, message: dict[str, Any]) -> LetterSource:
    """The letter in `message`; raises UserFacingError when there is none to read."""
    passed_over: list[str] = []
    for shared in message.get("files") or ():
        if not isinstance(shared, dict):
            continue
        try:
            file = await describe_file(client, shared)
        except FileUnavailable as problem:
            raise UserFacingError(_cannot_read("the attached file", problem)) from None
        named = str(file.get("name") or file.get("title") or "").strip()
        name = f"*{escape(named)}*" if named else "the attached file"
        kind = kind_of(file)
        if kind is None:
            pretty = str(file.get("pretty_type") or file.get("filetype") or "").strip()
            passed_over.append(name + (f" ({escape(pretty)})" if pretty else ""))
            continue
        try:
            data = await download_file(client, file, max_bytes=FILE_MAX_BYTES)
            markup = await asyncio.to_thread(read_letter, kind, data)
        except (FileUnavailable, Unreadable) as problem:
            raise UserFacingError(_cannot_read(name, problem)) from None
        return LetterSource(markup, name)
    text = str(message.get("text") or "")
    if passed_over:
        files = " and ".join(passed_over)
        if not text.strip():
            raise UserFacingError(
                f"I can't read {files}: I read letters from Word (.docx), PDF and text "
                f"files. Attach the letter as one of those, or {PASTE}."
            )
        return LetterSource(
            from_slack(text),
            "the message",
            warning=(
                f"I can't read {files} (I read Word, PDF and text files), so the letter "
                "below is the message's own text. If the letter is in the file, cancel and "
                "attach it as .docx, PDF or .txt."
            ),
        )
    return LetterSource(from_slack(text), "the message")


def _cannot_read(what: str, problem: FileUnavailable | Unreadable) -> str:
    if isinstance(problem, FileUnavailable) and problem.invite:
        advice = f"{INVITE}, or {PASTE}."
    elif isinstance(problem, FileUnavailable):
        advice = f"Try again in a minute, or {PASTE}."
    else:
        advice = f"Attach it as .docx, PDF or .txt, or {PASTE}."
    return f"I couldn't read {what}: {escape(str(problem))}. {advice}"
