"""Fixtures: a fake Slack, a real store (a SQLite file, or PostgreSQL in the suite's
PostgreSQL pass), the app behind HTTP, and the bot as a process of its own."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.app import build_app, build_services
from bot.scheduler import Scheduler
from bot.server import EVENTS_PATH, build_scheduler, build_web_app
from bot.settings import Settings
from bot.storage import Store
from tests.bot_process import BotProcess, bot_environment
from tests.fake_slack import TOKEN, FakeSlack
from tests.postgres import emptied, fresh_database, postgres_server, session_database
from tests.slack_driver import SIGNING_SECRET, SlackDriver

ORGANIZER = "UORGANIZER"
LEAD = "ULEAD"
MEMBER = "UMEMBER"
ZONE = ZoneInfo("America/New_York")

# A real SMTP server and a real browser, for the tests of the public pages.
pytest_plugins = ["tests.smtp_server", "tests.browser"]

FIXTURES = Path(__file__).parent / "fixtures"


DATABASE_FIXTURES = {"database_url", "new_database_url"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass runs what touches a database (the tests that use one of
    DATABASE_FIXTURES), except those marked `sqlite_pass`: what they prove of a process
    killed and restarted is proved on PostgreSQL by the replicas test."""
    if postgres_server() is None:
        return
    kept, dropped = [], []
    for item in items:
        uses_database = bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
        if uses_database and item.get_closest_marker("sqlite_pass") is None:
            kept.append(item)
        else:
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """In the PostgreSQL pass, one migrated database for the session, emptied before
    each test (far quicker than a database per test); None in the SQLite pass."""
    server = postgres_server()
    if server is None:
        yield None
        return
    with session_database(server) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once for the session, copied for each test: migrating
    costs a tenth of a second, copying a few milliseconds."""
    path = tmp_path_factory.mktemp("template") / "undersigned.db"

    async def migrate() -> None:
        async with Store(f"sqlite+aiosqlite:///{path}"):
            pass

    asyncio.run(migrate())
    return path


@pytest.fixture
async def database_url(
    tmp_path: Path, postgres_database: str | None, migrated_sqlite: Path
) -> AsyncIterator[str]:
    """An empty, migrated database: a SQLite file, or in the PostgreSQL pass the
    session's database with every table emptied and every id sequence restarted."""
    if postgres_database is None:
        shutil.copyfile(migrated_sqlite, tmp_path / "undersigned.db")
        yield f"sqlite+aiosqlite:///{tmp_path / 'undersigned.db'}"
        return
    await emptied(postgres_database)
    yield postgres_database


@pytest.fixture
async def new_database_url(tmp_path: Path) -> AsyncIterator[str]:
    """A database with nothing in it, not even the schema: for tests of migrating."""
    server = postgres_server()
    if server is None:
        yield f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
        return
    async with fresh_database(server) as url:
        yield url


@pytest.fixture
def settings(database_url: str, fake_slack: FakeSlack) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_app_token=None,
        slack_api_url=fake_slack.api_url,
        database_url=database_url,
        port=3000,
        organizers=frozenset({ORGANIZER}),
        organizer_group=None,
        timezone=ZONE,
    )


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    async with Store(settings.database_url) as store:
        yield store


@pytest.fixture
async def scheduler(settings: Settings, store: Store) -> AsyncIterator[Scheduler]:
    """The scheduled posts running on the real clock, as in the bot."""
    scheduler = build_scheduler(settings, store)
    await scheduler.start()
    yield scheduler
    await scheduler.stop()


@pytest.fixture
async def server(
    settings: Settings, store: Store, scheduler: Scheduler
) -> AsyncIterator[TestServer]:
    services = build_services(settings, store, schedule_changed=scheduler.poke)
    server = TestServer(build_web_app(build_app(services), services), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()
    await services.settle()


@pytest.fixture
async def slack(server: TestServer, fake_slack: FakeSlack) -> AsyncIterator[SlackDriver]:
    async with aiohttp.ClientSession() as session:
        yield SlackDriver(session, str(server.make_url(EVENTS_PATH)), fake_slack)


@pytest.fixture
def bot_env(database_url: str, fake_slack: FakeSlack) -> dict[str, str]:
    # A tally time far from now, so no daily tally mixes into what a test counts.
    tally = (datetime.now(ZONE) + timedelta(hours=12)).strftime("%H:%M")
    return bot_environment(
        api_url=fake_slack.api_url,
        database_url=database_url,
        ORGANIZERS=ORGANIZER,
        TIMEZONE=ZONE.key,
        TALLY_TIME=tally,
    )


@pytest.fixture
def bot(tmp_path: Path, bot_env: dict[str, str]) -> Iterator[BotProcess]:
    process = BotProcess(workdir=tmp_path, env=bot_env)
    yield process
    process.stop()
