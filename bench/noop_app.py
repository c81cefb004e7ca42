"""`python -m bench.noop_app`: the throughput benchmark's baseline, a stock Bolt app whose
`/signon` only acks, served as Undersigned serves itself in HTTP mode (aiohttp,
/slack/events, /healthz, the same request-size limit and logging), in its own process.
Reads PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_API_URL as the bot does;
with ANSWER_AT_ACK=1 it answers at the ack as Undersigned does (`bot.acks`)."""

from __future__ import annotations

import asyncio
import os
import signal

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.acks import answer_when_acked
from bot.logs import configure_logging
from bot.server import EVENTS_PATH, HEALTH_PATH, MAX_REQUEST_BYTES, serve_web_app


async def main() -> None:
    configure_logging()
    app = AsyncApp(
        client=AsyncWebClient(
            token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
        ),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    )

    @app.command("/signon")
    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    if os.environ.get("ANSWER_AT_ACK") == "1":
        answer_when_acked(app)

    web_app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    web_app.router.add_post(EVENTS_PATH, app.server(path=EVENTS_PATH).handle_post_requests)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app.router.add_get(HEALTH_PATH, healthz)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await serve_web_app(web_app, port=int(os.environ["PORT"]), until=stop)


if __name__ == "__main__":
    asyncio.run(main())
