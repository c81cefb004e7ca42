"""The DM that asks a roster contact whether their organization signed: its buttons
answer once, for the contact asked alone, and the DM says what became of it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.rules.verification import Ask, Question
from bot.slack.blocks.questions import QUESTION_NO_ACTION, QUESTION_YES_ACTION
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, head_messages, post_letter, signon
from tests.slack_driver import SlackDriver

ROSTER = b"Organization,Slack ID\nCasa de Maryland,UCASA1\nCasa de Maryland,UCASA2\n"


async def asked(
    slack: SlackDriver, fake: FakeSlack, store: Store, *contacts: str
) -> list[Question]:
    """A stranger's sign-on for a roster member, and the questions to `contacts` about it."""
    coalition(fake)
    now = datetime.now(UTC)
    await store.roster.save(read_roster(ROSTER).members, accounts={}, now=now)
    await post_letter(slack, fake)
    await signon(slack, fake, "Casa de Maryland", user="USTRANGER")
    (entry,) = await store.signatures.signers(1)
    (member,) = await store.roster.members()
    await store.questions.ask(1, [Ask(entry.id, member.id, c) for c in contacts], now=now)
    return await store.questions.of_letter(1)


async def press(
    slack: SlackDriver, fake: FakeSlack, action: str, question_id: int, *, user: str
) -> dict[str, object]:
    before = len(fake.responses)
    await slack.press(action, str(question_id), user=user, channel=f"D{user}")
    await fake.wait_for(lambda: len(fake.responses) > before)
    return fake.responses[-1]


async def test_the_buttons_answer_for_the_contact_asked_and_the_first_answer_stands(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    first, second = await asked(slack, fake_slack, store, "UCASA1", "UCASA2")

    # Pressed by someone it wasn't sent to (a forwarded DM): told so, nothing kept.
    refused = await press(slack, fake_slack, QUESTION_NO_ACTION, first.id, user="USTRANGER")
    assert "Only the organization's contacts" in str(refused["text"])
    assert await store.signatures.count(1) == 1

    yes = await press(slack, fake_slack, QUESTION_YES_ACTION, first.id, user="UCASA1")
    assert yes["replace_original"] is True
    assert "Thanks. *Casa de Maryland*'s signature on *Protect our communities* is confirmed" in (
        str(yes["text"])
    )
    no = await press(slack, fake_slack, QUESTION_NO_ACTION, second.id, user="UCASA2")
    assert "Another contact for *Casa de Maryland* answered first" in str(no["text"])
    assert "is confirmed" in str(no["text"])
    assert await store.signatures.count(1) == 1
    assert fake_slack.rejected == []


async def test_no_withdraws_at_once_and_the_count_follows(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    (question,) = await asked(slack, fake_slack, store, "UCASA2")

    no = await press(slack, fake_slack, QUESTION_NO_ACTION, question.id, user="UCASA2")
    assert "is withdrawn and no longer counts" in str(no["text"])
    assert await store.signatures.count(1) == 0
    # The count under the letter's posts follows.
    await fake_slack.wait_for(
        lambda: all(
            "*0* signed" in all_text(head_messages(fake_slack, channel)[0])
            for channel in ("CCOALITION", "CSTATES")
        )
    )


async def test_signers_never_see_verification_levels(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Levels are for organizers and leads: a signer's answers, /signon status and
    their Home say nothing of anyone's, their own included."""
    coalition(fake_slack)
    roster = b"Organization,Slack ID,Domains\nCasa de Maryland,UCASA1,casamd.org\nCHIRLA,UCH,\n"
    await store.roster.save(read_roster(roster).members, accounts={}, now=datetime.now(UTC))
    await post_letter(slack, fake_slack)
    said = [
        await signon(slack, fake_slack, "Casa de Maryland", user="UCASA1"),  # contact
        await signon(slack, fake_slack, "CHIRLA", user="USTRANGER"),  # unverified
        await signon(slack, fake_slack, "status", user="USTRANGER"),
        await signon(slack, fake_slack, "status", user="UCASA1"),
    ]

    async def home_of(user: str) -> str:
        before = len(fake_slack.calls_to("views.publish"))
        await slack.open_home(user)
        await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.publish")) > before)
        return str(fake_slack.calls_to("views.publish")[-1].args["view"])

    homes = [await home_of("USTRANGER"), await home_of("UCASA1")]
    assert "Casa de Maryland" in said[0] and "CHIRLA" in said[2], said
    for shown in said + homes:
        assert "verif" not in shown.casefold() and "roster" not in shown.casefold()
