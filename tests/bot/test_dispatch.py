"""Scheduled posts on a frozen clock: reminders, the close, extensions, the daily tally.

Every test drives `Dispatcher.run_due(now)` with explicit times against a real SQLite
store and the fake Slack, the way the scheduler calls it in the bot.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import NoReturn

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.letters import Letter, LetterStatus, NewLetter
from bot.rules.problems import Problem, SignOnsClosed
from bot.rules.public_page import PublicPages
from bot.rules.schedule import JobKind
from bot.rules.signons import SignerKind, Submission
from bot.rules.timing import clock, parse_offsets, parse_reminders, plan
from bot.services.deadlines import Deadlines
from bot.services.dispatch import Dispatcher
from bot.services.drafts import Drafts
from bot.services.edits import Edits
from bot.services.letters import Letters
from bot.services.signons import SignOns
from bot.services.workspace import Workspace
from bot.slack.blocks.problems import explain
from bot.slack.blocks.replies import CHART_FAILED
from bot.slack.letters import publish_letter
from bot.storage import Store
from tests.conftest import LEAD, ORGANIZER, ZONE
from tests.fake_slack import FakeSlack, Message, SharedFile
from tests.helpers import (
    all_text,
    as_edit,
    coalition,
    edit_values,
    has_sign_on_button,
    head_messages,
    workspace_for,
    workspaces_for,
)

# Monday 30 November 2026, 10:00 in New York.
T0 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
DEFAULT = parse_offsets("7d,3d,1d,3h")
CHANNELS = ("CCOALITION", "CSTATES")
TALLY_AT = time(9, 0)
NO_PAGES = PublicPages(None)  # web sign-ons off


@pytest.fixture
def dispatcher(store: Store, client: AsyncWebClient) -> Dispatcher:
    return Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=TALLY_AT)


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)


@pytest.fixture
def workspace(client: AsyncWebClient) -> Workspace:
    """Where the letters are managed from: ORGANIZER organizes there."""
    return workspace_for(client, organizers=frozenset({ORGANIZER}))


@pytest.fixture
def deadlines(store: Store) -> Deadlines:
    return Deadlines(store=store)


@pytest.fixture
def edits(store: Store) -> Edits:
    return Edits(store=store)


@pytest.fixture
async def letters(store: Store) -> AsyncIterator[Letters]:
    yield Letters(store=store, drafts=Drafts(store=store), reminders=DEFAULT)


async def posted(
    store: Store,
    client: AsyncWebClient,
    *,
    deadline: datetime,
    reminders: tuple[timedelta, ...] = DEFAULT,
    leads: tuple[str, ...] = (LEAD,),
    now: datetime = T0,
    title: str = "Protect our communities",
    web_signons: bool = True,
    pages: PublicPages = NO_PAGES,
) -> Letter:
    """A letter created at `now` and posted in both coalition channels as the bot posts
    it, with its public page's link when it has one among `pages`."""
    new = NewLetter(
        title=title,
        addressee="Secretary Doe",
        body="Dear Secretary,\n\nAct.",
        deadline=deadline,
        channels=CHANNELS,
        leads=leads,
        goal=None,
        created_by=ORGANIZER,
        reminders=reminders,
        web_signons=web_signons,
    )
    letter = await store.letters.create(
        new, plan=plan(deadline, reminders, zone=ZONE, now=now), now=now
    )
    await publish_letter(
        client, store, letter, count=0, zone=ZONE, public_url=pages.letter_url(letter)
    )
    found = await store.letters.get(letter.id)
    assert found is not None
    return found


async def sign(
    store: Store, letter: Letter, name: str, *, at: datetime, state: str | None = None
) -> None:
    submission = Submission(
        kind=SignerKind.ORGANIZATION, name=name, state=state, user_id=f"U{abs(hash(name))}"
    )
    signons = SignOns(store=store, live_count=None)
    await signons.sign(None, letter, submission, now=at)
    # The signer's answer comes first; the leads' notice of a pair is planned after it.
    await signons.settle()


def replies(fake: FakeSlack, channel: str) -> list[Message]:
    """What the bot posted under the letter in `channel`, oldest first."""
    (head,) = head_messages(fake, channel)
    return [m for m in fake.channel_messages(channel) if m.thread_ts == head.ts]


def reminders_in(fake: FakeSlack, channel: str) -> list[Message]:
    return [m for m in replies(fake, channel) if m.text.startswith("Reminder:")]


def dms(fake: FakeSlack, user: str) -> list[Message]:
    return [m for m in fake.messages if m.channel == user]


def date_token(moment: datetime) -> str:
    """A deadline as posts say it: in the coalition's timezone, named."""
    return clock(moment, ZONE)


def files_to(fake: FakeSlack, user: str) -> dict[str, SharedFile]:
    """The files `user` was sent by DM, by name (the last of each name)."""
    return {f.filename: f for f in fake.shared_files if f.channel == f"D{user}"}


def cannot_draw(*args: object, **kwargs: object) -> NoReturn:
    raise RuntimeError("no fonts")


