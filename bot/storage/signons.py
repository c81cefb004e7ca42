"""Sign-ons in the database: each entry in a letter's list of signers, everyone who
signed it, every spelling they used. `Signatures` records batches of sign-ons
(`signon_batches`), counts and lists entries, confirms and withdraws them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.reviews import ReviewStatus
from bot.rules.signons import ChangeAction, Recorded, Signer, SignerStatus
from bot.storage.audit import record_change
from bot.storage.connect import Connect, RunWriting
from bot.storage.schema import (
    SIGNER_ACTIVE,
    SIGNER_COUNTED,
    duplicate_reviews,
    held_signons,
    holds,
    letters,
    signatures,
    signers,
)
from bot.storage.signer_lists import load_signers
from bot.storage.signon_batches import catch_up, record_batch
from bot.storage.signon_pending import DuplicateIndex, KnownCount, Pending


class Signatures:
    def __init__(self, *, writing: Connect, reading: Connect, run_writing: RunWriting) -> None:
        self._writing = writing
        self._reading = reading
        self._run_writing = run_writing

    async def record(
        self,
        letter_id: int,
        batch: Sequence[Pending],
        *,
        index: DuplicateIndex,
        known: KnownCount | None = None,
    ) -> tuple[list[Recorded], int]:
        """Record sign-ons in one transaction, in order; returns each outcome and the count.

        An entry with the same key gets the sign-on as another contact; otherwise a new
        entry is made, and pairs with `index`'s possible duplicates queued for review.
        The unique index on active keys backs this, so two processes signing the same
        organization at once make one entry (the loser's transaction fails and is
        retried by the caller, finding the entry). The count starts from `known`, what
        the caller's last batch for the letter left, when nobody has written since.
        """
        recorded: tuple[list[Recorded], int] = await self._run_writing(
            record_batch, letter_id, batch, index, known or KnownCount()
        )
        return recorded

    async def catch_up(self, letter_id: int, index: DuplicateIndex) -> None:
        """`index` learns the letter's organizations it hasn't seen, as a batch's first
        step does (and on the same connection, so that step then finds its statement
        ready)."""
        await self._run_writing(catch_up, letter_id, index)

    async def count(self, letter_id: int) -> int:
        return (await self.counts([letter_id]))[letter_id]

    async def counts(self, letter_ids: Sequence[int]) -> dict[int, int]:
        """How many active entries each letter has (the count that goes to the press)."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(signers.c.letter_id, sa.func.count())
                .where(signers.c.letter_id.in_(letter_ids), SIGNER_COUNTED)
                .group_by(signers.c.letter_id)
            )
            counts = dict.fromkeys(letter_ids, 0)
            counts.update({letter_id: count for letter_id, count in rows})
            return counts

    async def waiting_counts(self, letter_ids: Sequence[int]) -> dict[int, int]:
        """How many entries of each letter wait to be verified."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(signers.c.letter_id, sa.func.count())
                .where(
                    signers.c.letter_id.in_(letter_ids),
                    SIGNER_ACTIVE,
                    signers.c.waiting.is_(sa.true()),
                )
                .group_by(signers.c.letter_id)
            )
            counts = dict.fromkeys(letter_ids, 0)
            counts.update({letter_id: count for letter_id, count in rows})
            return counts

    async def unconfirmed(self, letter_ids: Sequence[int]) -> dict[int, int]:
        """How many active entries of each letter signed an earlier version of its text
        and haven't said they still sign it."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(signers.c.letter_id, sa.func.count())
                .join(letters, letters.c.id == signers.c.letter_id)
                .where(
                    signers.c.letter_id.in_(letter_ids),
                    signers.c.status == SignerStatus.ACTIVE,
                    signers.c.signed_version < letters.c.version,
                    sa.func.coalesce(signers.c.confirmed_version, 0) < letters.c.version,
                )
                .group_by(signers.c.letter_id)
            )
            counts = dict.fromkeys(letter_ids, 0)
            counts.update({letter_id: count for letter_id, count in rows})
            return counts

    async def confirm(self, user_id: str, letter_id: int, *, version: int) -> list[Signer]:
        """The user still signs `version` of the letter for each entry they signed: their
        own contact says so, and each entry keeps the highest any contact confirmed."""
        async with self._writing() as conn:
            await conn.execute(
                signatures.update()
                .where(
                    signatures.c.letter_id == letter_id,
                    signatures.c.user_id == user_id,
                    signatures.c.withdrawn_at.is_(None),
                    sa.func.coalesce(signatures.c.confirmed_version, 0) < version,
                    signatures.c.signed_version < version,
                )
                .values(confirmed_version=version)
            )
            await conn.execute(
                signers.update()
                .where(
                    _signed_by(user_id, letter_id),
                    sa.func.coalesce(signers.c.confirmed_version, 0) < version,
                    signers.c.signed_version < version,
                )
                .values(confirmed_version=version)
            )
            return await conn.run_sync(load_signers, _signed_by(user_id, letter_id))

    async def signers(self, letter_id: int) -> list[Signer]:
        """The letter's counted entries with their contacts, in signing order."""
        async with self._reading() as conn:
            return await conn.run_sync(
                load_signers, sa.and_(signers.c.letter_id == letter_id, SIGNER_COUNTED)
            )

    async def waiting(self, letter_id: int) -> list[Signer]:
        """The letter's entries waiting to be verified, in signing order."""
        async with self._reading() as conn:
            return await conn.run_sync(
                load_signers,
                sa.and_(
                    signers.c.letter_id == letter_id,
                    SIGNER_ACTIVE,
                    signers.c.waiting.is_(sa.true()),
                ),
            )

    async def has_signed(self, user_id: str, letter_id: int) -> bool:
        """Whether `user_id` ever signed the letter (withdrawn since, or held, too)."""
        signed = sa.select(signatures.c.id).where(
            signatures.c.letter_id == letter_id, signatures.c.user_id == user_id
        )
        held = (
            sa.select(held_signons.c.id)
            .join(holds, holds.c.id == held_signons.c.hold_id)
            .where(holds.c.letter_id == letter_id, holds.c.user_id == user_id)
        )
        async with self._reading() as conn:
            found = await conn.execute(sa.select(sa.or_(sa.exists(signed), sa.exists(held))))
            return bool(found.scalar())

    async def signed_by(self, user_id: str, letter_id: int) -> list[Signer]:
        """The active entries `user_id` is a contact of."""
        async with self._reading() as conn:
            return await conn.run_sync(load_signers, _signed_by(user_id, letter_id))

    async def withdraw(
        self,
        user_id: str,
        letter_id: int,
        *,
        now: datetime,
        only: Collection[int] | None = None,
    ) -> list[Signer]:
        """Withdraw the user's sign-ons (for the entries `only`, if given); an entry left
        with no contact is withdrawn too.

        Returns the entries the user had signed. Nothing is deleted.
        """
        signed = _signed_by(user_id, letter_id)
        if only is not None:
            signed = sa.and_(signed, signers.c.id.in_(list(only)))
        async with self._writing() as conn:
            affected = await conn.run_sync(load_signers, signed)
            await conn.execute(
                signatures.update()
                .where(
                    signatures.c.signer_id.in_([signer.id for signer in affected]),
                    signatures.c.user_id == user_id,
                    signatures.c.withdrawn_at.is_(None),
                )
                .values(withdrawn_at=now)
            )
            await withdraw_unsigned(conn, [signer.id for signer in affected])
            left = set(
                (
                    await conn.execute(
                        sa.select(signers.c.id).where(
                            signers.c.id.in_([signer.id for signer in affected]),
                            signers.c.status == SignerStatus.WITHDRAWN,
                        )
                    )
                ).scalars()
            )
            for signer in affected:
                gone = [("status", "active", "withdrawn")] if signer.id in left else []
                await record_change(
                    conn,
                    signer,
                    ChangeAction.WITHDRAWN,
                    [("contact", user_id, None), *gone],
                    by=user_id,
                    now=now,
                    reason="withdrawn by its signer",
                )
            return affected


