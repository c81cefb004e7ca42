"""Recording a batch of sign-ons in one transaction, in order: the letter's turn and
status, the dedupe index brought up to date, what becomes of each sign-on (as
`bot.rules.outcomes.decide` says), the rows written, and the count right after."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.dedupe import Prepared, prepared, same
from bot.rules.letters import LetterStatus, VerificationRule
from bot.rules.outcomes import Decisions, Entry, Identity, decide
from bot.rules.signons import HeldSignOn, Outcome, Recorded, SignerKind
from bot.storage.connect import each
from bot.storage.planning import verification_look
from bot.storage.schema import SIGNER_ACTIVE, SIGNER_COUNTED, letters, signers
from bot.storage.signer_lists import signers_with_ids
from bot.storage.signon_lookups import read_known
from bot.storage.signon_pending import DuplicateIndex, KnownCount, LetterClosed, Pending
from bot.storage.signon_rows import (
    hold_past_limit,
    insert_contacts,
    insert_signers,
    new_signer,
    queue_reviews,
    waits,
)

# PostgreSQL advisory lock space for recording a letter's sign-ons (the key is its id).
SIGNING_LOCKS = 0x5167
_SIGNING_TURN = sa.select(sa.func.pg_advisory_xact_lock(SIGNING_LOCKS, sa.bindparam("letter_id")))

# The statements of recording a batch, built once with named parameters: building a
# statement anew for each batch costs more than SQLite takes to run it.
_STATUS = (
    sa.select(letters.c.status, letters.c.version, letters.c.verification_rule)
    .where(letters.c.id == sa.bindparam("letter_id"))
    .with_for_update(read=True)
)
_ADDED_SINCE = (
    sa.select(signers.c.id, signers.c.key)
    .where(
        signers.c.letter_id == sa.bindparam("letter_id"),
        signers.c.id > sa.bindparam("newest"),
        signers.c.kind == SignerKind.ORGANIZATION,
        SIGNER_ACTIVE,
    )
    .order_by(signers.c.id)
)
_CONFIRM_JOINED = (
    signers.update()
    .where(signers.c.id.in_(each("ids")), signers.c.signed_version < sa.bindparam("version"))
    .values(confirmed_version=sa.bindparam("version"))
)
_COUNTED = sa.select(sa.func.count()).where(
    signers.c.letter_id == sa.bindparam("letter_id"), SIGNER_COUNTED
)
# Each SQLite connection that records batches, told apart for as long as it lives
# (kept in its pool record's `info`, which lasts as long as the connection).
_CONNECTION_TOKEN = "undersigned_connection"
_connection_tokens = itertools.count(1)


def record_batch(
    conn: sa.Connection,
    letter_id: int,
    batch: Sequence[Pending],
    index: DuplicateIndex,
    counted: KnownCount,
) -> tuple[list[Recorded], int]:
    """The body of `Signatures.record`, in one transaction: a few queries, whatever the
    batch size. What becomes of each sign-on is `bot.rules.outcomes.decide`'s to say."""
    _take_turn(conn, letter_id)
    version, hold = _require_open(conn, letter_id, batch)
    catch_up(conn, letter_id, index)
    batch = _under_signed_keys(index, batch)
    known = read_known(conn, letter_id, batch)
    decisions = decide([pending.arrival for pending in batch], known)
    held = hold_past_limit(conn, letter_id, batch, decisions)
    makers = {
        decision.entry: pending
        for decision, pending in zip(decisions.each, batch, strict=True)
        if decision.outcome is Outcome.NEW
    }
    new = [makers[identity] for identity in decisions.new_entries]
    made = insert_signers(conn, letter_id, new, version, hold=hold)

    def entry_id(entry: Entry) -> int:
        return entry if isinstance(entry, int) else made[entry]

    reviews = _possible_duplicates(index, decisions.new_entries, made)
    insert_contacts(conn, letter_id, batch, decisions, entry_id, version)
    if version > 1:
        # Joining an entry made before the text changed is signing the text as it is.
        joined = [entry_id(d.entry) for d in decisions.each if d.outcome is Outcome.SAME]
        if joined:
            conn.execute(_CONFIRM_JOINED, {"ids": joined, "version": version})
    possible = queue_reviews(conn, letter_id, reviews)
    if made:
        # New entries are looked at for verification once the window they fall in ends.
        conn.execute(verification_look(conn, letter_id, now=batch[0].now, hold=hold))
    count = _count(conn, letter_id, counted, added=sum(not waits(p, hold=hold) for p in new))
    recorded = _recorded(
        conn, letter_id, decisions, makers, entry_id, possible, version, held, hold=hold
    )
    return recorded, count


def _take_turn(conn: sa.Connection, letter_id: int) -> None:
    """One batch per letter at a time across replicas, as SQLite's single writer gives:
    each sees every entry committed before it, so the dedupe index (kept in each
    process) misses no possible duplicate another replica just added."""
    if conn.dialect.name == "postgresql":
        conn.execute(_SIGNING_TURN, {"letter_id": letter_id})


