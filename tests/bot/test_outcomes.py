"""What becomes of each sign-on in a batch: the rules on their own, without a database."""

from __future__ import annotations

from bot.rules.outcomes import Arrival, Decision, Known, decide
from bot.rules.signons import Outcome

ORG = "organization"
NOTHING = Known(entries={}, imported={}, contacts=frozenset())


def test_the_first_sign_on_of_an_organization_makes_its_entry_and_later_ones_join_it() -> None:
    """Two people signing one new organization in a batch: one entry, two contacts."""
    decided = decide([Arrival((ORG, "mijente"), "U1"), Arrival((ORG, "mijente"), "U2")], NOTHING)
    assert decided.new_entries == [(ORG, "mijente")]
    assert decided.each == [
        Decision(Outcome.NEW, (ORG, "mijente"), True),
        Decision(Outcome.SAME, (ORG, "mijente"), True),
    ]


def test_an_organization_the_letter_has_is_joined_and_a_contact_signing_again_changes_nothing() -> (
    None
):
    """The letter's entry (7) gets the new person; the person already on it, nothing."""
    known = Known(entries={(ORG, "casa"): 7}, imported={}, contacts=frozenset({(7, "U1")}))
    decided = decide([Arrival((ORG, "casa"), "U1"), Arrival((ORG, "casa"), "U2")], known)
    assert decided.new_entries == []
    assert decided.each == [
        Decision(Outcome.ALREADY, 7, False),
        Decision(Outcome.SAME, 7, True),
    ]


def test_the_same_person_twice_in_one_batch_is_one_contact() -> None:
    decided = decide([Arrival((ORG, "uwd"), "U1"), Arrival((ORG, "uwd"), "U1")], NOTHING)
    assert [d.outcome for d in decided.each] == [Outcome.NEW, Outcome.ALREADY]


def test_an_imported_row_recorded_before_changes_nothing_even_twice_in_one_file() -> None:
    """A row imported before, and a row repeated within the file, add nothing."""
    known = Known(entries={}, imported={"row-a": 3}, contacts=frozenset())
    decided = decide(
        [
            Arrival((ORG, "idp"), import_ref="row-a"),
            Arrival((ORG, "aclu"), import_ref="row-b"),
            Arrival((ORG, "aclu"), import_ref="row-b"),
        ],
        known,
    )
    assert decided.new_entries == [(ORG, "aclu")]
    assert decided.each == [
        Decision(Outcome.IMPORTED_BEFORE, 3, False),
        Decision(Outcome.NEW, (ORG, "aclu"), True),
        Decision(Outcome.IMPORTED_BEFORE, (ORG, "aclu"), False),
    ]


def test_people_and_organizations_of_one_key_are_different_entries() -> None:
    """An individual keyed like an organization is an entry of their own."""
    decided = decide(
        [Arrival((ORG, "maria"), "U1"), Arrival(("individual", "maria"), "U1")], NOTHING
    )
    assert len(decided.new_entries) == 2
