"""What every area of the store shares: how it gets a connection, the INSERT that can
skip or update a row already there, and row grouping."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")

# A transaction, as an async context manager: one that writes, or one that only reads.
Connect = Callable[[], AbstractAsyncContextManager[AsyncConnection]]
# Runs a synchronous function in one writing transaction (on SQLite, in the writer
# thread, in one hand-off), passing it the connection first.
RunWriting = Callable[..., Awaitable[Any]]


def grouped(
    conn: sa.Connection, query: sa.Executable, parameters: Mapping[str, Any] | None = None
) -> dict[int, list[Sequence[Any]]]:
    """Rows of `query` grouped by their first column, an id."""
    groups: dict[int, list[Sequence[Any]]] = defaultdict(list)
    for key, *rest in conn.execute(query, parameters).all():
        groups[key].append(rest)
    return groups


def each(name: str) -> sa.BindParameter[Any]:
    """A parameter taking a list, for `IN`."""
    return sa.bindparam(name, expanding=True)


def insert_into(conn: AsyncConnection | sa.Connection, table: sa.Table) -> Any:
    """An INSERT with `on_conflict_do_nothing` / `on_conflict_do_update`, in the
    connection's own dialect (SQLite's and PostgreSQL's spell them alike)."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)
