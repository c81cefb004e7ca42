"""A drive's letter and its state: started, closed, reopened, extended, edited, posted.

`Letters` holds the transitions. Each checks who is asking (`bot.services.access`), finds the
letter (`bot.services.refs`), changes it in the store with its schedule, and has the posted
copies follow (`bot.slack_ops`). What goes wrong is raised as a `bot.rules.problems.Problem`
for the caller to show.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.checks import check_body, check_edit, check_new_deadline, check_new_letter
from bot.rules.forms import EditFormValues, LetterFormValues
from bot.rules.letters import (
    ChannelResult,
    Letter,
    LetterEdit,
    LetterStatus,
    LetterSummary,
    Listing,
    NewLetter,
    Post,
)
from bot.rules.problems import (
    Action,
    AlreadyClosed,
    AlreadyOpen,
    ClosedForEditing,
    DeadlinePassed,
    FieldProblem,
    FormErrors,
    GroupUnknown,
    LetterGone,
    LetterRemoved,
    NothingToEdit,
    NotLeading,
    PostedEverywhere,
    Surface,
    WhenMissing,
    WhenUnreadable,
)
from bot.rules.timing import TimingError, format_reminders, parse_deadline, plan
from bot.services.access import Organizers
from bot.services.drafts import Drafts
from bot.services.refs import find_letter, numbered, only_letter_in, split_ref
from bot.slack.letters import mark_moved, publish_letter, refresh_posts, report_launch
from bot.slack.pacing import CallBudget
from bot.storage import Store


@dataclass(frozen=True, slots=True)
class Edited:
    """A letter just edited, as it was before, and its posts in channels it left."""

    letter: Letter
    before: Letter
    left: tuple[Post, ...] = ()

    @property
    def text_changed(self) -> bool:
        """What the posts' thread replies show changed: the text, or the title."""
        return (self.letter.version, self.letter.title) != (self.before.version, self.before.title)


@dataclass(frozen=True, slots=True)
class Launch:
    """A letter just started or changed, and how its posts went in each channel."""

    letter: Letter
    results: list[ChannelResult]


