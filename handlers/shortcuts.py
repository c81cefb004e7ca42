"""The message shortcut that starts a drive from a letter pasted (or attached) in Slack."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.letter_form import build_letter_form, reading_view
from bot.blocks.replies import problem_view
from bot.errors import UserFacingError
from bot.letters import Letters
from bot.slack_ops import open_view

START_DRIVE_CALLBACK = "start_drive"


def register(app: AsyncApp) -> None:
    app.message_shortcut(START_DRIVE_CALLBACK)(start_drive)


async def start_drive(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    letters: Letters,
) -> None:
    await ack()
    user = shortcut["user"]["id"]
    try:
        await letters.require_organizer(user)
        # The trigger expires in three seconds; reading an attached letter can take longer.
        opened = await open_view(
            client, trigger_id=shortcut["trigger_id"], view=reading_view(), what="letter form"
        )
    except UserFacingError as problem:
        await respond(str(problem))
        return
    now = datetime.now(UTC)
    channel = shortcut["channel"]["id"]
    try:
        draft = await letters.draft_from_message(
            shortcut["message"], user=user, channel=channel, now=now
        )
    except UserFacingError as problem:
        view = problem_view(str(problem))
    else:
        view = build_letter_form(
            origin_channel=channel,
            draft=draft,
            initial_deadline=letters.default_deadline(now),
            initial_reminders=letters.default_reminders,
        )
    await client.views_update(view_id=opened["view"]["id"], view=view)
