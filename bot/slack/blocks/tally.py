"""The daily tally DM: one message per lead, a few blocks per open letter they lead."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.language import gettext as _
from bot.rules.language import ngettext, number
from bot.rules.places import NO_STATE
from bot.rules.tally import LetterTally
from bot.rules.timing import clock, day, time_left
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
            {"type": "header", "text": plain(_("Daily tally · {day}").format(day=day(now, zone)))},
            *([_open_in_home(home_link)] if home_link else []),
        ],
        more=lambda more: {
            "type": "context",
            "elements": [
                mrkdwn(
                    ngettext(
                        "…and {count} more letter; `/letter list` shows them all.",
                        "…and {count} more letters; `/letter list` shows them all.",
                        more,
                    ).format(count=number(more))
                )
            ],
        },
    )
    summary = "; ".join(f"{escape(t.letter.title)}: {_count(t)}" for t in tallies)
    text = _("Daily tally. {summary}").format(summary=summary)
    return {"text": truncate(text, NOTIFICATION_TEXT_MAX), "blocks": blocks}


def _open_in_home(link: str) -> Block:
    return {
        "type": "context",
        "elements": [
            mrkdwn(
                _(":house: <{link}|Open in Home>: every letter you run, with its buttons").format(
                    link=link
                )
            )
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
        _("{count}{change} · closes {deadline} (in {left})").format(
            count=_count(tally, bold=True),
            change=_change(tally),
            deadline=clock(letter.deadline, zone),
            left=time_left(letter.deadline, now=now),
        ),
    ]
    sections = ["\n".join(head)]
    if tally.new_signers:
        sections.append(
            _("*New ({count}):* {names}").format(
                count=number(len(tally.new_signers)), names=_names(tally.new_signers)
            )
        )
    if tally.reach is not None:
        sections.append(_missing(tally))
    details = [
        mrkdwn(_signer_kinds(tally)),
        mrkdwn(
            _("By state: {states}").format(states=_states(tally))
            if tally.count
            else _("By state: nobody yet")
        ),
    ]
    if tally.web:
        details.append(
            mrkdwn(
                ngettext(
                    ":globe_with_meridians: *{count}* signed on the public page, "
                    "confirmed by email",
                    ":globe_with_meridians: *{count}* signed on the public page, "
                    "confirmed by email",
                    tally.web,
                ).format(count=number(tally.web))
            )
        )
    if tally.held:
        details.append(
            mrkdwn(
                ngettext(
                    ":raised_hand: *{count}* person's sign-ons wait for your approval",
                    ":raised_hand: *{count}* people's sign-ons wait for your approval",
                    tally.held,
                ).format(count=number(tally.held))
            )
        )
    if tally.waiting:
        details.append(
            mrkdwn(
                ngettext(
                    ":hourglass: *{count}* organization waits to be verified, not counted",
                    ":hourglass: *{count}* organizations wait to be verified, not counted",
                    tally.waiting,
                ).format(count=number(tally.waiting))
            )
        )
    if tally.unconfirmed:
        details.append(
            mrkdwn(
                ngettext(
                    ":memo: *{count}* signed an earlier version of the text and "
                    "hasn't said they still sign it",
                    ":memo: *{count}* signed an earlier version of the text and "
                    "haven't said they still sign it",
                    tally.unconfirmed,
                ).format(count=number(tally.unconfirmed))
            )
        )
    if chart_failed:
        details.append(mrkdwn(_(CHART_FAILED)))
    blocks: list[Block] = [
        *({"type": "section", "text": mrkdwn(text)} for text in sections),
        {"type": "context", "elements": details},
    ]
    buttons = _buttons(tally)
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return blocks


def _signer_kinds(tally: LetterTally) -> str:
    """'*118* organizations, *40* verified · *12* individuals'."""
    organizations = ngettext(
        "*{count}* organization", "*{count}* organizations", tally.organizations
    ).format(count=number(tally.organizations))
    if tally.verified is not None:
        organizations += ngettext(
            ", *{count}* verified", ", *{count}* verified", tally.verified
        ).format(count=number(tally.verified))
    individuals = ngettext(
        "*{count}* individual", "*{count}* individuals", tally.individuals
    ).format(count=number(tally.individuals))
    return f"{organizations} · {individuals}"


def _count(tally: LetterTally, *, bold: bool = False) -> str:
    """'118 of 150 signed', against the goal when there is one."""
    shown = signed_count(tally.count, tally.letter.goal)
    return shown if bold else shown.replace("*", "")


def _change(tally: LetterTally) -> str:
    """' (+27)' since the last tally; nothing on the first."""
    if tally.change is None:
        return ""
    if tally.change == 0:
        return " (" + _("no change") + ")"
    sign = "+" if tally.change > 0 else "-"
    return f" ({sign}{number(abs(tally.change))})"


def _names(names: Sequence[str]) -> str:
    """'A, B, C, D, E +22 more'."""
    return joined(
        [escape(name) for name in names],
        limit=NAMES_TEXT_MAX,
        most=NAMES_SHOWN,
        more=lambda n: _(" +{count} more").format(count=number(n)),
    )


def _missing(tally: LetterTally) -> str:
    """'*41 of 60* member organizations signed. Not yet: A, B … +14 more', and apart,
    those that may have signed under another name, for an organizer to judge."""
    reach = tally.reach
    assert reach is not None
    signed = ngettext(
        ":busts_in_silhouette: *{signed} of {members}* member signed",
        ":busts_in_silhouette: *{signed} of {members}* members signed",
        reach.members,
    ).format(signed=number(len(reach.signed)), members=number(reach.members))
    lines = [signed]
    if reach.missing:
        names = _names([s.member.name for s in reach.missing])
        lines[0] += ". " + _("*Not yet ({count}):* {names}").format(
            count=number(len(reach.missing)), names=names
        )
    if reach.possible:
        names = _names([s.member.name for s in reach.possible])
        lines.append(
            ngettext(
                "{count} member may have signed under another name: {names} "
                "(`/letter missing {letter}`)",
                "{count} members may have signed under another name: {names} "
                "(`/letter missing {letter}`)",
                len(reach.possible),
            ).format(count=number(len(reach.possible)), names=names, letter=tally.letter.id)
        )
    return "\n".join(lines)


def _buttons(tally: LetterTally) -> list[Block]:
    """What needs the lead: the review queue, and chasing who hasn't signed."""
    letter_id = str(tally.letter.id)
    buttons: list[Block] = []
    waiting = tally.pending_reviews + tally.held + tally.waiting
    if waiting:
        label = (
            ngettext(
                "Review {count} possible duplicate", "Review {count} possible duplicates", waiting
            )
            if waiting == tally.pending_reviews
            else ngettext("Review {count} waiting", "Review {count} waiting", waiting)
        ).format(count=number(waiting))
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
        missing = len(tally.reach.missing)
        buttons.append(
            {
                "type": "button",
                "action_id": CHASE_MEMBERS_ACTION,
                "text": plain(
                    ngettext("Chase {count} member", "Chase {count} members", missing).format(
                        count=number(missing)
                    )
                ),
                "value": letter_id,
            }
        )
    return buttons


def _states(tally: LetterTally) -> str:
    return joined(
        [
            f"{escape(_(NO_STATE) if state == NO_STATE else state)} {number(n)}"
            for state, n in tally.by_state
        ],
        limit=STATES_TEXT_MAX,
        most=STATES_SHOWN,
        separator=" · ",
        more=lambda n: ngettext(" · {count} more place", " · {count} more places", n).format(
            count=number(n)
        ),
    )
