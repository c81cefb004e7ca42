"""Sends what the schedule says is due: reminders, the close, announcements, tallies.

`Dispatcher.run_due(now)` is the one job the scheduler runs. It plans the next daily
tally, turns due jobs into deliveries, then claims and sends deliveries, recording each
outcome. Failures that may pass (rate limits, Slack's 5xx, the network) are retried
with backoff, honouring Retry-After; failures that won't (a channel the bot was removed
from) are recorded at once. Either way the failure is logged and organizers see it in
`/letter list`; nothing is dropped without a trace. A daily tally is its text, then its
charts: once Slack has taken the text, that is recorded on the delivery, so a retry
never sends the lead the text again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from time import monotonic
from typing import Any

import aiohttp
from aiosmtplib import SMTPException
from slack_sdk.errors import SlackApiError

from bot.mail.smtp import is_refused as is_refused_mail
from bot.rules.language import Language, speaking
from bot.rules.letters import Letter, LetterStatus, Post
from bot.rules.problems import GroupUnknown
from bot.rules.public_page import PublicPages
from bot.rules.roster import MemberStanding, signed_from_state
from bot.rules.schedule import Delivery, JobKind, Later, Sent, Skipped
from bot.rules.timing import (
    CHASE_GAP,
    DUPLICATES_NOTICE_GAP,
    GIVE_UP_AFTER,
    plan,
    shown_in_channel,
)
from bot.rules.versions import changes
from bot.services.confirmations import ConfirmationMail
from bot.services.exports import export_of
from bot.services.people import People
from bot.services.questions import Questions
from bot.services.roster import letter_standings
from bot.services.tally import Tallies
from bot.services.verification import verification_of
from bot.services.workspace import Workspace, Workspaces
from bot.slack.errors import is_refused, slack_error
from bot.slack.exports import send_closing_list
from bot.slack.letters import update_post
from bot.slack.notices import (
    post_deadline_moved,
    post_final_count,
    post_reminder,
    send_duplicates_notice,
    send_version_notice,
)
from bot.slack.pacing import CallBudget
from bot.slack.roster import send_chase
from bot.storage import Store

logger = logging.getLogger(__name__)

# How long a claim holds before another process may take the delivery over: far longer
# than any one send, so only a process that died lets it lapse.
LEASE = timedelta(minutes=5)
# Backoff between attempts when Slack gives no Retry-After: 5 s, 10 s, 20 s … 10 min.
RETRY_FIRST = timedelta(seconds=5)
RETRY_MAX = timedelta(minutes=10)


class Dispatcher:
    def __init__(
        self,
        *,
        store: Store,
        workspaces: Workspaces,
        tally_time: time,
        owner: str | None = None,
        updates: CallBudget | None = None,
        people: People | None = None,
        pages: PublicPages | None = None,
        mail: ConfirmationMail | None = None,
        questions: Questions | None = None,
    ) -> None:
        self._workspaces = workspaces
        self._updates = updates
        self._people = people or People(store=store, workspaces=workspaces)
        self._store = store
        self._tally_time = tally_time
        # Where each letter's public sign-on page is, for its posts, chases and exports.
        self._pages = pages or PublicPages(None)
        # Sends the emails that ask web signers to confirm; None without SMTP_URL.
        self._mail = mail
        # Asks roster members' contacts whether their organization signed.
        self._questions = questions or Questions(store=store, people=self._people)
        # Who holds a claim: unique per process, so a lapsed claim is told apart.
        self.owner = owner or uuid.uuid4().hex
        # Each lead's possible-duplicates notices, and each contact's chases, weighed and
        # sent one at a time.
        self._telling: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._chasing: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        # Where each letter's roster members stand, worked out once a pass for all its
        # chases and tallies (a thousand members against as many entries take half a
        # second); a member that signs meanwhile is seen by the next pass.
        self._standings: dict[int, asyncio.Future[list[MemberStanding]]] = {}
        self._tallies = Tallies(store=store, people=self._people, tally_time=tally_time)

    async def _is_organizer(self, workspace: Workspace, user: str) -> bool:
        try:
            return await workspace.organizers.includes(user)
        except GroupUnknown:
            return False

    async def plan_unscheduled(self, now: datetime) -> None:
        """Schedule open letters that have no plan (stored before reminders existed)."""
        workspace = self._workspaces.find()
        for letter_id, version in await self._store.planning.unscheduled_letters():
            letter = await self._store.letters.get(letter_id)
            if letter is None:
                continue
            letter_plan = plan(letter.deadline, letter.reminders, zone=workspace.zone, now=now)
            await self._store.planning.add_plan(letter_id, version, letter_plan, now=now)

    async def run_due(self, now: datetime) -> datetime | None:
        """Send everything due at `now`; returns when something next falls due."""
        workspace = self._workspaces.find()  # the workspace this pass acts for
        started = monotonic()
        self._standings = {}
        await self._tallies.plan(workspace, now)
        await self._store.deliveries.expand_due(now, zone=workspace.zone.key)
        while True:
            # A long pass keeps its clock running for the lease, so each claim holds
            # its full time however late in the pass it is taken.
            elapsed = timedelta(seconds=monotonic() - started)
            claimed = await self._store.deliveries.claim(
                now, owner=self.owner, until=now + elapsed + LEASE
            )
            if not claimed:
                return await self._store.deliveries.next_wake()
            await asyncio.gather(*(self._deliver(workspace, delivery, now) for delivery in claimed))

    async def _deliver(self, workspace: Workspace, delivery: Delivery, now: datetime) -> None:
        queue = self._store.deliveries
        try:
            # A channel's post is everyone's, in English; each DM is said in its
            # reader's language where it is sent (`_speaking_to`), once it is sure to be.
            with speaking(Language.ENGLISH):
                outcome = await self._send(workspace, delivery, now)
        except SlackApiError as error:
            code = slack_error(error)
            if is_refused(code):
                # Slack refused it for what it is (a channel the bot left, an empty
                # file …): sending it again would be refused again.
                logger.exception("%s could not be sent to %s", _what(delivery), delivery.target)
                await queue.give_up(delivery, owner=self.owner, error=code)
                return
            status = error.response.status_code
            problem = code if status == 200 else f"{code} (HTTP {status})"
            await self._retry(delivery, now, error=problem, wait=_retry_after(error))
            return
        except (aiohttp.ClientError, TimeoutError) as error:
            await self._retry(delivery, now, error=type(error).__name__, wait=None)
            return
        except SMTPException as error:
            if is_refused_mail(error):
                # The relay refused it for good (no such mailbox, a banned sender).
                logger.error("%s to %s was refused: %s", _what(delivery), delivery.target, error)
                await queue.give_up(delivery, owner=self.owner, error=type(error).__name__)
                return
            await self._retry(delivery, now, error=type(error).__name__, wait=None)
            return
        except Exception as error:
            logger.exception("Sending %s to %s failed", _what(delivery), delivery.target)
            await self._retry(delivery, now, error=type(error).__name__, wait=None)
            return
        match outcome:
            case Sent(marked=True):
                pass
            case Sent(snapshot=snapshot):
                await self._mark_sent(delivery, now, snapshot=snapshot)
            case Skipped(reason=reason, failed=True):
                logger.error("%s to %s: %s", _what(delivery), delivery.target, reason)
                await queue.give_up(delivery, owner=self.owner, error=reason)
            case Skipped(reason=reason):
                await queue.mark_skipped(delivery, owner=self.owner, reason=reason)
            case Later(at=at):
                await queue.defer(delivery, owner=self.owner, at=at)

    async def _mark_sent(self, delivery: Delivery, now: datetime, *, snapshot: Any) -> None:
        queue = self._store.deliveries
        if await queue.mark_sent(delivery, owner=self.owner, now=now, snapshot=snapshot):
            logger.info("%s sent to %s", _what(delivery), delivery.target)
        else:
            logger.warning(
                "%s to %s was sent after its claim lapsed", _what(delivery), delivery.target
            )

    async def _retry(
        self, delivery: Delivery, now: datetime, *, error: str, wait: timedelta | None
    ) -> None:
        queue = self._store.deliveries
        if now - delivery.since >= GIVE_UP_AFTER:
            logger.error(
                "Giving up on %s to %s after %d attempts: %s",
                _what(delivery),
                delivery.target,
                delivery.attempts + 1,
                error,
            )
            await queue.give_up(delivery, owner=self.owner, error=error)
            return
        wait = wait or min(RETRY_FIRST * 2**delivery.attempts, RETRY_MAX)
        logger.warning(
            "%s to %s failed (%s); attempt %d, retrying in %ds",
            _what(delivery),
            delivery.target,
            error,
            delivery.attempts + 1,
            wait.total_seconds(),
        )
        await queue.retry_later(delivery, owner=self.owner, at=now + wait, error=error)

    async def _send(
        self, workspace: Workspace, delivery: Delivery, now: datetime
    ) -> Sent | Skipped | Later:
        if delivery.kind is JobKind.TALLY:
            return await self._tallies.send(
                workspace, delivery, now, owner=self.owner, standings=self._standings_of
            )
        if delivery.kind is JobKind.MAIL:
            return await self._send_mail(delivery)
        assert delivery.letter_id is not None
        letter = await self._store.letters.get(delivery.letter_id)
        if letter is None or letter.status is LetterStatus.REMOVED:
            return Skipped("the letter was taken down")
        if delivery.kind is JobKind.DUPLICATES:
            return await self._tell_duplicates(workspace, letter, delivery, now)
        if delivery.kind is JobKind.NEW_VERSION:
            return await self._tell_new_version(workspace, letter, delivery, now)
        if delivery.kind is JobKind.VERIFY:
            found = await self._standings_of(letter.id)
            outcome, withdrawn = await self._questions.look(letter, found, now=now)
            if withdrawn:
                await self._recount(workspace, letter)
            return outcome
        if delivery.kind is JobKind.QUESTION:
            return await self._questions.ask(
                workspace, delivery, standings=self._standings_of, now=now
            )
        if delivery.kind is JobKind.DISOWNED:
            return await self._questions.tell_disowned(workspace, delivery)
        if delivery.version != letter.schedule_version:
            # Planned for a deadline since moved (a reminder or closing post still being
            # retried when the letter was extended): what's planned now replaces it.
            return Skipped("the deadline moved")
        if delivery.kind is JobKind.CHASE:
            return await self._chase(workspace, letter, delivery, now)
        if delivery.to_person:
            export = await export_of(
                self._store,
                self._people,
                letter,
                now=now,
                zone=workspace.zone,
                roster_contacts=await self._is_organizer(workspace, delivery.target),
                style=letter.list_style,
                pages=self._pages,
            )
            async with self._speaking_to(delivery.target, now):
                await send_closing_list(workspace.slack, user=delivery.target, export=export)
            return Sent()
        post = next((p for p in letter.posts if p.channel_id == delivery.target), None)
        if post is None or post.ts is None:
            return Skipped("the letter is not posted in this channel")
        ts = post.ts
        if delivery.kind is JobKind.REMINDER:
            return await self._remind(workspace, letter, delivery, ts=ts, now=now)
        count = await self._store.signatures.count(letter.id)
        await self._update_post(workspace, letter, post, count=count)
        if delivery.kind is JobKind.CLOSE:
            await post_final_count(
                workspace.slack,
                channel=delivery.target,
                thread_ts=ts,
                letter=letter,
                signers=await self._store.signatures.signers(letter.id),
            )
        else:
            await post_deadline_moved(
                workspace.slack,
                channel=delivery.target,
                thread_ts=ts,
                letter=letter,
                count=count,
                zone=workspace.zone,
            )
        return Sent()

    async def _recount(self, workspace: Workspace, letter: Letter) -> None:
        """Bring the count under each of the letter's posts up to date."""
        count = await self._store.signatures.count(letter.id)
        for post in letter.posts:
            if post.ts is not None:
                await self._update_post(workspace, letter, post, count=count)

    async def _update_post(
        self, workspace: Workspace, letter: Letter, post: Post, *, count: int
    ) -> None:
        await update_post(
            workspace.slack,
            self._store,
            letter,
            post,
            count=count,
            zone=workspace.zone,
            budget=self._updates,
            public_url=self._pages.letter_url(letter),
        )

    async def _send_mail(self, delivery: Delivery) -> Sent | Skipped:
        if self._mail is None:
            return Skipped("no SMTP_URL to send email with", failed=True)
        web_signon_id = int(delivery.target.removeprefix("mail:"))
        passed = await self._mail.send(web_signon_id)
        return Sent() if passed is None else Skipped(passed)

    async def _tell_duplicates(
        self, workspace: Workspace, letter: Letter, delivery: Delivery, now: datetime
    ) -> Sent | Skipped | Later:
        lead = delivery.target
        if not letter.is_open:
            return Skipped("the letter closed; its final list names the pairs")
        pairs = await self._store.reviews.pending(letter.id)
        holds = await self._store.holds.waiting(letter.id)
        waiting = await self._store.signatures.waiting(letter.id)
        if not pairs and not holds and not waiting:
            return Skipped("what was new to review was reviewed already")
        # At most one such DM an hour for each lead, whatever the letters they lead: a
        # pass sends its claims side by side, so each lead's are taken in turn.
        async with self._telling[lead]:
            last = await self._store.history.last_sent(JobKind.DUPLICATES, target=lead)
            if last is not None and now < last + DUPLICATES_NOTICE_GAP:
                return Later(last + DUPLICATES_NOTICE_GAP)
            entries = [e for pair in pairs for e in (pair.first, pair.second)] + waiting
            found = await self._standings_of(letter.id)
            verification = await verification_of(
                self._store, self._people, letter.id, entries, found, now=now
            )
            async with self._speaking_to(lead, now):
                await send_duplicates_notice(
                    workspace.slack,
                    user=lead,
                    letter=letter,
                    pairs=pairs,
                    holds=holds,
                    verification=verification,
                    waiting=waiting,
                )
            # Marked before the next of theirs is weighed.
            await self._mark_sent(delivery, now, snapshot=None)
            return Sent(marked=True)

    async def _tell_new_version(
        self, workspace: Workspace, letter: Letter, delivery: Delivery, now: datetime
    ) -> Sent | Skipped:
        if delivery.version != letter.version:
            return Skipped("a later version followed; its notice tells of both")
        if not letter.is_open:
            return Skipped("the letter closed")
        user = delivery.target
        # Each contact speaks for themselves: theirs is the version they agreed to.
        signed = await self._store.signatures.signed_by(user, letter.id)
        agreed = {
            entry.id: contact.agreed_version
            for entry in signed
            if (contact := entry.contact_of(user)) is not None
        }
        entries = [e for e in signed if agreed.get(e.id, letter.version) < letter.version]
        if not entries:
            return Skipped("they have kept their signature or withdrawn since")
        since = min(agreed[entry.id] for entry in entries)
        versions = {v.version: v for v in await self._store.letters.versions(letter.id)}
        async with self._speaking_to(user, now):
            await send_version_notice(
                workspace.slack,
                user=user,
                letter=letter,
                since=since,
                changes=changes(versions[since], versions[letter.version]),
                entries=entries,
            )
        return Sent()

    async def _chase(
        self, workspace: Workspace, letter: Letter, delivery: Delivery, now: datetime
    ) -> Sent | Skipped:
        """Ask a roster contact to sign for their members that haven't, unless that
        changed since the chase was planned, or they were chased lately."""
        user = delivery.target
        if not letter.is_open or letter.deadline <= now:
            return Skipped("the letter closed first")
        if await self._store.roster.opted_out(letter.id, user):
            return Skipped("they asked not to be reminded about this letter")
        # At most one chase a contact per letter in any CHASE_GAP, whatever planned it:
        # a pass sends its claims side by side, so each contact's are taken in turn.
        async with self._chasing[user]:
            chased = await self._store.history.chased_since(letter.id, since=now - CHASE_GAP)
            if user in chased:
                return Skipped("they were chased about this letter less than 20 hours ago")
            outcome = await self._send_chase(workspace, letter, user, now)
            if isinstance(outcome, Sent):
                await self._mark_sent(delivery, now, snapshot=None)
                return Sent(marked=True)
            return outcome

    async def _send_chase(
        self, workspace: Workspace, letter: Letter, user: str, now: datetime
    ) -> Sent | Skipped:
        """The chase DM, unless the contact or their organization has signed since."""
        if await self._store.signatures.signed_by(user, letter.id):
            return Skipped("they have signed")
        found = await self._standings_of(letter.id)
        theirs = [s.member for s in found if s.missing and user in s.member.user_ids]
        if not theirs:
            return Skipped("their organization has signed")
        entries = await self._store.entries.search(letter.id)
        state = next((member.state for member in theirs if member.state), None)
        reader = (await self._people.zones([user], now=now, default=workspace.zone))[user]
        async with self._speaking_to(user, now):
            await send_chase(
                workspace.slack,
                user=user,
                letter=letter,
                members=theirs,
                count=await self._store.signatures.count(letter.id),
                from_their_state=signed_from_state(entries, state),
                now=now,
                zone=workspace.zone,
                reader=reader,
                public_url=self._pages.letter_url(letter),
            )
        return Sent()

    @contextlib.asynccontextmanager
    async def _speaking_to(self, user: str, now: datetime) -> AsyncIterator[None]:
        """Say what is sent inside in `user`'s language: asked only once a DM is sure to
        go out (a chase to someone who has signed since costs no lookup)."""
        with speaking(await self._people.language(user, now=now)):
            yield

    async def _standings_of(self, letter_id: int) -> list[MemberStanding]:
        """Where the letter's roster members stand, shared by the sends of one pass."""
        working = self._standings.get(letter_id)
        if working is None:
            working = asyncio.ensure_future(letter_standings(self._store, letter_id))
            self._standings[letter_id] = working
        try:
            return await asyncio.shield(working)
        except Exception:
            self._standings.pop(letter_id, None)
            raise

    async def _remind(
        self, workspace: Workspace, letter: Letter, delivery: Delivery, *, ts: str, now: datetime
    ) -> Sent | Skipped:
        if letter.status is not LetterStatus.OPEN or letter.deadline <= now:
            if delivery.attempts:
                return Skipped("it could not be sent before the letter closed", failed=True)
            return Skipped("the letter closed first")
        count = await self._store.signatures.count(letter.id)
        shown = delivery.offset in shown_in_channel(letter.reminders, letter.shown_reminders)
        await post_reminder(
            workspace.slack,
            channel=delivery.target,
            thread_ts=ts,
            letter=letter,
            count=count,
            now=now,
            zone=workspace.zone,
            broadcast=shown,
        )
        return Sent()


def _retry_after(error: SlackApiError) -> timedelta | None:
    headers = getattr(error.response, "headers", None) or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return timedelta(seconds=max(1, int(value))) if value is not None else None
    except (TypeError, ValueError):
        return None


def _what(delivery: Delivery) -> str:
    letter = f" for letter {delivery.letter_id}" if delivery.letter_id is not None else ""
    return delivery.kind.label + letter
