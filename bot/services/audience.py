"""Who a letter is for: a letter posted in a private channel stays private.

A letter is open to someone in one of its channels, on the coalition's roster (their
chases name every letter), who signed it, or who manages it. Anyone else asking for it
by number gets the answer a number that doesn't exist gets: letter numbers run in
order, so without this every private letter's title and count could be read by trying
numbers. Who is in a channel is read from Slack and remembered for a few minutes.
"""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError

from bot.rules.letters import Letter
from bot.rules.problems import GroupUnknown
from bot.services.workspace import Workspace
from bot.slack.errors import UNANSWERED, slack_error
from bot.slack.people import channel_members
from bot.storage import Store

logger = logging.getLogger(__name__)

# Who is in a letter's channels is read again after this long.
MEMBERS_CACHE_SECONDS = 300.0


class Audience:
    def __init__(self, store: Store) -> None:
        self._store = store
        # Each letter channel's members, as last read.
        self._members: dict[str, tuple[float, frozenset[str]]] = {}

    async def sees(
        self, workspace: Workspace, user: str, letter: Letter, *, channel: str | None = None
    ) -> bool:
        """Whether `letter` is open to `user`, asking from `channel` (a slash command's
        or a button's: someone there is in it). The cheapest answers are tried first."""
        if channel is not None and channel in letter.channels:
            return True
        try:
            if await workspace.organizers.may_manage(user, letter):
                return True
        except GroupUnknown:
            pass  # the group can't be read now: the other answers may still say yes
        if await self._store.signatures.has_signed(user, letter.id):
            return True
        if await self._store.roster.has_contact(user):
            return True
        return await self.in_channels(workspace, user, letter.channels)

    async def in_channels(self, workspace: Workspace, user: str, channels: tuple[str, ...]) -> bool:
        """Whether `user` is in one of `channels`, as Slack last said."""
        for channel in channels:
            seen = self._members.get(channel)
            if seen is None or time.monotonic() - seen[0] > MEMBERS_CACHE_SECONDS:
                try:
                    seen = (time.monotonic(), await channel_members(workspace.slack, channel))
                except (SlackApiError, *UNANSWERED) as error:
                    logger.warning("Reading %s's members failed: %s", channel, slack_error(error))
                    continue
                self._members[channel] = seen
            if user in seen[1]:
                return True
        return False
