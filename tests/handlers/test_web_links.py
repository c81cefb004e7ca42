"""Letters and their public page, as Slack shows them: the letter form's checkbox (or
the settings that would give letters a page), the link under the posted letter, in
`/letter list`, on the Home and in the JSON export; and web signers, who have no Slack
account, never named to Slack or mentioned in it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.app import Services, build_app, build_services
from bot.rules.forms import Field
from bot.rules.letters import Letter
from bot.rules.signons import SignerKind, Submission
from bot.scheduler import Scheduler
from bot.server import build_web_app
from bot.settings import Settings
from bot.slack.blocks.letter_form import WEB_SIGNONS_OFF
from bot.slack.blocks.letters import WEB_LINK_BLOCK
from bot.storage import Store
from tests.conftest import LEAD, MEMBER, ORGANIZER
from tests.fake_slack import Call, FakeSlack
from tests.handlers.test_roster_and_home import home_of, texts
from tests.helpers import (
    all_text,
    as_edit,
    as_submitted,
    ask,
    coalition,
    export_with_form,
    form_values,
    head_messages,
    signon,
    told,
)
from tests.slack_driver import SlackDriver

PUBLIC_URL = "https://sign.coalition.example"
# A web signer's account, as the public page makes it: never a Slack user ID.
WEB_SIGNER = "web:5e1f0c2a9b7d"


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The bot with PUBLIC_URL and SMTP_URL set, so letters may have a public page;
    parametrized False, without them."""
    if not getattr(request, "param", True):
        return settings
    return settings.model_copy(
        update={"public_url": PUBLIC_URL, "smtp_url": SecretStr("smtp://relay.example:587")}
    )


web_off = pytest.mark.parametrize("settings", [False], indirect=True)


@pytest.fixture
async def services(
    settings: Settings, store: Store, scheduler: Scheduler
) -> AsyncIterator[Services]:
    services = build_services(settings, store, schedule_changed=scheduler.poke)
    yield services
    await services.settle()


@pytest.fixture
async def server(services: Services) -> AsyncIterator[TestServer]:
    server = TestServer(build_web_app(build_app(services), services), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)
    fake_slack.join(MEMBER, "CCOALITION")


async def open_letter_form(slack: SlackDriver, fake: FakeSlack) -> dict[str, Any]:
    opened = len(fake.calls_to("views.open"))
    await slack.command("/letter", "new", user=ORGANIZER, channel="CORGANIZING")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > opened)
    view: dict[str, Any] = fake.calls_to("views.open")[-1].args["view"]
    return view


