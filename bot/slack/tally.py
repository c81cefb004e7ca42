"""The daily tally DM, then each letter's chart."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.rules.files import Attachment
from bot.rules.language import N_
from bot.rules.language import gettext as _
from bot.rules.tally import LetterTally
from bot.slack.blocks.tally import tally_message
from bot.slack.gateway import SlackApi
from bot.slack.messages import send_dm, send_files

CHARTS_TEXT = N_("Sign-ons over time, with the goal, the reminders and the deadline.")


async def send_tally(
    client: SlackApi,
    *,
    user: str,
    tallies: list[LetterTally],
    now: datetime,
    zone: ZoneInfo,
    charts_failed: Collection[int] = (),
    home_link: str | None = None,
) -> None:
    """The daily tally's text, telling of the letters in `charts_failed`, whose chart
    couldn't be drawn; the charts follow by `send_tally_charts`."""
    message = tally_message(
        tallies, now=now, zone=zone, charts_failed=charts_failed, home_link=home_link
    )
    await send_dm(client, user=user, message=message)


async def send_tally_charts(client: SlackApi, *, user: str, charts: list[Attachment]) -> None:
    """Each letter's chart of sign-ons over time, after the daily tally's text."""
    if charts:
        await send_files(client, user=user, text=_(CHARTS_TEXT), files=charts)
