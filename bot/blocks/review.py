"""The review queue: pairs of entries that may be one organization, with Merge / Keep both."""

from __future__ import annotations

from typing import Any

from bot.blocks.text import MESSAGE_BLOCKS_MAX, escape, inert, mrkdwn, plain, truncate
from bot.models import Letter, ReviewPair, Signer

MERGE_ACTION = "review_merge"
KEEP_ACTION = "review_keep"
BLOCKS_PER_PAIR = 3
BUTTON_TEXT_MAX = 75


def review_message(letter: Letter, pairs: list[ReviewPair], *, note: str = "") -> dict[str, Any]:
    title = escape(letter.title)
    intro = [note] if note else []
    if not pairs:
        intro.append(f"No possible duplicates are waiting for *{title}*.")
        return {"text": "\n".join(intro)}
    intro.append(
        f"*{len(pairs)} possible duplicate{'s' if len(pairs) != 1 else ''}* for *{title}*. "
        "Each counts on its own until you decide."
    )
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn("\n".join(intro))}]
    room = (MESSAGE_BLOCKS_MAX - 2) // BLOCKS_PER_PAIR
    for pair in pairs[:room]:
        blocks += [
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
                        "action_id": KEEP_ACTION,
                        "value": str(pair.id),
                        "text": plain("Keep both"),
                    },
                ],
            },
        ]
    if len(pairs) > room:
        blocks.append(
            {"type": "context", "elements": [plain(f"…and {len(pairs) - room} more after these.")]}
        )
    return {"text": f"{len(pairs)} possible duplicates for {title}", "blocks": blocks}


def _describe(signer: Signer) -> str:
    spellings = [s for s in signer.submitted_as if s != signer.name]
    also = f" (also “{'”, “'.join(escape(s) for s in spellings)}”)" if spellings else ""
    contacts = len(signer.contacts)
    return f"• *{escape(signer.name)}*{also} · {contacts} contact{'s' if contacts != 1 else ''}"
