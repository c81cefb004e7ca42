"""The review queue and an organizer's decision on each item in it: a pair of entries
that may be one organization (the same, or different ones), and someone whose sign-ons past a
few organizations were held (Approve, or Withdraw all)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bot.rules.letters import Letter, LetterStatus
from bot.rules.problems import Action, EntryGone, FormErrors, HoldDecided, PairDecided, Surface
from bot.rules.reviews import Hold, ReviewDecision, ReviewPair
from bot.rules.signons import ChangeAction, Signer, SignerStatus
from bot.rules.verification import Verified
from bot.services.live_count import LiveCount
from bot.services.refs import find_letter
from bot.services.signons import SignOns
from bot.services.verification import Verifications
from bot.services.workspace import Workspace
from bot.storage import Store
from bot.storage.entries import EntryChanged

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Review:
    """A letter's items waiting for review, and what became of the one just decided."""

    letter: Letter
    pairs: list[ReviewPair]
    holds: list[Hold] = field(default_factory=list)
    decision: ReviewDecision | None = None
    kept_name: str | None = None  # the entry a merge kept
    # Each entry of the pairs' verification, with a roster.
    verification: Mapping[int, Verified] = field(default_factory=dict)
    # Organizations waiting to be verified, on a letter that holds them back.
    waiting: list[Signer] = field(default_factory=list)


