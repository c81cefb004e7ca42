"""Importing sign-ons collected elsewhere from Slack: a CSV uploaded through the import
form goes through the same checks and dedupe as the command line's, and the letter's
posted count lines follow."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.letters import Letter
from bot.rules.limits import CSV_FILE_MAX_BYTES
from bot.rules.problems import Action, LetterGone, SignOnsUnreadable, Surface
from bot.services.access import Organizers
from bot.services.live_count import LiveCount
from bot.services.refs import find_letter, numbered
from bot.services.signons import import_rows
from bot.slack.files import FileUnavailable, describe_file, download_file
from bot.storage import Store
from bot.texts.imports import ImportProblem, ImportReport, SkippedRow, read_signons


class Imports:
    def __init__(
        self,
        *,
        store: Store,
        client: AsyncWebClient,
        organizers: Organizers,
        zone: ZoneInfo,
        live_count: LiveCount | None = None,
    ) -> None:
        self._store = store
        self._client = client
        self._organizers = organizers
        self._zone = zone
        self._live_count = live_count

    async def letter_for(self, text: str, *, user: str, channel: str) -> Letter:
        """`/letter import [#n]`: the letter to import into, if `user` manages it."""
        letter = await find_letter(
            self._store, text, channel=channel, status=None, surface=Surface.LETTER
        )
        await self._organizers.require_manager(user, letter, Action.MANAGE_SIGNERS)
        return letter

    async def load(
        self, letter_id: int | None, files: list[dict[str, Any]], *, user: str, now: datetime
    ) -> tuple[Letter, ImportReport, list[SkippedRow], int]:
        """Import the file uploaded through the form; returns the letter, what became of
        each row, the rows that couldn't be read, and the letter's count now."""
        if letter_id is None:
            raise LetterGone()
        letter = await numbered(self._store, letter_id, surface=Surface.BUTTON)
        await self._organizers.require_manager(user, letter, Action.MANAGE_SIGNERS)
        if not files:
            raise SignOnsUnreadable("no file came with the form. Choose a CSV file and import.")
        try:
            file = await describe_file(self._client, files[0])
            data = await download_file(self._client, file, max_bytes=CSV_FILE_MAX_BYTES)
            found = read_signons(data, zone=self._zone)
        except FileUnavailable as problem:
            raise SignOnsUnreadable(f"{problem}.") from None
        except ImportProblem as problem:
            raise SignOnsUnreadable(str(problem)) from None
        report = await import_rows(self._store, letter, found.rows, now=now)
        if self._live_count is not None and (report.new or report.same):
            self._live_count.touch(letter.id)
        return letter, report, found.skipped, await self._store.signatures.count(letter.id)
