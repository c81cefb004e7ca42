"""Every view and message a signer is shown, rendered in each language the bot speaks
and held to the Slack stand-in's Block Kit limits: a translation that makes a modal's
title, a button or an option too long fails here, naming the view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.rules.home import Home, SignedEntry
from bot.rules.language import Language, speaking
from bot.rules.letters import Letter, LetterText, Translation
from bot.rules.limits import ADDRESSEE_MAX, TITLE_MAX
from bot.rules.roster import RosterMember
from bot.rules.signons import Contact, OwnEntry, SignerKind
from bot.rules.verification import Asked, Disowned
from bot.slack.blocks.chase import chase_message
from bot.slack.blocks.home import home_view
from bot.slack.blocks.problems import explain
from bot.slack.blocks.questions import disowned_lead_message, question_message
from bot.slack.blocks.reading import full_letter_view
from bot.slack.blocks.signon_form import build_signon_form, confirmation_view
from bot.slack.blocks.signon_replies import language_message
from bot.slack.blocks.versions import version_notice
from tests.bot.blocks.test_letter import make_letter
from tests.bot.blocks.test_problems import EXAMPLES
from tests.bot.test_formats import entry
from tests.conftest import ZONE
from tests.fake_slack import check_home, check_message, check_view

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def longest_letter() -> Letter:
    """A letter whose every text, in both languages, is as long as the forms allow."""
    spanish = LetterText(
        Language.SPANISH, "T" * TITLE_MAX, "A" * ADDRESSEE_MAX, ("Párrafo. " * 300 + "\n\n") * 40
    )
    return replace(
        make_letter("Dear all.\n\n" * 10, title="E" * TITLE_MAX),
        addressee="B" * ADDRESSEE_MAX,
        deadline=NOW + timedelta(days=3),
        translations=(Translation(spanish, of_version=1),),
        version=2,
    )


def signer_views() -> dict[str, tuple[str, dict[str, Any]]]:
    """Each view or message a signer may be shown, by name, with what it is
    (`view`, `home` or `message`), built in the language spoken now."""
    letter = longest_letter()
    mine = entry(1, "Voces de la Frontera")
    joined = entry(
        2,
        "Red",
        contacts=(
            Contact("Ana", None, None, "U1", "Red", NOW),
            Contact("Luz", "Directora", None, "U2", "Red", NOW),
        ),
    )
    individual = entry(3, "Luz", kind=SignerKind.INDIVIDUAL, affiliation="Universidad")
    member = RosterMember(id=1, name="C" * 200, state="CA")
    asked = Asked(4, letter, "Casa de Maryland", "Sam Stranger", "Volunteer")
    disowned = Disowned(letter, "Casa de Maryland", "CASA", "Sam Stranger", "U9")
    home = Home(
        drives=[],
        to_sign=[(replace(letter, id=n), 10) for n in range(1, 12)],
        signed=[SignedEntry(replace(letter, id=n), mine, mine.name) for n in range(12, 20)],
    )
    views: dict[str, tuple[str, dict[str, Any]]] = {
        "sign-on form": ("view", build_signon_form(letters=[letter], channel="C1")),
        "sign-on form, choosing a letter": (
            "view",
            build_signon_form(letters=[letter, make_letter("x", id=8)], channel="C1"),
        ),
        "form on one's entry": (
            "view",
            build_signon_form(
                letters=[letter], channel="C1", own=OwnEntry(mine, mine.contacts[0], True)
            ),
        ),
        "form as another contact": (
            "view",
            build_signon_form(
                letters=[letter], channel="C1", own=OwnEntry(joined, joined.contacts[1], False)
            ),
        ),
        "form as an individual": (
            "view",
            build_signon_form(
                letters=[letter],
                channel="C1",
                own=OwnEntry(individual, individual.contacts[0], True),
            ),
        ),
        "confirmation": ("view", confirmation_view("Signed.")),
        "full letter": ("view", full_letter_view(letter)),
        "full letter, in English": ("view", full_letter_view(letter, Language.ENGLISH)),
        "language choice": ("message", language_message(Language.SPANISH)),
        "chase": (
            "message",
            chase_message(
                letter=letter, members=[member], count=2, from_their_state=[], now=NOW, zone=ZONE
            ),
        ),
        "new version": (
            "message",
            version_notice(letter, since=1, changes=[], entries=[mine], user="U1"),
        ),
        "question": ("message", question_message(asked)),
        "no, told to a lead": ("message", disowned_lead_message(disowned)),
        "home": ("home", home_view(home, now=NOW, zone=ZONE, chosen=Language.SPANISH)),
        "empty home": (
            "home",
            home_view(Home(drives=[], to_sign=[], signed=[]), now=NOW, zone=ZONE),
        ),
    }
    for problem in EXAMPLES:
        views[f"problem: {type(problem).__name__}"] = ("message", {"text": explain(problem)})
    return views


CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "view": check_view,
    "home": check_home,
    "message": check_message,
}


@pytest.mark.parametrize("language", list(Language), ids=lambda language: language.value)
def test_every_signer_facing_view_holds_to_slacks_limits_in_each_language(
    language: Language,
) -> None:
    """The sign-on forms, the confirmation, the full letter, the language choice, the
    chase, a new version's notice, the question and its outcome, the Home and every
    problem's answer: each passes the stand-in's checks in English and in Spanish."""
    with speaking(language):
        views = signer_views()
    failed = {}
    for name, (kind, view) in views.items():
        try:
            CHECKS[kind](view)
        except Exception as refused:  # the stand-in's refusal, whatever its kind
            failed[name] = str(refused)
    assert failed == {}
    assert len(views) > 20


def test_the_views_differ_between_the_languages() -> None:
    """The views above are translated, not the English twice: each differs by language
    but for those the letter's own words fill."""
    with speaking(Language.ENGLISH):
        english = signer_views()
    with speaking(Language.SPANISH):
        spanish = signer_views()
    same = [name for name in english if str(english[name]) == str(spanish[name])]
    assert same == []
