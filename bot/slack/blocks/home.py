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
from bot.rules.language import N_, Language, current, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letters import Letter
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
    in_time_text,
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
# The language menu at the foot of every Home, and its choice that follows Slack's.
HOME_LANGUAGE_ACTION = "home_language"
HOME_LANGUAGE_BLOCK = "home_language"
AS_IN_SLACK = "slack"
# A link button: Slack opens its url, and still sends the app the press, acked unheard.
HOME_VIEW_POST_ACTION = "home_view_post"
# To someone with nothing to sign or run: what the app is, and how letters reach them
# (translate where said).
NOTHING_HERE = N_(
    "Undersigned runs the coalition's sign-on letters. When a letter is posted in a "
    "channel you're in, it shows here with *Sign on*; `/signon` in that channel signs it "
    "too."
)
EXTEND_CALLBACK_ID = "home_extend_form"
EXTEND_TITLE = N_("Extend a letter")
# The language menu's label, in both languages at once, so whoever reads the other
# finds it.
LANGUAGE_LABEL = ":globe_with_meridians: *Language / Idioma*"
LANGUAGE_PLACEHOLDER = "Language / Idioma"
# A Home tab holds 100 blocks (Block Kit reference, "Blocks": home tabs), in a view of
# at most 250 KB (views.publish: view_too_large); a margin for the view's own fields.
HOME_BLOCKS_MAX = 100
HOME_BYTES_MAX = 240_000
# Pairs shown under each drive; Review sends the whole queue.
PAIRS_SHOWN = 2
NOTICE_MAX = 2000
TITLE_SHOWN_MAX = 140


def home_view(
    home: Home,
    *,
    now: datetime,
    zone: ZoneInfo,
    reader: ZoneInfo | None = None,
    chosen: Language | None = None,
) -> dict[str, Any]:
    """`home` as its person sees it: deadlines in the coalition's `zone`, and in the
    `reader`'s own beside them where it differs; at its foot, the language they `chosen`
    (None: as their Slack is) to change it."""
    groups: list[list[Block]] = []
    if home.notice:
        groups.append([_section(truncate(home.notice, NOTICE_MAX))])
    if home.drives or home.organizer:
        groups.append(
            [
                {"type": "header", "text": plain(_("Your letters"))},
                {
                    "type": "actions",
                    "elements": [
                        {
                            **_plain_button(_("New letter"), HOME_NEW_LETTER_ACTION),
                            "style": "primary",
                        },
                        _plain_button(_("Help"), HOME_HELP_ACTION),
                    ],
                },
            ]
        )
        if not home.drives:
            groups.append([_context(_("No open letters yet: *New letter* starts one."))])
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
        # One block: what the app does, with the language menu beside it.
        nothing = language_block(chosen, text=_(NOTHING_HERE))
        return {"type": "home", "blocks": _within([*groups, [nothing]], last=[])}
    groups.append([{"type": "header", "text": plain(_("Letters to sign"))}])
    if not home.to_sign:
        groups.append([_context(_("No open letter is waiting for your signature."))])
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
        groups.append([{"type": "header", "text": plain(_("What you signed"))}])
        groups += [_signed(item) for item in home.signed]
    last = [{"type": "divider"}, language_block(chosen)]
    return {"type": "home", "blocks": _within(groups, last=last)}


def language_block(chosen: Language | None, *, text: str = LANGUAGE_LABEL) -> Block:
    """A section with the language menu: English, Español, or as their Slack is; the
    `chosen` one shown. With `text`, the section says that, and the menu's label
    beside it."""
    options = [{"text": plain(language.own_name), "value": language.value} for language in Language]
    options.append({"text": plain(_("As in Slack")), "value": AS_IN_SLACK})
    shown = chosen.value if chosen is not None else AS_IN_SLACK
    block: Block = {
        "type": "section",
        "block_id": HOME_LANGUAGE_BLOCK,
        "text": mrkdwn(text),
        "accessory": {
            "type": "static_select",
            "action_id": HOME_LANGUAGE_ACTION,
            "placeholder": plain(LANGUAGE_PLACEHOLDER),
            "options": options,
            "initial_option": next(option for option in options if option["value"] == shown),
        },
    }
    if text != LANGUAGE_LABEL:
        block["fields"] = [mrkdwn(LANGUAGE_LABEL)]
    return block


