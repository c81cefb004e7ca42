"""The database, behind a `Store` with one part per area of the bot.

One `Store` per process, used as `async with Store(url) as store:`; entering it
connects and applies migrations. Its parts hold the queries, named for what the bot
needs (`letters`, `signatures`, `entries`, `reviews`, `planning`, `deliveries`, …).
Queries are SQLAlchemy Core, so the same code runs on SQLite (the default, nothing to
install) and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.storage.deliveries import Deliveries
from bot.storage.drafts import DraftRecords
from bot.storage.entries import EntryRecords
from bot.storage.history import History
from bot.storage.holds import HoldRecords
from bot.storage.letters import LetterRecords
from bot.storage.people import PeopleRecords
from bot.storage.planning import Planning
from bot.storage.questions import QuestionRecords
from bot.storage.reviews import ReviewRecords
from bot.storage.roster import RosterRecords
from bot.storage.signons import Signatures
from bot.storage.web_signons import WebSignOnRecords

logger = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS = Path(__file__).with_name("migrations")
# PostgreSQL advisory lock key held while migrating ("undersigned" in ASCII, truncated).
MIGRATION_LOCK = 0x756E6465727369
# How long a writer waits for SQLite's write lock before it gives up, and how often a
# batch of sign-ons asks for it.
SQLITE_BUSY_SECONDS = 30.0
SQLITE_LOCK_POLL_SECONDS = 0.0005
# How long a new connection keeps asking for WAL while another sets up a new file.
SQLITE_SWITCH_SECONDS = 30.0
# Execution option marking a connection whose transactions only read.
READ_ONLY = "undersigned_read_only"


class Store:
    """A `recorder`'s store is the sign-on recorder's (`bot.recorder`), a process that
    does nothing but write batches: on SQLite it writes on the calling thread, without
    the hand-off to a worker thread that keeps a web server answering, and takes the
    write lock the moment another process lets it go."""

    def __init__(self, url: str, *, recorder: bool = False) -> None:
        self._url = url
        self._recorder = recorder
        self._engine: AsyncEngine | None = None
        self._reader: AsyncEngine | None = None
        self._sqlite_writer: sa.Engine | None = None
        # SQLite has one writer at a time. Queueing writers here, rather than letting
        # them collide in SQLite's busy handler (which sleeps in growing steps), keeps
        # sign-on latency flat under a burst.
        self._write_turn = asyncio.Lock() if url.startswith("sqlite") else None
        self.letters = LetterRecords(writing=self._transaction, reading=self._reading)
        self.drafts = DraftRecords(writing=self._transaction, reading=self._reading)
        self.signatures = Signatures(
            writing=self._transaction, reading=self._reading, run_writing=self._run_writing
        )
        self.reviews = ReviewRecords(writing=self._transaction, reading=self._reading)
        self.entries = EntryRecords(writing=self._transaction, reading=self._reading)
        self.planning = Planning(writing=self._transaction, reading=self._reading)
        self.deliveries = Deliveries(writing=self._transaction, reading=self._reading)
        self.history = History(writing=self._transaction, reading=self._reading)
        self.roster = RosterRecords(writing=self._transaction, reading=self._reading)
        self.people = PeopleRecords(
            writing=self._transaction, reading=self._reading, run_writing=self._run_writing
        )
        self.holds = HoldRecords(writing=self._transaction, reading=self._reading)
        self.web_signons = WebSignOnRecords(writing=self._transaction, reading=self._reading)
        self.questions = QuestionRecords(writing=self._transaction, reading=self._reading)

    async def __aenter__(self) -> Self:
        self._engine = _create_engine(self._url)
        try:
            async with self._engine.connect() as conn:
                await _migrate(conn)
        except BaseException:
            await self._engine.dispose()
            self._engine = None
            raise
        self._reader = self._engine.execution_options(**{READ_ONLY: True})
        self._sqlite_writer = _create_sqlite_writer(self._url, prompt=self._recorder)
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

    async def _run_writing(self, work: Callable[..., T], *args: Any) -> T:
        """Run synchronous `work(connection, *args)` in one writing transaction. On
        SQLite it runs on a plain sqlite3 connection, in one worker thread (but for the
        recorder): one hand-off in all, instead of one per query through the event loop."""
        if self._sqlite_writer is None:
            async with self._transaction() as conn:
                return await conn.run_sync(work, *args)
        writer = self._sqlite_writer
        assert self._write_turn is not None
        async with self._write_turn:
            if self._recorder:
                return _in_transaction(writer, work, *args)
            return await asyncio.to_thread(_in_transaction, writer, work, *args)

    async def ping(self) -> bool:
        """True when the database answers; for health checks."""
        try:
            async with self._reading() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception:
            logger.exception("Database did not answer the health check")
            return False
        return True


def _in_transaction(engine: sa.Engine, work: Callable[..., T], *args: Any) -> T:
    with engine.begin() as conn:
        return work(conn, *args)


def _create_engine(url: str) -> AsyncEngine:
    if not url.startswith("sqlite"):
        return create_async_engine(url, pool_pre_ping=True)
    engine = create_async_engine(url, connect_args={"timeout": 30})
    sa.event.listen(engine.sync_engine, "connect", _configure_sqlite)
    sa.event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _create_sqlite_writer(url: str, *, prompt: bool) -> sa.Engine | None:
    """A synchronous engine on the same SQLite file, for batches of writes; a `prompt`
    one takes the write lock as soon as it is free."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    engine = sa.create_engine(
        parsed.set(drivername="sqlite+pysqlite"),
        connect_args={"timeout": 30, "check_same_thread": False},
    )
    sa.event.listen(engine, "connect", _configure_sqlite)
    sa.event.listen(engine, "begin", _begin_immediate_promptly if prompt else _begin_immediate)
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


