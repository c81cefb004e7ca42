"""Tried as a new user would: a lead's daily tally on a 150-organization drive with a
roster, read on a phone. It fits without scrolling past five names a list, and each of
its buttons does what it says, against the Slack stand-in."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, time, timedelta

from bot.app import build_client
from bot.rules.signons import SignerKind, Submission
from bot.services.dispatch import Dispatcher
from bot.services.signons import SignOns
from bot.settings import Settings
from bot.slack.blocks.home import HOME_REVIEW_ACTION
from bot.slack.blocks.roster import CHASE_MEMBERS_ACTION
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.conftest import LEAD
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, post_letter, workspaces_for
from tests.slack_driver import SlackDriver

MEMBERS = 150
SIGNED = 118


def member(n: int) -> str:
    return f"{['Alianza', 'Comunidad', 'Puente', 'Raices', 'Unidos'][n % 5]} Network {n:03d}"


def roster() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organization", "Slack ID"])
    for n in range(MEMBERS):
        writer.writerow([member(n), f"UM{n:03d}"])
    return out.getvalue().encode()


async def test_a_leads_tally_on_a_150_organization_drive(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store, settings: Settings
) -> None:
    coalition(fake_slack)
    now = datetime.now(UTC)
    await store.roster.save(read_roster(roster()).members, accounts={}, now=now)
    await post_letter(slack, fake_slack)
    letter = await store.letters.get(1)
    assert letter is not None
    signons = SignOns(store=store, live_count=None)
    for n in range(SIGNED):
        submission = Submission(kind=SignerKind.ORGANIZATION, name=member(n), user_id=f"UM{n:03d}")
        await signons.sign(None, letter, submission, now=now)
    # And a possible duplicate, for the review button.
    for name, user in (("Coalition for Humane Immigrant Rights (CHIRLA)", "U1"), ("CHIRLA", "U2")):
        submission = Submission(kind=SignerKind.ORGANIZATION, name=name, user_id=user)
        await signons.sign(None, letter, submission, now=now)
    await signons.settle()

    client = build_client(settings, retries=False)
    dispatcher = Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=time(9, 0))
    await dispatcher.run_due(now)  # plans the tally
    await dispatcher.run_due(now + timedelta(days=1))
    (tally,) = [m for m in fake_slack.messages if m.channel == LEAD and "Daily tally" in m.text]
    sections = [b["text"]["text"] for b in tally.blocks if b["type"] == "section"]
    head, new, missing = sections
    assert "*120* signed · closes " in head
    # Five names a list at most, then how many more.
    for text in (new, missing):
        for names in re.findall(r"\):\* ([^\n]*)", text):
            assert names.count(",") <= 4 and re.search(r" \+\d+ more$", names)
    assert "*Not yet (32):*" in missing
    buttons = {
        e["text"]["text"]: e for b in tally.blocks if b["type"] == "actions" for e in b["elements"]
    }
    assert set(buttons) == {"Review 1 possible duplicate", "Chase 32 members"}
    assert fake_slack.rejected == []

    # Each button does what it says.
    sent = len(fake_slack.messages)
    review = buttons["Review 1 possible duplicate"]
    assert review["action_id"] == HOME_REVIEW_ACTION
    await slack.press(review["action_id"], review["value"], user=LEAD, channel=f"D{LEAD}")
    await fake_slack.wait_for(lambda: any(m.channel == LEAD for m in fake_slack.messages[sent:]))
    assert "*1 possible duplicate*" in all_text(fake_slack.messages[-1])
    chase = buttons["Chase 32 members"]
    assert chase["action_id"] == CHASE_MEMBERS_ACTION
    before = len(fake_slack.responses)
    await slack.press(chase["action_id"], chase["value"], user=LEAD, channel=f"D{LEAD}")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    assert "Chasing 32 member organizations" in str(fake_slack.responses[-1]["text"])
    await fake_slack.wait_for(
        lambda: (
            {f"UM{n:03d}" for n in range(SIGNED, MEMBERS)}
            <= {m.channel for m in fake_slack.messages}
        )
    )
    assert fake_slack.rejected == []
