"""The database, behind methods named for what the bot needs.

One `Store` per process, used as `async with Store(url) as store:`; entering it
connects and applies migrations. Queries are SQLAlchemy Core so the same code runs on
SQLite (the default, nothing to install) and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.models import (
    Contact,
    Letter,
    LetterStatus,
    NewLetter,
    Outcome,
    Plan,
    Post,
    Recorded,
    ReviewPair,
    Signer,
    SignerKind,
    Submission,
)
from bot.storage.schedule import (
    Schedule,
    cancel_plan,
    close_at_once,
    plan_announcement,
    plan_letter,
)
from bot.storage.schema import (
    duplicate_reviews,
    letter_drafts,
    letter_leads,
    letter_post_parts,
    letter_posts,
    letters,
    signatures,
    signers,
)

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# PostgreSQL advisory lock key held while migrating ("undersigned" in ASCII, truncated).
MIGRATION_LOCK = 0x756E6465727369


@dataclass(frozen=True, slots=True)
class Pending:
    """A checked sign-on waiting to be recorded, with its dedupe key."""

    submission: Submission
    key: str
    now: datetime
    closed_ok: bool = False  # imports may add to a closed letter


class LetterClosed(Exception):
    """The letter closed before these sign-ons could be recorded; nothing was."""


class DuplicateIndex(Protocol):
    """What recording needs from the dedupe index (bot.signer_index.SignerIndex)."""

    @property
    def newest(self) -> int: ...

    def add(self, signer_id: int, key: str) -> None: ...

    def possible(self, key: str) -> tuple[int, ...]: ...


# PostgreSQL advisory lock space for recording a letter's sign-ons (the key is its id).
SIGNING_LOCKS = 0x5167

# How long a new connection keeps asking for WAL while another sets up a new file.
SQLITE_SWITCH_SECONDS = 30.0

# Execution option marking a connection whose transactions only read.
READ_ONLY = "undersigned_read_only"

# Drafts hold letter text between the message shortcut and the modal's submission;
# one left behind (the modal was closed) is of no use after a day.
DRAFT_LIFETIME = timedelta(days=1)


class Store:
    def __init__(self, url: str) -> None:
        self._url = url
        self._engine: AsyncEngine | None = None
        self._reader: AsyncEngine | None = None
        self._sqlite_writer: sa.Engine | None = None
        # SQLite has one writer at a time. Queueing writers here, rather than letting
        # them collide in SQLite's busy handler (which sleeps in growing steps), keeps
        # sign-on latency flat under a burst.
        self._write_turn = asyncio.Lock() if url.startswith("sqlite") else None
        self.schedule = Schedule(writing=self._transaction, reading=self._reading)

    async def __aenter__(self) -> Self:
        self._engine = _create_engine(self._url)
        try:
            async with self._engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    # Replicas starting together migrate one at a time; the others then
                    # find the database current.
                    await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
                await conn.run_sync(_upgrade_to_head)
        except BaseException:
            await self._engine.dispose()
            self._engine = None
            raise
        self._reader = self._engine.execution_options(**{READ_ONLY: True})
        self._sqlite_writer = _create_sqlite_writer(self._url)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = self._reader = None
        if self._sqlite_writer is not None:
            self._sqlite_writer.dispose()
            self._sqlite_writer = None

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("use the Store inside `async with`")
        return self._engine

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        """A transaction that writes (on SQLite it takes the write lock as it begins)."""
        if self._write_turn is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_turn, self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction: on SQLite's WAL it never waits for writers."""
        if self._reader is None:
            raise RuntimeError("use the Store inside `async with`")
        async with self._reader.connect() as conn:
            yield conn

    async def ping(self) -> bool:
        """True when the database answers; for health checks."""
        try:
            async with self._reading() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception:
            logger.exception("Database did not answer the health check")
            return False
        return True

    # Letters

    async def create_letter(
        self, new: NewLetter, *, plan: Plan, now: datetime, draft_id: int | None = None
    ) -> Letter:
        """Store a letter with its channels, leads and schedule; consume its draft."""
        async with self._transaction() as conn:
            letter_id = (
                await conn.execute(
                    letters.insert()
                    .values(
                        title=new.title,
                        addressee=new.addressee,
                        body=new.body,
                        deadline=new.deadline,
                        goal=new.goal,
                        status=LetterStatus.OPEN.value,
                        created_by=new.created_by,
                        created_at=now,
                        reminders=_offsets_column(new.reminders),
                        schedule_version=0,
                    )
                    .returning(letters.c.id)
                )
            ).scalar_one()
            await conn.execute(
                letter_posts.insert(),
                [
                    {"letter_id": letter_id, "channel_id": channel, "position": position}
                    for position, channel in enumerate(new.channels)
                ],
            )
            if new.leads:
                await conn.execute(
                    letter_leads.insert(),
                    [{"letter_id": letter_id, "user_id": user} for user in new.leads],
                )
            if draft_id is not None:
                await conn.execute(letter_drafts.delete().where(letter_drafts.c.id == draft_id))
            await plan_letter(conn, letter_id, version=0, plan=plan, now=now)
            return (await conn.run_sync(_load_letters, letters.c.id == letter_id))[0]

    async def letter(self, letter_id: int) -> Letter | None:
        async with self._reading() as conn:
            found = await conn.run_sync(_load_letters, letters.c.id == letter_id)
        return found[0] if found else None

    async def letters(self, *, status: LetterStatus | None = None) -> list[Letter]:
        """All letters (or those with `status`), soonest deadline first."""
        condition = sa.true() if status is None else letters.c.status == status.value
        async with self._reading() as conn:
            return await conn.run_sync(_load_letters, condition)

    async def letters_in_channel(
        self, channel_id: str, *, status: LetterStatus | None = None
    ) -> list[Letter]:
        condition: sa.ColumnElement[bool] = letters.c.id.in_(
            sa.select(letter_posts.c.letter_id).where(letter_posts.c.channel_id == channel_id)
        )
        if status is not None:
            condition = sa.and_(condition, letters.c.status == status.value)
        async with self._reading() as conn:
            return await conn.run_sync(_load_letters, condition)

    async def record_post(self, letter_id: int, channel_id: str, ts: str) -> None:
        """The letter's channel message in `channel_id` is up."""
        async with self._transaction() as conn:
            await conn.execute(
                letter_posts.update()
                .where(
                    letter_posts.c.letter_id == letter_id, letter_posts.c.channel_id == channel_id
                )
                .values(ts=ts)
            )

    async def record_parts(self, letter_id: int, channel_id: str, parts: tuple[str, ...]) -> bool:
        """The thread replies that carry the rest of the letter in `channel_id`; False
        (and nothing recorded) if another process recorded the copy's thread first."""
        if not parts:
            return True
        try:
            async with self._transaction() as conn:
                await conn.execute(
                    letter_post_parts.insert(),
                    [
                        {
                            "letter_id": letter_id,
                            "channel_id": channel_id,
                            "position": position,
                            "ts": part,
                        }
                        for position, part in enumerate(parts)
                    ],
                )
        except sa.exc.IntegrityError:
            return False
        return True

    async def reschedule(
        self,
        letter_id: int,
        *,
        reminders: tuple[timedelta, ...],
        plan: Plan,
        now: datetime,
        announce: bool,
    ) -> Letter:
        """Give the letter a new deadline or reminders, open for sign-ons.

        What was planned for the old deadline is dropped and the new plan takes its
        place, in one transaction; with `announce`, its channels hear of the move.
        """
        async with self._transaction() as conn:
            version = (
                await conn.execute(
                    letters.update()
                    .where(letters.c.id == letter_id)
                    .values(
                        deadline=plan.deadline,
                        reminders=_offsets_column(reminders),
                        status=LetterStatus.OPEN.value,
                        schedule_version=letters.c.schedule_version + 1,
                    )
                    .returning(letters.c.schedule_version)
                )
            ).scalar_one()
            await cancel_plan(conn, letter_id, now=now)
            await plan_letter(conn, letter_id, version=version, plan=plan, now=now)
            if announce:
                await plan_announcement(conn, letter_id, version=version, now=now)
            return (await conn.run_sync(_load_letters, letters.c.id == letter_id))[0]

    async def close_now(self, letter_id: int, *, now: datetime) -> Letter:
        """Close the letter to sign-ons at once; its closing posts follow as scheduled."""
        async with self._transaction() as conn:
            version = (
                await conn.execute(
                    letters.update()
                    .where(letters.c.id == letter_id)
                    .values(status=LetterStatus.CLOSED.value)
                    .returning(letters.c.schedule_version)
                )
            ).scalar_one()
            await close_at_once(conn, letter_id, version=version, now=now)
            return (await conn.run_sync(_load_letters, letters.c.id == letter_id))[0]

    async def update_letter(
        self, letter_id: int, *, leads: tuple[str, ...], goal: int | None
    ) -> Letter:
        async with self._transaction() as conn:
            await conn.execute(letters.update().where(letters.c.id == letter_id).values(goal=goal))
            await conn.execute(letter_leads.delete().where(letter_leads.c.letter_id == letter_id))
            if leads:
                await conn.execute(
                    letter_leads.insert(),
                    [{"letter_id": letter_id, "user_id": user} for user in leads],
                )
            return (await conn.run_sync(_load_letters, letters.c.id == letter_id))[0]

    # Drafts

    async def save_draft(self, body: str, *, source: str, created_by: str, now: datetime) -> int:
        """Keep letter text taken from a message until its modal is submitted."""
        async with self._transaction() as conn:
            await conn.execute(
                letter_drafts.delete().where(letter_drafts.c.created_at < now - DRAFT_LIFETIME)
            )
            draft_id: int = (
                await conn.execute(
                    letter_drafts.insert()
                    .values(body=body, source=source, created_by=created_by, created_at=now)
                    .returning(letter_drafts.c.id)
                )
            ).scalar_one()
            return draft_id

    async def draft(self, draft_id: int, *, created_by: str) -> str | None:
        """The draft's text, if it exists and belongs to `created_by`."""
        async with self._reading() as conn:
            return (
                await conn.execute(
                    sa.select(letter_drafts.c.body).where(
                        letter_drafts.c.id == draft_id, letter_drafts.c.created_by == created_by
                    )
                )
            ).scalar_one_or_none()

    # Sign-ons

    async def record_signatures(
        self, letter_id: int, batch: Sequence[Pending], *, index: DuplicateIndex
    ) -> tuple[list[Recorded], int]:
        """Record sign-ons in one transaction, in order; returns each outcome and the count.

        An entry with the same key gets the sign-on as another contact; otherwise a new
        entry is made, and pairs with `index`'s possible duplicates queued for review.
        The unique index on active keys backs this, so two processes signing the same
        organization at once make one entry (the loser's transaction fails and is
        retried by the caller, finding the entry).
        """
        if self._sqlite_writer is None:
            async with self._transaction() as conn:
                return await conn.run_sync(_record_batch, letter_id, batch, index)
        # On SQLite the whole batch runs in one worker thread on a plain sqlite3
        # connection: one hand-off per batch instead of one per query through the loop.
        writer = self._sqlite_writer
        assert self._write_turn is not None
        async with self._write_turn:
            return await asyncio.to_thread(_in_transaction, writer, letter_id, batch, index)

    async def signer_count(self, letter_id: int) -> int:
        return (await self.signer_counts([letter_id]))[letter_id]

    async def signer_counts(self, letter_ids: Sequence[int]) -> dict[int, int]:
        """How many active entries each letter has (the count that goes to the press)."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(signers.c.letter_id, sa.func.count())
                .where(signers.c.letter_id.in_(letter_ids), signers.c.status == "active")
                .group_by(signers.c.letter_id)
            )
            counts = dict.fromkeys(letter_ids, 0)
            counts.update({letter_id: count for letter_id, count in rows})
            return counts

    async def review_counts(self, letter_ids: Sequence[int]) -> dict[int, int]:
        """How many pairs of possible duplicates wait for review, per letter."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(duplicate_reviews.c.letter_id, sa.func.count())
                .where(
                    duplicate_reviews.c.letter_id.in_(letter_ids),
                    duplicate_reviews.c.status == "pending",
                )
                .group_by(duplicate_reviews.c.letter_id)
            )
            counts = dict.fromkeys(letter_ids, 0)
            counts.update({letter_id: count for letter_id, count in rows})
            return counts

    async def signers(self, letter_id: int) -> list[Signer]:
        """The letter's active entries with their contacts, in signing order."""
        async with self._reading() as conn:
            return await conn.run_sync(
                _load_signers,
                sa.and_(signers.c.letter_id == letter_id, signers.c.status == "active"),
            )

    async def signed_by(self, user_id: str, letter_id: int) -> list[Signer]:
        """The active entries `user_id` is a contact of."""
        async with self._reading() as conn:
            return await conn.run_sync(_load_signers, _signed_by(user_id, letter_id))

    async def withdraw(self, user_id: str, letter_id: int, *, now: datetime) -> list[Signer]:
        """Withdraw the user's sign-ons; an entry left with no contact is withdrawn too.

        Returns the entries the user had signed. Nothing is deleted.
        """
        async with self._transaction() as conn:
            affected = await conn.run_sync(_load_signers, _signed_by(user_id, letter_id))
            await conn.execute(
                signatures.update()
                .where(
                    signatures.c.letter_id == letter_id,
                    signatures.c.user_id == user_id,
                    signatures.c.withdrawn_at.is_(None),
                )
                .values(withdrawn_at=now)
            )
            still_signed = sa.select(signatures.c.id).where(
                signatures.c.signer_id == signers.c.id, signatures.c.withdrawn_at.is_(None)
            )
            await conn.execute(
                signers.update()
                .where(
                    signers.c.id.in_([signer.id for signer in affected]),
                    ~sa.exists(still_signed),
                )
                .values(status="withdrawn")
            )
            # An entry that left the list is no one's duplicate any more.
            gone = sa.select(signers.c.id).where(
                signers.c.id.in_([signer.id for signer in affected]),
                signers.c.status == "withdrawn",
            )
            await conn.execute(
                duplicate_reviews.delete().where(
                    duplicate_reviews.c.status == "pending",
                    sa.or_(
                        duplicate_reviews.c.first_id.in_(gone),
                        duplicate_reviews.c.second_id.in_(gone),
                    ),
                )
            )
            return affected

    # Possible duplicates

    async def pending_reviews(self, letter_id: int) -> list[ReviewPair]:
        async with self._reading() as conn:
            rows = (
                await conn.execute(
                    sa.select(duplicate_reviews)
                    .where(
                        duplicate_reviews.c.letter_id == letter_id,
                        duplicate_reviews.c.status == "pending",
                    )
                    .order_by(duplicate_reviews.c.id)
                )
            ).all()
            ids = {row.first_id for row in rows} | {row.second_id for row in rows}
            by_id = {s.id: s for s in await conn.run_sync(_load_signers, signers.c.id.in_(ids))}
            return [
                ReviewPair(row.id, row.letter_id, by_id[row.first_id], by_id[row.second_id])
                for row in rows
            ]

    async def review_letter(self, review_id: int) -> int | None:
        """The letter a review belongs to, if the review exists."""
        async with self._reading() as conn:
            return (
                await conn.execute(
                    sa.select(duplicate_reviews.c.letter_id).where(
                        duplicate_reviews.c.id == review_id
                    )
                )
            ).scalar_one_or_none()

    async def merge(self, review_id: int, *, user_id: str, now: datetime) -> Signer | None:
        """Fold the later entry of a pending pair into the earlier one.

        Contacts and spellings move to the kept entry; the other is kept as `merged`.
        None if the pair was already decided.
        """
        async with self._transaction() as conn:
            pair = await _pending_pair(conn, review_id)
            if pair is None:
                return None
            keep, drop = pair.first_id, pair.second_id
            if not await _both_active(conn, keep, drop):
                await conn.execute(
                    duplicate_reviews.delete().where(duplicate_reviews.c.id == review_id)
                )
                return None
            await _move_contacts(conn, from_id=drop, to_id=keep, now=now)
            # Entries merged into `drop` earlier now point straight at `keep`.
            await conn.execute(
                signers.update().where(signers.c.merged_into == drop).values(merged_into=keep)
            )
            await conn.execute(
                signers.update()
                .where(signers.c.id == drop)
                .values(status="merged", merged_into=keep)
            )
            await _decide(conn, review_id, "merged", user_id=user_id, now=now)
            await _repoint_reviews(conn, from_id=drop, to_id=keep)
            return (await conn.run_sync(_load_signers, signers.c.id == keep))[0]

    async def keep_both(self, review_id: int, *, user_id: str, now: datetime) -> bool:
        """Remember that the pair are different; False if it was already decided."""
        async with self._transaction() as conn:
            if await _pending_pair(conn, review_id) is None:
                return False
            await _decide(conn, review_id, "kept", user_id=user_id, now=now)
            return True


