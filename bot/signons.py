"""Signing on: checking a submission, deduping it, recording it, keeping counts current.

`SignOns` is what handlers and the importer call for member-facing actions: sign,
withdraw, see what is recorded. Organizer actions on letters live in `bot.letters`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.blocks.text import escape
from bot.cleaning import one_line
from bot.dedupe import org_key, person_key
from bot.errors import FormErrors, UserFacingError
from bot.importing import ImportRow
from bot.live_count import LiveCount
from bot.models import Letter, LetterStatus, Outcome, Recorded, Signer, SignerKind, Submission
from bot.signer_index import SignerIndex
from bot.storage import Store
from bot.storage.store import LetterClosed, Pending

# Sign-ons recorded in one transaction at most; a burst beyond this takes several.
BATCH_MAX = 200
# Attempts at a batch that collides with another process's new entry.
RECORD_ATTEMPTS = 3
# How long a channel's open letters are remembered between sign-ons. Safe to reuse:
# recording re-checks that the letter is still open, in its transaction.
OPEN_LETTERS_CACHE_SECONDS = 2.0

logger = logging.getLogger(__name__)

NAME_MAX = 200
PERSON_MAX = 100
TITLE_MAX = 100
PLACE_MAX = 100
EMAIL_MAX = 254

_SURROUNDING_QUOTES = re.compile(r"^[\"'\u201c\u2018](.*)[\"'\u201d\u2019]$")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class SubmissionField:
    """Where a problem with a submission belongs (the sign-on form's block ids)."""

    ORGANIZATION = "organization"
    PERSON = "person"
    TITLE = "title"
    CITY = "city"
    STATE = "state"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class Status:
    letter: Letter
    signed: list[Signer]
    count: int


@dataclass(frozen=True, slots=True)
class Signed:
    """A recorded sign-on and the letter's count right after it."""

    recorded: Recorded
    count: int


@dataclass(frozen=True, slots=True)
class _Waiting:
    pending: Pending
    result: asyncio.Future[Signed]


class SignOns:
    """Signs on through a queue per letter: sign-ons that arrive together are recorded
    together, in one transaction (a group commit), in the order they arrived."""

    def __init__(self, *, store: Store, live_count: LiveCount | None) -> None:
        self._store = store
        self._live_count = live_count
        self._indexes: dict[int, SignerIndex] = {}
        self._queues: defaultdict[int, list[_Waiting]] = defaultdict(list)
        self._draining: dict[int, asyncio.Task[None]] = {}
        self._open_in_channel: dict[str, tuple[float, list[Letter]]] = {}

    async def sign(
        self, letter: Letter, submission: Submission, *, now: datetime, closed_ok: bool = False
    ) -> Signed:
        """Record a submission for `letter` through dedupe; raises for bad input."""
        if not letter.is_open and not closed_ok:
            raise UserFacingError(closed_message(letter))
        submission = check_submission(submission)
        if submission.kind is SignerKind.ORGANIZATION:
            key = org_key(submission.name)
        else:
            key = individual_key(submission)
        if not key:
            raise FormErrors({_name_field(submission): "Type a name with at least one letter."})
        pending = Pending(submission, key, now, closed_ok=closed_ok)
        waiting = _Waiting(pending, asyncio.get_running_loop().create_future())
        self._queues[letter.id].append(waiting)
        if letter.id not in self._draining:
            self._draining[letter.id] = asyncio.create_task(self._drain(letter.id))
        return await waiting.result

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
            recorded, count = await self._record(letter_id, [w.pending for w in batch])
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
        changed = any(r.outcome in {Outcome.NEW, Outcome.SAME} for r in recorded)
        if changed and self._live_count is not None:
            self._live_count.touch(letter_id)

    async def _refuse_closed(self, letter_id: int, batch: list[_Waiting]) -> None:
        """The letter closed while these waited: nothing was recorded; say so."""
        self._open_in_channel.clear()
        letter = await self._store.letter(letter_id)
        message = closed_message(letter) if letter else "That letter no longer exists."
        for waiting in batch:
            _answer(waiting, UserFacingError(message))

    async def _record(self, letter_id: int, batch: list[Pending]) -> tuple[list[Recorded], int]:
        for attempt in range(RECORD_ATTEMPTS):
            index = self._indexes.setdefault(letter_id, SignerIndex())
            try:
                return await self._store.record_signatures(letter_id, batch, index=index)
            except IntegrityError:
                # Another process added one of these organizations first (PostgreSQL runs
                # such transactions side by side). The index saw rows that were rolled
                # back, so it starts afresh; the next attempt finds their entries.
                del self._indexes[letter_id]
                if attempt == RECORD_ATTEMPTS - 1:
                    raise
            except BaseException:
                self._indexes.pop(letter_id, None)
                raise
        raise AssertionError("unreachable")

    async def letters_to_sign(self, channel: str) -> list[Letter]:
        """The open letters in `channel`; explains when there are none."""
        cached = self._open_in_channel.get(channel)
        if cached is not None and time.monotonic() - cached[0] < OPEN_LETTERS_CACHE_SECONDS:
            return cached[1]
        open_letters = await self._store.letters_in_channel(channel, status=LetterStatus.OPEN)
        if open_letters:
            self._open_in_channel[channel] = (time.monotonic(), open_letters)
            return open_letters
        closed = await self._store.letters_in_channel(channel, status=LetterStatus.CLOSED)
        if closed:
            raise UserFacingError(closed_message(closed[-1]))
        raise UserFacingError(
            "There's no letter to sign in this channel. Sign-on letters are posted in "
            "coalition channels: press *Sign on* under the letter, or use `/signon` in the "
            "channel where you saw it."
        )

    async def letters_for(self, ref: str | None, *, channel: str) -> list[Letter]:
        """The letter `ref` names (open), else the open letters in `channel`."""
        if ref is None:
            return await self.letters_to_sign(channel)
        letter = await self._numbered(ref)
        if not letter.is_open:
            raise UserFacingError(closed_message(letter))
        return [letter]

    async def one_letter(self, text: str, *, channel: str) -> Letter:
        """For withdraw and status: the letter named, or the only open one in `channel`."""
        ref, rest = split_letter_ref(text)
        if rest or (text.strip() and ref is None):
            raise UserFacingError(
                f"“{escape(text)}” isn't a letter number. Use one like `#3`, or leave it out."
            )
        if ref is not None:
            return await self._numbered(ref)
        letters = await self.letters_to_sign(channel)
        if len(letters) > 1:
            numbers = ", ".join(f"`#{letter.id}` {escape(letter.title)}" for letter in letters)
            raise UserFacingError(
                f"This channel has {len(letters)} open letters ({numbers}). "
                "Add the number of the one you mean."
            )
        return letters[0]

    async def _numbered(self, ref: str) -> Letter:
        # A button's value comes back as sent, unless someone crafted the request.
        if not re.fullmatch(r"[0-9]{1,9}", ref):
            raise UserFacingError(
                "That isn't a letter number. Press *Sign on* under the letter to sign it."
            )
        letter = await self._store.letter(int(ref))
        if letter is None:
            raise UserFacingError(f"There's no letter #{ref}.")
        return letter

    async def letter(self, letter_id: int) -> Letter:
        letter = await self._store.letter(letter_id)
        if letter is None:
            raise UserFacingError("That letter no longer exists.")
        return letter

    async def withdraw(self, letter: Letter, *, user: str, now: datetime) -> list[Signer]:
        if not letter.is_open:
            raise UserFacingError(
                f"Sign-ons for *{escape(letter.title)}* are closed and its list has gone to "
                "the leads, so a sign-on can't be withdrawn here any more. Ask an organizer."
            )
        withdrawn = await self._store.withdraw(user, letter.id, now=now)
        if not withdrawn:
            raise UserFacingError(
                f"You haven't signed *{escape(letter.title)}*, so there's nothing to withdraw."
            )
        if self._live_count is not None:
            self._live_count.touch(letter.id)
        return withdrawn

    async def status(self, letter: Letter, *, user: str) -> Status:
        signed = await self._store.signed_by(user, letter.id)
        return Status(letter, signed, await self._store.signer_count(letter.id))

    async def count(self, letter: Letter) -> int:
        return await self._store.signer_count(letter.id)


_LETTER_REF = re.compile(r"#(\d{1,9})(?:\s+|$)")


def split_letter_ref(text: str) -> tuple[str | None, str]:
    """'#3 Acme Org' → ('3', 'Acme Org'); text without a leading #n → (None, text)."""
    match = _LETTER_REF.match(text.strip())
    if match is None:
        return None, text.strip()
    return match.group(1), text.strip()[match.end() :].strip()


@dataclass
class ImportReport:
    new: int = 0
    same: int = 0
    before: int = 0
    possible: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    def summary(self, count: int, *, skipped: int = 0) -> str:
        return (
            f"Imported: {self.new} new signers, {self.same} already signed (kept as contacts), "
            f"{self.before} imported before; {self.possible} queued as possible duplicates; "
            f"{len(self.problems) + skipped} skipped. The letter now has {count} signers."
        )


async def import_rows(
    store: Store, letter: Letter, rows: list[ImportRow], *, now: datetime
) -> ImportReport:
    """Sign each row on through the same checks and dedupe as Slack, closed letter or not."""
    signons = SignOns(store=store, live_count=None)
    report = ImportReport()
    # Signed together, the rows are recorded in a few transactions, in file order.
    results = await asyncio.gather(
        *(signons.sign(letter, row.submission, now=now, closed_ok=True) for row in rows),
        return_exceptions=True,
    )
    for row, result in zip(rows, results, strict=True):
        if isinstance(result, FormErrors):
            report.problems.append((row.line, " ".join(result.errors.values())))
            continue
        if isinstance(result, BaseException):
            raise result
        recorded = result.recorded
        if recorded.outcome is Outcome.NEW:
            report.new += 1
            report.possible += bool(recorded.possible_duplicates)
        elif recorded.outcome is Outcome.IMPORTED_BEFORE:
            report.before += 1
        else:
            report.same += 1
    return report


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


def closed_message(letter: Letter) -> str:
    return f"Sign-ons for *{escape(letter.title)}* are closed, so it can't be signed any more."


def individual_key(submission: Submission) -> str:
    """People of one name are one signer only with the same affiliation, or, without
    one, the same email or Slack account: two Maria Garcías are two people."""
    name = person_key(submission.name)
    if not name:
        return ""
    if submission.affiliation:
        return f"{name} | {org_key(submission.affiliation)}"
    return f"{name} | {(submission.email or submission.user_id or '').casefold()}"


def check_submission(submission: Submission) -> Submission:
    """Tidy every field, or raise FormErrors naming each one to fix."""
    errors: dict[str, str] = {}

    def field(value: str | None, where: str, limit: int, label: str) -> str | None:
        folded = one_line(value or "")
        # `/signon "Mijente"`: the quotes are the typist's, not the name's.
        tidy = _SURROUNDING_QUOTES.sub(r"\1", folded).strip() or None
        if tidy is not None and len(tidy) > limit:
            errors[where] = f"Keep {label} to {limit} characters."
        return tidy

    individual = submission.kind is SignerKind.INDIVIDUAL
    name = field(
        submission.name,
        _name_field(submission),
        NAME_MAX if not individual else PERSON_MAX,
        "the name",
    )
    affiliation = field(
        submission.affiliation, SubmissionField.ORGANIZATION, NAME_MAX, "the organization"
    )
    person = field(submission.person_name, SubmissionField.PERSON, PERSON_MAX, "your name")
    title = field(submission.title, SubmissionField.TITLE, TITLE_MAX, "the title")
    city = field(submission.city, SubmissionField.CITY, PLACE_MAX, "the city")
    state = field(submission.state, SubmissionField.STATE, PLACE_MAX, "the state")
    email = field(submission.email, SubmissionField.EMAIL, EMAIL_MAX, "the email")
    if not name:
        errors[_name_field(submission)] = (
            "Type your name." if individual else "Type the name of the organization signing."
        )
    if email and not _EMAIL.fullmatch(email):
        errors[SubmissionField.EMAIL] = "That doesn't look like an email address."
    if errors:
        raise FormErrors(errors)
    assert name is not None
    return replace(
        submission,
        name=name,
        affiliation=affiliation,
        person_name=person if not individual else name,
        title=title,
        city=city,
        state=state,
        email=email,
    )


def _name_field(submission: Submission) -> str:
    if submission.kind is SignerKind.INDIVIDUAL:
        return SubmissionField.PERSON
    return SubmissionField.ORGANIZATION
