"""Sign-ons held for an organizer: someone who signs one letter for more organizations
than one person usually speaks for has the ones past that kept as submitted, uncounted,
under their hold, until an organizer approves them (they are then recorded like any
sign-on) or withdraws every sign-on of theirs on the letter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.reviews import Hold
from bot.rules.signons import (
    ChangeAction,
    HeldSignOn,
    HeldStatus,
    HoldStatus,
    Signer,
    SignerKind,
    SignerStatus,
)
from bot.storage.audit import record_change
from bot.storage.connect import Connect
from bot.storage.schema import held_signons, holds, signatures, signers
from bot.storage.signer_lists import load_signers
from bot.storage.signons import withdraw_unsigned
from bot.storage.submissions import submission_from_json


class HoldRecords:
    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def waiting(self, letter_id: int) -> list[Hold]:
        """The letter's holds with sign-ons waiting for an organizer, oldest first."""
        async with self._reading() as conn:
            ids = (
                await conn.execute(
                    sa.select(holds.c.id)
                    .where(
                        holds.c.letter_id == letter_id,
                        sa.exists().where(
                            held_signons.c.hold_id == holds.c.id,
                            held_signons.c.status == HeldStatus.HELD,
                        ),
                    )
                    .order_by(holds.c.id)
                )
            ).scalars()
            return [hold for hold_id in list(ids) if (hold := await _hold(conn, hold_id))]

    async def counts(self, letter_ids: Sequence[int]) -> dict[int, int]:
        """How many people have sign-ons waiting for an organizer, per letter."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(holds.c.letter_id, sa.func.count(sa.distinct(holds.c.id)))
                .join(held_signons, held_signons.c.hold_id == holds.c.id)
                .where(
                    holds.c.letter_id.in_(letter_ids),
                    held_signons.c.status == HeldStatus.HELD,
                )
                .group_by(holds.c.letter_id)
            )
            counts = dict.fromkeys(letter_ids, 0)
            counts.update({letter_id: count for letter_id, count in rows})
            return counts

    async def get(self, hold_id: int) -> Hold | None:
        async with self._reading() as conn:
            return await _hold(conn, hold_id)

    async def held_by(self, user_id: str, letter_id: int) -> list[HeldSignOn]:
        """What of `user_id`'s waits for an organizer on the letter."""
        async with self._reading() as conn:
            return await _held(conn, _of(user_id, letter_id))

    async def approve(self, hold_id: int, *, by: str, now: datetime) -> Hold | None:
        """The person speaks for that many organizations: from now on their sign-ons
        count. Returns the hold with what still waits (to be recorded, then marked
        counted); None if there is no such hold."""
        async with self._writing() as conn:
            await conn.execute(
                holds.update()
                .where(holds.c.id == hold_id)
                .values(status=HoldStatus.APPROVED.value, decided_by=by, decided_at=now)
            )
            return await _hold(conn, hold_id)

    async def counted(self, held_id: int, *, now: datetime) -> None:
        """A held sign-on, approved, has been recorded like any other."""
        await self._settle([held_id], HeldStatus.COUNTED, now=now)

    async def withdraw_own(
        self, user_id: str, letter_id: int, *, now: datetime
    ) -> list[HeldSignOn]:
        """The person takes back what of theirs was waiting."""
        async with self._writing() as conn:
            waiting = await _held(conn, _of(user_id, letter_id))
            await _set_status(conn, [h.id for h in waiting], HeldStatus.WITHDRAWN, now=now)
            return waiting

    async def withdraw_all(
        self, hold_id: int, *, by: str, now: datetime, reason: str
    ) -> tuple[Hold, list[Signer]] | None:
        """An organizer takes back every sign-on of the person on the letter: what
        waited, and their contact on each entry (an entry left with nobody leaves the
        list), each change in the audit trail. None if there is no such hold."""
        async with self._writing() as conn:
            hold = await _hold(conn, hold_id)
            if hold is None:
                return None
            await conn.execute(
                holds.update()
                .where(holds.c.id == hold_id)
                .values(status=HoldStatus.WITHDRAWN.value, decided_by=by, decided_at=now)
            )
            await _set_status(conn, [h.id for h in hold.waiting], HeldStatus.WITHDRAWN, now=now)
            theirs = sa.and_(
                signatures.c.letter_id == hold.letter_id,
                signatures.c.user_id == hold.user_id,
                signatures.c.withdrawn_at.is_(None),
            )
            entry_ids = list(
                (await conn.execute(sa.select(signatures.c.signer_id).where(theirs))).scalars()
            )
            rows = (
                await conn.execute(
                    sa.select(signers)
                    .where(signers.c.id.in_(entry_ids), signers.c.status == SignerStatus.ACTIVE)
                    .with_for_update()
                )
            ).all()
            await conn.execute(signatures.update().where(theirs).values(withdrawn_at=now))
            await withdraw_unsigned(conn, [row.id for row in rows])
            left = await conn.run_sync(load_signers, signers.c.id.in_([row.id for row in rows]))
            gone = {entry.id for entry in left if entry.status is SignerStatus.WITHDRAWN}
            for row in rows:
                changes: list[tuple[str | None, Any, Any]] = [("contact", hold.user_id, None)]
                if row.id in gone:
                    changes.append(("status", "active", "withdrawn"))
                await record_change(
                    conn, row, ChangeAction.WITHDRAWN, changes, by=by, now=now, reason=reason
                )
            return hold, left

    async def _settle(self, ids: list[int], status: HeldStatus, *, now: datetime) -> None:
        async with self._writing() as conn:
            await _set_status(conn, ids, status, now=now)


