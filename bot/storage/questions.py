"""Asking a roster member's contacts "Did your organization sign?": the questions, each
planned with the delivery that sends it in one transaction (so each contact is asked
once about an entry, whatever restarts or replicas do), and their answers. A No
withdraws the entry in the same transaction, and plans the notice to its leads; a Yes
counts an entry that waited to be verified."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.schedule import JobKind
from bot.rules.verification import Answer, Ask, Question
from bot.storage.connect import Connect, insert_into
from bot.storage.entries import active_entry, count_waiting, withdraw_entry
from bot.storage.planning import insert_jobs, job_row
from bot.storage.schema import signatures, verification_questions


@dataclass(frozen=True, slots=True)
class Answered:
    """What became of an answer: the question as it now stands; `earlier` when the
    entry had been answered for already (this answer then changes nothing); and
    whether the answer withdrew the entry, or counted it."""

    question: Question
    earlier: Question | None = None
    withdrawn: bool = False
    released: bool = False  # a Yes counted an entry that waited to be verified


class QuestionRecords:
    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def of_letter(self, letter_id: int) -> list[Question]:
        async with self._reading() as conn:
            return await _questions(conn, verification_questions.c.letter_id == letter_id)

    async def get(self, question_id: int) -> Question | None:
        async with self._reading() as conn:
            found = await _questions(conn, verification_questions.c.id == question_id)
        return found[0] if found else None

    async def signer_name(self, signer_id: int) -> str | None:
        """The name of whoever signed the entry first, withdrawn since or not."""
        async with self._reading() as conn:
            return (
                await conn.execute(
                    sa.select(signatures.c.person_name)
                    .where(
                        signatures.c.signer_id == signer_id,
                        signatures.c.person_name.is_not(None),
                    )
                    .order_by(signatures.c.signed_at, signatures.c.id)
                    .limit(1)
                )
            ).scalar()

    async def ask(self, letter_id: int, asks: Sequence[Ask], *, now: datetime) -> int:
        """Ask each of `asks` at once, but for any asked already; how many are new."""
        if not asks:
            return 0
        async with self._writing() as conn:
            added = list(
                (
                    await conn.execute(
                        insert_into(conn, verification_questions)
                        .values(
                            [
                                {
                                    "letter_id": letter_id,
                                    "signer_id": ask.signer_id,
                                    "member_id": ask.member_id,
                                    "asked": ask.asked,
                                    "asked_at": now,
                                }
                                for ask in asks
                            ]
                        )
                        .on_conflict_do_nothing(index_elements=["signer_id", "asked"])
                        .returning(verification_questions.c.id)
                    )
                ).scalars()
            )
            if not added:
                return 0  # all asked already, by another process
            await insert_jobs(
                conn,
                [
                    job_row(
                        JobKind.QUESTION,
                        key=f"question:{question_id}",
                        due_at=now,
                        now=now,
                        letter_id=letter_id,
                        version=0,
                    )
                    for question_id in added
                ],
            )
            return len(added)

    async def answer(
        self, question_id: int, answer: Answer, *, reason: str, now: datetime
    ) -> Answered | None:
        """Keep the answer to question `question_id` (None when there is no such
        question); the first answer about an entry settles it. A No withdraws the
        entry, if it still counts, with `reason` in its audit trail."""
        async with self._writing() as conn:
            question = await _question(conn, question_id)
            if question is None:
                return None
            # The entry's row is locked first, so two answers about it are taken in turn.
            row = await active_entry(conn, question.signer_id)
            earlier = await _answered(conn, question.signer_id)
            if earlier is not None:
                return Answered(question, earlier)
            await conn.execute(
                verification_questions.update()
                .where(verification_questions.c.id == question_id)
                .values(answer=answer.value, answered_at=now)
            )
            released = answer is Answer.YES and row is not None and row.waiting
            if released:
                await count_waiting(conn, [row.id])
            withdrawn = answer is Answer.NO and row is not None
            if withdrawn:
                await withdraw_entry(conn, row, by=question.asked, now=now, reason=reason)
                await _plan_disowned(conn, question, now=now)
            answered = await _question(conn, question_id)
            assert answered is not None
            return Answered(answered, withdrawn=withdrawn, released=released)

    async def disown(self, entry_id: int, no: Question, *, reason: str, now: datetime) -> bool:
        """Withdraw entry `entry_id`, made for a member that answered `no` about an
        earlier one, and tell the leads; False when it no longer counts anyway."""
        async with self._writing() as conn:
            row = await active_entry(conn, entry_id)
            if row is None:
                return False
            await withdraw_entry(conn, row, by=no.asked, now=now, reason=reason)
            await _plan_disowned(conn, no, now=now, entry_id=entry_id)
            return True


async def _plan_disowned(
    conn: AsyncConnection, no: Question, *, now: datetime, entry_id: int | None = None
) -> None:
    entry_id = no.signer_id if entry_id is None else entry_id
    await insert_jobs(
        conn,
        [
            job_row(
                JobKind.DISOWNED,
                key=f"disowned:{entry_id}:{no.id}",
                due_at=now,
                now=now,
                letter_id=no.letter_id,
                version=0,
            )
        ],
    )


async def _question(conn: AsyncConnection, question_id: int) -> Question | None:
    found = await _questions(conn, verification_questions.c.id == question_id)
    return found[0] if found else None


async def _answered(conn: AsyncConnection, signer_id: int) -> Question | None:
    """The answer given about an entry, if any."""
    found = await _questions(
        conn,
        sa.and_(
            verification_questions.c.signer_id == signer_id,
            verification_questions.c.answer.is_not(None),
        ),
    )
    return found[0] if found else None


async def _questions(conn: AsyncConnection, where: sa.ColumnElement[bool]) -> list[Question]:
    rows = await conn.execute(
        sa.select(verification_questions).where(where).order_by(verification_questions.c.id)
    )
    return [
        Question(
            id=row.id,
            letter_id=row.letter_id,
            signer_id=row.signer_id,
            member_id=row.member_id,
            asked=row.asked,
            asked_at=row.asked_at,
            answer=Answer(row.answer) if row.answer else None,
            answered_at=row.answered_at,
        )
        for row in rows
    ]
