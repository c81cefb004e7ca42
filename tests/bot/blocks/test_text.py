"""Slack's text encoding, both ways."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.rules.mrkdwn import message_text_to_plain
from bot.slack.blocks.text import escape, slack_date


def test_escape_neutralizes_mentions_links_and_entities() -> None:
    """The three characters Slack reserves are escaped, and only those."""
    assert escape("<!channel> <@U1> <https://x|y> a & b *bold*") == (
        "&lt;!channel&gt; &lt;@U1&gt; &lt;https://x|y&gt; a &amp; b *bold*"
    )


@pytest.mark.parametrize(
    ("encoded", "seen"),
    [
        ("Tom &amp; Jerry &lt;3 &gt;", "Tom & Jerry <3 >"),
        ("see <https://example.org|our report>", "see our report"),
        ("see <https://example.org>", "see https://example.org"),
        ("write <mailto:a@b.org|a@b.org>", "write a@b.org"),
        ("thanks <@U123|maria> and <@U456>", "thanks @maria and @U456"),
        ("in <#C123|general>", "in #general"),
        ("hey <!here> and <!channel>", "hey @here and @channel"),
        ("team <!subteam^S1|@leads>", "team @leads"),
        ("by <!date^1700000000^{date}|Nov 14>", "by Nov 14"),
    ],
)
def test_message_text_reads_as_the_person_sees_it(encoded: str, seen: str) -> None:
    """A pasted letter's links, mentions and entities become what the reader saw."""
    assert message_text_to_plain(encoded) == seen


def test_slack_date_shows_each_reader_their_timezone_with_a_local_fallback() -> None:
    """The token carries the instant; the fallback is in the coalition's timezone."""
    moment = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # the morning US clocks spring forward
    assert slack_date(moment, zone=ZoneInfo("America/New_York")) == (
        "<!date^1772955000^{date_long_pretty} at {time}|Sunday, March 8, 2026 at 3:30 AM EDT>"
    )
