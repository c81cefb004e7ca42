"""Signing on end to end: /signon, the form, the button, dedupe, withdraw and status."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bot.rules.forms import SignonField
from bot.rules.signons import SignerKind
from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.slack.blocks.signon_replies import (
    CHANGE_ENTRY_ACTION,
    KEEP_ACTION,
    KEPT_AS_IT_WAS,
    UNDO_ACTION,
)
from bot.storage import Store
from tests.conftest import MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import (
    all_text,
    coalition,
    head_messages,
    latest_view,
    post_letter,
    signon,
    start_letter,
    withdraw,
)
from tests.slack_driver import SlackDriver


@pytest.fixture(autouse=True)
async def letter_in_coalition(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack, "CORGANIZING", "CCOALITION", "CSTATES", "CQUIET")
    await post_letter(slack, fake_slack)


def form_answers(**answers: str) -> dict[str, Any]:
    """view.state.values for the sign-on form."""
    kind = answers.pop("kind", SignerKind.ORGANIZATION.value)
    public = answers.pop("public", "yes")
    values: dict[str, Any] = {
        SignonField.KIND: {
            SignonField.KIND: {"type": "radio_buttons", "selected_option": {"value": kind}}
        },
        SignonField.PUBLIC: {
            SignonField.PUBLIC: {"type": "radio_buttons", "selected_option": {"value": public}}
        },
    }
    if "letter" in answers:
        letter = answers.pop("letter")
        values[SignonField.LETTER] = {
            SignonField.LETTER: {"type": "static_select", "selected_option": {"value": letter}}
        }
    for field, value in answers.items():
        values[field] = {field: {"type": "plain_text_input", "value": value}}
    return values


async def test_signon_with_a_name_signs_at_once_and_says_what_was_recorded(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """/signon Org in the letter's channel records the organization and confirms it privately."""
    answer = await signon(slack, fake_slack, "Make the Road New York")
    assert "You signed *Protect our communities*" in answer
    assert "*Make the Road New York*, an organization" in answer
    assert "*1* signed so far" in answer
    (signer,) = await store.signatures.signers(1)
    assert signer.name == "Make the Road New York" and signer.contacts[0].user_id == MEMBER


