"""Posted copies follow the letter: count lines under a budget, and copies posted before
long letters went on in the thread."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_client
from bot.rules.letters import NewLetter
from bot.rules.timing import plan
from bot.services.live_count import LiveCount
from bot.settings import Settings
from bot.slack.blocks.text import plain
from bot.slack.letters import publish_letter
from bot.slack.pacing import CallBudget
from bot.storage import Store
from tests.conftest import ORGANIZER, ZONE
from tests.fake_slack import FakeSlack
from tests.helpers import (
    all_text,
    coalition,
    has_sign_on_button,
    head_messages,
    posted_letter_text,
    workspaces_for,
)

NOW = datetime.now(UTC)


class OneTurnAtATime(CallBudget):
    """A budget of one call, whose next turn comes when the test gives it: the wait for
    a turn, without waiting out a window."""

    def __init__(self) -> None:
        super().__init__(calls=1)
        self.next_turn = asyncio.Event()
        self._spent = 0

    async def spend(self, *, unless: asyncio.Event | None = None) -> bool:
        if self._spent:
            await self.next_turn.wait()
            self.next_turn.clear()
        self._spent += 1
        return True


async def new_letter(store: Store, body: str, channels: tuple[str, ...]) -> int:
    deadline = NOW + timedelta(days=7)
    new = NewLetter(
        title="Protect our communities",
        addressee="Secretary Doe",
        body=body,
        deadline=deadline,
        channels=channels,
        leads=(),
        goal=None,
        created_by=ORGANIZER,
    )
    letter = await store.letters.create(new, plan=plan(deadline, (), zone=ZONE, now=NOW), now=NOW)
    return letter.id


async def test_a_copy_updated_while_the_letter_closes_shows_it_closed(
    store: Store, settings: Settings, fake_slack: FakeSlack
) -> None:
    """An update waiting for its turn under the budget is built from the letter as it
    is when its turn comes, not as it was when the pass began."""
    coalition(fake_slack, "C1", "C2")
    client = build_client(settings)
    letter_id = await new_letter(store, "Dear Secretary,\n\nAct.", ("C1", "C2"))
    letter = await store.letters.get(letter_id)
    assert letter is not None
    await publish_letter(client, store, letter, count=0, zone=ZONE)
    budget = OneTurnAtATime()
    live = LiveCount(workspaces=workspaces_for(client), store=store, budget=budget, delay=0.01)
    live.touch(letter_id)
    await fake_slack.wait_for(lambda: fake_slack.calls_to("chat.update"))
    await store.letters.close_now(letter_id, now=datetime.now(UTC))
    budget.next_turn.set()
    await live.settle()
    (first, second) = fake_slack.calls_to("chat.update")
    assert first.args["channel"] == "C1" and second.args["channel"] == "C2"
    (head,) = head_messages(fake_slack, "C2")
    assert not has_sign_on_button(head) and "sign-ons are closed" in all_text(head)


async def test_a_copy_posted_whole_in_the_channel_gets_its_thread_before_it_is_shortened(
    store: Store, settings: Settings, fake_slack: FakeSlack
) -> None:
    """A letter posted before long letters went on in the thread had all its text in
    the channel message: its first update adds the rest to the thread, so nothing is
    lost when the channel message becomes the opening only."""
    coalition(fake_slack, "C1")
    client: AsyncWebClient = build_client(settings)
    body = "\n\n".join(f"Paragraph {n}. " + "word " * 150 for n in range(8))
    letter_id = await new_letter(store, body, ("C1",))
    old_layout = [
        {"type": "section", "block_id": f"letter_text_{n}", "text": plain(piece)}
        for n, piece in enumerate(body[start : start + 3000] for start in range(0, len(body), 3000))
    ]
    posted = await client.chat_postMessage(channel="C1", text="letter", blocks=old_layout)
    await store.letters.record_post(letter_id, "C1", str(posted["ts"]))

    live = LiveCount(
        workspaces=workspaces_for(client), store=store, budget=CallBudget(), delay=0.01
    )
    live.touch(letter_id)
    await live.settle()
    (head,) = head_messages(fake_slack, "C1")
    assert "continues in the thread" in all_text(head)
    assert posted_letter_text(fake_slack, "C1") == body
    letter = await store.letters.get(letter_id)
    assert letter is not None and len(letter.posts[0].parts) >= 1

    live.touch(letter_id)
    await live.settle()
    assert posted_letter_text(fake_slack, "C1") == body  # the thread is added once


async def test_a_clean_stop_sends_the_count_a_burst_was_waiting_for(
    store: Store, settings: Settings, fake_slack: FakeSlack
) -> None:
    """A sign-on just before a stop: its count line is updated as the bot stops, not
    dropped with the wait for the burst to end."""
    coalition(fake_slack, "C1")
    client = build_client(settings)
    letter_id = await new_letter(store, "Dear Secretary,\n\nAct.", ("C1",))
    letter = await store.letters.get(letter_id)
    assert letter is not None
    await publish_letter(client, store, letter, count=0, zone=ZONE)
    live = LiveCount(
        workspaces=workspaces_for(client), store=store, budget=CallBudget(), delay=60.0
    )
    live.touch(letter_id)
    await asyncio.wait_for(live.settle(), 5)
    assert len(fake_slack.calls_to("chat.update")) == 1