def _load_letters(conn: sa.Connection, condition: sa.ColumnElement[bool]) -> list[Letter]:
    rows = (
        conn.execute(sa.select(letters).where(condition).order_by(letters.c.deadline, letters.c.id))
    ).all()
    ids = [row.id for row in rows]
    posts = _grouped(
        conn,
        sa.select(letter_posts.c.letter_id, letter_posts.c.channel_id, letter_posts.c.ts)
        .where(letter_posts.c.letter_id.in_(ids))
        .order_by(letter_posts.c.position),
    )
    parts = _grouped(
        conn,
        sa.select(
            letter_post_parts.c.letter_id, letter_post_parts.c.channel_id, letter_post_parts.c.ts
        )
        .where(letter_post_parts.c.letter_id.in_(ids))
        .order_by(letter_post_parts.c.position),
    )
    leads = _grouped(
        conn,
        sa.select(letter_leads.c.letter_id, letter_leads.c.user_id)
        .where(letter_leads.c.letter_id.in_(ids))
        .order_by(letter_leads.c.user_id),
    )
    return [
        Letter(
            id=row.id,
            title=row.title,
            addressee=row.addressee,
            body=row.body,
            deadline=row.deadline,
            goal=row.goal,
            status=LetterStatus(row.status),
            created_by=row.created_by,
            created_at=row.created_at,
            posts=tuple(
                Post(
                    channel_id=channel,
                    ts=ts,
                    parts=tuple(part for where, part in parts[row.id] if where == channel),
                )
                for channel, ts in posts[row.id]
            ),
            leads=tuple(user for (user,) in leads[row.id]),
            reminders=tuple(
                timedelta(seconds=int(seconds)) for seconds in row.reminders.split(",") if seconds
            ),
            schedule_version=row.schedule_version,
        )
        for row in rows
    ]


