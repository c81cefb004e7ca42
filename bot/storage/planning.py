"""Jobs planned for a time: a letter's reminders, chases and close, announcements, the
leads' notices, each timezone's daily tally. Every post the bot makes on its own is a
row here before it is due, so a restart loses nothing and the scheduler in memory is
only an alarm clock; planning the same job twice (two processes, a restart) finds it
there, by its key."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.letters import LetterStatus
from bot.rules.schedule import DeliveryState, JobKind, JobState, Plan
from bot.rules.timing import verify_due
from bot.storage.connect import insert_into
from bot.storage.schema import (
    deliveries,
    letter_leads,
    letters,
    scheduled_jobs,
)

Connect = Callable[[], AbstractAsyncContextManager[AsyncConnection]]


class Planning:
    """Planning what the dispatcher will send."""

    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def tally_recipients(self) -> list[str]:
        """Who gets a daily tally: the leads of open letters, and the creators of open
        letters without leads."""
        async with self._reading() as conn:
            return list(
                (await conn.execute(sa.select(tally_recipients_query().c.user_id))).scalars()
            )

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
            await insert_jobs(
                conn,
                [
                    job_row(JobKind.TALLY, key=key, due_at=due, now=now, letter_id=None)
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
            await locked_letter(conn, letter_id)
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
            job = job_row(
                JobKind.DUPLICATES,
                key=f"duplicates:{letter_id}:{due_at.isoformat()}",
                due_at=due_at,
                now=now,
                letter_id=letter_id,
            )
            await insert_jobs(conn, [job])
            return due_at, True

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
            letter = await locked_letter(conn, letter_id)
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
        job_row(
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
    await insert_jobs(conn, rows)


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
    await cancel_reminders(conn, letter_id, now=now)
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
        await insert_jobs(conn, [_close_job(letter_id, version=version, due_at=now, now=now)])


async def cancel_reminders(conn: AsyncConnection, letter_id: int, *, now: datetime) -> None:
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
    job = job_row(
        kind, key=f"{kind.value}:{key}", due_at=now, now=now, letter_id=letter_id, version=version
    )
    await insert_jobs(conn, [job])


def _close_job(letter_id: int, *, version: int, due_at: datetime, now: datetime) -> dict[str, Any]:
    return job_row(
        JobKind.CLOSE,
        key=f"close:{letter_id}:{version}",
        due_at=due_at,
        now=now,
        letter_id=letter_id,
        version=version,
    )


def job_row(
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


async def insert_jobs(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Insert jobs, leaving alone any whose key is already planned."""
    await conn.execute(
        insert_into(conn, scheduled_jobs)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["key"])
    )


async def locked_letter(conn: AsyncConnection, letter_id: int) -> Any:
    return (
        await conn.execute(sa.select(letters).where(letters.c.id == letter_id).with_for_update())
    ).first()


def tally_recipients_query() -> sa.Subquery:
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


def _tally_key(zone: str | None, due_at: datetime) -> str:
    """'tally:2026-12-01T14:00:00+00:00' in TIMEZONE, 'tally:Europe/Paris:…' elsewhere."""
    return f"tally:{due_at.isoformat()}" if zone is None else f"tally:{zone}:{due_at.isoformat()}"


def zone_of_tally(key: str) -> str | None:
    """The timezone a tally job's key names; None for TIMEZONE's (dates begin with a
    digit, timezone names never do)."""
    rest = key.removeprefix("tally:")
    return None if rest[:1].isdigit() else rest.split(":", 1)[0]


def verification_look(
    conn: AsyncConnection | sa.Connection, letter_id: int, *, now: datetime, hold: bool = False
) -> Any:
    """The statement that plans a look at a letter's entries for verification at
    `verify_due(now)`, or for a letter that `hold`s unverified sign-ons back, at once:
    one job a window, however many sign-ons plan it. It runs in the transaction that
    made the entries, on an async connection or a sync one."""
    due = verify_due(now, hold=hold)
    job = job_row(
        JobKind.VERIFY,
        key=f"verify:{letter_id}:{due.isoformat()}",
        due_at=due,
        now=now,
        letter_id=letter_id,
        version=0,
    )
    return (
        insert_into(conn, scheduled_jobs).values(job).on_conflict_do_nothing(index_elements=["key"])
    )


async def plan_confirmation_mail(
    conn: AsyncConnection, letter_id: int, web_signon_id: int, *, now: datetime
) -> None:
    """Send, at once, the email asking web sign-on `web_signon_id` to confirm."""
    await _plan_now(conn, JobKind.MAIL, str(web_signon_id), letter_id, 0, now)
