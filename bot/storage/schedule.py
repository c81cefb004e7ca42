"""The schedule in the database: jobs planned for a time, and the deliveries they become.

Every post the bot makes on its own (reminders, the close, deadline announcements, the
daily tally) is a row here before it is due, so a restart loses nothing and the
scheduler in memory is only an alarm clock. A due job is turned into deliveries in the
transaction that marks it done; a delivery is claimed before it is sent and marked
after, so two processes never send the same post.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.letters import LetterStatus
from bot.rules.schedule import Delivery, DeliveryProblem, DeliveryState, JobKind, JobState, Plan
from bot.rules.signers import SignerStatus
from bot.storage.connect import insert_into
from bot.storage.schema import (
    chase_optouts,
    deliveries,
    letter_leads,
    letter_posts,
    letters,
    people,
    roster_contacts,
    scheduled_jobs,
    signatures,
    signers,
)

Connect = Callable[[], AbstractAsyncContextManager[AsyncConnection]]

# A delivery that has failed this often shows up in `/letter list` while it retries.
SHOW_AFTER_ATTEMPTS = 3


class Schedule:
    """The dispatcher's side of the schedule: what is due, claims, and outcomes."""

    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def tally_recipients(self) -> list[str]:
        """Who gets a daily tally: the leads of open letters, and the creators of open
        letters without leads."""
        async with self._reading() as conn:
            return list((await conn.execute(sa.select(_recipients().c.user_id))).scalars())

    async def plan_tallies(self, dues: Mapping[str | None, datetime], *, now: datetime) -> None:
        """Plan each timezone's next daily tally (None: TIMEZONE's, for everyone whose
        own Slack doesn't give). A future tally planned for another time (the tally time
        changed, or nobody is in that timezone any more) gives way; a missed one stays,
        to be sent once."""
        wanted = {_tally_key(zone, due): due for zone, due in dues.items()}
        async with self._reading() as conn:
            planned = {
                row.key: row.due_at
                for row in await conn.execute(
                    sa.select(scheduled_jobs.c.key, scheduled_jobs.c.due_at).where(
                        scheduled_jobs.c.kind == JobKind.TALLY.value,
                        scheduled_jobs.c.state == JobState.PENDING,
                    )
                )
            }
        stale = [key for key, due in planned.items() if due > now and key not in wanted]
        if set(wanted) <= set(planned) and not stale:
            return  # as nearly every pass finds it: nothing to write
        async with self._writing() as conn:
            # Back to a tally time used before: the job set aside then is planned again.
            await conn.execute(
                scheduled_jobs.update()
                .where(
                    scheduled_jobs.c.key.in_(list(wanted)),
                    scheduled_jobs.c.state == JobState.CANCELLED,
                )
                .values(state=JobState.PENDING, finished_at=None)
            )
            if stale:
                await conn.execute(
                    scheduled_jobs.update()
                    .where(
                        scheduled_jobs.c.key.in_(stale),
                        scheduled_jobs.c.state == JobState.PENDING,
                    )
                    .values(state=JobState.CANCELLED, finished_at=now)
                )
            await _insert_jobs(
                conn,
                [
                    _job_row(JobKind.TALLY, key=key, due_at=due, now=now, letter_id=None)
                    for key, due in wanted.items()
                ],
            )

    async def plan_duplicates_notice(
        self, letter_id: int, *, now: datetime, gap: timedelta, settle: timedelta
    ) -> tuple[datetime, bool]:
        """Plan telling a letter's leads of new possible duplicates, `settle` from now
        and at least `gap` after the last notice. One already waiting tells of these too.
        Returns when the notice that will tell of them is due, and whether it was
        planned just now."""
        waiting = (
            sa.select(scheduled_jobs.c.due_at)
            .where(
                scheduled_jobs.c.kind == JobKind.DUPLICATES.value,
                scheduled_jobs.c.letter_id == letter_id,
                scheduled_jobs.c.state == JobState.PENDING,
            )
            .limit(1)
        )
        # Most sign-ons that find a possible duplicate find a notice waiting: a read
        # tells, without taking a writer's turn.
        async with self._reading() as conn:
            due: datetime | None = (await conn.execute(waiting)).scalar()
        if due is not None:
            return due, False
        async with self._writing() as conn:
            # The letter's row is the replicas' turnstile, as for every plan of it.
            await _locked_letter(conn, letter_id)
            due = (await conn.execute(waiting)).scalar()
            if due is not None:
                return due, False
            last: datetime | None = (
                await conn.execute(
                    sa.select(sa.func.max(scheduled_jobs.c.due_at)).where(
                        scheduled_jobs.c.kind == JobKind.DUPLICATES.value,
                        scheduled_jobs.c.letter_id == letter_id,
                    )
                )
            ).scalar()
            due_at = now + settle if last is None else max(now + settle, last + gap)
            job = _job_row(
                JobKind.DUPLICATES,
                key=f"duplicates:{letter_id}:{due_at.isoformat()}",
                due_at=due_at,
                now=now,
                letter_id=letter_id,
            )
            await _insert_jobs(conn, [job])
            return due_at, True

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
            latest = {_tally_zone(job.key): job.id for job in due if job.kind == JobKind.TALLY}
            taken = 0
            for job in due:
                if job.kind == JobKind.TALLY:
                    if not await _take(conn, job, now=now):
                        continue
                    tally_zone = _tally_zone(job.key)
                    targets = (
                        await _tally_targets(conn, tally_zone or zone, default=zone)
                        if latest[tally_zone] == job.id
                        else None
                    )
                else:
                    # The letter's row is locked before the job's, as rescheduling does,
                    # so the two never wait on each other.
                    letter = await _locked_letter(conn, job.letter_id)
                    if not await _take(conn, job, now=now):
                        continue
                    targets = await _letter_targets(conn, job, letter, now=now)
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

    async def unscheduled_letters(self) -> list[tuple[int, int]]:
        """Open letters with nothing planned for their current deadline, as (id, version):
        letters from before the schedule existed."""
        planned = sa.select(scheduled_jobs.c.id).where(
            scheduled_jobs.c.letter_id == letters.c.id,
            scheduled_jobs.c.version == letters.c.schedule_version,
        )
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(letters.c.id, letters.c.schedule_version).where(
                    letters.c.status == LetterStatus.OPEN.value, ~sa.exists(planned)
                )
            )
            return [(row.id, row.schedule_version) for row in rows]

    async def chase_now(self, letter_id: int, *, now: datetime) -> bool:
        """Plan a chase of the letter's missing members at once; False if one asked for
        is still to go out."""
        async with self._writing() as conn:
            letter = await _locked_letter(conn, letter_id)
            return await plan_chase(conn, letter_id, version=letter.schedule_version, now=now)

    async def add_plan(self, letter_id: int, version: int, plan: Plan, *, now: datetime) -> None:
        async with self._writing() as conn:
            await plan_letter(conn, letter_id, version=version, plan=plan, now=now)


