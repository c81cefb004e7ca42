"""The HTTP endpoint: only Slack's signed requests get in; the health check answers."""

from __future__ import annotations

import json
import time

import aiohttp
from aiohttp.test_utils import TestServer

from bot.server import HEALTH_PATH
from bot.storage import Store
from tests.conftest import ORGANIZER
from tests.fake_slack import FakeSlack
from tests.slack_driver import SlackDriver


async def test_a_request_with_a_bad_signature_is_refused(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A forged /letter command gets 401 and nothing happens."""
    reply = await slack.send(
        "command=%2Fletter&text=new&user_id=UORGANIZER&trigger_id=t&response_url="
        + fake_slack.response_url("forged"),
        signature="v0=" + "0" * 64,
    )
    assert reply.status == 401
    # A genuine request sent afterwards is answered; the forged one never was.
    await slack.command("/letter", "help", user=ORGANIZER, channel="C1")
    await fake_slack.wait_for(lambda: fake_slack.responses)
    assert fake_slack.calls_to("views.open") == []
    assert len(fake_slack.responses) == 1


async def test_a_replayed_request_with_a_stale_timestamp_is_refused(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A correctly signed request more than five minutes old gets 401."""
    reply = await slack.send(
        "command=%2Fletter&text=help&response_url=" + fake_slack.response_url("stale"),
        timestamp=int(time.time()) - 600,
    )
    assert reply.status == 401
    await slack.command("/letter", "help", user=ORGANIZER, channel="C1")
    await fake_slack.wait_for(lambda: fake_slack.responses)
    assert [c.args for c in fake_slack.calls if c.method == "response_url"] == [
        fake_slack.responses[0]
    ]


async def test_a_signed_request_is_accepted(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """The same command, properly signed, is answered."""
    reply = await slack.command("/letter", "help", user=ORGANIZER, channel="C1")
    assert reply.status == 200
    await fake_slack.wait_for(lambda: fake_slack.responses)


async def test_the_health_check_reports_the_database(server: TestServer) -> None:
    """GET /healthz answers 200 while the database answers."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(server.make_url(HEALTH_PATH)) as response,
    ):
        assert response.status == 200
        assert await response.json() == {"ok": True}


async def test_the_event_subscriptions_url_check_is_answered(slack: SlackDriver) -> None:
    """Slack checks an HTTP-mode app's event URL with a `url_verification` challenge
    (https://api.slack.com/events/url_verification) before it sends app_home_opened."""
    body = json.dumps({"token": "legacy", "challenge": "c0ffee", "type": "url_verification"})
    reply = await slack.send(body, content_type="application/json")
    assert reply.status == 200 and "c0ffee" in reply.body
