"""What goes out on its own about a letter with a public page, on a frozen clock: the
link under its posts while it is open (kept through count updates, gone at the close),
in the chase DM and in the leads' closing JSON; and the daily tally's count of those
who signed on the page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.letters import Letter
from bot.rules.public_page import PublicPages
from bot.rules.signons import Outcome, SignerKind, Submission
from bot.services.dispatch import Dispatcher
from bot.services.live_count import LiveCount
from bot.services.signons import SignOns
from bot.slack.blocks.letters import WEB_LINK_BLOCK
from bot.slack.pacing import CallBudget
from bot.storage import Store
from bot.texts.roster import read_roster
from tests.bot.test_dispatch import CHANNELS, T0, TALLY_AT, dms, files_to, posted, sign
from tests.conftest import LEAD
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, head_messages, workspaces_for

PAGES = PublicPages("https://sign.coalition.example")
TOMORROW_9 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 9:00 in New York


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)


@pytest.fixture
def dispatcher(store: Store, client: AsyncWebClient) -> Dispatcher:
    return Dispatcher(
        store=store, workspaces=workspaces_for(client), tally_time=TALLY_AT, pages=PAGES
    )


def links_under(fake: FakeSlack) -> list[str | None]:
    """The link under the letter's post in each channel (None where there is none)."""
    found = []
    for channel in CHANNELS:
        (head,) = head_messages(fake, channel)
        blocks = [b for b in head.blocks if b.get("block_id") == WEB_LINK_BLOCK]
        found.append(blocks[0]["elements"][0]["text"] if blocks else None)
    return found


async def count_updated(store: Store, client: AsyncWebClient, letter: Letter) -> None:
    live = LiveCount(
        workspaces=workspaces_for(client), store=store, budget=CallBudget(), delay=0, pages=PAGES
    )
    live.touch(letter.id)
    await live.settle()


async def test_the_posts_link_to_the_page_through_count_updates_until_the_close(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """Posted with its link; a sign-on's count update keeps it; at the close the Sign on
    button and the link go, and the leads' JSON names the page as `public_url`."""
    deadline = T0 + timedelta(days=2)
    letter = await posted(store, client, deadline=deadline, pages=PAGES)
    url = f"https://sign.coalition.example/l/{letter.public_token}"
    line = f"Not in Slack? Sign on the web: <{url}>"
    assert links_under(fake_slack) == [line, line]
    await sign(store, letter, "Mijente", at=T0)
    await count_updated(store, client, letter)
    assert "*1* signed" in all_text(head_messages(fake_slack, "CCOALITION")[0])
    assert links_under(fake_slack) == [line, line]

    await dispatcher.run_due(deadline)
    assert "sign-ons are closed" in all_text(head_messages(fake_slack, "CCOALITION")[0])
    assert links_under(fake_slack) == [None, None]
    document = files_to(fake_slack, LEAD)[f"letter-{letter.id}-signers.json"]
    assert json.loads(document.content)["letter"]["public_url"] == url
    assert not fake_slack.rejected


async def test_a_letter_its_organizer_kept_off_the_web_links_nowhere(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """Web sign-ons turned off in its form: no link under its posts, before or after a
    count update or the close, and `public_url` null in the leads' JSON."""
    deadline = T0 + timedelta(days=2)
    letter = await posted(store, client, deadline=deadline, web_signons=False, pages=PAGES)
    await sign(store, letter, "Mijente", at=T0)
    await count_updated(store, client, letter)
    assert links_under(fake_slack) == [None, None]
    await dispatcher.run_due(deadline)
    document = files_to(fake_slack, LEAD)[f"letter-{letter.id}-signers.json"]
    assert json.loads(document.content)["letter"]["public_url"] is None


async def test_the_chase_dm_offers_the_page_for_colleagues_outside_slack(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """A member's contact chased with the first reminder is given the page's link too."""
    letter = await posted(store, client, deadline=T0 + timedelta(days=8), pages=PAGES)
    roster = b"Organization,State,Slack ID\nCASA,MD,UCASA\n"
    await store.roster.save(read_roster(roster).members, accounts={}, now=T0)
    await dispatcher.run_due(T0 + timedelta(days=1, minutes=1))  # the 7-day reminder
    (dm,) = dms(fake_slack, "UCASA")
    url = f"https://sign.coalition.example/l/{letter.public_token}"
    assert f"Not in Slack? Sign on the web: <{url}>" in all_text(dm)
    assert not fake_slack.rejected


async def signed_on_the_web(store: Store, letter: Letter, name: str, account: str) -> None:
    """A sign-on from the public page, confirmed by its email and recorded."""
    submission = Submission(
        kind=SignerKind.ORGANIZATION,
        name=name,
        person_name="Maria Lopez",
        email=f"{account.removeprefix('web:')}@example.org",
        user_id=account,
    )
    kept = await store.web_signons.add(
        letter.id,
        submission,
        ip_hash=f"address of {account}",
        unconfirmed_max=5,
        since=T0 - timedelta(days=1),
        now=T0,
    )
    signons = SignOns(store=store, live_count=None)
    signed = await signons.sign(None, letter, submission, now=T0)
    await signons.settle()
    await store.web_signons.confirmed(
        kept.id,
        outcome=signed.recorded.outcome,
        signer_id=signed.recorded.entry.id,
        number=signed.count if signed.recorded.outcome is Outcome.NEW else None,
        in_review=False,
        now=T0,
    )


async def test_the_tally_says_how_many_signed_on_the_public_page(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """Two of three signers came through the page: the tally says so for that letter,
    and nothing of the kind for a letter nobody signed on the web."""
    first = await posted(store, client, deadline=T0 + timedelta(days=10), pages=PAGES)
    await posted(
        store, client, deadline=T0 + timedelta(days=10), title="Second letter", pages=PAGES
    )
    await signed_on_the_web(store, first, "CASA", "web:a1")
    await signed_on_the_web(store, first, "CHIRLA", "web:b2")
    await sign(store, first, "Mijente", at=T0)
    await dispatcher.run_due(T0)
    await dispatcher.run_due(TOMORROW_9)
    (tally,) = [m for m in dms(fake_slack, LEAD) if "Daily tally" in m.text]
    text = all_text(tally)
    assert "*3* signed · closes " in text
    assert text.count("signed on the public page") == 1
    assert "*2* signed on the public page, confirmed by email" in text
    sent = json.dumps([call.args for call in fake_slack.calls])
    assert "web:a1" not in sent and "web:b2" not in sent
