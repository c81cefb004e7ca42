"""Slack's calls about people: users.info, users.lookupByEmail, channel members."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from bot.rules.people import Person
from bot.slack.errors import slack_error
from bot.slack.gateway import SlackApi

# conversations.members' page: "a limit value under 1000. We recommend no more than
# 200 results at a time" (https://api.slack.com/methods/conversations.members).
MEMBERS_PAGE = 200


# What users.info and users.lookupByEmail answer for someone Slack doesn't know.
_UNKNOWN = {"user_not_found", "users_not_found", "user_not_visible"}


async def read_person(client: SlackApi, user_id: str) -> Person | None:
    """Their name, timezone and language (users.info with its locale), or None for an
    account Slack doesn't know."""
    try:
        response = await client.users_info(user=user_id, include_locale=True)
    except SlackApiError as error:
        if slack_error(error) in _UNKNOWN:
            return None
        raise
    return _person(response["user"])


async def account_by_email(client: SlackApi, email: str) -> str | None:
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


async def channel_members(client: SlackApi, channel: str) -> frozenset[str]:
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
        locale=str(user.get("locale") or "")[:16] or None,
    )
