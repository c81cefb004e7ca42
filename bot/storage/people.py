"""What Slack said of people (names, timezones, languages), kept so that showing a name
or timing a tally costs no call; the language each chose; and who has opened the App
Home."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.language import Language
from bot.rules.people import Person
from bot.storage.connect import Connect, RunWriting, insert_into
from bot.storage.schema import home_views, language_choices, people


class PeopleRecords:
    def __init__(self, *, writing: Connect, reading: Connect, run_writing: RunWriting) -> None:
        self._writing = writing
        self._reading = reading
        self._run_writing = run_writing

    async def get(self, user_ids: Iterable[str]) -> dict[str, tuple[Person, datetime]]:
        """Each known person among `user_ids`, with when Slack was last asked."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        async with self._reading() as conn:
            rows = await conn.execute(sa.select(people).where(people.c.user_id.in_(wanted)))
            return {
                row.user_id: (
                    Person(row.user_id, row.name, row.tz, row.email, row.locale),
                    row.fetched_at,
                )
                for row in rows
            }

    async def save(self, found: Sequence[Person], *, now: datetime) -> None:
        """Keep what Slack said. People are learned as they sign, in the thick of a
        burst: the save runs in one hand-off, so SQLite's write lock is held only as
        long as the statement takes, not while the event loop gets round to it."""
        if not found:
            return
        rows: list[dict[str, object]] = [
            {
                "user_id": p.user_id,
                "name": p.name,
                "tz": p.tz,
                "email": p.email,
                "locale": p.locale,
                "fetched_at": now,
            }
            for p in found
        ]
        await self._run_writing(_save_people, rows)

    async def chosen_languages(self, user_ids: Iterable[str]) -> dict[str, Language]:
        """The language each of `user_ids` who chose one chose."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(language_choices.c.user_id, language_choices.c.language).where(
                    language_choices.c.user_id.in_(wanted)
                )
            )
            return {row.user_id: Language(row.language) for row in rows}

    async def languages(self) -> dict[str, tuple[Language | None, str | None]]:
        """Everyone known, with the language they chose (if any) and their Slack locale:
        what a process keeps at hand to answer each request in its reader's language."""
        async with self._reading() as conn:
            locales = await conn.execute(sa.select(people.c.user_id, people.c.locale))
            chosen = await conn.execute(
                sa.select(language_choices.c.user_id, language_choices.c.language)
            )
            found: dict[str, tuple[Language | None, str | None]] = {
                row.user_id: (None, row.locale) for row in locales
            }
            for row in chosen:
                _, locale = found.get(row.user_id, (None, None))
                found[row.user_id] = (Language(row.language), locale)
            return found

    async def choose_language(
        self, user_id: str, language: Language | None, *, now: datetime
    ) -> None:
        """Answer `user_id` in `language` from now on; None: in their Slack locale's."""
        async with self._writing() as conn:
            if language is None:
                await conn.execute(
                    sa.delete(language_choices).where(language_choices.c.user_id == user_id)
                )
                return
            await _upsert(
                conn,
                language_choices,
                [{"user_id": user_id, "language": language.value, "chosen_at": now}],
                key="user_id",
                columns=("language", "chosen_at"),
            )

    async def opened_home(self, user_id: str, *, now: datetime) -> None:
        async with self._writing() as conn:
            await _upsert(
                conn,
                home_views,
                [{"user_id": user_id, "opened_at": now}],
                key="user_id",
                columns=("opened_at",),
            )

    async def keep_notice(
        self, user_id: str, notice: str, *, now: datetime, until: datetime
    ) -> None:
        """Show `notice` at the top of `user_id`'s Home until `until` (a button pressed
        there: they have it open)."""
        async with self._writing() as conn:
            await _upsert(
                conn,
                home_views,
                [{"user_id": user_id, "opened_at": now, "notice": notice, "notice_until": until}],
                key="user_id",
                columns=("notice", "notice_until"),
            )

    async def notice(self, user_id: str, *, now: datetime) -> str:
        """The notice still to show at the top of `user_id`'s Home, if any."""
        async with self._reading() as conn:
            found = await conn.execute(
                sa.select(home_views.c.notice).where(
                    home_views.c.user_id == user_id, home_views.c.notice_until > now
                )
            )
            return found.scalar() or ""

    async def home_viewers(self, among: Iterable[str] | None = None) -> list[str]:
        """Who has opened the App Home (of `among`, when given)."""
        query = sa.select(home_views.c.user_id).order_by(home_views.c.user_id)
        if among is not None:
            query = query.where(home_views.c.user_id.in_(sorted(set(among))))
        async with self._reading() as conn:
            return list((await conn.execute(query)).scalars())


def _save_people(conn: sa.Connection, rows: list[dict[str, object]]) -> None:
    conn.execute(
        _upsert_statement(
            conn,
            people,
            rows,
            key="user_id",
            columns=("name", "tz", "email", "locale", "fetched_at"),
        )
    )


async def _upsert(
    conn: AsyncConnection,
    table: sa.Table,
    rows: list[dict[str, object]],
    *,
    key: str,
    columns: tuple[str, ...],
) -> None:
    await conn.execute(_upsert_statement(conn, table, rows, key=key, columns=columns))


def _upsert_statement(
    conn: AsyncConnection | sa.Connection,
    table: sa.Table,
    rows: list[dict[str, object]],
    *,
    key: str,
    columns: tuple[str, ...],
) -> sa.Executable:
    """Insert `rows`, or update `columns` of those whose `key` is there already."""
    insert = insert_into(conn, table)
    statement: sa.Executable = insert.values(rows).on_conflict_do_update(
        index_elements=[key], set_={column: insert.excluded[column] for column in columns}
    )
    return statement
