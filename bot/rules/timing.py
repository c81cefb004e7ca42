"""Time math for a drive: reminder offsets, when reminders fall, the next daily tally,
and the deadlines organizers type. Pure functions; the current time is always passed in.

An offset's whole days keep the wall-clock time where the coalition works: "7d" before a
5 p.m. deadline is 5 p.m. a week earlier, even across a daylight-saving change. What is
left over is real elapsed time: "3h" is three hours before, whatever the clocks do. (An
offset is a length of time, so "48h" is the same as "2d".)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from dateparser.date import DateDataParser

from bot.rules.language import day as day_in_language
from bot.rules.language import moment as moment_in_language
from bot.rules.language import ngettext, number
from bot.rules.limits import DEADLINE_MAX_AHEAD
from bot.rules.schedule import Plan

DEFAULT_REMINDERS = "7d,3d,1d,3h"
# A reminder further out than this is a typo, not a plan.
OFFSET_MAX = timedelta(days=90)
REMINDERS_MAX = 10
# A drive runs for days or weeks; a deadline further out than this is a slip.
# A deadline given as a day alone ("friday") means the end of that working day.
DEFAULT_DEADLINE_TIME = time(17, 0)

_UNITS = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_OFFSET = re.compile(r"(\d{1,4})\s*([dhm])")
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")

# Leads hear of new possible duplicates at most this often: the first at once, any
# that follow together.
DUPLICATES_NOTICE_GAP = timedelta(hours=1)
# And a minute after the first, so a burst's pairs come in one DM.
DUPLICATES_NOTICE_SETTLE = timedelta(minutes=1)
# A scheduled post still failing this long after it fell due is given up on (and shown).
GIVE_UP_AFTER = timedelta(hours=24)
# A roster contact hears a chase about one letter at most this often, whatever sends it
# (a reminder, a lead's `/letter chase`): a daily nudge, and never a barrage.
CHASE_GAP = timedelta(hours=20)
# Entries are looked at for verification this long after they are made, all of a
# letter's together: time for a roster contact to sign as well, which verifies it.
VERIFY_AFTER = timedelta(minutes=10)
# On a letter that holds unverified sign-ons back, within this: they count only then.
VERIFY_HELD_AFTER = timedelta(seconds=15)
# Names and timezones read from Slack are asked again after this long.
PEOPLE_STALE_AFTER = timedelta(days=1)


class TimingError(ValueError):
    """Something typed that isn't a time or schedule we can use; the message says why."""


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """'7d,3d,1d,3h' → offsets before the deadline, furthest first, without repeats.

    An empty text means no reminders at all.
    """
    offsets = set()
    for part in (piece.strip().lower() for piece in text.split(",")):
        if not part:
            continue
        match = _OFFSET.fullmatch(part)
        if match is None:
            raise TimingError(
                f"“{part}” isn't a duration; use a number and d, h or m, such as 3d or 12h"
            )
        offset = int(match.group(1)) * _UNITS[match.group(2)]
        if not timedelta(0) < offset <= OFFSET_MAX:
            raise TimingError(f"“{part}” is out of range; reminders go up to 90 days before")
        offsets.add(offset)
    if len(offsets) > REMINDERS_MAX:
        raise TimingError(f"choose at most {REMINDERS_MAX} reminders")
    return tuple(sorted(offsets, reverse=True))


# Reminders shown in the channel too (not only in the thread) when a letter names none:
# the last ones, which fall when people still can and must act.
SHOWN_BY_DEFAULT = 2
_SHOWN_MARK = "!"


def parse_reminders(text: str) -> tuple[tuple[timedelta, ...], tuple[timedelta, ...] | None]:
    """'7d,3d,1d!,3h!' → the offsets (as `parse_offsets`), and those marked with ! to
    show in the channel too; None when none is marked (the last two are)."""
    parts = [piece.strip() for piece in text.split(",") if piece.strip()]
    marked = [part.rstrip(_SHOWN_MARK).strip() for part in parts if part.endswith(_SHOWN_MARK)]
    offsets = parse_offsets(",".join(part.rstrip(_SHOWN_MARK) for part in parts))
    if not marked:
        return offsets, None
    return offsets, parse_offsets(",".join(marked))


