"""The message shortcuts: start a drive from a letter pasted (or attached) in Slack, and
make such a message a letter's new text."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.problems import Problem
from bot.services.access import Organizers
from bot.services.drafts import Drafts
from bot.services.letters import Letters
from bot.slack.blocks.letter_form import build_letter_form, build_text_update_form, reading_view
from bot.slack.blocks.problems import SOMETHING_WENT_WRONG, explain
from bot.slack.blocks.replies import problem_view
from bot.slack.views import open_view

logger = logging.getLogger(__name__)

START_DRIVE_CALLBACK = "start_drive"
UPDATE_TEXT_CALLBACK = "update_letter_text"
NEW_LETTER_TITLE = "New sign-on letter"
UPDATE_TEXT_TITLE = "Update a letter's text"


def register(app: AsyncApp) -> None:
    app.message_shortcut(START_DRIVE_CALLBACK)(start_drive)
    app.message_shortcut(UPDATE_TEXT_CALLBACK)(update_text)


async def start_drive(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    organizers: Organizers,
    drafts: Drafts,
    letters: Letters,
) -> None:
    await ack()
    user = shortcut["user"]["id"]
    try:
        await organizers.require_organizer(user)
        # The trigger expires in three seconds; reading an attached letter can take longer.
        opened = await open_view(
            client, trigger_id=shortcut["trigger_id"], view=reading_view(), what="letter form"
        )
    except Problem as problem:
        await respond(explain(problem))
        return
    now = datetime.now(UTC)
    channel = shortcut["channel"]["id"]

    async def form() -> dict[str, Any]:
        draft = await drafts.from_message(shortcut["message"], user=user, channel=channel, now=now)
        deadline, reminders = letters.form_defaults(now)
        return build_letter_form(
            origin_channel=channel,
            draft=draft,
            initial_deadline=deadline,
            initial_reminders=reminders,
        )

    await _in_place_of_reading(client, opened, form, title=NEW_LETTER_TITLE)


async def update_text(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    drafts: Drafts,
    letters: Letters,
) -> None:
    """Read the message as a letter's new text, then ask which letter it is for (the
    letter of the message's channel, when it has one, chosen already)."""
    await ack()
    user = shortcut["user"]["id"]
    try:
        editable = await letters.editable_letters(user)
        opened = await open_view(
            client,
            trigger_id=shortcut["trigger_id"],
            view=reading_view(UPDATE_TEXT_TITLE),
            what="letter form",
        )
    except Problem as problem:
        await respond(explain(problem))
        return
    channel = shortcut["channel"]["id"]

    async def form() -> dict[str, Any]:
        draft = await drafts.text_from_message(
            shortcut["message"], user=user, channel=channel, now=datetime.now(UTC)
        )
        here = [letter.id for letter in editable if channel in letter.channels]
        chosen = here[0] if len(here) == 1 else editable[0].id if len(editable) == 1 else None
        return build_text_update_form(draft=draft, letters=editable, chosen=chosen)

    await _in_place_of_reading(client, opened, form, title=UPDATE_TEXT_TITLE)


async def _in_place_of_reading(
    client: AsyncWebClient,
    opened: dict[str, Any],
    form: Callable[[], Awaitable[dict[str, Any]]],
    *,
    title: str,
) -> None:
    """Show the form where "Reading the letter…" is, or what kept it from opening; never
    leave the organizer looking at "Reading…"."""
    view_id = opened["view"]["id"]
    try:
        try:
            view = await form()
        except Problem as problem:
            view = problem_view(explain(problem), title=title)
        await client.views_update(view_id=view_id, view=view)
    except Exception:
        logger.exception("Could not show the %s form after reading the message", title)
        await client.views_update(
            view_id=view_id, view=problem_view(SOMETHING_WENT_WRONG, title=title)
        )
