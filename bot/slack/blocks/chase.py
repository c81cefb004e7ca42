"""The DM that chases a member organization's contact: the letter, when it closes, who
from their state has signed, a Sign on button for their organization, and a way to ask
for no more of these."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.language import current, ngettext
from bot.rules.language import gettext as _
from bot.rules.letters import Letter
from bot.rules.roster import RosterMember
from bot.slack.blocks.letters import web_line
from bot.slack.blocks.reading import preview_block
from bot.slack.blocks.text import (
    BUTTON_TEXT_MAX,
    NOTIFICATION_TEXT_MAX,
    deadline_text,
    escape,
    inert,
    joined,
    mrkdwn,
    plain,
    read_id,
    signed_count,
    time_left_text,
    truncate,
)

CHASE_SIGN_ON_ACTION = "chase_sign_on"
CHASE_OPT_OUT_ACTION = "chase_opt_out"
# Names of others from the state shown before "and N more".
STATE_NAMES_SHOWN = 10
STATE_NAMES_TEXT_MAX = 1500
# The member organizations named in one chase, and those given a Sign on button (an
# actions block also holds Don't remind me).
MEMBERS_NAMED = 5
MEMBER_NAMES_TEXT_MAX = 1500
MEMBERS_WITH_BUTTONS = 4


def chase_message(
    *,
    letter: Letter,
    members: list[RosterMember],
    count: int,
    from_their_state: list[str],
    now: datetime,
    zone: ZoneInfo,
    reader: ZoneInfo | None = None,
    public_url: str | None = None,
) -> dict[str, Any]:
    """`members` are the organizations this contact speaks for that haven't signed;
    `from_their_state` the listed signers from their state; the deadline shows in the
    reader's own timezone (`zone`, theirs, in the fallback); `public_url` is the
    letter's public page, when it has one."""
    shown_title = letter.text_in(current()).title
    title = escape(shown_title)
    names = joined(
        [f"*{escape(m.name)}*" for m in members], limit=MEMBER_NAMES_TEXT_MAX, most=MEMBERS_NAMED
    )
    left = time_left_text(letter.deadline, now=now)
    intro = ngettext(
        ":wave: {names} has not signed *{title}* yet. Sign-ons close {deadline} ({left}).",
        ":wave: {names} have not signed *{title}* yet. Sign-ons close {deadline} ({left}).",
        len(members),
    ).format(
        names=names,
        title=title,
        deadline=deadline_text(letter.deadline, zone=zone, reader=reader),
        left=left,
    )
    so_far = _("{signed} so far.").format(signed=signed_count(count, letter.goal))
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(intro)},
        preview_block(letter),
        {"type": "context", "elements": [mrkdwn(so_far)]},
    ]
    state = next((m.state for m in members if m.state), None)
    if state and from_their_state:
        shown = joined(
            [escape(name) for name in from_their_state],
            limit=STATE_NAMES_TEXT_MAX,
            most=STATE_NAMES_SHOWN,
        )
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn(
                    _("Signed from {state}: {names}.").format(
                        state=escape(truncate(state, 100)), names=shown
                    )
                ),
            }
        )
    buttons: list[dict[str, Any]] = [
        {
            "type": "button",
            "action_id": f"{CHASE_SIGN_ON_ACTION}_{member.id}",
            "text": plain(
                truncate(inert(_("Sign on for {name}").format(name=member.name)), BUTTON_TEXT_MAX)
            ),
            "style": "primary",
            "value": f"{letter.id}:{member.id}",
        }
        for member in members[:MEMBERS_WITH_BUTTONS]
    ]
    buttons.append(
        {
            "type": "button",
            "action_id": CHASE_OPT_OUT_ACTION,
            "text": plain(_("Don't remind me about this letter")),
            "value": str(letter.id),
        }
    )
    blocks.append({"type": "actions", "elements": buttons})
    if public_url:
        blocks.append({"type": "context", "elements": [mrkdwn(web_line(public_url))]})
    fallback = _("Please sign {title} for {name} ({left}).").format(
        title=shown_title, name=members[0].name, left=left
    )
    return {"text": escape(truncate(fallback, NOTIFICATION_TEXT_MAX)), "blocks": blocks}


def opted_out_text(letter: Letter) -> str:
    return _(
        "Done: no more reminders about *{title}*. The letter's Sign on button still works if "
        "you change your mind."
    ).format(title=escape(letter.text_in(current()).title))


def read_chase_value(value: object) -> tuple[int, int] | None:
    """(letter id, member id) from a chase's Sign on button, or None if garbled."""
    if not isinstance(value, str) or value.count(":") != 1:
        return None
    letter, member = map(read_id, value.split(":"))
    return (letter, member) if letter is not None and member is not None else None
