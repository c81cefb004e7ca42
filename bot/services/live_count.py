"""Keeps the count line on every posted copy of a letter current, cheaply.

A burst of sign-ons (a hundred in a minute when a coalition call ends) costs one update
per posted copy once it settles: the first sign-on starts a short wait, and each later
one extends it, up to a limit, so the count still moves during a long burst. A pass
updates the copies one at a time, each from the letter and count as they stand at that
moment (a close or an edit may come while an update waits its turn). Every update
spends from the process's one `CallBudget` for chat.update, held under Slack's Tier 3,
so a letter posted in twenty channels converges on the right number without 429s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from bot.rules.public_page import PublicPages
from bot.services.workspace import Workspaces
from bot.slack.errors import UNANSWERED, is_transient, slack_error
from bot.slack.letters import update_post
from bot.slack.pacing import CallBudget
from bot.storage import Store

logger = logging.getLogger(__name__)

# A burst has ended once no sign-on came for this long …
COALESCE_SECONDS = 1.0
# … or has gone on this long, when the count lines catch up anyway.
COALESCE_MAX_SECONDS = 10.0
# When Slack refuses an update for now (rate limits, 5xx, no answer), try again after
# these pauses; a later sign-on starts afresh.
RETRY_DELAYS = (5.0, 15.0, 30.0, 60.0, 120.0)


class LiveCount:
    def __init__(
        self,
        *,
        workspaces: Workspaces,
        store: Store,
        budget: CallBudget,
        delay: float = COALESCE_SECONDS,
        retry_delays: tuple[float, ...] | None = None,
        also: Callable[[int], None] | None = None,
        pages: PublicPages | None = None,
    ) -> None:
        self._workspaces = workspaces
        # The posts link to each letter's public page, when it has one.
        self._pages = pages or PublicPages(None)
        self._store = store
        self._budget = budget
        self._delay = delay
        self._retry_delays = retry_delays
        # Told of every letter touched: what else shows counts (the App Home) follows.
        self._also = also
        self._running: dict[int, asyncio.Task[None]] = {}
        self._touched: dict[int, float] = {}
        # Set while settling: pending updates go out now instead of waiting.
        self._settling = asyncio.Event()

    def touch(self, letter_id: int) -> None:
        """The letter's count may have changed: update its posts soon."""
        if self._also is not None:
            self._also(letter_id)
        self._touched[letter_id] = time.monotonic()
        if letter_id not in self._running:
            self._running[letter_id] = asyncio.create_task(self._keep_current(letter_id))

    async def settle(self) -> None:
        """Send every pending update now, without waiting for bursts to end or for
        Slack's "not now" to pass: for a clean stop."""
        self._settling.set()
        try:
            while self._running:
                await asyncio.gather(*self._running.values())
        finally:
            self._settling.clear()

    async def _keep_current(self, letter_id: int) -> None:
        retries = iter(RETRY_DELAYS if self._retry_delays is None else self._retry_delays)
        try:
            await self._burst_over(letter_id)
            while True:
                started = time.monotonic()
                refused = await self._update_posts(letter_id)
                if refused:
                    # Slack said "not now": the count line must still catch up, later.
                    wait = next(retries, None)
                    if wait is None or self._settling.is_set():
                        logger.error("Gave up updating the count on letter %s's posts", letter_id)
                        return
                    await self._pause(wait)
                elif self._touched[letter_id] < started:
                    return
                else:
                    await self._burst_over(letter_id)
        except Exception:
            logger.exception("Updating the count on letter %s's posts failed", letter_id)
        finally:
            del self._running[letter_id]

    async def _burst_over(self, letter_id: int) -> None:
        """Wait until sign-ons pause for `delay`, or for at most COALESCE_MAX_SECONDS."""
        until = time.monotonic() + COALESCE_MAX_SECONDS
        while True:
            now = time.monotonic()
            quiet_at = self._touched[letter_id] + self._delay
            if now >= quiet_at or now >= until or self._settling.is_set():
                return
            await self._pause(min(quiet_at, until) - now)

    async def _pause(self, seconds: float) -> None:
        """Sleep, unless settling starts first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._settling.wait(), seconds)

    async def _update_posts(self, letter_id: int) -> bool:
        """One pass over the letter's posts; True if Slack refused one for now."""
        letter = await self._store.letters.get(letter_id)
        if letter is None:
            return False
        refused = False
        for channel in [post.channel_id for post in letter.posts if post.ts]:
            await self._budget.spend()
            letter = await self._store.letters.get(letter_id)
            post = (
                next((p for p in letter.posts if p.channel_id == channel), None) if letter else None
            )
            if letter is None or post is None or post.ts is None:
                continue
            count = await self._store.signatures.count(letter_id)
            workspace = self._workspaces.find()
            try:
                await update_post(
                    workspace.slack,
                    self._store,
                    letter,
                    post,
                    count=count,
                    zone=workspace.zone,
                    public_url=self._pages.letter_url(letter),
                )
            except (SlackApiError, *UNANSWERED) as error:
                logger.exception("Updating letter %s in %s failed", letter_id, channel)
                refused = refused or is_transient(slack_error(error))
        return refused
