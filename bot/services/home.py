"""The App Home, kept current: published when someone opens it, and published again
for everyone who has opened it when what it shows changes (a sign-on, a decision, a
letter posted, closed or extended). Changes in a burst come together: a refresh waits
`delay` seconds for the burst to pass, and every publish spends from a budget held
under views.publish's rate tier (Tier 4).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot.rules.home import Drive, Home, SignedEntry
from bot.rules.language import Language, speaking
from bot.rules.letters import Letter, LetterStatus
from bot.rules.public_page import PublicPages
from bot.rules.roster import Reach
from bot.rules.verification import verified_organizations
from bot.services.audience import Audience
from bot.services.people import People
from bot.services.roster import letter_standings
from bot.services.verification import verification_of
from bot.services.workspace import Workspace, Workspaces
from bot.slack.errors import UNANSWERED, slack_error
from bot.slack.home import publish_home
from bot.slack.pacing import TIER_4_CALLS, CallBudget
from bot.storage import Store

logger = logging.getLogger(__name__)

# A refresh waits this long after a change, so a burst of sign-ons is one refresh.
REFRESH_SECONDS = 2.0
# What a button on the Home did stays at its top this long, through every refresh.
NOTICE_KEPT = timedelta(minutes=1)


class HomeTabs:
    def __init__(
        self,
        *,
        store: Store,
        workspaces: Workspaces,
        audience: Audience,
        delay: float = REFRESH_SECONDS,
        pages: PublicPages | None = None,
        people: People | None = None,
    ) -> None:
        self._store = store
        # Who signers are in Slack, for verifying entries by their profiles' emails.
        self._people = people
        self._pages = pages or PublicPages(None)
        self._workspaces = workspaces
        self._audience = audience
        self._delay = delay
        self._budget = CallBudget(calls=TIER_4_CALLS)
        self._changed = False
        self._refreshing: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        # One publish of each person's Home at a time, naming the view it replaces.
        self._publishing: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._hashes: dict[str, str | None] = {}

    async def opened(
        self, workspace: Workspace, user: str, *, now: datetime, hash: str | None = None
    ) -> None:
        """`user` opened the Home tab (showing the view of `hash`, if one was published):
        theirs is published, and kept current from now on."""
        await self._store.people.opened_home(user, now=now)
        await self.show(workspace, user, now=now, hash=hash)

    async def show(
        self,
        workspace: Workspace,
        user: str,
        *,
        now: datetime,
        notice: str = "",
        seen: _Seen | None = None,
        hash: str | None = None,
    ) -> None:
        """Publish `user`'s Home as it stands, with `notice` at the top for a minute
        (every refresh in that minute keeps it); `seen` shares what every Home shows
        alike among the Homes of one refresh; `hash` is the view the person has, when
        their request says. Each publish names the view it replaces, so a Home built
        from older data never overwrites a newer one: when another was published since,
        this one is built afresh from what is stored now."""
        if notice:
            until = now + NOTICE_KEPT
            await self._store.people.keep_notice(user, notice, now=now, until=until)
        async with self._publishing[user]:
            if hash and user not in self._hashes:
                self._hashes[user] = hash
            for attempt in range(2):
                await self._budget.spend()
                shown = await self._store.people.notice(user, now=now)
                home = await self._home(workspace, user, notice=shown, seen=seen or self._seen())
                chosen, language = await self._language(user, now=now)
                try:
                    # Each Home in its viewer's language, whoever's change brought it.
                    with speaking(language):
                        self._hashes[user] = await publish_home(
                            workspace.slack,
                            user=user,
                            home=home,
                            now=now,
                            zone=workspace.zone,
                            reader=await self._reader(workspace, user, now=now),
                            chosen=chosen,
                            hash=self._hashes.get(user),
                        )
                    return
                except (SlackApiError, *UNANSWERED) as error:
                    code = slack_error(error)
                    self._hashes.pop(user, None)
                    if code == "hash_conflict" and attempt == 0:
                        seen = None  # read everything again: the newer Home may show more
                        continue
                    logger.warning("Publishing %s's Home failed: %s", user, code)
                    return

    def touch(self, letter_id: int | None = None) -> None:
        """Something the Home shows changed (about `letter_id`, when one letter's):
        refresh every Home soon."""
        self._changed = True
        if self._refreshing is None and not self._stopping.is_set():
            self._refreshing = asyncio.create_task(self._refresh())

    async def settle(self) -> None:
        """For a clean stop: a refresh still waiting is dropped, one under way stops after
        the Home it is publishing (each is published afresh when next opened)."""
        self._stopping.set()
        if self._refreshing is not None:
            await self._refreshing

    async def _refresh(self) -> None:
        try:
            while self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self._delay)
                self._changed = False
                seen = self._seen()
                workspace = self._workspaces.find()
                for user in await self._store.people.home_viewers():
                    if self._stopping.is_set():
                        return
                    await self.show(workspace, user, now=datetime.now(UTC), seen=seen)
        except Exception:
            logger.exception("Refreshing the App Home failed")
        finally:
            self._refreshing = None

    async def _reader(self, workspace: Workspace, user: str, *, now: datetime) -> ZoneInfo | None:
        """The person's own timezone, as Slack has it, to show deadlines in beside the
        coalition's; None when it isn't known."""
        if self._people is None:
            return None
        return (await self._people.zones([user], now=now, default=workspace.zone))[user]

    async def _language(self, user: str, *, now: datetime) -> tuple[Language | None, Language]:
        """The language `user` chose (None: as their Slack is), and the one their Home
        is in."""
        chosen = (await self._store.people.chosen_languages([user])).get(user)
        if chosen is not None:
            return chosen, chosen
        if self._people is None:
            return None, Language.ENGLISH
        return None, await self._people.language(user, now=now)

    def _seen(self) -> _Seen:
        return _Seen(self._store, self._people, now=datetime.now(UTC))

    async def _home(self, workspace: Workspace, user: str, *, notice: str, seen: _Seen) -> Home:
        organizer = await workspace.organizers.includes(user)
        letters, counts = await seen.open_letters()
        managed = [
            letter
            for letter in letters
            if organizer or user == letter.created_by or user in letter.leads
        ]
        drives = [await seen.drive(letter, counts[letter.id]) for letter in managed]
        to_sign = []
        signed = []
        for letter in letters:
            entries = await self._store.signatures.signed_by(user, letter.id)
            if entries:
                signed += [
                    SignedEntry(letter, entry, entry.name_seen_by(user)) for entry in entries
                ]
            elif await self._audience.in_channels(workspace, user, letter.channels):
                to_sign.append((letter, counts[letter.id]))
        shown = [drive.letter for drive in drives] + [letter for letter, _ in to_sign]
        return Home(
            drives=drives,
            to_sign=to_sign,
            signed=signed,
            organizer=organizer or bool(managed),
            notice=notice,
            public_urls={
                letter.id: url for letter in shown if (url := self._pages.letter_url(letter))
            },
        )


class _Seen:
    """What every Home shows alike (the open letters, their counts, each drive as its
    organizers see it), read once for all the Homes of one refresh: where a roster's
    members stand takes a noticeable moment for a large coalition."""

    def __init__(self, store: Store, people: People | None, *, now: datetime) -> None:
        self._store = store
        self._people = people
        self._now = now
        self._letters: tuple[list[Letter], dict[int, int]] | None = None
        self._drives: dict[int, Drive] = {}

    async def open_letters(self) -> tuple[list[Letter], dict[int, int]]:
        if self._letters is None:
            letters = await self._store.letters.all(status=LetterStatus.OPEN)
            counts = await self._store.signatures.counts([letter.id for letter in letters])
            self._letters = (letters, counts)
        return self._letters

    async def drive(self, letter: Letter, count: int) -> Drive:
        if letter.id not in self._drives:
            standings = await letter_standings(self._store, letter.id)
            problems = await self._store.history.problems([letter.id])
            verified, verification = None, {}
            waiting = await self._store.signatures.waiting(letter.id)
            if standings and self._people is not None:
                entries = await self._store.signatures.signers(letter.id)
                verification = await verification_of(
                    self._store,
                    self._people,
                    letter.id,
                    [*entries, *waiting],
                    standings,
                    now=self._now,
                )
                verified = verified_organizations(entries, verification)
            self._drives[letter.id] = Drive(
                letter=letter,
                count=count,
                reach=Reach.of(standings) if standings else None,
                pairs=await self._store.reviews.pending(letter.id),
                problems=problems.get(letter.id, []),
                holds=await self._store.holds.waiting(letter.id),
                verified=verified,
                verification=verification,
                waiting=waiting,
            )
        return self._drives[letter.id]
