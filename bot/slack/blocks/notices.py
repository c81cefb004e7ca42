"""What the bot posts under a letter on its own: reminders, the close, a moved deadline.

Pure builders: a letter and its numbers in, a chat.postMessage payload out. Titles are
escaped; dates are `<!date^…>` so each reader sees their own timezone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.language import current, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letters import Letter
from bot.rules.signons import Signer
from bot.slack.blocks.letters import sign_on_actions
from bot.slack.blocks.replies import attachments_note
from bot.slack.blocks.text import (
    deadline_text,
    escape,
    joined,
    mrkdwn,
    signed_count,
    time_left_text,
)
from bot.texts.exports import caveat, headline, makeup, pending_pairs

# The pairs named in the closing DM, as many as fit beside the rest of its text.
PAIRS_TEXT_MAX = 2500


def reminder_message(
    *, letter: Letter, count: int, now: datetime, zone: ZoneInfo
) -> dict[str, Any]:
    """A reminder in the letter's thread: time left, the count, and the Sign on button."""
    left = time_left_text(letter.deadline, now=now)
    title = _title(letter)
    return {
        "text": _("Reminder: {left} to sign {title}.").format(left=left, title=title)
        + " "
        + _count(letter, count),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    _(
                        ":alarm_clock: *{left}* to sign *{title}*. Sign-ons close {deadline}."
                    ).format(
                        left=left, title=title, deadline=deadline_text(letter.deadline, zone=zone)
                    )
                ),
            },
            {"type": "context", "elements": [mrkdwn(_count(letter, count))]},
            sign_on_actions(letter),
        ],
    }


def final_count_message(*, letter: Letter, signers: list[Signer]) -> dict[str, Any]:
    """The final count, posted in the thread when sign-ons close."""
    title = _title(letter)
    count = _("Final count: *{count}*{caveat}.").format(
        count=number(len(signers)), caveat=caveat(signers)
    )
    closed = _("Sign-ons for *{title}* are closed.").format(title=title)
    final = f"{closed} {count} {makeup(signers)}."
    fallback = _("Sign-ons for {title} are closed.").format(title=title)
    return {
        "text": f"{fallback} {count.replace('*', '')}",
        "blocks": [
            {"type": "section", "text": mrkdwn(f":lock: {final}")},
            {
                "type": "context",
                "elements": [mrkdwn(_("Thank you to every organization and person who signed."))],
            },
        ],
    }


def deadline_moved_message(*, letter: Letter, count: int, zone: ZoneInfo) -> dict[str, Any]:
    """Announces a new deadline in the letter's thread."""
    title = _title(letter)
    when = deadline_text(letter.deadline, zone=zone)
    return {
        "text": _("New deadline for {title}.").format(title=title) + " " + _count(letter, count),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    _(":calendar: *New deadline* for *{title}*: sign-ons now close {when}.").format(
                        title=title, when=when
                    )
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
    text = _("Sign-ons for *{title}* (letter #{number}) have closed. {headline} {files}").format(
        title=escape(letter.title), number=letter.id, headline=headline(signers), files=note
    )
    if waiting:
        text += "\n" + ngettext(
            "*{count}* organization still waits to be verified and is not in this list: "
            "`/letter review #{number}` counts or withdraws them.",
            "*{count}* organizations still wait to be verified and are not in this list: "
            "`/letter review #{number}` counts or withdraws them.",
            waiting,
        ).format(count=number(waiting), number=letter.id)
    pairs = pending_pairs(signers)
    if not pairs:
        return text
    named = joined(
        [f"*{escape(first)}* / *{escape(second)}*" for first, second in pairs],
        limit=PAIRS_TEXT_MAX,
        separator="; ",
    )
    return (
        text
        + "\n"
        + _(
            "Still to review: {pairs}. `/letter review #{number}` shows them with "
            "Same organization and Different organizations; `/letter export` then gives the "
            "list as decided."
        ).format(pairs=named, number=letter.id)
    )


def _count(letter: Letter, count: int) -> str:
    return _("{count} so far.").format(count=signed_count(count, letter.goal))


def _title(letter: Letter) -> str:
    """The letter's title as its readers in this language read it, escaped."""
    return escape(letter.text_in(current()).title)
