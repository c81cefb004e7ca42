"""Signing on: queueing a submission, deduping and recording it, keeping counts current.

`SignOns` is what handlers and the importer call for member-facing actions: sign,
withdraw, see what is recorded. Sign-ons that arrive together are recorded together in
one transaction (a group commit), in arrival order; what becomes of each is
`bot.rules.outcomes`' to say. Organizer actions on letters live in `bot.services.letters`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from bot.rules.checks import check_submission, name_field
from bot.rules.dedupe import individual_key, org_key
from bot.rules.letters import Letter, LetterStatus
from bot.rules.problems import (
    FieldProblem,
    FormErrors,
    GroupUnknown,
    Issue,
    LetterGone,
    LetterRemoved,
    NoLetterHere,
    NoSuchLetter,
    NothingToKeep,
    NothingToWithdraw,
    Problem,
    SeveralLetters,
    SignOnsClosed,
    Surface,
    TooLateToWithdraw,
    VersionOutdated,
)
from bot.rules.signons import (
    Outcome,
    Signed,
    Signer,
    SignerKind,
    StatusReport,
    Submission,
    is_slack_user,
)
from bot.rules.timing import DUPLICATES_NOTICE_GAP, DUPLICATES_NOTICE_SETTLE
from bot.services.audience import Audience
from bot.services.live_count import LiveCount
from bot.services.recording import Recorder, Recording
from bot.services.workspace import Workspace
from bot.storage import Store
from bot.storage.signon_pending import LetterClosed, Pending

# Sign-ons recorded in one transaction at most; a burst beyond this takes several.
BATCH_MAX = 200
# How long a channel's open letters are remembered between sign-ons. Safe to reuse:
# recording re-checks that the letter is still open, in its transaction.
OPEN_LETTERS_CACHE_SECONDS = 2.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Waiting:
    pending: Pending
    result: asyncio.Future[Signed]


class SignOns:
    """`audience` says who may see a letter asked for by number; without one (the
    command line, run by whoever runs the bot) every letter is seen. A sign-on made for
    no workspace (an imported row) is trusted to sign for no more than one organization.
    Batches are written by `recording`, by default in this process."""

    def __init__(
        self,
        *,
        store: Store,
        live_count: LiveCount | None,
        audience: Audience | None = None,
        schedule_changed: Callable[[], None] = lambda: None,
        learn: Callable[[list[str]], None] = lambda _: None,
        recording: Recording | None = None,
    ) -> None:
        self._store = store
        self._recording = recording or Recorder(store)
        self._live_count = live_count
        self._audience = audience
        self._schedule_changed = schedule_changed
        # Told who signed: their names are read from Slack in the background.
        self._learn = learn
        # When each letter's waiting possible-duplicates notice is due, as last seen.
        self._notices: dict[int, datetime] = {}
        self._queues: defaultdict[int, list[_Waiting]] = defaultdict(list)
        self._draining: dict[int, asyncio.Task[None]] = {}
        self._open_in_channel: dict[str, tuple[float, list[Letter]]] = {}
        self._reading_channel: dict[str, asyncio.Future[list[Letter]]] = {}

    async def prepare(self) -> None:
        """Read, before the first request, what the first sign-ons would otherwise wait
        for: each open letter's dedupe index, and the open letters of each channel they
        are posted in. A letter's announcement brings a burst; after a restart it finds
        them ready."""
        await self._recording.prepare()
        for letter in await self._store.letters.all(status=LetterStatus.OPEN):
            for channel in letter.channels:
                await self._open_letters_in(channel)

    async def sign(
        self,
        workspace: Workspace | None,
        letter: Letter,
        submission: Submission,
        *,
        now: datetime,
        closed_ok: bool = False,
        leaving: int | None = None,
        approved: bool = False,
    ) -> Signed:
        """Record a submission for `letter` through dedupe; raises for bad input. The
        signer may be leaving entry `leaving` for this one (it doesn't count against
        them); an `approved` sign-on was held, and an organizer let it through."""
        if not letter.is_open and not closed_ok:
            raise SignOnsClosed(letter)
        submission = check_submission(submission)
        if submission.kind is SignerKind.ORGANIZATION:
            key = org_key(submission.name)
        else:
            key = individual_key(submission)
        if not key:
            raise FormErrors({name_field(submission): FieldProblem(Issue.NO_LETTERS)})
        trusted = approved or await self._trusted(workspace, submission.user_id, letter)
        pending = Pending(
            submission, key, now, closed_ok=closed_ok, trusted=trusted, leaving=leaving
        )
        waiting = _Waiting(pending, asyncio.get_running_loop().create_future())
        self._queues[letter.id].append(waiting)
        if letter.id not in self._draining:
            self._draining[letter.id] = asyncio.create_task(self._drain(letter.id))
        return await waiting.result

    async def _trusted(self, workspace: Workspace | None, user: str | None, letter: Letter) -> bool:
        """Whether `user` manages the letter, and may sign for as many organizations as
        they like (a coalition's staff sign for its members)."""
        if user is None or workspace is None:
            return False
        try:
            return await workspace.organizers.may_manage(user, letter)
        except GroupUnknown:
            return False

    async def settle(self) -> None:
        """Wait until the sign-ons under way are recorded and what follows them is done
        (a signer's answer comes first; planning the leads' notice of a possible
        duplicate comes after it)."""
        while self._draining:
            await asyncio.gather(*self._draining.values(), return_exceptions=True)

    async def _drain(self, letter_id: int) -> None:
        queue = self._queues[letter_id]
        try:
            while queue:
                batch, queue[:] = queue[:BATCH_MAX], queue[BATCH_MAX:]
                try:
                    await self._settle(letter_id, batch)
                finally:
                    # Whatever happened, nobody is left waiting for an answer.
                    _fail_unanswered(batch, RuntimeError("the sign-on could not be recorded"))
        finally:
            del self._draining[letter_id]
            _fail_unanswered(queue, RuntimeError("the sign-on could not be recorded"))
            queue.clear()

    async def _settle(self, letter_id: int, batch: list[_Waiting]) -> None:
        """Record a batch and answer each sign-on in it."""
        try:
            recorded, count = await self._recording.record(letter_id, [w.pending for w in batch])
        except LetterClosed:
            await self._refuse_closed(letter_id, batch)
            return
        except Exception as error:
            if len(batch) == 1:
                _answer(batch[0], error)
                return
            # One bad sign-on must not fail the rest: record them one by one.
            logger.exception("A batch of sign-ons failed; recording them one at a time")
            for waiting in batch:
                await self._settle(letter_id, [waiting])
            return
        for waiting, outcome in zip(batch, recorded, strict=True):
            _answer(waiting, Signed(outcome, count))
        # Only Slack has names to read: a web signer's account is never asked about.
        self._learn(
            [user for w in batch if (user := w.pending.submission.user_id) and is_slack_user(user)]
        )
        changed = any(r.outcome in {Outcome.NEW, Outcome.SAME, Outcome.HELD} for r in recorded)
        if changed and self._live_count is not None:
            self._live_count.touch(letter_id)
        if any(
            r.possible_duplicates or r.possible_unlisted or r.outcome is Outcome.HELD
            for r in recorded
        ):
            await self._tell_leads(letter_id, now=batch[-1].pending.now)

    async def _tell_leads(self, letter_id: int, *, now: datetime) -> None:
        """Plan the leads' notice of what is new to review: possible duplicates, sign-ons
        held (the sign-ons are recorded and answered: a failure here is only logged)."""
        waiting = self._notices.get(letter_id)
        if waiting is not None and now < waiting:
            return  # a notice planned from here is still to come, and will tell of these
        try:
            due, planned = await self._store.planning.plan_duplicates_notice(
                letter_id, now=now, gap=DUPLICATES_NOTICE_GAP, settle=DUPLICATES_NOTICE_SETTLE
            )
        except Exception:
            logger.exception(
                "Could not plan the possible-duplicates notice of letter %d", letter_id
            )
            return
        self._notices[letter_id] = due
        if planned:
            self._schedule_changed()

    async def _refuse_closed(self, letter_id: int, batch: list[_Waiting]) -> None:
        """The letter closed while these waited: nothing was recorded; say so."""
        self._open_in_channel.clear()
        letter = await self._store.letters.get(letter_id)
        problem: Problem
        if letter is None:
            problem = LetterGone()
        elif letter.status is LetterStatus.REMOVED:
            problem = LetterRemoved(letter)
        else:
            problem = SignOnsClosed(letter)
        for waiting in batch:
            _answer(waiting, problem)

    async def letters_to_sign(self, channel: str) -> list[Letter]:
        """The open letters in `channel`; a closed one there is why there are none."""
        open_letters = await self._open_letters_in(channel)
        if open_letters:
            return open_letters
        closed = await self._store.letters.in_channel(channel, status=LetterStatus.CLOSED)
        if closed:
            raise SignOnsClosed(closed[-1])
        raise NoLetterHere(None, Surface.SIGNON)

    async def _open_letters_in(self, channel: str) -> list[Letter]:
        cached = self._open_in_channel.get(channel)
        if cached is not None and time.monotonic() - cached[0] < OPEN_LETTERS_CACHE_SECONDS:
            return cached[1]
        # One read per channel at a time: requests that find the cache expired together
        # (a burst's first, or every one when it lapses) share a read, not one each.
        reading = self._reading_channel.get(channel)
        if reading is None:
            reading = asyncio.ensure_future(
                self._store.letters.in_channel(channel, status=LetterStatus.OPEN)
            )
            self._reading_channel[channel] = reading
            reading.add_done_callback(lambda _: self._reading_channel.pop(channel, None))
        open_letters = await asyncio.shield(reading)
        if open_letters:
            self._open_in_channel[channel] = (time.monotonic(), open_letters)
        return open_letters

    async def letters_for(
        self, workspace: Workspace, number: int | None, *, user: str, channel: str, surface: Surface
    ) -> list[Letter]:
        """Letter `number` if given (open, and open to `user`), else the open letters in
        `channel`."""
        if number is None:
            return await self.letters_to_sign(channel)
        letter = await self._numbered(
            workspace, number, user=user, channel=channel, surface=surface
        )
        if not letter.is_open:
            raise SignOnsClosed(letter)
        return [letter]

    async def one_letter(
        self, workspace: Workspace, number: int | None, *, user: str, channel: str
    ) -> Letter:
        """For withdraw and status: letter `number`, or the only open one in `channel`."""
        if number is not None:
            return await self._numbered(
                workspace, number, user=user, channel=channel, surface=Surface.SIGNON
            )
        letters = await self.letters_to_sign(channel)
        if len(letters) > 1:
            raise SeveralLetters(letters, LetterStatus.OPEN)
        return letters[0]

    async def letter(
        self, workspace: Workspace, letter_id: int, *, user: str, channel: str | None = None
    ) -> Letter:
        """The letter a button or form is for, if it is open to `user`: to anyone else
        it is gone, as a letter that never existed is."""
        letter = await self._store.letters.get(letter_id)
        if letter is None or not await self._sees(workspace, user, letter, channel=channel):
            raise LetterGone
        if letter.status is LetterStatus.REMOVED:
            raise LetterRemoved(letter)
        return letter

    async def _numbered(
        self, workspace: Workspace, number: int, *, user: str, channel: str | None, surface: Surface
    ) -> Letter:
        """Letter `number`, if it is open to `user`; to anyone else it doesn't exist."""
        letter = await self._store.letters.get(number)
        if letter is None or not await self._sees(workspace, user, letter, channel=channel):
            raise NoSuchLetter(number, surface)
        if letter.status is LetterStatus.REMOVED:
            raise LetterRemoved(letter)
        return letter

    async def _sees(
        self, workspace: Workspace, user: str, letter: Letter, *, channel: str | None
    ) -> bool:
        return self._audience is None or await self._audience.sees(
            workspace, user, letter, channel=channel
        )

    async def to_withdraw(self, workspace: Workspace, letter: Letter, *, user: str) -> StatusReport:
        """What `user` would take back from `letter` (asked before it is done), or why
        nothing: the letter closed, or they have nothing on it."""
        if not letter.is_open:
            raise TooLateToWithdraw(letter)
        status = await self.status(workspace, letter, user=user)
        if not status.signed and not status.held:
            raise NothingToWithdraw(letter)
        return status

    async def withdraw(
        self,
        letter: Letter,
        *,
        user: str,
        now: datetime,
        only: Collection[int] | None = None,
    ) -> list[str]:
        """Take back the user's sign-ons to `letter` (for the entries `only`, if given;
        else what of theirs waits for an organizer too); the names withdrawn, as the
        user may see them."""
        if not letter.is_open:
            raise TooLateToWithdraw(letter)
        withdrawn = await self._store.signatures.withdraw(user, letter.id, now=now, only=only)
        held = (
            await self._store.holds.withdraw_own(user, letter.id, now=now) if only is None else []
        )
        if not withdrawn and not held:
            raise NothingToWithdraw(letter)
        if self._live_count is not None:
            self._live_count.touch(letter.id)
        return [entry.name_seen_by(user) for entry in withdrawn] + [h.name for h in held]

    async def keep(
        self, workspace: Workspace, letter_id: int, *, version: int, user: str
    ) -> tuple[Letter, list[str]]:
        """The user still signs `version` of the letter, the one they were shown: only
        the letter's current version can be kept. Returns the names they keep it for."""
        letter = await self.letter(workspace, letter_id, user=user)
        if version != letter.version:
            raise VersionOutdated(letter, version)
        kept = await self._store.signatures.confirm(user, letter.id, version=version)
        if not kept:
            raise NothingToKeep(letter)
        return letter, [entry.name_seen_by(user) for entry in kept]

    async def status(self, workspace: Workspace, letter: Letter, *, user: str) -> StatusReport:
        signed = await self._store.signatures.signed_by(user, letter.id)
        keeps = set()
        for entry in signed:
            if await self.keeps(workspace, entry, user=user, letter=letter):
                keeps.add(entry.id)
        return StatusReport(
            letter,
            user,
            signed,
            await self._store.signatures.count(letter.id),
            held=await self._store.holds.held_by(user, letter.id),
            keeps=frozenset(keeps),
        )

    async def keeps(
        self, workspace: Workspace | None, entry: Signer, *, user: str, letter: Letter
    ) -> bool:
        """Whether `user` keeps the entry's details: its maker, or the letter's
        organizers and leads. Anyone else who signed it changes only their own contact."""
        return entry.made_by == user or await self._trusted(workspace, user, letter)

    async def count(self, letter: Letter) -> int:
        return await self._store.signatures.count(letter.id)


def _answer(waiting: _Waiting, outcome: Signed | BaseException) -> None:
    """Resolve a waiting sign-on, unless its caller stopped waiting (a cancelled request)."""
    if waiting.result.done():
        return
    if isinstance(outcome, BaseException):
        waiting.result.set_exception(outcome)
    else:
        waiting.result.set_result(outcome)


def _fail_unanswered(waiting: list[_Waiting], error: Exception) -> None:
    for each in waiting:
        _answer(each, error)
