"""Reading a letter's entries as `Signer`s: each with its contacts, every spelling it
was signed as, and the entries it may be a duplicate of."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa

from bot.rules.language import Language
from bot.rules.reviews import ReviewStatus
from bot.rules.signons import Contact, ContactSource, Signer, SignerKind, SignerStatus
from bot.storage.connect import each, grouped
from bot.storage.schema import duplicate_reviews, signatures, signers

# What `load_signers` reads about the entries it found.
_SIGNERS_WITH_IDS = sa.select(signers).where(signers.c.id.in_(each("ids"))).order_by(signers.c.id)
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
        signatures.c.source,
        signatures.c.may_contact,
        signatures.c.read_in,
    )
    .where(signatures.c.signer_id.in_(each("ids")), signatures.c.withdrawn_at.is_(None))
    .order_by(signatures.c.signed_at, signatures.c.id)
)
_SPELLINGS = (
    sa.select(signatures.c.signer_id, signatures.c.submitted_as)
    .where(signatures.c.signer_id.in_(each("ids")))
    .order_by(signatures.c.signed_at, signatures.c.id)
)
_PARTNERS = sa.union_all(
    sa.select(duplicate_reviews.c.first_id, signers.c.name)
    .join(signers, signers.c.id == duplicate_reviews.c.second_id)
    .where(
        duplicate_reviews.c.first_id.in_(each("ids")),
        duplicate_reviews.c.status == ReviewStatus.PENDING,
    ),
    sa.select(duplicate_reviews.c.second_id, signers.c.name)
    .join(signers, signers.c.id == duplicate_reviews.c.first_id)
    .where(
        duplicate_reviews.c.second_id.in_(each("ids")),
        duplicate_reviews.c.status == ReviewStatus.PENDING,
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
            contacts=tuple(_contact(contact) for contact in contacts[row.id]),
            submitted_as=tuple(dict.fromkeys(spelling for (spelling,) in spellings[row.id])),
            possible_duplicate_of=tuple(name for (name,) in partners[row.id]),
            signed_version=row.signed_version,
            confirmed_version=row.confirmed_version,
            status=SignerStatus(row.status),
            made_by=row.made_by,
            waiting=row.waiting,
            read_in=Language(row.read_in),
        )
        for row in rows
    ]


def _contact(row: Sequence[Any]) -> Contact:
    (
        person,
        title,
        email,
        user,
        spelling,
        signed_at,
        team,
        signed,
        confirmed,
        source,
        may,
        read_in,
    ) = row
    return Contact(
        person_name=person,
        title=title,
        email=email,
        user_id=user,
        submitted_as=spelling,
        signed_at=signed_at,
        team_id=team,
        signed_version=signed,
        confirmed_version=confirmed,
        source=ContactSource(source),
        may_contact=may,
        read_in=Language(read_in),
    )