async def post_with_form(
    slack: SlackDriver, fake: FakeSlack, **web: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Letter #1 through the form as it opened, in #coalition, led by LEAD; `web`
    changes the web sign-ons checkbox (`web_signons=[]` unticks it). The form, and the
    answers sent."""
    form = await open_letter_form(slack, fake)
    answers = form_values(
        title="Protect our communities",
        body="Dear Secretary,\n\nAct.",
        channels=["CCOALITION"],
        leads=[LEAD],
    )
    shown = as_submitted(form, **web)
    if Field.WEB_SIGNONS in shown:
        answers[Field.WEB_SIGNONS] = shown[Field.WEB_SIGNONS]
    told_before = len(fake.ephemeral_to(ORGANIZER))
    reply = await slack.submit_view(form, answers, user=ORGANIZER)
    assert reply.status == 200, reply.body
    await told(fake, ORGANIZER, since=told_before)
    return form, answers


async def letter_one(store: Store) -> Letter:
    letter = await store.letters.get(1)
    assert letter is not None
    return letter


def checkbox(form: dict[str, Any]) -> dict[str, Any] | None:
    return next((b for b in form["blocks"] if b.get("block_id") == Field.WEB_SIGNONS), None)


def web_link(fake: FakeSlack, channel: str = "CCOALITION") -> str | None:
    """The link under the letter's post in `channel`, as mrkdwn, if there is one."""
    (head,) = head_messages(fake, channel)
    found = [b for b in head.blocks if b.get("block_id") == WEB_LINK_BLOCK]
    return found[0]["elements"][0]["text"] if found else None


def naming(fake: FakeSlack, account: str) -> list[Call]:
    """The calls to Slack that carry `account` anywhere: as a user, a channel, a
    mention, in any text."""
    return [call for call in fake.calls if account in json.dumps(call.args)]


async def test_a_new_letter_gets_a_public_page_unless_its_organizer_unticks_it(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The form asks, ticked; the letter posted with it ticked links to its page under
    the Sign on button, with the address as its own label."""
    form, _ = await post_with_form(slack, fake_slack)
    box = checkbox(form)
    assert box is not None and box["element"]["type"] == "checkboxes"
    assert box["element"]["initial_options"] == box["element"]["options"]
    assert "Open a public sign-on page for people outside Slack" in json.dumps(box)
    assert WEB_SIGNONS_OFF not in json.dumps(form)
    letter = await letter_one(store)
    url = f"{PUBLIC_URL}/l/{letter.public_token}"
    assert letter.web_signons and letter.public_token
    assert web_link(fake_slack) == f"Not in Slack? Sign on the web: <{url}>"
    (head,) = head_messages(fake_slack, "CCOALITION")
    kinds = [block.get("block_id") or block["type"] for block in head.blocks]
    assert kinds.index(WEB_LINK_BLOCK) == kinds.index("actions") + 1
    assert not fake_slack.rejected


async def test_an_unticked_box_gives_the_letter_no_page_anywhere(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store, services: Services
) -> None:
    """Unticked: no link under the post, in `/letter list` or in the export, whose
    `public_url` is null."""
    await post_with_form(slack, fake_slack, web_signons=[])
    letter = await letter_one(store)
    assert not letter.web_signons
    assert web_link(fake_slack) is None
    listing = await ask(slack, fake_slack, "list", channel="CORGANIZING")
    assert "sign.coalition.example" not in json.dumps(listing)
    export = await services.exports.export(services.workspaces.find(), 1, user=ORGANIZER)
    assert export.extras.public_url is None


async def test_the_edit_form_shows_the_page_as_it_is_and_taking_it_off_updates_the_post(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """`/letter edit` shows the box ticked for a letter with a page; unticked and saved,
    the post loses its link; opened again, the box shows it off."""
    await post_with_form(slack, fake_slack)
    opened = len(fake_slack.calls_to("views.open"))
    await slack.command("/letter", "edit 1", user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened)
    form = fake_slack.calls_to("views.open")[-1].args["view"]
    box = checkbox(form)
    assert box is not None and box["element"]["initial_options"] == box["element"]["options"]

    updated = len(fake_slack.calls_to("chat.update"))
    reply = await slack.submit_view(form, as_submitted(form, web_signons=[]), user=ORGANIZER)
    assert reply.status == 200 and reply.json()["response_action"] == "update"
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("chat.update")) > updated)
    assert not (await letter_one(store)).web_signons
    assert web_link(fake_slack) is None

    await slack.command("/letter", "edit 1", user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened + 1)
    box = checkbox(fake_slack.calls_to("views.open")[-1].args["view"])
    assert box is not None and "initial_options" not in box["element"]
    assert not fake_slack.rejected


async def test_a_new_text_from_a_message_leaves_the_page_as_its_organizer_set_it(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A letter kept off the web, given a new text with "Update a letter's text", stays
    off it."""
    await post_with_form(slack, fake_slack, web_signons=[])
    updated = len(fake_slack.calls_to("views.update"))
    await slack.message_shortcut(
        "update_letter_text",
        {"text": "Dear Secretary,\n\nAct today."},
        user=LEAD,
        channel="CCOALITION",
    )
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.update")) > updated)
    view = fake_slack.calls_to("views.update")[-1].args["view"]
    reply = await slack.submit_view(view, as_submitted(view), user=LEAD)
    assert reply.json()["response_action"] == "update"
    letter = await letter_one(store)
    assert letter.version == 2 and not letter.web_signons
    assert web_link(fake_slack) is None


@web_off
async def test_without_public_url_and_smtp_url_the_form_says_which_settings_open_the_web(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store, services: Services
) -> None:
    """No checkbox but a line naming PUBLIC_URL and SMTP_URL; no link under the post, in
    the list or on the Home; the export's `public_url` is null. The letter keeps its
    page on, to open once the settings are there; an edit leaves an organizer's choice
    as it was."""
    form, answers = await post_with_form(slack, fake_slack)
    assert checkbox(form) is None and Field.WEB_SIGNONS not in answers
    notes = [b["elements"][0]["text"] for b in form["blocks"] if b["type"] == "context"]
    assert any("`PUBLIC_URL`" in note and "`SMTP_URL`" in note for note in notes)
    assert WEB_SIGNONS_OFF in notes
    letter = await letter_one(store)
    assert letter.web_signons
    assert web_link(fake_slack) is None
    listing = await ask(slack, fake_slack, "list", channel="CORGANIZING")
    assert "/l/" not in json.dumps(listing)
    assert "/l/" not in json.dumps(await home_of(slack, fake_slack, ORGANIZER))
    export = await services.exports.export(services.workspaces.find(), 1, user=ORGANIZER)
    assert export.extras.public_url is None

    await store.letters.edit(
        1, as_edit(letter, web_signons=False), user=ORGANIZER, now=datetime.now(UTC)
    )
    opened = len(fake_slack.calls_to("views.open"))
    await slack.command("/letter", "edit 1", user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened)
    form = fake_slack.calls_to("views.open")[-1].args["view"]
    assert checkbox(form) is None
    reply = await slack.submit_view(form, as_submitted(form, goal="50"), user=ORGANIZER)
    assert reply.status == 200 and reply.json()["response_action"] == "update"
    edited = await letter_one(store)
    assert edited.goal == 50 and not edited.web_signons


async def test_the_list_the_home_and_the_export_link_to_the_page(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """`/letter list` and the organizer's drive on the Home name the page; a member's
    Home offers it beside Sign on, to pass on; the JSON export has it as `public_url`."""
    await post_with_form(slack, fake_slack)
    letter = await letter_one(store)
    url = f"{PUBLIC_URL}/l/{letter.public_token}"
    listing = await ask(slack, fake_slack, "list", channel="CORGANIZING")
    assert f"Public sign-on page: <{url}>" in json.dumps(listing)
    organizer = texts(await home_of(slack, fake_slack, ORGANIZER))
    assert f"Public sign-on page: <{url}>" in organizer
    member = texts(await home_of(slack, fake_slack, MEMBER))
    assert f"Not in Slack? Sign on the web: <{url}>" in member

    await signon(slack, fake_slack, "CASA")
    await export_with_form(slack, fake_slack, "1")
    (document,) = [f for f in fake_slack.shared_files if f.filename.endswith(".json")]
    assert json.loads(document.content)["letter"]["public_url"] == url
    assert not fake_slack.rejected


async def test_a_web_signer_is_shown_by_name_and_email_and_never_sent_to_slack(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store, services: Services
) -> None:
    """Someone signing on the public page for CASA and three more organizations: a
    Slack member signing CASA after them is told it had signed, mentioning nobody;
    `/letter signers` and the review queue show the web signer's name and email; the
    export gives them no Slack account. No call to Slack carries their account: no
    users.info, no DM, no mention."""
    await post_with_form(slack, fake_slack)
    letter = await letter_one(store)
    workspace = services.workspaces.find()
    for name in ("CASA", "Beta Network", "Gamma Fund", "Delta Union"):
        submission = Submission(
            kind=SignerKind.ORGANIZATION,
            name=name,
            person_name="Maria Lopez",
            email="maria@casa.example",
            user_id=WEB_SIGNER,
            may_contact=True,
        )
        await services.signons.sign(workspace, letter, submission, now=datetime.now(UTC))
    await services.signons.settle()

    answer = await signon(slack, fake_slack, "CASA")
    assert "*CASA* had already signed" in answer and "<@" not in answer

    page = await ask(slack, fake_slack, "signers 1", channel="CORGANIZING")
    assert "Maria Lopez, maria@casa.example (on the web)" in json.dumps(page)
    queue = await ask(slack, fake_slack, "review 1", channel="CORGANIZING")
    assert "*Maria Lopez* (maria@casa.example, on the web) signed for" in json.dumps(queue)
    assert "Delta Union" in json.dumps(queue)
    home = texts(await home_of(slack, fake_slack, ORGANIZER))
    assert "*Maria Lopez* (maria@casa.example, on the web)" in home

    export = await services.exports.export(workspace, 1, user=ORGANIZER)
    casa = next(s for s in export.signers if s.name == "CASA")
    assert [(c.source.value, c.slack_user) for c in casa.contacts] == [
        ("web", None),
        ("slack", MEMBER),
    ]
    await export_with_form(slack, fake_slack, "1")
    (document,) = [f for f in fake_slack.shared_files if f.filename.endswith(".json")]
    (contact, _) = next(
        s["contacts"] for s in json.loads(document.content)["signers"] if s["name"] == "CASA"
    )
    assert contact["source"] == "web" and contact["slack_user"] is None
    assert contact["name"] == "Maria Lopez" and contact["email"] == "maria@casa.example"

    await services.settle()
    assert naming(fake_slack, WEB_SIGNER) == []
    assert not any("<@web:" in all_text(m) for m in fake_slack.messages)
    assert not fake_slack.rejected
