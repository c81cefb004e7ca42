"""Who is in the organizer user group."""

from __future__ import annotations

from bot.slack.gateway import SlackApi


async def usergroup_members(client: SlackApi, group: str) -> frozenset[str]:
    response = await client.usergroups_users_list(usergroup=group)
    return frozenset(response.get("users") or ())