def _offsets_column(offsets: tuple[timedelta, ...]) -> str:
    return ",".join(str(int(offset.total_seconds())) for offset in offsets)


def _in_transaction(
    engine: sa.Engine, letter_id: int, batch: Sequence[Pending], index: DuplicateIndex
) -> tuple[list[Recorded], int]:
    with engine.begin() as conn:
        return _record_batch(conn, letter_id, batch, index)


def _new_keys(conn: sa.Connection, letter_id: int, *, after: int) -> list[Any]:
    """Active organizations added since `after` (by any process), for the index."""
    rows = conn.execute(
        sa.select(signers.c.id, signers.c.key)
        .where(
            signers.c.letter_id == letter_id,
            signers.c.id > after,
            signers.c.kind == SignerKind.ORGANIZATION.value,
            signers.c.status == "active",
        )
        .order_by(signers.c.id)
    )
    return list(rows)


def _record_batch(
    conn: sa.Connection, letter_id: int, batch: Sequence[Pending], index: DuplicateIndex
) -> tuple[list[Recorded], int]:
    """The set-based body of record_signatures: a few queries, whatever the batch size."""
    if conn.dialect.name == "postgresql":
        # One batch per letter at a time across replicas, as SQLite's single writer
        # gives: each sees every entry committed before it, so the dedupe index (kept
        # in each process) misses no possible duplicate another replica just added.
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(SIGNING_LOCKS, letter_id)))
    # FOR SHARE on PostgreSQL: a close can't commit between this check and our insert.
    status = conn.execute(
        sa.select(letters.c.status).where(letters.c.id == letter_id).with_for_update(read=True)
    ).scalar_one()
    if status != LetterStatus.OPEN.value and not all(p.closed_ok for p in batch):
        raise LetterClosed(letter_id)
    for signer_id, key in _new_keys(conn, letter_id, after=index.newest):
        index.add(signer_id, key)
    refs = [p.submission.import_ref for p in batch if p.submission.import_ref]
    imported: dict[str, int] = {}
    if refs:
        imported = dict(
            list(
                conn.execute(
                    sa.select(signatures.c.import_ref, signatures.c.signer_id).where(
                        signatures.c.letter_id == letter_id, signatures.c.import_ref.in_(refs)
                    )
                )
            )
        )
    existing = _entries_for_keys(conn, letter_id, {p.key for p in batch})
    users = {p.submission.user_id for p in batch if p.submission.user_id}
    contacts: set[tuple[int, str]] = set()
    if existing and users:
        contacts = {
            (row.signer_id, row.user_id)
            for row in conn.execute(
                sa.select(signatures.c.signer_id, signatures.c.user_id).where(
                    signatures.c.signer_id.in_(existing.values()),
                    signatures.c.user_id.in_(users),
                    signatures.c.withdrawn_at.is_(None),
                )
            )
        }
    # First pass: which sign-ons make new entries (the first of each key in the batch).
    new_entries: dict[tuple[str, str], Pending] = {}
    for pending in batch:
        identity = (pending.submission.kind.value, pending.key)
        ref = pending.submission.import_ref
        if identity not in existing and identity not in new_entries and ref not in imported:
            new_entries[identity] = pending
    existing.update(_insert_signers(conn, letter_id, list(new_entries.values())))
    reviews: dict[int, tuple[int, ...]] = {}
    for kind, key in new_entries:
        if kind == SignerKind.ORGANIZATION.value:
            signer_id = existing[(kind, key)]
            reviews[signer_id] = index.possible(key)
            index.add(signer_id, key)
    # Second pass, in arrival order: each sign-on's outcome and contact.
    outcomes: list[tuple[Outcome, int]] = []
    new_contacts: list[dict[str, Any]] = []
    made = {existing[identity] for identity in new_entries}
    for pending in batch:
        submission, user = pending.submission, pending.submission.user_id
        ref = submission.import_ref
        if ref is not None and ref in imported:
            outcomes.append((Outcome.IMPORTED_BEFORE, imported[ref]))
            continue
        signer_id = existing[(submission.kind.value, pending.key)]
        if user is not None and (signer_id, user) in contacts:
            outcomes.append((Outcome.ALREADY, signer_id))
            continue
        outcomes.append((Outcome.NEW if signer_id in made else Outcome.SAME, signer_id))
        made.discard(signer_id)
        if user is not None:
            contacts.add((signer_id, user))
        if ref is not None:
            imported[ref] = signer_id
        new_contacts.append(_contact_row(signer_id, letter_id, pending))
    if new_contacts:
        conn.execute(signatures.insert(), new_contacts)
    possible_names = _queue_reviews(conn, letter_id, reviews)
    count = (
        conn.execute(
            sa.select(sa.func.count()).where(
                signers.c.letter_id == letter_id, signers.c.status == "active"
            )
        )
    ).scalar_one()
    # Entries made just now are known in full; only earlier ones are read back.
    loaded = {
        existing[identity]: _new_signer(existing[identity], letter_id, pending)
        for identity, pending in new_entries.items()
    }
    earlier = {signer_id for _, signer_id in outcomes} - loaded.keys()
    if earlier:
        loaded.update(
            (signer.id, signer) for signer in _load_signers(conn, signers.c.id.in_(earlier))
        )
    recorded = [
        Recorded(outcome, loaded[signer_id], possible_names.get(signer_id, ()))
        if outcome is Outcome.NEW
        else Recorded(outcome, loaded[signer_id])
        for outcome, signer_id in outcomes
    ]
    return recorded, count


