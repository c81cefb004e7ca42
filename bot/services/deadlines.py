"""When a letter's sign-ons end: closed now, reopened, or its deadline moved.

Each transition reschedules the letter's reminders, final count and tally in the store;
the scheduler hears of it through `schedule_changed`. A reopened letter's posts are
brought back to life by `Letters.refresh`, the caller's to run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.rules.checks import check_new_deadline
from bot.rules.letters import Letter, LetterStatus, LetterSummary
from bot.rules.problems import (
    AlreadyClosed,
    AlreadyOpen,
    DeadlinePassed,
    Surface,
    WhenMissing,
    WhenUnreadable,
)
from bot.rules.timing import TimingError, parse_deadline, plan
from bot.services.refs import managed_letter, numbered, only_letter_in, split_ref
from bot.services.workspace import Workspace
from bot.storage import Store


class Deadlines:
    def __init__(
        self,
        *,
        store: Store,
        schedule_changed: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._schedule_changed = schedule_changed

    async def close(
        self, workspace: Workspace, ref: str, *, user: str, channel: str, now: datetime
    ) -> LetterSummary:
        """Close sign-ons now; the final count and the leads' list follow as at a deadline."""
        letter = await managed_letter(
            self._store, workspace, ref, user=user, channel=channel, status=LetterStatus.OPEN
        )
        if not letter.is_open:
            raise AlreadyClosed(letter)
        letter = await self._store.letters.close_now(letter.id, now=now)
        self._schedule_changed()
        return LetterSummary(letter, await self._store.signatures.count(letter.id))

    async def reopen(
        self, workspace: Workspace, ref: str, *, user: str, channel: str, now: datetime
    ) -> Letter:
        """Open a letter closed early again, until the deadline it had."""
        letter = await managed_letter(
            self._store, workspace, ref, user=user, channel=channel, status=LetterStatus.CLOSED
        )
        if letter.is_open:
            raise AlreadyOpen(letter)
        if letter.deadline <= now:
            raise DeadlinePassed(letter)
        letter = await self._store.letters.reschedule(
            letter.id,
            reminders=letter.reminders,
            plan=plan(letter.deadline, letter.reminders, zone=workspace.zone, now=now),
            now=now,
            announce=False,
        )
        self._schedule_changed()
        return letter

    async def extend(
        self, workspace: Workspace, text: str, *, user: str, channel: str, now: datetime
    ) -> tuple[Letter, bool]:
        """Move the deadline to the time in `text` ("[#letter] friday 5pm"); a closed
        letter opens again. Returns the letter and whether it had been closed."""
        ref = split_ref(text)
        if ref.number is not None:
            letter = await numbered(self._store, ref.number, surface=Surface.LETTER)
        else:
            # Without a number: the channel's open letter, else its closed one.
            open_here = await self._store.letters.in_channel(channel, status=LetterStatus.OPEN)
            status = LetterStatus.OPEN if open_here else None
            letter = await only_letter_in(
                self._store, channel, status=status, surface=Surface.LETTER
            )
        await workspace.organizers.require_manager(user, letter)
        if not ref.rest:
            raise WhenMissing(letter)
        try:
            deadline = parse_deadline(ref.rest, now=now, zone=workspace.zone)
        except TimingError as problem:
            first = ref.rest.split(" ", 1)[0]
            number = first if ref.number is None and first.isdigit() else None
            raise WhenUnreadable(str(problem), number) from None
        return await self._extend(workspace, letter, deadline, now=now)

    async def extend_to(
        self, workspace: Workspace, letter_id: int, picked: int | None, *, user: str, now: datetime
    ) -> tuple[Letter, bool]:
        """Move the deadline to the time a datetimepicker gave (`picked`, in seconds
        since the epoch); raises FormErrors for a time that can't be a deadline."""
        letter = await numbered(self._store, letter_id, surface=Surface.LETTER)
        await workspace.organizers.require_manager(user, letter)
        deadline = check_new_deadline(picked, now=now)
        return await self._extend(workspace, letter, deadline, now=now)

    async def _extend(
        self, workspace: Workspace, letter: Letter, deadline: datetime, *, now: datetime
    ) -> tuple[Letter, bool]:
        reopened = not letter.is_open
        letter = await self._store.letters.reschedule(
            letter.id,
            reminders=letter.reminders,
            plan=plan(deadline, letter.reminders, zone=workspace.zone, now=now),
            now=now,
            announce=True,
        )
        self._schedule_changed()
        return letter, reopened
