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
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.models import Letter, LetterStatus, NewLetter, Post
from bot.storage.schema import letter_drafts, letter_leads, letter_posts, letters

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")

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


async def _grouped(conn: AsyncConnection, query: sa.Select[Any]) -> dict[int, list[Sequence[Any]]]:
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
