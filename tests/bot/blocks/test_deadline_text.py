"""Deadlines nobody misreads: in the coalition's timezone, named, and where a reader's
own is known and differs, their time beside it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.slack.blocks.text import deadline_text

EASTERN = ZoneInfo("America/New_York")
DEADLINE = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 5 p.m. in New York


def test_a_deadline_names_its_timezone() -> None:
    assert deadline_text(DEADLINE, zone=EASTERN) == "Mon Nov 23, 5:00 PM ET"
    assert deadline_text(DEADLINE, zone=ZoneInfo("America/Chicago")) == "Mon Nov 23, 4:00 PM CT"
    paris = deadline_text(DEADLINE, zone=ZoneInfo("Europe/Paris"))
    assert paris == "Mon Nov 23, 11:00 PM CET"


def test_a_reader_elsewhere_also_reads_their_own_time() -> None:
    west = deadline_text(DEADLINE, zone=EASTERN, reader=ZoneInfo("America/Los_Angeles"))
    assert west == "Mon Nov 23, 5:00 PM ET (2:00 PM your time)"
    # A day later where they are: the day is said.
    tokyo = deadline_text(DEADLINE, zone=EASTERN, reader=ZoneInfo("Asia/Tokyo"))
    assert tokyo == "Mon Nov 23, 5:00 PM ET (Tue 7:00 AM your time)"
    # The same clock, whatever the zone's name: nothing beside it.
    same = deadline_text(DEADLINE, zone=EASTERN, reader=ZoneInfo("America/Detroit"))
    assert same == "Mon Nov 23, 5:00 PM ET"
