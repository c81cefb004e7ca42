"""Count lines under Slack's rate tiers: a letter in twenty channels and a burst of
sign-ons end with every posted copy showing the right count, without a 429 storm.

Slack allows chat.update about 50 times a minute per workspace (Tier 3). Here a minute
lasts a second and a half: the fake holds the bot to 50 updates in any 1.5 seconds, and
the bot's budget and longest wait for a burst to end are scaled to match, so what would
take minutes against Slack plays out in seconds."""

from __future__ import annotations

import asyncio

import pytest

from bot.services import live_count
from bot.slack import pacing
from tests.fake_slack import FakeSlack
from tests.helpers import all_text, coalition, head_messages, post_letter
from tests.slack_driver import SlackDriver

CHANNELS = tuple(f"CCHAPTER{n:02d}" for n in range(20))
WINDOW = 1.5


@pytest.fixture
def scaled_minute(fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_slack.rate_window = WINDOW
    monkeypatch.setattr(pacing, "TIER_WINDOW_SECONDS", WINDOW)
    monkeypatch.setattr(live_count, "COALESCE_MAX_SECONDS", 10.0 * WINDOW / 60.0)


@pytest.mark.usefixtures("scaled_minute")
async def test_a_burst_in_twenty_channels_converges_without_a_429_storm(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """120 sign-ons arriving over two "minutes" on a letter posted in 20 channels: the
    count lines keep moving, chat.update is never refused, and every copy ends on 120."""
    coalition(fake_slack, "CORGANIZING", *CHANNELS)
    await post_letter(slack, fake_slack, channels=CHANNELS)
    for wave in range(12):
        await asyncio.gather(
            *(
                slack.command(
                    "/signon",
                    f"Organization {wave}-{n}",
                    user=f"U{wave:02d}{n:02d}",
                    channel=CHANNELS[(wave + n) % len(CHANNELS)],
                )
                for n in range(10)
            )
        )
        await asyncio.sleep(WINDOW / 6)

    def all_show_the_count() -> bool:
        return all("*120* signed" in all_text(head_messages(fake_slack, c)[0]) for c in CHANNELS)

    await fake_slack.wait_for(all_show_the_count, within=30)
    updates = fake_slack.calls_to("chat.update")
    assert [call.error for call in updates if not call.ok] == []
    assert len(updates) > len(CHANNELS)  # the lines moved during the burst, not only after
