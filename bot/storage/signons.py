"""Sign-ons in the database: each entry in a letter's list of signers, everyone who
signed it, every spelling they used; recording a batch of sign-ons, withdrawing one."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.dedupe import Prepared, prepared, same
from bot.rules.letters import LetterStatus
from bot.rules.outcomes import Arrival, Decisions, Entry, Identity, Known, decide
from bot.rules.reviews import ReviewStatus
from bot.rules.signons import (
    Contact,
    HeldSignOn,
    HeldStatus,
    HoldStatus,
    Outcome,
    Recorded,
    Signer,
    SignerKind,
    SignerStatus,
    Submission,
)
from bot.storage.connect import Connect, RunWriting, grouped, insert_into
from bot.storage.schema import (
    duplicate_reviews,
    held_signons,
    holds,
    letters,
    signatures,
    signers,
)
from bot.storage.submissions import submission_json

# PostgreSQL advisory lock space for recording a letter's sign-ons (the key is its id).
SIGNING_LOCKS = 0x5167
_SIGNING_TURN = sa.select(sa.func.pg_advisory_xact_lock(SIGNING_LOCKS, sa.bindparam("letter_id")))


def _each(name: str) -> sa.BindParameter[Any]:
    """A parameter taking a list, for `IN`."""
    return sa.bindparam(name, expanding=True)


# `status = 'active'` written into the SQL rather than bound: the partial indexes on a
# letter's active entries serve only a condition that states their own.
_IS_ACTIVE = signers.c.status == sa.literal_column(f"'{SignerStatus.ACTIVE.value}'")

# The statements of recording a batch, built once with named parameters: building a
# statement anew for each batch costs more than SQLite takes to run it.
_STATUS = (
    sa.select(letters.c.status, letters.c.version)
    .where(letters.c.id == sa.bindparam("letter_id"))
    .with_for_update(read=True)
)
_ADDED_SINCE = (
    sa.select(signers.c.id, signers.c.key)
    .where(
        signers.c.letter_id == sa.bindparam("letter_id"),
        signers.c.id > sa.bindparam("newest"),
        signers.c.kind == SignerKind.ORGANIZATION,
        _IS_ACTIVE,
    )
    .order_by(signers.c.id)
)
_IMPORTED = sa.select(signatures.c.import_ref, signatures.c.signer_id).where(
    signatures.c.letter_id == sa.bindparam("letter_id"), signatures.c.import_ref.in_(_each("refs"))
)
_ENTRIES_WITH_KEYS = sa.select(
    signers.c.id, signers.c.kind, signers.c.key, signers.c.merged_into
).where(
    signers.c.letter_id == sa.bindparam("letter_id"),
    signers.c.key.in_(_each("keys")),
    signers.c.status.in_((SignerStatus.ACTIVE, SignerStatus.MERGED)),
)
_STILL_ACTIVE = sa.select(signers.c.id).where(
    signers.c.id.in_(_each("ids")), signers.c.status == SignerStatus.ACTIVE
)
_CONTACTS_AMONG = sa.select(signatures.c.signer_id, signatures.c.user_id).where(
    signatures.c.signer_id.in_(_each("ids")),
    signatures.c.user_id.in_(_each("users")),
    signatures.c.withdrawn_at.is_(None),
)
# The organizations each of these people counts for on the letter, and what of
# theirs waits for an organizer (with the organizer's word on them so far).
_ORGANIZATIONS_OF = (
    sa.select(signatures.c.user_id, signatures.c.signer_id)
    .join(signers, signers.c.id == signatures.c.signer_id)
    .where(
        signatures.c.letter_id == sa.bindparam("letter_id"),
        signatures.c.user_id.in_(_each("users")),
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
    .where(holds.c.letter_id == sa.bindparam("letter_id"), holds.c.user_id.in_(_each("users")))
    .group_by(holds.c.user_id, holds.c.status)
)
_HOLD_ID = sa.select(holds.c.id).where(
    holds.c.letter_id == sa.bindparam("letter_id"), holds.c.user_id == sa.bindparam("user_id")
)
_INSERT_SIGNERS = signers.insert().returning(signers.c.id, sort_by_parameter_order=True)
_CONFIRM_JOINED = (
    signers.update()
    .where(signers.c.id.in_(_each("ids")), signers.c.signed_version < sa.bindparam("version"))
    .values(confirmed_version=sa.bindparam("version"))
)
_ACTIVE_NAMES = sa.select(signers.c.id, signers.c.name, signers.c.public).where(
    signers.c.id.in_(_each("ids")),
    signers.c.letter_id == sa.bindparam("letter_id"),
    signers.c.status == SignerStatus.ACTIVE,
)
_ACTIVE_COUNT = sa.select(sa.func.count()).where(
    signers.c.letter_id == sa.bindparam("letter_id"), _IS_ACTIVE
)
# What `load_signers` reads about the entries it found.
_SIGNERS_WITH_IDS = sa.select(signers).where(signers.c.id.in_(_each("ids"))).order_by(signers.c.id)
_CONTACTS = (
    sa.select(
        signatures.c.signer_id,
        signatures.c.person_name,
        signatures.c.title,
        signatures.c.email,
        signatures.c.user_id,
        signatures.c.submitted_as,
        signatures.c.signed_at,
        signatures.c.team_id,
        signatures.c.signed_version,
        signatures.c.confirmed_version,
    )
    .where(signatures.c.signer_id.in_(_each("ids")), signatures.c.withdrawn_at.is_(None))
    .order_by(signatures.c.signed_at, signatures.c.id)
)
_SPELLINGS = (
    sa.select(signatures.c.signer_id, signatures.c.submitted_as)
    .where(signatures.c.signer_id.in_(_each("ids")))
    .order_by(signatures.c.signed_at, signatures.c.id)
)
_PARTNERS = sa.union_all(
    sa.select(duplicate_reviews.c.first_id, signers.c.name)
    .join(signers, signers.c.id == duplicate_reviews.c.second_id)
    .where(
        duplicate_reviews.c.first_id.in_(_each("ids")),
        duplicate_reviews.c.status == ReviewStatus.PENDING,
    ),
    sa.select(duplicate_reviews.c.second_id, signers.c.name)
    .join(signers, signers.c.id == duplicate_reviews.c.first_id)
    .where(
        duplicate_reviews.c.second_id.in_(_each("ids")),
        duplicate_reviews.c.status == ReviewStatus.PENDING,
    ),
)


@dataclass(frozen=True, slots=True)
class Pending:
    """A checked sign-on waiting to be recorded, with its dedupe key."""

    submission: Submission
    key: str
    now: datetime
    closed_ok: bool = False  # imports may add to a closed letter
    trusted: bool = False  # by an organizer or lead of the letter: never held
    leaving: int | None = None  # the entry its signer is leaving for this one

    @property
    def arrival(self) -> Arrival:
        return Arrival(
            (self.submission.kind.value, self.key),
            self.submission.user_id,
            self.submission.import_ref,
            organization=self.submission.kind is SignerKind.ORGANIZATION,
            trusted=self.trusted,
        )


class LetterClosed(Exception):
    """The letter closed before these sign-ons could be recorded; nothing was."""


class DuplicateIndex(Protocol):
    """What recording needs from the dedupe index (bot.rules.signer_index.SignerIndex)."""

    @property
    def newest(self) -> int: ...

    def add(self, signer_id: int, key: str) -> None: ...

    def possible(self, key: str) -> tuple[int, ...]: ...

    def same_as(self, key: str) -> str | None: ...


class Signatures:
    def __init__(self, *, writing: Connect, reading: Connect, run_writing: RunWriting) -> None:
        self._writing = writing
        self._reading = reading
        self._run_writing = run_writing

    async def record(
        self, letter_id: int, batch: Sequence[Pending], *, index: DuplicateIndex
    ) -> tuple[list[Recorded], int]:
        """Record sign-ons in one transaction, in order; returns each outcome and the count.

        An entry with the same key gets the sign-on as another contact; otherwise a new
        entry is made, and pairs with `index`'s possible duplicates queued for review.
        The unique index on active keys backs this, so two processes signing the same
        organization at once make one entry (the loser's transaction fails and is
        retried by the caller, finding the entry).
        """
        recorded: tuple[list[Recorded], int] = await self._run_writing(
            record_batch, letter_id, batch, index
        )
        return recorded

    async def catch_up(self, letter_id: int, index: DuplicateIndex) -> None:
        """`index` learns the letter's organizations it hasn't seen, as a batch's first
        step does (and on the same connection, so that step then finds its statement
        ready)."""
        await self._run_writing(_catch_up, letter_id, index)

    async def count(self, letter_id: int) -> int:
        return (await self.counts([letter_id]))[letter_id]

    async def counts(self, letter_ids: Sequence[int]) -> dict[int, int]:
        """How many active entries each letter has (the count that goes to the press)."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(signers.c.letter_id, sa.func.count())
                .where(signers.c.letter_id.in_(letter_ids), _IS_ACTIVE)
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
        """The letter's active entries with their contacts, in signing order."""
        async with self._reading() as conn:
            return await conn.run_sync(
                load_signers,
                sa.and_(signers.c.letter_id == letter_id, signers.c.status == SignerStatus.ACTIVE),
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


def record_batch(
    conn: sa.Connection, letter_id: int, batch: Sequence[Pending], index: DuplicateIndex
) -> tuple[list[Recorded], int]:
    """The body of `Signatures.record`, in one transaction: a few queries, whatever the
    batch size. What becomes of each sign-on is `bot.rules.outcomes.decide`'s to say."""
    _take_turn(conn, letter_id)
    version = _require_open(conn, letter_id, batch)
    _catch_up(conn, letter_id, index)
    batch = _under_signed_keys(index, batch)
    known = _known(conn, letter_id, batch)
    decisions = decide([pending.arrival for pending in batch], known)
    held = _hold(conn, letter_id, batch, decisions)
    makers = {
        decision.entry: pending
        for decision, pending in zip(decisions.each, batch, strict=True)
        if decision.outcome is Outcome.NEW
    }
    made = _insert_signers(
        conn, letter_id, [makers[identity] for identity in decisions.new_entries], version
    )

    def entry_id(entry: Entry) -> int:
        return entry if isinstance(entry, int) else made[entry]

    reviews = _possible_duplicates(index, decisions.new_entries, made)
    _insert_contacts(conn, letter_id, batch, decisions, entry_id, version)
    if version > 1:
        # Joining an entry made before the text changed is signing the text as it is.
        joined = [entry_id(d.entry) for d in decisions.each if d.outcome is Outcome.SAME]
        if joined:
            conn.execute(_CONFIRM_JOINED, {"ids": joined, "version": version})
    possible = _queue_reviews(conn, letter_id, reviews)
    count = _active_count(conn, letter_id)
    recorded = _recorded(conn, letter_id, decisions, makers, entry_id, possible, version, held)
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


def _require_open(conn: sa.Connection, letter_id: int, batch: Sequence[Pending]) -> int:
    """The letter's version, which these sign-ons sign; raises if it has closed."""
    # FOR SHARE on PostgreSQL: a close (or an edit) can't commit between this and our insert.
    status, version = conn.execute(_STATUS, {"letter_id": letter_id}).one()
    if status != LetterStatus.OPEN and not all(pending.closed_ok for pending in batch):
        raise LetterClosed(letter_id)
    return int(version)


def _catch_up(conn: sa.Connection, letter_id: int, index: DuplicateIndex) -> None:
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


def _known(conn: sa.Connection, letter_id: int, batch: Sequence[Pending]) -> Known:
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


def _hold(
    conn: sa.Connection, letter_id: int, batch: Sequence[Pending], decisions: Decisions
) -> dict[int, HeldSignOn]:
    """Keep the held sign-ons, each under its person's hold (made on their first);
    what was kept, by position in the batch."""
    kept: dict[int, HeldSignOn] = {}
    for n, (decision, pending) in enumerate(zip(decisions.each, batch, strict=True)):
        if decision.outcome is not Outcome.HELD:
            continue
        user = pending.submission.user_id
        conn.execute(
            insert_into(conn, holds)
            .values(
                letter_id=letter_id,
                user_id=user,
                status=HoldStatus.PENDING.value,
                created_at=pending.now,
            )
            .on_conflict_do_nothing(index_elements=["letter_id", "user_id"])
        )
        hold_id = conn.execute(_HOLD_ID, {"letter_id": letter_id, "user_id": user}).scalar_one()
        held_id = conn.execute(
            held_signons.insert()
            .values(
                hold_id=hold_id,
                submission=submission_json(pending.submission),
                submitted_at=pending.now,
                status=HeldStatus.HELD.value,
            )
            .returning(held_signons.c.id)
        ).scalar_one()
        kept[n] = HeldSignOn(held_id, pending.submission, pending.now)
    return kept


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


def _insert_contacts(
    conn: sa.Connection,
    letter_id: int,
    batch: Sequence[Pending],
    decisions: Decisions,
    entry_id: Any,
    version: int,
) -> None:
    rows = [
        _contact_row(entry_id(decision.entry), letter_id, pending, version)
        for decision, pending in zip(decisions.each, batch, strict=True)
        if decision.adds_contact
    ]
    if rows:
        conn.execute(signatures.insert(), rows)


def _active_count(conn: sa.Connection, letter_id: int) -> int:
    count: int = conn.execute(_ACTIVE_COUNT, {"letter_id": letter_id}).scalar_one()
    return count


def _recorded(
    conn: sa.Connection,
    letter_id: int,
    decisions: Decisions,
    makers: dict[Entry, Pending],
    entry_id: Any,
    possible: dict[int, list[tuple[str, bool]]],
    version: int,
    held: dict[int, HeldSignOn],
) -> list[Recorded]:
    """Each sign-on's outcome with its entry (or, held, the sign-on kept): entries made
    just now are known in full; only earlier ones are read back."""
    loaded = {
        entry_id(identity): _new_signer(entry_id(identity), letter_id, pending, version)
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


def _insert_signers(
    conn: sa.Connection, letter_id: int, entries: list[Pending], version: int
) -> dict[tuple[str, str], int]:
    """Insert new entries in one statement; their ids by (kind, key)."""
    if not entries:
        return {}
    rows = conn.execute(
        _INSERT_SIGNERS,
        [
            {
                "letter_id": letter_id,
                "kind": p.submission.kind.value,
                "name": p.submission.name,
                "key": p.key,
                "affiliation": p.submission.affiliation,
                "city": p.submission.city,
                "state": p.submission.state,
                "public": p.submission.public,
                "status": SignerStatus.ACTIVE.value,
                "merged_into": None,
                "signed_at": p.submission.signed_at or p.now,
                "signed_version": version,
                "confirmed_version": None,
                "made_by": p.submission.user_id,
            }
            for p in entries
        ],
    )
    return {
        (p.submission.kind.value, p.key): signer_id
        for p, (signer_id,) in zip(entries, rows, strict=True)
    }


def _new_signer(signer_id: int, letter_id: int, pending: Pending, version: int) -> Signer:
    """The entry a pending sign-on has just created, as load_signers would read it."""
    submission = pending.submission
    row = _contact_row(signer_id, letter_id, pending, version)
    return Signer(
        id=signer_id,
        letter_id=letter_id,
        kind=submission.kind,
        name=submission.name,
        affiliation=submission.affiliation,
        city=submission.city,
        state=submission.state,
        public=submission.public,
        signed_at=row["signed_at"],
        signed_version=version,
        contacts=(
            Contact(
                person_name=row["person_name"],
                title=row["title"],
                email=row["email"],
                user_id=row["user_id"],
                submitted_as=row["submitted_as"],
                signed_at=row["signed_at"],
                team_id=row["team_id"],
                signed_version=version,
            ),
        ),
        submitted_as=(row["submitted_as"],),
        made_by=submission.user_id,
    )


def _contact_row(signer_id: int, letter_id: int, pending: Pending, version: int) -> dict[str, Any]:
    submission = pending.submission
    individual = submission.kind is SignerKind.INDIVIDUAL
    return {
        "signer_id": signer_id,
        "letter_id": letter_id,
        "user_id": submission.user_id,
        "team_id": submission.team_id,
        "submitted_as": submission.affiliation
        if individual and submission.affiliation
        else submission.name,
        "person_name": submission.person_name,
        "title": submission.title,
        "email": submission.email,
        "import_ref": submission.import_ref,
        "signed_at": submission.signed_at or pending.now,
        "withdrawn_at": None,
        "signed_version": version,
        "confirmed_version": None,
    }


def _queue_reviews(
    conn: sa.Connection, letter_id: int, reviews: dict[int, tuple[int, ...]]
) -> dict[int, list[tuple[str, bool]]]:
    """Queue each new entry with its possible duplicates that are still active; their
    names, and whether each is listed publicly."""
    candidates = {other for others in reviews.values() for other in others}
    if not candidates:
        return {}
    names = {
        signer_id: (name, public)
        for signer_id, name, public in conn.execute(
            _ACTIVE_NAMES, {"ids": list(candidates), "letter_id": letter_id}
        )
    }
    pairs = {
        (min(signer_id, other), max(signer_id, other))
        for signer_id, others in reviews.items()
        for other in others
        if other in names and other != signer_id
    }
    if pairs:
        conn.execute(
            duplicate_reviews.insert(),
            [
                {
                    "letter_id": letter_id,
                    "first_id": a,
                    "second_id": b,
                    "status": ReviewStatus.PENDING.value,
                }
                for a, b in sorted(pairs)
            ],
        )
    return {
        signer_id: [names[other] for other in others if other in names]
        for signer_id, others in reviews.items()
    }


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


def load_signers(conn: sa.Connection, condition: sa.ColumnElement[bool]) -> list[Signer]:
    """The entries meeting `condition`, in signing order, with their contacts."""
    rows = conn.execute(sa.select(signers).where(condition).order_by(signers.c.id)).all()
    return _with_contacts(conn, rows)


def signers_with_ids(conn: sa.Connection, ids: Collection[int]) -> list[Signer]:
    """`load_signers` for entries known by id."""
    return _with_contacts(conn, conn.execute(_SIGNERS_WITH_IDS, {"ids": list(ids)}).all())


def _with_contacts(conn: sa.Connection, rows: Sequence[sa.Row[Any]]) -> list[Signer]:
    ids = {"ids": [row.id for row in rows]}
    contacts = grouped(conn, _CONTACTS, ids)
    spellings = grouped(conn, _SPELLINGS, ids)
    partners = grouped(conn, _PARTNERS, ids)
    return [
        Signer(
            id=row.id,
            letter_id=row.letter_id,
            kind=SignerKind(row.kind),
            name=row.name,
            affiliation=row.affiliation,
            city=row.city,
            state=row.state,
            public=row.public,
            signed_at=row.signed_at,
            contacts=tuple(Contact(*contact) for contact in contacts[row.id]),
            submitted_as=tuple(dict.fromkeys(spelling for (spelling,) in spellings[row.id])),
            possible_duplicate_of=tuple(name for (name,) in partners[row.id]),
            signed_version=row.signed_version,
            confirmed_version=row.confirmed_version,
            status=SignerStatus(row.status),
            made_by=row.made_by,
        )
        for row in rows
    ]
