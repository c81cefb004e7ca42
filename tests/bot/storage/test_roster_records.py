"""The roster in the database: importing again updates members, never adds them twice."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.rules.roster import RosterContact
from bot.storage import Store
from bot.texts.roster import read_roster

AT = datetime(2026, 11, 30, tzinfo=UTC)

FIRST = (
    b"Organization,State,Slack ID,Email\n"
    b"Make the Road New York,NY,U01AAA,\n"
    b"CASA,MD,,lead@casa.org\n"
    b"CHIRLA,CA,U02BBB,\n"
    b"UnidosUS,DC,U04CCC,\n"
)
# The same roster a week later: a contact added, a member spelled otherwise, a new one;
# one member left out.
SECOND = (
    b"Organization,State,Slack ID,Email\n"
    b"Make the Road NY,NY,U01AAA,\n"
    b"CASA,MD,U03NEW,lead@casa.org\n"
    b"Unidos US,DC,U04CCC,\n"
    b"Florida Immigrant Coalition,FL,,\n"
)


async def test_importing_again_updates_members_and_never_duplicates_them(store: Store) -> None:
    first = await store.roster.save(
        read_roster(FIRST).members, accounts={"lead@casa.org": "U03CASA"}, now=AT
    )
    assert first.added == ["Make the Road New York", "CASA", "CHIRLA", "UnidosUS"]
    again = await store.roster.save(
        read_roster(FIRST).members, accounts={"lead@casa.org": "U03CASA"}, now=AT
    )
    assert (again.added, again.updated, len(again.unchanged)) == ([], [], 4)

    second = await store.roster.save(read_roster(SECOND).members, accounts={}, now=AT)
    assert second.added == ["Florida Immigrant Coalition"]
    assert second.updated == ["Make the Road NY", "CASA", "Unidos US"]
    assert second.kept == 1  # CHIRLA, left out of the second file, stays
    members = {m.name: m for m in await store.roster.members()}
    assert sorted(members) == [
        "CASA",
        "CHIRLA",
        "Florida Immigrant Coalition",
        "Make the Road NY",
        "Unidos US",
    ]
    # The file's contacts replace the member's; an email Slack didn't know stays unresolved.
    assert members["CASA"].contacts == (
        RosterContact("U03NEW"),
        RosterContact(None, "lead@casa.org"),
    )
    assert members["CASA"].user_ids == ("U03NEW",)
    assert await store.roster.unresolved_emails() == ["lead@casa.org"]


async def test_an_opt_out_is_remembered_once_per_letter(store: Store) -> None:
    from tests.bot.storage.test_store import NEW, PLAN

    letter = await store.letters.create(NEW, plan=PLAN, now=AT)
    assert not await store.roster.opted_out(letter.id, "U1")
    await store.roster.opt_out(letter.id, "U1", now=AT)
    await store.roster.opt_out(letter.id, "U1", now=AT)
    assert await store.roster.opted_out(letter.id, "U1")
    assert not await store.roster.opted_out(letter.id, "U2")


async def test_a_members_domains_are_kept_and_importing_again_updates_them(store: Store) -> None:
    """The Domains column is stored with the member; a file that changes only the
    domains updates the member, one that changes nothing leaves it unchanged."""
    first = b"Organization,Domains\nCASA,casa.org\nCHIRLA,\n"
    second = b"Organization,Domains\nCASA,casa.org; wearecasa.org\nCHIRLA,\n"
    await store.roster.save(read_roster(first).members, accounts={}, now=AT)
    again = await store.roster.save(read_roster(second).members, accounts={}, now=AT)
    assert (again.updated, again.unchanged) == (["CASA"], ["CHIRLA"])
    members = {m.name: m for m in await store.roster.members()}
    assert members["CASA"].domains == ("casa.org", "wearecasa.org")
    assert members["CHIRLA"].domains == ()
