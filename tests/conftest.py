"""Fixtures: a fake Slack, a real store (a SQLite file, or PostgreSQL in the suite's
PostgreSQL pass), the app behind HTTP, and the bot as a process of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.app import build_app
from bot.scheduler import Scheduler
from bot.server import EVENTS_PATH, build_scheduler, build_web_app
from bot.settings import Settings
from bot.storage import Store
from tests.bot_process import BotProcess, bot_environment
from tests.fake_slack import TOKEN, FakeSlack
from tests.postgres import fresh_database, postgres_server
from tests.slack_driver import SIGNING_SECRET, SlackDriver

ORGANIZER = "UORGANIZER"
LEAD = "ULEAD"
MEMBER = "UMEMBER"
ZONE = ZoneInfo("America/New_York")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    """A SQLite file, or in the PostgreSQL pass a fresh PostgreSQL database."""
    server = postgres_server()
    if server is None:
        yield f"sqlite+aiosqlite:///{tmp_path / 'undersigned.db'}"
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
    app = build_app(settings, store, schedule_changed=scheduler.poke)
    server = TestServer(build_web_app(app, store), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


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
