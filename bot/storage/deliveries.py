"""The delivery queue: a due job becomes deliveries (one per channel or person) in the
transaction that marks it done; a delivery is claimed before it is sent and marked
after, so two processes never send the same post, and its outcomes (sent, skipped,
retried, given up) are kept for `/letter list` and the next tally."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.letters import LetterStatus
from bot.rules.schedule import Delivery, DeliveryState, JobKind, JobState
from bot.storage.planning import (
    cancel_reminders,
    locked_letter,
    zone_of_tally,
)
from bot.storage.recipients import letter_targets, tally_targets
from bot.storage.schema import (
    deliveries,
    letters,
    scheduled_jobs,
)
from bot.storage.web_signons import expire_pending

Connect = Callable[[], AbstractAsyncContextManager[AsyncConnection]]


class Deliveries:
    """The dispatcher's side of the schedule: what is due, claims, and outcomes."""

    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def expand_due(self, now: datetime, *, zone: str = "UTC") -> int:
        """Turn every job due by `now` into deliveries; returns how many jobs it took.

        A job that no longer matters is skipped instead: a reminder for a letter that has
        closed or whose deadline has passed, anything planned for a deadline since moved,
        and every missed tally but the latest of each timezone. `zone` is TIMEZONE, the
        timezone of a lead whose own Slack doesn't give one.
        """
        is_due = sa.and_(scheduled_jobs.c.state == JobState.PENDING, scheduled_jobs.c.due_at <= now)
        # Most passes find nothing due; a read costs SQLite's writers nothing.
        if not await self._exists(sa.select(scheduled_jobs.c.id).where(is_due)):
            return 0
        async with self._writing() as conn:
            due = (
                await conn.execute(
                    sa.select(scheduled_jobs)
                    .where(is_due)
                    .order_by(scheduled_jobs.c.due_at, scheduled_jobs.c.id)
                )
            ).all()
            latest = {zone_of_tally(job.key): job.id for job in due if job.kind == JobKind.TALLY}
            taken = 0
            for job in due:
                if job.kind == JobKind.TALLY:
                    if not await _take(conn, job, now=now):
                        continue
                    tally_zone = zone_of_tally(job.key)
                    targets = (
                        await tally_targets(conn, tally_zone or zone, default=zone)
                        if latest[tally_zone] == job.id
                        else None
                    )
                else:
                    # The letter's row is locked before the job's, as rescheduling does,
                    # so the two never wait on each other.
                    letter = await locked_letter(conn, job.letter_id)
                    if not await _take(conn, job, now=now):
                        continue
                    targets = await letter_targets(conn, job, letter, now=now)
                    if targets is not None and job.kind == JobKind.CLOSE:
                        await _close(conn, job.letter_id, now=now)
                await _deliver_to(conn, job, targets, now=now)
                taken += 1
            return taken

    async def claim(
        self, now: datetime, *, owner: str, until: datetime, limit: int = 50
    ) -> list[Delivery]:
        """Deliveries ready to send at `now`, claimed for `owner` until `until`.

        A claim whose time ran out (its process died mid-send) can be claimed again.
        """
        ready = sa.or_(
            sa.and_(
                deliveries.c.state == DeliveryState.PENDING, deliveries.c.next_attempt_at <= now
            ),
            sa.and_(deliveries.c.state == DeliveryState.SENDING, deliveries.c.claimed_until < now),
        )
        if not await self._exists(sa.select(deliveries.c.id).where(ready)):
            return []
        async with self._writing() as conn:
            ids = list(
                (
                    await conn.execute(
                        sa.select(deliveries.c.id)
                        .where(ready)
                        .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
                        .limit(limit)
                        .with_for_update(skip_locked=True)
                    )
                ).scalars()
            )
            if not ids:
                return []
            await conn.execute(
                deliveries.update()
                .where(deliveries.c.id.in_(ids))
                .values(state=DeliveryState.SENDING, claimed_by=owner, claimed_until=until)
            )
            rows = await conn.execute(
                sa.select(
                    deliveries.c.id,
                    scheduled_jobs.c.kind,
                    deliveries.c.letter_id,
                    deliveries.c.target,
                    scheduled_jobs.c.offset_seconds,
                    scheduled_jobs.c.version,
                    deliveries.c.created_at,
                    deliveries.c.attempts,
                    deliveries.c.snapshot,
                    scheduled_jobs.c.key,
                )
                .join(scheduled_jobs, scheduled_jobs.c.id == deliveries.c.job_id)
                .where(deliveries.c.id.in_(ids))
                .order_by(deliveries.c.id)
            )
            return [
                Delivery(
                    id=row.id,
                    kind=JobKind(row.kind),
                    letter_id=row.letter_id,
                    target=row.target,
                    offset=timedelta(seconds=row.offset_seconds)
                    if row.offset_seconds is not None
                    else None,
                    version=row.version,
                    since=row.created_at,
                    attempts=row.attempts,
                    snapshot=json.loads(row.snapshot) if row.snapshot else None,
                    key=row.key,
                )
                for row in rows
            ]

    async def _exists(self, query: sa.Select[Any]) -> bool:
        async with self._reading() as conn:
            return (await conn.execute(query.limit(1))).first() is not None

    async def mark_sent(
        self, delivery: Delivery, *, owner: str, now: datetime, snapshot: Any = None
    ) -> bool:
        """Record that the delivery went out; False if `owner` no longer held it. A
        tally whose text went out on an earlier attempt keeps that time as its own."""
        return await self._settle(
            delivery,
            owner=owner,
            state=DeliveryState.SENT,
            sent_at=sa.func.coalesce(
                deliveries.c.sent_at, sa.literal(now, deliveries.c.sent_at.type)
            ),
            snapshot=json.dumps(snapshot) if snapshot is not None else None,
        )

    async def mark_text_sent(
        self, delivery: Delivery, *, owner: str, now: datetime, snapshot: Any
    ) -> bool:
        """Record that a daily tally's text went out, reporting `snapshot`, while its
        charts are still to go: a retry sends only those, and the next tally compares
        against what the lead received. False if `owner` no longer held the claim."""
        async with self._writing() as conn:
            result = await conn.execute(
                deliveries.update()
                .where(_held(delivery, owner=owner))
                .values(sent_at=now, snapshot=json.dumps(snapshot))
            )
            return result.rowcount == 1

    async def mark_skipped(self, delivery: Delivery, *, owner: str, reason: str) -> bool:
        """Nothing to send any more (the letter closed, a lead has no open letters)."""
        return await self._settle(
            delivery, owner=owner, state=DeliveryState.SKIPPED, last_error=reason
        )

    async def retry_later(
        self, delivery: Delivery, *, owner: str, at: datetime, error: str
    ) -> bool:
        return await self._settle(
            delivery,
            owner=owner,
            state=DeliveryState.PENDING,
            attempts=delivery.attempts + 1,
            next_attempt_at=at,
            last_error=error[:200],
        )

    async def defer(self, delivery: Delivery, *, owner: str, at: datetime) -> bool:
        """Send it at `at` instead: not a failure, nothing counted against it."""
        return await self._settle(
            delivery, owner=owner, state=DeliveryState.PENDING, next_attempt_at=at
        )

    async def give_up(self, delivery: Delivery, *, owner: str, error: str) -> bool:
        return await self._settle(
            delivery,
            owner=owner,
            state=DeliveryState.FAILED,
            attempts=delivery.attempts + 1,
            last_error=error[:200],
        )

    async def _settle(
        self, delivery: Delivery, *, owner: str, state: DeliveryState, **values: Any
    ) -> bool:
        async with self._writing() as conn:
            result = await conn.execute(
                deliveries.update()
                .where(_held(delivery, owner=owner))
                .values(state=state, claimed_until=None, **values)
            )
            return result.rowcount == 1

    async def next_wake(self) -> datetime | None:
        """When something next falls due: a job, a retry, or a lapsed claim."""
        async with self._reading() as conn:
            times = [
                (
                    await conn.execute(
                        sa.select(sa.func.min(scheduled_jobs.c.due_at)).where(
                            scheduled_jobs.c.state == JobState.PENDING
                        )
                    )
                ).scalar_one_or_none(),
                (
                    await conn.execute(
                        sa.select(sa.func.min(deliveries.c.next_attempt_at)).where(
                            deliveries.c.state == DeliveryState.PENDING
                        )
                    )
                ).scalar_one_or_none(),
                (
                    await conn.execute(
                        sa.select(sa.func.min(deliveries.c.claimed_until)).where(
                            deliveries.c.state == DeliveryState.SENDING
                        )
                    )
                ).scalar_one_or_none(),
            ]
        found = [moment for moment in times if moment is not None]
        return min(found) if found else None


