"""Reminders in the letter form, /letter extend, /letter edit, and failed posts in the list,
through signed requests into the app with the scheduler running on the real clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from bot.rules.forms import Field
from bot.rules.timing import clock, parse_offsets
from bot.slack.blocks.edits import EDIT_CALLBACK_ID
from bot.storage import Store
from tests.conftest import LEAD, MEMBER, ORGANIZER, ZONE
from tests.fake_slack import FakeSlack
from tests.helpers import (
    all_text,
    as_submitted,
    ask,
    coalition,
    form_values,
    head_messages,
    post_letter,
)
from tests.slack_driver import SlackDriver


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)


def thread_replies(fake: FakeSlack, channel: str) -> list[str]:
    (head,) = head_messages(fake, channel)
    return [all_text(m) for m in fake.channel_messages(channel) if m.thread_ts == head.ts]


async def open_edit_form(
    slack: SlackDriver, fake: FakeSlack, text: str, *, user: str
) -> dict[str, Any]:
    before = len(fake.calls_to("views.open"))
    await slack.command("/letter", text, user=user, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    view: dict[str, Any] = fake.calls_to("views.open")[-1].args["view"]
    return view


def edit_values(
    view: dict[str, Any],
    *,
    deadline: int,
    reminders: str,
    leads: list[str],
    goal: str | None = None,
) -> dict[str, dict[str, Any]]:
    """The edit form submitted with these schedule answers, the rest as it opened."""
    changes = {Field.DEADLINE: deadline, Field.REMINDERS: reminders, Field.LEADS: leads}
    return as_submitted(view, **changes, **({Field.GOAL: goal} if goal else {}))


async def test_the_letter_form_offers_the_default_reminders_and_keeps_a_custom_schedule(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The form shows REMINDERS filled in, the last two marked as shown in the channel;
    what the organizer types there is the letter's, marks included."""
    await post_letter(slack, fake_slack, reminders="2d!, 90m")
    view = fake_slack.calls_to("views.open")[0].args["view"]
    (block,) = [b for b in view["blocks"] if b.get("block_id") == Field.REMINDERS]
    assert block["element"]["initial_value"] == "7d,3d,1d!,3h!"
    letter = await store.letters.get(1)
    assert letter is not None
    assert letter.reminders == parse_offsets("2d,90m")
    assert letter.shown_reminders == parse_offsets("2d")


