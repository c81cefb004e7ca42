"""Answering Slack the moment a listener acks.

Bolt's asyncio runner starts a listener as a task, then checks every 10 ms whether it
has called `ack()` (slack_bolt/listener/asyncio_runner.py: `await asyncio.sleep(0.01)`
until `ack.response` is set). Each answer waits for the next tick after its ack: up to
10 ms on every request, and a whole tick more for a sign-on confirmed in the ack
whenever its batch takes longer than one.

Here the ack says when it is given, and the answer goes out then. Bolt's runner is not
replaced: it runs as before (middleware, error and completion handlers, lazy listeners,
the ack timeout) and finishes its wait in the background, its own answer (the same
one) unused. Where the answer is not simply the ack's (`process_before_response`, a
response already made before the listener) Bolt's runner answers alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.listener.async_listener import AsyncListener
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse


class SignalledAck(AsyncAck):
    """An `ack()` whose response, once set, resolves `given`: set by calling it, or by
    Bolt's runner when the listener fails before acking (its error response)."""

    def __init__(self) -> None:
        self.given: asyncio.Future[BoltResponse | None] = asyncio.get_running_loop().create_future()
        self._response: BoltResponse | None = None
        super().__init__()  # type: ignore[no-untyped-call]

    @property
    def response(self) -> BoltResponse | None:
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        self._response = value
        if value is not None and not self.given.done():
            self.given.set_result(value)


def answer_when_acked(app: AsyncApp) -> None:
    """Have `app` answer each request as soon as its listener acks."""
    runner = app.listener_runner
    bolt_run = runner.run
    # Bolt's runs still waiting out their tick after we answered, kept from the
    # garbage collector until they finish.
    finishing: set[asyncio.Future[BoltResponse | None]] = set()

    async def run(
        request: AsyncBoltRequest,
        response: BoltResponse | None,  # Bolt's type says never None; it nearly always is
        listener_name: str,
        listener: AsyncListener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        def bolt() -> Coroutine[Any, Any, BoltResponse | None]:
            return bolt_run(
                request=request,
                response=response,  # type: ignore[arg-type]
                listener_name=listener_name,
                listener=listener,
                starting_time=starting_time,
            )

        context = request.context
        acked_before = "ack" in context and context.ack.response is not None
        if runner.process_before_response or response is not None or acked_before:
            return await bolt()
        ack = SignalledAck()
        context["ack"] = ack
        answering = asyncio.ensure_future(bolt())
        try:
            await asyncio.wait([answering, ack.given], return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            answering.cancel()
            raise
        if answering.done():
            return answering.result()
        finishing.add(answering)
        answering.add_done_callback(finishing.discard)
        return ack.response

    runner.run = run  # type: ignore[method-assign]