async def plan_letter(
    conn: AsyncConnection, letter_id: int, *, version: int, plan: Plan, now: datetime
) -> None:
    """Plan a letter's reminders and its close, for the deadline of `version`."""
    # With each reminder, the contacts of roster members that haven't signed are chased.
    rows = [
        _job_row(
            kind,
            key=f"{kind.value}:{letter_id}:{version}:{seconds}",
            due_at=due,
            now=now,
            letter_id=letter_id,
            version=version,
            offset_seconds=seconds,
        )
        for kind in (JobKind.REMINDER, JobKind.CHASE)
        for offset, due in plan.reminders
        for seconds in (int(offset.total_seconds()),)
    ]
    rows.append(_close_job(letter_id, version=version, due_at=plan.deadline, now=now))
    await _insert_jobs(conn, rows)


async def plan_chase(conn: AsyncConnection, letter_id: int, *, version: int, now: datetime) -> bool:
    """Chase the contacts of roster members that haven't signed, at once (an
    organizer's `/letter chase`). False if one asked for just now is still to go out."""
    waiting = await conn.execute(
        sa.select(scheduled_jobs.c.id).where(
            scheduled_jobs.c.kind == JobKind.CHASE.value,
            scheduled_jobs.c.letter_id == letter_id,
            scheduled_jobs.c.state == JobState.PENDING,
            scheduled_jobs.c.due_at <= now,
        )
    )
    if waiting.first() is not None:
        return False
    await _plan_now(
        conn, JobKind.CHASE, f"{letter_id}:{version}:now:{now.isoformat()}", letter_id, version, now
    )
    return True


async def plan_version_notice(
    conn: AsyncConnection, letter_id: int, *, version: int, now: datetime
) -> None:
    """Tell, at once, those who signed an earlier text that version `version` replaced it."""
    await _plan_now(conn, JobKind.NEW_VERSION, f"{letter_id}:{version}", letter_id, version, now)


async def plan_announcement(
    conn: AsyncConnection, letter_id: int, *, version: int, now: datetime
) -> None:
    """Tell the letter's channels, at once, that its deadline moved."""
    await _plan_now(conn, JobKind.DEADLINE_MOVED, f"{letter_id}:{version}", letter_id, version, now)


async def cancel_plan(conn: AsyncConnection, letter_id: int, *, now: datetime) -> None:
    """Drop the letter's reminders and close that have not happened yet."""
    await conn.execute(
        scheduled_jobs.update()
        .where(
            scheduled_jobs.c.letter_id == letter_id,
            scheduled_jobs.c.state == JobState.PENDING,
            scheduled_jobs.c.kind.in_(
                (JobKind.REMINDER.value, JobKind.CHASE.value, JobKind.CLOSE.value)
            ),
        )
        .values(state=JobState.CANCELLED, finished_at=now)
    )


