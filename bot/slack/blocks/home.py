"""The App Home: for organizers, the drives they run (count, goal, deadline, missing
members, possible duplicates to decide, posts that failed) with Export, Extend and
Review; for everyone, the letters open to them with Sign on, and what they signed with
Edit and Withdraw."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.forms import Field
from bot.rules.home import Drive, Home, SignedEntry
from bot.rules.letters import Letter
from bot.rules.timing import time_left
from bot.rules.wording import plural
from bot.slack.blocks.letters import public_page_line, web_line
from bot.slack.blocks.reading import preview_block
from bot.slack.blocks.replies import LETTER_HELP, problem_line
from bot.slack.blocks.reviews import hold_blocks, pair_blocks, waiting_blocks
from bot.slack.blocks.roster import CHASE_MEMBERS_ACTION, reach_line
from bot.slack.blocks.signon_replies import CHANGE_ENTRY_ACTION
from bot.slack.blocks.text import (
    Block,
    deadline_text,
    escape,
    inert,
    mrkdwn,
    plain,
    signed_count,
    text_sections,
    truncate,
)

HOME_SIGN_ON_ACTION = "home_sign_on"
HOME_WITHDRAW_ACTION = "home_withdraw"
HOME_EXPORT_ACTION = "home_export"
HOME_EXTEND_ACTION = "home_extend"
HOME_REVIEW_ACTION = "home_review"
HOME_NEW_LETTER_ACTION = "home_new_letter"
HOME_HELP_ACTION = "home_help"
HOME_MISSING_ACTION = "home_missing"
HOME_CLOSE_ACTION = "home_close"
# A link button: Slack opens its url, and still sends the app the press, acked unheard.
HOME_VIEW_POST_ACTION = "home_view_post"
# To someone with nothing to sign or run: what the app is, and how letters reach them.
NOTHING_HERE = (
    "Undersigned runs the coalition's sign-on letters. When a letter is posted in a "
    "channel you're in, it shows here with *Sign on*; `/signon` in that channel signs it "
    "too."
)
EXTEND_CALLBACK_ID = "home_extend_form"
EXTEND_TITLE = "Extend a letter"
# A Home tab holds 100 blocks (Block Kit reference, "Blocks": home tabs), in a view of
# at most 250 KB (views.publish: view_too_large); a margin for the view's own fields.
HOME_BLOCKS_MAX = 100
HOME_BYTES_MAX = 240_000
# Pairs shown under each drive; Review sends the whole queue.
PAIRS_SHOWN = 2
NOTICE_MAX = 2000
TITLE_SHOWN_MAX = 140


def home_view(
    home: Home, *, now: datetime, zone: ZoneInfo, reader: ZoneInfo | None = None
) -> dict[str, Any]:
    """`home` as its person sees it: deadlines in the coalition's `zone`, and in the
    `reader`'s own beside them where it differs."""
    groups: list[list[Block]] = []
    if home.notice:
        groups.append([_section(truncate(home.notice, NOTICE_MAX))])
    if home.drives or home.organizer:
        groups.append(
            [
                {"type": "header", "text": plain("Your letters")},
                {
                    "type": "actions",
                    "elements": [
                        {**_plain_button("New letter", HOME_NEW_LETTER_ACTION), "style": "primary"},
                        _plain_button("Help", HOME_HELP_ACTION),
                    ],
                },
            ]
        )
        if not home.drives:
            groups.append([_context("No open letters yet: *New letter* starts one.")])
        groups += [
            _drive(
                drive,
                now=now,
                zone=zone,
                reader=reader,
                public_url=home.public_urls.get(drive.letter.id),
            )
            for drive in home.drives
        ]
    elif not home.to_sign and not home.signed:
        groups.append([_section(NOTHING_HERE)])
        return {"type": "home", "blocks": _within(groups)}
    groups.append([{"type": "header", "text": plain("Letters to sign")}])
    if not home.to_sign:
        groups.append([_context("No open letter is waiting for your signature.")])
    groups += [
        _to_sign(
            letter,
            count,
            now=now,
            zone=zone,
            reader=reader,
            public_url=home.public_urls.get(letter.id),
        )
        for letter, count in home.to_sign
    ]
    if home.signed:
        groups.append([{"type": "header", "text": plain("What you signed")}])
        groups += [_signed(item) for item in home.signed]
    return {"type": "home", "blocks": _within(groups)}


def extend_form(letter: Letter, *, zone: ZoneInfo) -> dict[str, Any]:
    """A modal asking for a letter's new deadline (Slack's datetimepicker)."""
    return {
        "type": "modal",
        "callback_id": EXTEND_CALLBACK_ID,
        "private_metadata": str(letter.id),
        "title": plain(EXTEND_TITLE),
        "submit": plain("Extend"),
        "close": plain("Cancel"),
        "blocks": [
            _section(
                f"*{escape(_title(letter))}* closes {deadline_text(letter.deadline, zone=zone)}."
            ),
            {
                "type": "input",
                "block_id": Field.DEADLINE,
                "label": plain("New deadline"),
                "element": {
                    "type": "datetimepicker",
                    "action_id": Field.DEADLINE,
                    "initial_date_time": int(letter.deadline.timestamp()),
                },
            },
        ],
    }


def read_extend_form(view: dict[str, Any]) -> tuple[str, int | None]:
    """The letter id (as metadata holds it) and the new deadline's timestamp, if any."""
    answer = view["state"]["values"].get(Field.DEADLINE, {}).get(Field.DEADLINE, {})
    picked = answer.get("selected_date_time")
    return str(view.get("private_metadata", "")), picked if isinstance(picked, int) else None


