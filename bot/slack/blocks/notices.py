"""What the bot posts under a letter on its own: reminders, the close, a moved deadline.

Pure builders: a letter and its numbers in, a chat.postMessage payload out. Titles are
escaped; dates are `<!date^…>` so each reader sees their own timezone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.letters import Letter
from bot.rules.signons import Signer
from bot.rules.timing import time_left
from bot.slack.blocks.letters import sign_on_actions
from bot.slack.blocks.replies import attachments_note
from bot.slack.blocks.text import deadline_text, escape, joined, mrkdwn, signed_count
from bot.texts.exports import caveat, headline, makeup, pending_pairs

# The pairs named in the closing DM, as many as fit beside the rest of its text.
PAIRS_TEXT_MAX = 2500


def reminder_message(
    *, letter: Letter, count: int, now: datetime, zone: ZoneInfo
) -> dict[str, Any]:
    """A reminder in the letter's thread: time left, the count, and the Sign on button."""
    left = time_left(letter.deadline, now=now)
    title = escape(letter.title)
    return {
        "text": f"Reminder: {left} left to sign {title}. {_count(letter, count)}",
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    f":alarm_clock: *{left} left* to sign *{title}*. Sign-ons close "
                    f"{deadline_text(letter.deadline, zone=zone)}."
                ),
            },
            {"type": "context", "elements": [mrkdwn(_count(letter, count))]},
            sign_on_actions(letter),
        ],
    }


def final_count_message(*, letter: Letter, signers: list[Signer]) -> dict[str, Any]:
    """The final count, posted in the thread when sign-ons close."""
    title = escape(letter.title)
    count = f"Final count: *{len(signers)}*{caveat(signers)}."
    final = f"Sign-ons for *{title}* are closed. {count} {makeup(signers)}."
    return {
        "text": f"Sign-ons for {title} are closed. {count.replace('*', '')}",
        "blocks": [
            {"type": "section", "text": mrkdwn(f":lock: {final}")},
            {
                "type": "context",
                "elements": [mrkdwn("Thank you to every organization and person who signed.")],
            },
        ],
    }


def deadline_moved_message(*, letter: Letter, count: int, zone: ZoneInfo) -> dict[str, Any]:
    """Announces a new deadline in the letter's thread."""
    title = escape(letter.title)
    when = deadline_text(letter.deadline, zone=zone)
    return {
        "text": f"New deadline for {title}. {_count(letter, count)}",
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    f":calendar: *New deadline* for *{title}*: sign-ons now close {when}."
                ),
            },
            {"type": "context", "elements": [mrkdwn(_count(letter, count))]},
            *([sign_on_actions(letter)] if letter.is_open else []),
        ],
    }


def closing_export_text(
    letter: Letter,
    signers: list[Signer],
    *,
    closing: str,
    chart_failed: bool = False,
    waiting: int = 0,
) -> str:
    """The DM that carries the final list to each lead, naming the pairs still to
    review (each counts twice until someone decides) and how many organizations still
    wait to be verified (not in the list)."""
    note = attachments_note(signers, closing=closing, chart_failed=chart_failed)
    text = (
        f"Sign-ons for *{escape(letter.title)}* (letter #{letter.id}) have closed. "
        f"{headline(signers)} {note}"
    )
    if waiting:
        organizations = "organization still waits" if waiting == 1 else "organizations still wait"
        text += (
            f"\n*{waiting}* {organizations} to be verified and {'is' if waiting == 1 else 'are'} "
            f"not in this list: `/letter review #{letter.id}` counts or withdraws them."
        )
    pairs = pending_pairs(signers)
    if not pairs:
        return text
    named = joined(
        [f"*{escape(first)}* / *{escape(second)}*" for first, second in pairs],
        limit=PAIRS_TEXT_MAX,
        separator="; ",
    )
    return (
        f"{text}\nStill to review: {named}. `/letter review #{letter.id}` shows them with "
        "Same organization and Different organizations; `/letter export` then gives the "
        "list as decided."
    )


def _count(letter: Letter, count: int) -> str:
    return f"{signed_count(count, letter.goal)} so far."
