"""PostgreSQL databases for the suite's second pass.

With UNDERSIGNED_TEST_POSTGRES set to a server's URL (as `make test` sets it), the
tests that use a database run on one migrated database of the session's own, emptied
before each test, and dropped at the end; a test of migrating gets a new, empty one.
Without it, tests run on SQLite files.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import asyncpg
from sqlalchemy.engine import make_url

from bot.storage import Store
from bot.storage.schema import metadata

POSTGRES_ENV = "UNDERSIGNED_TEST_POSTGRES"


def postgres_server() -> str | None:
    """The PostgreSQL server the suite runs against, if this is the PostgreSQL pass."""
    return os.environ.get(POSTGRES_ENV) or None


@asynccontextmanager
async def fresh_database(server: str) -> AsyncIterator[str]:
    """A new, empty database on `server`; yields its SQLAlchemy URL, drops it after."""
    url = make_url(server).set(drivername="postgresql")
    name = f"undersigned_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield url.set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@contextmanager
def session_database(server: str) -> Iterator[str]:
    """A database for the whole session, migrated to the current schema."""

    async def create() -> tuple[str, str]:
        url = make_url(server).set(drivername="postgresql")
        name = f"undersigned_session_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(url.render_as_string(hide_password=False))
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        database = url.set(drivername="postgresql+asyncpg", database=name)
        async with Store(database.render_as_string(hide_password=False)):
            pass  # opening the store migrates
        return name, database.render_as_string(hide_password=False)

    async def drop(name: str) -> None:
        url = make_url(server).set(drivername="postgresql")
        admin = await asyncpg.connect(url.render_as_string(hide_password=False))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    name, url = asyncio.run(create())
    try:
        yield url
    finally:
        asyncio.run(drop(name))


async def emptied(url: str) -> None:
    """Every table of `url` emptied, its ids starting again from 1, its schema kept.

    DELETE rather than TRUNCATE: on a test's few rows it takes milliseconds, where
    TRUNCATE of every table took 0.15 s before each test of the pass."""
    connection = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        sequences = await connection.fetch(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
        )
        statements = [f'DELETE FROM "{table.name}"' for table in reversed(metadata.sorted_tables)]
        statements += [f'ALTER SEQUENCE "{row["sequencename"]}" RESTART' for row in sequences]
        async with connection.transaction():
            await connection.execute(";\n".join(statements))
    finally:
        await connection.close()


async def _reachable(server: str) -> str | None:
    """None if `server` answers, else why not."""
    try:
        connection = await asyncpg.connect(
            make_url(server).set(drivername="postgresql").render_as_string(hide_password=False),
            timeout=10,
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as problem:
        return str(problem) or type(problem).__name__
    await connection.close()
    return None


if __name__ == "__main__":
    # `make test` asks before the PostgreSQL pass, so a missing server is a clear
    # failure, not a skipped pass or a page of tracebacks.
    server = sys.argv[1]
    problem = asyncio.run(_reachable(server))
    if problem is not None:
        print(
            f"The PostgreSQL pass of the tests can't reach {server}: {problem}\n"
            "Start PostgreSQL (on Debian: pg_ctlcluster --skip-systemctl-redirect "
            "$(ls /etc/postgresql) main start), or point TEST_POSTGRES at a server you can "
            "create databases on: make test TEST_POSTGRES=postgresql://user@host:5432/db",
            file=sys.stderr,
        )
        sys.exit(1)