async def test_a_reminder_schedule_that_makes_no_sense_is_shown_against_its_field(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """'every day' is refused on the form itself, and nothing is posted."""
    await slack.command("/letter", "new", user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open"))
    view = fake_slack.calls_to("views.open")[0].args["view"]
    values = form_values(body="Text.", channels=["CCOALITION"], reminders="every day")
    reply = await slack.submit_view(view, values, user=ORGANIZER)
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert "isn't a duration" in answer["errors"][Field.REMINDERS]
    assert await store.letters.all() == []


async def test_extend_moves_the_deadline_and_announces_it_in_every_thread(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """`/letter extend #1 <a date> 17:00` answers with the new time, and each posted copy
    shows it, with an announcement in its thread."""
    await post_letter(slack, fake_slack)
    day = (datetime.now(ZONE) + timedelta(days=60)).date()
    answer = await ask(slack, fake_slack, f"extend #1 {day:%Y-%m-%d} 17:00", user=LEAD)
    assert "now closes " in answer["text"] and " ET. Reminders" in answer["text"]
    assert "Reminders: `7d,3d,1d,3h` before the deadline." in answer["text"]
    new_deadline = datetime.combine(day, time(17, 0), tzinfo=ZONE).astimezone(UTC)
    letter = await store.letters.get(1)
    assert letter is not None and letter.deadline == new_deadline
    await fake_slack.wait_for(
        lambda: all(thread_replies(fake_slack, c) for c in ("CCOALITION", "CSTATES"))
    )
    for channel in ("CCOALITION", "CSTATES"):
        (announcement,) = thread_replies(fake_slack, channel)
        assert clock(new_deadline, ZONE) in announcement
        (head,) = head_messages(fake_slack, channel)
        assert clock(new_deadline, ZONE) in all_text(head)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("extend 2001-01-01 09:00", "Monday, January 1, 2001 at 9:00 AM EST has already passed"),
        ("extend #1 <!channel> soon", "can't read “@channel soon”"),
        ("extend", "Say when letter #1 should close"),
        ("extend #9 friday", "There's no letter #9"),
    ],
)
async def test_extend_explains_what_it_cannot_use(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store, text: str, expected: str
) -> None:
    """A past time, an unreadable one, none, or an unknown letter: a private answer, and
    the deadline stays as it was."""
    await post_letter(slack, fake_slack)
    before = await store.letters.get(1)
    answer = await ask(slack, fake_slack, text)
    assert expected in answer["text"]
    assert "<!channel>" not in answer["text"]
    assert await store.letters.get(1) == before


async def test_only_organizers_and_leads_can_extend(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    await post_letter(slack, fake_slack)
    answer = await ask(slack, fake_slack, "extend friday 5pm", user=MEMBER)
    assert "Only organizers and the leads" in answer["text"]


async def test_the_edit_form_changes_deadline_reminders_leads_and_goal(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The form opens with the letter as it is; saving reschedules and announces a new
    deadline, and the post shows the goal."""
    await post_letter(slack, fake_slack)
    view = await open_edit_form(slack, fake_slack, "edit", user=ORGANIZER)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    letter = await store.letters.get(1)
    assert letter is not None
    assert blocks[Field.DEADLINE]["element"]["initial_date_time"] == int(
        letter.deadline.timestamp()
    )
    assert blocks[Field.REMINDERS]["element"]["initial_value"] == "7d,3d,1d!,3h!"
    assert blocks[Field.LEADS]["element"]["initial_users"] == [LEAD]

    new_deadline = int((datetime.now(UTC) + timedelta(days=20)).timestamp())
    values = edit_values(
        view, deadline=new_deadline, reminders="1d", leads=[LEAD, "UOTHER"], goal="50"
    )
    reply = await slack.submit_view(view, values, user=ORGANIZER)
    answer = reply.json()
    assert answer["response_action"] == "update"
    assert "Reminders: `1d` before the deadline." in str(answer["view"])
    edited = await store.letters.get(1)
    assert edited is not None
    assert int(edited.deadline.timestamp()) == new_deadline
    assert edited.reminders == (timedelta(days=1),)
    assert edited.leads == (LEAD, "UOTHER") and edited.goal == 50
    await fake_slack.wait_for(lambda: thread_replies(fake_slack, "CSTATES"))
    (head,) = head_messages(fake_slack, "CSTATES")
    assert "*0 of 50* signed" in all_text(head)


async def test_an_edit_submitted_by_someone_who_may_not_manage_the_letter_changes_nothing(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A replayed or forwarded form is checked on the server, not trusted."""
    await post_letter(slack, fake_slack)
    before = await store.letters.get(1)
    view = await open_edit_form(slack, fake_slack, "edit #1", user=ORGANIZER)
    values = edit_values(view, deadline=0, reminders="1h", leads=[MEMBER])
    reply = await slack.submit_view(view, values, user=MEMBER)
    assert "Only organizers and the leads" in str(reply.json()["view"])
    assert await store.letters.get(1) == before
    assert view["callback_id"] == EDIT_CALLBACK_ID


async def test_the_edit_form_points_at_each_field_to_fix(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A past deadline and a bad schedule are shown against their fields; nothing saved."""
    await post_letter(slack, fake_slack)
    before = await store.letters.get(1)
    view = await open_edit_form(slack, fake_slack, "edit", user=LEAD)
    values = edit_values(view, deadline=1_000_000_000, reminders="3 weeks", leads=[LEAD])
    answer = (await slack.submit_view(view, values, user=LEAD)).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {Field.DEADLINE, Field.REMINDERS}
    assert await store.letters.get(1) == before


async def test_a_post_slack_refuses_shows_in_letter_list(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The bot was removed from a channel before the close: organizers see what didn't go
    out, and where."""
    await post_letter(slack, fake_slack)
    fake_slack.channels["CSTATES"].members.clear()
    await ask(slack, fake_slack, "close 1")
    await fake_slack.wait_for(lambda: fake_slack.shared_files)
    await fake_slack.wait_for(lambda: any(c.error == "not_in_channel" for c in fake_slack.calls))
    # Slack's refusal is recorded just after Slack gives it: list once it is.
    for _ in range(500):
        if await store.history.letters_with_problems():
            break
        await asyncio.sleep(0.02)
    answer = await ask(slack, fake_slack, "list")  # closed, but listed: a post is missing
    text = answer["blocks"][0]["text"]["text"]
    assert (
        "The closing post for <#CSTATES> couldn't be sent: I'm not in that channel (a "
        "private one, or one I was removed from). Invite me there (`/invite @Undersigned`) "
        "and the next posts reach it. _(Slack said `not_in_channel`)_"
    ) in text
