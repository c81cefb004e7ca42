"""Entries after they are made: a signer correcting their own, and an organizer's tools
for a letter's signers (edit any field, withdraw with a reason, restore, search). Every
change lands in the audit trail with who made it, when and why."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.rules.checks import check_submission
from bot.rules.cleaning import one_line
from bot.rules.dedupe import org_key, prepared, same
from bot.rules.forms import SignonField
from bot.rules.letters import Letter
from bot.rules.limits import REASON_MAX
from bot.rules.problems import (
    Action,
    EntryGone,
    EntryNameTaken,
    FieldProblem,
    FormErrors,
    Issue,
    LetterGone,
    NotSignedHere,
    SignOnsClosed,
    Surface,
)
from bot.rules.signons import (
    ChangeAction,
    Outcome,
    OwnEntry,
    Signed,
    Signer,
    SignerChange,
    SignerKind,
    Submission,
)
from bot.rules.verification import Verified
from bot.services.live_count import LiveCount
from bot.services.refs import numbered, only_letter_in, split_ref
from bot.services.signons import SignOns
from bot.services.verification import Verifications
from bot.services.workspace import Workspace
from bot.storage import Store
from bot.storage.entries import EntryChanged, KeyTaken


@dataclass(frozen=True, slots=True)
class Listing:
    """A letter's entries as an organizer asked for them: those whose name holds
    `search`, each one's verification by id (none without a roster)."""

    letter: Letter
    entries: list[Signer]
    search: str
    verification: Mapping[int, Verified]


@dataclass(frozen=True, slots=True)
class Corrected:
    """What a signer's correction did: their entry as it is now (`keeper`: with its
    details theirs to keep), or, when they named another organization, the sign-on it
    became (and the entry they left)."""

    letter: Letter
    entry: Signer | None = None
    moved: Signed | None = None
    left: Signer | None = None
    keeper: bool = False


