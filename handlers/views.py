"""Modal submissions: the new-letter form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.blocks.letter_form import CALLBACK_ID, read_letter_form
from bot.blocks.replies import problem_view
from bot.errors import FormErrors, UserFacingError
from bot.letters import Letters


def register(app: AsyncApp) -> None:
    app.view_submission(CALLBACK_ID)(letter_form_submitted)


async def letter_form_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    letters: Letters,
) -> None:
    user = body["user"]["id"]
    values = read_letter_form(view)
    now = datetime.now(UTC)
    try:
        new = await letters.prepare(values, user=user, now=now)
    except FormErrors as problems:
        await ack(response_action="errors", errors=problems.errors)
        return
    except UserFacingError as problem:
        await ack(response_action="update", view=problem_view(str(problem)))
        return
    await ack()
    await letters.launch(
        new, draft_id=values.draft_id, now=now, origin_channel=values.origin_channel
    )
