"""Signing on in Spanish: a member whose Slack speaks Spanish gets the sign-on form, its
confirmation, /signon's answers and the full letter in Spanish (the letter's Spanish
text when it has one), may choose their language with /signon idioma, and the channel's
post stays English for everyone."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.rules.forms import Field, SignonField
from bot.rules.language import Language
from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.slack.blocks.reading import READ_LETTER_ACTION
from bot.storage import Store
from tests.conftest import MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, as_submitted, coalition, head_messages, post_letter, signon
from tests.slack_driver import SlackDriver

SPANISH = (
    "Proteger a nuestras comunidades",
    "Honorable Alejandro Mayorkas",
    "Estimado Secretario:\n\nActúe ya.",
)
ESTELA = "UESTELA"  # her Slack speaks Spanish (es-MX)
MODAL_TITLE_MAX = 24


@pytest.fixture(autouse=True)
def members(fake_slack: FakeSlack) -> None:
    coalition(fake_slack, "CORGANIZING", "CCOALITION", "CSTATES")
    fake_slack.add_user(ESTELA, name="estela", real_name="Estela Ruiz", locale="es-MX")
    fake_slack.add_user(MEMBER, name="member", real_name="Sam Lee", locale="en-US")
    for user in (ESTELA, MEMBER):
        fake_slack.join(user, "CCOALITION")


def answers(organization: str, person: str) -> dict[str, Any]:
    """The sign-on form's view.state.values: an organization, listed, and who signs."""
    radio = "radio_buttons"
    return {
        SignonField.KIND: {
            SignonField.KIND: {"type": radio, "selected_option": {"value": "organization"}}
        },
        SignonField.PUBLIC: {
            SignonField.PUBLIC: {"type": radio, "selected_option": {"value": "yes"}}
        },
        SignonField.ORGANIZATION: {
            SignonField.ORGANIZATION: {"type": "plain_text_input", "value": organization}
        },
        SignonField.PERSON: {SignonField.PERSON: {"type": "plain_text_input", "value": person}},
    }


