"""The review queue: pairs of entries that may be one organization, and an organizer's
decision on each (Merge, or Keep both)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.access import Organizers
from bot.live_count import LiveCount
from bot.models import ChangeAction, Letter, LetterStatus, ReviewDecision, ReviewPair, Signer
from bot.problems import Action, PairDecided, Surface
from bot.refs import find_letter
from bot.storage import Store
from bot.storage.entries import EntryChanged


@dataclass(frozen=True, slots=True)
class Review:
    """A letter's pairs waiting for review, and what became of the one just decided."""

    letter: Letter
    pairs: list[ReviewPair]
    decision: ReviewDecision | None = None
    kept_name: str | None = None  # the entry a merge kept


class Reviews:
    def __init__(
        self, *, store: Store, organizers: Organizers, live_count: LiveCount | None = None
    ) -> None:
        self._store = store
        self._organizers = organizers
        self._live_count = live_count

    async def queue(self, ref: str, *, user: str, channel: str) -> Review:
        letter = await find_letter(
            self._store, ref, channel=channel, status=LetterStatus.OPEN, surface=Surface.LETTER
        )
        await self._organizers.require_manager(user, letter, Action.REVIEW)
        return Review(letter, await self._store.reviews.pending(letter.id))

    async def decide(
        self,
        review_id: int,
        *,
        merge: bool,
        user: str,
        now: datetime,
        publish_second: bool = False,
    ) -> Review:
        """Merge a pair (publishing the earlier entry's name, or with `publish_second`
        the later one's), or keep both for good; the queue as it stands afterwards."""
        letter_id = await self._store.reviews.letter_of(review_id)
        letter = await self._store.letters.get(letter_id) if letter_id is not None else None
        if letter is None:
            raise PairDecided
        await self._organizers.require_manager(user, letter, Action.REVIEW)
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
            kept = await self._store.reviews.merge(review_id, user_id=user, now=now)
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
        pairs = await self._store.reviews.pending(letter.id)
        return Review(letter, pairs, decision, kept_name)

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