class Letters:
    def __init__(
        self,
        *,
        store: Store,
        client: AsyncWebClient,
        organizers: Organizers,
        drafts: Drafts,
        zone: ZoneInfo,
        reminders: tuple[timedelta, ...],
        schedule_changed: Callable[[], None] = lambda: None,
        updates: CallBudget | None = None,
    ) -> None:
        self._store = store
        self._client = client
        self._organizers = organizers
        self._drafts = drafts
        self._zone = zone
        self._reminders = reminders
        self._schedule_changed = schedule_changed
        self._updates = updates
        self._publishing: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    # Starting a letter

    def form_defaults(self, now: datetime) -> tuple[datetime, str]:
        """The new-letter form's deadline (a week from today at 5 p.m., where the
        coalition works) and reminders (the REMINDERS setting)."""
        day = (now.astimezone(self._zone) + timedelta(days=7)).date()
        deadline = datetime.combine(day, time(17, 0), tzinfo=self._zone)
        return deadline, format_reminders(self._reminders, None)

    async def prepare(self, values: LetterFormValues, *, user: str, now: datetime) -> NewLetter:
        """Check a submitted letter form; raises FormErrors to show against its fields."""
        await self._organizers.require_organizer(user)
        body = await self._drafts.body(values, user=user)
        return check_new_letter(values, body=body, created_by=user, now=now)

    async def launch(
        self, new: NewLetter, *, draft_id: int | None, now: datetime, origin_channel: str | None
    ) -> Launch:
        """Store and post a checked letter, then tell its organizer how posting went."""
        letter_plan = plan(new.deadline, new.reminders, zone=self._zone, now=now)
        letter = await self._store.letters.create(new, plan=letter_plan, now=now, draft_id=draft_id)
        self._schedule_changed()
        launched = await self._publish(letter)
        await report_launch(
            self._client,
            user=new.created_by,
            channel=origin_channel,
            letter=launched.letter,
            results=launched.results,
        )
        return launched

    # Managing letters

    async def listing(self, user: str, *, include_closed: bool) -> Listing:
        """The letters `user` may manage (all for organizers, else their own), with counts
        and any scheduled posts that haven't gone out. A closed letter whose closing posts
        didn't all go out is listed too; organizers also see tallies that didn't."""
        letters = await self._store.letters.all()
        own = [letter for letter in letters if user in (letter.created_by, *letter.leads)]
        try:
            organizer = await self._organizers.includes(user)
        except GroupUnknown:
            # Slack hasn't said who is in the organizer group: a lead still sees theirs.
            if not own:
                raise
            organizer = False
        if not organizer:
            letters = own
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
                )
                for letter in shown
            ],
            tally_problems=await self._store.history.tally_problems() if organizer else [],
        )

    async def close(self, ref: str, *, user: str, channel: str, now: datetime) -> LetterSummary:
        """Close sign-ons now; the final count and the leads' list follow as at a deadline."""
        letter = await self._managed(ref, user=user, channel=channel, status=LetterStatus.OPEN)
        if not letter.is_open:
            raise AlreadyClosed(letter)
        letter = await self._store.letters.close_now(letter.id, now=now)
        self._schedule_changed()
        return LetterSummary(letter, await self._store.signatures.count(letter.id))

    async def removable(self, ref: str, *, user: str, channel: str) -> LetterSummary:
        """The letter `ref` names, for the confirmation before taking it down."""
        letter = await find_letter(
            self._store, ref, channel=channel, status=None, surface=Surface.LETTER
        )
        await self._organizers.require_manager(user, letter, Action.REMOVE)
        return LetterSummary(letter, await self._store.signatures.count(letter.id))

    async def remove(self, letter_id: int, *, user: str, now: datetime) -> Letter:
        """Take a letter down (confirmed): nothing more is sent for it, sign-ons stop,
        and it leaves the lists; its signers stay. Its posts are the caller's to
        `refresh` into a short notice, after answering the dialog in time."""
        letter = await self._store.letters.get(letter_id)
        if letter is None:
            raise LetterGone
        if letter.status is LetterStatus.REMOVED:
            raise LetterRemoved(letter)
        await self._organizers.require_manager(user, letter, Action.REMOVE)
        letter = await self._store.letters.remove(letter.id, now=now)
        self._schedule_changed()
        return letter

    async def reopen(self, ref: str, *, user: str, channel: str, now: datetime) -> Launch:
        letter = await self._managed(ref, user=user, channel=channel, status=LetterStatus.CLOSED)
        if letter.is_open:
            raise AlreadyOpen(letter)
        if letter.deadline <= now:
            raise DeadlinePassed(letter)
        letter = await self._store.letters.reschedule(
            letter.id,
            reminders=letter.reminders,
            plan=plan(letter.deadline, letter.reminders, zone=self._zone, now=now),
            now=now,
            announce=False,
        )
        self._schedule_changed()
        return await self._refreshed(letter)

    async def extend(
        self, text: str, *, user: str, channel: str, now: datetime
    ) -> tuple[Letter, bool]:
        """Move the deadline to the time in `text` ("[#letter] friday 5pm"); a closed
        letter opens again. Returns the letter and whether it had been closed."""
        ref = split_ref(text)
        if ref.number is not None:
            letter = await numbered(self._store, ref.number, surface=Surface.LETTER)
        else:
            # Without a number: the channel's open letter, else its closed one.
            open_here = await self._store.letters.in_channel(channel, status=LetterStatus.OPEN)
            status = LetterStatus.OPEN if open_here else None
            letter = await only_letter_in(
                self._store, channel, status=status, surface=Surface.LETTER
            )
        await self._organizers.require_manager(user, letter)
        if not ref.rest:
            raise WhenMissing(letter)
        try:
            deadline = parse_deadline(ref.rest, now=now, zone=self._zone)
        except TimingError as problem:
            first = ref.rest.split(" ", 1)[0]
            number = first if ref.number is None and first.isdigit() else None
            raise WhenUnreadable(str(problem), number) from None
        return await self._extend(letter, deadline, now=now)

    async def extend_to(
        self, letter_id: int, picked: int | None, *, user: str, now: datetime
    ) -> tuple[Letter, bool]:
        """Move the deadline to the time a datetimepicker gave (`picked`, in seconds
        since the epoch); raises FormErrors for a time that can't be a deadline."""
        letter = await numbered(self._store, letter_id, surface=Surface.LETTER)
        await self._organizers.require_manager(user, letter)
        deadline = check_new_deadline(picked, now=now)
        return await self._extend(letter, deadline, now=now)

    async def _extend(
        self, letter: Letter, deadline: datetime, *, now: datetime
    ) -> tuple[Letter, bool]:
        reopened = not letter.is_open
        letter = await self._store.letters.reschedule(
            letter.id,
            reminders=letter.reminders,
            plan=plan(deadline, letter.reminders, zone=self._zone, now=now),
            now=now,
            announce=True,
        )
        self._schedule_changed()
        return letter, reopened

    async def editable(self, ref: str, *, user: str, channel: str) -> Letter:
        """The open letter `ref` names, for the edit form."""
        letter = await self._managed(ref, user=user, channel=channel, status=LetterStatus.OPEN)
        if not letter.is_open:
            raise ClosedForEditing(letter)
        return letter

    async def edit(self, values: EditFormValues, *, user: str, now: datetime) -> Edited:
        """Apply the edit form: a new text or addressee makes a new version (its earlier
        signers are asked whether they still sign); a new deadline or reminders
        reschedule the letter (a new deadline is announced); the rest changes in place.
        Raises FormErrors. The posted copies are the caller's to `refresh`, after
        answering the form in time."""
        letter = await self._editable_by_id(values.letter_id, user=user)
        edit = check_edit(values, letter=letter, now=now)
        return await self._apply(letter, edit, user=user, now=now)

    async def update_text(
        self, letter_id: int | None, *, body: str, user: str, now: datetime
    ) -> Edited:
        """A new text for an open letter, from a message ("Update a letter's text")."""
        letter = await self._editable_by_id(letter_id, user=user)
        errors: dict[str, FieldProblem] = {}
        check_body(body, errors)
        if errors:
            raise FormErrors(errors)
        edit = LetterEdit(
            title=letter.title,
            addressee=letter.addressee,
            body=body,
            channels=letter.channels,
            deadline=letter.deadline,
            reminders=letter.reminders,
            leads=letter.leads,
            goal=letter.goal,
        )
        return await self._apply(letter, edit, user=user, now=now)

    async def refresh(self, edited: Edited | Letter, *, report_to: str | None = None) -> None:
        """Bring every posted copy up to date (after an edit, once the form is answered):
        the text rewritten in place where it changed, the letter posted in channels it
        was added to (`report_to` hears how that went), and its posts in channels it
        left marked as moved."""
        if isinstance(edited, Letter):
            await self._refreshed(edited)
            return
        letter = edited.letter
        for post in edited.left:
            await mark_moved(self._client, letter, post, budget=self._updates)
        if letter.unposted_channels:
            posted = await self._publish(letter)
            letter = posted.letter
            if report_to is not None:
                await report_launch(
                    self._client,
                    user=report_to,
                    channel=None,
                    letter=letter,
                    results=posted.results,
                )
        await self._refreshed(letter, rewrite_text=edited.text_changed)

    async def editable_letters(self, user: str) -> list[Letter]:
        """The open letters `user` may edit: every one for organizers, else their own."""
        letters = await self._store.letters.all(status=LetterStatus.OPEN)
        own = [letter for letter in letters if user in (letter.created_by, *letter.leads)]
        try:
            organizer = await self._organizers.includes(user)
        except GroupUnknown:
            if not own:
                raise
            organizer = False
        shown = letters if organizer else own
        if not shown:
            raise NothingToEdit
        return shown

    async def _editable_by_id(self, letter_id: int | None, *, user: str) -> Letter:
        letter = await self._store.letters.get(letter_id) if letter_id is not None else None
        if letter is None:
            raise LetterGone
        await self._organizers.require_manager(user, letter, Action.EDIT)
        if letter.status is LetterStatus.REMOVED:
            raise LetterRemoved(letter)
        if not letter.is_open:
            raise ClosedForEditing(letter, while_editing=True)
        return letter

    async def _apply(self, letter: Letter, edit: LetterEdit, *, user: str, now: datetime) -> Edited:
        before = letter
        letter, left = await self._store.letters.edit(letter.id, edit, user=user, now=now)
        if letter.version != before.version:
            self._schedule_changed()
        if edit.deadline != letter.deadline or edit.reminders != letter.reminders:
            letter = await self._store.letters.reschedule(
                letter.id,
                reminders=edit.reminders,
                plan=plan(edit.deadline, edit.reminders, zone=self._zone, now=now),
                now=now,
                announce=edit.deadline != letter.deadline,
            )
            self._schedule_changed()
        return Edited(letter, before, left)

    async def post_missing(self, ref: str, *, user: str, channel: str) -> Launch:
        """Post the letter in the channels where posting failed before."""
        letter = await self._managed(ref, user=user, channel=channel, status=LetterStatus.OPEN)
        if not letter.unposted_channels:
            raise PostedEverywhere(letter)
        return await self._publish(letter)

    async def _publish(self, letter: Letter) -> Launch:
        # One posting run per letter at a time, so two can't both post in a channel.
        async with self._publishing[letter.id]:
            letter = await self._reloaded(letter)
            results = await publish_letter(
                self._client,
                self._store,
                letter,
                count=await self._store.signatures.count(letter.id),
                zone=self._zone,
            )
            return Launch(await self._reloaded(letter), results)

    async def _refreshed(self, letter: Letter, *, rewrite_text: bool = False) -> Launch:
        """Bring every posted copy up to date with the letter as stored."""
        results = await refresh_posts(
            self._client,
            self._store,
            letter,
            count=await self._store.signatures.count(letter.id),
            zone=self._zone,
            budget=self._updates,
            rewrite_text=rewrite_text,
        )
        return Launch(letter, results)

    async def managed(self, ref: str, *, user: str) -> Letter:
        """The letter `ref` names, if `user` may manage it."""
        return await self._managed(ref, user=user, channel="", status=None)

    async def _managed(
        self, ref: str, *, user: str, channel: str, status: LetterStatus | None
    ) -> Letter:
        letter = await find_letter(
            self._store, ref, channel=channel, status=status, surface=Surface.LETTER
        )
        await self._organizers.require_manager(user, letter)
        return letter

    async def _reloaded(self, letter: Letter) -> Letter:
        return await self._store.letters.get(letter.id) or letter
