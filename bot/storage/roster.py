"""The coalition's roster in the database, and who asked not to be chased about a letter.

A member is filed under its name's dedupe key: importing the roster again, even with the
name spelled otherwise, updates the member (its name, aliases, state, type, contacts and
domains become the file's) and never adds it twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.letters import LetterStatus
from bot.rules.roster import MemberRow, RosterContact, RosterMember, RosterSaved
from bot.rules.signer_index import SignerIndex
from bot.storage.connect import Connect, insert_into
from bot.storage.planning import verification_look
from bot.storage.schema import (
    chase_optouts,
    letters,
    roster_contacts,
    roster_matches,
    roster_members,
)


class RosterRecords:
    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def save(
        self, rows: Sequence[MemberRow], *, accounts: Mapping[str, str], now: datetime
    ) -> RosterSaved:
        """Add or update each member; `accounts` gives the Slack account of each email
        Slack knows."""
        added: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        async with self._writing() as conn:
            existing = {m.key: m for m in await _members(conn)}
            # A member spelled otherwise in this file ("UnidosUS") is the same member.
            index = SignerIndex()
            for stored in existing.values():
                index.add(stored.member.id, stored.key)
            for row in rows:
                contacts = _resolved(row.contacts, accounts)
                key = index.same_as(row.key) or row.key
                before = existing.pop(key, None)
                values = {
                    "name": row.name,
                    "aliases": json.dumps(list(row.aliases)),
                    "state": row.state,
                    "kind": row.kind,
                    "domains": json.dumps(list(row.domains)),
                    "updated_at": now,
                }
                if before is None:
                    member_id = (
                        await conn.execute(
                            roster_members.insert()
                            .values(key=key, **values)
                            .returning(roster_members.c.id)
                        )
                    ).scalar_one()
                    added.append(row.name)
                else:
                    member_id = before.member.id
                    old = before.member
                    if (
                        old.name,
                        old.aliases,
                        old.state,
                        old.kind,
                        set(old.contacts),
                        old.domains,
                    ) == (row.name, row.aliases, row.state, row.kind, set(contacts), row.domains):
                        unchanged.append(row.name)
                        continue
                    await conn.execute(
                        roster_members.update()
                        .where(roster_members.c.id == member_id)
                        .values(**values)
                    )
                    await conn.execute(
                        roster_contacts.delete().where(roster_contacts.c.member_id == member_id)
                    )
                    updated.append(row.name)
                if contacts:
                    await conn.execute(
                        roster_contacts.insert(),
                        [
                            {"member_id": member_id, "user_id": c.user_id, "email": c.email}
                            for c in contacts
                        ],
                    )
            if added or updated:
                # Who speaks for a member changed: open letters' entries are looked at again.
                open_letters = await conn.execute(
                    sa.select(letters.c.id).where(letters.c.status == LetterStatus.OPEN.value)
                )
                for letter_id in list(open_letters.scalars()):
                    await conn.execute(verification_look(conn, letter_id, now=now))
        return RosterSaved(added, updated, unchanged, kept=len(existing))

    async def members(self) -> list[RosterMember]:
        """Every member organization, by name."""
        async with self._reading() as conn:
            return [stored.member for stored in await _members(conn)]

    async def member(self, member_id: int) -> RosterMember | None:
        async with self._reading() as conn:
            found = await _members(conn, member_id)
        return found[0].member if found else None

    async def known_accounts(self, emails: Sequence[str]) -> dict[str, str]:
        """The Slack account already found for each of these contacts' emails."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(roster_contacts.c.email, roster_contacts.c.user_id)
                .where(
                    roster_contacts.c.email.in_(list(emails)),
                    roster_contacts.c.user_id.is_not(None),
                )
                .distinct()
            )
            return {email: user_id for email, user_id in rows}

    async def resolve(self, email: str, user_id: str) -> None:
        """The contacts given by `email` are Slack account `user_id`."""
        async with self._writing() as conn:
            await conn.execute(
                roster_contacts.update()
                .where(roster_contacts.c.email == email, roster_contacts.c.user_id.is_(None))
                .values(user_id=user_id)
            )

    async def has_contact(self, user_id: str) -> bool:
        """Whether `user_id` is a contact of a member organization."""
        async with self._reading() as conn:
            found = await conn.execute(
                sa.select(roster_contacts.c.id).where(roster_contacts.c.user_id == user_id).limit(1)
            )
            return found.first() is not None

    async def unresolved_emails(self) -> list[str]:
        """Contacts' emails that no Slack account was found for (yet)."""
        async with self._reading() as conn:
            return list(
                (
                    await conn.execute(
                        sa.select(roster_contacts.c.email)
                        .where(
                            roster_contacts.c.user_id.is_(None),
                            roster_contacts.c.email.is_not(None),
                        )
                        .distinct()
                        .order_by(roster_contacts.c.email)
                    )
                ).scalars()
            )

    async def decide(
        self,
        letter_id: int,
        member_id: int,
        signer_id: int,
        *,
        same: bool,
        by: str,
        now: datetime,
    ) -> None:
        """Record an organizer's answer: the member is (or isn't) that entry."""
        async with self._writing() as conn:
            statement = insert_into(conn, roster_matches).values(
                letter_id=letter_id,
                member_id=member_id,
                signer_id=signer_id,
                same=same,
                decided_by=by,
                decided_at=now,
            )
            await conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["letter_id", "member_id", "signer_id"],
                    set_={"same": same, "decided_by": by, "decided_at": now},
                )
            )

    async def decisions(self, letter_id: int) -> dict[tuple[int, int], bool]:
        """Organizers' answers for a letter, by (member id, entry id)."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(
                    roster_matches.c.member_id, roster_matches.c.signer_id, roster_matches.c.same
                ).where(roster_matches.c.letter_id == letter_id)
            )
            return {(row.member_id, row.signer_id): row.same for row in rows}

    async def opt_out(self, letter_id: int, user_id: str, *, now: datetime) -> None:
        """`user_id` is not to be chased about this letter again."""
        async with self._writing() as conn:
            await conn.execute(
                insert_into(conn, chase_optouts)
                .values(letter_id=letter_id, user_id=user_id, opted_out_at=now)
                .on_conflict_do_nothing()
            )

    async def opted_out(self, letter_id: int, user_id: str) -> bool:
        async with self._reading() as conn:
            found = await conn.execute(
                sa.select(chase_optouts.c.user_id).where(
                    chase_optouts.c.letter_id == letter_id, chase_optouts.c.user_id == user_id
                )
            )
            return found.first() is not None


@dataclass(frozen=True, slots=True)
class _Stored:
    key: str
    member: RosterMember


async def _members(conn: AsyncConnection, member_id: int | None = None) -> list[_Stored]:
    """Every member (or the one `member_id`), by name, with its contacts."""
    members = sa.select(roster_members).order_by(sa.func.lower(roster_members.c.name))
    contacts_query = sa.select(roster_contacts).order_by(roster_contacts.c.id)
    if member_id is not None:
        members = members.where(roster_members.c.id == member_id)
        contacts_query = contacts_query.where(roster_contacts.c.member_id == member_id)
    rows = (await conn.execute(members)).all()
    contacts: dict[int, list[RosterContact]] = {}
    for contact in await conn.execute(contacts_query):
        contacts.setdefault(contact.member_id, []).append(
            RosterContact(user_id=contact.user_id, email=contact.email)
        )
    return [
        _Stored(
            row.key,
            RosterMember(
                id=row.id,
                name=row.name,
                aliases=tuple(json.loads(row.aliases)),
                state=row.state,
                kind=row.kind,
                contacts=tuple(contacts.get(row.id, ())),
                domains=tuple(json.loads(row.domains)),
            ),
        )
        for row in rows
    ]


def _resolved(
    contacts: Sequence[RosterContact], accounts: Mapping[str, str]
) -> tuple[RosterContact, ...]:
    """Each contact with the Slack account its email belongs to, where Slack knew it;
    one contact per account."""
    found: dict[object, RosterContact] = {}
    for contact in contacts:
        user_id = contact.user_id or (accounts.get(contact.email) if contact.email else None)
        resolved = RosterContact(user_id=user_id, email=contact.email)
        found.setdefault(user_id or contact.email, resolved)
    return tuple(found.values())
