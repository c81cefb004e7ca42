"""Running a drive: starting a letter, finding it again, closing and reopening it.

`Letters` is what handlers call. It checks who may act, checks what they entered,
stores the result and has the posted copies follow; handlers only translate between
Slack payloads and these calls.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.access import Organizers
from bot.blocks.letter_form import DraftPreview, EditFormValues, Field, LetterFormValues
from bot.blocks.replies import export_message, launch_report
from bot.cleaning import one_line
from bot.drafts import letter_from_message
from bot.errors import FormErrors, NotAllowed, UserFacingError
from bot.export import export_files
from bot.letter_text import from_plain, to_plain
from bot.live_count import LiveCount
from bot.models import (
    ChannelResult,
    Letter,
    LetterStatus,
    LetterSummary,
    Listing,
    NewLetter,
    ReviewPair,
    Signer,
)
from bot.mrkdwn import escape
from bot.pacing import CallBudget
from bot.slack_ops import (
    UPLOAD_FAILED,
    publish_letter,
    refresh_posts,
    send_files,
    slack_error,
    tell_privately,
)
from bot.storage import Store
from bot.storage.schema import ADDRESSEE_MAX, TITLE_MAX
from bot.timing import (
    DEADLINE_MAX_AHEAD,
    TimingError,
    format_offsets,
    parse_deadline,
    parse_offsets,
    plan,
)

# Far longer than any letter's text (the longest we have seen is about 17,000
# characters), but room for one that carries a long list of signers; past this a paste
# has almost surely gone wrong. Counted as a reader sees the text.
BODY_MAX = 150_000
# As posted (escaped, with its links' addresses) a text runs longer than as read; one
# that runs to more than twice as long is not a letter but a paste gone wrong.
BODY_MARKUP_MAX = 2 * BODY_MAX
GOAL_MAX = 100_000

logger = logging.getLogger(__name__)

_LETTER_REF = re.compile(r"#?(\d{1,9})")
_LEADING_NUMBER = re.compile(r"(\d{1,9})\s")
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{1,30}")
_USER_ID = re.compile(r"[UW][A-Z0-9]{1,30}")


@dataclass(frozen=True, slots=True)
class Review:
    letter: Letter
    pairs: list[ReviewPair]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Export:
    letter: Letter
    signers: list[Signer]


@dataclass(frozen=True, slots=True)
class Launch:
    """A letter just started, and how posting it went in each channel."""

    letter: Letter
    results: list[ChannelResult]


class Letters:
    def __init__(
        self,
        *,
        store: Store,
        client: AsyncWebClient,
        organizers: Organizers,
        zone: ZoneInfo,
        reminders: tuple[timedelta, ...],
        live_count: LiveCount | None = None,
        schedule_changed: Callable[[], None] = lambda: None,
        updates: CallBudget | None = None,
    ) -> None:
        self._updates = updates
        self._store = store
        self._reminders = reminders
        self._schedule_changed = schedule_changed
        self._live_count = live_count
        self._client = client
        self._organizers = organizers
        self._zone = zone
        self._publishing: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    # Starting a letter

    async def require_organizer(self, user: str) -> None:
        if not await self._organizers.includes(user):
            raise NotAllowed(
                "Only organizers can start a sign-on letter. If you should be one, ask whoever "
                f"runs Undersigned to add your member ID (`{escape(user)}`) to `ORGANIZERS`."
            )

    @property
    def default_reminders(self) -> str:
        """The REMINDERS setting, as the letter form shows it."""
        return format_offsets(self._reminders)

    @staticmethod
    def reminders_of(letter: Letter) -> str:
        return format_offsets(letter.reminders)

    def default_deadline(self, now: datetime) -> datetime:
        """A week from today at 5 p.m., where the coalition works."""
        day = (now.astimezone(self._zone) + timedelta(days=7)).date()
        return datetime.combine(day, time(17, 0), tzinfo=self._zone)

    async def draft_from_message(
        self, message: dict[str, Any], *, user: str, channel: str, now: datetime
    ) -> DraftPreview:
        """Keep the letter in `message` (its attached file, else its text) for the form."""
        await self.require_organizer(user)
        letter = await letter_from_message(self._client, message)
        shown = to_plain(letter.markup).strip()
        if not shown:
            raise UserFacingError("That message has no text to use as a letter.")
        if len(shown) > BODY_MAX or len(letter.markup) > BODY_MARKUP_MAX:
            raise UserFacingError(
                f"That letter is {len(shown):,} characters; a letter can be up to {BODY_MAX:,}."
            )
        source = f"{channel}/{message.get('ts', '')}"
        draft_id = await self._store.save_draft(
            letter.markup, source=source, created_by=user, now=now
        )
        return DraftPreview(
            id=draft_id,
            length=len(shown),
            opening=shown[:200],
            source=letter.source,
            warning=letter.warning,
        )

    async def prepare(self, values: LetterFormValues, *, user: str, now: datetime) -> NewLetter:
        """Check a submitted letter form; raises FormErrors to show against its fields."""
        await self.require_organizer(user)
        if values.draft_id is not None:
            body = await self._store.draft(values.draft_id, created_by=user)
            if body is None:
                raise UserFacingError(
                    "The letter text from that message is no longer here (drafts are kept for "
                    "a day). Use *Start a sign-on drive* on the message again."
                )
        else:
            body = from_plain(values.body or "")
        return check_new_letter(values, body=body, created_by=user, now=now)

    async def launch(
        self, new: NewLetter, *, draft_id: int | None, now: datetime, origin_channel: str | None
    ) -> Launch:
        """Store and post a checked letter, then tell its organizer how posting went."""
        letter_plan = plan(new.deadline, new.reminders, zone=self._zone, now=now)
        letter = await self._store.create_letter(new, plan=letter_plan, now=now, draft_id=draft_id)
        self._schedule_changed()
        launched = await self._publish(letter)
        await tell_privately(
            self._client,
            user=new.created_by,
            channel=origin_channel,
            text=launch_report(launched.letter, launched.results),
        )
        return launched

    # Managing letters

    async def listing(self, user: str, *, include_closed: bool) -> Listing:
        """The letters `user` may manage (all for organizers, else their own), with counts
        and any scheduled posts that haven't gone out. A closed letter whose closing posts
        didn't all go out is listed too; organizers also see tallies that didn't."""
        letters = await self._store.letters()
        own = [letter for letter in letters if user in (letter.created_by, *letter.leads)]
        try:
            organizer = await self._organizers.includes(user)
        except UserFacingError:
            # Slack hasn't said who is in the organizer group: a lead still sees theirs.
            if not own:
                raise
            organizer = False
        if not organizer:
            letters = own
            if not letters:
                raise NotAllowed("Only organizers and a letter's leads can list letters.")
        troubled = await self._store.schedule.letters_with_problems()
        shown = [
            letter
            for letter in letters
            if include_closed or letter.is_open or letter.id in troubled
        ]
        ids = [letter.id for letter in shown]
        counts = await self._store.signer_counts(ids)
        problems = await self._store.schedule.problems(ids)
        return Listing(
            letters=[
                LetterSummary(letter, counts[letter.id], problems.get(letter.id, []))
                for letter in shown
            ],
            tally_problems=await self._store.schedule.tally_problems() if organizer else [],
        )

    async def close(self, ref: str, *, user: str, channel: str, now: datetime) -> LetterSummary:
        """Close sign-ons now; the final count and the leads' list follow as at a deadline."""
        letter = await self._managed(ref, user=user, channel=channel, status=LetterStatus.OPEN)
        if not letter.is_open:
            raise UserFacingError(f"Letter #{letter.id} is already closed.")
        letter = await self._store.close_now(letter.id, now=now)
        self._schedule_changed()
        return LetterSummary(letter, await self._store.signer_count(letter.id))

    async def reopen(self, ref: str, *, user: str, channel: str, now: datetime) -> Launch:
        letter = await self._managed(ref, user=user, channel=channel, status=LetterStatus.CLOSED)
        if letter.is_open:
            raise UserFacingError(f"Letter #{letter.id} is already open.")
        if letter.deadline <= now:
            raise UserFacingError(
                f"Letter #{letter.id}'s deadline has passed, so reopening it would close it "
                f"again at once. `/letter extend {letter.id} <when>` reopens it with a new "
                "deadline."
            )
        letter = await self._store.reschedule(
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
        ref, when = _split_ref(text)
        # Without a number: the channel's open letter, else its closed one.
        open_here = not ref and await self._store.letters_in_channel(
            channel, status=LetterStatus.OPEN
        )
        status = LetterStatus.OPEN if open_here else None
        letter = await self._managed(ref, user=user, channel=channel, status=status)
        if not when:
            raise UserFacingError(
                f"Say when letter #{letter.id} should close, such as "
                f"`/letter extend {letter.id} friday 5pm` or `2026-12-01 17:00`."
            )
        try:
            deadline = parse_deadline(when, now=now, zone=self._zone)
        except TimingError as problem:
            message = _sentence(escape(str(problem)))
            number = _LEADING_NUMBER.match(when)
            if number:
                message += f" To name letter {number.group(1)}, write `#{number.group(1)}`."
            raise UserFacingError(message) from None
        reopened = not letter.is_open
        letter = await self._store.reschedule(
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
            raise UserFacingError(
                f"Letter #{letter.id} is closed. `/letter extend {letter.id} <when>` reopens it "
                "with a new deadline."
            )
        return letter

    async def edit(self, values: EditFormValues, *, user: str, now: datetime) -> Letter:
        """Apply the edit form: a new deadline or reminders reschedule the letter (and a new
        deadline is announced); leads and goal change in place. Raises FormErrors. The
        posted copies are the caller's to `refresh`, after answering the form in time."""
        letter = await self._store.letter(values.letter_id) if values.letter_id else None
        if letter is None:
            raise UserFacingError("That letter no longer exists.")
        if not await self._organizers.may_manage(user, letter):
            raise NotAllowed(f"Only organizers and the leads of letter #{letter.id} can edit it.")
        if not letter.is_open:
            raise UserFacingError(
                f"Letter #{letter.id} closed while you were editing it. "
                f"`/letter extend {letter.id} <when>` reopens it with a new deadline."
            )
        deadline, reminders, leads, goal = check_edit(values, letter=letter, now=now)
        letter = await self._store.update_letter(letter.id, leads=leads, goal=goal)
        if deadline != letter.deadline or reminders != letter.reminders:
            letter = await self._store.reschedule(
                letter.id,
                reminders=reminders,
                plan=plan(deadline, reminders, zone=self._zone, now=now),
                now=now,
                announce=deadline != letter.deadline,
            )
            self._schedule_changed()
        return letter

    async def refresh(self, letter: Letter) -> None:
        """Bring every posted copy up to date (after an edit, once the form is answered)."""
        await self._refreshed(letter)

    async def post_missing(self, ref: str, *, user: str, channel: str) -> Launch:
        """Post the letter in the channels where posting failed before."""
        letter = await self._managed(ref, user=user, channel=channel, status=LetterStatus.OPEN)
        if not letter.unposted_channels:
            raise UserFacingError(f"Letter #{letter.id} is already posted in all its channels.")
        return await self._publish(letter)

    # Possible duplicates

    async def review(self, ref: str, *, user: str, channel: str) -> Review:
        letter = await self._managed(ref, user=user, channel=channel, status=LetterStatus.OPEN)
        return Review(letter, await self._store.pending_reviews(letter.id))

    async def decide(self, review_id: int, *, merge: bool, user: str, now: datetime) -> Review:
        """Merge a pair, or keep both for good; the queue as it stands afterwards."""
        letter_id = await self._store.review_letter(review_id)
        letter = await self._store.letter(letter_id) if letter_id is not None else None
        if letter is None:
            raise UserFacingError("That pair is no longer waiting for review.")
        if not await self._organizers.may_manage(user, letter):
            raise NotAllowed(f"Only organizers and the leads of letter #{letter.id} can review it.")
        if merge:
            kept = await self._store.merge(review_id, user_id=user, now=now)
            note = f"Merged into *{escape(kept.name)}*." if kept else ""
            if kept and self._live_count is not None:
                self._live_count.touch(letter.id)
        else:
            decided = await self._store.keep_both(review_id, user_id=user, now=now)
            note = "Kept both; that pair won't be suggested again." if decided else ""
        note = note or "That pair was already decided, or one of them has withdrawn."
        return Review(letter, await self._store.pending_reviews(letter.id), note)

    # Export

    async def export(self, ref: str, *, user: str, channel: str) -> Export:
        """The letter's list, sent to the organizer who asks as a message with files."""
        letter = await self._managed(ref, user=user, channel=channel, status=None)
        export = Export(letter, await self._store.signers(letter.id))
        try:
            await send_files(
                self._client,
                user=user,
                text=export_message(export.letter, export.signers),
                files=export_files(export.letter, export.signers),
            )
        except UPLOAD_FAILED as error:
            logger.exception("Sending letter %s's export to %s failed", letter.id, user)
            raise UserFacingError(
                f"Slack didn't take the files just now (`{slack_error(error)}`), so I couldn't "
                f"send you the list. Try `/letter export {letter.id}` again in a minute; "
                "`undersigned export` on the server gives the same list at any time."
            ) from None
        return export

    async def _publish(self, letter: Letter) -> Launch:
        # One posting run per letter at a time, so two can't both post in a channel.
        async with self._publishing[letter.id]:
            letter = await self._reloaded(letter)
            results = await publish_letter(
                self._client,
                self._store,
                letter,
                count=await self._store.signer_count(letter.id),
                zone=self._zone,
            )
            return Launch(await self._reloaded(letter), results)

    async def _refreshed(self, letter: Letter) -> Launch:
        """Bring every posted copy up to date with the letter as stored."""
        results = await refresh_posts(
            self._client,
            self._store,
            letter,
            count=await self._store.signer_count(letter.id),
            zone=self._zone,
            budget=self._updates,
        )
        return Launch(letter, results)

    async def _managed(
        self, ref: str, *, user: str, channel: str, status: LetterStatus | None
    ) -> Letter:
        letter = await self._find(ref, channel=channel, status=status)
        if not await self._organizers.may_manage(user, letter):
            raise NotAllowed(f"Only organizers and the leads of letter #{letter.id} can manage it.")
        return letter

    async def _find(self, ref: str, *, channel: str, status: LetterStatus | None) -> Letter:
        """The letter `ref` names, or the only letter (with `status`) in `channel`."""
        ref = ref.strip()
        if ref:
            match = _LETTER_REF.fullmatch(ref)
            if match is None:
                raise UserFacingError(
                    f"“{escape(ref)}” isn't a letter number. `/letter list` shows them."
                )
            letter = await self._store.letter(int(match.group(1)))
            if letter is None:
                raise UserFacingError(
                    f"There's no letter #{match.group(1)}. `/letter list` shows them."
                )
            return letter
        candidates = await self._store.letters_in_channel(channel, status=status)
        if len(candidates) == 1:
            return candidates[0]
        which = f"{status.value} " if status else ""
        if not candidates:
            raise UserFacingError(
                f"There's no {which}letter in this channel. Add the letter's number, "
                "such as `#3`; `/letter list all` shows them."
            )
        numbers = ", ".join(f"#{letter.id} {escape(letter.title)}" for letter in candidates)
        raise UserFacingError(
            f"This channel has {len(candidates)} {which}letters ({numbers}). "
            "Add the number of the one you mean."
        )

    async def _reloaded(self, letter: Letter) -> Letter:
        return await self._store.letter(letter.id) or letter


def _sentence(text: str) -> str:
    """'say when' → 'Say when.': a message's first letter up, the rest as written."""
    return text[:1].upper() + text[1:] + "."


def _split_ref(text: str) -> tuple[str, str]:
    """'#3 friday 5pm' → ('#3', 'friday 5pm'); '3' → ('3', ''); 'friday 5pm' and
    '10 december 5pm' → ('', the text): before a time, only `#3` names a letter, since a
    bare number could as well be part of the date."""
    first, _, rest = text.strip().partition(" ")
    if first.startswith("#") and _LETTER_REF.fullmatch(first):
        return first, rest.strip()
    if _LETTER_REF.fullmatch(first) and not rest.strip():
        return first, ""
    return "", text.strip()


def check_new_letter(
    values: LetterFormValues, *, body: str, created_by: str, now: datetime
) -> NewLetter:
    """A NewLetter from the form's values, or FormErrors naming each field to fix."""
    errors: dict[str, str] = {}
    title = one_line(values.title)
    if not title:
        errors[Field.TITLE] = "Give the letter a title."
    elif len(title) > TITLE_MAX:
        errors[Field.TITLE] = f"Keep the title to {TITLE_MAX} characters."
    addressee = one_line(values.addressee)
    if not addressee:
        errors[Field.ADDRESSEE] = "Say who the letter is addressed to."
    elif len(addressee) > ADDRESSEE_MAX:
        errors[Field.ADDRESSEE] = f"Keep this to {ADDRESSEE_MAX} characters."
    shown = to_plain(body).strip()
    if not shown:
        errors[Field.BODY] = "Paste the letter's text."
    elif len(shown) > BODY_MAX or len(body) > BODY_MARKUP_MAX:
        errors[Field.BODY] = f"A letter can be up to {BODY_MAX:,} characters."
    deadline = _check_deadline(values.deadline, errors, now=now)
    channels = tuple(dict.fromkeys(values.channels))
    if not channels:
        errors[Field.CHANNELS] = "Choose at least one channel to post the letter in."
    elif not all(_CHANNEL_ID.fullmatch(channel) for channel in channels):
        errors[Field.CHANNELS] = "Choose channels only; a letter can't be posted in a DM."
    leads = _check_leads(values.leads, errors)
    goal = _check_goal(values.goal, errors)
    reminders = _check_reminders(values.reminders, errors)
    if errors:
        raise FormErrors(errors)
    assert deadline is not None
    return NewLetter(
        title=title,
        addressee=addressee,
        body=body,
        deadline=deadline,
        channels=channels,
        leads=leads,
        goal=goal,
        created_by=created_by,
        reminders=reminders,
    )


def check_edit(
    values: EditFormValues, *, letter: Letter, now: datetime
) -> tuple[datetime, tuple[timedelta, ...], tuple[str, ...], int | None]:
    """The edit form's deadline, reminders, leads and goal, or FormErrors to show."""
    errors: dict[str, str] = {}
    deadline = _check_deadline(values.deadline, errors, now=now, current=letter.deadline)
    leads = _check_leads(values.leads, errors)
    goal = _check_goal(values.goal, errors)
    reminders = _check_reminders(values.reminders, errors)
    if errors:
        raise FormErrors(errors)
    assert deadline is not None
    return deadline, reminders, leads, goal


def _check_deadline(
    epoch: int | None, errors: dict[str, str], *, now: datetime, current: datetime | None = None
) -> datetime | None:
    """The picked deadline; left as `current` (to the microsecond) when not changed."""
    if epoch is None:
        errors[Field.DEADLINE] = "Choose when sign-ons close."
        return None
    if current is not None and epoch == int(current.timestamp()):
        return current
    try:
        deadline = datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError):
        errors[Field.DEADLINE] = "Choose a deadline within a year."
        return None
    if deadline <= now:
        errors[Field.DEADLINE] = "The deadline has to be in the future."
    elif deadline - now > DEADLINE_MAX_AHEAD:
        errors[Field.DEADLINE] = "Choose a deadline within a year."
    return deadline


def _check_leads(users: tuple[str, ...], errors: dict[str, str]) -> tuple[str, ...]:
    leads = tuple(dict.fromkeys(users))
    if not all(_USER_ID.fullmatch(user) for user in leads):
        errors[Field.LEADS] = "Choose leads from the list of people."
    return leads


def _check_goal(text: str | None, errors: dict[str, str]) -> int | None:
    if not text:
        return None
    try:
        goal = int(text)
    except ValueError:
        errors[Field.GOAL] = "The goal is a whole number of signers, such as 100."
        return None
    if not 0 < goal <= GOAL_MAX:
        errors[Field.GOAL] = f"The goal is a number from 1 to {GOAL_MAX:,}."
        return None
    return goal


def _check_reminders(text: str, errors: dict[str, str]) -> tuple[timedelta, ...]:
    try:
        return parse_offsets(text)
    except TimingError as problem:
        errors[Field.REMINDERS] = _sentence(str(problem))
        return ()
