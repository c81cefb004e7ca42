"""Socket Mode: with an app-level token the bot connects out and answers over the socket."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_app, build_services
from bot.rules.letters import NewLetter
from bot.rules.schedule import Plan
from bot.server import serve_socket_mode, verify_credentials
from bot.settings import ConfigurationError, Settings
from bot.storage import Store
from tests.bot_process import BotProcess, free_port
from tests.conftest import MEMBER
from tests.fake_slack import APP_TOKEN, TOKEN, FakeSlack
from tests.slack_driver import command_fields
from tests.smtp_server import SmtpServer


@asynccontextmanager
async def over_the_socket(settings: Settings, store: Store, fake: FakeSlack) -> AsyncIterator[None]:
    """The bot in Socket Mode, connected to the fake Slack; stopped cleanly after."""
    socket_settings = settings.model_copy(
        update={"slack_app_token": SecretStr(APP_TOKEN), "slack_signing_secret": None}
    )
    stop = asyncio.Event()
    services = build_services(socket_settings, store)
    running = asyncio.create_task(serve_socket_mode(build_app(services), APP_TOKEN, until=stop))
    try:
        await fake.wait_for(lambda: fake.sockets)
        yield
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
        await services.settle()


async def test_a_command_arriving_over_the_socket_is_acked_and_answered(
    settings: Settings, store: Store, fake_slack: FakeSlack
) -> None:
    """The bot opens a connection, acks the envelope and answers on the response_url."""
    async with over_the_socket(settings, store, fake_slack):
        ack = await fake_slack.push(
            "slash_commands",
            command_fields(fake_slack, "/letter", "help", user=MEMBER, channel="C1", n=1),
        )
        assert ack["envelope_id"].startswith("envelope-")
        await fake_slack.wait_for(lambda: fake_slack.responses)
        assert "`/letter new`" in fake_slack.responses[-1]["text"]
    assert fake_slack.calls_to("apps.connections.open")[0].ok


async def test_a_signon_over_the_socket_is_recorded_and_answered_in_its_ack(
    settings: Settings, store: Store, fake_slack: FakeSlack
) -> None:
    """Over HTTP a /signon is taken ahead of Bolt's dispatch; over the socket Bolt runs
    the same listener, and the answer comes back in the envelope's ack."""
    now = datetime.now(UTC)
    deadline = now + timedelta(days=1)
    letter = await store.letters.create(
        NewLetter("Title", "To", "Text", deadline, ("C1",), (), None, "U0"),
        plan=Plan(deadline, ()),
        now=now,
    )
    await store.letters.record_post(letter.id, "C1", fake_slack.add_message("C1", "letter"))
    async with over_the_socket(settings, store, fake_slack):
        ack = await fake_slack.push(
            "slash_commands",
            command_fields(fake_slack, "/signon", "Mijente", user=MEMBER, channel="C1", n=1),
        )
    assert "You signed" in str(ack["payload"])
    assert [s.name for s in await store.signatures.signers(letter.id)] == ["Mijente"]


async def test_the_home_tab_opened_over_the_socket_is_published(
    settings: Settings, store: Store, fake_slack: FakeSlack
) -> None:
    """app_home_opened arrives as an events_api envelope; the Home is published."""
    async with over_the_socket(settings, store, fake_slack):
        event = {"type": "app_home_opened", "user": MEMBER, "channel": "D1", "tab": "home"}
        await fake_slack.push(
            "events_api",
            {
                "type": "event_callback",
                "team_id": "T1",
                "api_app_id": "A1",
                "event": {**event, "event_ts": "1700000000.000100"},
                "event_id": "Ev1",
                "event_time": 1700000000,
            },
        )
        await fake_slack.wait_for(lambda: fake_slack.home_of(MEMBER))
        # Nothing to sign yet: the one line on what the app does.
        assert "Undersigned runs the coalition's sign-on letters" in str(fake_slack.home_of(MEMBER))


@pytest.mark.parametrize(
    ("bot_token", "app_token", "variable"),
    [
        ("xoxb-mistyped", None, "SLACK_BOT_TOKEN"),
        (TOKEN, "xapp-mistyped", "SLACK_APP_TOKEN"),
    ],
)
async def test_a_token_slack_refuses_stops_start_up_with_a_guide(
    fake_slack: FakeSlack, bot_token: str, app_token: str | None, variable: str
) -> None:
    """A wrong token is named at start, instead of Socket Mode retrying forever."""
    client = AsyncWebClient(token=bot_token, base_url=fake_slack.api_url)
    with pytest.raises(ConfigurationError) as raised:
        await verify_credentials(client, app_token=app_token)
    assert raised.value.problems[0][0] == variable
    assert "invalid_auth" in raised.value.guide()


async def test_unreachable_slack_stops_start_up_with_a_guide() -> None:
    """Nothing listening at SLACK_API_URL is reported as such."""
    client = AsyncWebClient(token=TOKEN, base_url="http://127.0.0.1:9/api/", retry_handlers=[])
    with pytest.raises(ConfigurationError) as raised:
        await verify_credentials(client, app_token=None)
    assert raised.value.problems[0][0] == "SLACK_API_URL"


async def test_good_tokens_pass_the_start_up_check(fake_slack: FakeSlack) -> None:
    """The fake's own tokens are accepted for both checks."""
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url)
    await verify_credentials(client, app_token=APP_TOKEN)
    checked = [(call.method, call.ok) for call in fake_slack.calls]
    assert checked == [("auth.test", True), ("apps.connections.open", True)]


async def test_in_socket_mode_the_bot_still_serves_its_pages_and_health_on_port(
    tmp_path: Path, bot_env: dict[str, str], fake_slack: FakeSlack, smtp_server: SmtpServer
) -> None:
    """Slack's requests come over the socket; PORT serves /healthz and the public pages
    (and no /slack/events: nothing may reach Bolt around the socket)."""
    port = free_port()
    env = {
        **bot_env,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SMTP_URL": smtp_server.url,
    }
    del env["SLACK_SIGNING_SECRET"]
    bot = BotProcess(workdir=tmp_path, env=env)
    try:
        await bot.started()
        await fake_slack.wait_for(lambda: fake_slack.sockets)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/static/style.css") as css:
                assert css.status == 200
            async with session.get(f"http://127.0.0.1:{port}/l/no-such-letter") as page:
                assert page.status == 404 and "isn't here" in html.unescape(await page.text())
            async with session.post(f"http://127.0.0.1:{port}/slack/events") as events:
                assert events.status in (404, 405)
    finally:
        # Stopped from a thread: the fake Slack, on this loop, answers the socket's close.
        await asyncio.to_thread(bot.stop)