async def test_a_spelling_variant_is_kept_as_a_contact_and_counts_once(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The second spelling is told who signed first and when; the count stays one."""
    await signon(slack, fake_slack, "American Civil Liberties Union", user="UFIRST")
    answer = await signon(
        slack, fake_slack, "american civil liberties union (ACLU)", user="USECOND"
    )
    assert "*American Civil Liberties Union* had already signed" in answer
    assert "by <@UFIRST>" in answer and "<!date^" in answer
    assert "another contact" in answer and "*1* signed so far" in answer
    (signer,) = await store.signatures.signers(1)
    assert [c.user_id for c in signer.contacts] == ["UFIRST", "USECOND"]
    assert signer.submitted_as == (
        "American Civil Liberties Union",
        "american civil liberties union (ACLU)",
    )


async def test_encoded_command_text_is_deduped_as_typed(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Slack sends `&` as `&amp;`; the name is recorded and matched as the person typed it."""
    await signon(slack, fake_slack, "Center for Gender &amp; Refugee Studies", user="UFIRST")
    answer = await signon(
        slack, fake_slack, "Center for Gender and Refugee Studies", user="USECOND"
    )
    assert "had already signed" in answer
    (signer,) = await store.signatures.signers(1)
    assert signer.name == "Center for Gender & Refugee Studies"


async def test_signing_twice_for_the_same_organization_changes_nothing(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The same person signing the same organization again is told so."""
    await signon(slack, fake_slack, "United We Dream")
    answer = await signon(slack, fake_slack, "UNITED WE DREAM")
    assert "You had already signed" in answer
    (signer,) = await store.signatures.signers(1)
    assert len(signer.contacts) == 1


async def test_a_possible_duplicate_is_recorded_counted_and_queued(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """ "CHIRLA" after the full name: its own entry until an organizer decides."""
    await signon(slack, fake_slack, "Coalition for Humane Immigrant Rights (CHIRLA)", user="UFIRST")
    answer = await signon(slack, fake_slack, "CHIRLA", user="USECOND")
    assert "may be the same as *Coalition for Humane Immigrant Rights (CHIRLA)*" in answer
    assert "*2* signed so far" in answer
    (pair,) = await store.reviews.pending(1)
    assert {pair.first.name, pair.second.name} == {
        "CHIRLA",
        "Coalition for Humane Immigrant Rights (CHIRLA)",
    }


async def test_different_organizations_with_similar_names_are_all_counted(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Chapters and places sign separately, and nothing is queued for review."""
    for n, name in enumerate(
        [
            "Indivisible",
            "Indivisible Phoenix",
            "Indivisible West Phoenix",
            "Make the Road New York",
            "Make the Road CT",
        ]
    ):
        await signon(slack, fake_slack, name, user=f"U{n}")
    assert len(await store.signatures.signers(1)) == 5
    assert await store.reviews.pending(1) == []


async def test_signon_alone_opens_the_form_and_its_answer_is_confirmed_in_it(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """/signon alone opens the form; submitting it shows exactly what was recorded."""
    await slack.command("/signon", "", user=MEMBER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open")[1:])
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    assert SignonField.LETTER not in json.dumps([b.get("block_id") for b in view["blocks"]])
    reply = await slack.submit_view(
        view,
        form_answers(
            **{
                SignonField.ORGANIZATION: "Detention Watch Network",
                SignonField.PERSON: "Ana Ruiz",
                SignonField.TITLE: "Director",
                SignonField.CITY: "Washington",
                SignonField.STATE: "DC",
                SignonField.EMAIL: "ana@example.org",
            }
        ),
        user=MEMBER,
    )
    answer = reply.json()
    assert answer["response_action"] == "update"
    shown = answer["view"]["blocks"][0]["text"]["text"]
    assert (
        "*Detention Watch Network*, an organization · Washington, DC · signed by Ana Ruiz, Director"
        in shown
    )
    (signer,) = await store.signatures.signers(1)
    assert (signer.city, signer.state, signer.contacts[0].email) == (
        "Washington",
        "DC",
        "ana@example.org",
    )


async def test_an_individual_signs_with_an_affiliation_for_identification_only(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Signing as an individual lists the person; the organization is identification only."""
    await slack.command("/signon", "", user=MEMBER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open")[1:])
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    reply = await slack.submit_view(
        view,
        form_answers(
            kind="individual",
            public="no",
            **{
                SignonField.PERSON: "Dr. Jane Doe",
                SignonField.TITLE: "Professor",
                SignonField.ORGANIZATION: "State University",
            },
        ),
        user=MEMBER,
    )
    shown = reply.json()["view"]["blocks"][0]["text"]["text"]
    assert (
        "*Dr. Jane Doe*, an individual, State University (for identification purposes only)"
        in shown
    )
    assert "counted but not listed" in shown
    (signer,) = await store.signatures.signers(1)
    assert signer.kind is SignerKind.INDIVIDUAL and not signer.public


async def test_an_unlisted_organization_keeps_who_signed_it_and_when_private(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A second contact of an organization that asked not to be listed isn't told who
    signed it or when, nor is a signer whose entry may duplicate it; organizers have
    both contacts."""
    await slack.command("/signon", "", user="UFIRST", channel="CCOALITION")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open")[1:])
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    await slack.submit_view(
        view,
        form_answers(
            public="no",
            **{SignonField.ORGANIZATION: "Sanctuary DMV", SignonField.PERSON: "Ana Ruiz"},
        ),
        user="UFIRST",
    )
    answer = await signon(slack, fake_slack, "sanctuary dmv", user="USECOND")
    # Named as they typed it: not even its listed spelling is theirs to see.
    assert "*sanctuary dmv* had already signed *Protect our communities*" in answer
    assert "counted but not listed" in answer and "another contact" in answer
    assert "UFIRST" not in answer and "Ana" not in answer and "<!date^" not in answer
    assert "“" not in answer  # nor the spelling the first signer used

    near = await signon(slack, fake_slack, "SanctuaryDMV", user="UTHIRD")
    assert "It may be the same as an organization that asked not to be listed" in near
    assert "Sanctuary DMV*" not in near

    status = await signon(slack, fake_slack, "status", user="USECOND")
    assert "Ana Ruiz" not in status and "Sanctuary DMV" not in status
    listed = {signer.name: signer for signer in await store.signatures.signers(1)}
    assert [c.user_id for c in listed["Sanctuary DMV"].contacts] == ["UFIRST", "USECOND"]


async def test_the_form_points_at_missing_answers(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """An organization sign-on without a name, or with a bad email, is sent back."""
    await slack.command("/signon", "", user=MEMBER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open")[1:])
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    reply = await slack.submit_view(
        view,
        form_answers(**{SignonField.PERSON: "Ana", SignonField.EMAIL: "not-an-email"}),
        user=MEMBER,
    )
    assert set(reply.json()["errors"]) == {SignonField.ORGANIZATION, SignonField.EMAIL}


async def test_the_sign_on_button_opens_the_form_for_its_letter(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Pressing Sign on under the post opens the form for that letter."""
    await slack.press(SIGN_ON_ACTION, "1", user=MEMBER, channel="CSTATES")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open")[1:])
    view = latest_view(fake_slack)
    assert json.loads(view["private_metadata"])["letter"] == 1
    await slack.submit_view(
        view,
        form_answers(**{SignonField.ORGANIZATION: "Mijente", SignonField.PERSON: "Ana"}),
        user=MEMBER,
    )
    assert [s.name for s in await store.signatures.signers(1)] == ["Mijente"]


async def test_with_several_open_letters_the_form_asks_which(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """/signon Org in a channel with two open letters opens the form with a letter choice."""
    await start_letter(
        slack,
        fake_slack,
        user=ORGANIZER,
        channel="CORGANIZING",
        title="Second letter",
        body="Text.",
        channels=["CCOALITION"],
    )
    await slack.command("/signon", "Mijente", user=MEMBER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) == 3)
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    (select,) = [b for b in view["blocks"] if b.get("block_id") == SignonField.LETTER]
    assert [o["value"] for o in select["element"]["options"]] == ["1", "2"]
    assert "Mijente" in json.dumps(view)
    reply = await slack.submit_view(view, form_answers(**{SignonField.PERSON: "Ana"}), user=MEMBER)
    assert reply.json()["errors"] == {SignonField.LETTER: "Choose the letter to sign."}
    await slack.submit_view(
        view,
        form_answers(
            letter="2", **{SignonField.ORGANIZATION: "Mijente", SignonField.PERSON: "Ana"}
        ),
        user=MEMBER,
    )
    assert [s.name for s in await store.signatures.signers(2)] == ["Mijente"]
    assert await store.signatures.signers(1) == []
    assert "`#2`" in await signon(slack, fake_slack, "status")


async def test_a_closed_letter_or_an_empty_channel_gets_a_clear_answer(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Signing a closed letter, or where there is no letter, says so and records nothing."""
    assert "no letter to sign in this channel" in await signon(
        slack, fake_slack, "Mijente", channel="CQUIET"
    )
    await slack.command("/letter", "close 1", user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(
        lambda: any("closed to sign-ons" in r["text"] for r in fake_slack.responses)
    )
    assert "closed on <!date^" in await signon(slack, fake_slack, "Mijente")
    await slack.press(SIGN_ON_ACTION, "1", user=MEMBER, channel="CSTATES")
    await fake_slack.wait_for(
        lambda: any("closed on <!date^" in r["text"] for r in fake_slack.responses)
    )
    assert await store.signatures.signers(1) == []


async def test_withdraw_takes_a_sign_on_out_of_the_count_and_keeps_it(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A withdrawn sign-on leaves counts and exports but is kept; status shows the change."""
    await signon(slack, fake_slack, "Mijente")
    await signon(slack, fake_slack, "United We Dream", user="UOTHER")
    assert "*Mijente*, an organization" in await signon(slack, fake_slack, "status")
    answer = await withdraw(slack, fake_slack)
    assert "*Mijente* is withdrawn" in answer and "*1* signed so far" in answer
    assert [s.name for s in await store.signatures.signers(1)] == ["United We Dream"]
    assert "You haven't signed" in await signon(slack, fake_slack, "status")
    assert "nothing to withdraw" in await withdraw(slack, fake_slack)
    async with store.engine.connect() as conn:
        rows = (await conn.exec_driver_sql("SELECT name, status FROM signers ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [("Mijente", "withdrawn"), ("United We Dream", "active")]


async def test_an_organization_stays_signed_while_another_contact_remains(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """One contact withdrawing leaves the organization signed by the others."""
    await signon(slack, fake_slack, "Mijente", user="UFIRST")
    await signon(slack, fake_slack, "MIJENTE", user="USECOND")
    await withdraw(slack, fake_slack, user="UFIRST")
    (signer,) = await store.signatures.signers(1)
    assert [c.user_id for c in signer.contacts] == ["USECOND"]


async def test_fifty_people_signing_one_organization_at_once_make_one_signer(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Concurrent sign-ons of one organization: one entry, fifty contacts."""
    replies = await asyncio.gather(
        *(
            slack.command(
                "/signon", "Make the Road New York", user=f"U{n:03d}", channel="CCOALITION"
            )
            for n in range(50)
        )
    )
    assert {reply.status for reply in replies} == {200}
    assert sum("You signed" in reply.body for reply in replies) == 1
    assert sum("had already signed" in reply.body for reply in replies) == 49
    (signer,) = await store.signatures.signers(1)
    assert len(signer.contacts) == 50


async def test_a_burst_of_sign_ons_costs_a_handful_of_count_updates(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """100 sign-ons update each posted copy a few times, ending on the right count."""
    updates_before = len(fake_slack.calls_to("chat.update"))
    await asyncio.gather(
        *(
            slack.command(
                "/signon", f"Organization number {n}", user=f"U{n:03d}", channel="CCOALITION"
            )
            for n in range(100)
        )
    )

    def shows_final_count() -> bool:
        return all(
            "*100* signed" in all_text(head_messages(fake_slack, c)[0])
            for c in ("CCOALITION", "CSTATES")
        )

    await fake_slack.wait_for(shows_final_count, within=20)
    updates = len(fake_slack.calls_to("chat.update")) - updates_before
    assert 2 <= updates <= 10, updates


async def test_a_closed_letter_keeps_its_final_list(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Once closed, a sign-on can't be withdrawn from /signon; the list stays as sent."""
    await signon(slack, fake_slack, "Mijente")
    await slack.command("/letter", "close 1", user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(
        lambda: any("closed to sign-ons" in r["text"] for r in fake_slack.responses)
    )
    assert "can't be withdrawn" in await signon(slack, fake_slack, "withdraw #1")
    assert [s.name for s in await store.signatures.signers(1)] == ["Mijente"]


async def test_the_organization_is_required_of_an_organization_and_not_of_an_individual(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """The form opens signing as an organization, its name required; choosing "An
    individual" shows it again with the organization for identification only, and back."""
    await slack.command("/signon", "", user=MEMBER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open")[1:])
    view = fake_slack.calls_to("views.open")[-1].args["view"]

    def organization(shown: dict[str, Any]) -> dict[str, Any]:
        (block,) = [b for b in shown["blocks"] if b.get("block_id") == SignonField.ORGANIZATION]
        found: dict[str, Any] = block
        return found

    assert organization(view)["optional"] is False
    assert "hint" not in organization(view)  # no length hints: the field stops at the limit
    (kind,) = [b for b in view["blocks"] if b.get("block_id") == SignonField.KIND]
    (individual,) = [o for o in kind["element"]["options"] if o["value"] == "individual"]
    updates = len(fake_slack.calls_to("views.update"))
    await slack.choose_in_view(view, SignonField.KIND, individual, user=MEMBER)
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.update")) > updates)
    shown = fake_slack.calls_to("views.update")[-1].args["view"]
    assert organization(shown)["optional"] is True
    assert organization(shown)["label"]["text"] == "Your organization"
    assert [b.get("block_id") for b in shown["blocks"]] == [
        b.get("block_id") for b in view["blocks"]
    ]
    (back,) = [o for o in kind["element"]["options"] if o["value"] == "organization"]
    await slack.choose_in_view(shown, SignonField.KIND, back, user=MEMBER)
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.update")) > updates + 1)
    assert organization(fake_slack.calls_to("views.update")[-1].args["view"])["optional"] is False
    assert not fake_slack.rejected


async def test_signon_withdraw_asks_first_and_keep_it_changes_nothing(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    await signon(slack, fake_slack, "Mijente")
    reply = await slack.command("/signon", "withdraw", user=MEMBER, channel="CCOALITION")
    question = reply.json()
    assert "Withdraw your sign-on to *Protect our communities* for *Mijente*?" in str(
        question["blocks"]
    )
    assert [s.name for s in await store.signatures.signers(1)] == ["Mijente"]
    before = len(fake_slack.responses)
    await slack.press(KEEP_ACTION, "keep", user=MEMBER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    assert fake_slack.responses[-1] == {"text": KEPT_AS_IT_WAS, "replace_original": True}
    assert [s.name for s in await store.signatures.signers(1)] == ["Mijente"]
    assert "*Mijente* is withdrawn" in await withdraw(slack, fake_slack)
    assert await store.signatures.signers(1) == []


async def test_a_quick_signon_can_be_changed_or_undone_from_its_answer(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    await signon(slack, fake_slack, "United We Dream")
    reply = await slack.command("/signon", "Mijente", user=MEMBER, channel="CCOALITION")
    buttons = {
        element["action_id"]: element
        for block in reply.json()["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }
    assert [b["text"]["text"] for b in buttons.values()] == ["Change", "Undo"]
    opened = len(fake_slack.calls_to("views.open"))
    await slack.press(
        CHANGE_ENTRY_ACTION,
        buttons[CHANGE_ENTRY_ACTION]["value"],
        user=MEMBER,
        channel="CCOALITION",
    )
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened)
    before = len(fake_slack.responses)
    await slack.press(UNDO_ACTION, buttons[UNDO_ACTION]["value"], user=MEMBER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    assert "*Mijente* is withdrawn" in fake_slack.responses[-1]["text"]
    # Just that sign-on: the one made before it stands.
    assert [s.name for s in await store.signatures.signers(1)] == ["United We Dream"]