def _entries_for_keys(
    conn: sa.Connection, letter_id: int, keys: set[str]
) -> dict[tuple[str, str], int]:
    """The active entry for each (kind, key), including keys merged into another entry:
    once "CHIRLA" is merged into the full name, signing as "CHIRLA" joins that entry."""
    rows = list(
        conn.execute(
            sa.select(signers.c.id, signers.c.kind, signers.c.key, signers.c.merged_into).where(
                signers.c.letter_id == letter_id,
                signers.c.key.in_(keys),
                signers.c.status.in_(("active", "merged")),
            )
        )
    )
    targets = {row.merged_into for row in rows if row.merged_into is not None}
    active_targets = set()
    if targets:
        active_targets = set(
            conn.execute(
                sa.select(signers.c.id).where(
                    signers.c.id.in_(targets), signers.c.status == "active"
                )
            ).scalars()
        )
    found: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.merged_into is None:
            found[(row.kind, row.key)] = row.id
    for row in rows:
        if row.merged_into in active_targets:
            found.setdefault((row.kind, row.key), row.merged_into)
    return found


def _insert_signers(
    conn: sa.Connection, letter_id: int, entries: list[Pending]
) -> dict[tuple[str, str], int]:
    """Insert new entries in one statement; their ids by (kind, key)."""
    if not entries:
        return {}
    rows = conn.execute(
        signers.insert().returning(signers.c.id, sort_by_parameter_order=True),
        [
            {
                "letter_id": letter_id,
                "kind": p.submission.kind.value,
                "name": p.submission.name,
                "key": p.key,
                "affiliation": p.submission.affiliation,
                "city": p.submission.city,
                "state": p.submission.state,
                "public": p.submission.public,
                "status": "active",
                "merged_into": None,
                "signed_at": p.submission.signed_at or p.now,
            }
            for p in entries
        ],
    )
    return {
        (p.submission.kind.value, p.key): signer_id
        for p, (signer_id,) in zip(entries, rows, strict=True)
    }


