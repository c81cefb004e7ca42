"""Two replicas of the bot on one PostgreSQL database, as behind a load balancer: the
count stays right and every scheduled post goes out exactly once, even when one of
them is killed.

Runs in the suite's PostgreSQL pass (several replicas need PostgreSQL; SQLite is for one).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.rules.timing import plan
from bot.storage import Store
from tests.bot_process import BotProcess, free_port
from tests.conftest import LEAD, ZONE
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, head_messages, post_letter
from tests.postgres import postgres_server
from tests.slack_driver import SlackDriver

pytestmark = pytest.mark.skipif(
    postgres_server() is None, reason="several replicas run on PostgreSQL: the PostgreSQL pass"
)

CHANNELS = ("CCOALITION", "CSTATES")
ORGANIZATIONS = 100


@pytest.fixture
def replicas(tmp_path: Path, bot_env: dict[str, str]) -> Iterator[list[BotProcess]]:
    """Two bot processes sharing DATABASE_URL, each on a port of its own. (The daily
    tally, at whole minutes only, is sent once by two dispatchers on one database in
    tests/bot/test_dispatch.py, on a frozen clock, rather than waited for here.)"""
    processes = []
    for name in ("a", "b"):
        workdir = tmp_path / name
        workdir.mkdir()
        env = {**bot_env, "PORT": str(free_port())}
        processes.append(BotProcess(workdir=workdir, env=env))
    yield processes
    for process in processes:
        process.stop()


def thread(fake: FakeSlack, channel: str) -> list[str]:
    (head,) = head_messages(fake, channel)
    return [all_text(m) for m in fake.channel_messages(channel) if m.thread_ts == head.ts]


async def test_two_replicas_count_once_and_post_once_when_one_is_killed(
    fake_slack: FakeSlack, replicas: list[BotProcess], bot_env: dict[str, str]
) -> None:
    """200 sign-ons, each organization through both replicas; one replica killed before a
    reminder falls due: one signer per organization, and each reminder, the close and the
    leads' list exactly once."""
    coalition(fake_slack, "CORGANIZING", *CHANNELS)
    first, second = replicas
    startup = timedelta(seconds=max(1.0, await first.started()))
    async with aiohttp.ClientSession() as session:
        slack = SlackDriver(session, first.events_url, fake_slack)
        await post_letter(slack, fake_slack, channels=CHANNELS)
    first.kill()

    # Reminders seconds apart, planned while both are down and spaced by how long a
    # start took here: the first falls due about when both are up (two starting at once
    # take about twice as long as one), the second well after the burst of sign-ons and
    # the first reminder, when the first replica is killed, and the third and the close
    # soon after it.
    now = datetime.now(UTC)
    due = [now + 2 * startup, now + 5 * startup, now + 5.5 * startup]
    deadline = now + 6 * startup
    offsets = tuple(deadline - moment for moment in due)
    async with Store(bot_env["DATABASE_URL"]) as store:
        await store.letters.reschedule(
            1,
            reminders=offsets,
            plan=plan(deadline, offsets, zone=ZONE, now=now),
            now=now,
            announce=False,
        )
    for replica in replicas:
        replica.start()
    for replica in replicas:
        await replica.wait_healthy(replica.port)

    async with aiohttp.ClientSession() as session:
        drivers = [SlackDriver(session, r.events_url, fake_slack) for r in replicas]
        gate = asyncio.Semaphore(20)

        async def sign(driver: SlackDriver, user: str, organization: str) -> None:
            async with gate:
                reply = await driver.command(
                    "/signon", organization, user=user, channel="CCOALITION"
                )
            # The confirmation is in the ack, or follows it when recording ran long;
            # what was recorded is checked in the database below.
            assert reply.status == 200, reply.body

        await asyncio.gather(
            *(
                sign(driver, f"U{side}{n}", f"Coalition Member {n}")
                for n in range(ORGANIZATIONS)
                for side, driver in zip("AB", drivers, strict=True)
            )
        )
    # The first replica goes down once the first reminder is out, before the second;
    # the other carries on.
    await fake_slack.wait_for(
        lambda: all(
            any(t.startswith("Reminder:") for t in thread(fake_slack, c)) for c in CHANNELS
        ),
        within=(due[0] - datetime.now(UTC)).total_seconds() + 10,
    )
    first.kill()
    assert datetime.now(UTC) < due[1], "the first replica is killed before the second reminder"
    await asyncio.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()))
    await fake_slack.wait_for(
        lambda: (
            all(any("Final count" in t for t in thread(fake_slack, c)) for c in CHANNELS)
            and len(fake_slack.shared_files) >= 3
        ),
        within=30,
    )
    await asyncio.sleep(3)  # anything sent twice would have arrived by now

    async with Store(bot_env["DATABASE_URL"]) as store:
        signers = await store.signatures.signers(1)
    assert len(signers) == ORGANIZATIONS
    assert all(len(signer.contacts) == 2 for signer in signers)
    for channel in CHANNELS:
        texts = thread(fake_slack, channel)
        assert sum(t.startswith("Reminder:") for t in texts) == 3, second.output()
        assert sum("Final count: *100*" in t for t in texts) == 1, second.output()
    uploads = [c for c in fake_slack.calls_to("files.completeUploadExternal") if c.ok]
    assert [c.args["channel_id"] for c in uploads] == [f"D{LEAD}"]
