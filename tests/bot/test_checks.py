"""Checking what people submit: the letter form and a sign-on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.rules.checks import check_edit, check_new_letter, check_submission
from bot.rules.cleaning import paragraphs
from bot.rules.forms import Field, LetterFormValues, SignonField
from bot.rules.letter_text import from_plain
from bot.rules.problems import FormErrors
from bot.rules.signons import SignerKind, Submission
from tests.bot.blocks.test_letter import make_letter
from tests.helpers import edit_values

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


def values(**changes: object) -> LetterFormValues:
    base = dict(
        title="  Protect\n our   communities ",
        addressee="The Honorable Jane Doe",
        body=None,
        deadline=int((NOW + timedelta(days=3)).timestamp()),
        channels=("C1", "C2", "C1"),
        leads=("ULEAD",),
        goal="100",
        origin_channel="C1",
        draft_id=None,
    )
    return LetterFormValues(**{**base, **changes})  # type: ignore[arg-type]


def test_a_good_form_becomes_a_new_letter_with_tidy_fields() -> None:
    """Whitespace is folded in one-line fields; repeated channels are posted once; the
    typed text is kept as escaped markup."""
    new = check_new_letter(
        values(), body=from_plain("\r\nDear Jane & co,\r\n\r\nAct.\n"), created_by="UORG", now=NOW
    )
    assert new.title == "Protect our communities"
    assert new.body == "Dear Jane &amp; co,\n\nAct."
    assert new.channels == ("C1", "C2")
    assert new.goal == 100 and new.deadline == NOW + timedelta(days=3)


@pytest.mark.parametrize(
    ("changes", "body", "field"),
    [
        ({"title": " \n "}, "Text", Field.TITLE),
        ({"title": "x" * 151}, "Text", Field.TITLE),
        ({"addressee": ""}, "Text", Field.ADDRESSEE),
        ({}, "  \n\t ", Field.BODY),
        ({}, "x" * 150_001, Field.BODY),
        ({}, "&amp;" * 70_000, Field.BODY),
        ({"deadline": None}, "Text", Field.DEADLINE),
        ({"deadline": int(NOW.timestamp())}, "Text", Field.DEADLINE),
        ({"channels": ()}, "Text", Field.CHANNELS),
        ({"channels": ("U123",)}, "Text", Field.CHANNELS),
        ({"channels": ("<!channel>",)}, "Text", Field.CHANNELS),
        ({"leads": ("<!here>",)}, "Text", Field.LEADS),
        ({"goal": "0"}, "Text", Field.GOAL),
        ({"goal": "lots"}, "Text", Field.GOAL),
    ],
)
def test_each_mistake_is_reported_against_its_field(
    changes: dict[str, object], body: str, field: Field
) -> None:
    """A bad answer raises FormErrors naming exactly the field to fix."""
    with pytest.raises(FormErrors) as raised:
        check_new_letter(values(**changes), body=body, created_by="UORG", now=NOW)
    assert list(raised.value.errors) == [field]


def test_a_letters_text_keeps_its_words_and_drops_control_characters() -> None:
    """Line endings are unified and control characters removed; nothing else changes."""
    assert (
        paragraphs("\x00Dear\x07 Jane,\r\n\r\n  Act *now*.\u200b \n")
        == "Dear Jane,\n\n  Act *now*.\u200b"
    )


def organization(**changes: object) -> Submission:
    return Submission(kind=SignerKind.ORGANIZATION, **{"name": "Mijente", **changes})  # type: ignore[arg-type]


def test_quotes_and_stray_whitespace_typed_around_a_name_are_dropped() -> None:
    """`/signon "Mijente"` records Mijente; runs of spaces and control characters fold."""
    assert check_submission(organization(name="  “Mijente”\t")).name == "Mijente"
    assert (
        check_submission(organization(name="Voces\x00 de   la\nFrontera")).name
        == "Voces de la Frontera"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, SignonField.ORGANIZATION),
        ({"name": "x" * 201}, SignonField.ORGANIZATION),
        ({"email": "nobody"}, SignonField.EMAIL),
        ({"title": "t" * 101}, SignonField.TITLE),
        ({"city": "c" * 101}, SignonField.CITY),
    ],
)
def test_each_problem_names_its_field(changes: dict[str, object], field: str) -> None:
    """Too long, empty or malformed: refused before anything is stored."""
    with pytest.raises(FormErrors) as raised:
        check_submission(organization(**changes))
    assert list(raised.value.errors) == [field]


def test_an_individual_needs_a_name_and_keeps_the_affiliation() -> None:
    """For an individual the person is the entry; the organization is identification."""
    with pytest.raises(FormErrors) as raised:
        check_submission(Submission(kind=SignerKind.INDIVIDUAL, name="", affiliation="Uni"))
    assert list(raised.value.errors) == [SignonField.PERSON]
    tidy = check_submission(
        Submission(kind=SignerKind.INDIVIDUAL, name="Jane Doe", affiliation="Uni")
    )
    assert (tidy.name, tidy.person_name, tidy.affiliation) == ("Jane Doe", "Jane Doe", "Uni")


@pytest.mark.parametrize(("answer", "kept"), [(None, True), (True, True), (False, False)])
def test_a_new_letter_has_a_public_page_unless_the_box_is_unticked(
    answer: bool | None, kept: bool
) -> None:
    """Unticked, the letter has none; ticked, or with no box to tick (the bot can't take
    web sign-ons yet), it has one as soon as the bot can."""
    new = check_new_letter(
        values(web_signons=answer), body=from_plain("Act."), created_by="UORG", now=NOW
    )
    assert new.web_signons is kept


@pytest.mark.parametrize(("was", "answer"), [(False, None), (True, None), (True, False)])
def test_an_edit_changes_the_public_page_only_when_the_form_asked(
    was: bool, answer: bool | None
) -> None:
    """An edit form without the box leaves the letter's page as its organizer set it;
    with it, the box decides."""
    letter = replace(make_letter("Act."), web_signons=was)
    edit = check_edit(edit_values(letter, web_signons=answer), letter=letter, now=NOW)
    assert edit.web_signons is (was if answer is None else answer)
