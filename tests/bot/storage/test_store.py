"""The Store on a real SQLite file: migrations, integrity rules, and concurrent writes."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError, StatementError

from bot.rules.letters import LetterStatus, NewLetter
from bot.rules.limits import (
    ADDRESSEE_MAX,
    EMAIL_MAX,
    JOB_TITLE_MAX,
    ORGANIZATION_MAX,
    PERSON_MAX,
    PLACE_MAX,
    TITLE_MAX,
)
from bot.rules.schedule import Plan
from bot.storage import Store
from bot.storage.schema import letters, metadata, signatures, signers
from tests.postgres import postgres_server

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
NEW = NewLetter(
    title="Protect our communities",
    addressee="Secretary Doe",
    body="Dear Secretary,\n\nAct.",
    deadline=NOW + timedelta(days=5),
    channels=("C1", "C2"),
    leads=("ULEAD",),
    goal=100,
    created_by="UORG",
)
PLAN = Plan(deadline=NEW.deadline, reminders=())


async def test_migrations_build_exactly_the_schema_the_code_queries(store: Store) -> None:
    """After migrating, the database and schema.py agree column for column."""
    async with store.engine.connect() as conn:
        differences = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
        )
    assert differences == []


async def test_migrations_create_every_check_constraint_the_schema_declares(store: Store) -> None:
    """CHECK constraints, which compare_metadata does not see, match schema.py by name."""
    async with store.engine.connect() as conn:
        in_database = await conn.run_sync(
            lambda sync: {
                (table, check["name"])
                for table in sa.inspect(sync).get_table_names()
                for check in sa.inspect(sync).get_check_constraints(table)
            }
        )
    declared = {
        (table.name, str(constraint.name))
        for table in metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, sa.CheckConstraint)
    }
    assert in_database == declared


async def test_reopening_a_database_keeps_its_letters(database_url: str) -> None:
    """Migrations run again on start are a no-op; what was stored is still there."""
    url = database_url
    async with Store(url) as store:
        await store.letters.create(NEW, plan=PLAN, now=NOW)
    async with Store(url) as store:
        (letter,) = await store.letters.all()
    assert letter.title == NEW.title and letter.deadline == NEW.deadline


@pytest.mark.skipif(postgres_server() is not None, reason="SQLite builds tables anew")
async def test_migrating_a_database_in_use_loses_none_of_its_rows(new_database_url: str) -> None:
    """A migration that builds a table anew (as SQLite changes a CHECK) keeps the rows
    that point at it: deliveries of a job, a letter's posts and signers."""
    database_url = new_database_url
    from alembic import command
    from alembic.config import Config

    from bot.storage.store import MIGRATIONS, _create_engine

    engine = _create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    async with engine.begin() as conn:

        def to_0005(sync: sa.Connection) -> None:
            config.attributes["connection"] = sync
            command.upgrade(config, "0005")

        await conn.run_sync(to_0005)
        for statement in (
            "INSERT INTO letters (id, title, addressee, body, deadline, status, created_by,"
            " created_at, schedule_version, reminders) VALUES (1, 'T', 'A', 'B',"
            " '2026-12-01 00:00:00.000000', 'open', 'U1', '2026-11-01 00:00:00.000000', 1,"
            " '86400')",
            "INSERT INTO letter_posts (letter_id, channel_id, position, ts) VALUES (1, 'C1', 0,"
            " '1.1')",
            "INSERT INTO scheduled_jobs (id, kind, letter_id, due_at, state, key, created_at)"
            " VALUES (1, 'close', 1, '2026-12-01 00:00:00.000000', 'done', 'close:1:1',"
            " '2026-11-01 00:00:00.000000')",
            "INSERT INTO deliveries (job_id, letter_id, target, state, attempts,"
            " next_attempt_at, created_at) VALUES (1, 1, 'C1', 'pending', 0,"
            " '2026-12-01 00:00:00.000000', '2026-12-01 00:00:00.000000')",
        ):
            await conn.exec_driver_sql(statement)
    await engine.dispose()
    async with Store(database_url) as store, store.engine.connect() as conn:
        counts = [
            (await conn.exec_driver_sql(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("letters", "letter_posts", "scheduled_jobs", "deliveries")
        ]
    assert counts == [1, 1, 1, 1]


@pytest.mark.skipif(postgres_server() is not None, reason="SQLite's own settings")
async def test_sqlite_runs_with_wal_and_foreign_keys(store: Store) -> None:
    """Every connection has WAL journaling, full sync and enforced foreign keys."""
    async with store.engine.connect() as conn:
        pragmas = {
            name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous")
        }
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2}


async def test_a_letter_round_trips_with_channels_leads_and_aware_times(store: Store) -> None:
    """What create_letter stores comes back as the same letter, times in UTC."""
    created = await store.letters.create(NEW, plan=PLAN, now=NOW)
    loaded = await store.letters.get(created.id)
    assert loaded == created
    assert loaded.channels == ("C1", "C2") and loaded.leads == ("ULEAD",)
    assert loaded.deadline.tzinfo is UTC and loaded.created_at == NOW
    assert loaded.status is LetterStatus.OPEN and loaded.unposted_channels == ("C1", "C2")

    await store.letters.record_post(created.id, "C2", "1700000000.000100")
    posted = await store.letters.get(created.id)
    assert posted is not None and posted.unposted_channels == ("C1",)
    assert [
        found.id for found in await store.letters.in_channel("C2", status=LetterStatus.OPEN)
    ] == [created.id]
    assert await store.letters.in_channel("C3") == []


@pytest.mark.parametrize(
    ("statement", "why"),
    [
        ("UPDATE letters SET status = 'archived'", "an unknown status"),
        ("UPDATE letters SET goal = 0", "a goal of zero"),
        ("UPDATE letters SET title = '   '", "a blank title"),
        (
            "INSERT INTO letter_posts (letter_id, channel_id, position) VALUES (99, 'C9', 0)",
            "a post of no letter",
        ),
        (
            "INSERT INTO letter_posts (letter_id, channel_id, position) VALUES (1, 'C1', 5)",
            "a channel twice",
        ),
    ],
)
async def test_the_schema_refuses_data_that_breaks_its_rules(
    store: Store, statement: str, why: str
) -> None:
    """Integrity rules live in the database, not only in Python."""
    await store.letters.create(NEW, plan=PLAN, now=NOW)
    with pytest.raises(IntegrityError):
        async with store.engine.begin() as conn:
            await conn.execute(sa.text(statement))
    (letter,) = await store.letters.all()
    assert letter.status is LetterStatus.OPEN and letter.goal == 100, why


async def test_naive_datetimes_are_refused(store: Store) -> None:
    """A deadline without a timezone is a bug, caught before it is stored."""
    with pytest.raises(StatementError):
        await store.letters.create(
            replace(NEW, deadline=datetime(2026, 12, 1, 17, 0)), plan=PLAN, now=NOW
        )
    assert await store.letters.all() == []


async def test_concurrent_writers_all_succeed(store: Store) -> None:
    """Twenty letters created at once are all stored, with no 'database is locked'."""
    created = await asyncio.gather(
        *(
            store.letters.create(replace(NEW, title=f"Letter {n}"), plan=PLAN, now=NOW)
            for n in range(20)
        )
    )
    assert len({letter.id for letter in created}) == 20
    assert len(await store.letters.all()) == 20


async def test_a_draft_belongs_to_its_author_and_is_used_up_by_its_letter(store: Store) -> None:
    """Only the organizer who made a draft can read it; creating the letter removes it."""
    draft_id = await store.drafts.save("Letter text", source="C1/1.0", created_by="UORG", now=NOW)
    assert await store.drafts.get(draft_id, created_by="USOMEONE") is None
    assert await store.drafts.get(draft_id, created_by="UORG") == "Letter text"
    await store.letters.create(NEW, plan=PLAN, now=NOW, draft_id=draft_id)
    assert await store.drafts.get(draft_id, created_by="UORG") is None


async def test_old_drafts_are_cleared_when_new_ones_arrive(store: Store) -> None:
    """A draft abandoned for more than a day is removed."""
    old = await store.drafts.save(
        "Old", source="C1/1.0", created_by="UORG", now=NOW - timedelta(days=2)
    )
    await store.drafts.save("New", source="C1/2.0", created_by="UORG", now=NOW)
    assert await store.drafts.get(old, created_by="UORG") is None


async def test_deleting_a_letter_removes_its_posts_and_leads(store: Store) -> None:
    """Foreign keys cascade, so no orphan rows are left behind."""
    letter = await store.letters.create(NEW, plan=PLAN, now=NOW)
    async with store.engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM letters WHERE id = :id"), {"id": letter.id})
        remaining = (
            await conn.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM letter_posts)"
                    " + (SELECT count(*) FROM letter_leads)"
                )
            )
        ).scalar()
    assert remaining == 0


