"""What went wrong, the question "Did your organization sign?" and what comes of its
answer, as a reader whose language is Spanish reads them; English readers read them as
before."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.forms import Field, SignonField
from bot.rules.language import Language, speaking
from bot.rules.letters import Letter, LetterText, Translation
from bot.rules.problems import FieldProblem, FormErrors, Issue, Problem, SignOnsClosed
from bot.rules.verification import Answer, Asked
from bot.services.answers import Answers
from bot.slack.blocks.problems import explain, field_errors
from bot.slack.blocks.questions import QUESTION_NO_ACTION, question_message
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.bot.blocks.test_letter import make_letter
from tests.bot.blocks.test_problems import EXAMPLES
from tests.bot.test_dispatch import T0, dms, posted
from tests.bot.test_questions import (
    CASA,
    DEADLINE,
    LOOKED,
    buttons,
    dispatcher_for,
    questions_to,
    roster,
    run,
    sign,
)
from tests.conftest import LEAD
from tests.fake_slack import FakeSlack, check_message
from tests.helpers import all_text, coalition

SPANISH_TEXT = LetterText(
    Language.SPANISH, "Protejamos a nuestras comunidades", "Estimada Secretaria", "Actúe."
)


@pytest.mark.parametrize("problem", EXAMPLES, ids=lambda p: type(p).__name__)
def test_every_problem_has_its_own_words_in_spanish(problem: Problem) -> None:
    """No problem falls back to English for a Spanish reader: the sentence differs
    from the English one, and still ends as a sentence."""
    english = explain(problem)
    with speaking(Language.SPANISH):
        spanish = explain(problem)
    assert spanish != english and spanish.endswith((".", "?"))


def test_a_closed_letter_is_explained_in_spanish_under_its_spanish_title() -> None:
    """A Spanish reader is told, in Spanish and under the letter's Spanish title, that
    it closed and whom to ask; the English reader's sentence is unchanged."""
    letter = replace(
        make_letter("Act."),
        title="Protect our communities",
        leads=("ULEAD",),
        closed_at=datetime(2026, 3, 2, 22, tzinfo=UTC),
        translations=(Translation(SPANISH_TEXT, of_version=1),),
    )
    english = explain(SignOnsClosed(letter))
    assert english.startswith("Sign-ons for *Protect our communities* closed on <!date^")
    assert english.endswith(
        "so it can't be signed any more. To add your name late, ask its lead <@ULEAD>."
    )
    with speaking(Language.SPANISH):
        spanish = explain(SignOnsClosed(letter))
    assert spanish.startswith(
        "Las firmas para *Protejamos a nuestras comunidades* se cerraron el <!date^"
    )
    assert "^{date_long_pretty} a las {time}|" in spanish
    assert spanish.endswith(
        "así que ya no se puede firmar. Para agregar su nombre fuera de plazo, consulte a "
        "su responsable, <@ULEAD>."
    )


def test_form_answers_to_correct_are_pointed_out_in_spanish() -> None:
    """The sign-on form's and the letter form's problems, beside their fields: a job
    title is a "cargo", a letter's title a "título"."""
    signon = FormErrors(
        {
            SignonField.TITLE: FieldProblem(Issue.TOO_LONG, limit=100),
            SignonField.EMAIL: FieldProblem(Issue.NOT_AN_EMAIL),
            SignonField.ORGANIZATION: FieldProblem(Issue.MISSING),
        }
    )
    letter = FormErrors(
        {
            Field.TITLE: FieldProblem(Issue.TOO_LONG, limit=150),
            Field.GOAL: FieldProblem(Issue.OUT_OF_RANGE, limit=100_000),
            Field.SPANISH_BODY: FieldProblem(Issue.MISSING),
        }
    )
    assert field_errors(signon, signon=True) == {
        SignonField.TITLE: "Keep the title to 100 characters.",
        SignonField.EMAIL: "That doesn't look like an email address.",
        SignonField.ORGANIZATION: "Type the name of the organization signing.",
    }
    assert field_errors(letter)[Field.GOAL] == "The goal is a number from 1 to 100,000."
    assert field_errors(letter)[Field.SPANISH_BODY] == "Paste the letter's text in Spanish."
    with speaking(Language.SPANISH):
        assert field_errors(signon, signon=True) == {
            SignonField.TITLE: "El cargo puede tener hasta 100 caracteres.",
            SignonField.EMAIL: "Eso no parece una dirección de correo electrónico.",
            SignonField.ORGANIZATION: "Escriba el nombre de la organización que firma.",
        }
        assert field_errors(letter) == {
            Field.TITLE: "El título puede tener hasta 150 caracteres.",
            Field.GOAL: "La meta es un número del 1 al 100.000.",
            Field.SPANISH_BODY: "Pegue el texto de la carta en español.",
        }


