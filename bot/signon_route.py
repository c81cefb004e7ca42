"""`/signon` over HTTP, answered ahead of Bolt's dispatch.

A letter's announcement brings its sign-ons in a burst, nearly all of them `/signon`.
Bolt's dispatch of one (its request object, the middleware chain, matching a listener,
the listener runner) costs the web process 0.1 to 0.2 ms, against about 0.3 ms for all the
rest it does for a sign-on (`make bench`). So a /signon sent over HTTP is handed
straight to the listener Bolt would run, `handlers.signons.signon_command`, with what
Bolt would give it: the parsed command (Bolt's `parse_body`), the workspace the app's
middleware finds for its team (Bolt's `extract_team_id`), Bolt's `respond`, and an
`ack` whose answer Bolt's aiohttp adapter turns into the response. A listener that
fails goes to the app's error handler (`bot.app.apologize`), the response a 500 if it
had not acked, as Bolt does.

What this route does not take, Bolt does, unchanged: every other request, a /signon
whose signature doesn't hold (refused in Bolt's words, and logged by it), and every
/signon in Socket Mode.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncBoltContext, AsyncRespond
from slack_bolt.request.internals import extract_team_id, parse_body
from slack_sdk.signature import SignatureVerifier

from bot.acks import SignalledAck
from bot.app import Services, apologize
from bot.rules.language import speaking
from handlers.signons import signon_command

logger = logging.getLogger(__name__)

SIGNON = "/signon"
FORM = "application/x-www-form-urlencoded"

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


class SignonRoute:
    """The events endpoint: /signon answered here, everything else by `bolt`."""

    def __init__(self, services: Services, *, signing_secret: str, bolt: Route) -> None:
        self._services = services
        self._verifier = SignatureVerifier(signing_secret)
        self._bolt = bolt
        # Listeners that acked and carry on (an answer that follows on the response_url),
        # kept from the garbage collector until they finish.
        self._finishing: set[asyncio.Task[None]] = set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.text()  # kept by aiohttp: Bolt reads it again
        # Events (JSON) and interactivity (a form holding a JSON `payload`, Bolt's own
        # test) are never a /signon: they go to Bolt unparsed, not decoded twice.
        is_command = request.content_type == FORM and "payload" not in body
        command = parse_body(body, FORM) if is_command else {}
        if command.get("command") != SIGNON or not self._verifier.is_valid(
            body=body,
            timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
            signature=request.headers.get("X-Slack-Signature", ""),
        ):
            return await self._bolt(request)
        return await self._sign_on(command)

    async def _sign_on(self, command: dict[str, Any]) -> web.StreamResponse:
        services = self._services
        workspace = services.workspaces.find(extract_team_id(command))
        ack = SignalledAck()
        respond = AsyncRespond(response_url=command.get("response_url"))
        # As the app's middleware and `speak_to_each_reader` would: in their language.
        user = command.get("user_id") or ""
        language = await services.people.language_at_once(user, now=datetime.now(UTC))

        async def listen() -> None:
            try:
                await signon_command(
                    ack=ack,
                    command=command,
                    respond=respond,
                    workspace=workspace,
                    signons=services.signons,
                    entries=services.entries,
                    people=services.people,
                )
            except Exception as error:
                context = AsyncBoltContext(workspace=workspace, home=services.home)
                await apologize(error, command, services.client, respond, context)

        with speaking(language):
            listening = asyncio.ensure_future(listen())
        either: list[asyncio.Future[Any]] = [listening, ack.given]
        try:
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            listening.cancel()
            raise
        if ack.response is None:
            # It failed before acking, and the person has been told.
            return web.Response(status=500)
        if not listening.done():
            self._finishing.add(listening)
            listening.add_done_callback(self._finishing.discard)
        return await to_aiohttp_response(ack.response)
