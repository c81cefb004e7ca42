"""A fresh PostgreSQL database per test, for the suite's second pass.

With UNDERSIGNED_TEST_POSTGRES set to a server's URL (as `.ci/run` sets it), every test
runs on a database of its own on that server, dropped afterwards; without it, tests run
on SQLite files.
"""

from __future__ import annotations

import os
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