def _new_signer(signer_id: int, letter_id: int, pending: Pending) -> Signer:
    """The entry a pending sign-on has just created, as _load_signers would read it."""
    submission = pending.submission
    row = _contact_row(signer_id, letter_id, pending)
    return Signer(
        id=signer_id,
        letter_id=letter_id,
        kind=submission.kind,
        name=submission.name,
        affiliation=submission.affiliation,
        city=submission.city,
        state=submission.state,
        public=submission.public,
        signed_at=row["signed_at"],
        contacts=(
            Contact(
                person_name=row["person_name"],
                title=row["title"],
                email=row["email"],
                user_id=row["user_id"],
                submitted_as=row["submitted_as"],
                signed_at=row["signed_at"],
                team_id=row["team_id"],
            ),
        ),
        submitted_as=(row["submitted_as"],),
    )


def _contact_row(signer_id: int, letter_id: int, pending: Pending) -> dict[str, Any]:
    submission = pending.submission
    individual = submission.kind is SignerKind.INDIVIDUAL
    return {
        "signer_id": signer_id,
        "letter_id": letter_id,
        "user_id": submission.user_id,
        "team_id": submission.team_id,
        "submitted_as": submission.affiliation
        if individual and submission.affiliation
        else submission.name,
        "person_name": submission.person_name,
        "title": submission.title,
        "email": submission.email,
        "import_ref": submission.import_ref,
        "signed_at": submission.signed_at or pending.now,
        "withdrawn_at": None,
    }


