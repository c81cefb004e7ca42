"""Sign-ons collected elsewhere: `/letter import` and its file input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.imports import Imports
from bot.slack.blocks.imports import (
    IMPORT_CALLBACK_ID,
    IMPORT_TITLE,
    IMPORTING,
    import_form,
    import_report,
    read_import_form,
)
from bot.slack.views import open_view
from handlers.answers import Subcommand, answer_in_place


def register(app: AsyncApp) -> None:
    app.view_submission(IMPORT_CALLBACK_ID)(import_submitted)


async def import_signons(
    *, command: dict[str, Any], rest: str, client: AsyncWebClient, imports: Imports, **_: Any
) -> None:
    letter = await imports.letter_for(rest, user=command["user_id"], channel=command["channel_id"])
    form = import_form(letter)
    await open_view(client, trigger_id=command["trigger_id"], view=form, what="import form")


SUBCOMMANDS: dict[str, Subcommand] = {"import": import_signons}


async def import_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    imports: Imports,
) -> None:
    """A file of sign-ons through the import form: the form says at once that it is
    importing (a big file outlasts the three seconds Slack waits), then what came of it."""
    letter_id, files = read_import_form(view)

    async def load() -> str:
        letter, report, skipped, count = await imports.load(
            letter_id, files, user=body["user"]["id"], now=datetime.now(UTC)
        )
        return import_report(letter, report, skipped=skipped, count=count)

    await answer_in_place(ack, client, view, title=IMPORT_TITLE, working=IMPORTING, work=load)