def _of(user_id: str, letter_id: int) -> sa.ColumnElement[bool]:
    return sa.and_(
        held_signons.c.status == HeldStatus.HELD,
        held_signons.c.hold_id.in_(
            sa.select(holds.c.id).where(holds.c.letter_id == letter_id, holds.c.user_id == user_id)
        ),
    )


async def _held(conn: AsyncConnection, condition: sa.ColumnElement[bool]) -> list[HeldSignOn]:
    rows = await conn.execute(sa.select(held_signons).where(condition).order_by(held_signons.c.id))
    return [
        HeldSignOn(row.id, submission_from_json(row.submission), row.submitted_at) for row in rows
    ]


async def _hold(conn: AsyncConnection, hold_id: int) -> Hold | None:
    """A hold, with the organizations its person counts for and what of theirs waits."""
    row = (await conn.execute(sa.select(holds).where(holds.c.id == hold_id))).first()
    if row is None:
        return None
    counted = await conn.execute(
        sa.select(signers.c.name)
        .join(signatures, signatures.c.signer_id == signers.c.id)
        .where(
            signatures.c.letter_id == row.letter_id,
            signatures.c.user_id == row.user_id,
            signatures.c.withdrawn_at.is_(None),
            signers.c.status == SignerStatus.ACTIVE,
            signers.c.kind == SignerKind.ORGANIZATION,
        )
        .distinct()
        .order_by(signers.c.name)
    )
    waiting = await _held(
        conn,
        sa.and_(held_signons.c.hold_id == hold_id, held_signons.c.status == HeldStatus.HELD),
    )
    return Hold(
        id=row.id,
        letter_id=row.letter_id,
        user_id=row.user_id,
        status=HoldStatus(row.status),
        counted=tuple(counted.scalars()),
        waiting=tuple(waiting),
    )


async def _set_status(
    conn: AsyncConnection, ids: list[int], status: HeldStatus, *, now: datetime
) -> None:
    if ids:
        await conn.execute(
            held_signons.update()
            .where(held_signons.c.id.in_(ids), held_signons.c.status == HeldStatus.HELD)
            .values(status=status.value, settled_at=now)
        )
