"""The coalition's roster at work: loading it, who on it has signed a letter, and
chasing those who haven't.

Chases go out through the schedule, as reminders do: `/letter chase` plans one at once,
and each reminder brings its own. The dispatcher sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.rules.letters import Letter, LetterStatus
from bot.rules.limits import CSV_FILE_MAX_BYTES
from bot.rules.problems import (
    Action,
    EntryGone,
    NoRoster,
    NotTheirMember,
    RosterUnreadable,
    SignOnsClosed,
    Surface,
)
from bot.rules.roster import EmailLookup, MemberStanding, RosterMember, standings
from bot.rules.timing import CHASE_GAP
from bot.services.audience import Audience
from bot.services.refs import find_letter, numbered
from bot.services.workspace import Workspace
from bot.slack.errors import UNANSWERED, slack_error
from bot.slack.files import FileUnavailable, describe_file, download_file
from bot.slack.gateway import SlackApi
from bot.slack.pacing import TIER_3_CALLS, CallBudget
from bot.slack.people import account_by_email
from bot.storage import Store
from bot.texts.imports import ImportProblem
from bot.texts.roster import RosterImport, read_roster

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Chase:
    """A chase asked for: the letter, where its members stand, False when one asked
    for moments ago is still going out, and when each contact chased lately can be
    chased again."""

    letter: Letter
    standings: list[MemberStanding]
    planned: bool
    again: dict[str, datetime]


async def load_roster(store: Store, data: bytes, *, now: datetime) -> RosterImport:
    """Add or update the members a CSV names, at once: a contact's email whose Slack
    account was found before keeps it; the others are for `look_up_emails`."""
    try:
        found = read_roster(data)
    except ImportProblem as problem:
        raise RosterUnreadable(str(problem)) from None
    emails = sorted(
        {c.email for row in found.members for c in row.contacts if c.email and not c.user_id}
    )
    known = await store.roster.known_accounts(emails)
    saved = await store.roster.save(found.members, accounts=known, now=now)
    return RosterImport(saved, found.skipped, [e for e in emails if e not in known])


Progress = Callable[[int, int], Awaitable[None]]


async def look_up_emails(
    store: Store,
    client: SlackApi,
    emails: Sequence[str],
    *,
    budget: CallBudget,
    progress: Progress | None = None,
) -> EmailLookup:
    """Find the Slack account of each email (users.lookupByEmail, within its rate tier
    by `budget`), keeping each one found at once: if Slack stops answering, what was
    found stays, and the rest are left for the next import. `progress(done, of)` hears
    after each."""
    found: dict[str, str] = {}
    unknown: list[str] = []
    for done, email in enumerate(emails):
        await budget.spend()
        try:
            user = await account_by_email(client, email)
        except (SlackApiError, *UNANSWERED) as error:
            logger.warning(
                "Looking up roster emails in Slack stopped after %d of %d: %s",
                done,
                len(emails),
                slack_error(error),
            )
            return EmailLookup(found, unknown, list(emails[done:]))
        if user is None:
            unknown.append(email)
        else:
            found[email] = user
            await store.roster.resolve(email, user)
        if progress is not None:
            await progress(done + 1, len(emails))
    return EmailLookup(found, unknown)


async def letter_standings(store: Store, letter_id: int) -> list[MemberStanding]:
    """Where each roster member stands with the letter; empty without a roster."""
    members = await store.roster.members()
    if not members:
        return []
    entries = await store.entries.search(letter_id)
    return standings(members, entries, decided=await store.roster.decisions(letter_id))


class Members:
    """What organizers ask of the roster from Slack."""

    def __init__(
        self,
        *,
        store: Store,
        audience: Audience,
        schedule_changed: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._audience = audience
        self._schedule_changed = schedule_changed
        # users.lookupByEmail is Tier 3: every lookup this process makes spends from here.
        self._lookups = CallBudget(calls=TIER_3_CALLS)

    async def roster(
        self, workspace: Workspace, *, user: str
    ) -> tuple[list[RosterMember], list[str]]:
        """The roster's members, and contacts' emails no Slack account was found for."""
        await workspace.organizers.require_organizer(user, roster=True)
        return await self._store.roster.members(), await self._store.roster.unresolved_emails()

    async def load(
        self, workspace: Workspace, files: list[dict[str, Any]], *, user: str, now: datetime
    ) -> tuple[RosterImport, int]:
        """Load the roster file uploaded through the roster form; returns what changed
        (with the emails still to look up) and how many members the roster now has."""
        await workspace.organizers.require_organizer(user, roster=True)
        if not files:
            raise RosterUnreadable("no file came with the form. Choose a CSV file and upload.")
        try:
            file = await describe_file(workspace.slack, files[0])
            data = await download_file(workspace.slack, file, max_bytes=CSV_FILE_MAX_BYTES)
        except FileUnavailable as problem:
            raise RosterUnreadable(f"{problem}.") from None
        result = await load_roster(self._store, data, now=now)
        return result, len(await self._store.roster.members())

    async def look_up(
        self, workspace: Workspace, emails: Sequence[str], *, progress: Progress
    ) -> EmailLookup:
        """Find the Slack accounts of the roster's new emails, paced within the tier
        (a few hundred take minutes); progress is told as it goes."""
        return await look_up_emails(
            self._store, workspace.slack, emails, budget=self._lookups, progress=progress
        )

    async def missing(
        self, workspace: Workspace, text: str, *, user: str, channel: str
    ) -> tuple[Letter, list[MemberStanding]]:
        """`/letter missing [#n]`: the letter, and where each member stands with it;
        raises NoRoster without a roster."""
        letter = await find_letter(
            self._store, text, channel=channel, status=None, surface=Surface.LETTER
        )
        return letter, await self._standings(workspace, letter, user=user)

    async def chase(
        self, workspace: Workspace, text: str, *, user: str, channel: str, now: datetime
    ) -> Chase:
        """`/letter chase [#n]`: DM, now, the contacts of members that haven't signed,
        except those chased about the letter less than CHASE_GAP ago."""
        letter = await find_letter(
            self._store, text, channel=channel, status=LetterStatus.OPEN, surface=Surface.LETTER
        )
        found = await self._standings(workspace, letter, user=user)
        if not letter.is_open:
            raise SignOnsClosed(letter)
        planned = await self._store.planning.chase_now(letter.id, now=now)
        self._schedule_changed()
        recent = await self._store.history.chased_since(letter.id, since=now - CHASE_GAP)
        again = {contact: at + CHASE_GAP for contact, at in recent.items()}
        return Chase(letter, found, planned=planned, again=again)

    async def decide(
        self,
        workspace: Workspace,
        letter_id: int,
        member_id: int,
        entry_id: int,
        *,
        same: bool,
        user: str,
        now: datetime,
    ) -> tuple[Letter, list[MemberStanding]]:
        """An organizer's answer to "is this member that entry?"; returns the letter and
        where its members stand now."""
        letter = await numbered(self._store, letter_id, surface=Surface.BUTTON)
        await workspace.organizers.require_manager(user, letter, Action.CHASE)
        entry = await self._store.entries.get(entry_id)
        member = await self._store.roster.member(member_id)
        if entry is None or entry.letter_id != letter.id or member is None:
            raise EntryGone()
        await self._store.roster.decide(letter.id, member_id, entry_id, same=same, by=user, now=now)
        return letter, await self._standings(workspace, letter, user=user)

    async def _standings(
        self, workspace: Workspace, letter: Letter, *, user: str
    ) -> list[MemberStanding]:
        await workspace.organizers.require_manager(user, letter, Action.CHASE)
        found = await letter_standings(self._store, letter.id)
        if not found:
            raise NoRoster()
        return found

    async def opt_out(
        self, workspace: Workspace, letter_id: int, *, user: str, now: datetime
    ) -> Letter | None:
        """No more chases about the letter for `user`; None if the letter is gone (or,
        to someone it isn't open to, never was)."""
        letter = await self._store.letters.get(letter_id)
        if letter is None or not await self._audience.sees(workspace, user, letter):
            return None
        await self._store.roster.opt_out(letter_id, user, now=now)
        return letter

    async def contact_of(self, member_id: int, *, user: str) -> RosterMember:
        """The member a chase's Sign on button names, if `user` is one of its contacts."""
        member = await self._store.roster.member(member_id)
        if member is None or user not in member.user_ids:
            raise NotTheirMember()
        return member