def test_the_question_reads_in_spanish_with_its_buttons() -> None:
    """The question, its Yes and No, and No's confirmation are Spanish, the letter
    under its Spanish title; the message stays within Slack's limits."""
    letter = replace(
        make_letter("Act."),
        title="Protect our communities",
        translations=(Translation(SPANISH_TEXT, of_version=1),),
    )
    asked = Asked(4, letter, CASA, "Sam Stranger", "Voluntario")
    with speaking(Language.SPANISH):
        message = question_message(asked)
    check_message(message)
    shown = str(message)
    assert (
        "Alguien firmó *Protejamos a nuestras comunidades* en nombre de *Casa de Maryland* "
        "como *Sam Stranger*, Voluntario. ¿Su organización firmó?"
    ) in shown
    words = [e["text"]["text"] for e in message["blocks"][2]["elements"]]
    assert words == ["Sí, firmamos", "No, no firmamos"]
    confirm = message["blocks"][2]["elements"][1]["confirm"]
    assert [confirm[key]["text"] for key in ("title", "confirm", "deny")] == [
        "¿Retirar la firma?",
        "No firmamos",
        "Volver",
    ]
    assert "Did your organization sign" not in shown and "Protect our" not in shown


@pytest.fixture
async def casa_letter(store: Store, client: AsyncWebClient, fake_slack: FakeSlack) -> Letter:
    """A letter posted with a roster: Casa de Maryland's first contact's Slack speaks
    Spanish, its second's English; the stranger who signs for it speaks Spanish."""
    coalition(fake_slack)
    fake_slack.add_user("USTRANGER", name="Stranger", email="casa.fan@gmail.com", locale="es-MX")
    fake_slack.add_user("UCASA1", name="casa1", email="ucasa1@example.org", locale="es-LA")
    fake_slack.add_user("UCASA2", name="casa2", email="ucasa2@example.org", locale="en-US")
    fake_slack.add_user("UCHIRLA", name="chirla", email="uchirla@example.org")
    await store.roster.save(read_roster(roster()).members, accounts={}, now=T0)
    return await posted(store, client, deadline=DEADLINE)


async def test_a_spanish_contact_is_asked_in_spanish_and_an_english_one_in_english(
    store: Store, client: AsyncWebClient, fake_slack: FakeSlack, casa_letter: Letter
) -> None:
    """Each contact's question DM speaks the contact's Slack language; a No then tells
    the English-speaking lead in English, and the Spanish-speaking signer in Spanish."""
    letter = casa_letter
    await sign(store, letter, CASA, user="USTRANGER")
    dispatcher = dispatcher_for(store, client)
    await run(dispatcher, LOOKED)
    (spanish,) = questions_to(fake_slack, "UCASA1")
    (english,) = questions_to(fake_slack, "UCASA2")
    assert (
        f"Alguien firmó *Protect our communities* en nombre de *{CASA}* como *Sam Stranger*, "
        "Volunteer. ¿Su organización firmó?"
    ) in all_text(spanish)
    assert "Sí, firmamos" in all_text(spanish) and "Yes, we signed" not in all_text(spanish)
    assert "Did your organization sign?" in all_text(english)

    await Answers(store=store).answer(
        int(buttons(spanish)[QUESTION_NO_ACTION]), Answer.NO, by="UCASA1", now=LOOKED
    )
    await dispatcher.run_due(LOOKED + timedelta(seconds=1))
    (told,) = [all_text(m) for m in dms(fake_slack, LEAD)]
    assert f"*{CASA}* says it didn't sign *Protect our communities*" in told
    (outcome,) = [all_text(m) for m in dms(fake_slack, "USTRANGER") if "retir" in m.text]
    assert outcome.startswith(
        f"Su firma en nombre de *{CASA}* en *Protect our communities* se retiró: al consultar "
        "con la organización, los organizadores de la carta supieron que no firmó."
    )