async def test_replicas_starting_together_on_a_new_database_all_start(
    new_database_url: str,
) -> None:
    """Four stores opened at once on an empty database: one migrates, the others wait and
    find it current (on PostgreSQL an advisory lock orders them)."""

    async def start() -> int:
        async with Store(new_database_url) as store:
            return len(await store.letters.all())

    started = asyncio.gather(*(start() for _ in range(4)))
    assert await asyncio.wait_for(started, 60) == [0, 0, 0, 0]


def test_every_column_holds_the_longest_value_the_checks_allow() -> None:
    """The limits the forms state and the checks enforce fit the schema's columns."""
    widths = {
        (letters.c.title, TITLE_MAX),
        (letters.c.addressee, ADDRESSEE_MAX),
        (signers.c.name, ORGANIZATION_MAX),
        (signers.c.affiliation, ORGANIZATION_MAX),
        (signers.c.city, PLACE_MAX),
        (signers.c.state, PLACE_MAX),
        (signatures.c.submitted_as, ORGANIZATION_MAX),
        (signatures.c.person_name, PERSON_MAX),
        (signatures.c.title, JOB_TITLE_MAX),
        (signatures.c.email, EMAIL_MAX),
    }
    narrower = [
        (str(column), limit)
        for column, limit in widths
        if not isinstance(column.type, sa.String) or (column.type.length or 0) < limit
    ]
    assert narrower == []