async def _close(conn: AsyncConnection, letter_id: int, *, now: datetime) -> None:
    """The deadline has come: no more sign-ons, and no reminders after it."""
    await conn.execute(
        letters.update()
        .where(letters.c.id == letter_id)
        .values(status=LetterStatus.CLOSED, closed_at=now)
    )
    await cancel_reminders(conn, letter_id, now=now)
    await expire_pending(conn, letter_id)


def _held(delivery: Delivery, *, owner: str) -> sa.ColumnElement[bool]:
    """The delivery, while `owner` still holds its claim."""
    return sa.and_(
        deliveries.c.id == delivery.id,
        deliveries.c.state == DeliveryState.SENDING,
        deliveries.c.claimed_by == owner,
    )


async def _take(conn: AsyncConnection, job: Any, *, now: datetime) -> bool:
    """Mark a due job done, unless another process just did."""
    taken = await conn.execute(
        scheduled_jobs.update()
        .where(scheduled_jobs.c.id == job.id, scheduled_jobs.c.state == JobState.PENDING)
        .values(state=JobState.DONE, finished_at=now)
    )
    return taken.rowcount == 1


async def _deliver_to(
    conn: AsyncConnection, job: Any, targets: list[str] | None, *, now: datetime
) -> None:
    """A delivery per target; a job with none to make (None) was skipped."""
    if targets is None:
        await conn.execute(
            scheduled_jobs.update()
            .where(scheduled_jobs.c.id == job.id)
            .values(state=JobState.SKIPPED)
        )
        return
    if not targets:
        return
    await conn.execute(
        deliveries.insert(),
        [
            {
                "job_id": job.id,
                "letter_id": job.letter_id,
                "target": target,
                "state": DeliveryState.PENDING.value,
                "attempts": 0,
                "next_attempt_at": now,
                "claimed_by": None,
                "claimed_until": None,
                "last_error": None,
                "sent_at": None,
                "created_at": now,
                "snapshot": None,
            }
            for target in dict.fromkeys(targets)
        ],
    )
