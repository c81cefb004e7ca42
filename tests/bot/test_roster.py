"""Reading a roster CSV, and where each member stands with a letter's entries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.rules.roster import (
    Reach,
    RosterContact,
    RosterMember,
    Standing,
    signed_from_state,
    standings,
)
from bot.rules.signons import Signer, SignerKind, SignerStatus
from bot.texts.imports import ImportProblem
from bot.texts.roster import read_roster

AT = datetime(2026, 11, 30, tzinfo=UTC)


def test_columns_are_found_by_name_and_contacts_read_from_either_column() -> None:
    data = (
        b"Member,State,Type,Slack ID,Contact emails,Notes\n"
        b"Make the Road New York,NY,state,U01AAA; U01BBB,org@mrny.org,call first\n"
        b'CASA,MD,,,"a@casa.org, b@casa.org"\n'
        b'"National Immigration Law Center",,national,"<@U03CCC>",\n'
    )
    found = read_roster(data)
    assert [m.name for m in found.members] == [
        "Make the Road New York",
        "CASA",
        "National Immigration Law Center",
    ]
    mrny, casa, nilc = found.members
    assert (mrny.state, mrny.kind) == ("NY", "state")
    assert mrny.contacts == (
        RosterContact("U01AAA"),
        RosterContact("U01BBB"),
        RosterContact(None, "org@mrny.org"),
    )
    assert casa.contacts == (RosterContact(None, "a@casa.org"), RosterContact(None, "b@casa.org"))
    assert nilc.contacts == (RosterContact("U03CCC"),) and nilc.kind == "national"
    assert found.skipped == []


def test_a_member_named_twice_is_one_member_with_both_rows_contacts() -> None:
    data = (
        b"Organization,Aliases,Email\n"
        b"Florida Immigrant Coalition,FLIC,one@flic.org\n"
        b'"florida immigrant coalition, inc.",Florida Immigrant Coalition (FLIC),two@flic.org\n'
    )
    (member,) = read_roster(data).members
    assert member.aliases == ("FLIC",)
    assert [c.email for c in member.contacts] == ["one@flic.org", "two@flic.org"]


def test_rows_without_a_name_or_with_an_unreadable_contact_are_reported() -> None:
    data = b"Organization,Email\n,someone@x.org\nCASA,not an address\n\n"
    found = read_roster(data)
    assert [m.name for m in found.members] == ["CASA"]
    assert [(row.line, row.reason[:20]) for row in found.skipped] == [
        (2, "it has no organizati"),
        (3, "“not an address” is "),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"Email,State\nx@y.org,NY\n", "Organization")],
)
def test_a_file_without_members_is_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(ImportProblem, match=message):
        read_roster(data)


def entry(
    entry_id: int,
    name: str,
    *,
    status: SignerStatus = SignerStatus.ACTIVE,
    submitted_as: tuple[str, ...] = (),
    state: str | None = None,
    public: bool = True,
) -> Signer:
    return Signer(
        id=entry_id,
        letter_id=1,
        kind=SignerKind.ORGANIZATION,
        name=name,
        affiliation=None,
        city=None,
        state=state,
        public=public,
        signed_at=AT,
        submitted_as=submitted_as or (name,),
        status=status,
    )


def member(member_id: int, name: str, *aliases: str) -> RosterMember:
    return RosterMember(id=member_id, name=name, aliases=aliases)


def test_members_are_matched_to_entries_by_the_dedupe_rules() -> None:
    """A spelling variant or an alias means signed; a spelling submitted for an entry
    counts too; an acronym alone is for a person to judge; a withdrawn entry leaves its
    member missing (and says so); a near name of another organization is not a match."""
    roster = [
        member(1, "Make the Road New York"),
        member(2, "Coalition for Humane Immigrant Rights", "CHIRLA"),
        member(3, "National Immigration Law Center"),
        member(4, "Florida Immigrant Coalition"),
        member(5, "CASA"),
        member(6, "Make the Road Connecticut"),
        member(7, "American Civil Liberties Union"),
    ]
    entries = [
        entry(10, "Make the Road NY, Inc."),
        entry(11, "CHIRLA"),
        entry(12, "NILC Action", submitted_as=("NILC Action", "National Immigration Law Center")),
        entry(13, "FLIC"),
        entry(14, "CASA", status=SignerStatus.WITHDRAWN),
        entry(15, "ACLU of Northern California"),
    ]
    found = {s.member.name: s for s in standings(roster, entries)}
    assert found["Make the Road New York"].standing is Standing.SIGNED
    assert found["Make the Road New York"].signed_as == ("Make the Road NY, Inc.",)
    assert found["Coalition for Humane Immigrant Rights"].standing is Standing.SIGNED
    assert found["National Immigration Law Center"].standing is Standing.SIGNED
    assert found["Florida Immigrant Coalition"].standing is Standing.POSSIBLY_SIGNED
    assert found["Florida Immigrant Coalition"].signed_as == ("FLIC",)
    assert found["CASA"].standing is Standing.WITHDRAWN and found["CASA"].missing
    assert found["Make the Road Connecticut"].standing is Standing.NOT_SIGNED
    assert found["American Civil Liberties Union"].standing is Standing.NOT_SIGNED
    reach = Reach.of(list(found.values()))
    assert (reach.members, len(reach.signed), len(reach.missing), len(reach.possible)) == (
        7,
        3,
        3,
        1,
    )


def test_an_organizers_answer_settles_a_possible_match() -> None:
    roster = [member(4, "Florida Immigrant Coalition"), member(5, "Florida Justice Coalition")]
    entries = [entry(13, "FLIC"), entry(16, "Florida Justice Coalition Inc")]
    (flic, fjc) = standings(roster, entries, decided={(4, 13): True, (5, 16): False})
    assert flic.standing is Standing.SIGNED and fjc.standing is Standing.NOT_SIGNED


def test_signed_from_a_state_lists_listed_organizations_however_the_state_is_written() -> None:
    entries = [
        entry(1, "CASA", state="Maryland"),
        entry(2, "Hidden Group", state="MD", public=False),
        entry(3, "Gone Group", state="md", status=SignerStatus.WITHDRAWN),
        entry(4, "Elsewhere", state="NY"),
        entry(5, "Another MD group", state="md."),
    ]
    assert signed_from_state(entries, "MD") == ["CASA", "Another MD group"]
    assert signed_from_state(entries, None) == []