async def cancel_everything(conn: AsyncConnection, letter_id: int, *, now: datetime) -> None:
    """Nothing more goes out for a letter taken down: no job, and no delivery of one."""
    await conn.execute(
        scheduled_jobs.update()
        .where(
            scheduled_jobs.c.letter_id == letter_id,
            scheduled_jobs.c.state == JobState.PENDING.value,
        )
        .values(state=JobState.CANCELLED.value, finished_at=now)
    )
    await conn.execute(
        deliveries.update()
        .where(
            deliveries.c.letter_id == letter_id,
            deliveries.c.state == DeliveryState.PENDING.value,
        )
        .values(state=DeliveryState.SKIPPED.value, last_error="the letter was taken down")
    )


async def close_at_once(
    conn: AsyncConnection, letter_id: int, *, version: int, now: datetime
) -> None:
    """Bring the letter's close forward to now, dropping the reminders before it."""
    await _cancel_reminders(conn, letter_id, now=now)
    moved = await conn.execute(
        scheduled_jobs.update()
        .where(
            scheduled_jobs.c.letter_id == letter_id,
            scheduled_jobs.c.state == JobState.PENDING,
            scheduled_jobs.c.kind == JobKind.CLOSE.value,
        )
        .values(due_at=now)
    )
    if moved.rowcount == 0:
        await _insert_jobs(conn, [_close_job(letter_id, version=version, due_at=now, now=now)])


async def _cancel_reminders(conn: AsyncConnection, letter_id: int, *, now: datetime) -> None:
    await conn.execute(
        scheduled_jobs.update()
        .where(
            scheduled_jobs.c.letter_id == letter_id,
            scheduled_jobs.c.state == JobState.PENDING,
            scheduled_jobs.c.kind.in_((JobKind.REMINDER.value, JobKind.CHASE.value)),
        )
        .values(state=JobState.CANCELLED, finished_at=now)
    )


async def _plan_now(
    conn: AsyncConnection,
    kind: JobKind,
    key: str,
    letter_id: int,
    version: int,
    now: datetime,
) -> None:
    """A job of the letter's due at once, keyed `kind:key` (planning it twice adds one)."""
    job = _job_row(
        kind, key=f"{kind.value}:{key}", due_at=now, now=now, letter_id=letter_id, version=version
    )
    await _insert_jobs(conn, [job])


def _close_job(letter_id: int, *, version: int, due_at: datetime, now: datetime) -> dict[str, Any]:
    return _job_row(
        JobKind.CLOSE,
        key=f"close:{letter_id}:{version}",
        due_at=due_at,
        now=now,
        letter_id=letter_id,
        version=version,
    )


def _job_row(
    kind: JobKind,
    *,
    key: str,
    due_at: datetime,
    now: datetime,
    letter_id: int | None,
    version: int | None = None,
    offset_seconds: int | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "letter_id": letter_id,
        "version": version,
        "offset_seconds": offset_seconds,
        "due_at": due_at,
        "state": JobState.PENDING.value,
        "key": key,
        "created_at": now,
        "finished_at": None,
    }