def _begin_immediate_promptly(conn: sa.Connection) -> None:
    """`_begin_immediate` for the recorder's batches, taking the write lock as soon as
    another process lets it go. SQLite's own wait (busy_timeout) sleeps 1, 2, 5, 10,
    15 ms… between tries, so a lock held for 3 ms costs a batch 8; here it is tried
    again every SQLITE_LOCK_POLL_SECONDS, SQLITE_BUSY_SECONDS in all. (A web server's
    thread asking this often would take the interpreter lock from its event loop.)"""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    cursor.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            time.sleep(SQLITE_LOCK_POLL_SECONDS)
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_SECONDS * 1000)}")
        cursor.close()


async def _migrate(conn: AsyncConnection) -> None:
    """Bring the database to the newest schema, in one transaction.

    SQLite changes a table's CHECK by building it anew and dropping the old one, and a
    dropped table's rows take their ON DELETE CASCADE children with them: its foreign
    keys are off while migrating (a pragma that only takes effect between
    transactions), checked before the commit, and on again after.
    """
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        await _pragma(conn, "foreign_keys = OFF")
    try:
        async with conn.begin():
            if conn.dialect.name == "postgresql":
                # Replicas starting together migrate one at a time; the others then
                # find the database current.
                await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
            migrated = await conn.run_sync(_upgrade_to_head)
            if (
                sqlite
                and migrated
                and (await conn.exec_driver_sql("PRAGMA foreign_key_check")).first()
            ):
                raise RuntimeError("migrating left rows whose foreign keys point nowhere")
    finally:
        if sqlite:
            await _pragma(conn, "foreign_keys = ON")


async def _pragma(conn: AsyncConnection, pragma: str) -> None:
    """A pragma run outside any transaction, on the driver's connection itself."""
    raw = await conn.get_raw_connection()
    await raw.driver_connection.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]


def _upgrade_to_head(connection: sa.Connection) -> bool:
    """Run the migrations still to run; True if there were any."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    before = MigrationContext.configure(connection).get_current_heads()
    command.upgrade(config, "head")
    return MigrationContext.configure(connection).get_current_heads() != before
