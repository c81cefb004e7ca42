"""Rendering the drive's chart for a 1,000-signer letter.

The target: under 1 second. Each round renders the chart for 1,000 sign-ons spread over
ten days, with a goal and four reminders; the baseline, in the same run, is the same
chart with no sign-ons (what matplotlib costs for the figure itself). Medians of the
rounds; exits 1 when the target is missed.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.rules.letters import Letter, LetterStatus, Post
from bot.texts.chart import drive_chart

ROUNDS = 7
SIGNERS = 1_000
TARGET_SECONDS = 1.0
ZONE = ZoneInfo("America/New_York")


def main() -> int:
    start = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    letter = Letter(
        id=1,
        title="Protect our communities",
        addressee="Secretary",
        body="Act.",
        deadline=start + timedelta(days=12),
        goal=1_200,
        status=LetterStatus.OPEN,
        created_by="U1",
        created_at=start,
        posts=(Post("C1"),),
        leads=(),
    )
    times = [start + timedelta(minutes=14 * n) for n in range(SIGNERS)]
    reminders = [letter.deadline - timedelta(days=d) for d in (7, 3, 1)]
    now = start + timedelta(days=10)
    drive_chart(letter, times[:10], reminders=reminders, now=now, zone=ZONE)  # warm fonts
    full, empty = [], []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        drive_chart(letter, times, reminders=reminders, now=now, zone=ZONE)
        full.append(time.perf_counter() - began)
        began = time.perf_counter()
        drive_chart(replace(letter, goal=None), [], reminders=[], now=now, zone=ZONE)
        empty.append(time.perf_counter() - began)
    median, baseline = statistics.median(full), statistics.median(empty)
    print("| chart | median | times the empty chart |")
    print("| --- | ---: | ---: |")
    ratio = median / baseline
    print(f"| {SIGNERS:,} signers, goal, 3 reminders | {median * 1000:.0f} ms | {ratio:.2f} |")
    print(f"| no signers (baseline) | {baseline * 1000:.0f} ms | 1.00 |")
    met = median < TARGET_SECONDS
    verdict = "met" if met else "MISSED"
    print(f"\nTarget (under {TARGET_SECONDS:.0f} s for {SIGNERS:,} signers): {verdict}.")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
