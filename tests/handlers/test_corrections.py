"""Signers fix their own entry: the form opens on it; a spelling fix updates it, another
organization moves the sign-on; each change is confirmed privately and audited."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.rules.forms import SignonField
from bot.rules.signons import ChangeAction
from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.slack.blocks.signon_replies import CHANGE_ENTRY_ACTION
from bot.storage import Store
from tests.conftest import MEMBER
from tests.fake_slack import FakeSlack
from tests.helpers import as_submitted, coalition, post_letter, signon
from tests.slack_driver import SlackDriver


@pytest.fixture(autouse=True)
async def letter_in_coalition(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack)
    await post_letter(slack, fake_slack)


async def opened_form(fake: FakeSlack, before: int) -> dict[str, Any]:
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    view: dict[str, Any] = fake.calls_to("views.open")[-1].args["view"]
    return view


async def test_the_button_opens_the_form_on_your_entry_and_saves_corrections(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Signed already, Sign on opens the form prefilled with the entry; changed fields
    are saved to the same entry, confirmed in the form, and kept in the audit trail."""
    await signon(slack, fake_slack, "Detention Watch Netwrok")
    before = len(fake_slack.calls_to("views.open"))
    await slack.press(SIGN_ON_ACTION, "1", user=MEMBER, channel="CCOALITION")
    view = await opened_form(fake_slack, before)
    assert view["title"]["text"] == "Your sign-on" and view["submit"]["text"] == "Save changes"
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[SignonField.ORGANIZATION]["element"]["initial_value"] == (
        "Detention Watch Netwrok"
    )
    assert blocks[SignonField.PUBLIC]["element"]["initial_option"]["value"] == "yes"

    answers = as_submitted(
        view,
        **{
            SignonField.PERSON: "Ana Ruiz",
            SignonField.TITLE: "Director",
            SignonField.CITY: "Washington",
            SignonField.STATE: "DC",
            SignonField.PUBLIC: {"value": "no"},
        },
    )
    reply = await slack.submit_view(view, answers, user=MEMBER)
    shown = json.dumps(reply.json()["view"])
    assert "Saved." in shown and "signed by Ana Ruiz, Director" in shown
    assert "counted but not listed" in shown
    (entry,) = await store.signatures.signers(1)
    assert (entry.city, entry.state, entry.public) == ("Washington", "DC", False)
    assert entry.contacts[0].person_name == "Ana Ruiz"
    trail = await store.entries.audit(1)
    assert {(c.action, c.field, c.after) for c in trail} >= {
        (ChangeAction.CORRECTED, "city", "Washington"),
        (ChangeAction.CORRECTED, "public", "no"),
        (ChangeAction.CORRECTED, "person_name", "Ana Ruiz"),
    }
    assert all(c.changed_by == MEMBER for c in trail)


async def test_a_spelling_fix_keeps_the_entry_and_another_name_moves_the_sign_on(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """ "UnidosUS" for "Unidos US" corrects the published name in place; naming another
    organization signs for it through dedupe (joining its entry) and leaves the old one."""
    await signon(slack, fake_slack, "Unidos US")
    await signon(slack, fake_slack, "Make the Road New York", user="UOTHER")
    before = len(fake_slack.calls_to("views.open"))
    await slack.command("/signon", "", user=MEMBER, channel="CCOALITION")
    view = await opened_form(fake_slack, before)
    reply = await slack.submit_view(
        view, as_submitted(view, **{SignonField.ORGANIZATION: "UnidosUS"}), user=MEMBER
    )
    assert "Saved." in json.dumps(reply.json()["view"])
    entries = await store.signatures.signers(1)
    assert [e.name for e in entries] == ["UnidosUS", "Make the Road New York"]
    first_id = entries[0].id

    status = await slack.command("/signon", "status", user=MEMBER, channel="CCOALITION")
    (button,) = [
        e for b in status.json()["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert button["action_id"] == CHANGE_ENTRY_ACTION
    before = len(fake_slack.calls_to("views.open"))
    await slack.press(CHANGE_ENTRY_ACTION, button["value"], user=MEMBER, channel="CCOALITION")
    view = await opened_form(fake_slack, before)
    reply = await slack.submit_view(
        view, as_submitted(view, **{SignonField.ORGANIZATION: "Make the Road NY"}), user=MEMBER
    )
    shown = json.dumps(reply.json()["view"])
    assert "had already signed" in shown and "no longer signed for *UnidosUS*" in shown
    (entry,) = await store.signatures.signers(1)
    assert entry.name == "Make the Road New York"
    assert [c.user_id for c in entry.contacts] == ["UOTHER", MEMBER]
    moved = [c for c in await store.entries.audit(1) if c.action is ChangeAction.MOVED]
    assert [(c.signer_id, c.reason) for c in moved[:1]] == [
        (first_id, "signed for Make the Road New York")
    ]
