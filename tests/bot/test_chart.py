"""The drive's chart: a PNG image of sign-ons over time, with alt text that states the
numbers and fits what Slack takes."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from matplotlib.dates import date2num
from PIL import Image

from bot.rules.files import Attachment
from bot.texts.chart import ALT_TEXT_MAX, draw, drive_chart
from tests.bot.blocks.test_letter import make_letter

ZONE = ZoneInfo("America/New_York")


def image_of(chart: Attachment) -> Image.Image:
    assert isinstance(chart.content, bytes)
    return Image.open(io.BytesIO(chart.content))


def alt_text_of(chart: Attachment) -> str:
    assert chart.alt_text is not None
    return chart.alt_text


def test_the_chart_is_a_png_whose_alt_text_carries_the_count() -> None:
    letter = make_letter("Act.", goal=200)
    times = [letter.created_at + timedelta(hours=3 * n) for n in range(152)]
    reminders = [letter.deadline - timedelta(days=d) for d in (7, 3, 1)]
    now = letter.created_at + timedelta(days=8)
    chart = drive_chart(letter, times, reminders=reminders, now=now, zone=ZONE)
    image = image_of(chart)
    assert image.format == "PNG" and image.size == (800, 400)
    assert chart.name == "letter-7-sign-ons.png"
    assert "152 of 200 signed as of Nov 30, 2026" in alt_text_of(chart)
    assert "2 of 3 reminders sent; sign-ons close Dec 2, 2026." in alt_text_of(chart)


def test_a_long_title_keeps_the_alt_text_within_slacks_limit() -> None:
    letter = make_letter("Act.", title="A very long title " * 20)
    chart = drive_chart(letter, [], reminders=[], now=letter.created_at, zone=ZONE)
    assert len(alt_text_of(chart)) <= ALT_TEXT_MAX and "0 signed" in alt_text_of(chart)
    assert image_of(chart).format == "PNG"


@pytest.mark.parametrize(
    "title",
    [
        "Raise the wage to $15 by 2027 — not $12",
        "$15 an hour by 2027: #RaiseTheWage, not $12",
        r"Cut the $\frac budget$ in half",
    ],
)
def test_a_title_with_dollar_signs_is_drawn_as_written(title: str) -> None:
    """Two `$` in a title are not read as mathtext, which would refuse some of them."""
    letter = make_letter("Act.", title=title, goal=20)
    times = [letter.created_at + timedelta(hours=n) for n in range(3)]
    reminders = [letter.deadline - timedelta(days=1)]
    now = letter.created_at + timedelta(days=1)
    chart = drive_chart(letter, times, reminders=reminders, now=now, zone=ZONE)
    assert image_of(chart).format == "PNG"
    assert title in alt_text_of(chart) and chart.title == f"{title}: sign-ons over time"


def test_the_chart_runs_to_the_close_with_dates_the_sent_reminders_and_the_count() -> None:
    """The axis ends at the deadline; its ticks are dates ("Nov 30"); only reminders
    already sent are drawn; the count reached is written at the line's end; and the
    legend sits beside the plot, hiding none of it."""
    letter = make_letter("Act.", goal=200)
    times = [letter.created_at + timedelta(hours=n) for n in range(152)]
    reminders = [letter.deadline - timedelta(days=d) for d in (7, 3, 1)]
    now = letter.created_at + timedelta(days=8)
    sent = [d for d in reminders if d <= now]
    figure = draw(letter, times, reminders=sent, now=now, zone=ZONE)
    (axes,) = figure.axes
    close = float(date2num(letter.deadline))  # type: ignore[no-untyped-call]
    assert axes.get_xlim()[1] == pytest.approx(close)
    figure.canvas.draw()
    ticks = [label.get_text() for label in axes.get_xticklabels() if label.get_text()]
    assert ticks and all(re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}", tick) for tick in ticks)
    dotted = [line for line in axes.get_lines() if line.get_linestyle() == ":"]
    assert len(dotted) == len(sent) == 2
    assert [text.get_text() for text in axes.texts] == ["152"]
    assert axes.get_legend() is None and len(figure.legends) == 1
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels == ["Signed", "Goal", "Reminder sent", "Deadline"]


def test_the_reminders_marked_are_those_that_went_out() -> None:
    """Told which reminders went out, the chart counts those; a reminder due but never
    sent (the letter's channel was gone, say) is not one."""
    letter = make_letter("Act.", goal=200)
    times = [letter.created_at + timedelta(hours=n) for n in range(10)]
    reminders = [letter.deadline - timedelta(days=d) for d in (7, 3, 1)]
    now = letter.created_at + timedelta(days=8)
    chart = drive_chart(letter, times, reminders=reminders, now=now, zone=ZONE, sent=[reminders[0]])
    assert "1 of 3 reminders sent" in alt_text_of(chart)
