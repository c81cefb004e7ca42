"""The daily tally DM: one message per lead, a few blocks per open letter they lead."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.tally import LetterTally
from bot.rules.timing import time_left
from bot.slack.blocks.replies import CHART_FAILED
from bot.slack.blocks.roster import reach_line
from bot.slack.blocks.text import (
    NOTIFICATION_TEXT_MAX,
    Block,
    escape,
    fitted,
    joined,
    mrkdwn,
    plain,
    slack_date,
    truncate,
)

# Enough names to recognize who came in; past this the number says the rest. Each list
# is a section of its own, its names counted escaped, so with the words around it it
# stays within a section's 3,000 characters however long the names.
NAMES_SHOWN = 25
NAMES_TEXT_MAX = 2000
MISSING_SHOWN = 25
MISSING_TEXT_MAX = 1500
STATES_SHOWN = 8
STATES_TEXT_MAX = 1000


def tally_message(
    tallies: Sequence[LetterTally],
    *,
    now: datetime,
    zone: ZoneInfo,
    charts_failed: Collection[int] = (),
) -> dict[str, Any]:
    """The tally of each letter; `charts_failed` names the letters whose chart couldn't
    be drawn, for the lead to know why it didn't follow."""
    groups = [
        [
            *([{"type": "divider"}] if n else []),
            *_letter_blocks(
                tally, now=now, zone=zone, chart_failed=tally.letter.id in charts_failed
            ),
        ]
        for n, tally in enumerate(tallies)
    ]
    blocks = fitted(
        groups,
        before=[{"type": "header", "text": plain("Daily tally")}],
        more=lambda more: {
            "type": "context",
            "elements": [mrkdwn(f"…and {more} more letters; `/letter list` shows them all.")],
        },
    )
    summary = "; ".join(f"{escape(t.letter.title)}: {t.count} signed" for t in tallies)
    return {"text": truncate(f"Daily tally. {summary}", NOTIFICATION_TEXT_MAX), "blocks": blocks}


def _letter_blocks(
    tally: LetterTally, *, now: datetime, zone: ZoneInfo, chart_failed: bool
) -> list[Block]:
    """The letter's head, who came in, who on the roster is missing (each a section of
    its own, so no one of them outgrows its text object), then the details."""
    letter = tally.letter
    goal = f" of a goal of {letter.goal}" if letter.goal else ""
    head = [
        f"*#{letter.id} · {escape(letter.title)}*",
        f"*{tally.count}* signed{goal} · {_change(tally)}",
    ]
    sections = ["\n".join(head)]
    if tally.new_signers:
        sections.append(_names(tally.new_signers))
    if tally.reach is not None:
        sections.append(_missing(tally))
    verified = f", *{tally.verified}* verified" if tally.verified is not None else ""
    details = [
        mrkdwn(
            f"*{tally.organizations}* organizations{verified} · *{tally.individuals}* individuals"
        ),
        mrkdwn("By state: " + _states(tally) if tally.count else "By state: nobody yet"),
        mrkdwn(
            f"Closes {slack_date(letter.deadline, zone=zone)}, "
            f"in {time_left(letter.deadline, now=now)}"
        ),
    ]
    if tally.web:
        details.append(
            mrkdwn(
                f":globe_with_meridians: *{tally.web}* signed on the public page, "
                "confirmed by email"
            )
        )
    if tally.pending_reviews:
        details.append(
            mrkdwn(
                f":mag: *{tally.pending_reviews}* possible duplicates to review: "
                f"`/letter review {letter.id}`"
            )
        )
    if tally.held:
        people = "person's sign-ons wait" if tally.held == 1 else "people's sign-ons wait"
        details.append(
            mrkdwn(
                f":raised_hand: *{tally.held}* {people} for your approval, not counted: "
                f"`/letter review {letter.id}`"
            )
        )
    if tally.waiting:
        organizations = "organization waits" if tally.waiting == 1 else "organizations wait"
        details.append(
            mrkdwn(
                f":hourglass: *{tally.waiting}* {organizations} to be verified, not counted: "
                f"`/letter review {letter.id}`"
            )
        )
    if tally.unconfirmed:
        details.append(
            mrkdwn(
                f":memo: *{tally.unconfirmed}* signed an earlier version of the text and "
                "haven't said they still sign it"
            )
        )
    if chart_failed:
        details.append(mrkdwn(CHART_FAILED))
    return [
        *({"type": "section", "text": mrkdwn(text)} for text in sections),
        {"type": "context", "elements": details},
    ]


def _change(tally: LetterTally) -> str:
    if tally.change is None:
        return "the first tally for this letter"
    if tally.change == 0:
        return "no change since the last tally"
    sign = "+" if tally.change > 0 else "-"
    return f"*{sign}{abs(tally.change)}* since the last tally"


def _names(names: Sequence[str]) -> str:
    """'New: A, B and 12 more': as many names as fit, and how many more there are."""
    shown = joined([escape(name) for name in names], limit=NAMES_TEXT_MAX, most=NAMES_SHOWN)
    return f"New: {shown}"


def _missing(tally: LetterTally) -> str:
    """'41 of 60 member organizations signed; 19 missing: A, B and 17 more'."""
    assert tally.reach is not None
    line = f":busts_in_silhouette: {reach_line(tally.reach)}"
    if not tally.reach.missing:
        return line
    names = joined(
        [escape(s.member.name) for s in tally.reach.missing],
        limit=MISSING_TEXT_MAX,
        most=MISSING_SHOWN,
    )
    return f"{line}: {names} (`/letter missing {tally.letter.id}`)"


def _states(tally: LetterTally) -> str:
    return joined(
        [f"{escape(state)} {n}" for state, n in tally.by_state],
        limit=STATES_TEXT_MAX,
        most=STATES_SHOWN,
        separator=" · ",
        more=lambda n: f" · {n} more places",
    )