async def take_turn(conn: AsyncConnection, letter_id: int) -> None:
    """`_take_turn`, for another change that may make a key of the letter active."""
    if conn.dialect.name == "postgresql":
        await conn.execute(_SIGNING_TURN, {"letter_id": letter_id})


def _require_open(
    conn: sa.Connection, letter_id: int, batch: Sequence[Pending]
) -> tuple[int, bool]:
    """The letter's version, which these sign-ons sign, and whether it holds unverified
    sign-ons back; raises if it has closed."""
    # FOR SHARE on PostgreSQL: a close (or an edit) can't commit between this and our insert.
    status, version, rule = conn.execute(_STATUS, {"letter_id": letter_id}).one()
    if status != LetterStatus.OPEN and not all(pending.closed_ok for pending in batch):
        raise LetterClosed(letter_id)
    return int(version), rule == VerificationRule.HOLD


def catch_up(conn: sa.Connection, letter_id: int, index: DuplicateIndex) -> None:
    """The index learns the organizations added since it last looked (by any process)."""
    rows = conn.execute(_ADDED_SINCE, {"letter_id": letter_id, "newest": index.newest})
    for signer_id, key in rows:
        index.add(signer_id, key)


def _under_signed_keys(index: DuplicateIndex, batch: Sequence[Pending]) -> list[Pending]:
    """Each organization under the key it already signed as, in the letter or earlier in
    the batch: "UnidosUS" joins the "Unidos US" entry rather than making a second."""
    firsts: list[Prepared] = []
    under: list[Pending] = []
    for pending in batch:
        if pending.submission.kind is not SignerKind.ORGANIZATION:
            under.append(pending)
            continue
        key = index.same_as(pending.key)
        if key is None:
            mine = prepared(pending.key)
            key = next((first.key for first in firsts if same(mine, first)), None)
            if key is None:
                firsts.append(mine)
                key = pending.key
        under.append(pending if key == pending.key else replace(pending, key=key))
    return under


def _possible_duplicates(
    index: DuplicateIndex, new_entries: list[Identity], made: dict[Identity, int]
) -> dict[int, tuple[int, ...]]:
    """Each new organization's possible duplicates, as the index judges them; the index
    then learns the organization, so later ones in the batch are judged against it."""
    reviews: dict[int, tuple[int, ...]] = {}
    for identity in new_entries:
        kind, key = identity
        if kind == SignerKind.ORGANIZATION:
            reviews[made[identity]] = index.possible(key)
            index.add(made[identity], key)
    return reviews


def _count(conn: sa.Connection, letter_id: int, counted: KnownCount, *, added: int) -> int:
    """The letter's counted entries once this batch is in: what the last batch left plus
    the `added` entries it counts, when nobody else has written since (a batch only ever
    adds entries); else counted, which takes longer the more there are."""
    seen = _writes_seen(conn)
    if seen is not None and counted.count is not None and counted.seen == seen:
        count = counted.count + added
    else:
        count = conn.execute(_COUNTED, {"letter_id": letter_id}).scalar_one()
    counted.count, counted.seen = count, seen
    return count


def _writes_seen(conn: sa.Connection) -> tuple[int, int] | None:
    """On SQLite, which connection this is and its `data_version`, which changes when
    another connection commits (https://sqlite.org/pragma.html#pragma_data_version);
    read inside a writing transaction, nobody else can commit until it ends. None on
    PostgreSQL, where each batch counts."""
    if conn.dialect.name != "sqlite":
        return None
    connection = conn.connection
    token: int = connection.info.setdefault(_CONNECTION_TOKEN, next(_connection_tokens))
    (version,) = conn.exec_driver_sql("PRAGMA data_version").one()
    return token, int(version)


def _recorded(
    conn: sa.Connection,
    letter_id: int,
    decisions: Decisions,
    makers: dict[Entry, Pending],
    entry_id: Any,
    possible: dict[int, list[tuple[str, bool]]],
    version: int,
    held: dict[int, HeldSignOn],
    *,
    hold: bool,
) -> list[Recorded]:
    """Each sign-on's outcome with its entry (or, held, the sign-on kept): entries made
    just now are known in full; only earlier ones are read back."""
    loaded = {
        entry_id(identity): new_signer(entry_id(identity), letter_id, pending, version, hold=hold)
        for identity, pending in makers.items()
    }
    earlier = {
        entry_id(decision.entry)
        for decision in decisions.each
        if decision.outcome is not Outcome.HELD
    } - loaded.keys()
    if earlier:
        loaded.update((signer.id, signer) for signer in signers_with_ids(conn, earlier))
    outcomes = []
    for n, decision in enumerate(decisions.each):
        if decision.outcome is Outcome.HELD:
            outcomes.append(Recorded(Outcome.HELD, None, held=held[n]))
            continue
        signer_id = entry_id(decision.entry)
        others = possible.get(signer_id, []) if decision.outcome is Outcome.NEW else []
        outcomes.append(
            Recorded(
                decision.outcome,
                loaded[signer_id],
                tuple(name for name, public in others if public),
                possible_unlisted=sum(not public for _, public in others),
            )
        )
    return outcomes
