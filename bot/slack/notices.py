"""What the schedule posts and sends: reminders, the final count, a moved deadline, a
new version, new items to review."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.rules.letters import (
    Letter,
)
from bot.rules.reviews import Hold, ReviewPair
from bot.rules.signons import Signer
from bot.rules.verification import Verified
from bot.rules.versions import Change
from bot.slack.blocks.notices import (
    deadline_moved_message,
    final_count_message,
    reminder_message,
)
from bot.slack.blocks.reviews import review_message
from bot.slack.blocks.versions import version_notice
from bot.slack.gateway import SlackApi
from bot.slack.messages import reply_in_thread, send_dm


async def send_duplicates_notice(
    client: SlackApi,
    *,
    user: str,
    letter: Letter,
    pairs: list[ReviewPair],
    holds: list[Hold],
    verification: Mapping[int, Verified] | None = None,
    waiting: list[Signer] | None = None,
) -> None:
    """What waits for review (pairs with Same organization and Different organizations,
    held sign-ons with Approve and Withdraw all, organizations waiting to be verified
    with Count it and Withdraw), by DM to a lead; each entry's `verification`, if known."""
    message = review_message(
        letter, pairs, holds=holds, news=True, verification=verification, waiting=waiting
    )
    await send_dm(client, user=user, message=message)


async def send_version_notice(
    client: SlackApi,
    *,
    user: str,
    letter: Letter,
    since: int,
    changes: list[Change],
    entries: list[Signer],
) -> None:
    """What changed since the version `user` signed, with Keep my signature and Withdraw."""
    message = version_notice(letter, since=since, changes=changes, entries=entries, user=user)
    await send_dm(client, user=user, message=message)


async def post_reminder(
    client: SlackApi,
    *,
    channel: str,
    thread_ts: str,
    letter: Letter,
    count: int,
    now: datetime,
    zone: ZoneInfo,
    broadcast: bool,
) -> None:
    message = reminder_message(letter=letter, count=count, now=now, zone=zone)
    await reply_in_thread(
        client, channel=channel, thread_ts=thread_ts, message=message, broadcast=broadcast
    )


async def post_final_count(
    client: SlackApi,
    *,
    channel: str,
    thread_ts: str,
    letter: Letter,
    signers: list[Signer],
) -> None:
    message = final_count_message(letter=letter, signers=signers)
    await reply_in_thread(client, channel=channel, thread_ts=thread_ts, message=message)


async def post_deadline_moved(
    client: SlackApi,
    *,
    channel: str,
    thread_ts: str,
    letter: Letter,
    count: int,
    zone: ZoneInfo,
) -> None:
    message = deadline_moved_message(letter=letter, count=count, zone=zone)
    await reply_in_thread(client, channel=channel, thread_ts=thread_ts, message=message)
