"""The buttons under a lead's daily tally do what they say: Review opens the queue by
DM, Chase chases the members that haven't signed, as `/letter chase` does."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.slack.blocks.home import HOME_REVIEW_ACTION
from bot.slack.blocks.roster import CHASE_MEMBERS_ACTION
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.conftest import LEAD
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, post_letter, signon
from tests.slack_driver import SlackDriver

ROSTER = b"Organization,Slack ID\nCASA,UCASA\nMake the Road New York,UMRNY\n"


async def test_review_and_chase_under_the_tally(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    coalition(fake_slack)
    await store.roster.save(read_roster(ROSTER).members, accounts={}, now=datetime.now(UTC))
    await post_letter(slack, fake_slack)
    await signon(slack, fake_slack, "Coalition for Humane Immigrant Rights (CHIRLA)", user="U1")
    await signon(slack, fake_slack, "CHIRLA", user="U2")

    sent = len(fake_slack.messages)
    await slack.press(HOME_REVIEW_ACTION, "1", user=LEAD, channel=f"D{LEAD}")
    await fake_slack.wait_for(lambda: any(m.channel == LEAD for m in fake_slack.messages[sent:]))
    (queue,) = [m for m in fake_slack.messages[sent:] if m.channel == LEAD]
    assert "*1 possible duplicate*" in all_text(queue)

    before = len(fake_slack.responses)
    await slack.press(CHASE_MEMBERS_ACTION, "1", user=LEAD, channel=f"D{LEAD}")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    assert "Chasing 2 member organizations" in str(fake_slack.responses[-1]["text"])
    await fake_slack.wait_for(
        lambda: {"UCASA", "UMRNY"} <= {m.channel for m in fake_slack.messages}
    )
    assert not fake_slack.rejected
