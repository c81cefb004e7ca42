"""Keeping calls to a Slack method within its rate tier, so Slack never has to refuse.

Slack limits each Web API method per workspace by tier (Tier 3, which chat.update is
in: about 50 calls a minute, with short bursts allowed). A `CallBudget` lets at most
`calls` through in any `window` seconds; a caller past that waits its turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque

# Slack's rate tiers count calls a minute. Tier 3, chat.update's: about 50 a minute per
# workspace. The bot keeps to 45, a margin for the calls of a process that is just
# starting or stopping.
TIER_WINDOW_SECONDS = 60.0
TIER_3_CALLS = 45
# Tier 4 (views.publish, users.info): about 100 a minute; the same margin.
TIER_4_CALLS = 90


class CallBudget:
    """Tier 3 unless told otherwise."""

    def __init__(self, *, calls: int | None = None, window: float | None = None) -> None:
        self._calls = TIER_3_CALLS if calls is None else calls
        self._window = TIER_WINDOW_SECONDS if window is None else window
        self._made: deque[float] = deque()
        self._turn = asyncio.Lock()

    def spend_now(self) -> bool:
        """Count one more call if it fits in the window now, without waiting (nor going
        ahead of those waiting): whether it did."""
        if self._turn.locked():
            return False
        now = time.monotonic()
        while self._made and self._made[0] <= now - self._window:
            self._made.popleft()
        if len(self._made) >= self._calls:
            return False
        self._made.append(now)
        return True

    async def spend(self, *, unless: asyncio.Event | None = None) -> bool:
        """Wait until one more call fits in the window, and count it. With `unless`, stop
        waiting once it is set (a process stopping): then nothing is counted, and the
        answer is False."""
        async with self._turn:  # first come, first served
            while True:
                now = time.monotonic()
                while self._made and self._made[0] <= now - self._window:
                    self._made.popleft()
                if unless is not None and unless.is_set():
                    return False
                if len(self._made) < self._calls:
                    self._made.append(now)
                    return True
                wait = self._made[0] + self._window - now
                if unless is None:
                    await asyncio.sleep(wait)
                else:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(unless.wait(), wait)
