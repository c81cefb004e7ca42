"""A letter's Spanish text, written by its organizers: given in the letter form, or from
a message by "Add a translation"; kept beside the English as one letter with one count;
and an organizer who changes one text is asked to bring the other up to date."""

from __future__ import annotations

import json

from bot.rules.forms import Field
from bot.rules.language import Language
from bot.storage import Store
from tests.conftest import LEAD, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import (
    as_submitted,
    coalition,
    form_values,
    latest_view,
    post_letter,
    signon,
)
from tests.slack_driver import SlackDriver

SPANISH = (
    "Proteger a nuestras comunidades",
    "Honorable Alejandro Mayorkas",
    "Estimado Secretario:\n\nActúe ya.",
)


async def edit_with(slack: SlackDriver, fake: FakeSlack, **changes: str) -> str:
    """/letter edit, with `changes` (by block id) made in the form; the report shown."""
    before = len(fake.calls_to("views.open"))
    await slack.command("/letter", "edit", user=ORGANIZER, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    view = fake.calls_to("views.open")[-1].args["view"]
    reply = await slack.submit_view(view, as_submitted(view, **changes), user=ORGANIZER)
    answer = reply.json()
    assert answer["response_action"] == "update", answer
    return json.dumps(answer["view"], ensure_ascii=False)


async def test_a_letter_posted_with_its_spanish_text_keeps_both_as_one_letter(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The form's Spanish title, addressee and text are kept as the letter's Spanish
    text of version 1; the export lists it; the edit form shows it again to change."""
    coalition(fake_slack)
    await post_letter(slack, fake_slack, spanish=SPANISH)
    (letter,) = await store.letters.all()
    translation = letter.translation(Language.SPANISH)
    assert translation is not None and translation.of_version == 1
    assert (translation.text.title, translation.text.addressee) == SPANISH[:2]
    assert "Actúe ya." in translation.text.body
    assert letter.text_in(Language.SPANISH).body == translation.text.body
    assert letter.text_in(Language.ENGLISH).body == letter.body
    before = len(fake_slack.calls_to("views.open"))
    await slack.command("/letter", "edit", user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > before)
    form = fake_slack.calls_to("views.open")[-1].args["view"]
    shown = {
        block["block_id"]: block["element"].get("initial_value")
        for block in form["blocks"]
        if "element" in block
    }
    assert shown[Field.SPANISH_TITLE] == SPANISH[0]
    assert shown[Field.SPANISH_BODY] == SPANISH[2]


async def test_a_spanish_title_without_its_text_is_refused_next_to_the_text(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A Spanish title alone is not a Spanish text: the form says so at the text's field
    and nothing is posted."""
    coalition(fake_slack)
    await slack.command("/letter", "new", user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open"))
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    reply = await slack.submit_view(
        view,
        form_values(
            body="Dear Secretary,\n\nAct.",
            channels=["CCOALITION"],
            spanish=("Proteger", "", ""),
        ),
        user=ORGANIZER,
    )
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {Field.SPANISH_BODY}
    assert await store.letters.all() == []


async def test_editing_the_english_text_asks_for_the_spanish_to_follow(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A new English version leaves the Spanish text translating the earlier one, and
    the organizer is told to update it; updating it then brings it to the new version."""
    coalition(fake_slack)
    await post_letter(slack, fake_slack, spanish=SPANISH)
    report = await edit_with(slack, fake_slack, **{Field.BODY: "Dear Secretary,\n\nAct now."})
    assert "The Spanish text still translates version 1" in report
    (letter,) = await store.letters.all()
    translation = letter.translation(Language.SPANISH)
    assert letter.version == 2 and translation is not None and translation.of_version == 1

    report = await edit_with(
        slack, fake_slack, **{Field.SPANISH_BODY: "Estimado Secretario:\n\nActúe ya, ahora."}
    )
    assert "still translates" not in report
    assert "You changed the Spanish text" in report
    (letter,) = await store.letters.all()
    translation = letter.translation(Language.SPANISH)
    assert letter.version == 2  # a translation changed alone makes no new version
    assert translation is not None and translation.of_version == 2


async def test_emptying_the_spanish_text_takes_it_away(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """An organizer who empties the Spanish fields leaves the letter in English alone."""
    coalition(fake_slack)
    await post_letter(slack, fake_slack, spanish=SPANISH)
    await edit_with(
        slack,
        fake_slack,
        **{Field.SPANISH_TITLE: "", Field.SPANISH_ADDRESSEE: "", Field.SPANISH_BODY: ""},
    )
    (letter,) = await store.letters.all()
    assert letter.translations == ()


async def test_add_a_translation_makes_a_message_the_letters_spanish_text(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """ "Add a translation" on a Spanish message, in the letter's channel, chooses that
    letter; its title left empty keeps the English one; the letter then has both."""
    coalition(fake_slack)
    await post_letter(slack, fake_slack)
    updated = len(fake_slack.calls_to("views.update"))
    await slack.message_shortcut(
        "add_translation",
        {"text": "Estimado Secretario:\n\nActúe ya."},
        user=LEAD,
        channel="CCOALITION",
    )
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.update")) > updated)
    form = latest_view(fake_slack)
    assert form["title"]["text"] == "Add a translation"
    reply = await slack.submit_view(
        form, as_submitted(form, **{Field.SPANISH_ADDRESSEE: "Sr. Secretario"}), user=LEAD
    )
    assert reply.json()["response_action"] == "update"
    (letter,) = await store.letters.all()
    translation = letter.translation(Language.SPANISH)
    assert translation is not None
    assert translation.text.title == letter.title
    assert translation.text.addressee == "Sr. Secretario"
    assert "Actúe ya." in translation.text.body
    assert translation.of_version == letter.version == 1


async def test_a_new_spanish_text_by_message_keeps_the_spanish_title_it_had(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Replacing the Spanish text from a message, its title and addressee left empty,
    keeps the Spanish title and addressee the letter had."""
    coalition(fake_slack)
    await post_letter(slack, fake_slack, spanish=SPANISH)
    updated = len(fake_slack.calls_to("views.update"))
    await slack.message_shortcut(
        "add_translation",
        {"text": "Estimado Secretario:\n\nActúe hoy."},
        user=LEAD,
        channel="CCOALITION",
    )
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.update")) > updated)
    form = latest_view(fake_slack)
    reply = await slack.submit_view(form, as_submitted(form), user=LEAD)
    assert reply.json()["response_action"] == "update"
    (letter,) = await store.letters.all()
    translation = letter.translation(Language.SPANISH)
    assert translation is not None
    assert (translation.text.title, translation.text.addressee) == SPANISH[:2]
    assert "Actúe hoy." in translation.text.body


async def test_a_letter_with_both_texts_counts_each_signer_once(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A Spanish reader and an English reader signing for the same organization make one
    entry, counted once; each contact keeps which text they read, and the entry the
    text of the sign-on that made it."""
    coalition(fake_slack)
    fake_slack.add_user("UESP", name="lucia", locale="es-MX")
    fake_slack.add_user("UENG", name="sam", locale="en-US")
    await post_letter(slack, fake_slack, spanish=SPANISH)
    await signon(slack, fake_slack, "Poder Latinx", user="UESP")
    await signon(slack, fake_slack, "PODER LATINX", user="UENG")
    await signon(slack, fake_slack, "Woori Juntos", user="UENG")
    (letter,) = await store.letters.all()
    assert await store.signatures.count(letter.id) == 2
    signers = {s.name: s for s in await store.signatures.signers(letter.id)}
    poder = signers["Poder Latinx"]
    assert poder.read_in is Language.SPANISH
    assert {c.user_id: c.read_in for c in poder.contacts} == {
        "UESP": Language.SPANISH,
        "UENG": Language.ENGLISH,
    }
    assert signers["Woori Juntos"].read_in is Language.ENGLISH
