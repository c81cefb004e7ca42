"""Sign-on throughput and latency through the signed HTTP endpoint, against a no-op app.

Both apps run behind the same aiohttp server, with the same fake Slack, the same signed
`/signon` requests and the same concurrency, alternating rounds in one run. The no-op
app's `/signon` only acks, so its latency ends at an empty HTTP response. Undersigned's
ends when the signer holds the confirmation of a committed, deduped sign-on: in the ack
itself, or (if recording took longer than the ack allows) when the follow-up arrives.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bench.load import print_table, sign_on_burst, sign_on_texts
from bot.app import build_app, build_services
from bot.models import NewLetter, Plan
from bot.server import EVENTS_PATH, build_web_app
from bot.settings import Settings
from bot.storage import Store
from tests.fake_slack import TOKEN, FakeSlack
from tests.slack_driver import SIGNING_SECRET

SIGN_ONS = 1_000
CONCURRENCY = 20
ROUNDS = 3


async def main() -> None:
    fake = FakeSlack()
    await fake.start()
    fake.add_channel("CBENCH", bot_member=True)
    results: dict[str, list[tuple[float, list[float]]]] = {"no-op": [], "undersigned": []}
    with tempfile.TemporaryDirectory() as folder:
        for round_number in range(ROUNDS):
            database = Path(folder) / f"round{round_number}.db"
            results["no-op"].append(await _run(fake, _noop_app, database, round_number))
            results["undersigned"].append(
                await _run(fake, _undersigned_app, database, round_number)
            )
    await fake.stop()
    rates = print_table(results, label="app", sign_ons=SIGN_ONS, concurrency=CONCURRENCY)
    share = rates["undersigned"] / rates["no-op"]
    print(f"\nUndersigned runs at {share:.0%} of the no-op app's rate.")


AppFactory = Callable[[FakeSlack, Path], Awaitable[tuple[web.Application, Store | None]]]


async def _noop_app(fake: FakeSlack, _: Path) -> tuple[web.Application, Store | None]:
    app = AsyncApp(
        client=AsyncWebClient(token=TOKEN, base_url=fake.api_url), signing_secret=SIGNING_SECRET
    )

    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    app.command("/signon")(only_ack)
    return app.web_app(path=EVENTS_PATH), None


async def _undersigned_app(fake: FakeSlack, database: Path) -> tuple[web.Application, Store | None]:
    settings = Settings(
        _env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        database_url=f"sqlite+aiosqlite:///{database}",
        organizers=frozenset({"UORGANIZER"}),
    )
    store = await Store(settings.database_url).__aenter__()

    now = datetime.now(UTC)
    letter = await store.letters.create(
        NewLetter(
            "Bench letter",
            "To",
            "Text.",
            now + timedelta(days=7),
            ("CBENCH",),
            (),
            None,
            "UORGANIZER",
        ),
        plan=Plan(now + timedelta(days=7), ()),
        now=now,
    )
    await store.letters.record_post(
        letter.id,
        "CBENCH",
        (
            await AsyncWebClient(token=TOKEN, base_url=fake.api_url).chat_postMessage(
                channel="CBENCH", text="letter"
            )
        )["ts"],
    )
    return build_web_app(build_app(build_services(settings, store)), store), store


async def _run(
    fake: FakeSlack, factory: AppFactory, database: Path, seed: int
) -> tuple[float, list[float]]:
    web_app, store = await factory(fake, database)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    result = await sign_on_burst(
        fake,
        [f"http://127.0.0.1:{port}{EVENTS_PATH}"],
        sign_on_texts(SIGN_ONS, seed),
        concurrency=CONCURRENCY,
        tag=f"{seed}-{id(factory)}",
        confirmations=store is not None,
    )
    await runner.cleanup()
    if store is not None:
        await asyncio.sleep(1.5)  # let the last count update finish before closing
        await store.__aexit__(None, None, None)
    return result


if __name__ == "__main__":
    asyncio.run(main())