async def opened_by(
    slack: SlackDriver, fake: FakeSlack, action: str, value: str, *, user: str
) -> dict[str, Any]:
    """The modal a button under the letter's post opens for `user`."""
    before = len(fake.calls_to("views.open"))
    await slack.press(action, value, user=user, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    view: dict[str, Any] = fake.calls_to("views.open")[-1].args["view"]
    return view


async def sign_with_the_form(
    slack: SlackDriver, fake: FakeSlack, *, user: str, organization: str, person: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sign on under the post, and submit the form: (the form, the view that replaced it)."""
    form = await opened_by(slack, fake, SIGN_ON_ACTION, "1", user=user)
    reply = await slack.submit_view(form, answers(organization, person), user=user)
    answer = reply.json()
    assert answer["response_action"] == "update", answer
    confirmation: dict[str, Any] = answer["view"]
    return form, confirmation


def buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in view["blocks"]
        for element in (
            block.get("elements", []) if block["type"] == "actions" else [block.get("accessory")]
        )
        if element and element.get("type") == "button"
    ]


async def edit_body(slack: SlackDriver, fake: FakeSlack, body: str) -> None:
    """An organizer changes the letter's English text (its version 2)."""
    before = len(fake.calls_to("views.open"))
    await slack.command("/letter", "edit", user=ORGANIZER, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    view = fake.calls_to("views.open")[-1].args["view"]
    reply = await slack.submit_view(view, as_submitted(view, **{Field.BODY: body}), user=ORGANIZER)
    assert reply.json()["response_action"] == "update"


async def test_a_spanish_reader_signs_in_spanish_and_reads_the_spanish_text(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """An es-MX member's form and confirmation are in Spanish, with the letter's Spanish
    title and opening; the sign-on is kept as read in Spanish."""
    await post_letter(slack, fake_slack, spanish=SPANISH)
    form, confirmation = await sign_with_the_form(
        slack, fake_slack, user=ESTELA, organization="Red de Vigilancia", person="Estela Ruiz"
    )
    assert form["title"]["text"] == "Firmar" and form["submit"]["text"] == "Firmar"
    for text in (form["title"], form["submit"], form["close"]):
        assert len(text["text"]) <= MODAL_TITLE_MAX
    shown = json.dumps(form, ensure_ascii=False)
    assert "*Proteger a nuestras comunidades*" in shown
    assert "Para: Honorable Alejandro Mayorkas\\nEstimado Secretario:" in shown
    assert "Leer la carta completa" in shown and "Su nombre" in shown
    assert "Protect our communities" not in shown and "Your name" not in shown

    assert confirmation["title"]["text"] == "Firmar" and confirmation["close"]["text"] == "Listo"
    said = confirmation["blocks"][0]["text"]["text"]
    assert said.startswith("Firmó *Proteger a nuestras comunidades*. Esto es lo que registré:")
    assert "*Red de Vigilancia*, una organización · firmada por Estela Ruiz" in said
    assert "en la lista pública" in said and "Hasta ahora firmó *1*." in said
    (signer,) = await store.signatures.signers(1)
    assert signer.read_in is Language.SPANISH
    assert signer.contacts[0].read_in is Language.SPANISH


async def test_an_english_reader_signs_in_english_and_reads_the_english_text(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """An en-US member of the same letter gets the English form, text and confirmation."""
    await post_letter(slack, fake_slack, spanish=SPANISH)
    form, confirmation = await sign_with_the_form(
        slack, fake_slack, user=MEMBER, organization="Detention Watch", person="Sam Lee"
    )
    assert form["title"]["text"] == "Sign on"
    shown = json.dumps(form)
    assert "*Protect our communities*" in shown and "To: The Honorable Alejandro Mayorkas" in shown
    assert "Proteger" not in shown
    said = confirmation["blocks"][0]["text"]["text"]
    assert said.startswith("You signed *Protect our communities*. This is what I recorded:")
    assert "*1* signed so far." in said
    (signer,) = await store.signatures.signers(1)
    assert signer.read_in is Language.ENGLISH


async def test_a_spanish_letter_without_spanish_text_is_read_in_english_around_spanish_words(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """With no Spanish text, an es-MX member's form is in Spanish around the letter's
    English words, and the sign-on is kept as read in English."""
    await post_letter(slack, fake_slack)
    form, confirmation = await sign_with_the_form(
        slack, fake_slack, user=ESTELA, organization="Red de Vigilancia", person="Estela Ruiz"
    )
    shown = json.dumps(form, ensure_ascii=False)
    assert "*Protect our communities*" in shown and "To: The Honorable" in shown
    assert "Su organización" in shown or "Organización" in shown
    assert "Firmó *Protect our communities*." in confirmation["blocks"][0]["text"]["text"]
    (signer,) = await store.signatures.signers(1)
    assert signer.read_in is Language.ENGLISH


async def test_signon_status_and_help_answer_a_spanish_reader_in_spanish(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """/signon estado and /signon ayuda answer in Spanish and name the Spanish words;
    /signon help in English names /signon language."""
    await post_letter(slack, fake_slack, spanish=SPANISH)
    await sign_with_the_form(
        slack, fake_slack, user=ESTELA, organization="Red de Vigilancia", person="Estela Ruiz"
    )
    status = await signon(slack, fake_slack, "estado", user=ESTELA)
    assert status.startswith("Para *Proteger a nuestras comunidades* tengo:")
    assert "`/signon retirar` retira la suya." in status
    assert status == await signon(slack, fake_slack, "status", user=ESTELA)
    spanish_help = await signon(slack, fake_slack, "ayuda", user=ESTELA)
    assert spanish_help.startswith("*Cómo firmar una carta con Undersigned*")
    for word in ("estado", "retirar", "idioma"):
        assert f"`/signon {word}`" in spanish_help

    english_help = await signon(slack, fake_slack, "help", user=MEMBER)
    assert english_help.startswith("*Signing a letter with Undersigned*")
    assert "`/signon language`" in english_help
    unsigned = await signon(slack, fake_slack, "status", user=MEMBER)
    assert unsigned == "You haven't signed *Protect our communities*. *1* signed so far."


async def test_signon_idioma_chooses_english_and_auto_gives_slacks_language_back(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """/signon idioma english answers an es-MX member in English from then on; /signon
    language auto answers her in Spanish again; a Spanish organization's name that
    starts with a subcommand's word still signs."""
    await post_letter(slack, fake_slack, spanish=SPANISH)
    chose = await signon(slack, fake_slack, "idioma english", user=ESTELA)
    assert chose == "From now on I answer you in English."
    form = await opened_by(slack, fake_slack, SIGN_ON_ACTION, "1", user=ESTELA)
    assert form["title"]["text"] == "Sign on" and "Protect our communities" in json.dumps(form)
    assert (await signon(slack, fake_slack, "help", user=ESTELA)).startswith("*Signing a letter")

    back = await signon(slack, fake_slack, "language auto", user=ESTELA)
    assert back == (
        "Desde ahora le respondo en el idioma configurado en su Slack; por ahora, en español."
    )
    form = await opened_by(slack, fake_slack, SIGN_ON_ACTION, "1", user=ESTELA)
    assert form["title"]["text"] == "Firmar"

    signed = await signon(slack, fake_slack, "Ayuda en Acción", user=ESTELA)
    assert signed.startswith("Firmó *Proteger a nuestras comunidades*.")
    signed = await signon(slack, fake_slack, "Language Justice Project", user=MEMBER)
    assert signed.startswith("You signed *Protect our communities*.")
    names = {s.name for s in await store.signatures.signers(1)}
    assert names == {"Ayuda en Acción", "Language Justice Project"}


async def test_signon_idioma_alone_offers_each_language_and_a_button_chooses(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """/signon idioma says which language I answer in, with English, Español and Según
    Slack; pressing English answers in English, in place of the question."""
    await post_letter(slack, fake_slack)
    reply = await slack.command("/signon", "idioma", user=ESTELA, channel="CCOALITION")
    question = reply.json()
    assert question["text"].startswith("Le respondo en español.")
    offered = {b["text"]["text"]: b for b in buttons(question)}
    assert list(offered) == ["English", "Español", "Según Slack"]

    before = len(fake_slack.responses)
    english = offered["English"]
    await slack.press(english["action_id"], english["value"], user=ESTELA, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    assert fake_slack.responses[-1]["replace_original"] is True
    assert fake_slack.responses[-1]["text"] == "From now on I answer you in English."
    form = await opened_by(slack, fake_slack, SIGN_ON_ACTION, "1", user=ESTELA)
    assert form["title"]["text"] == "Sign on"

    before = len(fake_slack.responses)
    as_in_slack = offered["Según Slack"]
    await slack.press(
        as_in_slack["action_id"], as_in_slack["value"], user=ESTELA, channel="CCOALITION"
    )
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    assert fake_slack.responses[-1]["text"].startswith("Desde ahora le respondo")


async def test_the_channel_post_stays_english_when_a_spanish_reader_signs(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """The post's count line moves to 1 in English after an es-MX member signs, and
    offers the Spanish text with a "Leer en español" button."""
    await post_letter(slack, fake_slack, spanish=SPANISH)
    await sign_with_the_form(
        slack, fake_slack, user=ESTELA, organization="Red de Vigilancia", person="Estela Ruiz"
    )

    def counted() -> bool:
        return "*1* signed so far" in all_text(head_messages(fake_slack, "CCOALITION")[0])

    await fake_slack.wait_for(counted)
    (head,) = head_messages(fake_slack, "CCOALITION")
    text = all_text(head)
    assert "Sign-on letter: Protect our communities" in text and "*Sign by* " in text
    assert "To: The Honorable Alejandro Mayorkas" in text
    for spanish in ("firm", "Para:", "hasta ahora", "Proteger"):
        assert spanish not in text
    (read_spanish,) = [
        b for b in buttons({"blocks": head.blocks}) if b["text"]["text"] != "Sign on"
    ]
    assert read_spanish["text"]["text"] == "Leer en español"
    assert (read_spanish["action_id"], read_spanish["value"]) == (READ_LETTER_ACTION, "1:es")


async def test_a_post_without_spanish_text_has_no_spanish_button(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A letter in English alone offers only Sign on under its post."""
    await post_letter(slack, fake_slack)
    (head,) = head_messages(fake_slack, "CCOALITION")
    assert [b["text"]["text"] for b in buttons({"blocks": head.blocks})] == ["Sign on"]


async def test_the_full_letter_is_read_in_spanish_with_a_button_to_the_english(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """An es-MX member's Read the full letter shows the Spanish text with "Read it in
    English", which puts the English text in its place, with "Leer en español" back."""
    await post_letter(slack, fake_slack, spanish=SPANISH)
    full = await opened_by(slack, fake_slack, READ_LETTER_ACTION, "1", user=ESTELA)
    assert full["title"]["text"] == "La carta" and full["close"]["text"] == "Cerrar"
    assert full["blocks"][0]["text"]["text"] == "Proteger a nuestras comunidades"
    shown = json.dumps(full, ensure_ascii=False)
    assert "Para: Honorable Alejandro Mayorkas" in shown and "Actúe ya." in shown
    assert "Dear Secretary" not in shown and "versión anterior" not in shown
    (to_english,) = buttons(full)
    assert to_english["text"]["text"] == "Read it in English" and to_english["value"] == "1:en"

    updated = len(fake_slack.calls_to("views.update"))
    await slack.press_in_view(full, READ_LETTER_ACTION, to_english["value"], user=ESTELA)
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.update")) > updated)
    english = fake_slack.calls_to("views.update")[-1].args["view"]
    assert english["title"]["text"] == "La carta"
    assert english["blocks"][0]["text"]["text"] == "Protect our communities"
    assert "To: The Honorable Alejandro Mayorkas" in json.dumps(english)
    assert "Act." in json.dumps(english)
    (to_spanish,) = buttons(english)
    assert to_spanish["text"]["text"] == "Leer en español" and to_spanish["value"] == "1:es"


async def test_the_posts_spanish_button_opens_the_spanish_text_for_anyone(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """An en-US member pressing "Leer en español" under the post reads the Spanish text,
    around English words, with "Read it in English"."""
    await post_letter(slack, fake_slack, spanish=SPANISH)
    full = await opened_by(slack, fake_slack, READ_LETTER_ACTION, "1:es", user=MEMBER)
    assert full["title"]["text"] == "The letter"
    assert full["blocks"][0]["text"]["text"] == "Proteger a nuestras comunidades"
    assert [b["text"]["text"] for b in buttons(full)] == ["Read it in English"]


async def test_a_spanish_text_of_an_earlier_version_says_so(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Once the English text changes, the Spanish reader's full letter says in one line
    that its Spanish text is of an earlier version and the current one is in English."""
    await post_letter(slack, fake_slack, spanish=SPANISH)
    await edit_body(slack, fake_slack, "Dear Secretary,\n\nAct now.")
    full = await opened_by(slack, fake_slack, READ_LETTER_ACTION, "1", user=ESTELA)
    notes = [b for b in full["blocks"] if b["type"] == "context"]
    assert [n["elements"][0]["text"] for n in notes] == [
        "Esta traducción es de una versión anterior de la carta; la versión vigente está en inglés."
    ]
    english = await opened_by(slack, fake_slack, READ_LETTER_ACTION, "1", user=MEMBER)
    assert [b for b in english["blocks"] if b["type"] == "context"] == []
    assert "Act now." in json.dumps(english)
