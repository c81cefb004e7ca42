"""Coalitions span workspaces: in a Slack Connect channel, people from another workspace
can't use the app's slash commands (Slack doesn't share them), but they can press the
Sign on button, fill in the form and be answered where they can see it."""

from __future__ import annotations

import json

import pytest

from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.storage import Store
from bot.texts.exports import as_json
from tests.conftest import ORGANIZER
from tests.fake_slack import HOST_TEAM, FakeSlack
from tests.handlers.test_signon import form_answers
from tests.helpers import (
    coalition,
    has_sign_on_button,
    head_messages,
    latest_view,
    post_letter,
    signon,
)
from tests.slack_driver import SlackDriver

PARTNER = "UPARTNER"  # someone from another organization's workspace
PARTNER_TEAM = "T2PARTNERS"


@pytest.fixture(autouse=True)
async def shared_channel(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack, "CORGANIZING", "CCOALITION")
    fake_slack.add_external_user(PARTNER, team=PARTNER_TEAM, channels=("CCOALITION",))
    await post_letter(slack, fake_slack, channels=("CCOALITION",))


async def test_someone_from_another_workspace_signs_with_the_button_and_the_form(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The button opens the form for them; what they submit is recorded with their own
    workspace and confirmed in the form itself."""
    (head,) = head_messages(fake_slack, "CCOALITION")
    assert has_sign_on_button(head)
    await slack.press(SIGN_ON_ACTION, "1", user=PARTNER, channel="CCOALITION", team=PARTNER_TEAM)
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open")[1:])
    reply = await slack.submit_view(
        latest_view(fake_slack),
        form_answers(organization="Hope Border Institute", person="Dylan Corbett"),
        user=PARTNER,
        team=PARTNER_TEAM,
    )
    answer = reply.json()
    assert answer["response_action"] == "update"
    assert "You signed" in json.dumps(answer["view"])
    (signer,) = await store.signatures.signers(1)
    (contact,) = signer.contacts
    assert (contact.user_id, contact.team_id) == (PARTNER, PARTNER_TEAM)
    letter = await store.letters.get(1)
    assert letter is not None
    versions = await store.letters.versions(1)
    (exported,) = json.loads(as_json(letter, [signer], versions))["signers"]
    assert exported["contacts"][0]["slack_team"] == PARTNER_TEAM
    await fake_slack.wait_for(lambda: "*1* signed" in str(head.blocks))


async def test_a_host_member_signing_by_command_is_recorded_with_the_host_workspace(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """`/signon` comes only from the workspace the app is installed in, and says so."""
    await slack.command("/signon", "Mijente", user=ORGANIZER, channel="CCOALITION")
    (signer,) = await store.signatures.signers(1)
    assert signer.contacts[0].team_id == HOST_TEAM


async def test_someone_from_another_workspace_pressing_sign_on_too_late_is_told_why(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """The answer to a button goes back through its response_url, which reaches them."""
    await slack.command("/letter", "close 1", user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: fake_slack.responses)
    await slack.press(SIGN_ON_ACTION, "1", user=PARTNER, channel="CCOALITION", team=PARTNER_TEAM)
    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 2)
    answer = fake_slack.responses[-1]
    assert "closed on <!date^" in answer["text"]
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    assert answer.get("replace_original") is False


async def test_signon_help_sends_guests_and_other_workspaces_to_the_button(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Slash commands don't reach the app from another workspace: help says so."""
    answer = await signon(slack, fake_slack, "help")
    assert "Slack Connect" in answer and "guest" in answer and "*Sign on*" in answer
