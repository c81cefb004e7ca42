"""Keeping calls to a Slack method within its rate tier, so Slack never has to refuse.

Slack limits each Web API method per workspace by tier (Tier 3, which chat.update is
in: about 50 calls a minute, with short bursts allowed). A `CallBudget` lets at most
`calls` through in any `window` seconds; a caller past that waits its turn.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque


class CallBudget:
    def __init__(self, *, calls: int, window: float) -> None:
        self._calls = calls
        self._window = window
        self._made: deque[float] = deque()
        self._turn = asyncio.Lock()

    async def spend(self) -> None:
        """Wait until one more call fits in the window, and count it."""
        async with self._turn:  # first come, first served
            while True:
                now = time.monotonic()
                while self._made and self._made[0] <= now - self._window:
                    self._made.popleft()
                if len(self._made) < self._calls:
                    self._made.append(now)
                    return
                await asyncio.sleep(self._made[0] + self._window - now)
