"""People's names and timezones from users.info: asked once, kept for a day, learned in
the background after a sign-on, and not asked again at once when Slack fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_client
from bot.rules.people import Person
from bot.services.people import LOOKUPS_WAITED_FOR, People
from bot.settings import Settings
from bot.storage import Store
from tests.conftest import ZONE
from tests.fake_slack import FakeSlack
from tests.helpers import workspaces_for

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def people(store: Store, settings: Settings) -> People:
    client: AsyncWebClient = build_client(settings, retries=False)
    return People(store=store, workspaces=workspaces_for(client))


async def test_a_person_is_read_once_and_again_after_a_day(
    people: People, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U1", name="ada", real_name="Ada Lovelace", tz="Europe/London")
    assert await people.names(["U1", "UNOBODY"], now=NOW) == {"U1": "Ada Lovelace"}
    zones = await people.zones(["U1", "UNOBODY"], now=NOW + timedelta(hours=1), default=ZONE)
    assert zones == {"U1": ZoneInfo("Europe/London"), "UNOBODY": ZONE}
    assert len(fake_slack.calls_to("users.info")) == 2  # each once, the unknown one too
    fake_slack.add_user("U1", name="ada", real_name="Ada King", tz="Europe/London")
    assert await people.names(["U1"], now=NOW + timedelta(days=1)) == {"U1": "Ada King"}
    assert len(fake_slack.calls_to("users.info")) == 3


async def test_when_slack_fails_the_person_is_not_asked_again_at_once(
    people: People, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U1", name="ada", real_name="Ada Lovelace")
    fake_slack.fail("users.info", status=500, retry_after=None)
    assert await people.names(["U1"], now=NOW) == {}
    assert await people.names(["U1"], now=NOW) == {}
    assert len(fake_slack.calls_to("users.info")) == 1


async def test_a_timezone_python_does_not_know_leaves_the_coalitions(
    people: People, store: Store
) -> None:
    await store.people.save([Person("U1", "Ada", tz="Mars/Olympus_Mons")], now=NOW)
    assert await people.zones(["U1"], now=NOW, default=ZONE) == {"U1": ZONE}


async def test_past_what_is_waited_for_the_rest_are_learned_in_the_background(
    people: People, fake_slack: FakeSlack, store: Store
) -> None:
    users = [f"U{n:03d}" for n in range(LOOKUPS_WAITED_FOR + 10)]
    for user in users:
        fake_slack.add_user(user, name=user.lower(), real_name=f"Person {user}")
    names = await people.names(users, now=NOW)
    assert len(names) == LOOKUPS_WAITED_FOR
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("users.info")) == len(users))
    await people.settle()
    assert len(await store.people.get(users)) == len(users)
