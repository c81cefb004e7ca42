"""A letter posted in a private channel stays private: to anyone it isn't open to, every
way of naming it by number answers as a number that doesn't exist does."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.rules.roster import MemberRow, RosterContact
from bot.slack.blocks.chase import CHASE_OPT_OUT_ACTION, CHASE_SIGN_ON_ACTION
from bot.slack.blocks.home import HOME_SIGN_ON_ACTION, HOME_WITHDRAW_ACTION
from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.slack.blocks.reading import READ_LETTER_ACTION
from bot.slack.blocks.signon_replies import CHANGE_ENTRY_ACTION, WITHDRAW_ACTION
from bot.slack.blocks.versions import KEEP_SIGNATURE_ACTION, WITHDRAW_SIGNATURE_ACTION
from bot.storage import Store
from tests.fake_slack import FakeSlack
from tests.helpers import coalition, post_letter, signon
from tests.slack_driver import SlackDriver

SECRET = "Strategy memo for the Secretary"
OUTSIDER = "UOUTSIDER"


@pytest.fixture(autouse=True)
async def private_letter(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """Letter #1, posted in a private channel only; #2 doesn't exist."""
    coalition(fake_slack, "CORGANIZING", "CPUBLIC")
    fake_slack.add_channel("CPRIVATE", private=True, bot_member=True)
    fake_slack.join("UINSIDER", "CPRIVATE")
    await post_letter(slack, fake_slack, channels=("CPRIVATE",), title=SECRET)
    await signon(slack, fake_slack, "Mijente", user="UINSIDER", channel="CPRIVATE")


async def answers_for(slack: SlackDriver, fake: FakeSlack, number: int) -> list[str]:
    """What the outsider hears naming letter `number` every way a signer can."""
    heard = []
    for text in (f"#{number} Acme Collective", f"status #{number}", f"withdraw #{number}"):
        heard.append(await signon(slack, fake, text, user=OUTSIDER, channel="CPUBLIC"))
    for action, value in (
        (SIGN_ON_ACTION, f"{number}"),
        (CHANGE_ENTRY_ACTION, f"{number}"),
        (KEEP_SIGNATURE_ACTION, f"{number}:1"),
        (WITHDRAW_SIGNATURE_ACTION, f"{number}:1"),
        (WITHDRAW_ACTION, f"{number}"),
        (READ_LETTER_ACTION, f"{number}"),
        (f"{CHASE_SIGN_ON_ACTION}_1", f"{number}:1"),
        (CHASE_OPT_OUT_ACTION, f"{number}"),
    ):
        before = len(fake.responses)
        await slack.press(action, value, user=OUTSIDER, channel=f"D{OUTSIDER}")
        await fake.wait_for(lambda before: len(fake.responses) > before, before)
        heard.append(str(fake.responses[-1]["text"]))
    for action in (HOME_SIGN_ON_ACTION, HOME_WITHDRAW_ACTION):
        published = len(fake.calls_to("views.publish"))
        await slack.press_in_home(action, f"{number}", user=OUTSIDER)
        await fake.wait_for(
            lambda published: len(fake.calls_to("views.publish")) > published, published
        )
        heard.append(str(fake.calls_to("views.publish")[-1].args["view"]["blocks"]))
    return [re.sub(rf"#?\b{number}\b", "N", text) for text in heard]


async def test_an_outsider_hears_of_a_private_letter_what_of_a_missing_one(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Someone not in its channel, not on the roster, who never signed it and doesn't
    manage it, gets the same answers for letter #1 as for #2, which doesn't exist: no
    title, no count, nothing recorded, no form opened."""
    opened = len(fake_slack.calls_to("views.open"))
    private = await answers_for(slack, fake_slack, 1)
    missing = await answers_for(slack, fake_slack, 2)
    assert private == missing
    assert not any(SECRET in text or "Strategy" in text for text in private)
    assert len(fake_slack.calls_to("views.open")) == opened
    assert [s.name for s in await store.signatures.signers(1)] == ["Mijente"]
    assert await store.roster.opted_out(1, OUTSIDER) is False


async def test_the_letter_is_open_to_its_channel_the_roster_and_its_signers(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """From elsewhere: a member of its private channel signs it by number, a signer sees
    their status, a roster contact opens its form from a chase's button."""
    fake_slack.join("UMEMBER2", "CPRIVATE")
    answer = await signon(slack, fake_slack, "#1 CASA", user="UMEMBER2", channel="CPUBLIC")
    assert f"You signed *{SECRET}*" in answer
    status = await signon(slack, fake_slack, "status #1", user="UINSIDER", channel="CPUBLIC")
    assert "*Mijente*" in status
    contact = RosterContact(user_id="UCONTACT")
    row = MemberRow(line=2, name="Make the Road New York", contacts=(contact,))
    await store.roster.save([row], accounts={}, now=datetime.now(UTC))
    (member,) = await store.roster.members()
    opened = len(fake_slack.calls_to("views.open"))
    await slack.press(
        f"{CHASE_SIGN_ON_ACTION}_{member.id}",
        f"1:{member.id}",
        user="UCONTACT",
        channel="DUCONTACT",
    )
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened)
    assert "Make the Road New York" in str(fake_slack.calls_to("views.open")[-1].args["view"])
