"""Reminder offsets, reminder and tally times (across daylight saving), typed deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.rules.timing import (
    TimingError,
    format_offsets,
    next_tally_time,
    parse_deadline,
    parse_offsets,
    reminder_time,
    time_left,
    upcoming_reminders,
)
from tests.conftest import ZONE

NOW = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)  # Sunday 17:30 in New York


def test_the_default_schedule_reads_as_four_offsets_furthest_first() -> None:
    """'7d,3d,1d,3h' is a week, three days, a day and three hours."""
    assert parse_offsets("7d,3d,1d,3h") == (
        timedelta(days=7),
        timedelta(days=3),
        timedelta(days=1),
        timedelta(hours=3),
    )


def test_offsets_are_tidied_sorted_and_deduplicated() -> None:
    """Spaces, capitals, order and repeats don't matter; empty means no reminders."""
    assert parse_offsets(" 30M, 2D ,12h,2d,") == (
        timedelta(days=2),
        timedelta(hours=12),
        timedelta(minutes=30),
    )
    assert parse_offsets("") == ()
    assert format_offsets(parse_offsets("90m,48h,1d")) == "2d,1d,90m"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("3 weeks", "isn't a duration"),
        ("0d", "out of range"),
        ("91d", "out of range"),
        ("1d,2d,3d,4d,5d,6d,7d,8d,9d,10d,11d", "at most 10"),
        ("<!channel>", "isn't a duration"),
        ("-3h", "isn't a duration"),
    ],
)
def test_offsets_that_make_no_sense_are_refused_with_a_reason(text: str, problem: str) -> None:
    """Each mistake is named, so the form can say what to fix."""
    with pytest.raises(TimingError, match=problem):
        parse_offsets(text)


def test_reminders_already_past_are_left_out() -> None:
    """Two days before the deadline, only the 1-day and 3-hour reminders are ahead."""
    deadline = NOW + timedelta(days=2)
    ahead = upcoming_reminders(deadline, parse_offsets("7d,3d,1d,3h"), zone=ZONE, now=NOW)
    assert [offset for offset, _ in ahead] == [timedelta(days=1), timedelta(hours=3)]


def test_whole_days_keep_the_hour_and_hours_are_elapsed_time_across_dst() -> None:
    """Clocks go back on 1 November 2026 in New York: 7 days before 5 p.m. EST on
    3 November is 5 p.m. EDT on 27 October; 3 hours before is 2 p.m. EST."""
    deadline = datetime(2026, 11, 3, 22, 0, tzinfo=UTC)
    week = reminder_time(deadline, timedelta(days=7), zone=ZONE)
    assert week == datetime(2026, 10, 27, 21, 0, tzinfo=UTC)
    assert week.astimezone(ZONE).hour == 17
    assert reminder_time(deadline, timedelta(hours=3), zone=ZONE) == datetime(
        2026, 11, 3, 19, 0, tzinfo=UTC
    )
    mixed = reminder_time(deadline, timedelta(days=3, hours=2), zone=ZONE)
    assert mixed == datetime(2026, 10, 31, 19, 0, tzinfo=UTC)  # 15:00 EDT


def test_the_tally_time_is_local_time_through_a_dst_change() -> None:
    """9:00 in New York is 13:00 UTC on 31 October and 14:00 UTC on 1 November."""
    saturday = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
    assert next_tally_time(saturday, at=time(9), zone=ZONE) == datetime(
        2026, 10, 31, 13, 0, tzinfo=UTC
    )
    after = datetime(2026, 10, 31, 13, 0, tzinfo=UTC)
    assert next_tally_time(after, at=time(9), zone=ZONE) == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("2026-12-01 17:00", datetime(2026, 12, 1, 17, 0)),
        ("friday 5pm", datetime(2026, 12, 4, 17, 0)),
        ("Friday", datetime(2026, 12, 4, 17, 0)),
        ("tomorrow noon", datetime(2026, 11, 30, 12, 0)),
        ("dec 3 9:30am", datetime(2026, 12, 3, 9, 30)),
        ("12/4", datetime(2026, 12, 4, 17, 0)),
        ("5pm", datetime(2026, 11, 30, 17, 0)),
    ],
)
def test_deadlines_are_read_in_the_coalition_timezone(text: str, local: datetime) -> None:
    """Dates and times as people type them; a day alone means 5 p.m. that day."""
    assert parse_deadline(text, now=NOW, zone=ZONE) == local.replace(tzinfo=ZONE)


def test_a_weekday_named_on_that_very_day_means_today_while_its_time_is_ahead() -> None:
    """On a Friday morning 'friday 5pm' is this afternoon; 'friday 8am' is next week."""
    friday_9am = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    assert parse_deadline("friday 5pm", now=friday_9am, zone=ZONE) == datetime(
        2026, 12, 4, 17, 0, tzinfo=ZONE
    )
    assert parse_deadline("fri 8am", now=friday_9am, zone=ZONE) == datetime(
        2026, 12, 11, 8, 0, tzinfo=ZONE
    )


def test_a_timezone_typed_with_the_time_is_kept() -> None:
    """'friday 5pm PT' is 8 p.m. in New York, not 5."""
    assert parse_deadline("friday 5pm PT", now=NOW, zone=ZONE) == datetime(
        2026, 12, 4, 20, 0, tzinfo=ZONE
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("3 friday 5pm", "isn't the day you named"),
        ("9999-12-31 23:59", "out of any sensible range|more than a year away"),
        ("in 999999999 minutes", "out of any sensible range|more than a year away"),
        ("2028-01-01 09:00", "more than a year away"),
        ("2025-01-01", "has already passed"),
        ("yesterday 9am", "has already passed"),
        ("next week", "can't read"),
        ("<!here> friday", "can't read"),
        ("", "say when"),
        ("9" * 10_000, "can't read"),
    ],
)
def test_deadlines_that_cannot_be_used_are_refused(text: str, problem: str) -> None:
    """Past, vague or unreadable times are refused with a reason."""
    with pytest.raises(TimingError, match=problem):
        parse_deadline(text, now=NOW, zone=ZONE)


def test_time_left_reads_like_a_person_would_say_it() -> None:
    deadline = NOW + timedelta(days=3)
    assert time_left(deadline, now=NOW) == "3 days"
    assert time_left(deadline, now=deadline - timedelta(hours=23, minutes=50)) == "1 day"
    assert time_left(deadline, now=deadline - timedelta(hours=3)) == "3 hours"
    assert time_left(deadline, now=deadline - timedelta(seconds=10)) == "1 minute"