def shown_in_channel(
    offsets: tuple[timedelta, ...], shown: tuple[timedelta, ...] | None
) -> frozenset[timedelta]:
    """The reminders that show in the channel as well as in the thread."""
    if shown is not None:
        return frozenset(shown) & frozenset(offsets)
    return frozenset(sorted(offsets)[:SHOWN_BY_DEFAULT])


def format_reminders(offsets: tuple[timedelta, ...], shown: tuple[timedelta, ...] | None) -> str:
    """The notation `parse_reminders` reads, each reminder shown in the channel marked."""
    channel = shown_in_channel(offsets, shown)
    return ",".join(
        format_offset(offset) + (_SHOWN_MARK if offset in channel else "") for offset in offsets
    )


def format_offsets(offsets: Iterable[timedelta]) -> str:
    """The notation `parse_offsets` reads, in its largest whole units: (7 days, 3 h) → '7d,3h'."""
    return ",".join(format_offset(offset) for offset in offsets)


def format_offset(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def reminder_time(deadline: datetime, offset: timedelta, *, zone: ZoneInfo) -> datetime:
    """When the reminder `offset` before `deadline` falls, in UTC."""
    whole_days, rest = divmod(offset, timedelta(days=1))
    # Arithmetic on an aware datetime in `zone` is wall-clock arithmetic: days keep the
    # hour across a daylight-saving change; the remainder is then taken as elapsed time.
    local = deadline.astimezone(zone) - timedelta(days=whole_days)
    return local.astimezone(UTC) - rest


def upcoming_reminders(
    deadline: datetime, offsets: Sequence[timedelta], *, zone: ZoneInfo, now: datetime
) -> list[tuple[timedelta, datetime]]:
    """Each offset with its time, for the reminders still ahead; past ones are skipped."""
    times = [(offset, reminder_time(deadline, offset, zone=zone)) for offset in offsets]
    return [(offset, due) for offset, due in times if now < due < deadline]


def plan(
    deadline: datetime, offsets: Sequence[timedelta], *, zone: ZoneInfo, now: datetime
) -> Plan:
    """What to schedule for `deadline`: the reminders still ahead, then the close."""
    return Plan(
        deadline=deadline,
        reminders=tuple(upcoming_reminders(deadline, offsets, zone=zone, now=now)),
    )


def parse_clock(text: str) -> time:
    """'09:00' → 09:00; raises TimingError for anything else."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise TimingError(f"“{text}” isn't a time of day; use 24-hour HH:MM, such as 09:00")
    return time(int(match.group(1)), int(match.group(2)))


def next_tally_time(after: datetime, *, at: time, zone: ZoneInfo) -> datetime:
    """The first daily tally time strictly after `after`, in UTC."""
    trigger = CronTrigger(hour=at.hour, minute=at.minute, timezone=zone)
    # Cron triggers fire at or after the "now" they are given; one microsecond on makes
    # a tally due exactly now count as this one, not the next.
    fire: datetime = trigger.get_next_fire_time(None, after.astimezone(zone) + timedelta(0, 0, 1))
    return fire.astimezone(UTC)


def time_to(deadline: datetime, *, now: datetime) -> tuple[str, int]:
    """The time to the deadline, rounded for reading, as a unit and a number:
    ('day', 3), ('hour', 5), ('minute', 20)."""
    seconds = (deadline - now).total_seconds()
    if seconds >= 23.5 * 3600:
        return "day", round(seconds / 86_400)
    if seconds >= 59.5 * 60:
        return "hour", round(seconds / 3600)
    return "minute", max(1, round(seconds / 60))


def time_left(deadline: datetime, *, now: datetime) -> str:
    """'3 days', '5 hours', '20 minutes': the time to the deadline, rounded for reading."""
    unit, n = time_to(deadline, now=now)
    if unit == "day":
        phrase = ngettext("{count} day", "{count} days", n)
    elif unit == "hour":
        phrase = ngettext("{count} hour", "{count} hours", n)
    else:
        phrase = ngettext("{count} minute", "{count} minutes", n)
    return phrase.format(count=number(n))


def parse_deadline(text: str, *, now: datetime, zone: ZoneInfo) -> datetime:
    """A new deadline as an organizer types it, in `zone`: '2026-12-01 17:00',
    'friday 5pm', 'dec 3', 'tomorrow noon'. A day without a time means 5 p.m."""
    text = " ".join(text.split())
    if not text:
        raise TimingError("say when, such as `friday 5pm` or `2026-12-01 17:00`")
    local_now = now.astimezone(zone)
    try:
        parsed = _parser(local_now.replace(tzinfo=None)).get_date_data(text)
        return _deadline(text, parsed, now=now, zone=zone)
    except (OverflowError, ValueError) as problem:  # a year 9999, say, or 0001 in UTC+14
        if isinstance(problem, TimingError):
            raise
        raise TimingError(
            f"“{text}” is out of any sensible range; choose a date this year"
        ) from None


def _deadline(text: str, parsed: Any, *, now: datetime, zone: ZoneInfo) -> datetime:
    local_now = now.astimezone(zone)
    if parsed.date_obj is None or parsed.period not in {"day", "time"}:
        raise TimingError(
            f"I can't read “{text}” as a date and time; try `friday 5pm` or `2026-12-01 17:00`"
        )
    moment: datetime = parsed.date_obj
    if parsed.period == "day":
        moment = datetime.combine(moment.date(), DEFAULT_DEADLINE_TIME, tzinfo=moment.tzinfo)
    if _weekday_named(
        text
    ) == local_now.weekday() and moment.date() == local_now.date() + timedelta(days=7):
        # "friday 5pm" typed on a Friday morning means today, not a week from today.
        earlier = moment - timedelta(days=7)
        if _aware(earlier, zone) > now:
            moment = earlier
    deadline = _aware(moment, zone)
    named = _weekday_named(text)
    if named is not None and deadline.astimezone(zone).weekday() != named:
        raise TimingError(
            f"I read “{text}” as {_local(deadline, zone)}, which isn't the day you named; "
            "try a date such as `2026-12-04 17:00`"
        )
    if deadline <= now:
        raise TimingError(f"{_local(deadline, zone)} has already passed; choose a later time")
    if deadline - now > DEADLINE_MAX_AHEAD:
        raise TimingError(f"{_local(deadline, zone)} is more than a year away")
    return deadline


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    """A parsed time in UTC: in the zone it named ("5pm PT"), else in `zone`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday_named(text: str) -> int | None:
    """The weekday `text` names ("fri", "Friday"), Monday being 0; None if none."""
    for word in re.findall(r"[a-z]+", text.lower()):
        for weekday, name in enumerate(_WEEKDAYS):
            if word == name or word == name[:3]:
                return weekday
    return None


def _parser(base: datetime) -> DateDataParser:
    return DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": base,
            "RETURN_TIME_AS_PERIOD": True,
            "DATE_ORDER": "MDY",
        },
    )