def _queue_reviews(
    conn: sa.Connection, letter_id: int, reviews: dict[int, tuple[int, ...]]
) -> dict[int, tuple[str, ...]]:
    """Queue each new entry with its possible duplicates that are still active."""
    candidates = {other for others in reviews.values() for other in others}
    if not candidates:
        return {}
    names = dict(
        list(
            conn.execute(
                sa.select(signers.c.id, signers.c.name).where(
                    signers.c.id.in_(candidates),
                    signers.c.letter_id == letter_id,
                    signers.c.status == "active",
                )
            )
        )
    )
    pairs = {
        (min(signer_id, other), max(signer_id, other))
        for signer_id, others in reviews.items()
        for other in others
        if other in names and other != signer_id
    }
    if pairs:
        conn.execute(
            duplicate_reviews.insert(),
            [
                {"letter_id": letter_id, "first_id": a, "second_id": b, "status": "pending"}
                for a, b in sorted(pairs)
            ],
        )
    return {
        signer_id: tuple(names[other] for other in others if other in names)
        for signer_id, others in reviews.items()
    }


def _signed_by(user_id: str, letter_id: int) -> sa.ColumnElement[bool]:
    return sa.and_(
        signers.c.status == "active",
        signers.c.id.in_(
            sa.select(signatures.c.signer_id).where(
                signatures.c.letter_id == letter_id,
                signatures.c.user_id == user_id,
                signatures.c.withdrawn_at.is_(None),
            )
        ),
    )


