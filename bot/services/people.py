"""People's names, timezones and languages, as Slack has them, read once and kept.

Exports show people by name, not by Slack ID; each lead's tally comes at the tally time
in their own timezone. `users.info` is asked only for someone not seen before or not
asked for a day, within its rate tier: whoever signs is learned in the background, so
the names an export needs are nearly always known already. If Slack can't answer, what
was kept is used (or, for someone never seen, their ID), and they aren't asked about
again for a few minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError

from bot.rules.language import Language, of_locale
from bot.rules.people import Person, names_of
from bot.rules.signons import is_slack_user
from bot.rules.timing import PEOPLE_STALE_AFTER
from bot.services.workspace import Workspaces
from bot.slack.errors import UNANSWERED, slack_error
from bot.slack.pacing import TIER_4_CALLS, TIER_WINDOW_SECONDS, CallBudget
from bot.slack.people import read_person
from bot.storage import Store

logger = logging.getLogger(__name__)

# users.info is Tier 4 (100+ a minute): a few at a time, within the tier's budget.
LOOKUPS_AT_ONCE = 4
# At most this many are asked while someone waits (an export, a tally); the rest are
# learned in the background and shown by ID meanwhile.
LOOKUPS_WAITED_FOR = 40
# Someone Slack couldn't be asked about is asked again no sooner than this.
RETRY_SECONDS = 300.0
# In the background, a few are asked about at a time at the tier's steady pace, not in
# its burst: a letter's announcement brings its signers all at once, and looking up
# the first ninety together would take turns from recording their sign-ons.
LEARNING_PAUSE_SECONDS = LOOKUPS_AT_ONCE * TIER_WINDOW_SECONDS / TIER_4_CALLS
# Every request asks its reader's language: a process answers from what it found within
# this long, so a choice made through another replica reaches this one within it.
LANGUAGE_KEPT_SECONDS = 60.0


class People:
    """What Slack says of people (name, timezone), kept a day. People are learned in the
    background, after the request that named them, so they are read in the workspace
    `workspaces` finds for no request; without `workspaces` (the command line) nobody
    is asked, and what is kept is all there is."""

    def __init__(self, *, store: Store, workspaces: Workspaces | None) -> None:
        self._store = store
        self._workspaces = workspaces
        self._asking = asyncio.Semaphore(LOOKUPS_AT_ONCE)
        self._budget = CallBudget(calls=TIER_4_CALLS)
        self._failed: dict[str, float] = {}
        # Everyone known and their language, as `language_at_once` answers from it
        # (read at `_kept_at`), and those never seen being asked about together now.
        self._kept: dict[str, tuple[Language | None, str | None]] = {}
        self._kept_at: float | None = None
        self._looking: dict[str, asyncio.Future[Language]] = {}
        self._looking_up: asyncio.Future[None] | None = None
        self._to_learn: set[str] = set()
        self._learning: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def learn(self, user_ids: Iterable[str]) -> None:
        """Read these people from Slack in the background, unless already known (only
        Slack accounts: a web signer's is no one Slack knows)."""
        self._to_learn.update(user for user in user_ids if user and is_slack_user(user))
        if self._workspaces is None or self._stopping.is_set() or self._learning is not None:
            return
        if self._to_learn:
            self._learning = asyncio.create_task(self._learn())

    async def settle(self) -> None:
        """For a clean stop, after the few being asked about now: whoever is still to be
        learned is asked when next needed."""
        self._stopping.set()
        if self._learning is not None:
            await self._learning

    async def known(self, user_ids: Iterable[str], *, now: datetime) -> dict[str, Person]:
        """What is known of each of `user_ids`, asking Slack for those not seen lately
        (of Slack accounts; anyone else is not Slack's to name)."""
        wanted = {user for user in user_ids if user and is_slack_user(user)}
        kept = await self._store.people.get(wanted)
        stale = sorted(
            user for user in wanted if user not in kept or now - kept[user][1] >= PEOPLE_STALE_AFTER
        )
        found = {user: person for user, (person, _) in kept.items()}
        stale = [user for user in stale if not self._failed_lately(user)]
        if stale and self._workspaces is not None:
            asked, later = stale[:LOOKUPS_WAITED_FOR], stale[LOOKUPS_WAITED_FOR:]
            found.update(await self._ask_all(asked, now=now))
            self.learn(later)
        return found

    async def _learn(self) -> None:
        try:
            while self._to_learn and not self._stopping.is_set():
                batch = sorted(self._to_learn)[:LOOKUPS_AT_ONCE]
                self._to_learn.difference_update(batch)
                now = datetime.now(UTC)
                kept = await self._store.people.get(batch)
                stale = [
                    user
                    for user in batch
                    if (user not in kept or now - kept[user][1] >= PEOPLE_STALE_AFTER)
                    and not self._failed_lately(user)
                ]
                await self._ask_all(stale, now=now)
                if stale and self._to_learn:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stopping.wait(), LEARNING_PAUSE_SECONDS)
        except Exception:
            logger.exception("Reading people's names from Slack failed")
        finally:
            self._learning = None

    async def _ask_all(
        self, users: list[str], *, now: datetime, spent: bool = False
    ) -> dict[str, Person]:
        """Ask Slack about each of `users` and keep what it says (`spent`: their calls
        are counted against the budget already)."""
        fresh = [
            person
            for person in await asyncio.gather(*(self._ask(user, spent=spent) for user in users))
            if person is not None
        ]
        await self._store.people.save(fresh, now=now)
        for person in fresh:
            chosen, _ = self._kept.get(person.user_id, (None, None))
            self._kept[person.user_id] = (chosen, person.locale)
        return {person.user_id: person for person in fresh}

    def _failed_lately(self, user: str) -> bool:
        failed = self._failed.get(user)
        return failed is not None and time.monotonic() - failed < RETRY_SECONDS

    async def names(self, user_ids: Iterable[str], *, now: datetime) -> dict[str, str]:
        """The name to show for each of `user_ids` that has one."""
        return names_of(await self.known(user_ids, now=now))

    async def zones(
        self, user_ids: Iterable[str], *, now: datetime, default: ZoneInfo
    ) -> dict[str, ZoneInfo]:
        """Each person's timezone; `default` (the coalition's) for anyone Slack gives none,
        or one Python doesn't know."""
        wanted = list(user_ids)
        known = await self.known(wanted, now=now)
        return {user: _zone_of(known.get(user), default) for user in wanted}

    async def languages(self, user_ids: Iterable[str], *, now: datetime) -> dict[str, Language]:
        """The language to answer each of `user_ids` in: the one they chose, else their
        Slack locale's (Spanish for any `es-*`), else English. Slack is asked only about
        someone never seen: a language, unlike a name, seldom changes, and what was kept
        of it is refreshed whenever their name is."""
        wanted = [user for user in user_ids if user]
        chosen, kept = await self._kept_languages(wanted)
        unseen = [user for user in wanted if user not in chosen and user not in kept]
        if unseen:
            kept.update(await self.known(unseen, now=now))
        return {user: chosen.get(user) or _language_of(kept.get(user)) for user in wanted}

    async def _kept_languages(
        self, users: list[str]
    ) -> tuple[dict[str, Language], dict[str, Person]]:
        """What is kept of `users`: the languages chosen, and what Slack said of the rest."""
        chosen = await self._store.people.chosen_languages(users)
        unchosen = [user for user in users if user not in chosen]
        kept = await self._store.people.get(unchosen)
        return chosen, {user: person for user, (person, _) in kept.items()}

    async def language(self, user_id: str, *, now: datetime) -> Language:
        """The language to answer `user_id` in (see `languages`)."""
        return (await self.languages([user_id], now=now)).get(user_id, Language.ENGLISH)

    async def language_at_once(self, user_id: str, *, now: datetime) -> Language:
        """The language to answer `user_id` in now, while Slack waits for the answer
        (see `languages`), without a read of the database: from what this process keeps
        of everyone known, read again at most every LANGUAGE_KEPT_SECONDS (a choice
        made through another replica reaches this one within that). Slack is asked about
        someone never seen only if its rate tier has room at once; else they are learned
        in the background, and meanwhile answered in English: a burst of new signers
        never waits out a rate window before its acks."""
        kept = (await self._languages_kept()).get(user_id)
        if kept is not None:
            chosen, locale = kept
            return chosen or of_locale(locale)
        # Those never seen, asked about together (a burst of sign-ons): one call each,
        # kept in one write, once this turn of the loop's requests have asked.
        found = self._looking.get(user_id)
        if found is None:
            found = asyncio.get_running_loop().create_future()
            self._looking[user_id] = found
            if self._looking_up is None:
                self._looking_up = asyncio.ensure_future(self._look_up(now=now))
        return await asyncio.shield(found)

    async def _languages_kept(self) -> dict[str, tuple[Language | None, str | None]]:
        """Everyone known, with the language they chose and their Slack locale, read
        again once it is old."""
        if self._kept_at is None or time.monotonic() - self._kept_at >= LANGUAGE_KEPT_SECONDS:
            self._kept_at = time.monotonic()
            self._kept = await self._store.people.languages()
        return self._kept

    async def _look_up(self, *, now: datetime) -> None:
        await asyncio.sleep(0)
        looking, self._looking, self._looking_up = self._looking, {}, None
        unseen = [user for user in looking if is_slack_user(user) and not self._failed_lately(user)]
        may_ask = self._workspaces is not None
        askable = [user for user in unseen if may_ask and self._budget.spend_now()]
        found: dict[str, Person] = {}
        try:
            found = await self._ask_all(askable, now=now, spent=True) if askable else {}
        except Exception:
            logger.exception("Reading people's languages from Slack failed")
        self.learn(user for user in unseen if user not in found)
        for user, waiting in looking.items():
            if not waiting.done():
                waiting.set_result(_language_of(found.get(user)))

    async def choose_language(
        self, user_id: str, language: Language | None, *, now: datetime
    ) -> Language:
        """Answer `user_id` in `language` from now on, whatever Slack says; None: in
        their Slack locale's again. The language they will be answered in."""
        await self._store.people.choose_language(user_id, language, now=now)
        _, locale = self._kept.get(user_id, (None, None))
        self._kept[user_id] = (language, locale)
        return await self.language(user_id, now=now)

    async def _ask(self, user: str, *, spent: bool = False) -> Person | None:
        """users.info for one person; someone Slack doesn't know is kept as nameless, so
        they aren't asked about again for a day. A timezone Python doesn't know is
        dropped, so the person's tally keeps TIMEZONE."""
        assert self._workspaces is not None
        async with self._asking:
            if not spent and not await self._budget.spend(unless=self._stopping):
                return None  # stopping: asked about when next needed
            try:
                person = await read_person(self._workspaces.find().slack, user) or Person(
                    user, None
                )
            except (SlackApiError, *UNANSWERED) as error:
                logger.warning("Couldn't read %s's name from Slack: %s", user, slack_error(error))
                self._failed[user] = time.monotonic()
                return None
        if person.tz and not _known_zone(person.tz):
            person = replace(person, tz=None)
        return person


def _language_of(person: Person | None) -> Language:
    return of_locale(person.locale if person is not None else None)


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _zone_of(person: Person | None, default: ZoneInfo) -> ZoneInfo:
    if person is None or not person.tz or not _known_zone(person.tz):
        return default
    return ZoneInfo(person.tz)
