"""The DM that chases a member organization's contact."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.rules.letters import Letter
from bot.rules.roster import RosterMember
from bot.slack.blocks.chase import chase_message
from bot.slack.gateway import SlackApi
from bot.slack.messages import send_dm


async def send_chase(
    client: SlackApi,
    *,
    user: str,
    letter: Letter,
    members: list[RosterMember],
    count: int,
    from_their_state: list[str],
    now: datetime,
    zone: ZoneInfo,
    reader: ZoneInfo | None = None,
    public_url: str | None = None,
) -> None:
    """A member's contact is asked, by DM, to sign for their organization (and told of
    the letter's public page, `public_url`, for colleagues outside Slack)."""
    message = chase_message(
        letter=letter,
        members=members,
        count=count,
        from_their_state=from_their_state,
        now=now,
        zone=zone,
        reader=reader,
        public_url=public_url,
    )
    await send_dm(client, user=user, message=message)
