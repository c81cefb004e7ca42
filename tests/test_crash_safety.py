"""SIGKILL in the middle of a burst of sign-ons: nothing confirmed is lost, the database
is intact, and the count is the number of distinct signers.

A confirmation goes out in the ack only after the transaction holding the sign-on has
committed; SQLite runs in WAL mode with synchronous=FULL, so a commit survives the
process (and the machine) dying the instant after, as PostgreSQL's commits do. SQLite's
own check of the file runs in the SQLite pass.
"""

from __future__ import annotations

import asyncio
import sqlite3

import aiohttp
from sqlalchemy.engine import make_url

from bot.storage import Store
from tests.bot_process import BotProcess
from tests.fake_slack import FakeSlack
from tests.helpers import coalition, post_letter
from tests.slack_driver import SlackDriver

ORGANIZATIONS = 120
CONFIRMED = ("You signed", "had already signed", "another contact")


async def test_a_bot_killed_mid_burst_keeps_every_confirmed_sign_on(
    fake_slack: FakeSlack, bot: BotProcess, bot_env: dict[str, str]
) -> None:
    """240 sign-ons (each organization twice, spelled two ways, by two people), 20 at a
    time; SIGKILL once 80 are confirmed. Every confirmed one is in the database."""
    coalition(fake_slack, "CORGANIZING", "CCOALITION")
    port = int(bot_env["PORT"])
    bot.start()
    await bot.wait_healthy(port)
    confirmed: list[tuple[str, str]] = []  # (user, organization as typed)
    killed = asyncio.Event()

    async with aiohttp.ClientSession() as session:
        slack = SlackDriver(session, f"http://127.0.0.1:{port}/slack/events", fake_slack)
        await post_letter(slack, fake_slack, channels=("CCOALITION",))
        gate = asyncio.Semaphore(20)

        async def sign(user: str, organization: str) -> None:
            async with gate:
                if killed.is_set():
                    return
                try:
                    reply = await slack.command(
                        "/signon", organization, user=user, channel="CCOALITION"
                    )
                except aiohttp.ClientError:
                    return  # the bot died before answering: nothing was promised
            if reply.status == 200 and any(word in reply.body for word in CONFIRMED):
                confirmed.append((user, organization))
                if len(confirmed) >= 80 and not killed.is_set():
                    killed.set()
                    bot.kill()

        burst = [sign(f"UA{n}", f"Coalition Member {n}") for n in range(ORGANIZATIONS)] + [
            sign(f"UB{n}", f"coalition member {n}, Inc.") for n in range(ORGANIZATIONS)
        ]
        await asyncio.gather(*burst)
    assert killed.is_set(), "the burst ended before the kill"

    url = make_url(bot_env["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(str(url.database)) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    bot.start()  # the bot starts on what was left, and so does a fresh Store
    await bot.wait_healthy(port)
    async with Store(bot_env["DATABASE_URL"]) as store:
        signers = await store.signatures.signers(1)
        count = await store.signatures.count(1)
    contacts = {
        (contact.user_id, contact.submitted_as) for signer in signers for contact in signer.contacts
    }
    missing = [pair for pair in confirmed if pair not in contacts]
    assert missing == [], bot.output()
    names = [signer.name.casefold().removesuffix(", inc.") for signer in signers]
    assert count == len(signers) == len(set(names))
    assert len(confirmed) <= sum(len(signer.contacts) for signer in signers)
