"""An entry belongs to the people who speak for it: whoever joins an entry someone else
made changes only their own name, title and email, and sees only what they may."""

from __future__ import annotations

from typing import Any

import pytest

from bot.rules.forms import SignonField
from bot.rules.signons import Signer
from bot.slack.blocks.signon_replies import CHANGE_ENTRY_ACTION
from bot.storage import Store
from tests.conftest import LEAD
from tests.fake_slack import FakeSlack
from tests.helpers import as_submitted, coalition, post_letter, signon
from tests.slack_driver import SlackDriver

ORGANIZATION_FIELDS = {SignonField.CITY, SignonField.STATE, SignonField.PUBLIC, SignonField.KIND}


@pytest.fixture(autouse=True)
async def letter_posted(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack, "CORGANIZING", "CCOALITION", "CSTATES")
    await post_letter(slack, fake_slack)


async def open_own_form(slack: SlackDriver, fake: FakeSlack, user: str) -> dict[str, Any]:
    """`/signon status`'s Change my sign-on, pressed: the form on the person's entry."""
    opened = len(fake.calls_to("views.open"))
    await slack.press(CHANGE_ENTRY_ACTION, "1", user=user, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > opened)
    view: dict[str, Any] = fake.calls_to("views.open")[-1].args["view"]
    return view


async def make_unlisted_entry(slack: SlackDriver, fake: FakeSlack) -> None:
    """UMAKER signs Sanctuary DMV with its place, asking not to be listed."""
    await slack.command("/signon", "", user="UMAKER", channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > 1)
    form = fake.calls_to("views.open")[-1].args["view"]
    answers = as_submitted(
        form,
        **{
            SignonField.ORGANIZATION: "Sanctuary DMV",
            SignonField.PERSON: "Ana Ruiz",
            SignonField.CITY: "Washington",
            SignonField.STATE: "DC",
            SignonField.PUBLIC: {"value": "no"},
        },
    )
    reply = await slack.submit_view(form, answers, user="UMAKER")
    assert reply.json()["response_action"] == "update"


async def entry(store: Store) -> Signer:
    (found,) = await store.signatures.signers(1)
    return found


async def test_a_joiner_changes_only_their_own_contact_and_never_the_listing(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Someone who typed the name of an entry another person made sees a form with their
    own name, title and email alone; even a submission carrying place and listing
    changes none of the entry's details (an unlisted organization stays unlisted)."""
    await make_unlisted_entry(slack, fake_slack)
    await signon(slack, fake_slack, "sanctuary dmv", user="UJOINER")
    form = await open_own_form(slack, fake_slack, "UJOINER")
    fields = {block.get("block_id") for block in form["blocks"]}
    assert not fields & ORGANIZATION_FIELDS
    shown = str(form)
    assert "Washington" not in shown and "Sanctuary DMV" not in shown and "Ana Ruiz" not in shown
    assert "sanctuary dmv" in shown  # as they typed it
    # As Slack would send it back, with answers the form never offered added in.
    answers = as_submitted(
        form,
        **{
            SignonField.ORGANIZATION: "SANCTUARY DMV",
            SignonField.PERSON: "Joe Doe",
            SignonField.TITLE: "Intern",
        },
    )
    answers[SignonField.CITY] = {SignonField.CITY: {"type": "plain_text_input", "value": "Evil"}}
    answers[SignonField.PUBLIC] = {
        SignonField.PUBLIC: {"type": "radio_buttons", "selected_option": {"value": "yes"}}
    }
    reply = await slack.submit_view(form, answers, user="UJOINER")
    saved = str(reply.json()["view"])
    assert "Joe Doe, Intern" in saved and "Washington" not in saved and "Evil" not in saved
    kept = await entry(store)
    assert (kept.name, kept.city, kept.state, kept.public) == (
        "Sanctuary DMV",
        "Washington",
        "DC",
        False,
    )
    joiner = kept.contact_of("UJOINER")
    assert joiner is not None and (joiner.person_name, joiner.title) == ("Joe Doe", "Intern")
    status = await signon(slack, fake_slack, "status", user="UJOINER")
    assert "Washington" not in status and "DC" not in status and "Sanctuary DMV" not in status


async def test_the_maker_and_a_lead_keep_the_entrys_details(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The person whose sign-on made the entry, and a lead of the letter who joined it,
    open the whole form on it and may list it."""
    await make_unlisted_entry(slack, fake_slack)
    form = await open_own_form(slack, fake_slack, "UMAKER")
    fields = {block.get("block_id") for block in form["blocks"]}
    assert fields >= ORGANIZATION_FIELDS and "Washington" in str(form)
    await signon(slack, fake_slack, "Sanctuary DMV", user=LEAD)
    form = await open_own_form(slack, fake_slack, LEAD)
    assert {block.get("block_id") for block in form["blocks"]} >= ORGANIZATION_FIELDS
    answers = as_submitted(form, **{SignonField.PUBLIC: {"value": "yes"}})
    await slack.submit_view(form, answers, user=LEAD)
    assert (await entry(store)).public is True


async def test_a_joiner_naming_another_organization_moves_to_it(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """From their own form, a joiner can still sign for another organization instead:
    they leave the entry, which stays with its maker."""
    await make_unlisted_entry(slack, fake_slack)
    await signon(slack, fake_slack, "Sanctuary DMV", user="UJOINER")
    form = await open_own_form(slack, fake_slack, "UJOINER")
    answers = as_submitted(form, **{SignonField.ORGANIZATION: "CASA", SignonField.PERSON: "Joe"})
    reply = await slack.submit_view(form, answers, user="UJOINER")
    assert "You're no longer signed for *Sanctuary DMV*" in str(reply.json()["view"])
    entries = {signer.name: signer for signer in await store.signatures.signers(1)}
    assert set(entries) == {"Sanctuary DMV", "CASA"}
    assert [c.user_id for c in entries["Sanctuary DMV"].contacts] == ["UMAKER"]
    assert entries["CASA"].made_by == "UJOINER"
