"""The audit trail: every change to an entry after it was made, who made it, when, why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.signons import ChangeAction
from bot.storage.schema import signer_changes


async def record_change(
    conn: AsyncConnection,
    row: Any,
    action: ChangeAction,
    changes: Sequence[tuple[str | None, Any, Any]],
    *,
    by: str,
    now: datetime,
    reason: str | None,
) -> None:
    """Keep each change to the entry `row` (a signers row) in the audit trail."""
    rows = [
        {
            "letter_id": row.letter_id,
            "signer_id": row.id,
            "action": action.value,
            "field": field,
            "before": _text(before),
            "after": _text(after),
            "changed_by": by,
            "changed_at": now,
            "reason": reason,
        }
        for field, before, after in changes
    ]
    await conn.execute(signer_changes.insert(), rows)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
