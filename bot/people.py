"""People's names and timezones, as Slack has them, read once and kept.

Exports, the review queue and tallies show people by name, never by Slack ID; each
lead's tally comes at the tally time in their own timezone. `users.info` is asked only
for someone not seen before or not asked for a day; if Slack can't answer now, what was
kept is used, or the ID for someone never seen.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.models import Person
from bot.slack_people import read_person
from bot.storage import Store
from bot.timing import PEOPLE_STALE_AFTER

logger = logging.getLogger(__name__)

# users.info is Tier 4 (100+ a minute): a few at a time keeps well inside it.
LOOKUPS_AT_ONCE = 4


class People:
    def __init__(self, *, store: Store, client: AsyncWebClient | None, zone: ZoneInfo) -> None:
        self._store = store
        self._client = client
        self._zone = zone
        self._asking = asyncio.Semaphore(LOOKUPS_AT_ONCE)

    async def known(self, user_ids: Iterable[str], *, now: datetime) -> dict[str, Person]:
        """What is known of each of `user_ids`, asking Slack for those not seen lately."""
        wanted = {user for user in user_ids if user}
        kept = await self._store.people.get(wanted)
        stale = sorted(
            user for user in wanted if user not in kept or now - kept[user][1] >= PEOPLE_STALE_AFTER
        )
        found = {user: person for user, (person, _) in kept.items()}
        if stale and self._client is not None:
            fresh = [
                person
                for person in await asyncio.gather(*(self._ask(user) for user in stale))
                if person is not None
            ]
            await self._store.people.save(fresh, now=now)
            found.update((person.user_id, person) for person in fresh)
        return found

    async def names(self, user_ids: Iterable[str], *, now: datetime) -> dict[str, str]:
        """The name to show for each of `user_ids` that has one."""
        return {
            user: person.name
            for user, person in (await self.known(user_ids, now=now)).items()
            if person.name
        }

    async def zones(self, user_ids: Iterable[str], *, now: datetime) -> dict[str, ZoneInfo]:
        """Each person's timezone; the coalition's (TIMEZONE) for anyone Slack gives none."""
        wanted = list(user_ids)
        known = await self.known(wanted, now=now)
        return {user: self.zone_of(known.get(user)) for user in wanted}

    def zone_of(self, person: Person | None) -> ZoneInfo:
        if person is None or not person.tz:
            return self._zone
        try:
            return ZoneInfo(person.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return self._zone

    async def _ask(self, user: str) -> Person | None:
        """users.info for one person; someone Slack doesn't know is kept as nameless, so
        they aren't asked about again for a day."""
        assert self._client is not None
        async with self._asking:
            try:
                return await read_person(self._client, user) or Person(user, None)
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
                logger.warning("Couldn't read %s's name from Slack: %s", user, error)
                return None
