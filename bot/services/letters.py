"""A drive's letter in Slack: started, listed, posted, brought up to date, taken down.

`Letters` checks who is asking (`bot.services.access`), finds the letter
(`bot.services.refs`), changes it in the store with its schedule, and has the posted
copies follow (`bot.slack.letters`). A letter's deadline moves in
`bot.services.deadlines`, and its text and settings in `bot.services.edits`; what they
change reaches the posts through `Letters.refresh`. What goes wrong is raised as a
`bot.rules.problems.Problem` for the caller to show.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.rules.checks import check_new_letter
from bot.rules.forms import LetterFormValues
from bot.rules.letters import (
    ChannelResult,
    Letter,
    LetterStatus,
    LetterSummary,
    Listing,
    NewLetter,
)
from bot.rules.problems import (
    Action,
    LetterGone,
    LetterRemoved,
    NotLeading,
    PostedEverywhere,
    Surface,
)
from bot.rules.public_page import PublicPages
from bot.rules.timing import format_reminders, plan
from bot.services.drafts import Drafts
from bot.services.edits import Edited
from bot.services.refs import find_letter, managed_letter
from bot.services.workspace import Workspace
from bot.slack.letters import mark_moved, publish_letter, refresh_posts
from bot.slack.pacing import CallBudget
from bot.storage import Store


@dataclass(frozen=True, slots=True)
class Launch:
    """A letter just started or changed, and how its posts went in each channel."""

    letter: Letter
    results: list[ChannelResult]


@dataclass(frozen=True, slots=True)
class Refreshed:
    """A changed letter's posts brought up to date (`posts`), and how posting went in the
    channels it was added to (`added`; None when it was added to none)."""

    posts: Launch
    added: Launch | None = None


class Letters:
    def __init__(
        self,
        *,
        store: Store,
        drafts: Drafts,
        reminders: tuple[timedelta, ...],
        schedule_changed: Callable[[], None] = lambda: None,
        updates: CallBudget | None = None,
        pages: PublicPages | None = None,
    ) -> None:
        self._store = store
        self._drafts = drafts
        self._pages = pages or PublicPages(None)
        self._reminders = reminders
        self._schedule_changed = schedule_changed
        self._updates = updates
        self._publishing: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    @property
    def web_signons(self) -> bool:
        """Whether letters may have a public sign-on page: the bot has PUBLIC_URL and
        SMTP_URL."""
        return self._pages.on

    # Starting a letter

    def form_defaults(self, workspace: Workspace, now: datetime) -> tuple[datetime, str]:
        """The new-letter form's deadline (a week from today at 5 p.m., where the
        coalition works) and reminders (the REMINDERS setting)."""
        day = (now.astimezone(workspace.zone) + timedelta(days=7)).date()
        deadline = datetime.combine(day, time(17, 0), tzinfo=workspace.zone)
        return deadline, format_reminders(self._reminders, None)

    async def prepare(
        self, workspace: Workspace, values: LetterFormValues, *, user: str, now: datetime
    ) -> NewLetter:
        """Check a submitted letter form; raises FormErrors to show against its fields."""
        await workspace.organizers.require_organizer(user)
        body = await self._drafts.body(values, user=user)
        return check_new_letter(values, body=body, created_by=user, now=now)

    async def launch(
        self,
        workspace: Workspace,
        new: NewLetter,
        *,
        draft_id: int | None,
        now: datetime,
    ) -> Launch:
        """Store and post a checked letter; returns how posting went in each channel."""
        letter_plan = plan(new.deadline, new.reminders, zone=workspace.zone, now=now)
        letter = await self._store.letters.create(new, plan=letter_plan, now=now, draft_id=draft_id)
        self._schedule_changed()
        return await self._publish(workspace, letter)

    # Managing letters

    async def listing(self, workspace: Workspace, user: str, *, include_closed: bool) -> Listing:
        """The letters `user` may manage (all for organizers, else their own), with counts
        and any scheduled posts that haven't gone out. A closed letter whose closing posts
        didn't all go out is listed too; organizers also see tallies that didn't."""
        letters, organizer = await workspace.organizers.manageable(
            user, await self._store.letters.all()
        )
        if not letters:
            raise NotLeading
        troubled = await self._store.history.letters_with_problems()
        shown = [
            letter
            for letter in letters
            if include_closed
            or letter.is_open
            or (letter.id in troubled and letter.status is not LetterStatus.REMOVED)
        ]
        ids = [letter.id for letter in shown]
        counts = await self._store.signatures.counts(ids)
        unconfirmed = await self._store.signatures.unconfirmed(ids)
        problems = await self._store.history.problems(ids)
        return Listing(
            letters=[
                LetterSummary(
                    letter,
                    counts[letter.id],
                    problems.get(letter.id, []),
                    unconfirmed=unconfirmed[letter.id],
                    public_url=self._pages.letter_url(letter) if letter.is_open else None,
                )
                for letter in shown
            ],
            tally_problems=await self._store.history.tally_problems() if organizer else [],
        )

    async def removable(
        self, workspace: Workspace, ref: str, *, user: str, channel: str
    ) -> LetterSummary:
        """The letter `ref` names, for the confirmation before taking it down."""
        letter = await find_letter(
            self._store, ref, channel=channel, status=None, surface=Surface.LETTER
        )
        await workspace.organizers.require_manager(user, letter, Action.REMOVE)
        return LetterSummary(letter, await self._store.signatures.count(letter.id))

    async def remove(
        self, workspace: Workspace, letter_id: int, *, user: str, now: datetime
    ) -> Letter:
        """Take a letter down (confirmed): nothing more is sent for it, sign-ons stop,
        and it leaves the lists; its signers stay. Its posts are the caller's to
        `refresh` into a short notice, after answering the dialog in time."""
        letter = await self._store.letters.get(letter_id)
        if letter is None:
            raise LetterGone
        if letter.status is LetterStatus.REMOVED:
            raise LetterRemoved(letter)
        await workspace.organizers.require_manager(user, letter, Action.REMOVE)
        letter = await self._store.letters.remove(letter.id, now=now)
        self._schedule_changed()
        return letter

    async def refresh(self, workspace: Workspace, edited: Edited | Letter) -> Refreshed:
        """Bring every posted copy up to date with a letter just changed (after an edit,
        once the form is answered): the text rewritten in place where it changed, the
        letter posted in channels it was added to, and its posts in channels it left
        marked as moved."""
        if isinstance(edited, Letter):
            return Refreshed(await self._refreshed(workspace, edited))
        letter = edited.letter
        for post in edited.left:
            await mark_moved(workspace.slack, letter, post, budget=self._updates)
        added = None
        if letter.unposted_channels:
            added = await self._publish(workspace, letter)
            letter = added.letter
        posts = await self._refreshed(workspace, letter, rewrite_text=edited.text_changed)
        return Refreshed(posts, added=added)

    async def post_missing(
        self, workspace: Workspace, ref: str, *, user: str, channel: str
    ) -> Launch:
        """Post the letter in the channels where posting failed before."""
        letter = await managed_letter(
            self._store, workspace, ref, user=user, channel=channel, status=LetterStatus.OPEN
        )
        if not letter.unposted_channels:
            raise PostedEverywhere(letter)
        return await self._publish(workspace, letter)

    async def _publish(self, workspace: Workspace, letter: Letter) -> Launch:
        # One posting run per letter at a time, so two can't both post in a channel.
        async with self._publishing[letter.id]:
            letter = await self._reloaded(letter)
            results = await publish_letter(
                workspace.slack,
                self._store,
                letter,
                count=await self._store.signatures.count(letter.id),
                zone=workspace.zone,
                public_url=self._pages.letter_url(letter),
            )
            return Launch(await self._reloaded(letter), results)

    async def _refreshed(
        self, workspace: Workspace, letter: Letter, *, rewrite_text: bool = False
    ) -> Launch:
        """Bring every posted copy up to date with the letter as stored."""
        results = await refresh_posts(
            workspace.slack,
            self._store,
            letter,
            count=await self._store.signatures.count(letter.id),
            zone=workspace.zone,
            budget=self._updates,
            rewrite_text=rewrite_text,
            public_url=self._pages.letter_url(letter),
        )
        return Launch(letter, results)

    async def managed(self, workspace: Workspace, ref: str, *, user: str) -> Letter:
        """The letter `ref` names, if `user` may manage it."""
        return await managed_letter(self._store, workspace, ref, user=user, channel="", status=None)

    async def _reloaded(self, letter: Letter) -> Letter:
        return await self._store.letters.get(letter.id) or letter