def _load_signers(conn: sa.Connection, condition: sa.ColumnElement[bool]) -> list[Signer]:
    rows = (conn.execute(sa.select(signers).where(condition).order_by(signers.c.id))).all()
    ids = [row.id for row in rows]
    contacts = _grouped(
        conn,
        sa.select(
            signatures.c.signer_id,
            signatures.c.person_name,
            signatures.c.title,
            signatures.c.email,
            signatures.c.user_id,
            signatures.c.submitted_as,
            signatures.c.signed_at,
            signatures.c.team_id,
        )
        .where(signatures.c.signer_id.in_(ids), signatures.c.withdrawn_at.is_(None))
        .order_by(signatures.c.signed_at, signatures.c.id),
    )
    spellings = _grouped(
        conn,
        sa.select(signatures.c.signer_id, signatures.c.submitted_as)
        .where(signatures.c.signer_id.in_(ids))
        .order_by(signatures.c.signed_at, signatures.c.id),
    )
    partners = _grouped(
        conn,
        sa.union_all(
            sa.select(duplicate_reviews.c.first_id, signers.c.name)
            .join(signers, signers.c.id == duplicate_reviews.c.second_id)
            .where(duplicate_reviews.c.first_id.in_(ids), duplicate_reviews.c.status == "pending"),
            sa.select(duplicate_reviews.c.second_id, signers.c.name)
            .join(signers, signers.c.id == duplicate_reviews.c.first_id)
            .where(duplicate_reviews.c.second_id.in_(ids), duplicate_reviews.c.status == "pending"),
        ),
    )
    return [
        Signer(
            id=row.id,
            letter_id=row.letter_id,
            kind=SignerKind(row.kind),
            name=row.name,
            affiliation=row.affiliation,
            city=row.city,
            state=row.state,
            public=row.public,
            signed_at=row.signed_at,
            contacts=tuple(Contact(*contact) for contact in contacts[row.id]),
            submitted_as=tuple(dict.fromkeys(spelling for (spelling,) in spellings[row.id])),
            possible_duplicate_of=tuple(name for (name,) in partners[row.id]),
        )
        for row in rows
    ]


