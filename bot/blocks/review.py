"""The review queue: pairs of entries that may be one organization, with Merge / Keep both."""

from __future__ import annotations

from typing import Any

from bot.blocks.text import (
    BUTTON_TEXT_MAX,
    Block,
    escape,
    fitted,
    inert,
    joined,
    mrkdwn,
    plain,
    truncate,
)
from bot.models import Letter, ReviewDecision, ReviewPair, Signer

MERGE_ACTION = "review_merge"
# Merge too, publishing the second entry's name on the entry kept.
MERGE_AS_SECOND_ACTION = "review_merge_second"
KEEP_ACTION = "review_keep"
# Two entries share one section of 3,000 characters. Each gets half: its name and the
# other spellings it came in as, each cut short enough that even escaped five times
# over (a name of ampersands) they fit.
NAME_SHOWN_MAX = 120
SPELLING_SHOWN_MAX = 80
SPELLINGS_TEXT_MAX = 800


def review_message(
    letter: Letter,
    pairs: list[ReviewPair],
    *,
    decision: ReviewDecision | None = None,
    kept_name: str | None = None,
    news: bool = False,
) -> dict[str, Any]:
    """The queue of pairs to decide, after the note on the one just decided, if any;
    with `news`, as a lead is told that new ones have signed."""
    title = escape(letter.title)
    intro = [decided_text(decision, kept_name)] if decision else []
    if news:
        intro.append(
            f":mag: New possible duplicates have signed *{title}* (letter #{letter.id}). "
            "Until you decide, every count people quote may be too high."
        )
    if not pairs:
        intro.append(f"No possible duplicates are waiting for *{title}*.")
        return {"text": "\n".join(intro)}
    intro.append(
        f"*{len(pairs)} possible duplicate{'s' if len(pairs) != 1 else ''}* for *{title}*. "
        "Each counts on its own until you decide."
    )
    blocks = fitted(
        [pair_blocks(pair) for pair in pairs],
        before=[{"type": "section", "text": mrkdwn("\n".join(intro))}],
        more=lambda more: {
            "type": "context",
            "elements": [plain(f"…and {more} more after these.")],
        },
    )
    return {"text": f"{len(pairs)} possible duplicates for {title}", "blocks": blocks}


def pair_blocks(pair: ReviewPair) -> list[Block]:
    return [
        {"type": "divider"},
        {
            "type": "section",
            "text": mrkdwn(f"{_describe(pair.first)}\n{_describe(pair.second)}"),
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": MERGE_ACTION,
                    "style": "primary",
                    "value": str(pair.id),
                    "text": plain(
                        truncate(f"Merge into “{inert(pair.first.name)}”", BUTTON_TEXT_MAX)
                    ),
                },
                {
                    "type": "button",
                    "action_id": MERGE_AS_SECOND_ACTION,
                    "value": str(pair.id),
                    "text": plain(
                        truncate(f"Merge as “{inert(pair.second.name)}”", BUTTON_TEXT_MAX)
                    ),
                },
                {
                    "type": "button",
                    "action_id": KEEP_ACTION,
                    "value": str(pair.id),
                    "text": plain("Keep both"),
                },
            ],
        },
    ]


def _describe(signer: Signer) -> str:
    spellings = [
        f"“{escape(truncate(spelling, SPELLING_SHOWN_MAX))}”"
        for spelling in signer.submitted_as
        if spelling != signer.name
    ]
    also = f" (also {joined(spellings, limit=SPELLINGS_TEXT_MAX)})" if spellings else ""
    contacts = len(signer.contacts)
    name = escape(truncate(signer.name, NAME_SHOWN_MAX))
    return f"• *{name}*{also} · {contacts} contact{'s' if contacts != 1 else ''}"


def decided_text(decision: ReviewDecision | None, kept_name: str | None) -> str:
    """What became of the pair just decided."""
    if decision is ReviewDecision.MERGED:
        return f"Merged into *{escape(kept_name or '')}*."
    if decision is ReviewDecision.KEPT:
        return "Kept both; that pair won't be suggested again."
    return "That pair was already decided, or one of them has withdrawn."
