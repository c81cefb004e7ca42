"""What a batch of sign-ons reads before deciding (`bot.rules.outcomes.Known`): the
letter's entries under the batch's keys, import references and contacts it could
meet, and how many organizations each of its people already counts for."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from bot.rules.outcomes import Known
from bot.rules.signons import HeldStatus, HoldStatus, SignerKind, SignerStatus
from bot.storage.connect import each
from bot.storage.schema import held_signons, holds, signatures, signers
from bot.storage.signon_pending import Pending

# Built once with named parameters, as in `signon_batches`.
_IMPORTED = sa.select(signatures.c.import_ref, signatures.c.signer_id).where(
    signatures.c.letter_id == sa.bindparam("letter_id"), signatures.c.import_ref.in_(each("refs"))
)
_ENTRIES_WITH_KEYS = sa.select(
    signers.c.id, signers.c.kind, signers.c.key, signers.c.merged_into
).where(
    signers.c.letter_id == sa.bindparam("letter_id"),
    signers.c.key.in_(each("keys")),
    signers.c.status.in_((SignerStatus.ACTIVE, SignerStatus.MERGED)),
)
_STILL_ACTIVE = sa.select(signers.c.id).where(
    signers.c.id.in_(each("ids")), signers.c.status == SignerStatus.ACTIVE
)
_CONTACTS_AMONG = sa.select(signatures.c.signer_id, signatures.c.user_id).where(
    signatures.c.signer_id.in_(each("ids")),
    signatures.c.user_id.in_(each("users")),
    signatures.c.withdrawn_at.is_(None),
)

# The organizations each of these people counts for on the letter, and what of
# theirs waits for an organizer (with the organizer's word on them so far).
_ORGANIZATIONS_OF = (
    sa.select(signatures.c.user_id, signatures.c.signer_id)
    .join(signers, signers.c.id == signatures.c.signer_id)
    .where(
        signatures.c.letter_id == sa.bindparam("letter_id"),
        signatures.c.user_id.in_(each("users")),
        signatures.c.withdrawn_at.is_(None),
        signers.c.status == SignerStatus.ACTIVE,
        signers.c.kind == SignerKind.ORGANIZATION,
    )
    .distinct()
)
_HOLDS_OF = (
    sa.select(holds.c.user_id, holds.c.status, sa.func.count(held_signons.c.id))
    .select_from(holds)
    .outerjoin(
        held_signons,
        sa.and_(held_signons.c.hold_id == holds.c.id, held_signons.c.status == HeldStatus.HELD),
    )
    .where(holds.c.letter_id == sa.bindparam("letter_id"), holds.c.user_id.in_(each("users")))
    .group_by(holds.c.user_id, holds.c.status)
)


def read_known(conn: sa.Connection, letter_id: int, batch: Sequence[Pending]) -> Known:
    """The letter's entries, import references and contacts that the batch could meet."""
    refs = [p.submission.import_ref for p in batch if p.submission.import_ref]
    imported: dict[str, int] = {}
    if refs:
        imported = {
            ref: signer_id
            for ref, signer_id in conn.execute(_IMPORTED, {"letter_id": letter_id, "refs": refs})
        }
    entries = _entries_for_keys(conn, letter_id, {p.key for p in batch})
    users = {p.submission.user_id for p in batch if p.submission.user_id}
    contacts: frozenset[tuple[int, str]] = frozenset()
    if entries and users:
        contacts = frozenset(
            (signer_id, user_id)
            for signer_id, user_id in conn.execute(
                _CONTACTS_AMONG, {"ids": list(entries.values()), "users": list(users)}
            )
        )
    organizations, words = _organizations(conn, letter_id, batch)
    return Known(entries, imported, contacts, organizations, words)


def _organizations(
    conn: sa.Connection, letter_id: int, batch: Sequence[Pending]
) -> tuple[dict[str, int], dict[str, HoldStatus]]:
    """For each person who could be held: how many of the letter's organizations they
    count for or wait for (not the one a correction leaves), and an organizer's word
    on them, if any."""
    users = {
        p.submission.user_id
        for p in batch
        if p.submission.user_id and p.arrival.organization and not p.trusted
    }
    if not users:
        return {}, {}
    params = {"letter_id": letter_id, "users": list(users)}
    leaving = {(p.submission.user_id, p.leaving) for p in batch if p.leaving is not None}
    counts: dict[str, int] = dict.fromkeys(users, 0)
    for user_id, signer_id in conn.execute(_ORGANIZATIONS_OF, params):
        if (user_id, signer_id) not in leaving:
            counts[user_id] += 1
    words: dict[str, HoldStatus] = {}
    for user_id, status, waiting in conn.execute(_HOLDS_OF, params):
        counts[user_id] += waiting
        words[user_id] = HoldStatus(status)
    return counts, words


def _entries_for_keys(
    conn: sa.Connection, letter_id: int, keys: set[str]
) -> dict[tuple[str, str], int]:
    """The active entry for each (kind, key), including keys merged into another entry:
    once "CHIRLA" is merged into the full name, signing as "CHIRLA" joins that entry."""
    rows = conn.execute(_ENTRIES_WITH_KEYS, {"letter_id": letter_id, "keys": list(keys)}).all()
    targets = {row.merged_into for row in rows if row.merged_into is not None}
    active_targets = set()
    if targets:
        active_targets = set(conn.execute(_STILL_ACTIVE, {"ids": list(targets)}).scalars())
    found: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.merged_into is None:
            found[(row.kind, row.key)] = row.id
    for row in rows:
        if row.merged_into in active_targets:
            found.setdefault((row.kind, row.key), row.merged_into)
    return found
