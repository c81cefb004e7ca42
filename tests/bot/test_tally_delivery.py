"""The daily tally and its charts as one delivery: a retry sends only what Slack hasn't
taken, and the next tally compares against the text the lead received."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.dispatch import Dispatcher
from bot.storage import Store
from tests.bot.test_dispatch import T0, TALLY_AT, dms, posted, sign
from tests.conftest import LEAD
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, workspaces_for

TOMORROW_9 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 9:00 in New York


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)


@pytest.fixture
def dispatcher(store: Store, client: AsyncWebClient) -> Dispatcher:
    return Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=TALLY_AT)


def tallies(fake: FakeSlack, user: str) -> list[str]:
    return [all_text(m) for m in dms(fake, user) if "Daily tally" in m.text]


def charts(fake: FakeSlack, user: str) -> list[str]:
    return [f.filename for f in fake.shared_files if f.channel == f"D{user}"]


async def test_a_chart_slack_fails_to_take_is_retried_alone(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """The chart's upload answered 500 twice: it is tried again 5 and 10 seconds later,
    and the lead gets the tally's text once and then the chart once."""
    letter = await posted(store, client, deadline=T0 + timedelta(days=10))
    await sign(store, letter, "Mijente", at=T0)
    await dispatcher.run_due(T0)
    fake_slack.fail("files.completeUploadExternal", status=500, retry_after=None, times=2)
    assert await dispatcher.run_due(TOMORROW_9) == TOMORROW_9 + timedelta(seconds=5)
    retried = TOMORROW_9 + timedelta(seconds=15)
    assert await dispatcher.run_due(TOMORROW_9 + timedelta(seconds=5)) == retried
    assert charts(fake_slack, LEAD) == []
    await dispatcher.run_due(retried)
    await dispatcher.run_due(retried + timedelta(minutes=10))

    (text,) = tallies(fake_slack, LEAD)
    assert "*1* signed · closes " in text
    assert charts(fake_slack, LEAD) == [f"letter-{letter.id}-sign-ons.png"]
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 3
    assert await store.history.tally_problems() == []


async def test_a_chart_slack_refuses_leaves_the_tally_sent(
    store: Store,
    client: AsyncWebClient,
    dispatcher: Dispatcher,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Slack refusing the chart for good after the text went out is logged; the tally
    counts as sent, and the next day's compares against it."""
    letter = await posted(store, client, deadline=T0 + timedelta(days=10))
    await sign(store, letter, "Mijente", at=T0)
    await dispatcher.run_due(T0)
    fake_slack.fail("files.getUploadURLExternal", status=200, error="file_uploads_disabled")
    await dispatcher.run_due(TOMORROW_9)
    await dispatcher.run_due(TOMORROW_9 + timedelta(hours=1))
    assert len(tallies(fake_slack, LEAD)) == 1 and charts(fake_slack, LEAD) == []
    assert len(fake_slack.calls_to("files.getUploadURLExternal")) == 1
    assert await store.history.tally_problems() == []
    assert f"The daily tally went to {LEAD} without its charts" in caplog.text

    await sign(store, letter, "CHIRLA", at=TOMORROW_9 + timedelta(hours=2))
    await dispatcher.run_due(TOMORROW_9 + timedelta(days=1))
    latest = tallies(fake_slack, LEAD)[-1]
    assert "*2* signed (+1) · closes " in latest
    assert "*New (1):* CHIRLA" in latest
    assert charts(fake_slack, LEAD) == [f"letter-{letter.id}-sign-ons.png"]


async def test_the_next_tally_compares_against_a_text_whose_chart_is_still_retrying(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """A day of failed chart uploads: the text went out once, the next day's tally counts
    from it, and after the day the first tally counts as sent without its chart."""
    letter = await posted(store, client, deadline=T0 + timedelta(days=10))
    await sign(store, letter, "Mijente", at=T0)
    await dispatcher.run_due(T0)
    fake_slack.fail("files.completeUploadExternal", status=503, retry_after=None, times=1000)
    await dispatcher.run_due(TOMORROW_9)
    await dispatcher.run_due(TOMORROW_9 + timedelta(seconds=5))
    assert len(tallies(fake_slack, LEAD)) == 1

    await sign(store, letter, "CHIRLA", at=TOMORROW_9 + timedelta(hours=2))
    await dispatcher.run_due(TOMORROW_9 + timedelta(days=1))
    (_, second) = tallies(fake_slack, LEAD)
    assert "*2* signed (+1) · closes " in second
    assert "*New (1):* CHIRLA" in second and "Mijente" not in second
    # The first gave up on its chart and counts as sent; the second retries its own.
    assert await store.history.tally_problems() == []
    assert charts(fake_slack, LEAD) == []
