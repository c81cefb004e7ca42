"""Letters in the database: their text, deadline, channels and posted copies, leads,
and the transitions that change their schedule (each with its plan, in one transaction)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from bot.models import Letter, LetterStatus, NewLetter, Plan, Post
from bot.storage.connect import Connect, grouped
from bot.storage.schedule import (
    cancel_everything,
    cancel_plan,
    close_at_once,
    plan_announcement,
    plan_letter,
)
from bot.storage.schema import letter_drafts, letter_leads, letter_post_parts, letter_posts, letters


class LetterRecords:
    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def create(
        self, new: NewLetter, *, plan: Plan, now: datetime, draft_id: int | None = None
    ) -> Letter:
        """Store a letter with its channels, leads and schedule; consume its draft."""
        async with self._writing() as conn:
            letter_id = (
                await conn.execute(
                    letters.insert()
                    .values(
                        title=new.title,
                        addressee=new.addressee,
                        body=new.body,
                        deadline=new.deadline,
                        goal=new.goal,
                        status=LetterStatus.OPEN.value,
                        created_by=new.created_by,
                        created_at=now,
                        reminders=_offsets_column(new.reminders),
                        schedule_version=0,
                    )
                    .returning(letters.c.id)
                )
            ).scalar_one()
            await conn.execute(
                letter_posts.insert(),
                [
                    {"letter_id": letter_id, "channel_id": channel, "position": position}
                    for position, channel in enumerate(new.channels)
                ],
            )
            if new.leads:
                await conn.execute(
                    letter_leads.insert(),
                    [{"letter_id": letter_id, "user_id": user} for user in new.leads],
                )
            if draft_id is not None:
                await conn.execute(letter_drafts.delete().where(letter_drafts.c.id == draft_id))
            await plan_letter(conn, letter_id, version=0, plan=plan, now=now)
            return (await conn.run_sync(load_letters, letters.c.id == letter_id))[0]

    async def get(self, letter_id: int) -> Letter | None:
        async with self._reading() as conn:
            found = await conn.run_sync(load_letters, letters.c.id == letter_id)
        return found[0] if found else None

    async def all(self, *, status: LetterStatus | None = None) -> list[Letter]:
        """All letters (or those with `status`), soonest deadline first."""
        condition = sa.true() if status is None else letters.c.status == status.value
        async with self._reading() as conn:
            return await conn.run_sync(load_letters, condition)

    async def in_channel(
        self, channel_id: str, *, status: LetterStatus | None = None
    ) -> list[Letter]:
        """The channel's letters with `status`, or all but those taken down."""
        condition: sa.ColumnElement[bool] = letters.c.id.in_(
            sa.select(letter_posts.c.letter_id).where(letter_posts.c.channel_id == channel_id)
        )
        if status is not None:
            condition = sa.and_(condition, letters.c.status == status.value)
        else:
            condition = sa.and_(condition, letters.c.status != LetterStatus.REMOVED.value)
        async with self._reading() as conn:
            return await conn.run_sync(load_letters, condition)

    async def record_post(self, letter_id: int, channel_id: str, ts: str) -> None:
        """The letter's channel message in `channel_id` is up."""
        async with self._writing() as conn:
            await conn.execute(
                letter_posts.update()
                .where(
                    letter_posts.c.letter_id == letter_id, letter_posts.c.channel_id == channel_id
                )
                .values(ts=ts)
            )

    async def record_parts(self, letter_id: int, channel_id: str, parts: tuple[str, ...]) -> bool:
        """The thread replies that carry the rest of the letter in `channel_id`; False
        (and nothing recorded) if another process recorded the copy's thread first."""
        if not parts:
            return True
        try:
            async with self._writing() as conn:
                await conn.execute(
                    letter_post_parts.insert(),
                    [
                        {
                            "letter_id": letter_id,
                            "channel_id": channel_id,
                            "position": position,
                            "ts": part,
                        }
                        for position, part in enumerate(parts)
                    ],
                )
        except sa.exc.IntegrityError:
            return False
        return True

    async def replace_parts(self, letter_id: int, channel_id: str, parts: tuple[str, ...]) -> None:
        """The thread replies that now carry the rest of the letter in `channel_id`."""
        async with self._writing() as conn:
            await conn.execute(
                letter_post_parts.delete().where(
                    letter_post_parts.c.letter_id == letter_id,
                    letter_post_parts.c.channel_id == channel_id,
                )
            )
            if parts:
                await conn.execute(
                    letter_post_parts.insert(),
                    [
                        {
                            "letter_id": letter_id,
                            "channel_id": channel_id,
                            "position": position,
                            "ts": part,
                        }
                        for position, part in enumerate(parts)
                    ],
                )

    async def remove(self, letter_id: int, *, now: datetime) -> Letter:
        """Take the letter down: out of sign-ons, lists and tallies, nothing more sent
        for it. Its signers and history stay."""
        async with self._writing() as conn:
            await conn.execute(
                letters.update()
                .where(letters.c.id == letter_id)
                .values(status=LetterStatus.REMOVED.value)
            )
            await cancel_everything(conn, letter_id, now=now)
            return (await conn.run_sync(load_letters, letters.c.id == letter_id))[0]

    async def reschedule(
        self,
        letter_id: int,
        *,
        reminders: tuple[timedelta, ...],
        plan: Plan,
        now: datetime,
        announce: bool,
    ) -> Letter:
        """Give the letter a new deadline or reminders, open for sign-ons.

        What was planned for the old deadline is dropped and the new plan takes its
        place, in one transaction; with `announce`, its channels hear of the move.
        """
        async with self._writing() as conn:
            version = (
                await conn.execute(
                    letters.update()
                    .where(letters.c.id == letter_id)
                    .values(
                        deadline=plan.deadline,
                        reminders=_offsets_column(reminders),
                        status=LetterStatus.OPEN.value,
                        schedule_version=letters.c.schedule_version + 1,
                    )
                    .returning(letters.c.schedule_version)
                )
            ).scalar_one()
            await cancel_plan(conn, letter_id, now=now)
            await plan_letter(conn, letter_id, version=version, plan=plan, now=now)
            if announce:
                await plan_announcement(conn, letter_id, version=version, now=now)
            return (await conn.run_sync(load_letters, letters.c.id == letter_id))[0]

    async def close_now(self, letter_id: int, *, now: datetime) -> Letter:
        """Close the letter to sign-ons at once; its closing posts follow as scheduled."""
        async with self._writing() as conn:
            version = (
                await conn.execute(
                    letters.update()
                    .where(letters.c.id == letter_id)
                    .values(status=LetterStatus.CLOSED.value)
                    .returning(letters.c.schedule_version)
                )
            ).scalar_one()
            await close_at_once(conn, letter_id, version=version, now=now)
            return (await conn.run_sync(load_letters, letters.c.id == letter_id))[0]

    async def update(self, letter_id: int, *, leads: tuple[str, ...], goal: int | None) -> Letter:
        async with self._writing() as conn:
            await conn.execute(letters.update().where(letters.c.id == letter_id).values(goal=goal))
            await conn.execute(letter_leads.delete().where(letter_leads.c.letter_id == letter_id))
            if leads:
                await conn.execute(
                    letter_leads.insert(),
                    [{"letter_id": letter_id, "user_id": user} for user in leads],
                )
            return (await conn.run_sync(load_letters, letters.c.id == letter_id))[0]


