"""A roster contact's answer to "Did your organization sign?", from the buttons of the
DM or the page their email links to. Only the one asked answers, and only while they
are still a contact of the member: a Yes confirms the entry; a No withdraws it (see
`bot.storage.questions`). The first answer about an entry settles it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.rules.letters import LetterStatus
from bot.rules.problems import NotAsked, QuestionGone
from bot.rules.signons import SignerStatus
from bot.rules.verification import Answer, Asked, Question, speaks_for
from bot.services.questions import asked_of, disowned_reason
from bot.storage import Store


@dataclass(frozen=True, slots=True)
class Answering:
    """A question as its contact reads it, and the answer about its entry, if given
    (theirs, or another contact's)."""

    asked: Asked
    question: Question
    answered: Answer | None  # the answer that settled it, whoever gave it
    by_them: bool  # whether that answer is theirs


class Answers:
    def __init__(self, *, store: Store, touch: Callable[[int], None] = lambda _: None) -> None:
        self._store = store
        # Told of a letter whose count changed (a No withdrew an entry, a Yes counted one
        # that waited).
        self._touch = touch

    async def question(self, question_id: int, *, by: str | None = None) -> Answering:
        """The question, as `by` (its contact's Slack account or email) may answer it:
        QuestionGone when it no longer asks anything, NotAsked when `by` isn't the
        one asked or no longer a contact of the member."""
        question = await self._store.questions.get(question_id)
        if question is None:
            raise QuestionGone
        letter = await self._store.letters.get(question.letter_id)
        entry = await self._store.entries.get(question.signer_id)
        member = await self._store.roster.member(question.member_id)
        if letter is None or entry is None or letter.status is LetterStatus.REMOVED:
            raise QuestionGone
        asked_by = by if by is not None else question.asked
        if (
            member is None
            or asked_by.casefold() != question.asked.casefold()
            or not speaks_for(member, question.asked)
        ):
            raise NotAsked
        about = await self._store.questions.of_letter(letter.id)
        settled = next((q for q in about if q.signer_id == entry.id and q.answer), None)
        if settled is None and entry.status is not SignerStatus.ACTIVE:
            raise QuestionGone  # withdrawn or merged meanwhile: nothing left to answer
        return Answering(
            asked=asked_of(question, letter, entry, member.name),
            question=question,
            answered=settled.answer if settled else None,
            by_them=settled is not None and settled.id == question.id,
        )

    async def answer(
        self, question_id: int, answer: Answer, *, by: str | None = None, now: datetime
    ) -> Answering:
        """Keep `by`'s answer (see `question`); what it became."""
        answering = await self.question(question_id, by=by)
        if answering.answered is not None:
            return answering
        answered = await self._store.questions.answer(
            question_id, answer, reason=disowned_reason(answering.asked.member), now=now
        )
        if answered is None:
            raise QuestionGone
        if answered.withdrawn or answered.released:
            self._touch(answering.question.letter_id)
        settled = answered.earlier or answered.question
        return Answering(
            asked=answering.asked,
            question=answered.question,
            answered=settled.answer,
            by_them=settled.id == question_id,
        )
