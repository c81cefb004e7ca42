"""Importing sign-ons collected elsewhere from Slack: a CSV uploaded through the import
form goes through the same checks and dedupe as the command line's, and the letter's
posted count lines follow."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from bot.rules.letters import Letter
from bot.rules.limits import CSV_FILE_MAX_BYTES
from bot.rules.problems import Action, FormErrors, LetterGone, SignOnsUnreadable, Surface
from bot.rules.signons import Outcome
from bot.services.live_count import LiveCount
from bot.services.refs import find_letter, numbered
from bot.services.signons import SignOns
from bot.services.workspace import Workspace
from bot.slack.files import FileUnavailable, describe_file, download_file
from bot.storage import Store
from bot.texts.imports import ImportProblem, ImportReport, ImportRow, SkippedRow, read_signons


class Imports:
    def __init__(self, *, store: Store, live_count: LiveCount | None = None) -> None:
        self._store = store
        self._live_count = live_count

    async def letter_for(
        self, workspace: Workspace, text: str, *, user: str, channel: str
    ) -> Letter:
        """`/letter import [#n]`: the letter to import into, if `user` manages it."""
        letter = await find_letter(
            self._store, text, channel=channel, status=None, surface=Surface.LETTER
        )
        await workspace.organizers.require_manager(user, letter, Action.MANAGE_SIGNERS)
        return letter

    async def load(
        self,
        workspace: Workspace,
        letter_id: int | None,
        files: list[dict[str, Any]],
        *,
        user: str,
        now: datetime,
    ) -> tuple[Letter, ImportReport, list[SkippedRow], int]:
        """Import the file uploaded through the form; returns the letter, what became of
        each row, the rows that couldn't be read, and the letter's count now."""
        if letter_id is None:
            raise LetterGone()
        letter = await numbered(self._store, letter_id, surface=Surface.BUTTON)
        await workspace.organizers.require_manager(user, letter, Action.MANAGE_SIGNERS)
        if not files:
            raise SignOnsUnreadable("no file came with the form. Choose a CSV file and import.")
        try:
            file = await describe_file(workspace.slack, files[0])
            data = await download_file(workspace.slack, file, max_bytes=CSV_FILE_MAX_BYTES)
            found = read_signons(data, zone=workspace.zone)
        except FileUnavailable as problem:
            raise SignOnsUnreadable(f"{problem}.") from None
        except ImportProblem as problem:
            raise SignOnsUnreadable(str(problem)) from None
        report = await import_rows(self._store, letter, found.rows, now=now)
        if self._live_count is not None and (report.new or report.same):
            self._live_count.touch(letter.id)
        return letter, report, found.skipped, await self._store.signatures.count(letter.id)


async def import_rows(
    store: Store, letter: Letter, rows: list[ImportRow], *, now: datetime
) -> ImportReport:
    """Sign each row on through the same checks and dedupe as Slack, closed letter or not."""
    signons = SignOns(store=store, live_count=None)
    report = ImportReport()
    # Signed together, the rows are recorded in a few transactions, in file order.
    results = await asyncio.gather(
        *(signons.sign(None, letter, row.submission, now=now, closed_ok=True) for row in rows),
        return_exceptions=True,
    )
    for row, result in zip(rows, results, strict=True):
        if isinstance(result, FormErrors):
            report.problems.append((row.line, result))
            continue
        if isinstance(result, BaseException):
            raise result
        recorded = result.recorded
        if recorded.outcome is Outcome.NEW:
            report.new += 1
            report.possible += bool(recorded.possible_duplicates or recorded.possible_unlisted)
        elif recorded.outcome is Outcome.IMPORTED_BEFORE:
            report.before += 1
        else:
            report.same += 1
    return report
