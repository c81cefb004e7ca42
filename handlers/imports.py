"""Sign-ons collected elsewhere: `/letter import` and its file input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.rules.language import N_, gettext
from bot.services.imports import Imports
from bot.services.workspace import Workspace
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
    *, command: dict[str, Any], rest: str, workspace: Workspace, imports: Imports, **_: Any
) -> None:
    letter = await imports.letter_for(
        workspace, rest, user=command["user_id"], channel=command["channel_id"]
    )
    form = import_form(letter)
    await open_view(
        workspace.slack, trigger_id=command["trigger_id"], view=form, what=N_("import form")
    )


SUBCOMMANDS: dict[str, Subcommand] = {"import": import_signons}


async def import_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    workspace: Workspace,
    imports: Imports,
) -> None:
    """A file of sign-ons through the import form: the form says at once that it is
    importing (a big file outlasts the three seconds Slack waits), then what came of it."""
    letter_id, files = read_import_form(view)

    async def load() -> str:
        letter, report, skipped, count = await imports.load(
            workspace, letter_id, files, user=body["user"]["id"], now=datetime.now(UTC)
        )
        return import_report(letter, report, skipped=skipped, count=count)

    await answer_in_place(
        ack, workspace, view, title=IMPORT_TITLE, working=gettext(IMPORTING), work=load
    )
