"""The public page's rate limits: how often one address, one network, one email
address and one email domain may act, counted in the database so that every replica
counts the same hits.

A key found over its limit is remembered here until its window ends: a flood from one
address is turned away without touching the database again, so it costs the sign-ons
coming in from Slack next to nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.storage import Store


@dataclass(frozen=True, slots=True)
class Limit:
    hits: int
    window: timedelta


# Every form sent (sign, confirm, correct, withdraw) from one address, and from its
# network (a /24 or /64: a school or an office shares one): room for an office where
# thirty people sign and confirm in a few minutes.
PER_ADDRESS = Limit(hits=60, window=timedelta(minutes=10))
PER_NETWORK = Limit(hits=240, window=timedelta(minutes=10))
# Sign-ons from one address still waiting to be confirmed: people confirm theirs, so
# this never stops them; a flood's never are, so it sends no more than this many emails.
UNCONFIRMED_PER_ADDRESS = Limit(hits=5, window=timedelta(hours=1))
# Sign-ons (each sends an email) to one address, and to one domain.
PER_EMAIL = Limit(hits=3, window=timedelta(hours=1))
PER_DOMAIN = Limit(hits=300, window=timedelta(hours=1))


# Keys remembered as over their limit, at most, before those whose window ended go.
BLOCKED_KEPT_MAX = 10_000


class RateLimited(Exception):
    """Over a limit: try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after}s")
        self.retry_after = retry_after


class RateLimits:
    def __init__(self, store: Store) -> None:
        self._store = store
        # Keys over their limit, and the monotonic time their window ends.
        self._blocked: dict[str, float] = {}

    def check(self, key: str) -> None:
        """Raises RateLimited if `key` was found over a limit and its window is still
        running: from memory, without touching the database."""
        until = self._blocked.get(key)
        if until is not None and until > time.monotonic():
            raise RateLimited(int(until - time.monotonic()) + 1)

    def block(self, key: str, *, seconds: float) -> None:
        """Turn `key` away from memory for `seconds` (a limit found in the records)."""
        self._blocked[key] = time.monotonic() + seconds

    async def spend(self, limits: list[tuple[str, Limit]], *, now: datetime) -> None:
        """Count a hit on each key; raises RateLimited if any is over its limit."""
        for key, _ in limits:
            self.check(key)
        counts = await self._store.web_signons.hit(
            [(key, limit.window) for key, limit in limits], now=now
        )
        over = [
            (key, limit)
            for (key, limit), count in zip(limits, counts, strict=True)
            if count > limit.hits
        ]
        if not over:
            return
        clock = time.monotonic()
        if len(self._blocked) > BLOCKED_KEPT_MAX:
            self._blocked = {k: t for k, t in self._blocked.items() if t > clock}
        wait = 0.0
        for key, limit in over:
            left = _left_in_window(now, limit.window)
            self._blocked[key] = clock + left
            wait = max(wait, left)
        raise RateLimited(int(wait) + 1)


def _left_in_window(now: datetime, window: timedelta) -> float:
    seconds = window.total_seconds()
    return seconds - (now.timestamp() % seconds)
