"""Modal submissions: the new-letter form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.letter_form import CALLBACK_ID, read_letter_form
from bot.blocks.replies import launch_report, problem_view
from bot.errors import FormErrors, UserFacingError
from bot.letters import Letters
from bot.slack_ops import tell_privately


def register(app: AsyncApp) -> None:
    app.view_submission(CALLBACK_ID)(letter_form_submitted)


async def letter_form_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
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
    launched = await letters.launch(new, draft_id=values.draft_id, now=now)
    await tell_privately(
        client,
        user=user,
        channel=values.origin_channel,
        text=launch_report(launched.letter, launched.results),
    )
