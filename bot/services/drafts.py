"""A letter's text before it is a letter: taken from a message (a file attached to it,
else the message's own text) and kept for the form, or typed into the form itself.

A file the bot reads (.docx, PDF, .txt, .md) is the letter; a file it can't read is
named to the organizer, never passed over in silence for whatever the message says.
Files are read in a process apart (`bot.services.documents`), a few at a time.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from bot.rules.files import Unreadable
from bot.rules.forms import DraftPreview, LetterFormValues
from bot.rules.letter_text import from_plain, from_slack, to_plain
from bot.rules.limits import BODY_MARKUP_MAX, BODY_MAX, FILE_MAX_BYTES, READS_AT_ONCE
from bot.rules.problems import (
    DraftGone,
    FileUnreadable,
    LetterTooLong,
    NoReadableFile,
    NoTextInMessage,
    PassedOver,
)
from bot.services.documents import read_letter_apart
from bot.services.workspace import Workspace
from bot.slack.files import FileUnavailable, describe_file, download_file
from bot.storage import Store
from bot.texts.documents import kind_of


class Drafts:
    def __init__(self, *, store: Store) -> None:
        self._store = store
        self._reading = asyncio.Semaphore(READS_AT_ONCE)

    async def from_message(
        self,
        workspace: Workspace,
        message: dict[str, Any],
        *,
        user: str,
        channel: str,
        now: datetime,
    ) -> DraftPreview:
        """Keep the letter in `message` (its attached file, else its text) for the form."""
        await workspace.organizers.require_organizer(user)
        return await self.text_from_message(workspace, message, user=user, channel=channel, now=now)

    async def text_from_message(
        self,
        workspace: Workspace,
        message: dict[str, Any],
        *,
        user: str,
        channel: str,
        now: datetime,
    ) -> DraftPreview:
        """Keep the text in `message` as `from_message` does, for any letter's manager:
        who may use it for which letter is checked when they do."""
        markup, file_name, passed_over = await self._letter_in(workspace, message)
        shown = to_plain(markup).strip()
        if not shown:
            raise NoTextInMessage
        if len(shown) > BODY_MAX or len(markup) > BODY_MARKUP_MAX:
            raise LetterTooLong(len(shown))
        draft_id = await self._store.drafts.save(
            markup, source=f"{channel}/{message.get('ts', '')}", created_by=user, now=now
        )
        return DraftPreview(
            id=draft_id,
            length=len(shown),
            opening=shown[:200],
            file_name=file_name,
            passed_over=passed_over,
        )

    async def kept(self, draft_id: int | None, *, user: str) -> str:
        """The markup kept in one of `user`'s drafts."""
        body = await self._store.drafts.get(draft_id, created_by=user) if draft_id else None
        if body is None:
            raise DraftGone
        return body

    async def body(self, values: LetterFormValues, *, user: str) -> str:
        """The submitted letter's markup: the draft it was started from, else what was
        typed into the form."""
        if values.draft_id is None:
            return from_plain(values.body or "")
        body = await self._store.drafts.get(values.draft_id, created_by=user)
        if body is None:
            raise DraftGone
        return body

    async def _letter_in(
        self, workspace: Workspace, message: dict[str, Any]
    ) -> tuple[str, str | None, tuple[PassedOver, ...]]:
        """The letter's markup, the file it came from, and files passed over."""
        passed_over: list[PassedOver] = []
        for shared in message.get("files") or ():
            if not isinstance(shared, dict):
                continue
            try:
                file = await describe_file(workspace.slack, shared)
            except FileUnavailable as problem:
                passed_over.append(PassedOver(_name(shared), problem.reason, problem.invite))
                continue
            kind = kind_of(file)
            if kind is None:
                pretty = str(file.get("pretty_type") or file.get("filetype") or "").strip()
                why = f"a {pretty} file" if pretty else "a kind of file I don't read"
                passed_over.append(PassedOver(_name(file), why))
                continue
            # A file of a kind the bot reads is the letter: if it can't be had, say so.
            try:
                data = await download_file(workspace.slack, file, max_bytes=FILE_MAX_BYTES)
                async with self._reading:
                    markup = await read_letter_apart(kind, data)
            except FileUnavailable as problem:
                raise FileUnreadable(
                    _name(file), problem.reason, retry=not problem.invite, invite=problem.invite
                ) from None
            except Unreadable as problem:
                raise FileUnreadable(_name(file), str(problem)) from None
            return markup, _name(file), tuple(passed_over)
        text = str(message.get("text") or "")
        if passed_over and not text.strip():
            raise NoReadableFile(passed_over)
        return from_slack(text), None, tuple(passed_over)


def _name(file: dict[str, Any]) -> str | None:
    return str(file.get("name") or file.get("title") or "").strip() or None
