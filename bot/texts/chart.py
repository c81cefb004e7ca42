"""A picture of how a letter is going: sign-ons over time to the close, the count
reached, the goal, the reminders sent and the deadline, dates along the bottom and the
legend beside it, as a PNG with alt text that states the numbers.

matplotlib on its Agg canvas (no display, no pyplot state shared between threads);
pure: data in, bytes out.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter, DayLocator, date2num
from matplotlib.figure import Figure

from bot.rules.files import Attachment
from bot.rules.letters import Letter

# Slack refuses longer alt text (files.getUploadURLExternal: alt_txt_too_large).
ALT_TEXT_MAX = 1000
SIZE_INCHES = (8, 4)
DPI = 100
LINE = "#1d3557"
GOAL = "#2a9d8f"
REMINDER = "#adb5bd"
DEADLINE = "#e63946"
# At most about this many dates along the bottom.
MAX_DATE_TICKS = 8


def drive_chart(
    letter: Letter,
    signed_at: Sequence[datetime],
    *,
    reminders: Sequence[datetime],
    now: datetime,
    zone: ZoneInfo,
    sent: Sequence[datetime] | None = None,
) -> Attachment:
    """The cumulative count of entries (`signed_at`, one time each) from the letter's
    start to now (or its deadline, once past), with the goal, the reminders `sent` (of
    those planned, `reminders`; without word of what went out, those due by now) and
    the deadline."""
    times = sorted(signed_at)
    went_out = sorted(sent) if sent is not None else [r for r in reminders if r <= now]
    figure = draw(letter, times, reminders=went_out, now=now, zone=zone)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return Attachment(
        name=f"letter-{letter.id}-sign-ons.png",
        title=f"{letter.title}: sign-ons over time",
        content=out.getvalue(),
        alt_text=_alt_text(letter, times, reminders, went_out, now=now, zone=zone),
    )


def draw(
    letter: Letter,
    times: Sequence[datetime],
    *,
    reminders: Sequence[datetime],
    now: datetime,
    zone: ZoneInfo,
) -> Figure:
    """The chart's figure, for `drive_chart` to render (`times` in order; `reminders`
    those that went out)."""
    start = min([letter.created_at, *times])
    # The count to now (or the deadline, once past), and to the last sign-on if one came
    # later (an import can carry a time of its own); the axis to the close.
    end = max(min(now, letter.deadline), *times[-1:], start)
    close = max(letter.deadline, end)
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    xs = [_x(moment) for moment in [start, *times, end]]
    counts = [0, *range(1, len(times) + 1), len(times)]
    axes.step(xs, counts, where="post", color=LINE, linewidth=2, label="Signed")
    # The count reached, written where the line ends.
    axes.annotate(
        f"{len(times):,}",
        xy=(xs[-1], len(times)),
        xytext=(4, 4),
        textcoords="offset points",
        color=LINE,
        fontsize=10,
        fontweight="bold",
    )
    if letter.goal:
        axes.axhline(letter.goal, color=GOAL, linestyle="--", linewidth=1, label="Goal")
    # Only the reminders that went out: those still ahead, or never sent, weren't seen.
    for n, moment in enumerate(r for r in reminders if start <= r <= close):
        axes.axvline(
            _x(moment),
            color=REMINDER,
            linestyle=":",
            linewidth=1,
            label="Reminder sent" if n == 0 else None,
        )
    axes.axvline(_x(letter.deadline), color=DEADLINE, linewidth=1, label="Deadline")
    axes.set_xlim(_x(start), _x(close))
    days = max(1, round((close - start).total_seconds() / 86_400))
    axes.xaxis.set_major_locator(
        DayLocator(interval=max(1, days // MAX_DATE_TICKS), tz=zone)  # type: ignore[no-untyped-call]
    )
    axes.xaxis.set_major_formatter(DateFormatter("%b %-d", tz=zone))  # type: ignore[no-untyped-call]
    axes.set_ylim(bottom=0, top=max(len(times), letter.goal or 0, 1) * 1.15)
    # Every text drawn as written: a title with two `$` in it ("$15 by 2027, not $12")
    # is otherwise read as mathtext, misdrawn or refused.
    axes.set_ylabel("Signers", parse_math=False)
    axes.set_title(_short(letter.title, 80), loc="left", fontsize=11, parse_math=False)
    axes.grid(axis="y", alpha=0.3)
    # The legend beside the plot, where it hides none of the line.
    legend = figure.legend(loc="outside right upper", fontsize=8, frameon=False)
    for label in legend.get_texts():
        label.set_parse_math(False)
    return figure


def _x(moment: datetime) -> float:
    """A moment where the date axis puts it."""
    return float(date2num(moment))  # type: ignore[no-untyped-call]


def _alt_text(
    letter: Letter,
    times: Sequence[datetime],
    reminders: Sequence[datetime],
    sent: Sequence[datetime],
    *,
    now: datetime,
    zone: ZoneInfo,
) -> str:
    count = len(times)
    goal = f" of {letter.goal}" if letter.goal else ""
    if now >= letter.deadline:
        when = f"sign-ons closed {_day(letter.deadline, zone)}"
    elif not letter.is_open:
        when = "sign-ons are closed"
    else:
        when = f"sign-ons close {_day(letter.deadline, zone)}"
    first = f", the first on {_day(times[0], zone)}" if times else ""
    text = (
        f"Chart of sign-ons over time for “{_short(letter.title, 200)}”: {count}{goal} "
        f"signed as of {_day(now, zone)}{first}. {len(sent)} of {len(reminders)} "
        f"reminders sent; {when}."
    )
    return _short(text, ALT_TEXT_MAX)


def _day(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%b} {local.day}, {local:%Y}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
