"""Who is in the organizer user group."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient


async def usergroup_members(client: AsyncWebClient, group: str) -> frozenset[str]:
    response = await client.usergroups_users_list(usergroup=group)
    return frozenset(response.get("users") or ())
