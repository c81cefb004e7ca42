"""What a signer of an earlier version is told when a letter's text changes: a short
diff, with Keep my signature and Withdraw."""

from __future__ import annotations

from typing import Any

from bot.rules.language import current, ngettext, number
from bot.rules.language import gettext as _
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
    title = escape(letter.text_in(current()).title)
    names = joined(
        [f"*{escape(entry.name_seen_by(user))}*" for entry in entries], limit=NAMES_TEXT_MAX
    )
    intro = _(
        ":memo: *{title}* (letter #{number}) changed after you signed it for {names}. You're "
        "still signed. Here is what changed from the version you signed (version {since}) to "
        "version {version}:"
    ).format(title=title, number=letter.id, names=names, since=since, version=letter.version)
    if not changes:
        intro += "\n" + _("_Only its layout changed._")
    blocks = fitted(
        [[_change_block(change)] for change in changes],
        before=[{"type": "section", "text": mrkdwn(intro)}],
        after=[_choices(letter, entries)],
        more=lambda more: {
            "type": "context",
            "elements": [
                plain(
                    ngettext(
                        "…and {count} more changes: the letter's post shows it whole.",
                        "…and {count} more changes: the letter's post shows it whole.",
                        more,
                    ).format(count=number(more))
                )
            ],
        },
    )
    return {"text": _("{title} changed after you signed it").format(title=title), "blocks": blocks}


def kept_text(letter: Letter, names: list[str], *, version: int) -> str:
    """`names` are the entries kept, as the person who kept them may see them."""
    shown = joined([f"*{escape(name)}*" for name in names], limit=NAMES_TEXT_MAX)
    return _(
        ":white_check_mark: You still sign *{title}* (version {version}) for {names}. Thank you."
    ).format(title=escape(letter.text_in(current()).title), version=version, names=shown)


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
        text = _("*Added:*\n{paragraph}").format(paragraph=_quoted(change.after))
    elif change.kind is ChangeKind.REMOVED:
        text = _("*Removed:*\n{paragraph}").format(paragraph=_quoted(change.before))
    else:
        text = _("*Changed from:*\n{before}\n*to:*\n{after}").format(
            before=_quoted(change.before), after=_quoted(change.after)
        )
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
                "text": plain(_("Keep my signature")),
                "value": f"{letter.id}:{letter.version}",  # read by read_keep_value
            },
            {
                "type": "button",
                "action_id": WITHDRAW_SIGNATURE_ACTION,
                "style": "danger",
                "text": plain(_("Withdraw")),
                # The entries this DM is about, and no other the person signed since.
                "value": withdraw_value(letter.id, [entry.id for entry in entries]),
                "confirm": {
                    "title": plain(_("Withdraw your sign-on?")),
                    "text": plain(
                        truncate(
                            _("Take back your sign-on to {title}?").format(
                                title=letter.text_in(current()).title
                            ),
                            300,
                        )
                    ),
                    "confirm": plain(_("Withdraw")),
                    "deny": plain(_("Keep it")),
                },
            },
        ],
    }
