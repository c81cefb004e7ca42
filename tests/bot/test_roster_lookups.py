"""Looking a roster's emails up in Slack at real scale: users.lookupByEmail is Tier 3,
so hundreds of emails are paced within it, what is found is kept as it is found, and a
Slack that stops answering loses nothing already found."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import build_client
from bot.services.roster import load_roster, look_up_emails
from bot.settings import Settings
from bot.slack.pacing import CallBudget
from bot.storage import Store
from tests.fake_slack import TIER_3_PER_WINDOW, FakeSlack

# The fake's minute, shortened (its count stays Slack's), and the bot's budget with it.
WINDOW = 0.4


def roster_of(emails: list[str]) -> bytes:
    rows = "".join(f"Member {n},{email}\n" for n, email in enumerate(emails))
    return ("Organization,Email\n" + rows).encode()


async def test_hundreds_of_emails_are_looked_up_within_the_tier_and_kept(
    settings: Settings, store: Store, fake_slack: FakeSlack
) -> None:
    """More emails than the tier allows in a window all resolve, with no 429, each kept
    as it is found and reported as it goes."""
    fake_slack.rate_window = WINDOW
    emails = [f"person{n}@example.org" for n in range(2 * TIER_3_PER_WINDOW + 20)]
    for n, email in enumerate(emails[:-5]):
        fake_slack.add_user(f"U{n:04d}", name=f"p{n}", email=email)
    loaded = await load_roster(store, roster_of(emails), now=datetime.now(UTC))
    assert loaded.to_look_up == sorted(emails)
    heard: list[int] = []

    async def progress(done: int, of: int) -> None:
        heard.append(done)

    budget = CallBudget(calls=45, window=WINDOW)
    client = build_client(settings, retries=False)
    lookup = await look_up_emails(
        store, client, loaded.to_look_up, budget=budget, progress=progress
    )
    assert len(lookup.found) == len(emails) - 5 and len(lookup.unknown) == 5
    assert lookup.not_asked == [] and heard == list(range(1, len(emails) + 1))
    assert not [c for c in fake_slack.calls_to("users.lookupByEmail") if c.error == "http_429"]
    members = await store.roster.members()
    assert sum(1 for m in members if m.user_ids) == len(emails) - 5
    # Imported again, the accounts found are known without asking Slack again.
    again = await load_roster(store, roster_of(emails), now=datetime.now(UTC))
    assert sorted(again.to_look_up) == sorted(lookup.unknown)


async def test_a_slack_that_stops_answering_keeps_every_account_already_found(
    settings: Settings, store: Store, fake_slack: FakeSlack
) -> None:
    """Twenty found, then 429s: the twenty stay on the roster; the rest are left for
    the next import, and said to be."""
    emails = [f"person{n:02d}@example.org" for n in range(40)]
    for n, email in enumerate(emails):
        fake_slack.add_user(f"U{n:04d}", name=f"p{n}", email=email)
    loaded = await load_roster(store, roster_of(emails), now=datetime.now(UTC))
    fake_slack.fail("users.lookupByEmail", status=429, after=20, times=5)
    client = build_client(settings, retries=False)
    lookup = await look_up_emails(
        store, client, loaded.to_look_up, budget=CallBudget(calls=45, window=WINDOW)
    )
    assert len(lookup.found) == 20 and len(lookup.not_asked) == 20
    assert sum(1 for m in await store.roster.members() if m.user_ids) == 20
