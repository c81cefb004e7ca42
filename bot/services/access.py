"""Who may run a drive: configured organizers, an organizer user group, and per letter
its creator and leads."""

from __future__ import annotations

import asyncio
import logging
import time

from bot.rules.letters import Letter
from bot.rules.problems import Action, GroupUnknown, NotManager, NotOrganizer
from bot.slack.access import usergroup_members
from bot.slack.errors import UNANSWERED
from bot.slack.gateway import SlackApi

logger = logging.getLogger(__name__)

# Group membership changes rarely; re-reading it at most once a minute keeps every
# organizer check off Slack's rate limits without making a removal linger.
GROUP_CACHE_SECONDS = 60.0
# Slack gives a form three seconds to open and a submission three to be answered. A
# check never waits on Slack for the group longer than this: once the members are
# known, they are re-read in the background.
GROUP_WAIT_SECONDS = 1.0
# After Slack fails to answer, the group is asked for again no sooner than this.
GROUP_RETRY_SECONDS = 10.0


class Organizers:
    def __init__(self, *, users: frozenset[str], group: str | None, client: SlackApi) -> None:
        self._users = users
        self._group = group
        self._client = client
        self._members: frozenset[str] | None = None
        self._read_again_at = 0.0  # monotonic time
        self._reading: asyncio.Task[None] | None = None

    async def includes(self, user_id: str) -> bool:
        """True for a configured organizer or a member of the organizer group."""
        if user_id in self._users or self._group is None:
            return user_id in self._users
        return user_id in await self._group_members()

    async def may_manage(self, user_id: str, letter: Letter) -> bool:
        """True for an organizer, or for this letter's creator or one of its leads."""
        return (
            user_id == letter.created_by or user_id in letter.leads or await self.includes(user_id)
        )

    async def require_organizer(self, user_id: str, *, roster: bool = False) -> None:
        if not await self.includes(user_id):
            raise NotOrganizer(user_id, roster=roster)

    async def manageable(self, user_id: str, letters: list[Letter]) -> tuple[list[Letter], bool]:
        """Of `letters`, those `user_id` may manage (every one for an organizer, else
        their own), and whether they are an organizer. While Slack hasn't said who is in
        the organizer group, a lead still has their own letters."""
        own = [letter for letter in letters if user_id in (letter.created_by, *letter.leads)]
        try:
            organizer = await self.includes(user_id)
        except GroupUnknown:
            if not own:
                raise
            organizer = False
        return (letters if organizer else own), organizer

    async def require_manager(
        self, user_id: str, letter: Letter, action: Action = Action.MANAGE
    ) -> None:
        if not await self.may_manage(user_id, letter):
            raise NotManager(letter, action)

    async def _group_members(self) -> frozenset[str]:
        """The group's members as last read; read again in the background once stale.
        Only before the first answer does a check wait, and then briefly."""
        stale = time.monotonic() >= self._read_again_at
        if stale and (self._reading is None or self._reading.done()):
            self._reading = asyncio.create_task(self._read_group())
        if self._members is None:
            assert self._reading is not None
            try:
                await asyncio.wait_for(asyncio.shield(self._reading), GROUP_WAIT_SECONDS)
            except TimeoutError:
                raise GroupUnknown from None
        if self._members is None:
            raise GroupUnknown
        return self._members

    async def _read_group(self) -> None:
        assert self._group is not None
        self._read_again_at = time.monotonic() + GROUP_RETRY_SECONDS
        try:
            self._members = await usergroup_members(self._client, self._group)
            self._read_again_at = time.monotonic() + GROUP_CACHE_SECONDS
        # Either way the last known members stay: a Slack hiccup should neither lock
        # organizers out nor let anyone new in. The group is asked for again later.
        except UNANSWERED:
            logger.warning("Reading organizer group %s: Slack didn't answer", self._group)
        except Exception:
            logger.exception("Could not read organizer group %s", self._group)