class Reviews:
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

    async def queue(self, workspace: Workspace, ref: str, *, user: str, channel: str) -> Review:
        letter = await find_letter(
            self._store, ref, channel=channel, status=LetterStatus.OPEN, surface=Surface.LETTER
        )
        await workspace.organizers.require_manager(user, letter, Action.REVIEW)
        return await self._review(letter)

    async def _review(
        self, letter: Letter, decision: ReviewDecision | None = None, kept_name: str | None = None
    ) -> Review:
        pairs = await self._store.reviews.pending(letter.id)
        waiting = await self._store.signatures.waiting(letter.id)
        verification: Mapping[int, Verified] = {}
        entries = [entry for pair in pairs for entry in (pair.first, pair.second)] + waiting
        if entries and self._verifications is not None:
            verification = await self._verifications.of(letter.id, entries, now=datetime.now(UTC))
        return Review(
            letter,
            pairs,
            await self._store.holds.waiting(letter.id),
            decision,
            kept_name,
            verification,
            waiting,
        )

    async def decide(
        self,
        workspace: Workspace,
        review_id: int,
        *,
        merge: bool,
        user: str,
        now: datetime,
        publish_second: bool = False,
        listed: bool | None = None,
    ) -> Review:
        """Merge a pair (publishing the earlier entry's name, or with `publish_second`
        the later one's), or keep both for good; the queue as it stands afterwards. A
        merge keeps the entry unlisted if either side asked not to be listed, unless the
        organizer chose `listed`."""
        letter_id = await self._store.reviews.letter_of(review_id)
        letter = await self._store.letters.get(letter_id) if letter_id is not None else None
        if letter is None:
            raise PairDecided
        await workspace.organizers.require_manager(user, letter, Action.REVIEW)
        kept_name = None
        if merge:
            # The name to publish, read before the merge folds its entry away.
            pair = (
                next(
                    (p for p in await self._store.reviews.pending(letter.id) if p.id == review_id),
                    None,
                )
                if publish_second
                else None
            )
            kept = await self._store.reviews.merge(review_id, user_id=user, now=now, listed=listed)
            if kept is not None and pair is not None:
                kept = await self._publish_name(kept, pair.second.name, user=user, now=now)
            decision = ReviewDecision.MERGED if kept else ReviewDecision.ALREADY_DECIDED
            if kept is not None:
                kept_name = kept.name
                if self._live_count is not None:
                    self._live_count.touch(letter.id)
        else:
            decided = await self._store.reviews.keep_both(review_id, user_id=user, now=now)
            decision = ReviewDecision.KEPT if decided else ReviewDecision.ALREADY_DECIDED
        return await self._review(letter, decision, kept_name)

    async def approve(
        self, workspace: Workspace, hold_id: int, *, user: str, now: datetime
    ) -> Review:
        """The held person speaks for that many organizations: what of theirs waited is
        recorded like any sign-on (through dedupe, at the time they signed), and what
        they sign on the letter from now on counts at once."""
        letter = await self._held_letter(workspace, hold_id, user=user)
        hold = await self._store.holds.approve(hold_id, by=user, now=now)
        if hold is None or not hold.waiting:
            return await self._review(letter, ReviewDecision.ALREADY_DECIDED)
        for held in hold.waiting:
            submission = replace(held.submission, signed_at=held.submitted_at)
            try:
                await self._signons.sign(
                    workspace, letter, submission, now=now, closed_ok=True, approved=True
                )
            except FormErrors:
                # It was checked when it came in; the rules can only have tightened.
                logger.exception("A held sign-on on letter %d no longer passes", letter.id)
                continue
            await self._store.holds.counted(held.id, now=now)
        return await self._review(letter, ReviewDecision.APPROVED)

    async def withdraw_all(
        self, workspace: Workspace, hold_id: int, *, user: str, now: datetime
    ) -> Review:
        """Take back every sign-on of the held person on the letter, counted or waiting;
        each change is kept in the audit trail."""
        letter = await self._held_letter(workspace, hold_id, user=user)
        hold = await self._store.holds.get(hold_id)
        if hold is None:
            raise HoldDecided
        reason = f"signed for {hold.organizations} organizations; withdrawn by an organizer"
        done = await self._store.holds.withdraw_all(hold_id, by=user, now=now, reason=reason)
        if done is None:
            raise HoldDecided
        if self._live_count is not None:
            self._live_count.touch(letter.id)
        return await self._review(letter, ReviewDecision.WITHDRAWN_ALL)

    async def count_waiting(
        self, workspace: Workspace, entry_id: int, *, user: str, now: datetime
    ) -> Review:
        """An organizer counts an organization waiting to be verified."""
        letter, entry = await self._waiting_entry(workspace, entry_id, user=user)
        if entry is None or not await self._store.entries.count_waiting([entry.id]):
            return await self._review(letter, ReviewDecision.ALREADY_DECIDED)
        self._touch(letter)
        return await self._review(letter, ReviewDecision.COUNTED, entry.name)

    async def withdraw_waiting(
        self, workspace: Workspace, entry_id: int, *, user: str, now: datetime
    ) -> Review:
        """An organizer withdraws an organization waiting to be verified; the audit
        trail keeps it."""
        letter, entry = await self._waiting_entry(workspace, entry_id, user=user)
        if entry is None:
            return await self._review(letter, ReviewDecision.ALREADY_DECIDED)
        try:
            await self._store.entries.withdraw(
                entry.id, by=user, now=now, reason="not verified; withdrawn by an organizer"
            )
        except EntryChanged:
            return await self._review(letter, ReviewDecision.ALREADY_DECIDED)
        return await self._review(letter, ReviewDecision.WITHDRAWN, entry.name)

    async def _waiting_entry(
        self, workspace: Workspace, entry_id: int, *, user: str
    ) -> tuple[Letter, Signer | None]:
        """The letter of an entry waiting to be verified, for an organizer of it to
        decide, and the entry (None once it no longer waits)."""
        entry = await self._store.entries.get(entry_id)
        letter = await self._store.letters.get(entry.letter_id) if entry is not None else None
        if letter is None or letter.status is LetterStatus.REMOVED:
            raise EntryGone
        await workspace.organizers.require_manager(user, letter, Action.REVIEW)
        still = entry is not None and entry.waiting and entry.status is SignerStatus.ACTIVE
        return letter, entry if still else None

    def _touch(self, letter: Letter) -> None:
        if self._live_count is not None:
            self._live_count.touch(letter.id)

    async def _held_letter(self, workspace: Workspace, hold_id: int, *, user: str) -> Letter:
        """The letter of a hold, for an organizer of it to decide."""
        hold = await self._store.holds.get(hold_id)
        letter = await self._store.letters.get(hold.letter_id) if hold is not None else None
        if letter is None or letter.status is LetterStatus.REMOVED:
            raise HoldDecided
        await workspace.organizers.require_manager(user, letter, Action.REVIEW)
        return letter

    async def _publish_name(self, kept: Signer, name: str, *, user: str, now: datetime) -> Signer:
        """The merged entry, published under the other entry's name (unless it left the
        list meanwhile: then as it is)."""
        try:
            return await self._store.entries.change(
                kept.id,
                entry={"name": name},
                action=ChangeAction.EDITED,
                by=user,
                now=now,
                reason=f"merged with “{name}”, whose name is published",
            )
        except EntryChanged:
            return kept