def extend_form(letter: Letter, *, zone: ZoneInfo) -> dict[str, Any]:
    """A modal asking for a letter's new deadline (Slack's datetimepicker)."""
    return {
        "type": "modal",
        "callback_id": EXTEND_CALLBACK_ID,
        "private_metadata": str(letter.id),
        "title": plain(_(EXTEND_TITLE)),
        "submit": plain(_("Extend")),
        "close": plain(_("Cancel")),
        "blocks": [
            _section(
                _("*{title}* closes {deadline}.").format(
                    title=escape(_title(letter)), deadline=deadline_text(letter.deadline, zone=zone)
                )
            ),
            {
                "type": "input",
                "block_id": Field.DEADLINE,
                "label": plain(_("New deadline")),
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
        _("{count} · closes {deadline} ({left})").format(
            count=signed_count(drive.count, letter.goal),
            deadline=deadline_text(letter.deadline, zone=zone, reader=reader),
            left=in_time_text(letter.deadline, now=now),
        ),
    ]
    if public_url:
        lines.append(public_page_line(public_url))
    if drive.reach is not None:
        lines.append(f":busts_in_silhouette: {reach_line(drive.reach)}")
    if drive.verified is not None:
        organizations, verified = drive.verified
        lines.append(
            ngettext(
                ":white_check_mark: {verified} of {count} organization verified",
                ":white_check_mark: {verified} of {count} organizations verified",
                organizations,
            ).format(verified=number(verified), count=number(organizations))
        )
    lines += [problem_line(problem) for problem in drive.problems[:3]]
    buttons = [
        _button(_("Export"), HOME_EXPORT_ACTION, letter.id),
        _button(_("Extend…"), HOME_EXTEND_ACTION, letter.id),
    ]
    waiting = len(drive.pairs) + len(drive.holds) + len(drive.waiting)
    if waiting:
        buttons.append(
            _button(
                _("Review all {count}").format(count=number(waiting)), HOME_REVIEW_ACTION, letter.id
            )
        )
    if drive.reach is not None:
        buttons.append(_button(_("See missing"), HOME_MISSING_ACTION, letter.id))
        if drive.reach.missing:
            buttons.append(_button(_("Chase"), CHASE_MEMBERS_ACTION, letter.id))
    posted = next((post.permalink for post in letter.posts if post.permalink), None)
    if posted:
        buttons.append(
            {
                "type": "button",
                "action_id": HOME_VIEW_POST_ACTION,
                "text": plain(_("View post")),
                "url": posted,
            }
        )
    buttons.append(
        {
            **_button(_("Close now"), HOME_CLOSE_ACTION, letter.id),
            "style": "danger",
            "confirm": {
                "title": plain(_("Close sign-ons?")),
                "text": plain(
                    truncate(
                        inert(
                            _(
                                "Close “{title}” now? The final count goes to its "
                                "channels and the list to its leads."
                            ).format(title=letter.title)
                        ),
                        TITLE_SHOWN_MAX + 80,
                    )
                ),
                "confirm": plain(_("Close now")),
                "deny": plain(_("Keep it open")),
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
    title = truncate(letter.text_in(current()).title, TITLE_SHOWN_MAX)
    said = ngettext(
        "*{title}*\n{count} signed · closes {deadline} ({left})",
        "*{title}*\n{count} signed · closes {deadline} ({left})",
        count,
    ).format(
        title=escape(title),
        count=number(count),
        deadline=deadline_text(letter.deadline, zone=zone, reader=reader),
        left=in_time_text(letter.deadline, now=now),
    )
    blocks: list[Block] = [
        {
            "type": "section",
            "text": mrkdwn(said),
            "accessory": {
                **_button(_("Sign on"), HOME_SIGN_ON_ACTION, letter.id),
                "style": "primary",
            },
        },
        preview_block(letter),
    ]
    if public_url:
        # For colleagues outside Slack: the link to pass on.
        blocks.append(_context(web_line(public_url)))
    return blocks


def _signed(item: SignedEntry) -> list[Block]:
    letter = item.letter
    title = letter.text_in(current()).title
    if letter.is_open:
        said = _("*{title}*\nSigned for *{name}*")
    else:
        said = _("*{title}*\nSigned for *{name}* · sign-ons closed")
    text = _section(
        said.format(title=escape(truncate(title, TITLE_SHOWN_MAX)), name=escape(item.name))
    )
    if not letter.is_open:
        return [text]
    withdraw = {
        **_button(_("Withdraw"), HOME_WITHDRAW_ACTION, letter.id),
        "style": "danger",
        "confirm": {
            "title": plain(_("Withdraw?")),
            "text": plain(
                truncate(
                    inert(_("Take your signature off “{title}”?").format(title=title)),
                    TITLE_SHOWN_MAX + 40,
                )
            ),
            "confirm": plain(_("Withdraw")),
            "deny": plain(_("Keep it")),
        },
    }
    return [text, {"type": "actions", "elements": [_edit(letter), withdraw]}]


def _edit(letter: Letter) -> dict[str, Any]:
    return _button(_("Edit"), CHANGE_ENTRY_ACTION, letter.id)


def _plain_button(text: str, action_id: str) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text)}


def help_view() -> dict[str, Any]:
    """The organizers' guide (`/letter help`), in a modal opened from the Home."""
    return {
        "type": "modal",
        "title": plain(_("Undersigned help")),
        "close": plain(_("Close")),
        "blocks": text_sections(_(LETTER_HELP)),
    }


def _button(text: str, action_id: str, letter_id: int) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text), "value": str(letter_id)}


def _section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def _title(letter: Letter) -> str:
    return truncate(letter.title, TITLE_SHOWN_MAX)


def _within(groups: list[list[Block]], *, last: list[Block]) -> list[Block]:
    """As many whole groups as a Home tab holds, in blocks and in bytes, with a note
    when some didn't fit, then the `last` blocks, which always have room."""
    kept: list[Block] = []
    used = len(json.dumps(last, ensure_ascii=False).encode())
    room = HOME_BLOCKS_MAX - 1 - len(last)
    for n, group in enumerate(groups):
        cost = len(json.dumps(group, ensure_ascii=False).encode())
        if len(kept) + len(group) > room or used + cost > HOME_BYTES_MAX:
            left = len(groups) - n
            kept.append(
                _context(
                    ngettext(
                        "…and {count} more; `/letter list` shows every letter.",
                        "…and {count} more; `/letter list` shows every letter.",
                        left,
                    ).format(count=number(left))
                )
            )
            break
        kept += group
        used += cost
    return kept + last