async def test_the_reminders_marked_are_the_ones_shown_in_the_channel(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """With 7d!,3d,1d (say), the week-ahead reminder is shown in the channel and the
    others stay in the thread."""
    deadline = T0 + timedelta(days=10)
    offsets, shown = parse_reminders("7d!,3d,1d")
    new = NewLetter(
        title="Marked",
        addressee="Secretary Doe",
        body="Act.",
        deadline=deadline,
        channels=("CCOALITION",),
        leads=(LEAD,),
        goal=None,
        created_by=ORGANIZER,
        reminders=offsets,
        shown_reminders=shown,
    )
    letter = await store.letters.create(
        new, plan=plan(deadline, offsets, zone=ZONE, now=T0), now=T0
    )
    await publish_letter(client, store, letter, count=0, zone=ZONE)
    for offset in offsets:
        await dispatcher.run_due(deadline - offset)
    assert [m.broadcast for m in reminders_in(fake_slack, "CCOALITION")] == [True, False, False]


async def test_the_default_schedule_posts_four_reminders_in_every_channel(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """7 days, 3 days, 1 day and 3 hours before: each a thread reply in each channel, at
    its time, with the time left, the count and a Sign on button; the last two (1 day
    and 3 hours) are shown in the channel too."""
    deadline = T0 + timedelta(days=10)
    letter = await posted(store, client, deadline=deadline)
    await sign(store, letter, "Mijente", at=T0)
    await dispatcher.run_due(T0 + timedelta(days=2))
    assert reminders_in(fake_slack, "CCOALITION") == []

    for offset, left in zip(DEFAULT, ("7 days", "3 days", "1 day", "3 hours"), strict=True):
        await dispatcher.run_due(deadline - offset - timedelta(seconds=1))
        assert len(reminders_in(fake_slack, "CSTATES")) == DEFAULT.index(offset)
        await dispatcher.run_due(deadline - offset)
        for channel in CHANNELS:
            latest = reminders_in(fake_slack, channel)[-1]
            assert f"*{left} left*" in all_text(latest)
            assert "*1* signed so far" in all_text(latest)
            assert date_token(deadline) in all_text(latest)
            assert has_sign_on_button(latest)
            assert latest.broadcast is (offset in DEFAULT[-2:])
    for channel in CHANNELS:
        assert len(reminders_in(fake_slack, channel)) == 4
    # What the chart marks: each reminder once, when it went out.
    assert await store.history.reminders_sent(letter.id) == [deadline - o for o in DEFAULT]
    assert fake_slack.rejected == []


async def test_a_custom_schedule_is_kept_to(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """A letter set to remind 2 days and 30 minutes before gets exactly those two."""
    deadline = T0 + timedelta(days=5)
    await posted(store, client, deadline=deadline, reminders=parse_offsets("2d, 30m"))
    for moment in (deadline - timedelta(days=2), deadline - timedelta(minutes=30)):
        await dispatcher.run_due(moment)
    texts = [m.text for m in reminders_in(fake_slack, "CCOALITION")]
    assert texts == [
        "Reminder: 2 days left to sign Protect our communities. *0* signed so far.",
        "Reminder: 30 minutes left to sign Protect our communities. *0* signed so far.",
    ]


async def test_reminders_already_past_when_a_letter_is_posted_are_skipped(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """A letter due in two days gets the 1-day and 3-hour reminders, not the 7 and 3 day."""
    deadline = T0 + timedelta(days=2)
    await posted(store, client, deadline=deadline)
    await dispatcher.run_due(T0)
    assert reminders_in(fake_slack, "CCOALITION") == []
    for offset in DEFAULT:
        await dispatcher.run_due(deadline - offset)
    left = [m.text.split(" left")[0] for m in reminders_in(fake_slack, "CCOALITION")]
    assert left == ["Reminder: 1 day", "Reminder: 3 hours"]


async def test_running_again_at_the_same_time_sends_nothing_twice(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """A post is claimed and marked: a second pass, or a second process, finds it sent."""
    deadline = T0 + timedelta(days=10)
    await posted(store, client, deadline=deadline)
    other = Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=TALLY_AT)
    due = deadline - timedelta(days=7)
    await dispatcher.run_due(due)
    await other.run_due(due)
    await dispatcher.run_due(due + timedelta(minutes=1))
    assert [len(reminders_in(fake_slack, channel)) for channel in CHANNELS] == [1, 1]


async def test_at_the_deadline_the_letter_closes_and_the_leads_get_the_list(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """The letter closes by itself: the final count goes in each thread, the count line
    says closed, the button goes, each lead gets the list and CSV, and /signon is refused."""
    deadline = T0 + timedelta(days=1)
    letter = await posted(store, client, deadline=deadline, leads=(LEAD, "ULEAD2"))
    await sign(store, letter, "Make the Road New York", at=T0)
    await sign(store, letter, "Detention Watch Network", at=T0)
    await dispatcher.run_due(deadline)

    closed = await store.letters.get(letter.id)
    assert closed is not None and closed.status is LetterStatus.CLOSED
    for channel in CHANNELS:
        (head,) = head_messages(fake_slack, channel)
        assert "sign-ons are closed" in all_text(head) and not has_sign_on_button(head)
        final = replies(fake_slack, channel)[-1]
        assert "Final count: *2*" in all_text(final)
        assert "Signed by 2 organizations." in all_text(final)
    stem = f"letter-{letter.id}-signers"
    for lead in (LEAD, "ULEAD2"):
        files = {f.filename: f for f in fake_slack.shared_files if f.channel == f"D{lead}"}
        assert sorted(files) == [
            f"letter-{letter.id}-contacts.csv",
            f"letter-{letter.id}-sign-ons.png",
            f"{stem}.csv",
            f"{stem}.json",
            f"{stem}.txt",
            f"letter-{letter.id}.docx",
        ]
        assert files[f"{stem}.txt"].content.decode().splitlines() == [
            "Sincerely,",
            "",
            "Detention Watch Network",
            "Make the Road New York",
        ]
        assert "Final count" not in files[f"{stem}.txt"].comment
        assert "have closed. Signed by 2 organizations." in files[f"{stem}.txt"].comment
    with pytest.raises(SignOnsClosed):
        await SignOns(store=store, live_count=None).sign(
            None, closed, Submission(kind=SignerKind.ORGANIZATION, name="Late Org"), now=deadline
        )
    await dispatcher.run_due(deadline + timedelta(hours=1))
    assert len(fake_slack.shared_files) == 12, "each lead got the files once"


async def test_a_title_with_dollar_signs_comes_with_its_chart_in_the_tally_and_the_list(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """The chart draws such a title as written (mathtext refuses this one), so neither
    the daily tally nor the closing list is held up by it."""
    title = "$15 an hour by 2027: #RaiseTheWage, not $12"
    deadline = T0 + timedelta(days=2)
    letter = await posted(store, client, deadline=deadline, reminders=(), title=title)
    await sign(store, letter, "Mijente", at=T0)
    await dispatcher.run_due(T0)
    await dispatcher.run_due(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    (tally,) = dms(fake_slack, LEAD)
    assert f"#{letter.id} · {title}" in all_text(tally)
    assert CHART_FAILED not in all_text(tally)
    charts = [f for f in fake_slack.shared_files if f.filename.endswith(".png")]
    assert [f.title for f in charts] == [f"{title}: sign-ons over time"]
    await dispatcher.run_due(deadline)
    files = files_to(fake_slack, LEAD)
    assert f"letter-{letter.id}-sign-ons.png" in files
    assert CHART_FAILED not in files[f"letter-{letter.id}-signers.txt"].comment
    assert len([f for f in fake_slack.shared_files if f.filename.endswith(".png")]) == 2


async def test_a_chart_that_cant_be_drawn_is_left_out_and_the_message_says_so(
    store: Store,
    client: AsyncWebClient,
    dispatcher: Dispatcher,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The tally and the closing list go out on time without the chart, each saying it
    couldn't be drawn; the failure is logged, and nothing is sent twice."""
    monkeypatch.setattr("bot.services.exports.drive_chart", cannot_draw)
    deadline = T0 + timedelta(days=2)
    letter = await posted(store, client, deadline=deadline, reminders=())
    await sign(store, letter, "Mijente", at=T0)
    await dispatcher.run_due(T0)
    await dispatcher.run_due(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    (tally,) = dms(fake_slack, LEAD)
    assert CHART_FAILED in all_text(tally)
    assert fake_slack.shared_files == []

    await dispatcher.run_due(deadline)
    stem = f"letter-{letter.id}-signers"
    files = files_to(fake_slack, LEAD)
    assert sorted(files) == [
        f"letter-{letter.id}-contacts.csv",
        f"{stem}.csv",
        f"{stem}.json",
        f"{stem}.txt",
        f"letter-{letter.id}.docx",
    ]
    comment = files[f"{stem}.txt"].comment
    assert comment.endswith(f"a CSV with a row per contact for a mail merge. {CHART_FAILED}")
    assert f"Drawing letter {letter.id}'s chart failed" in caplog.text
    await dispatcher.run_due(deadline + timedelta(hours=1))
    assert len(fake_slack.shared_files) == 5 and len(dms(fake_slack, LEAD)) == 1


async def test_posts_missed_while_the_bot_was_down_go_out_once_if_they_still_matter(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """Down through two reminders: both go out once on start. Down through the deadline:
    the reminders no longer matter and are skipped, and the close runs."""
    deadline = T0 + timedelta(days=10)
    await posted(store, client, deadline=deadline)
    await dispatcher.run_due(deadline - timedelta(days=7))
    await dispatcher.run_due(deadline - timedelta(hours=20))  # after 3d and 1d
    assert len(reminders_in(fake_slack, "CCOALITION")) == 3
    await dispatcher.run_due(deadline - timedelta(hours=19))
    assert len(reminders_in(fake_slack, "CCOALITION")) == 3

    second = await posted(store, client, deadline=deadline, title="Second letter")
    await dispatcher.run_due(deadline + timedelta(days=2))
    later = [m for m in fake_slack.messages if m.thread_ts and "Second letter" in m.text]
    assert [m.text.split(".")[0] for m in later] == [
        "Sign-ons for Second letter are closed",
        "Sign-ons for Second letter are closed",
    ]
    found = await store.letters.get(second.id)
    assert found is not None and not found.is_open


async def test_extending_reschedules_reminders_and_announces_the_new_deadline(
    store: Store,
    client: AsyncWebClient,
    dispatcher: Dispatcher,
    deadlines: Deadlines,
    fake_slack: FakeSlack,
    workspace: Workspace,
) -> None:
    """Moving the deadline drops the old reminders, plans new ones, tells the thread and
    shows the new deadline on the post."""
    deadline = T0 + timedelta(days=4)
    letter = await posted(store, client, deadline=deadline)
    now = T0 + timedelta(days=1)
    extended, reopened = await deadlines.extend(
        workspace, f"#{letter.id} 2026-12-11 17:00", user=ORGANIZER, channel="CORGANIZING", now=now
    )
    new_deadline = datetime(2026, 12, 11, 22, 0, tzinfo=UTC)
    assert extended.deadline == new_deadline and not reopened
    await dispatcher.run_due(now)
    for channel in CHANNELS:
        (head,) = head_messages(fake_slack, channel)
        assert date_token(new_deadline) in all_text(head)
        (announcement,) = replies(fake_slack, channel)
        assert "*New deadline*" in all_text(announcement)
        assert date_token(new_deadline) in all_text(announcement)

    await dispatcher.run_due(deadline)  # the old deadline: nothing closes, nothing reminds
    assert (await store.letters.get(letter.id)).is_open  # type: ignore[union-attr]
    assert reminders_in(fake_slack, "CCOALITION") == []
    await dispatcher.run_due(new_deadline - timedelta(days=7))
    (reminder,) = reminders_in(fake_slack, "CCOALITION")
    assert "*7 days left*" in all_text(reminder)


async def test_extending_a_closed_letter_reopens_it(
    store: Store,
    client: AsyncWebClient,
    dispatcher: Dispatcher,
    deadlines: Deadlines,
    fake_slack: FakeSlack,
    workspace: Workspace,
) -> None:
    """After the deadline, `extend` opens sign-ons again with a new close planned."""
    deadline = T0 + timedelta(days=1)
    letter = await posted(store, client, deadline=deadline)
    await dispatcher.run_due(deadline)
    now = deadline + timedelta(hours=1)
    extended, reopened = await deadlines.extend(
        workspace, "friday 5pm", user=LEAD, channel="CCOALITION", now=now
    )
    assert reopened and extended.is_open
    assert extended.deadline == datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
    await dispatcher.run_due(now)
    (head,) = head_messages(fake_slack, "CCOALITION")
    assert has_sign_on_button(head)
    await dispatcher.run_due(extended.deadline)
    found = await store.letters.get(letter.id)
    assert found is not None and not found.is_open
    finals = [m for m in replies(fake_slack, "CCOALITION") if "Final count" in all_text(m)]
    assert len(finals) == 2


@pytest.mark.parametrize(
    ("when", "problem"),
    [
        ("2020-01-01 17:00", "has already passed"),
        ("whenever works", "can't read"),
        ("", "Say when"),
    ],
)
async def test_extend_refuses_a_time_it_cannot_use(
    store: Store,
    client: AsyncWebClient,
    deadlines: Deadlines,
    when: str,
    problem: str,
    workspace: Workspace,
) -> None:
    """A past, unreadable or missing time is explained, and the deadline stays."""
    deadline = T0 + timedelta(days=4)
    letter = await posted(store, client, deadline=deadline)
    with pytest.raises(Problem) as raised:
        await deadlines.extend(
            workspace, f"#{letter.id} {when}", user=ORGANIZER, channel="C1", now=T0
        )
    assert problem in explain(raised.value)
    found = await store.letters.get(letter.id)
    assert found is not None and found.deadline == deadline


async def test_before_a_time_only_a_hash_number_names_a_letter(
    store: Store, client: AsyncWebClient, deadlines: Deadlines, workspace: Workspace
) -> None:
    """'10 december 5pm' is a date in the channel's letter, not letter #10; '3 friday 5pm'
    reads as no Friday at all, and the answer says how to name letter 3."""
    deadline = T0 + timedelta(days=4)
    letter = await posted(store, client, deadline=deadline)
    extended, _ = await deadlines.extend(
        workspace, "10 december 5pm", user=ORGANIZER, channel="CCOALITION", now=T0
    )
    assert extended.id == letter.id
    assert extended.deadline == datetime(2026, 12, 10, 22, 0, tzinfo=UTC)
    with pytest.raises(Problem) as raised:
        await deadlines.extend(
            workspace, "3 friday 5pm", user=ORGANIZER, channel="CCOALITION", now=T0
        )
    assert re.search(r"isn't the day you named.*write `#3`", explain(raised.value))


async def test_reminders_keep_the_local_hour_across_a_daylight_saving_change(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """New York leaves daylight saving on 1 November 2026. A 5 p.m. deadline on 3 November
    is reminded at 5 p.m. a week and three days before (EDT), and 3 real hours before."""
    created = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)
    deadline = datetime(2026, 11, 3, 22, 0, tzinfo=UTC)  # 17:00 EST
    await posted(store, client, deadline=deadline, now=created)
    expected = [
        datetime(2026, 10, 27, 21, 0, tzinfo=UTC),  # 17:00 EDT
        datetime(2026, 10, 31, 21, 0, tzinfo=UTC),  # 17:00 EDT
        datetime(2026, 11, 2, 22, 0, tzinfo=UTC),  # 17:00 EST
        datetime(2026, 11, 3, 19, 0, tzinfo=UTC),  # 14:00 EST
    ]
    for moment in expected:
        await dispatcher.run_due(moment - timedelta(seconds=1))
        before = len(reminders_in(fake_slack, "CCOALITION"))
        await dispatcher.run_due(moment)
        assert len(reminders_in(fake_slack, "CCOALITION")) == before + 1


async def test_the_daily_tally_reports_each_open_letter_a_lead_leads(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """At 9:00 in TIMEZONE each lead gets one DM: count, change since the last tally with
    the new names, by state and kind, reviews waiting, time left."""
    first = await posted(store, client, deadline=T0 + timedelta(days=10))
    await posted(
        store, client, deadline=T0 + timedelta(days=3), title="Second letter", leads=(LEAD, "U2")
    )
    await sign(store, first, "Mijente", at=T0, state="AZ")
    await sign(store, first, "Make the Road New York", at=T0, state="New York")
    await dispatcher.run_due(T0)  # 10:00: planning tomorrow's tally
    assert dms(fake_slack, LEAD) == []

    tomorrow_9 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    await dispatcher.run_due(tomorrow_9)
    (tally,) = dms(fake_slack, LEAD)
    text = all_text(tally)
    assert "#1 · Protect our communities" in text and "#2 · Second letter" in text
    assert "*2* signed · closes " in text
    # The way to everything the lead runs: the app's Home, by Slack's deep link.
    assert "<slack://app?team=T1&id=A1&tab=home|Open in Home>" in text
    assert "*New (2):* Mijente, Make the Road New York" in text
    assert "By state: AZ 1 · NY 1" in text
    assert "*2* organizations · *0* individuals" in text
    assert "in 2 days" in text and "in 9 days" in text
    assert len(dms(fake_slack, "U2")) == 1
    assert "Second letter" in all_text(dms(fake_slack, "U2")[0])
    assert "Protect our communities" not in all_text(dms(fake_slack, "U2")[0])

    await sign(store, first, "CHIRLA", at=tomorrow_9 + timedelta(hours=1), state="CA")
    await sign(
        store,
        first,
        "Coalition for Humane Immigrant Rights (CHIRLA)",
        at=tomorrow_9 + timedelta(hours=2),
        state="ca",
    )
    await dispatcher.run_due(tomorrow_9 + timedelta(days=1))
    latest = all_text(dms(fake_slack, LEAD)[-1])
    assert "*4* signed (+2) · closes " in latest
    assert "*New (2):* CHIRLA, Coalition for Humane Immigrant Rights (CHIRLA)" in latest
    assert "By state: CA 2 · AZ 1 · NY 1" in latest
    assert "Review 1 possible duplicate\n1" in latest  # the button, for letter #1
    assert "signed (no change) · closes " in latest  # the second letter
    assert fake_slack.rejected == []


async def test_two_processes_at_the_tally_time_send_each_lead_one_tally(
    store: Store, client: AsyncWebClient, database_url: str, fake_slack: FakeSlack
) -> None:
    """Two replicas, each with its own connection to the one database, wake at the tally
    time together: each lead gets one tally, and each reminder due then goes out once."""
    tomorrow_9 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    await posted(
        store, client, deadline=tomorrow_9 + timedelta(days=1), reminders=parse_offsets("1d")
    )
    async with Store(database_url) as other_store:
        replicas = [
            Dispatcher(store=each, workspaces=workspaces_for(client), tally_time=TALLY_AT)
            for each in (store, other_store)
        ]
        for replica in replicas:
            await replica.run_due(T0)
        await asyncio.gather(*(replica.run_due(tomorrow_9) for replica in replicas))
        await asyncio.gather(*(replica.run_due(tomorrow_9) for replica in replicas))
    (tally,) = dms(fake_slack, LEAD)
    assert "Daily tally" in tally.text
    assert [len(reminders_in(fake_slack, channel)) for channel in CHANNELS] == [1, 1]


async def test_no_tally_for_a_lead_without_open_letters_and_one_after_missed_days(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """A lead whose letters closed hears nothing; after three days down, one tally."""
    closing = await posted(store, client, deadline=T0 + timedelta(hours=2), leads=("UGONE",))
    await posted(store, client, deadline=T0 + timedelta(days=20), title="Long drive")
    await dispatcher.run_due(T0)
    await dispatcher.run_due(T0 + timedelta(hours=2))
    assert not (await store.letters.get(closing.id)).is_open  # type: ignore[union-attr]

    await dispatcher.run_due(datetime(2026, 12, 4, 15, 30, tzinfo=UTC))  # down Tuesday to Friday
    assert len(dms(fake_slack, LEAD)) == 1
    assert dms(fake_slack, "UGONE") == []
    await dispatcher.run_due(datetime(2026, 12, 4, 16, 0, tzinfo=UTC))
    assert len(dms(fake_slack, LEAD)) == 1


async def test_a_lead_added_later_gets_the_next_tally(
    store: Store,
    client: AsyncWebClient,
    dispatcher: Dispatcher,
    letters: Letters,
    fake_slack: FakeSlack,
) -> None:
    """Leads are read when the tally goes out, so someone added today hears tomorrow."""
    letter = await posted(store, client, deadline=T0 + timedelta(days=10))
    await dispatcher.run_due(T0)
    await store.letters.edit(
        letter.id, as_edit(letter, leads=(LEAD, "UNEW")), user=ORGANIZER, now=T0
    )
    await dispatcher.run_due(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    assert len(dms(fake_slack, "UNEW")) == 1


async def test_a_rate_limit_storm_delays_a_reminder_but_it_goes_out_once(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """429s with Retry-After are waited out from the database, then the reminder is
    posted exactly once in each channel."""
    deadline = T0 + timedelta(days=10)
    await posted(store, client, deadline=deadline)
    due = deadline - timedelta(days=7)
    fake_slack.fail("chat.postMessage", status=429, retry_after=30, times=6)
    moment = due
    for _ in range(3):  # two channels, two failed calls a pass
        assert await dispatcher.run_due(moment) == moment + timedelta(seconds=30)
        moment += timedelta(seconds=30)
    assert reminders_in(fake_slack, "CCOALITION") == []
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if not c.ok]) == 6
    await dispatcher.run_due(moment)
    await dispatcher.run_due(moment + timedelta(minutes=5))
    assert [len(reminders_in(fake_slack, channel)) for channel in CHANNELS] == [1, 1]


async def test_a_retry_waits_as_long_as_slack_asks(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """Retry-After: 120 means no attempt for two minutes; a 5xx backs off, doubling from
    5 seconds with each attempt."""
    deadline = T0 + timedelta(days=10)
    await posted(store, client, deadline=deadline, reminders=parse_offsets("7d"))
    due = deadline - timedelta(days=7)
    fake_slack.fail("chat.postMessage", status=429, retry_after=120, times=2)
    await dispatcher.run_due(due)
    calls = len(fake_slack.calls_to("chat.postMessage"))
    assert await dispatcher.run_due(due + timedelta(seconds=119)) == due + timedelta(seconds=120)
    assert len(fake_slack.calls_to("chat.postMessage")) == calls
    fake_slack.fail("chat.postMessage", status=503, retry_after=None, times=2)
    next_due = await dispatcher.run_due(due + timedelta(seconds=120))
    assert next_due == due + timedelta(seconds=130)  # the second attempt: 10 seconds


async def test_a_post_that_keeps_failing_shows_in_letter_list(
    store: Store,
    client: AsyncWebClient,
    dispatcher: Dispatcher,
    letters: Letters,
    fake_slack: FakeSlack,
    workspace: Workspace,
) -> None:
    """Still retrying after three tries, then given up after a day: organizers see both."""
    deadline = T0 + timedelta(days=10)
    await posted(store, client, deadline=deadline, reminders=parse_offsets("7d"))
    due = deadline - timedelta(days=7)
    fake_slack.fail("chat.postMessage", status=500, retry_after=None, times=1000)
    moment = due
    for _ in range(3):
        moment = await dispatcher.run_due(moment) or moment
    (summary,) = (await letters.listing(workspace, ORGANIZER, include_closed=False)).letters
    assert {(p.kind, p.gave_up, p.attempts) for p in summary.problems} == {
        (JobKind.REMINDER, False, 3)
    }
    await dispatcher.run_due(due + timedelta(days=1, minutes=1))
    (summary,) = (await letters.listing(workspace, ORGANIZER, include_closed=False)).letters
    assert [p.gave_up for p in summary.problems] == [True, True]


async def test_a_channel_the_bot_was_removed_from_fails_at_once_and_others_go_out(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """`not_in_channel` can't be retried away: recorded as failed, the other channel fine."""
    deadline = T0 + timedelta(days=10)
    letter = await posted(store, client, deadline=deadline, reminders=parse_offsets("7d"))
    fake_slack.channels["CSTATES"].members.clear()
    await dispatcher.run_due(deadline - timedelta(days=7))
    assert len(reminders_in(fake_slack, "CCOALITION")) == 1
    problems = await store.history.problems([letter.id])
    [(problem)] = problems[letter.id]
    assert (problem.target, problem.error, problem.gave_up) == ("CSTATES", "not_in_channel", True)


async def test_a_refusal_no_retry_can_fix_is_recorded_at_once_not_retried_for_a_day(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """Slack refusing the lead's files for what they are (`missing_argument`, as for an
    empty file) gives up at the first answer; only "not now" answers are retried."""
    deadline = T0 + timedelta(days=1)
    letter = await posted(store, client, deadline=deadline, reminders=())
    await sign(store, letter, "Mijente", at=T0)
    fake_slack.fail("files.getUploadURLExternal", status=200, error="missing_argument")
    await dispatcher.run_due(deadline)
    problems = (await store.history.problems([letter.id]))[letter.id]
    assert [(p.target, p.error, p.gave_up, p.attempts) for p in problems] == [
        (LEAD, "missing_argument", True, 1)
    ]
    await dispatcher.run_due(deadline + timedelta(hours=1))
    assert len(fake_slack.calls_to("files.getUploadURLExternal")) == 1


async def test_a_claim_left_by_a_process_that_died_is_taken_over(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """A delivery claimed but never marked is sent by another process once the lease
    runs out, and not before."""
    deadline = T0 + timedelta(days=10)
    await posted(store, client, deadline=deadline, reminders=parse_offsets("7d"))
    due = deadline - timedelta(days=7)
    await store.deliveries.expand_due(due)
    claimed = await store.deliveries.claim(due, owner="dead", until=due + timedelta(minutes=5))
    assert len(claimed) == 2
    await dispatcher.run_due(due + timedelta(minutes=4))
    assert reminders_in(fake_slack, "CCOALITION") == []
    await dispatcher.run_due(due + timedelta(minutes=6))
    assert [len(reminders_in(fake_slack, channel)) for channel in CHANNELS] == [1, 1]


async def test_changing_the_tally_time_moves_the_next_tally(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """A restart with a new TALLY_TIME replaces the planned tally instead of adding one."""
    await posted(store, client, deadline=T0 + timedelta(days=10))
    await dispatcher.run_due(T0)  # 10:00, tomorrow's 9:00 tally planned
    later = Dispatcher(store=store, workspaces=workspaces_for(client), tally_time=time(11, 30))
    await later.run_due(T0 + timedelta(minutes=1))
    await later.run_due(datetime(2026, 11, 30, 16, 29, tzinfo=UTC))
    assert dms(fake_slack, LEAD) == []
    await later.run_due(datetime(2026, 11, 30, 16, 30, tzinfo=UTC))  # 11:30 today
    await later.run_due(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))  # the old 9:00
    assert len(dms(fake_slack, LEAD)) == 1


async def test_closing_posts_still_retrying_are_dropped_when_the_letter_is_extended(
    store: Store,
    client: AsyncWebClient,
    dispatcher: Dispatcher,
    deadlines: Deadlines,
    fake_slack: FakeSlack,
    workspace: Workspace,
) -> None:
    """A final count Slack hasn't taken yet never appears under a letter that is open
    again; the announcement of the new deadline does."""
    deadline = T0 + timedelta(days=1)
    letter = await posted(store, client, deadline=deadline)
    fake_slack.fail("chat.postMessage", status=503, retry_after=None, times=2)
    await dispatcher.run_due(deadline)
    now = deadline + timedelta(minutes=1)
    await deadlines.extend(
        workspace, f"#{letter.id} friday 5pm", user=ORGANIZER, channel="C1", now=now
    )
    await dispatcher.run_due(now + timedelta(minutes=10))
    for channel in CHANNELS:
        texts = [all_text(m) for m in replies(fake_slack, channel)]
        assert not any("Final count" in text for text in texts)
        assert sum("*New deadline*" in text for text in texts) == 1
        (head,) = head_messages(fake_slack, channel)
        assert has_sign_on_button(head)


async def test_editing_the_schedule_replaces_the_pending_reminders(
    store: Store,
    client: AsyncWebClient,
    dispatcher: Dispatcher,
    edits: Edits,
    fake_slack: FakeSlack,
    workspace: Workspace,
) -> None:
    """The edit form's new deadline and reminders take the place of the old plan: the old
    reminder times pass in silence, the new ones are kept, the move is announced once."""
    deadline = T0 + timedelta(days=10)
    letter = await posted(store, client, deadline=deadline)
    new_deadline = deadline + timedelta(days=2)
    values = edit_values(
        letter, deadline=int(new_deadline.timestamp()), reminders="2d, 6h", goal="80"
    )
    edited = (await edits.edit(workspace, values, user=LEAD, now=T0)).letter
    assert edited.reminders == parse_offsets("2d,6h") and edited.goal == 80
    for offset in DEFAULT:
        await dispatcher.run_due(deadline - offset)
    assert reminders_in(fake_slack, "CCOALITION") == []
    for offset in parse_offsets("2d,6h"):
        await dispatcher.run_due(new_deadline - offset)
    left = [m.text.split(" left")[0] for m in reminders_in(fake_slack, "CCOALITION")]
    assert left == ["Reminder: 2 days", "Reminder: 6 hours"]
    moved = [m for m in replies(fake_slack, "CSTATES") if "*New deadline*" in all_text(m)]
    assert len(moved) == 1


async def test_a_tally_slack_refuses_is_shown_to_organizers(
    store: Store,
    client: AsyncWebClient,
    dispatcher: Dispatcher,
    letters: Letters,
    fake_slack: FakeSlack,
    workspace: Workspace,
) -> None:
    """A lead Slack won't DM (deactivated, say) is named in `/letter list`."""
    await posted(store, client, deadline=T0 + timedelta(days=10))
    await dispatcher.run_due(T0)
    fake_slack.fail("chat.postMessage", status=200, error="user_disabled")
    await dispatcher.run_due(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    listing = await letters.listing(workspace, ORGANIZER, include_closed=False)
    [(problem)] = listing.tally_problems
    assert (problem.target, problem.error, problem.gave_up) == (LEAD, "user_disabled", True)
    assert (await letters.listing(workspace, LEAD, include_closed=False)).tally_problems == []


async def test_a_close_with_a_pair_to_review_never_overstates_the_count(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """While a possible duplicate waits, the final count says so in every thread, the
    leads' DM names the pair and the list's headline carries the caveat; nothing is
    merged to make the number smaller."""
    deadline = T0 + timedelta(days=1)
    letter = await posted(store, client, deadline=deadline)
    for name in ("American Civil Liberties Union", "ACLU", "Make the Road New York"):
        await sign(store, letter, name, at=T0)
    await dispatcher.run_due(deadline)

    for channel in CHANNELS:
        final = replies(fake_slack, channel)[-1]
        assert (
            "Final count: *3*, with 1 possible duplicate still to review. "
            "Signed by 3 organizations." in all_text(final)
        )
        assert "Final count: 3, with 1 possible duplicate still to review." in final.text
    (comment,) = {f.comment for f in fake_slack.shared_files if f.channel == f"D{LEAD}"}
    assert "Signed by 3 organizations, with 1 possible duplicate still to review." in comment
    assert "Still to review: *American Civil Liberties Union* / *ACLU*." in comment
    assert f"`/letter review #{letter.id}`" in comment
    assert len(await store.signatures.signers(letter.id)) == 3


async def test_leads_hear_of_new_possible_duplicates_at_most_once_an_hour(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """The first pair is told a minute later (with the rest of its burst), with Same
    organization and Different organizations; pairs in the next hour wait and come
    together; pairs reviewed before their notice aren't told."""
    deadline = T0 + timedelta(days=10)
    letter = await posted(store, client, deadline=deadline, leads=(LEAD, "ULEAD2"))
    await sign(store, letter, "American Civil Liberties Union", at=T0)
    await sign(store, letter, "ACLU", at=T0)
    await dispatcher.run_due(T0)
    assert dms(fake_slack, LEAD) == []
    await dispatcher.run_due(T0 + timedelta(minutes=1))
    for lead in (LEAD, "ULEAD2"):
        (notice,) = dms(fake_slack, lead)
        assert "New sign-ons to review on *Protect our communities*" in all_text(notice)
        buttons = [e["text"]["text"] for b in notice.blocks for e in b.get("elements", [])]
        assert "Different organizations" in buttons

    await sign(store, letter, "Detention Watch Network", at=T0 + timedelta(minutes=10))
    await sign(store, letter, "Detention Watch Netwrok", at=T0 + timedelta(minutes=10))
    await sign(store, letter, "Mijente", at=T0 + timedelta(minutes=20))
    await sign(store, letter, "Mijente Support Committee", at=T0 + timedelta(minutes=20))
    await dispatcher.run_due(T0 + timedelta(minutes=60))
    assert len(dms(fake_slack, LEAD)) == 1
    await dispatcher.run_due(T0 + timedelta(minutes=61))
    second = dms(fake_slack, LEAD)[1]
    assert "*3 possible duplicates*" in all_text(second)
    assert "Detention Watch Netwrok" in all_text(second) and "Mijente Support" in all_text(second)
    assert len(dms(fake_slack, "ULEAD2")) == 2

    await sign(store, letter, "Detention Watch", at=T0 + timedelta(hours=1, minutes=5))
    for pair in await store.reviews.pending(letter.id):
        await store.reviews.keep_both(pair.id, user_id=LEAD, now=T0 + timedelta(hours=1))
    await dispatcher.run_due(T0 + timedelta(hours=3))
    assert len(dms(fake_slack, LEAD)) == 2


async def test_a_lead_of_two_letters_hears_of_possible_duplicates_at_most_once_an_hour(
    store: Store, client: AsyncWebClient, dispatcher: Dispatcher, fake_slack: FakeSlack
) -> None:
    """Pairs on a second letter ten minutes later wait for the hour, then come."""
    first = await posted(store, client, deadline=T0 + timedelta(days=10))
    second = await posted(store, client, deadline=T0 + timedelta(days=9), title="Second letter")
    await sign(store, first, "American Civil Liberties Union", at=T0)
    await sign(store, first, "ACLU", at=T0)
    await dispatcher.run_due(T0 + timedelta(minutes=1))
    assert len(dms(fake_slack, LEAD)) == 1
    later = T0 + timedelta(minutes=10)
    await sign(store, second, "Detention Watch Network", at=later)
    await sign(store, second, "Detention Watch Netwrok", at=later)
    await dispatcher.run_due(later + timedelta(minutes=1))
    await dispatcher.run_due(T0 + timedelta(minutes=60))
    assert len(dms(fake_slack, LEAD)) == 1
    await dispatcher.run_due(T0 + timedelta(minutes=61))
    (_, notice) = dms(fake_slack, LEAD)
    assert "*Second letter*" in all_text(notice) and "Netwrok" in all_text(notice)
