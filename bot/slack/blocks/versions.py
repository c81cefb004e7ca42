"""What a signer of an earlier version is told when a letter's text changes: a short
diff, with Keep my signature and Withdraw."""

from __future__ import annotations

from typing import Any

from bot.rules.letters import Letter
from bot.rules.signons import Signer
from bot.rules.versions import Change, ChangeKind
from bot.slack.blocks.text import (
    SECTION_TEXT_MAX,
    Block,
    escape,
    fitted,
    joined,
    mrkdwn,
    plain,
    read_id,
    truncate,
)

KEEP_SIGNATURE_ACTION = "version_keep"
WITHDRAW_SIGNATURE_ACTION = "version_withdraw"
# A changed paragraph shows this much of each side; a whole change fits one section.
PARAGRAPH_SHOWN_MAX = 600
NAMES_TEXT_MAX = 500


def version_notice(
    letter: Letter, *, since: int, changes: list[Change], entries: list[Signer], user: str
) -> dict[str, Any]:
    """The DM to `user`, a signer of version `since`, now that `letter.version`
    replaced it (the entries named as they may see them)."""
    title = escape(letter.title)
    names = joined(
        [f"*{escape(entry.name_seen_by(user))}*" for entry in entries], limit=NAMES_TEXT_MAX
    )
    intro = (
        f":memo: *{title}* (letter #{letter.id}) changed after you signed it for {names}. "
        f"You're still signed. Here is what changed from the version you signed "
        f"(version {since}) to version {letter.version}:"
    )
    if not changes:
        intro += "\n_Only its layout changed._"
    blocks = fitted(
        [[_change_block(change)] for change in changes],
        before=[{"type": "section", "text": mrkdwn(intro)}],
        after=[_choices(letter, entries)],
        more=lambda more: {
            "type": "context",
            "elements": [plain(f"…and {more} more changes: the letter's post shows it whole.")],
        },
    )
    return {"text": f"{title} changed after you signed it", "blocks": blocks}


def kept_text(letter: Letter, names: list[str], *, version: int) -> str:
    """`names` are the entries kept, as the person who kept them may see them."""
    shown = joined([f"*{escape(name)}*" for name in names], limit=NAMES_TEXT_MAX)
    return (
        f":white_check_mark: You still sign *{escape(letter.title)}* (version {version}) "
        f"for {shown}. Thank you."
    )


def withdraw_value(letter_id: int, entry_ids: list[int]) -> str:
    return f"{letter_id}:{','.join(map(str, entry_ids))}"


def read_keep_value(value: str) -> tuple[int, int] | None:
    """The letter and the version a Keep my signature button is for."""
    letter, _, version = value.partition(":")
    letter_id, number = read_id(letter), read_id(version)
    return (letter_id, number) if letter_id is not None and number is not None else None


def read_withdraw_value(value: str) -> tuple[int, list[int]] | None:
    """The letter and entries a Withdraw button is for."""
    letter, _, entries = value.partition(":")
    read = [read_id(part) for part in [letter, *(entries.split(",") if entries else [])]]
    ids = [n for n in read if n is not None]
    if len(ids) < 2 or len(ids) != len(read):
        return None
    return ids[0], ids[1:]


def _change_block(change: Change) -> Block:
    if change.kind is ChangeKind.ADDED:
        text = f"*Added:*\n{_quoted(change.after)}"
    elif change.kind is ChangeKind.REMOVED:
        text = f"*Removed:*\n{_quoted(change.before)}"
    else:
        text = f"*Changed from:*\n{_quoted(change.before)}\n*to:*\n{_quoted(change.after)}"
    return {"type": "section", "text": mrkdwn(truncate(text, SECTION_TEXT_MAX))}


def _quoted(paragraph: str) -> str:
    return "> " + escape(truncate(paragraph, PARAGRAPH_SHOWN_MAX))


def _choices(letter: Letter, entries: list[Signer]) -> Block:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": KEEP_SIGNATURE_ACTION,
                "style": "primary",
                "text": plain("Keep my signature"),
                "value": f"{letter.id}:{letter.version}",  # read by read_keep_value
            },
            {
                "type": "button",
                "action_id": WITHDRAW_SIGNATURE_ACTION,
                "style": "danger",
                "text": plain("Withdraw"),
                # The entries this DM is about, and no other the person signed since.
                "value": withdraw_value(letter.id, [entry.id for entry in entries]),
                "confirm": {
                    "title": plain("Withdraw your sign-on?"),
                    "text": plain(truncate(f"Take back your sign-on to {letter.title}?", 300)),
                    "confirm": plain("Withdraw"),
                    "deny": plain("Keep it"),
                },
            },
        ],
    }
