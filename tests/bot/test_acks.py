"""Slack hears the answer when the listener acks, not at Bolt's next check for it.

Inside Bolt's runner, `asyncio` is replaced by one whose sleep never ends: Bolt's own
wait for the ack (a check every 10 ms) can then never answer, so every answer these
tests get comes from `answer_when_acked`. Without it they time out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.listener import asyncio_runner
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.acks import answer_when_acked

WITHIN = 5.0  # seconds; an answer comes in milliseconds or never


class _AsyncioWhoseSleepNeverEnds:
    def __init__(self) -> None:
        self.sleeping: list[asyncio.Future[None]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, _seconds: float) -> None:
        self.sleeping.append(asyncio.get_running_loop().create_future())
        await self.sleeping[-1]


@pytest.fixture
def bolt_never_checks_again(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    stand_in = _AsyncioWhoseSleepNeverEnds()
    monkeypatch.setattr(asyncio_runner, "asyncio", stand_in)
    yield
    for sleep in stand_in.sleeping:
        sleep.cancel()


def signon_app(**options: Any) -> AsyncApp:
    """An app that trusts every request and asks Slack nothing about its token."""

    async def authorize(**_: Any) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-test")

    app = AsyncApp(authorize=authorize, request_verification_enabled=False, **options)
    answer_when_acked(app)
    return app


def signon_request(text: str) -> AsyncBoltRequest:
    body = urlencode(
        {"command": "/signon", "text": text, "user_id": "U1", "team_id": "T1", "channel_id": "C1"}
    )
    return AsyncBoltRequest(
        body=body, headers={"content-type": ["application/x-www-form-urlencoded"]}
    )


async def answer(app: AsyncApp, text: str) -> BoltResponse:
    return await asyncio.wait_for(app.async_dispatch(signon_request(text)), WITHIN)


@pytest.mark.usefixtures("bolt_never_checks_again")
async def test_the_answer_goes_out_at_the_ack_while_the_listener_carries_on() -> None:
    app = signon_app()
    release = asyncio.Event()
    finished: list[str] = []

    @app.command("/signon")
    async def sign(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack(f"You signed as {command['text']}.")
        await release.wait()
        finished.append(command["text"])

    response = await answer(app, "Mijente")
    assert (response.status, response.body) == (200, "You signed as Mijente.")
    assert finished == []
    release.set()
    for _ in range(100):
        if finished:
            break
        await asyncio.sleep(0)
    assert finished == ["Mijente"]


@pytest.mark.usefixtures("bolt_never_checks_again")
async def test_a_listener_failing_before_its_ack_gets_the_error_answer_and_handler() -> None:
    app = signon_app()
    handled: list[Exception] = []

    @app.command("/signon")
    async def sign(ack: AsyncAck) -> None:
        raise RuntimeError("no database")

    @app.error
    async def apologize(error: Exception) -> None:
        handled.append(error)

    response = await answer(app, "Mijente")
    assert response.status == 500
    assert [str(error) for error in handled] == ["no database"]


async def test_an_app_answering_before_its_listeners_is_left_to_bolt() -> None:
    """With `process_before_response` the listener's whole run comes first, as Bolt does it."""
    app = signon_app(process_before_response=True)
    done: list[str] = []

    @app.command("/signon")
    async def sign(ack: AsyncAck) -> None:
        await ack("Signed.")
        await asyncio.sleep(0)
        done.append("after the ack")

    response = await answer(app, "Mijente")
    assert (response.body, done) == ("Signed.", ["after the ack"])
