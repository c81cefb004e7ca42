"""Who may run a drive: configured organizers, an organizer user group, and per letter
its creator and leads."""

from __future__ import annotations

import asyncio
import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.models import Letter
from bot.slack_ops import UNANSWERED, usergroup_members

logger = logging.getLogger(__name__)

# Group membership changes rarely; re-reading it at most once a minute keeps every
# organizer check off Slack's rate limits without making a removal linger.
GROUP_CACHE_SECONDS = 60.0


class Organizers:
    def __init__(self, *, users: frozenset[str], group: str | None, client: AsyncWebClient) -> None:
        self._users = users
        self._group = group
        self._client = client
        self._members: frozenset[str] = frozenset()
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def includes(self, user_id: str) -> bool:
        """True for a configured organizer or a member of the organizer group."""
        return user_id in self._users or user_id in await self._group_members()

    async def may_manage(self, user_id: str, letter: Letter) -> bool:
        """True for an organizer, or for this letter's creator or one of its leads."""
        return (
            user_id == letter.created_by or user_id in letter.leads or await self.includes(user_id)
        )

    async def _group_members(self) -> frozenset[str]:
        if self._group is None:
            return frozenset()
        async with self._lock:
            fresh = (
                self._fetched_at is not None
                and time.monotonic() - self._fetched_at < GROUP_CACHE_SECONDS
            )
            if not fresh:
                try:
                    self._members = await usergroup_members(self._client, self._group)
                    self._fetched_at = time.monotonic()
                except (SlackApiError, *UNANSWERED):
                    # Keep the last known members; a Slack hiccup should not lock
                    # organizers out, nor let anyone new in.
                    logger.exception("Could not read organizer group %s", self._group)
            return self._members
