"""The daily tally DM: one message per lead, a few blocks per open letter they lead."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.tally import LetterTally
from bot.rules.timing import clock, day, time_left
from bot.rules.wording import noun_for, plural
from bot.slack.blocks.home import HOME_REVIEW_ACTION
from bot.slack.blocks.replies import CHART_FAILED
from bot.slack.blocks.roster import CHASE_MEMBERS_ACTION
from bot.slack.blocks.text import (
    NOTIFICATION_TEXT_MAX,
    Block,
    escape,
    fitted,
    joined,
    mrkdwn,
    plain,
    signed_count,
    truncate,
)

# At most this many names in each list, then how many more: read on a phone, the
# tally shows its numbers and buttons without scrolling past long lists. Each list is a
# section of its own, its names counted escaped, within a section's 3,000 characters.
NAMES_SHOWN = 5
NAMES_TEXT_MAX = 1500
STATES_SHOWN = 8
STATES_TEXT_MAX = 1000


def tally_message(
    tallies: Sequence[LetterTally],
    *,
    now: datetime,
    zone: ZoneInfo,
    charts_failed: Collection[int] = (),
    home_link: str | None = None,
) -> dict[str, Any]:
    """The tally of each letter, under a header with the day (in the lead's `zone`)
    and, with `home_link`, a link to open the app's Home; `charts_failed` names the
    letters whose chart couldn't be drawn, for the lead to know why it didn't follow."""
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
        before=[
            {"type": "header", "text": plain(f"Daily tally · {day(now, zone)}")},
            *([_open_in_home(home_link)] if home_link else []),
        ],
        more=lambda more: {
            "type": "context",
            "elements": [mrkdwn(f"…and {more} more letters; `/letter list` shows them all.")],
        },
    )
    summary = "; ".join(f"{escape(t.letter.title)}: {_count(t)}" for t in tallies)
    return {"text": truncate(f"Daily tally. {summary}", NOTIFICATION_TEXT_MAX), "blocks": blocks}


def _open_in_home(link: str) -> Block:
    return {
        "type": "context",
        "elements": [
            mrkdwn(f":house: <{link}|Open in Home>: every letter you run, with its buttons")
        ],
    }


def _letter_blocks(
    tally: LetterTally, *, now: datetime, zone: ZoneInfo, chart_failed: bool
) -> list[Block]:
    """The letter: its count and close first, who came in, who on the roster hasn't
    signed (each list a section of its own, at most five names), the details, then
    buttons for what needs doing."""
    letter = tally.letter
    head = [
        f"*#{letter.id} · {escape(letter.title)}*",
        f"{_count(tally, bold=True)}{_change(tally)} · closes {clock(letter.deadline, zone)} "
        f"(in {time_left(letter.deadline, now=now)})",
    ]
    sections = ["\n".join(head)]
    if tally.new_signers:
        sections.append(f"*New ({len(tally.new_signers)}):* {_names(tally.new_signers)}")
    if tally.reach is not None:
        sections.append(_missing(tally))
    verified = f", *{tally.verified}* verified" if tally.verified is not None else ""
    details = [
        mrkdwn(
            f"*{tally.organizations}* {noun_for(tally.organizations, 'organization')}{verified} · "
            f"*{tally.individuals}* {noun_for(tally.individuals, 'individual')}"
        ),
        mrkdwn("By state: " + _states(tally) if tally.count else "By state: nobody yet"),
    ]
    if tally.web:
        details.append(
            mrkdwn(
                f":globe_with_meridians: *{tally.web}* signed on the public page, "
                "confirmed by email"
            )
        )
    if tally.held:
        people = "person's sign-ons wait" if tally.held == 1 else "people's sign-ons wait"
        details.append(mrkdwn(f":raised_hand: *{tally.held}* {people} for your approval"))
    if tally.waiting:
        organizations = "organization waits" if tally.waiting == 1 else "organizations wait"
        details.append(
            mrkdwn(f":hourglass: *{tally.waiting}* {organizations} to be verified, not counted")
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
    blocks: list[Block] = [
        *({"type": "section", "text": mrkdwn(text)} for text in sections),
        {"type": "context", "elements": details},
    ]
    buttons = _buttons(tally)
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return blocks


def _count(tally: LetterTally, *, bold: bool = False) -> str:
    """'118 of 150 signed', against the goal when there is one."""
    shown = signed_count(tally.count, tally.letter.goal)
    return shown if bold else shown.replace("*", "")


def _change(tally: LetterTally) -> str:
    """' (+27)' since the last tally; nothing on the first."""
    if tally.change is None:
        return ""
    if tally.change == 0:
        return " (no change)"
    sign = "+" if tally.change > 0 else "-"
    return f" ({sign}{abs(tally.change)})"


def _names(names: Sequence[str]) -> str:
    """'A, B, C, D, E +22 more'."""
    return joined(
        [escape(name) for name in names],
        limit=NAMES_TEXT_MAX,
        most=NAMES_SHOWN,
        more=lambda n: f" +{n} more",
    )


def _missing(tally: LetterTally) -> str:
    """'*41 of 60* member organizations signed. Not yet: A, B … +14 more', and apart,
    those that may have signed under another name, for an organizer to judge."""
    reach = tally.reach
    assert reach is not None
    of = f"*{len(reach.signed)} of {reach.members}* {noun_for(reach.members, 'member')}"
    lines = [f":busts_in_silhouette: {of} signed"]
    if reach.missing:
        names = _names([s.member.name for s in reach.missing])
        lines[0] += f". *Not yet ({len(reach.missing)}):* {names}"
    if reach.possible:
        names = _names([s.member.name for s in reach.possible])
        lines.append(
            f"{plural(len(reach.possible), 'member')} may have signed under another name: "
            f"{names} (`/letter missing {tally.letter.id}`)"
        )
    return "\n".join(lines)


def _buttons(tally: LetterTally) -> list[Block]:
    """What needs the lead: the review queue, and chasing who hasn't signed."""
    letter_id = str(tally.letter.id)
    buttons: list[Block] = []
    waiting = tally.pending_reviews + tally.held + tally.waiting
    if waiting:
        label = (
            f"Review {plural(waiting, 'possible duplicate')}"
            if waiting == tally.pending_reviews
            else f"Review {waiting} waiting"
        )
        buttons.append(
            {
                "type": "button",
                "action_id": HOME_REVIEW_ACTION,
                "text": plain(label),
                "value": letter_id,
                "style": "primary",
            }
        )
    if tally.reach is not None and tally.reach.missing:
        buttons.append(
            {
                "type": "button",
                "action_id": CHASE_MEMBERS_ACTION,
                "text": plain(f"Chase {plural(len(tally.reach.missing), 'member')}"),
                "value": letter_id,
            }
        )
    return buttons


def _states(tally: LetterTally) -> str:
    return joined(
        [f"{escape(state)} {n}" for state, n in tally.by_state],
        limit=STATES_TEXT_MAX,
        most=STATES_SHOWN,
        separator=" · ",
        more=lambda n: f" · {n} more places",
    )