def load_letters(conn: sa.Connection, condition: sa.ColumnElement[bool]) -> list[Letter]:
    rows = (
        conn.execute(sa.select(letters).where(condition).order_by(letters.c.deadline, letters.c.id))
    ).all()
    ids = [row.id for row in rows]
    posts = grouped(
        conn,
        sa.select(letter_posts.c.letter_id, letter_posts.c.channel_id, letter_posts.c.ts)
        .where(letter_posts.c.letter_id.in_(ids))
        .order_by(letter_posts.c.position),
    )
    parts = grouped(
        conn,
        sa.select(
            letter_post_parts.c.letter_id, letter_post_parts.c.channel_id, letter_post_parts.c.ts
        )
        .where(letter_post_parts.c.letter_id.in_(ids))
        .order_by(letter_post_parts.c.position),
    )
    leads = grouped(
        conn,
        sa.select(letter_leads.c.letter_id, letter_leads.c.user_id)
        .where(letter_leads.c.letter_id.in_(ids))
        .order_by(letter_leads.c.user_id),
    )
    return [
        Letter(
            id=row.id,
            title=row.title,
            addressee=row.addressee,
            body=row.body,
            deadline=row.deadline,
            goal=row.goal,
            status=LetterStatus(row.status),
            created_by=row.created_by,
            created_at=row.created_at,
            posts=tuple(
                Post(
                    channel_id=channel,
                    ts=ts,
                    parts=tuple(part for where, part in parts[row.id] if where == channel),
                )
                for channel, ts in posts[row.id]
            ),
            leads=tuple(user for (user,) in leads[row.id]),
            reminders=tuple(
                timedelta(seconds=int(seconds)) for seconds in row.reminders.split(",") if seconds
            ),
            schedule_version=row.schedule_version,
        )
        for row in rows
    ]


def _offsets_column(offsets: tuple[timedelta, ...]) -> str:
    return ",".join(str(int(offset.total_seconds())) for offset in offsets)