def _local(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%A, %B} {local.day}, {local.year} at {local:%-I:%M %p} {local.tzname()}"


def verify_due(now: datetime, *, hold: bool = False) -> datetime:
    """When entries made at `now` are looked at for verification: the end of the
    `VERIFY_AFTER` window after the one `now` falls in, so those made together share it.
    On a letter that holds unverified sign-ons back, which count only once looked at,
    the end of the `VERIFY_HELD_AFTER` window `now` falls in."""
    window = VERIFY_HELD_AFTER if hold else VERIFY_AFTER
    step = window.total_seconds()
    start = datetime.fromtimestamp(now.timestamp() // step * step, tz=now.tzinfo)
    return start + window if hold else start + 2 * window


# The short names people use for the zones most coalitions work in; any other zone is
# named as Python names it ("CET", "GMT+2").
_ZONE_NAMES = {
    "America/New_York": "ET",
    "America/Detroit": "ET",
    "America/Chicago": "CT",
    "America/Denver": "MT",
    "America/Phoenix": "MST",
    "America/Los_Angeles": "PT",
    "America/Anchorage": "AKT",
    "Pacific/Honolulu": "HT",
    "America/Puerto_Rico": "AST",
}


def clock(moment: datetime, zone: ZoneInfo) -> str:
    """'Mon Nov 23, 5:00 PM ET': a moment as people read it, with its zone, in the
    reader's language ('lun 23 nov, 17:00 ET')."""
    name = _ZONE_NAMES.get(zone.key) or moment.astimezone(zone).tzname() or zone.key
    return f"{moment_in_language(moment, zone)} {name}"


def day(moment: datetime, zone: ZoneInfo) -> str:
    """'Mon Nov 23': the day of a moment, in `zone`."""
    return day_in_language(moment, zone)