def _drive(
    drive: Drive,
    *,
    now: datetime,
    zone: ZoneInfo,
    reader: ZoneInfo | None,
    public_url: str | None,
) -> list[Block]:
    letter = drive.letter
    lines = [
        f"*#{letter.id} · {escape(_title(letter))}*",
        f"{signed_count(drive.count, letter.goal)} · closes "
        f"{deadline_text(letter.deadline, zone=zone, reader=reader)} "
        f"(in {time_left(letter.deadline, now=now)})",
    ]
    if public_url:
        lines.append(public_page_line(public_url))
    if drive.reach is not None:
        lines.append(f":busts_in_silhouette: {reach_line(drive.reach)}")
    if drive.verified is not None:
        organizations, verified = drive.verified
        of = plural(organizations, "organization")
        lines.append(f":white_check_mark: {verified} of {of} verified")
    lines += [problem_line(problem) for problem in drive.problems[:3]]
    buttons = [
        _button("Export", HOME_EXPORT_ACTION, letter.id),
        _button("Extend…", HOME_EXTEND_ACTION, letter.id),
    ]
    waiting = len(drive.pairs) + len(drive.holds) + len(drive.waiting)
    if waiting:
        buttons.append(_button(f"Review all {waiting}", HOME_REVIEW_ACTION, letter.id))
    if drive.reach is not None:
        buttons.append(_button("See missing", HOME_MISSING_ACTION, letter.id))
        if drive.reach.missing:
            buttons.append(_button("Chase", CHASE_MEMBERS_ACTION, letter.id))
    posted = next((post.permalink for post in letter.posts if post.permalink), None)
    if posted:
        buttons.append(
            {
                "type": "button",
                "action_id": HOME_VIEW_POST_ACTION,
                "text": plain("View post"),
                "url": posted,
            }
        )
    buttons.append(
        {
            **_button("Close now", HOME_CLOSE_ACTION, letter.id),
            "style": "danger",
            "confirm": {
                "title": plain("Close sign-ons?"),
                "text": plain(
                    truncate(
                        inert(
                            f"Close “{letter.title}” now? The final count goes to its "
                            "channels and the list to its leads."
                        ),
                        TITLE_SHOWN_MAX + 80,
                    )
                ),
                "confirm": plain("Close now"),
                "deny": plain("Keep it open"),
            },
        }
    )
    blocks: list[Block] = [
        {"type": "divider"},
        _section("\n".join(lines)),
        {"type": "actions", "elements": buttons},
    ]
    items = (
        [pair_blocks(pair, drive.verification) for pair in drive.pairs]
        + [hold_blocks(h) for h in drive.holds]
        + [waiting_blocks(e, drive.verification.get(e.id)) for e in drive.waiting]
    )
    for item in items[:PAIRS_SHOWN]:
        blocks += item[1:]  # without its divider
    return blocks


def _to_sign(
    letter: Letter,
    count: int,
    *,
    now: datetime,
    zone: ZoneInfo,
    reader: ZoneInfo | None,
    public_url: str | None,
) -> list[Block]:
    blocks: list[Block] = [
        {
            "type": "section",
            "text": mrkdwn(
                f"*{escape(_title(letter))}*\n{count} signed · closes "
                f"{deadline_text(letter.deadline, zone=zone, reader=reader)} "
                f"(in {time_left(letter.deadline, now=now)})"
            ),
            "accessory": {**_button("Sign on", HOME_SIGN_ON_ACTION, letter.id), "style": "primary"},
        },
        preview_block(letter),
    ]
    if public_url:
        # For colleagues outside Slack: the link to pass on.
        blocks.append(_context(web_line(public_url)))
    return blocks


def _signed(item: SignedEntry) -> list[Block]:
    letter = item.letter
    state = "" if letter.is_open else " · sign-ons closed"
    text = _section(f"*{escape(_title(letter))}*\nSigned for *{escape(item.name)}*{state}")
    if not letter.is_open:
        return [text]
    withdraw = {
        **_button("Withdraw", HOME_WITHDRAW_ACTION, letter.id),
        "style": "danger",
        "confirm": {
            "title": plain("Withdraw?"),
            "text": plain(
                truncate(inert(f"Take your signature off “{letter.title}”?"), TITLE_SHOWN_MAX + 40)
            ),
            "confirm": plain("Withdraw"),
            "deny": plain("Keep it"),
        },
    }
    return [text, {"type": "actions", "elements": [_edit(letter), withdraw]}]


def _edit(letter: Letter) -> dict[str, Any]:
    return _button("Edit", CHANGE_ENTRY_ACTION, letter.id)


def _plain_button(text: str, action_id: str) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text)}


def help_view() -> dict[str, Any]:
    """The organizers' guide (`/letter help`), in a modal opened from the Home."""
    return {
        "type": "modal",
        "title": plain("Undersigned help"),
        "close": plain("Close"),
        "blocks": text_sections(LETTER_HELP),
    }


def _button(text: str, action_id: str, letter_id: int) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text), "value": str(letter_id)}


def _section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def _title(letter: Letter) -> str:
    return truncate(letter.title, TITLE_SHOWN_MAX)


def _within(groups: list[list[Block]]) -> list[Block]:
    """As many whole groups as a Home tab holds, in blocks and in bytes, with a note
    when some didn't fit."""
    kept: list[Block] = []
    used = 0
    for n, group in enumerate(groups):
        cost = len(json.dumps(group, ensure_ascii=False).encode())
        if len(kept) + len(group) > HOME_BLOCKS_MAX - 1 or used + cost > HOME_BYTES_MAX:
            left = len(groups) - n
            kept.append(_context(f"…and {left} more; `/letter list` shows every letter."))
            break
        kept += group
        used += cost
    return kept
