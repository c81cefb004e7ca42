"""The database, behind methods named for what the bot needs.

One `Store` per process, used as `async with Store(url) as store:`; entering it
connects and applies migrations. Queries are SQLAlchemy Core so the same code runs on
SQLite (the default, nothing to install) and PostgreSQL.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.models import (
    Contact,
    Letter,
    LetterStatus,
    NewLetter,
    Outcome,
    Post,
    Recorded,
    ReviewPair,
    Signer,
    SignerKind,
    Submission,
)
from bot.storage.schema import (
    duplicate_reviews,
    letter_drafts,
    letter_leads,
    letter_posts,
    letters,
    signatures,
    signers,
)

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")

# A sign-on races another for the same new organization at most this many times.
RECORD_ATTEMPTS = 3

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

    async def __aenter__(self) -> Self:
        self._engine = _create_engine(self._url)
        try:
            async with self._engine.begin() as conn:
                await conn.run_sync(_upgrade_to_head)
        except BaseException:
            await self._engine.dispose()
            self._engine = None
            raise
        self._reader = self._engine.execution_options(**{READ_ONLY: True})
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

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("use the Store inside `async with`")
        return self._engine

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        """A transaction that writes (on SQLite it takes the write lock as it begins)."""
        async with self.engine.begin() as conn:
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
        self, new: NewLetter, *, now: datetime, draft_id: int | None = None
    ) -> Letter:
        """Store a letter with its channels and leads; consume the draft it came from."""
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
            return (await _load_letters(conn, letters.c.id == letter_id))[0]

    async def letter(self, letter_id: int) -> Letter | None:
        async with self._reading() as conn:
            found = await _load_letters(conn, letters.c.id == letter_id)
        return found[0] if found else None

    async def letters(self, *, status: LetterStatus | None = None) -> list[Letter]:
        """All letters (or those with `status`), soonest deadline first."""
        condition = sa.true() if status is None else letters.c.status == status.value
        async with self._reading() as conn:
            return await _load_letters(conn, condition)

    async def letters_in_channel(
        self, channel_id: str, *, status: LetterStatus | None = None
    ) -> list[Letter]:
        condition: sa.ColumnElement[bool] = letters.c.id.in_(
            sa.select(letter_posts.c.letter_id).where(letter_posts.c.channel_id == channel_id)
        )
        if status is not None:
            condition = sa.and_(condition, letters.c.status == status.value)
        async with self._reading() as conn:
            return await _load_letters(conn, condition)

    async def record_post(self, letter_id: int, channel_id: str, ts: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(
                letter_posts.update()
                .where(
                    letter_posts.c.letter_id == letter_id, letter_posts.c.channel_id == channel_id
                )
                .values(ts=ts)
            )

    async def set_status(self, letter_id: int, status: LetterStatus) -> Letter:
        async with self._transaction() as conn:
            await conn.execute(
                letters.update().where(letters.c.id == letter_id).values(status=status.value)
            )
            return (await _load_letters(conn, letters.c.id == letter_id))[0]

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

    async def record_signature(
        self,
        letter_id: int,
        submission: Submission,
        *,
        key: str,
        possible: Sequence[int],
        now: datetime,
    ) -> Recorded:
        """Record a sign-on: a contact of the entry with the same key, or a new entry.

        The unique index on active keys decides, inside the transaction, so two people
        signing one organization at once make one entry with two contacts.
        """
        for attempt in range(RECORD_ATTEMPTS):
            try:
                async with self._transaction() as conn:
                    return await _record(conn, letter_id, submission, key, possible, now)
            except IntegrityError:
                # Another process added this organization between our read and our write
                # (PostgreSQL runs such transactions side by side); again, we find it.
                if attempt == RECORD_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    async def signer_keys(self, letter_id: int, *, after: int = 0) -> list[tuple[int, str]]:
        """(id, key) of active organizations with an id above `after`, for the index."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(signers.c.id, signers.c.key)
                .where(
                    signers.c.letter_id == letter_id,
                    signers.c.id > after,
                    signers.c.kind == SignerKind.ORGANIZATION.value,
                    signers.c.status == "active",
                )
                .order_by(signers.c.id)
            )
            return [(row.id, row.key) for row in rows]

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

    async def signers(self, letter_id: int) -> list[Signer]:
        """The letter's active entries with their contacts, in signing order."""
        async with self._reading() as conn:
            return await _load_signers(
                conn, sa.and_(signers.c.letter_id == letter_id, signers.c.status == "active")
            )

    async def signed_by(self, user_id: str, letter_id: int) -> list[Signer]:
        """The active entries `user_id` is a contact of."""
        async with self._reading() as conn:
            return await _load_signers(conn, _signed_by(user_id, letter_id))

    async def withdraw(self, user_id: str, letter_id: int, *, now: datetime) -> list[Signer]:
        """Withdraw the user's sign-ons; an entry left with no contact is withdrawn too.

        Returns the entries the user had signed. Nothing is deleted.
        """
        async with self._transaction() as conn:
            affected = await _load_signers(conn, _signed_by(user_id, letter_id))
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
            by_id = {s.id: s for s in await _load_signers(conn, signers.c.id.in_(ids))}
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
            await _move_contacts(conn, from_id=drop, to_id=keep, now=now)
            await conn.execute(
                signers.update()
                .where(signers.c.id == drop)
                .values(status="merged", merged_into=keep)
            )
            await _decide(conn, review_id, "merged", user_id=user_id, now=now)
            await _repoint_reviews(conn, from_id=drop, to_id=keep)
            return (await _load_signers(conn, signers.c.id == keep))[0]

    async def keep_both(self, review_id: int, *, user_id: str, now: datetime) -> bool:
        """Remember that the pair are different; False if it was already decided."""
        async with self._transaction() as conn:
            if await _pending_pair(conn, review_id) is None:
                return False
            await _decide(conn, review_id, "kept", user_id=user_id, now=now)
            return True


