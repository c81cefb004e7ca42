"""The daily tally in each lead's own timezone, to the creator of a letter without
leads, and with the roster's members still missing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.signons import SignerKind, Submission
from bot.services.dispatch import Dispatcher
from bot.services.signons import SignOns
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.bot.test_dispatch import T0, TALLY_AT, dms, posted
from tests.conftest import LEAD, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, workspaces_for


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)


@pytest.fixture
def dispatcher(store: Store, client: AsyncWebClient) -> Dispatcher:
    return Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=TALLY_AT)


def tallies(fake: FakeSlack, user: str) -> list[str]:
    return [all_text(m) for m in dms(fake, user) if "Daily tally" in m.text]


async def test_each_lead_gets_the_tally_at_the_tally_time_in_their_own_timezone(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """9:00 in New York for one lead (TIMEZONE, and their Slack's), 9:00 in Los Angeles
    for the other, and 9:00 in TIMEZONE for one whose Slack gives no timezone."""
    fake_slack.add_user(LEAD, name="lead", real_name="Lea Lead", tz="America/New_York")
    fake_slack.add_user("UWEST", name="west", real_name="Wes West", tz="America/Los_Angeles")
    await posted(store, client, deadline=T0 + timedelta(days=10), leads=(LEAD, "UWEST", "UNONE"))
    await dispatcher.run_due(T0)  # Monday 10:00 in New York, 7:00 in Los Angeles
    los_angeles_nine = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    await dispatcher.run_due(los_angeles_nine - timedelta(minutes=1))
    assert tallies(fake_slack, "UWEST") == []
    await dispatcher.run_due(los_angeles_nine)
    assert len(tallies(fake_slack, "UWEST")) == 1
    assert tallies(fake_slack, LEAD) == tallies(fake_slack, "UNONE") == []
    # The deadline is shown in their own timezone where Slack can't render it.
    assert " PT (in " in tallies(fake_slack, "UWEST")[0]
    new_york_nine = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    await dispatcher.run_due(new_york_nine)
    assert [len(tallies(fake_slack, u)) for u in (LEAD, "UWEST", "UNONE")] == [1, 1, 1]
    assert " ET (in " in tallies(fake_slack, LEAD)[0]
    await dispatcher.run_due(los_angeles_nine + timedelta(days=1))
    await dispatcher.run_due(new_york_nine + timedelta(days=1))
    assert [len(tallies(fake_slack, u)) for u in (LEAD, "UWEST", "UNONE")] == [2, 2, 2]


async def test_a_letter_without_leads_reports_to_its_creator(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    deadline = T0 + timedelta(days=2)
    letter = await posted(store, client, deadline=deadline, leads=())
    await dispatcher.run_due(T0)
    await dispatcher.run_due(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    assert len(tallies(fake_slack, ORGANIZER)) == 1
    await dispatcher.run_due(deadline)
    # And the final list at the close (no signers: no text list, an empty file Slack
    # would refuse).
    assert [f.filename for f in fake_slack.shared_files if f.channel == f"D{ORGANIZER}"] == [
        f"letter-{letter.id}-signers.csv",
        f"letter-{letter.id}-signers.json",
    ]


async def test_the_tally_names_the_roster_members_still_missing(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    letter = await posted(store, client, deadline=T0 + timedelta(days=10))
    roster = b"Organization\nCASA\nCHIRLA\nMake the Road New York\nUnidosUS\n"
    await store.roster.save(read_roster(roster).members, accounts={}, now=T0)
    signons = SignOns(store=store, live_count=None)
    for name in ("CASA Inc", "Unidos US", "Somebody Else"):
        submission = Submission(kind=SignerKind.ORGANIZATION, name=name, user_id="U1")
        await signons.sign(None, letter, submission, now=T0)
    await dispatcher.run_due(T0)
    await dispatcher.run_due(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    (text,) = tallies(fake_slack, LEAD)
    assert ("*2 of 4* members signed. *Not yet (2):* CHIRLA, Make the Road New York") in text
    # With it, the letter's chart, its alt text stating the count.
    (chart,) = [f for f in fake_slack.shared_files if f.channel == f"D{LEAD}"]
    assert chart.filename == f"letter-{letter.id}-sign-ons.png"
    assert chart.content.startswith(b"\x89PNG") and "3 signed" in chart.alt_text
