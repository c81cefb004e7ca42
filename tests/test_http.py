"""The HTTP endpoint: only Slack's signed requests get in; the health check answers."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.server import HEALTH_PATH
from bot.services.signons import SignOns
from bot.slack.blocks.problems import SOMETHING_WENT_WRONG
from bot.storage import Store
from tests.conftest import MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import coalition, post_letter, signon
from tests.slack_driver import SlackDriver, command_fields


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


async def test_a_forged_signon_is_refused_and_nothing_is_recorded(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """/signon is answered ahead of Bolt's dispatch, but only once its signature holds:
    a forged one gets Bolt's 401, and signs for no one."""
    coalition(fake_slack)
    await post_letter(slack, fake_slack)
    fields = command_fields(
        fake_slack, "/signon", "Mijente", user=MEMBER, channel="CCOALITION", n=1
    )
    fields["response_url"] = fake_slack.response_url("forged-signon")
    reply = await slack.send(urlencode(fields), signature="v0=" + "0" * 64)
    assert reply.status == 401
    assert await store.signatures.signers(1) == []
    # Signed as Slack signs, the same sign-on is recorded.
    assert "You signed" in await signon(slack, fake_slack, "Mijente")
    assert [s.name for s in await store.signatures.signers(1)] == ["Mijente"]


async def test_a_signon_that_fails_before_its_answer_is_apologised_for(
    slack: SlackDriver, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault on our side, as Bolt handles one: the person hears something went wrong
    (on the response_url), and Slack gets a 500."""

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(SignOns, "letters_for", broken)
    reply = await slack.command("/signon", "Mijente", user=MEMBER, channel="CCOALITION")
    assert reply.status == 500
    await fake_slack.wait_for(lambda: fake_slack.responses)
    assert fake_slack.responses[-1]["text"] == SOMETHING_WENT_WRONG
