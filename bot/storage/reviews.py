"""Pairs of entries that may be one organization, waiting for an organizer: Merge
(contacts and spellings move to the kept entry) or kept as two (never suggested again)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.reviews import ReviewPair, ReviewStatus
from bot.rules.signons import ChangeAction, Signer, SignerStatus
from bot.storage.audit import record_change
from bot.storage.connect import Connect
from bot.storage.schema import duplicate_reviews, signatures, signers
from bot.storage.signer_lists import load_signers


class ReviewRecords:
    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def counts(self, letter_ids: Sequence[int]) -> dict[int, int]:
        """How many pairs of possible duplicates wait for review, per letter."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(duplicate_reviews.c.letter_id, sa.func.count())
                .where(
                    duplicate_reviews.c.letter_id.in_(letter_ids),
                    duplicate_reviews.c.status == ReviewStatus.PENDING,
                )
                .group_by(duplicate_reviews.c.letter_id)
            )
            counts = dict.fromkeys(letter_ids, 0)
            counts.update({letter_id: count for letter_id, count in rows})
            return counts

    async def pending(self, letter_id: int) -> list[ReviewPair]:
        async with self._reading() as conn:
            rows = (
                await conn.execute(
                    sa.select(duplicate_reviews)
                    .where(
                        duplicate_reviews.c.letter_id == letter_id,
                        duplicate_reviews.c.status == ReviewStatus.PENDING,
                    )
                    .order_by(duplicate_reviews.c.id)
                )
            ).all()
            ids = {row.first_id for row in rows} | {row.second_id for row in rows}
            by_id = {s.id: s for s in await conn.run_sync(load_signers, signers.c.id.in_(ids))}
            return [
                ReviewPair(row.id, row.letter_id, by_id[row.first_id], by_id[row.second_id])
                for row in rows
            ]

    async def letter_of(self, review_id: int) -> int | None:
        """The letter a review belongs to, if the review exists."""
        async with self._reading() as conn:
            return (
                await conn.execute(
                    sa.select(duplicate_reviews.c.letter_id).where(
                        duplicate_reviews.c.id == review_id
                    )
                )
            ).scalar_one_or_none()

    async def merge(
        self, review_id: int, *, user_id: str, now: datetime, listed: bool | None = None
    ) -> Signer | None:
        """Fold the later entry of a pending pair into the earlier one.

        Contacts and spellings move to the kept entry; the other is kept as `merged`.
        The kept entry is listed only if both were, unless `listed` says otherwise (an
        organizer's choice in the merge itself). None if the pair was already decided.
        """
        async with self._writing() as conn:
            pair = await _pending_pair(conn, review_id)
            if pair is None:
                return None
            keep, drop = pair.first_id, pair.second_id
            if not await _both_active(conn, keep, drop):
                await conn.execute(
                    duplicate_reviews.delete().where(duplicate_reviews.c.id == review_id)
                )
                return None
            await _move_contacts(conn, from_id=drop, to_id=keep, now=now)
            # Entries merged into `drop` earlier now point straight at `keep`.
            await conn.execute(
                signers.update().where(signers.c.merged_into == drop).values(merged_into=keep)
            )
            await conn.execute(
                signers.update()
                .where(signers.c.id == drop)
                .values(status=SignerStatus.MERGED, merged_into=keep)
            )
            dropped, kept = await _rows(conn, drop, keep)
            if kept.waiting and not dropped.waiting:
                # One organization, counted once already: the merged entry counts.
                await conn.execute(
                    signers.update().where(signers.c.id == keep).values(waiting=False)
                )
            public = listed if listed is not None else bool(dropped.public and kept.public)
            if public != kept.public:
                await conn.execute(
                    signers.update().where(signers.c.id == keep).values(public=public)
                )
                why = "merged; listed as chosen in the merge" if listed is not None else None
                await record_change(
                    conn,
                    kept,
                    ChangeAction.MERGED,
                    [("public", kept.public, public)],
                    by=user_id,
                    now=now,
                    reason=why or f"merged with “{dropped.name}”, which asked not to be listed",
                )
            await record_change(
                conn,
                dropped,
                ChangeAction.MERGED,
                [("status", "active", "merged")],
                by=user_id,
                now=now,
                reason=f"merged into “{kept.name}”",
            )
            await _decide(conn, review_id, ReviewStatus.MERGED, user_id=user_id, now=now)
            await _repoint_reviews(conn, from_id=drop, to_id=keep)
            return (await conn.run_sync(load_signers, signers.c.id == keep))[0]

    async def keep_both(self, review_id: int, *, user_id: str, now: datetime) -> bool:
        """Remember that the pair are different; False if it was already decided."""
        async with self._writing() as conn:
            if await _pending_pair(conn, review_id) is None:
                return False
            await _decide(conn, review_id, ReviewStatus.KEPT, user_id=user_id, now=now)
            return True


