"""A fresh PostgreSQL database per test, for the suite's second pass.

With UNDERSIGNED_TEST_POSTGRES set to a server's URL (as `.ci/run` sets it), every test
runs on a database of its own on that server, dropped afterwards; without it, tests run
on SQLite files.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url

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
