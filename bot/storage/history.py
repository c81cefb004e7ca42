"""What the schedule sent, and what it couldn't: when someone last had a notice or a
chase, what their last tally reported, and the deliveries that keep failing or were
given up (`/letter list`, the Home)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.schedule import DeliveryProblem, DeliveryState, JobKind
from bot.storage.schema import (
    deliveries,
    scheduled_jobs,
)

Connect = Callable[[], AbstractAsyncContextManager[AsyncConnection]]

# A delivery that has failed this often shows up in `/letter list` while it retries.
SHOW_AFTER_ATTEMPTS = 3


class History:
    """The schedule's outcomes, as organizers and the dispatcher read them."""

    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def last_sent(self, kind: JobKind, *, target: str) -> datetime | None:
        """When a message of `kind` last went to `target`, if one ever did."""
        async with self._reading() as conn:
            sent: datetime | None = (
                await conn.execute(
                    sa.select(sa.func.max(deliveries.c.sent_at))
                    .join(scheduled_jobs, scheduled_jobs.c.id == deliveries.c.job_id)
                    .where(
                        scheduled_jobs.c.kind == kind.value,
                        deliveries.c.target == target,
                        deliveries.c.state == DeliveryState.SENT,
                    )
                )
            ).scalar()
            return sent

    async def reminders_sent(self, letter_id: int) -> list[datetime]:
        """When each of the letter's reminders went out (its first post), in order."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(sa.func.min(deliveries.c.sent_at))
                .join(scheduled_jobs, scheduled_jobs.c.id == deliveries.c.job_id)
                .where(
                    scheduled_jobs.c.kind == JobKind.REMINDER.value,
                    deliveries.c.letter_id == letter_id,
                    deliveries.c.state == DeliveryState.SENT,
                )
                .group_by(deliveries.c.job_id)
            )
            return sorted(sent for (sent,) in rows if sent is not None)

    async def chased_since(self, letter_id: int, *, since: datetime) -> dict[str, datetime]:
        """When each contact chased about the letter after `since` was last chased."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(deliveries.c.target, sa.func.max(deliveries.c.sent_at))
                .join(scheduled_jobs, scheduled_jobs.c.id == deliveries.c.job_id)
                .where(
                    scheduled_jobs.c.kind == JobKind.CHASE.value,
                    deliveries.c.letter_id == letter_id,
                    deliveries.c.state == DeliveryState.SENT,
                    deliveries.c.sent_at > since,
                )
                .group_by(deliveries.c.target)
            )
            return {target: sent_at for target, sent_at in rows}

    async def last_tally(self, user: str) -> Any:
        """The snapshot the last tally `user` received reported, or None before the
        first: a tally counts once its text went out, its charts sent or not."""
        async with self._reading() as conn:
            snapshot = (
                await conn.execute(
                    sa.select(deliveries.c.snapshot)
                    .join(scheduled_jobs, scheduled_jobs.c.id == deliveries.c.job_id)
                    .where(
                        scheduled_jobs.c.kind == JobKind.TALLY.value,
                        deliveries.c.target == user,
                        deliveries.c.snapshot.is_not(None),
                    )
                    .order_by(deliveries.c.sent_at.desc(), deliveries.c.id.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
        return json.loads(snapshot) if snapshot else None

    async def problems(self, letter_ids: Sequence[int]) -> dict[int, list[DeliveryProblem]]:
        """Posts for these letters that failed for good, or keep failing as they retry."""
        found: dict[int, list[DeliveryProblem]] = {}
        for problem in await self._problems(deliveries.c.letter_id.in_(letter_ids)):
            assert problem.letter_id is not None
            found.setdefault(problem.letter_id, []).append(problem)
        return found

    async def letters_with_problems(self) -> set[int]:
        """Letters, open or closed, with a post that hasn't gone out."""
        return {
            problem.letter_id
            for problem in await self._problems(deliveries.c.letter_id.is_not(None))
            if problem.letter_id is not None
        }

    async def tally_problems(self) -> list[DeliveryProblem]:
        """Daily tallies that failed for good, or keep failing as they retry."""
        return await self._problems(scheduled_jobs.c.kind == JobKind.TALLY.value)

    async def _problems(self, condition: sa.ColumnElement[bool]) -> list[DeliveryProblem]:
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(
                    deliveries.c.letter_id,
                    scheduled_jobs.c.kind,
                    deliveries.c.target,
                    deliveries.c.last_error,
                    deliveries.c.attempts,
                    deliveries.c.state,
                )
                .join(scheduled_jobs, scheduled_jobs.c.id == deliveries.c.job_id)
                .where(
                    condition,
                    sa.or_(
                        deliveries.c.state == DeliveryState.FAILED,
                        sa.and_(
                            deliveries.c.state.in_((DeliveryState.PENDING, DeliveryState.SENDING)),
                            deliveries.c.attempts >= SHOW_AFTER_ATTEMPTS,
                        ),
                    ),
                )
                .order_by(deliveries.c.id)
            )
            return [
                DeliveryProblem(
                    letter_id=row.letter_id,
                    kind=JobKind(row.kind),
                    target=row.target,
                    error=row.last_error or "unknown",
                    attempts=row.attempts,
                    gave_up=row.state == DeliveryState.FAILED,
                )
                for row in rows
            ]