async def _insert_jobs(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Insert jobs, leaving alone any whose key is already planned."""
    await conn.execute(
        insert_into(conn, scheduled_jobs)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["key"])
    )


async def _locked_letter(conn: AsyncConnection, letter_id: int) -> Any:
    return (
        await conn.execute(sa.select(letters).where(letters.c.id == letter_id).with_for_update())
    ).first()


async def _letter_targets(
    conn: AsyncConnection, job: Any, letter: Any, *, now: datetime
) -> list[str] | None:
    """Who a letter's due job goes to, or None when it no longer matters."""
    is_open = letter is not None and letter.status == LetterStatus.OPEN.value
    if job.kind == JobKind.DUPLICATES:
        # Once closed, the final list tells the leads what is still to review.
        return await _leads_or_creator(conn, letter) if is_open else None
    if job.kind == JobKind.NEW_VERSION:
        # A later edit's notice tells of this one's change too.
        current = letter is not None and job.version == letter.version
        return await _signers_of_earlier_versions(conn, letter) if current and is_open else None
    if letter is None or job.version != letter.schedule_version:
        return None
    if job.kind in (JobKind.REMINDER, JobKind.CHASE) and (not is_open or letter.deadline <= now):
        return None
    if job.kind == JobKind.CHASE:
        return await _unsigned_contacts(conn, letter.id)
    channels = list(
        (
            await conn.execute(
                sa.select(letter_posts.c.channel_id)
                .where(letter_posts.c.letter_id == job.letter_id, letter_posts.c.ts.is_not(None))
                .order_by(letter_posts.c.position)
            )
        ).scalars()
    )
    if job.kind != JobKind.CLOSE:
        return channels
    return channels + await _leads_or_creator(conn, letter)


async def _signers_of_earlier_versions(conn: AsyncConnection, letter: Any) -> list[str]:
    """The Slack accounts still signed for an entry who haven't themselves agreed to
    the letter's current version: each is asked once, whatever the number of their
    entries."""
    return list(
        (
            await conn.execute(
                sa.select(signatures.c.user_id)
                .join(signers, signers.c.id == signatures.c.signer_id)
                .where(
                    signers.c.letter_id == letter.id,
                    signers.c.status == SignerStatus.ACTIVE.value,
                    signatures.c.signed_version < letter.version,
                    sa.func.coalesce(signatures.c.confirmed_version, 0) < letter.version,
                    signatures.c.withdrawn_at.is_(None),
                    signatures.c.user_id.is_not(None),
                )
                .distinct()
                .order_by(signatures.c.user_id)
            )
        ).scalars()
    )


async def _unsigned_contacts(conn: AsyncConnection, letter_id: int) -> list[str]:
    """Roster contacts with a Slack account who haven't signed the letter themselves or
    asked not to be chased about it. Whether their organization signed under another's
    hand is judged as each is sent, by the dedupe rules."""
    signed = (
        sa.select(signatures.c.user_id)
        .join(signers, signers.c.id == signatures.c.signer_id)
        .where(
            signers.c.letter_id == letter_id,
            signers.c.status == SignerStatus.ACTIVE.value,
            signatures.c.withdrawn_at.is_(None),
            signatures.c.user_id.is_not(None),
        )
    )
    opted_out = sa.select(chase_optouts.c.user_id).where(chase_optouts.c.letter_id == letter_id)
    return list(
        (
            await conn.execute(
                sa.select(roster_contacts.c.user_id)
                .where(
                    roster_contacts.c.user_id.is_not(None),
                    roster_contacts.c.user_id.not_in(signed),
                    roster_contacts.c.user_id.not_in(opted_out),
                )
                .distinct()
                .order_by(roster_contacts.c.user_id)
            )
        ).scalars()
    )


async def _leads_or_creator(conn: AsyncConnection, letter: Any) -> list[str]:
    """Who hears of a letter's results: its leads, or without any its creator."""
    leads = list(
        (
            await conn.execute(
                sa.select(letter_leads.c.user_id)
                .where(letter_leads.c.letter_id == letter.id)
                .order_by(letter_leads.c.user_id)
            )
        ).scalars()
    )
    return leads or [letter.created_by]


async def _close(conn: AsyncConnection, letter_id: int, *, now: datetime) -> None:
    """The deadline has come: no more sign-ons, and no reminders after it."""
    await conn.execute(
        letters.update().where(letters.c.id == letter_id).values(status=LetterStatus.CLOSED)
    )
    await _cancel_reminders(conn, letter_id, now=now)


def _recipients() -> sa.Subquery:
    """Who hears of open letters daily: their leads, or without any their creator."""
    leads = (
        sa.select(letter_leads.c.user_id)
        .join(letters, letters.c.id == letter_leads.c.letter_id)
        .where(letters.c.status == LetterStatus.OPEN.value)
    )
    has_leads = sa.exists().where(letter_leads.c.letter_id == letters.c.id)
    creators = sa.select(letters.c.created_by.label("user_id")).where(
        letters.c.status == LetterStatus.OPEN.value, ~has_leads
    )
    return sa.union(leads, creators).subquery()


async def _tally_targets(conn: AsyncConnection, zone: str, *, default: str) -> list[str]:
    """Everyone who gets a tally and lives in `zone` (by their Slack; `default` for
    those Slack gives no timezone)."""
    recipients = _recipients()
    their_zone = sa.func.coalesce(people.c.tz, default)
    return list(
        (
            await conn.execute(
                sa.select(recipients.c.user_id)
                .outerjoin(people, people.c.user_id == recipients.c.user_id)
                .where(their_zone == zone)
                .distinct()
                .order_by(recipients.c.user_id)
            )
        ).scalars()
    )


def _tally_key(zone: str | None, due_at: datetime) -> str:
    """'tally:2026-12-01T14:00:00+00:00' in TIMEZONE, 'tally:Europe/Paris:…' elsewhere."""
    return f"tally:{due_at.isoformat()}" if zone is None else f"tally:{zone}:{due_at.isoformat()}"


def _tally_zone(key: str) -> str | None:
    """The timezone a tally job's key names; None for TIMEZONE's (dates begin with a
    digit, timezone names never do)."""
    rest = key.removeprefix("tally:")
    return None if rest[:1].isdigit() else rest.split(":", 1)[0]


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
