"""A roster contact's **Yes, we signed** or **No, we didn't**, pressed in the DM that
asks whether their organization signed: kept, and the DM says what became of it in
place of its buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.rules.verification import Answer
from bot.services.answers import Answers
from bot.slack.blocks.questions import QUESTION_NO_ACTION, QUESTION_YES_ACTION, answered_text
from bot.slack.blocks.text import read_id
from handlers.answers import read


def register(app: AsyncApp) -> None:
    app.action(QUESTION_YES_ACTION)(question_answered)
    app.action(QUESTION_NO_ACTION)(question_answered)


async def question_answered(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    answers: Answers,
) -> None:
    await ack()
    pressed = Answer.YES if action.get("action_id") == QUESTION_YES_ACTION else Answer.NO
    answering = await answers.answer(
        read(action, read_id), pressed, by=body["user"]["id"], now=datetime.now(UTC)
    )
    assert answering.answered is not None
    earlier = None if answering.by_them else answering.answered
    text = answered_text(answering.asked, answering.answered, earlier=earlier)
    await respond(text, replace_original=True)