async def _pending_pair(conn: AsyncConnection, review_id: int) -> sa.Row[Any] | None:
    return (
        await conn.execute(
            sa.select(duplicate_reviews).where(
                duplicate_reviews.c.id == review_id, duplicate_reviews.c.status == "pending"
            )
        )
    ).first()


async def _both_active(conn: AsyncConnection, *signer_ids: int) -> bool:
    active = await conn.execute(
        sa.select(sa.func.count()).where(signers.c.id.in_(signer_ids), signers.c.status == "active")
    )
    return active.scalar_one() == len(signer_ids)


async def _decide(
    conn: AsyncConnection, review_id: int, status: str, *, user_id: str, now: datetime
) -> None:
    await conn.execute(
        duplicate_reviews.update()
        .where(duplicate_reviews.c.id == review_id)
        .values(status=status, decided_by=user_id, decided_at=now)
    )


async def _move_contacts(conn: AsyncConnection, *, from_id: int, to_id: int, now: datetime) -> None:
    # Someone who signed both entries stays one contact: their second sign-on is closed.
    already = sa.select(signatures.c.user_id).where(
        signatures.c.signer_id == to_id,
        signatures.c.user_id.is_not(None),
        signatures.c.withdrawn_at.is_(None),
    )
    await conn.execute(
        signatures.update()
        .where(
            signatures.c.signer_id == from_id,
            signatures.c.user_id.in_(already),
            signatures.c.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now)
    )
    await conn.execute(
        signatures.update().where(signatures.c.signer_id == from_id).values(signer_id=to_id)
    )


async def _repoint_reviews(conn: AsyncConnection, *, from_id: int, to_id: int) -> None:
    """Pending pairs with a merged-away entry now concern the entry it went into."""
    pending = (
        await conn.execute(
            sa.select(duplicate_reviews).where(
                duplicate_reviews.c.status == "pending",
                sa.or_(
                    duplicate_reviews.c.first_id == from_id,
                    duplicate_reviews.c.second_id == from_id,
                ),
            )
        )
    ).all()
    for review in pending:
        partner = review.second_id if review.first_id == from_id else review.first_id
        first, second = sorted((partner, to_id))
        taken = (
            await conn.execute(
                sa.select(duplicate_reviews.c.id).where(
                    duplicate_reviews.c.first_id == first, duplicate_reviews.c.second_id == second
                )
            )
        ).first()
        if partner == to_id or taken is not None:
            await conn.execute(
                duplicate_reviews.delete().where(duplicate_reviews.c.id == review.id)
            )
        else:
            await conn.execute(
                duplicate_reviews.update()
                .where(duplicate_reviews.c.id == review.id)
                .values(first_id=first, second_id=second)
            )


def _grouped(conn: sa.Connection, query: sa.Executable) -> dict[int, list[Sequence[Any]]]:
    """Rows of `query` grouped by their first column, which is a letter id."""
    grouped: dict[int, list[Sequence[Any]]] = defaultdict(list)
    for letter_id, *rest in (conn.execute(query)).all():
        grouped[letter_id].append(rest)
    return grouped


def _create_engine(url: str) -> AsyncEngine:
    if not url.startswith("sqlite"):
        return create_async_engine(url, pool_pre_ping=True)
    engine = create_async_engine(url, connect_args={"timeout": 30})
    sa.event.listen(engine.sync_engine, "connect", _configure_sqlite)
    sa.event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _create_sqlite_writer(url: str) -> sa.Engine | None:
    """A synchronous engine on the same SQLite file, for batches run in a worker thread."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    engine = sa.create_engine(
        parsed.set(drivername="sqlite+pysqlite"),
        connect_args={"timeout": 30, "check_same_thread": False},
    )
    sa.event.listen(engine, "connect", _configure_sqlite)
    sa.event.listen(engine, "begin", _begin_immediate)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    _use_wal(cursor)
    # WAL lets readers carry on while one writer commits; synchronous=FULL makes every
    # committed sign-on survive a power cut, not only a process crash.
    for pragma in ("synchronous = FULL", "foreign_keys = ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL. While another connection is creating a new file's tables
    (the bot and `undersigned import` starting together), SQLite refuses the switch at
    once rather than wait, to avoid a deadlock: ask again until it is done."""
    deadline = time.monotonic() + SQLITE_SWITCH_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _begin_immediate(conn: sa.Connection) -> None:
    # A writing transaction takes the write lock when it starts: a deferred one that
    # reads and then writes can fail with "database is locked" under concurrent writers,
    # where an immediate one simply waits its turn (busy_timeout). Readers don't lock.
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _upgrade_to_head(connection: sa.Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