async def _load_letters(conn: AsyncConnection, condition: sa.ColumnElement[bool]) -> list[Letter]:
    rows = (
        await conn.execute(
            sa.select(letters).where(condition).order_by(letters.c.deadline, letters.c.id)
        )
    ).all()
    ids = [row.id for row in rows]
    posts = await _grouped(
        conn,
        sa.select(letter_posts.c.letter_id, letter_posts.c.channel_id, letter_posts.c.ts)
        .where(letter_posts.c.letter_id.in_(ids))
        .order_by(letter_posts.c.position),
    )
    leads = await _grouped(
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
            posts=tuple(Post(channel_id=channel, ts=ts) for channel, ts in posts[row.id]),
            leads=tuple(user for (user,) in leads[row.id]),
        )
        for row in rows
    ]


async def _record(
    conn: AsyncConnection,
    letter_id: int,
    submission: Submission,
    key: str,
    possible: Sequence[int],
    now: datetime,
) -> Recorded:
    if submission.import_ref is not None:
        imported = (
            await conn.execute(
                sa.select(signatures.c.signer_id).where(
                    signatures.c.letter_id == letter_id,
                    signatures.c.import_ref == submission.import_ref,
                )
            )
        ).scalar_one_or_none()
        if imported is not None:
            signer = (await _load_signers(conn, signers.c.id == imported))[0]
            return Recorded(Outcome.IMPORTED_BEFORE, signer)
    existing = (
        await conn.execute(
            sa.select(signers.c.id).where(
                signers.c.letter_id == letter_id,
                signers.c.kind == submission.kind.value,
                signers.c.key == key,
                signers.c.status == "active",
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        if submission.user_id is not None and await _is_contact(conn, existing, submission.user_id):
            return Recorded(
                Outcome.ALREADY, (await _load_signers(conn, signers.c.id == existing))[0]
            )
        await _insert_signature(conn, existing, letter_id, submission, now)
        return Recorded(Outcome.SAME, (await _load_signers(conn, signers.c.id == existing))[0])

    signer_id = (
        await conn.execute(
            signers.insert()
            .values(
                letter_id=letter_id,
                kind=submission.kind.value,
                name=submission.name,
                key=key,
                affiliation=submission.affiliation,
                city=submission.city,
                state=submission.state,
                public=submission.public,
                status="active",
                signed_at=submission.signed_at or now,
            )
            .returning(signers.c.id)
        )
    ).scalar_one()
    await _insert_signature(conn, signer_id, letter_id, submission, now)
    others = (
        await conn.execute(
            sa.select(signers.c.id, signers.c.name).where(
                signers.c.id.in_(possible),
                signers.c.letter_id == letter_id,
                signers.c.status == "active",
            )
        )
    ).all()
    if others:
        await conn.execute(
            duplicate_reviews.insert(),
            [
                {
                    "letter_id": letter_id,
                    "first_id": min(other.id, signer_id),
                    "second_id": max(other.id, signer_id),
                    "status": "pending",
                }
                for other in others
            ],
        )
    signer = (await _load_signers(conn, signers.c.id == signer_id))[0]
    return Recorded(Outcome.NEW, signer, tuple(other.name for other in others))


async def _insert_signature(
    conn: AsyncConnection, signer_id: int, letter_id: int, submission: Submission, now: datetime
) -> None:
    await conn.execute(
        signatures.insert().values(
            signer_id=signer_id,
            letter_id=letter_id,
            user_id=submission.user_id,
            submitted_as=submission.affiliation
            if submission.kind is SignerKind.INDIVIDUAL and submission.affiliation
            else submission.name,
            person_name=submission.person_name,
            title=submission.title,
            email=submission.email,
            import_ref=submission.import_ref,
            signed_at=submission.signed_at or now,
        )
    )


async def _is_contact(conn: AsyncConnection, signer_id: int, user_id: str) -> bool:
    found = await conn.execute(
        sa.select(signatures.c.id).where(
            signatures.c.signer_id == signer_id,
            signatures.c.user_id == user_id,
            signatures.c.withdrawn_at.is_(None),
        )
    )
    return found.first() is not None


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


async def _load_signers(conn: AsyncConnection, condition: sa.ColumnElement[bool]) -> list[Signer]:
    rows = (await conn.execute(sa.select(signers).where(condition).order_by(signers.c.id))).all()
    ids = [row.id for row in rows]
    contacts = await _grouped(
        conn,
        sa.select(
            signatures.c.signer_id,
            signatures.c.person_name,
            signatures.c.title,
            signatures.c.email,
            signatures.c.user_id,
            signatures.c.submitted_as,
            signatures.c.signed_at,
        )
        .where(signatures.c.signer_id.in_(ids), signatures.c.withdrawn_at.is_(None))
        .order_by(signatures.c.signed_at, signatures.c.id),
    )
    partners = await _grouped(
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


async def _grouped(conn: AsyncConnection, query: sa.Executable) -> dict[int, list[Sequence[Any]]]:
    """Rows of `query` grouped by their first column, which is a letter id."""
    grouped: dict[int, list[Sequence[Any]]] = defaultdict(list)
    for letter_id, *rest in (await conn.execute(query)).all():
        grouped[letter_id].append(rest)
    return grouped


def _create_engine(url: str) -> AsyncEngine:
    if not url.startswith("sqlite"):
        return create_async_engine(url, pool_pre_ping=True)
    engine = create_async_engine(url, connect_args={"timeout": 30})
    sa.event.listen(engine.sync_engine, "connect", _configure_sqlite)
    sa.event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers carry on while one writer commits; synchronous=FULL makes every
    # committed sign-on survive a power cut, not only a process crash.
    for pragma in (
        "journal_mode = WAL",
        "synchronous = FULL",
        "foreign_keys = ON",
        "busy_timeout = 30000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


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
