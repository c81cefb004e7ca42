"""The App Home, and what the bot answers in Slack, in the reader's language: a member
whose Slack speaks Spanish reads a Spanish Home however it was brought up to date, may
choose another language on it, and hears of problems and questions in Spanish."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.rules.forms import SignonField
from bot.rules.limits import JOB_TITLE_MAX
from bot.rules.verification import Ask
from bot.slack.blocks.home import HOME_LANGUAGE_ACTION, HOME_LANGUAGE_BLOCK
from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.slack.blocks.questions import QUESTION_YES_ACTION
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.conftest import MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import ask, coalition, post_letter, signon
from tests.slack_driver import SlackDriver

SPANISH = "UMARIA"


@pytest.fixture(autouse=True)
async def letter_in_coalition(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack)
    fake_slack.add_user(SPANISH, name="maria", real_name="María", locale="es-MX")
    fake_slack.add_user(MEMBER, name="member", real_name="Member", locale="en-US")
    fake_slack.add_user(ORGANIZER, name="organizer", real_name="Organizer", locale="en-US")
    for user in (SPANISH, MEMBER):
        fake_slack.join(user, "CCOALITION")
    await post_letter(slack, fake_slack)


def publishes_to(fake: FakeSlack, user: str) -> int:
    return sum(1 for call in fake.calls_to("views.publish") if call.args["user_id"] == user)


async def home_of(slack: SlackDriver, fake: FakeSlack, user: str) -> dict[str, Any]:
    """`user` opens their Home; the Home published for them."""
    before = publishes_to(fake, user)
    reply = await slack.open_home(user)
    assert reply.status == 200
    await fake.wait_for(lambda: publishes_to(fake, user) > before)
    home = fake.home_of(user)
    assert home is not None
    return home


def buttons(home: dict[str, Any]) -> list[str]:
    """Every button's words on a Home."""
    found = []
    for block in home["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        accessory = block.get("accessory")
        for element in [*elements, *([accessory] if accessory else [])]:
            if element.get("type") == "button":
                found.append(element["text"]["text"])
    return found


def language_menu(home: dict[str, Any]) -> dict[str, Any]:
    (block,) = [b for b in home["blocks"] if b.get("block_id") == HOME_LANGUAGE_BLOCK]
    menu: dict[str, Any] = block["accessory"]
    return menu


async def choose_language(
    slack: SlackDriver, fake: FakeSlack, user: str, value: str
) -> dict[str, Any]:
    """`user` picks `value` from the language menu on their Home; their Home as it is
    published again."""
    home = fake.home_of(user)
    assert home is not None
    option = next(o for o in language_menu(home)["options"] if o["value"] == value)
    chosen = {
        "type": "static_select",
        "action_id": HOME_LANGUAGE_ACTION,
        "block_id": HOME_LANGUAGE_BLOCK,
        "selected_option": option,
    }
    before = publishes_to(fake, user)
    reply = await slack._in_view({"team_id": "T1", **home}, chosen, user=user)
    assert reply.status == 200
    await fake.wait_for(lambda: publishes_to(fake, user) > before)
    published = fake.home_of(user)
    assert published is not None
    return published


async def test_a_member_whose_slack_speaks_spanish_reads_a_spanish_home(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Headers, the count line and the buttons are in Spanish for an es-MX member, in
    English for an en-US one; the letter's own title is as its organizers wrote it."""
    spanish = await home_of(slack, fake_slack, SPANISH)
    shown = str(spanish)
    assert "Cartas para firmar" in shown and "Protect our communities" in shown
    assert "firmaron 0 · cierra el" in shown
    assert buttons(spanish) == ["Firmar", "Leer la carta completa"]
    assert "Letters to sign" not in shown and "Sign on" not in buttons(spanish)
    menu = language_menu(spanish)
    assert [o["text"]["text"] for o in menu["options"]] == ["English", "Español", "Según Slack"]
    assert menu["initial_option"]["text"]["text"] == "Según Slack"

    english = await home_of(slack, fake_slack, MEMBER)
    assert "Letters to sign" in str(english) and "Cartas para firmar" not in str(english)
    assert buttons(english) == ["Sign on", "Read the full letter"]
    assert language_menu(english)["initial_option"]["text"]["text"] == "As in Slack"
    assert not fake_slack.rejected


async def test_a_home_refreshed_after_an_english_speaking_organizer_acts_stays_spanish(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """The refresh an organizer's action brings publishes each viewer's Home in the
    viewer's language, not the organizer's."""
    await home_of(slack, fake_slack, SPANISH)
    await home_of(slack, fake_slack, MEMBER)
    before = publishes_to(fake_slack, SPANISH)
    # The organizer signs for their organization: every Home's count follows.
    answer = await signon(slack, fake_slack, "Florida Immigrant Coalition", user=ORGANIZER)
    assert "Florida Immigrant Coalition" in answer
    await fake_slack.wait_for(
        lambda: (
            "firmó 1" in str(fake_slack.home_of(SPANISH))
            and publishes_to(fake_slack, SPANISH) > before
        )
    )
    spanish = str(fake_slack.home_of(SPANISH))
    assert "Cartas para firmar" in spanish and "Letters to sign" not in spanish
    await fake_slack.wait_for(
        lambda: "*Protect our communities*\\n1 signed" in str(fake_slack.home_of(MEMBER))
    )
    assert not fake_slack.rejected


async def test_choosing_english_on_the_home_switches_it_and_is_kept(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Choosing English republishes the Home in English at once, and from then on the
    bot answers in English (a /signon reply too); "As in Slack" brings Spanish back."""
    await home_of(slack, fake_slack, SPANISH)
    refused = await ask(slack, fake_slack, "list", user=SPANISH)
    assert refused["text"] == (
        "Solo los organizadores y los responsables de una carta pueden ver la lista de cartas."
    )

    english = await choose_language(slack, fake_slack, SPANISH, "en")
    assert "Letters to sign" in str(english) and "Cartas para firmar" not in str(english)
    assert language_menu(english)["initial_option"]["text"]["text"] == "English"
    assert await store.people.chosen_languages([SPANISH]) == {SPANISH: "en"}
    assert "There's no letter #9." in await signon(slack, fake_slack, "#9", user=SPANISH)
    refused = await ask(slack, fake_slack, "list", user=SPANISH)
    assert refused["text"] == "Only organizers and a letter's leads can list letters."
    assert "Letters to sign" in str(await home_of(slack, fake_slack, SPANISH))

    spanish = await choose_language(slack, fake_slack, SPANISH, "slack")
    assert "Cartas para firmar" in str(spanish)
    assert language_menu(spanish)["initial_option"]["text"]["text"] == "Según Slack"
    assert await store.people.chosen_languages([SPANISH]) == {}
    refused = await ask(slack, fake_slack, "list", user=SPANISH)
    assert refused["text"].startswith("Solo los organizadores")
    assert not fake_slack.rejected


async def test_a_closed_letter_is_explained_in_spanish(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Sign on pressed under a closed letter tells a Spanish reader, in Spanish, that
    it closed and whom to ask; an English reader hears it as before."""
    closed = await ask(slack, fake_slack, "close 1", user=ORGANIZER)
    assert "is closed to sign-ons" in str(closed["text"])

    async def pressed(user: str) -> str:
        before = len(fake_slack.responses)
        await slack.press(SIGN_ON_ACTION, "1", user=user, channel="CCOALITION")
        await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
        return str(fake_slack.responses[-1]["text"])

    spanish = await pressed(SPANISH)
    assert "Las firmas para *Protect our communities* se cerraron el <!date^" in spanish
    assert "a las {time}" in spanish and "consulte a su responsable, <@ULEAD>" in spanish
    english = await pressed(MEMBER)
    assert "Sign-ons for *Protect our communities* closed on <!date^" in english
    assert "ask its lead <@ULEAD>" in english


async def test_the_sign_on_forms_problems_are_pointed_out_in_spanish(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A job title too long and an email that isn't one are sent back, beside their
    fields, in Spanish to a Spanish reader."""
    opened = len(fake_slack.calls_to("views.open"))
    await slack.press(SIGN_ON_ACTION, "1", user=SPANISH, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened)
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    answers = {
        SignonField.ORGANIZATION: "Casa de Maryland",
        SignonField.PERSON: "María",
        SignonField.TITLE: "x" * (JOB_TITLE_MAX + 1),
        SignonField.EMAIL: "not-an-email",
    }
    values: dict[str, Any] = {
        SignonField.KIND: {
            SignonField.KIND: {
                "type": "radio_buttons",
                "selected_option": {"value": "organization"},
            }
        },
        SignonField.PUBLIC: {
            SignonField.PUBLIC: {"type": "radio_buttons", "selected_option": {"value": "yes"}}
        },
        **{
            field: {field: {"type": "plain_text_input", "value": value}}
            for field, value in answers.items()
        },
    }
    reply = await slack.submit_view(view, values, user=SPANISH)
    assert reply.json()["errors"] == {
        SignonField.TITLE: f"El cargo puede tener hasta {JOB_TITLE_MAX} caracteres.",
        SignonField.EMAIL: "Eso no parece una dirección de correo electrónico.",
    }


async def test_a_spanish_contact_answers_the_question_and_reads_the_outcome_in_spanish(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Yes, pressed by a contact whose Slack speaks Spanish: the DM then says, in
    Spanish, that the signature is confirmed."""
    roster = b"Organization,Slack ID\nCasa de Maryland,UCASA1\n"
    fake_slack.add_user("UCASA1", name="casa", locale="es-LA")
    now = datetime.now(UTC)
    await store.roster.save(read_roster(roster).members, accounts={}, now=now)
    await signon(slack, fake_slack, "Casa de Maryland", user="USTRANGER")
    (entry,) = await store.signatures.signers(1)
    (member,) = await store.roster.members()
    await store.questions.ask(1, [Ask(entry.id, member.id, "UCASA1")], now=now)
    (question,) = await store.questions.of_letter(1)

    before = len(fake_slack.responses)
    await slack.press(QUESTION_YES_ACTION, str(question.id), user="UCASA1", channel="DUCASA1")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    said = str(fake_slack.responses[-1]["text"])
    assert said == (
        ":white_check_mark: Gracias. La firma de *Casa de Maryland* en "
        "*Protect our communities* está confirmada."
    )
