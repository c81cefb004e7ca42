"""Taking the list away: `/letter export`, its form, and the Home's Export."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.rules.language import N_, gettext
from bot.services.exports import Exports
from bot.services.home import HomeTabs
from bot.services.workspace import Workspace
from bot.slack.blocks.export_form import (
    EXPORT_CALLBACK_ID,
    EXPORT_TITLE,
    SENDING,
    export_form,
    read_export_form,
)
from bot.slack.blocks.home import HOME_EXPORT_ACTION
from bot.slack.blocks.replies import export_sent
from bot.slack.blocks.text import read_id
from bot.slack.exports import send_export
from bot.slack.views import open_view
from handlers.answers import Subcommand, answer_in_place, read, tell


def register(app: AsyncApp) -> None:
    app.action(HOME_EXPORT_ACTION)(home_export_pressed)
    app.view_submission(EXPORT_CALLBACK_ID)(export_submitted)


async def export(
    *, command: dict[str, Any], rest: str, workspace: Workspace, exports: Exports, **_: Any
) -> None:
    """The export form: the list's layout and the word it goes under."""
    letter, count = await exports.letter_for(
        workspace, rest, user=command["user_id"], channel=command["channel_id"]
    )
    form = export_form(letter, count=count)
    await open_view(
        workspace.slack, trigger_id=command["trigger_id"], view=form, what=N_("export form")
    )


SUBCOMMANDS: dict[str, Subcommand] = {"export": export}


async def export_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    workspace: Workspace,
    exports: Exports,
) -> None:
    """The export form, submitted: the form says at once that the files are being made
    (a document and a chart outlast the three seconds Slack waits), then what was sent."""
    letter_id, style = read_export_form(view)

    async def send() -> str:
        user = body["user"]["id"]
        export = await exports.export(workspace, letter_id, user=user, style=style)
        await send_export(workspace.slack, user=user, export=export)
        return export_sent(export.signers)

    await answer_in_place(
        ack, workspace, view, title=EXPORT_TITLE, working=gettext(SENDING), work=send
    )


async def home_export_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    exports: Exports,
    home: HomeTabs,
    workspace: Workspace,
) -> None:
    """Export, pressed on the App Home: the files come by DM, as `/letter export`'s do."""
    await ack()
    user = body["user"]["id"]
    export = await exports.export(workspace, read(action, read_id), user=user)
    await send_export(workspace.slack, user=user, export=export)
    await tell(workspace, body, respond, home, export_sent(export.signers))
