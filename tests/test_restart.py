"""The bot as a real process, killed with SIGKILL and started again: every scheduled post
still goes out, and exactly once.

This is the durability promise end to end. A letter is posted through signed requests;
then, with the bot stopped, its deadline is moved to seconds away with reminders a few
seconds apart (finer than the letter form's minutes allow), spaced by how long the bot
took to start on this machine. The bot starts, sends the first reminder, is killed
before the second is due, and starts again after it: the missed reminder goes out once
on start, the last one on time, then the close.

On PostgreSQL, tests/test_replicas.py kills a process the same way, so these run in the
SQLite pass only.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.rules.timing import plan
from bot.storage import Store
from tests.bot_process import BotProcess
from tests.conftest import LEAD, ZONE
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, head_messages, post_letter
from tests.slack_driver import SlackDriver

pytestmark = pytest.mark.sqlite_pass

CHANNELS = ("CCOALITION", "CSTATES")


def reminders(fake: FakeSlack, channel: str) -> list[str]:
    (head,) = head_messages(fake, channel)
    return [
        m.text
        for m in fake.channel_messages(channel)
        if m.thread_ts == head.ts and m.text.startswith("Reminder:")
    ]


def finals(fake: FakeSlack, channel: str) -> list[str]:
    (head,) = head_messages(fake, channel)
    return [
        m.text
        for m in fake.channel_messages(channel)
        if m.thread_ts == head.ts and "Final count" in all_text(m)
    ]


async def post_then_stop(bot: BotProcess, fake: FakeSlack, *, port: int) -> timedelta:
    """Start the bot, post letter #1 through signed requests, then kill the bot. Returns
    the time the start took (at least a second), the unit the tests' schedules are
    spaced in."""
    coalition(fake, "CORGANIZING", *CHANNELS)
    startup = await bot.started()
    async with aiohttp.ClientSession() as session:
        slack = SlackDriver(session, f"http://127.0.0.1:{port}/slack/events", fake)
        await post_letter(slack, fake, channels=CHANNELS)
    bot.kill()
    return timedelta(seconds=max(1.0, startup))


async def reschedule(
    database_url: str, *, deadline: datetime, offsets: tuple[timedelta, ...]
) -> None:
    """Give letter #1 a new deadline and reminders while the bot is down."""
    now = datetime.now(UTC)
    async with Store(database_url) as store:
        await store.letters.reschedule(
            1,
            reminders=offsets,
            plan=plan(deadline, offsets, zone=ZONE, now=now),
            now=now,
            announce=False,
        )


async def wait_until(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


async def test_a_bot_killed_before_a_reminder_sends_it_once_on_restart_and_the_rest_on_time(
    fake_slack: FakeSlack, bot: BotProcess, bot_env: dict[str, str]
) -> None:
    """SIGKILL between two reminders, restart after the second was due: three reminders
    and one final count per channel, and one copy of the list for the lead."""
    port = int(bot_env["PORT"])
    startup = await post_then_stop(bot, fake_slack, port=port)
    # The bot is down: give the letter a deadline seconds away, reminders between, spaced
    # in starts (a busy machine may take two or three times the one measured): the first
    # is due by the time the bot is up, the second leaves ample time to see the first
    # and kill the bot; the bot starts again a second after the second was due, and the
    # third and the deadline leave room for a slow start.
    first = datetime.now(UTC) + timedelta(seconds=1)
    second = first + 2 * startup
    third = second + timedelta(seconds=1) + 2 * startup
    deadline = third + startup / 2
    due = [first, second, third]
    offsets = tuple(deadline - moment for moment in due)
    await reschedule(bot_env["DATABASE_URL"], deadline=deadline, offsets=offsets)

    bot.start()
    first_sent = (due[0] - datetime.now(UTC)).total_seconds() + 10
    await fake_slack.wait_for(
        lambda: all(reminders(fake_slack, c) for c in CHANNELS), within=first_sent
    )
    bot.kill()
    assert datetime.now(UTC) < due[1], "killed before the second reminder was due"
    await wait_until(due[1] + timedelta(seconds=1))
    assert [len(reminders(fake_slack, c)) for c in CHANNELS] == [1, 1], bot.output()

    bot.start()
    await bot.wait_healthy(port)
    assert datetime.now(UTC) < deadline, "started again before the deadline"
    await wait_until(deadline)
    await fake_slack.wait_for(
        lambda: all(finals(fake_slack, c) for c in CHANNELS) and len(fake_slack.shared_files) >= 2,
        within=20,
    )
    await asyncio.sleep(2)  # anything sent twice would arrive by now

    for channel in CHANNELS:
        assert len(reminders(fake_slack, channel)) == 3, bot.output()
        assert len(finals(fake_slack, channel)) == 1, bot.output()
    uploads = [c for c in fake_slack.calls_to("files.completeUploadExternal") if c.ok]
    assert [c.args["channel_id"] for c in uploads] == [f"D{LEAD}"]
    assert len(fake_slack.shared_files) == 2  # nobody signed: the CSV and JSON, no empty list
    assert fake_slack.rejected == []


async def test_a_reminder_caught_in_a_rate_limit_storm_goes_out_once_when_it_ends(
    fake_slack: FakeSlack, bot: BotProcess, bot_env: dict[str, str]
) -> None:
    """Slack answers 429 with Retry-After to every chat.postMessage for a while; the
    reminder waits it out and is posted once in each channel."""
    await post_then_stop(bot, fake_slack, port=int(bot_env["PORT"]))
    # The reminder is due by the time the bot is up, so its first pass sends it into the
    # storm; the close comes long after the test.
    deadline = datetime.now(UTC) + timedelta(seconds=27)
    await reschedule(bot_env["DATABASE_URL"], deadline=deadline, offsets=(timedelta(seconds=26),))
    fake_slack.fail("chat.postMessage", status=429, retry_after=1, times=8)
    bot.start()
    await fake_slack.wait_for(lambda: all(reminders(fake_slack, c) for c in CHANNELS), within=25)
    await asyncio.sleep(2)
    refused = [c for c in fake_slack.calls_to("chat.postMessage") if c.error == "http_429"]
    assert len(refused) == 8, bot.output()
    assert [len(reminders(fake_slack, c)) for c in CHANNELS] == [1, 1]
