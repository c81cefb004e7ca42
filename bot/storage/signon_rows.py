"""The rows a batch of sign-ons writes: new entries, their contacts, sign-ons held for
an organizer, and pairs of possible duplicates queued for review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from bot.rules.outcomes import Decisions
from bot.rules.reviews import ReviewStatus
from bot.rules.signons import (
    Contact,
    HeldSignOn,
    HeldStatus,
    HoldStatus,
    Outcome,
    Signer,
    SignerKind,
    SignerStatus,
)
from bot.storage.connect import each, insert_into
from bot.storage.schema import duplicate_reviews, held_signons, holds, signatures, signers
from bot.storage.signon_pending import Pending
from bot.storage.submissions import submission_json

# Built once with named parameters, as in `signon_batches`.
_HOLD_ID = sa.select(holds.c.id).where(
    holds.c.letter_id == sa.bindparam("letter_id"), holds.c.user_id == sa.bindparam("user_id")
)
_INSERT_SIGNERS = signers.insert().returning(signers.c.id, sort_by_parameter_order=True)
# The candidates are the letter's own (its dedupe index's), so they are read by id
# alone: with the letter's id as well, SQLite reads every active entry of the letter
# through the partial unique index to find the dozen wanted.
_ACTIVE_NAMES = sa.select(signers.c.id, signers.c.name, signers.c.public).where(
    signers.c.id.in_(each("ids")), signers.c.status == SignerStatus.ACTIVE
)


def hold_past_limit(
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


def insert_contacts(
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


def insert_signers(
    conn: sa.Connection, letter_id: int, entries: list[Pending], version: int, *, hold: bool
) -> dict[tuple[str, str], int]:
    """Insert new entries in one statement; their ids by (kind, key). On a letter that
    `hold`s unverified sign-ons back, an organization's waits until it is verified."""
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
                "waiting": waits(p, hold=hold),
                "read_in": p.submission.read_in.value,
            }
            for p in entries
        ],
    )
    return {
        (p.submission.kind.value, p.key): signer_id
        for p, (signer_id,) in zip(entries, rows, strict=True)
    }


def waits(pending: Pending, *, hold: bool) -> bool:
    """Whether the entry a pending sign-on makes waits to be verified: an organization's,
    on a letter that holds unverified sign-ons back."""
    return hold and pending.submission.kind is SignerKind.ORGANIZATION


def new_signer(
    signer_id: int, letter_id: int, pending: Pending, version: int, *, hold: bool
) -> Signer:
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
                source=submission.source,
                may_contact=submission.may_contact,
                read_in=submission.read_in,
            ),
        ),
        submitted_as=(row["submitted_as"],),
        made_by=submission.user_id,
        waiting=waits(pending, hold=hold),
        read_in=submission.read_in,
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
        "source": submission.source.value,
        "may_contact": submission.may_contact,
        "read_in": submission.read_in.value,
    }


def queue_reviews(
    conn: sa.Connection, letter_id: int, reviews: dict[int, tuple[int, ...]]
) -> dict[int, list[tuple[str, bool]]]:
    """Queue each new entry with its possible duplicates that are still active; their
    names, and whether each is listed publicly."""
    candidates = {other for others in reviews.values() for other in others}
    if not candidates:
        return {}
    names = {
        signer_id: (name, public)
        for signer_id, name, public in conn.execute(_ACTIVE_NAMES, {"ids": list(candidates)})
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