async def _rows(conn: AsyncConnection, *signer_ids: int) -> list[Any]:
    rows = {
        row.id: row
        for row in await conn.execute(sa.select(signers).where(signers.c.id.in_(signer_ids)))
    }
    return [rows[signer_id] for signer_id in signer_ids]


async def _pending_pair(conn: AsyncConnection, review_id: int) -> sa.Row[Any] | None:
    return (
        await conn.execute(
            sa.select(duplicate_reviews).where(
                duplicate_reviews.c.id == review_id,
                duplicate_reviews.c.status == ReviewStatus.PENDING,
            )
        )
    ).first()


async def _both_active(conn: AsyncConnection, *signer_ids: int) -> bool:
    active = await conn.execute(
        sa.select(sa.func.count()).where(
            signers.c.id.in_(signer_ids), signers.c.status == SignerStatus.ACTIVE
        )
    )
    return active.scalar_one() == len(signer_ids)


async def _decide(
    conn: AsyncConnection, review_id: int, status: ReviewStatus, *, user_id: str, now: datetime
) -> None:
    await conn.execute(
        duplicate_reviews.update()
        .where(duplicate_reviews.c.id == review_id)
        .values(status=status, decided_by=user_id, decided_at=now)
    )


async def _move_contacts(conn: AsyncConnection, *, from_id: int, to_id: int, now: datetime) -> None:
    # Someone who signed both entries stays one contact: their second sign-on is closed.
    already = sa.select(signatures.c.user_id).where(
        signatures.c.signer_id == to_id,
        signatures.c.user_id.is_not(None),
        signatures.c.withdrawn_at.is_(None),
    )
    await conn.execute(
        signatures.update()
        .where(
            signatures.c.signer_id == from_id,
            signatures.c.user_id.in_(already),
            signatures.c.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now)
    )
    await conn.execute(
        signatures.update().where(signatures.c.signer_id == from_id).values(signer_id=to_id)
    )


async def _repoint_reviews(conn: AsyncConnection, *, from_id: int, to_id: int) -> None:
    """Pending pairs with a merged-away entry now concern the entry it went into."""
    pending = (
        await conn.execute(
            sa.select(duplicate_reviews).where(
                duplicate_reviews.c.status == ReviewStatus.PENDING,
                sa.or_(
                    duplicate_reviews.c.first_id == from_id,
                    duplicate_reviews.c.second_id == from_id,
                ),
            )
        )
    ).all()
    for review in pending:
        partner = review.second_id if review.first_id == from_id else review.first_id
        first, second = sorted((partner, to_id))
        taken = (
            await conn.execute(
                sa.select(duplicate_reviews.c.id).where(
                    duplicate_reviews.c.first_id == first, duplicate_reviews.c.second_id == second
                )
            )
        ).first()
        if partner == to_id or taken is not None:
            await conn.execute(
                duplicate_reviews.delete().where(duplicate_reviews.c.id == review.id)
            )
        else:
            await conn.execute(
                duplicate_reviews.update()
                .where(duplicate_reviews.c.id == review.id)
                .values(first_id=first, second_id=second)
            )
