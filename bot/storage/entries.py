"""Changes to an entry after it was made: a signer correcting their own, an organizer
editing, withdrawing or restoring one, a contact leaving for another organization.
Each change is one transaction, and each is kept in the audit trail (who, when, why)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.signons import ChangeAction, Signer, SignerChange, SignerStatus
from bot.storage.audit import record_change
from bot.storage.connect import Connect
from bot.storage.schema import signatures, signer_changes, signers
from bot.storage.signer_lists import load_signers
from bot.storage.signon_batches import take_turn
from bot.storage.signons import withdraw_unsigned

# The entry's own fields, and its contacts', that a correction or an edit may change.
ENTRY_FIELDS = ("name", "affiliation", "city", "state", "public")
CONTACT_FIELDS = ("person_name", "title", "email")


class EntryChanged(Exception):
    """The entry isn't as the change expected (gone from the list, or back in it)."""


class KeyTaken(Exception):
    """Restoring the entry would list an organization twice: another entry of it is active."""


class EntryRecords:
    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def get(self, signer_id: int) -> Signer | None:
        """An entry, whatever its status, with its current contacts."""
        async with self._reading() as conn:
            found = await conn.run_sync(load_signers, signers.c.id == signer_id)
        return found[0] if found else None

    async def change(
        self,
        signer_id: int,
        *,
        entry: Mapping[str, Any],
        contact: Mapping[str, Any] | None = None,
        contact_of: str | None = None,
        action: ChangeAction,
        by: str,
        now: datetime,
        reason: str | None = None,
    ) -> Signer:
        """Set the active entry's `entry` fields, and those of `contact_of`'s contact
        (else its first contact), keeping each change in the audit trail."""
        async with self._writing() as conn:
            row = await _active(conn, signer_id)
            changed = _changed(row, entry, ENTRY_FIELDS)
            if changed:
                await conn.execute(
                    signers.update().where(signers.c.id == signer_id).values(**changed)
                )
            audit = [(field, row._mapping[field], value) for field, value in changed.items()]
            if contact:
                person = await _contact(conn, signer_id, contact_of)
                if person is not None:
                    moved = _changed(person, contact, CONTACT_FIELDS)
                    if moved:
                        await conn.execute(
                            signatures.update().where(signatures.c.id == person.id).values(**moved)
                        )
                    audit += [(f, person._mapping[f], v) for f, v in moved.items()]
            if audit:
                await record_change(conn, row, action, audit, by=by, now=now, reason=reason)
            return (await conn.run_sync(load_signers, signers.c.id == signer_id))[0]

    async def leave(self, signer_id: int, *, user: str, now: datetime, reason: str) -> None:
        """`user` is no longer a contact of the entry (they signed for another
        organization); an entry left with no contact leaves the list."""
        async with self._writing() as conn:
            row = await _active(conn, signer_id)
            await conn.execute(
                signatures.update()
                .where(
                    signatures.c.signer_id == signer_id,
                    signatures.c.user_id == user,
                    signatures.c.withdrawn_at.is_(None),
                )
                .values(withdrawn_at=now)
            )
            await withdraw_unsigned(conn, [signer_id])
            status = (
                await conn.execute(sa.select(signers.c.status).where(signers.c.id == signer_id))
            ).scalar_one()
            left = status == SignerStatus.WITHDRAWN
            await record_change(
                conn,
                row,
                ChangeAction.MOVED,
                [("contact", user, None), *([("status", "active", "withdrawn")] if left else [])],
                by=user,
                now=now,
                reason=reason,
            )

    async def withdraw(self, signer_id: int, *, by: str, now: datetime, reason: str) -> Signer:
        """Take the entry out of the list on its signers' behalf, every contact with it."""
        async with self._writing() as conn:
            await withdraw_entry(
                conn, await _active(conn, signer_id), by=by, now=now, reason=reason
            )
            return (await conn.run_sync(load_signers, signers.c.id == signer_id))[0]

    async def restore(
        self, signer_id: int, *, by: str, now: datetime, reason: str | None
    ) -> Signer:
        """Put a withdrawn entry back in the list, with the contacts it left with."""
        try:
            return await self._restore(signer_id, by=by, now=now, reason=reason)
        except sa.exc.IntegrityError:
            raise KeyTaken from None  # its organization signed again meanwhile

    async def _restore(
        self, signer_id: int, *, by: str, now: datetime, reason: str | None
    ) -> Signer:
        async with self._writing() as conn:
            row = (
                await conn.execute(
                    sa.select(signers).where(signers.c.id == signer_id).with_for_update()
                )
            ).first()
            if row is None or row.status != SignerStatus.WITHDRAWN:
                raise EntryChanged
            # In turn with the letter's sign-ons, which may be adding the same key.
            await take_turn(conn, row.letter_id)
            taken = await conn.execute(
                sa.select(signers.c.id).where(
                    signers.c.letter_id == row.letter_id,
                    signers.c.key == row.key,
                    signers.c.status == SignerStatus.ACTIVE,
                )
            )
            if taken.first() is not None:
                raise KeyTaken
            # The contacts that left with the entry: those withdrawn last.
            last = (
                await conn.execute(
                    sa.select(sa.func.max(signatures.c.withdrawn_at)).where(
                        signatures.c.signer_id == signer_id
                    )
                )
            ).scalar()
            await conn.execute(
                signatures.update()
                .where(signatures.c.signer_id == signer_id, signatures.c.withdrawn_at == last)
                .values(withdrawn_at=None)
            )
            await conn.execute(
                signers.update()
                .where(signers.c.id == signer_id)
                # An organizer's word: it counts, verified or not.
                .values(status=SignerStatus.ACTIVE.value, waiting=False)
            )
            await record_change(
                conn,
                row,
                ChangeAction.RESTORED,
                [("status", "withdrawn", "active")],
                by=by,
                now=now,
                reason=reason,
            )
            return (await conn.run_sync(load_signers, signers.c.id == signer_id))[0]

    async def count_waiting(self, entry_ids: Sequence[int]) -> int:
        """Count these entries, waiting until now to be verified; how many were."""
        if not entry_ids:
            return 0
        async with self._writing() as conn:
            return await count_waiting(conn, entry_ids)

    async def search(self, letter_id: int, *, text: str = "") -> list[Signer]:
        """The letter's entries, active and withdrawn, whose name holds `text` (any
        case), in signing order."""
        condition = sa.and_(
            signers.c.letter_id == letter_id,
            signers.c.status.in_((SignerStatus.ACTIVE, SignerStatus.WITHDRAWN)),
        )
        if text:
            condition = sa.and_(
                condition, sa.func.lower(signers.c.name).contains(text.lower(), autoescape=True)
            )
        async with self._reading() as conn:
            return await conn.run_sync(load_signers, condition)

    async def audit(self, letter_id: int) -> list[SignerChange]:
        """The letter's audit trail, oldest first."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(signer_changes, signers.c.name)
                .join(signers, signers.c.id == signer_changes.c.signer_id)
                .where(signer_changes.c.letter_id == letter_id)
                .order_by(signer_changes.c.id)
            )
            return [
                SignerChange(
                    signer_id=row.signer_id,
                    signer_name=row.name,
                    action=ChangeAction(row.action),
                    field=row.field,
                    before=row.before,
                    after=row.after,
                    changed_by=row.changed_by,
                    changed_at=row.changed_at,
                    reason=row.reason,
                )
                for row in rows
            ]


async def withdraw_entry(
    conn: AsyncConnection, row: Any, *, by: str, now: datetime, reason: str
) -> None:
    """Withdraw the active entry `row` (locked), every contact with it, keeping why."""
    await conn.execute(
        signatures.update()
        .where(signatures.c.signer_id == row.id, signatures.c.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    await withdraw_unsigned(conn, [row.id])
    await record_change(
        conn,
        row,
        ChangeAction.WITHDRAWN,
        [("status", "active", "withdrawn")],
        by=by,
        now=now,
        reason=reason,
    )


async def count_waiting(conn: AsyncConnection, entry_ids: Sequence[int]) -> int:
    """Count these entries, if they still wait to be verified; how many did."""
    counted = await conn.execute(
        signers.update()
        .where(
            signers.c.id.in_(list(entry_ids)),
            signers.c.status == SignerStatus.ACTIVE.value,
            signers.c.waiting.is_(sa.true()),
        )
        .values(waiting=False)
    )
    return counted.rowcount or 0


async def active_entry(conn: AsyncConnection, signer_id: int) -> Any:
    """The entry's row, locked, or None unless it is active."""
    row = (
        await conn.execute(sa.select(signers).where(signers.c.id == signer_id).with_for_update())
    ).first()
    return row if row is not None and row.status == SignerStatus.ACTIVE else None


async def _active(conn: AsyncConnection, signer_id: int) -> Any:
    row = await active_entry(conn, signer_id)
    if row is None:
        raise EntryChanged
    return row


async def _contact(conn: AsyncConnection, signer_id: int, user: str | None) -> Any:
    """`user`'s current contact on the entry, else (with no user) its first one, as
    `load_signers` orders them (the one an organizer's form shows)."""
    query = sa.select(signatures).where(
        signatures.c.signer_id == signer_id, signatures.c.withdrawn_at.is_(None)
    )
    if user is not None:
        query = query.where(signatures.c.user_id == user)
    ordered = query.order_by(signatures.c.signed_at, signatures.c.id)
    return (await conn.execute(ordered.limit(1))).first()


def _changed(row: Any, values: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {
        field: values[field]
        for field in fields
        if field in values and values[field] != row._mapping[field]
    }