async def withdraw_unsigned(conn: AsyncConnection, ids: list[int]) -> None:
    """Of these entries, those left with no contact leave the list, and the review
    queue: an entry that left is no one's duplicate any more."""
    still_signed = sa.select(signatures.c.id).where(
        signatures.c.signer_id == signers.c.id, signatures.c.withdrawn_at.is_(None)
    )
    await conn.execute(
        signers.update()
        .where(signers.c.id.in_(ids), ~sa.exists(still_signed))
        .values(status=SignerStatus.WITHDRAWN.value)
    )
    gone = sa.select(signers.c.id).where(
        signers.c.id.in_(ids), signers.c.status == SignerStatus.WITHDRAWN
    )
    await conn.execute(
        duplicate_reviews.delete().where(
            duplicate_reviews.c.status == ReviewStatus.PENDING,
            sa.or_(duplicate_reviews.c.first_id.in_(gone), duplicate_reviews.c.second_id.in_(gone)),
        )
    )


def _signed_by(user_id: str, letter_id: int) -> sa.ColumnElement[bool]:
    return sa.and_(
        signers.c.status == SignerStatus.ACTIVE,
        signers.c.id.in_(
            sa.select(signatures.c.signer_id).where(
                signatures.c.letter_id == letter_id,
                signatures.c.user_id == user_id,
                signatures.c.withdrawn_at.is_(None),
            )
        ),
    )
