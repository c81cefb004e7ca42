"""Keeps the count line on every posted copy of a letter current, cheaply.

A burst of sign-ons (a hundred in a minute when a coalition call ends) becomes a few
`chat.update` calls per post: the first sign-on starts a short wait, later ones during
the wait or the update only mark the letter for one more pass.
"""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_ops import is_transient, refresh_posts
from bot.storage import Store

logger = logging.getLogger(__name__)

# Long enough to gather a burst; short enough that a signer sees their count go up.
COALESCE_SECONDS = 1.0
# When Slack refuses an update for now (rate limits, 5xx, no answer), try again after
# these pauses; a later sign-on starts afresh.
RETRY_DELAYS = (5.0, 15.0, 30.0, 60.0, 120.0)


class LiveCount:
    def __init__(
        self,
        *,
        client: AsyncWebClient,
        store: Store,
        zone: ZoneInfo,
        delay: float = COALESCE_SECONDS,
        retry_delays: tuple[float, ...] | None = None,
    ) -> None:
        self._client = client
        self._store = store
        self._zone = zone
        self._delay = delay
        self._retry_delays = RETRY_DELAYS if retry_delays is None else retry_delays
        self._running: dict[int, asyncio.Task[None]] = {}
        self._again: set[int] = set()

    def touch(self, letter_id: int) -> None:
        """The letter's count may have changed: update its posts soon."""
        if letter_id in self._running:
            self._again.add(letter_id)
            return
        self._running[letter_id] = asyncio.create_task(self._refresh(letter_id))

    async def settle(self) -> None:
        """Wait for every pending update (for shutdown and tests)."""
        while self._running:
            await asyncio.gather(*self._running.values())

    async def _refresh(self, letter_id: int) -> None:
        retries = iter(self._retry_delays)
        delay = self._delay
        try:
            while True:
                await asyncio.sleep(delay)
                self._again.discard(letter_id)
                letter = await self._store.letter(letter_id)
                if letter is None:
                    return
                count = await self._store.signer_count(letter_id)
                results = await refresh_posts(self._client, letter, count=count, zone=self._zone)
                delay = self._delay
                if any(is_transient(result.error) for result in results):
                    # Slack said "not now": the count line must still catch up, later.
                    wait = next(retries, None)
                    if wait is None:
                        logger.error("Gave up updating the count on letter %s's posts", letter_id)
                    else:
                        self._again.add(letter_id)
                        delay = wait
                if letter_id not in self._again:
                    return
        except Exception:
            logger.exception("Updating the count on letter %s's posts failed", letter_id)
        finally:
            del self._running[letter_id]