class Entries:
    def __init__(
        self,
        *,
        store: Store,
        signons: SignOns,
        live_count: LiveCount | None = None,
        verifications: Verifications | None = None,
    ) -> None:
        self._store = store
        self._signons = signons
        self._live_count = live_count
        self._verifications = verifications

    # A signer's own entry

    async def own(self, workspace: Workspace, letter: Letter, *, user: str) -> OwnEntry | None:
        """The entry `user` signed `letter` for (their latest), if they did."""
        entries = await self._store.signatures.signed_by(user, letter.id)
        if not entries:
            return None
        entry = entries[-1]
        keeper = await self._signons.keeps(workspace, entry, user=user, letter=letter)
        return OwnEntry(entry, entry.contact_of(user), keeper=keeper)

    async def correct(
        self,
        workspace: Workspace | None,
        letter: Letter,
        entry_id: int,
        submission: Submission,
        *,
        now: datetime,
    ) -> Corrected:
        """Apply a signer's corrections to their entry: to its details if they keep
        them (its maker, an organizer or a lead), else to their own contact alone.
        Another organization's name is a sign-on for it, through dedupe, and the old
        entry is left; raises FormErrors."""
        user = submission.user_id
        if not letter.is_open:
            raise SignOnsClosed(letter)
        submission = check_submission(submission)
        entry = next(
            (
                e
                for e in await self._store.signatures.signed_by(user or "", letter.id)
                if e.id == entry_id
            ),
            None,
        )
        if entry is None or user is None:
            raise NotSignedHere(letter)
        keeper = await self._signons.keeps(workspace, entry, user=user, letter=letter)
        if _another_organization(entry, submission):
            signed = await self._signons.sign(
                workspace, letter, submission, now=now, leaving=entry.id
            )
            held = signed.recorded.outcome is Outcome.HELD
            if held or signed.recorded.entry.id != entry.id:
                moved_to = submission.name if held else signed.recorded.entry.name
                # Withdrawn meanwhile, the entry has nothing left to leave.
                with contextlib.suppress(EntryChanged):
                    await self._store.entries.leave(
                        entry.id, user=user, now=now, reason=f"signed for {moved_to}"
                    )
                self._touch(letter)
                return Corrected(letter, moved=signed, left=entry)
            # Dedupe found it the same organization after all: a correction, then.
        try:
            updated = await self._store.entries.change(
                entry.id,
                entry=_entry_fields(submission) if keeper else {},
                contact=_contact_fields(submission),
                contact_of=user,
                action=ChangeAction.CORRECTED,
                by=user,
                now=now,
            )
        except EntryChanged:
            raise NotSignedHere(letter) from None
        return Corrected(letter, entry=updated, keeper=keeper)

    # An organizer's tools

    async def signers_of(
        self, workspace: Workspace, text: str, *, user: str, channel: str, now: datetime
    ) -> Listing:
        """`/letter signers [#letter] [name]`: the letter's entries (withdrawn ones too)
        whose name holds the search."""
        ref = split_ref(text)
        if ref.number is not None:
            letter = await numbered(self._store, ref.number, surface=Surface.LETTER)
        else:
            letter = await only_letter_in(self._store, channel, status=None, surface=Surface.LETTER)
        return await self._search(workspace, letter, user=user, search=ref.rest, now=now)

    async def listing(
        self, workspace: Workspace, letter_id: int, *, user: str, now: datetime, search: str = ""
    ) -> Listing:
        """The letter's entries (withdrawn ones too) whose name holds `search`."""
        letter = await self._store.letters.get(letter_id)
        if letter is None:
            raise LetterGone
        return await self._search(workspace, letter, user=user, search=search, now=now)

    async def _search(
        self, workspace: Workspace, letter: Letter, *, user: str, search: str, now: datetime
    ) -> Listing:
        await workspace.organizers.require_manager(user, letter, Action.MANAGE_SIGNERS)
        # Tidied as every stored name is: no control character reaches the query.
        search = one_line(search)
        found = await self._store.entries.search(letter.id, text=search)
        verification = (
            await self._verifications.of(letter.id, found, now=now) if self._verifications else {}
        )
        return Listing(letter, found, search, verification)

    async def entry(
        self, workspace: Workspace, entry_id: int, *, user: str
    ) -> tuple[Letter, Signer]:
        """An entry for an organizer of its letter to act on."""
        entry = await self._store.entries.get(entry_id)
        letter = await self._store.letters.get(entry.letter_id) if entry else None
        if entry is None or letter is None:
            raise EntryGone
        await workspace.organizers.require_manager(user, letter, Action.MANAGE_SIGNERS)
        return letter, entry

    async def edit(
        self,
        workspace: Workspace,
        entry_id: int,
        submission: Submission,
        *,
        user: str,
        now: datetime,
        reason: str,
    ) -> Signer:
        """An organizer's edit of any field, the published name included (after the
        close too): the entry stays one entry; nothing is re-deduped."""
        _, entry = await self.entry(workspace, entry_id, user=user)
        submission = check_submission(submission)
        reason = _reason(reason)
        try:
            updated = await self._store.entries.change(
                entry.id,
                entry=_entry_fields(submission),
                contact=_contact_fields(submission),
                contact_of=None,
                action=ChangeAction.EDITED,
                by=user,
                now=now,
                reason=reason or None,
            )
        except EntryChanged:
            raise EntryGone from None
        return updated

    async def withdraw(
        self, workspace: Workspace, entry_id: int, *, user: str, now: datetime, reason: str
    ) -> Signer:
        """Withdraw an entry on its signers' behalf, with the reason, after the close too."""
        reason = _reason(reason)
        if not reason:
            raise FormErrors({SignonField.REASON: FieldProblem(Issue.MISSING)})
        letter, entry = await self.entry(workspace, entry_id, user=user)
        try:
            withdrawn = await self._store.entries.withdraw(
                entry.id, by=user, now=now, reason=reason
            )
        except EntryChanged:
            raise EntryGone from None
        self._touch(letter)
        return withdrawn

    async def restore(
        self, workspace: Workspace, entry_id: int, *, user: str, now: datetime, reason: str
    ) -> Signer:
        """Put a withdrawn entry back in the list."""
        reason = _reason(reason)
        letter, entry = await self.entry(workspace, entry_id, user=user)
        try:
            restored = await self._store.entries.restore(
                entry.id, by=user, now=now, reason=reason or None
            )
        except EntryChanged:
            raise EntryGone from None
        except KeyTaken:
            raise EntryNameTaken(entry.name) from None
        self._touch(letter)
        return restored

    async def audit(self, letter_id: int) -> list[SignerChange]:
        return await self._store.entries.audit(letter_id)

    def _touch(self, letter: Letter) -> None:
        if self._live_count is not None:
            self._live_count.touch(letter.id)


def _reason(text: str) -> str:
    """Why an organizer changed an entry, tidied as names are; FormErrors if too long."""
    reason = one_line(text)
    if len(reason) > REASON_MAX:
        raise FormErrors({SignonField.REASON: FieldProblem(Issue.TOO_LONG, limit=REASON_MAX)})
    return reason


def _another_organization(entry: Signer, submission: Submission) -> bool:
    """The submission names an organization other than the entry's (a change of kind
    counts), which makes it a new sign-on rather than a correction."""
    if submission.kind is not entry.kind:
        return True
    if entry.kind is SignerKind.INDIVIDUAL:
        return False
    return not same(prepared(org_key(entry.name)), prepared(org_key(submission.name)))


def _entry_fields(submission: Submission) -> dict[str, object]:
    return {
        "name": submission.name,
        "affiliation": submission.affiliation,
        "city": submission.city,
        "state": submission.state,
        "public": submission.public,
    }


def _contact_fields(submission: Submission) -> dict[str, object]:
    return {
        "person_name": submission.person_name,
        "title": submission.title,
        "email": submission.email,
    }
