"""Slack Web API calls about people: who someone is (users.info), whose account an
email is (users.lookupByEmail), their App Home (views.publish), and the DM that chases
a member organization's contact. Messages and views come from the builders in
`bot.blocks`; the rest of the bot's calls are in `bot.slack_ops`."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.chase import chase_message
from bot.blocks.home import home_view
from bot.models import Home, Letter, Person, RosterMember
from bot.slack_ops import send_dm, slack_error

logger = logging.getLogger(__name__)

# conversations.members' page: "a limit value under 1000. We recommend no more than
# 200 results at a time" (https://api.slack.com/methods/conversations.members).
MEMBERS_PAGE = 200
# What users.info and users.lookupByEmail answer for someone Slack doesn't know.
_UNKNOWN = {"user_not_found", "users_not_found", "user_not_visible"}


async def read_person(client: AsyncWebClient, user_id: str) -> Person | None:
    """Their name and timezone (users.info), or None for an account Slack doesn't know."""
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as error:
        if slack_error(error) in _UNKNOWN:
            return None
        raise
    return _person(response["user"])


async def account_by_email(client: AsyncWebClient, email: str) -> str | None:
    """The Slack account an email belongs to (users.lookupByEmail), or None when
    nobody in this workspace has it: the method finds only the workspace's own people,
    never someone from another organization in a Slack Connect channel."""
    try:
        response = await client.users_lookupByEmail(email=email)
    except SlackApiError as error:
        if slack_error(error) in _UNKNOWN:
            return None
        raise
    return str(response["user"]["id"])


async def channel_members(client: AsyncWebClient, channel: str) -> frozenset[str]:
    """Everyone in `channel` (conversations.members, every page of it)."""
    members: set[str] = set()
    cursor = None
    while True:
        response = await client.conversations_members(
            channel=channel, limit=MEMBERS_PAGE, **({"cursor": cursor} if cursor else {})
        )
        members.update(response.get("members") or ())
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return frozenset(members)


async def publish_home(
    client: AsyncWebClient,
    *,
    user: str,
    home: Home,
    now: datetime,
    zone: ZoneInfo,
    hash: str | None = None,
) -> str | None:
    """Publish `user`'s Home; with the `hash` of the view it replaces, Slack refuses
    (`hash_conflict`) when another was published since. Returns the new view's hash."""
    view = home_view(home, now=now, zone=zone)
    response = await client.views_publish(
        user_id=user, view=view, **({"hash": hash} if hash else {})
    )
    published = response.get("view") or {}
    return str(published["hash"]) if published.get("hash") else None


async def send_chase(
    client: AsyncWebClient,
    *,
    user: str,
    letter: Letter,
    members: list[RosterMember],
    count: int,
    from_their_state: list[str],
    now: datetime,
    zone: ZoneInfo,
) -> None:
    """A member's contact is asked, by DM, to sign for their organization."""
    message = chase_message(
        letter=letter,
        members=members,
        count=count,
        from_their_state=from_their_state,
        now=now,
        zone=zone,
    )
    await send_dm(client, user=user, message=message)


def _person(user: dict[str, Any]) -> Person:
    profile = user.get("profile") or {}
    name = (
        profile.get("real_name")
        or user.get("real_name")
        or profile.get("display_name")
        or user.get("name")
    )
    return Person(
        user_id=user["id"],
        name=str(name)[:200] if name else None,
        tz=user.get("tz") or None,
        email=profile.get("email") or None,
    )
