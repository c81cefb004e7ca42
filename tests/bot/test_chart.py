"""The drive's chart: a PNG image of sign-ons over time, with alt text that states the
numbers and fits what Slack takes."""

from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from PIL import Image

from bot.chart import ALT_TEXT_MAX, drive_chart
from tests.bot.blocks.test_letter import make_letter

ZONE = ZoneInfo("America/New_York")


def test_the_chart_is_a_png_whose_alt_text_carries_the_count() -> None:
    letter = make_letter("Act.", goal=200)
    times = [letter.created_at + timedelta(hours=3 * n) for n in range(152)]
    reminders = [letter.deadline - timedelta(days=d) for d in (7, 3, 1)]
    now = letter.created_at + timedelta(days=8)
    chart = drive_chart(letter, times, reminders=reminders, now=now, zone=ZONE)
    image = Image.open(io.BytesIO(chart.content))
    assert image.format == "PNG" and image.size == (800, 400)
    assert chart.name == "letter-7-sign-ons.png"
    assert "152 signed of a goal of 200 as of Nov 30, 2026" in chart.alt_text
    assert "2 of 3 reminders sent; sign-ons close Dec 2, 2026." in chart.alt_text


def test_a_long_title_keeps_the_alt_text_within_slacks_limit() -> None:
    letter = make_letter("Act.", title="A very long title " * 20)
    chart = drive_chart(letter, [], reminders=[], now=letter.created_at, zone=ZONE)
    assert len(chart.alt_text) <= ALT_TEXT_MAX and "0 signed" in chart.alt_text
    assert Image.open(io.BytesIO(chart.content)).format == "PNG"
