"""The signer list in each format a coalition publishes, under the letter's own closing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.rules.letters import ListFormat, ListStyle
from bot.rules.signons import Contact, Signer, SignerKind
from bot.texts.exports import headline
from bot.texts.imports import read_signons
from bot.texts.lists import alphabetical, as_text, closing_word, sections
from tests.bot.test_formats import NOW, entry
from tests.conftest import FIXTURES

PLACES = [("Birmingham", "AL"), ("New York", "ny"), ("Los Angeles", "California"), (None, None)]
TYPES = ["national", "state", "local", ""]


def fixture_signers() -> list[Signer]:
    """The 2021 fixture's 102 organizations, each given a place and a type in turn, and
    one individual."""
    data = (FIXTURES / "google-forms-signons-2021-enforcement-reform.csv").read_bytes()
    rows = read_signons(data, zone=ZoneInfo("UTC")).rows
    signers = [
        entry(n, row.submission.name, city=PLACES[n % 4][0], state=PLACES[n % 4][1])
        for n, row in enumerate(rows, start=1)
    ]
    professor = Contact("Jane Doe", "Professor", None, "U2", "State University", NOW)
    jane = entry(
        900,
        "Jane Doe",
        kind=SignerKind.INDIVIDUAL,
        affiliation="State University",
        contacts=(professor,),
    )
    return [*signers, jane]


SIGNERS = fixture_signers()
ORGANIZATIONS = [s for s in alphabetical(SIGNERS) if s.kind is SignerKind.ORGANIZATION]


@pytest.mark.parametrize(
    ("letter", "word"),
    [
        ("2021-enforcement-reform-100-days.txt", "Sincerely,"),
        ("2022-protecting-communities-from-dhs-collusion.txt", "Signed,"),
        ("2022-press-release-170-organizations.txt", "Sincerely,"),  # none: the default
    ],
)
def test_the_closing_word_is_read_from_the_letter(letter: str, word: str) -> None:
    assert closing_word((FIXTURES / "letters" / letter).read_text(encoding="utf-8")) == word


def test_a_closing_word_given_wins_and_emphasis_is_read_through() -> None:
    assert closing_word("Dear all,\n\n*Respectfully submitted*\n") == "Respectfully submitted,"
    assert closing_word("Text.\n\nSigned,", ListStyle(closing="In solidarity,")) == (
        "In solidarity,"
    )


def lines_of(list_format: ListFormat, **style: object) -> list[str]:
    found = sections(SIGNERS, ListStyle(format=list_format, **style))  # type: ignore[arg-type]
    return [line for section in found for line in section.lines]


def test_names_only_lists_every_organization_then_the_individuals_apart() -> None:
    found = sections(SIGNERS, ListStyle(format=ListFormat.NAMES))
    assert [s.heading for s in found] == [
        None,
        "Individuals (affiliations for identification purposes only)",
    ]
    assert found[0].lines == tuple(s.name for s in ORGANIZATIONS)
    assert len(found[0].lines) == 102
    assert found[1].lines == ("Jane Doe, Professor, State University",)


def test_name_city_state_and_name_state() -> None:
    by_name = {s.name: s for s in ORGANIZATIONS}
    for line, signer in zip(lines_of(ListFormat.CITY_STATE), ORGANIZATIONS, strict=False):
        expected = {
            "AL": f"{signer.name}, Birmingham, AL",
            "ny": f"{signer.name}, New York, NY",
            "California": f"{signer.name}, Los Angeles, CA",
            None: signer.name,
        }[by_name[signer.name].state]
        assert line == expected
    codes = {"AL": "AL", "ny": "NY", "California": "CA"}
    assert lines_of(ListFormat.STATE)[:102] == [
        f"{s.name} ({codes[s.state]})" if s.state else s.name for s in ORGANIZATIONS
    ]


def test_grouped_by_state_each_state_by_name_and_no_state_last() -> None:
    found = sections(SIGNERS, ListStyle(format=ListFormat.BY_STATE))
    assert [s.heading for s in found] == [
        "Alabama",
        "California",
        "New York",
        "No state given",
        "Individuals (affiliations for identification purposes only)",
    ]
    assert sum(len(s.lines) for s in found[:4]) == 102
    assert list(found[0].lines) == sorted(
        found[0].lines, key=lambda n: n.casefold().removeprefix("the ")
    )


def test_grouped_by_type_from_the_roster_national_first_unknown_last() -> None:
    types = {s.id: TYPES[s.id % 4] for s in SIGNERS}
    found = sections(SIGNERS, ListStyle(format=ListFormat.BY_TYPE), types=types)
    assert [s.heading for s in found][:4] == [
        "National organizations",
        "State organizations",
        "Local organizations",
        "Other organizations",
    ]


def test_individuals_may_be_listed_with_the_organizations() -> None:
    found = sections(SIGNERS, ListStyle(individuals_apart=False))
    assert len(found) == 1 and "Jane Doe, Professor, State University" in found[0].lines
    assert list(found[0].lines) == [
        "Jane Doe, Professor, State University" if s.name == "Jane Doe" else s.name
        for s in alphabetical(SIGNERS)
    ]
    assert as_text(found).count("\n") == len(SIGNERS)


def test_the_headline_says_how_many_states() -> None:
    assert headline(SIGNERS) == ("Signed by 102 organizations from 3 states and 1 individual.")
