"""A letter and its drive: `/letter new | list | post | remove | help`, the letter form,
the message shortcut that starts a drive from a message, and taking a letter down. Its
deadline is in `handlers.deadlines`, and changing it in `handlers.edits`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.rules.language import N_
from bot.rules.letters import Letter
from bot.rules.problems import LetterGone
from bot.services.drafts import Drafts
from bot.services.letters import Letters
from bot.services.workspace import Workspace
from bot.slack.blocks.home import HOME_HELP_ACTION, HOME_NEW_LETTER_ACTION, help_view
from bot.slack.blocks.letter_form import (
    CALLBACK_ID,
    REMOVE_CALLBACK_ID,
    build_letter_form,
    build_remove_confirmation,
    read_letter_form,
    read_remove_confirmation,
    reading_view,
)
from bot.slack.blocks.replies import (
    launch_report,
    letter_help,
    letter_list,
    problem_view,
    removed_report,
)
from bot.slack.letters import report_launch
from bot.slack.views import open_view
from handlers.answers import Subcommand, checked, in_place_of_reading

START_DRIVE_CALLBACK = "start_drive"
NEW_LETTER_TITLE = N_("New sign-on letter")
REMOVE_TITLE = N_("Remove")

logger = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    app.message_shortcut(START_DRIVE_CALLBACK)(start_drive)
    app.view_submission(CALLBACK_ID)(letter_form_submitted)
    app.view_submission(REMOVE_CALLBACK_ID)(removal_confirmed)
    app.action(HOME_NEW_LETTER_ACTION)(home_new_letter_pressed)
    app.action(HOME_HELP_ACTION)(home_help_pressed)


# `/letter` subcommands


async def new(
    *,
    command: dict[str, Any],
    workspace: Workspace,
    letters: Letters,
    **_: Any,
) -> None:
    await _letter_form(
        workspace,
        letters,
        user=command["user_id"],
        trigger_id=command["trigger_id"],
        channel=command.get("channel_id"),
    )


async def home_new_letter_pressed(
    ack: AsyncAck, body: dict[str, Any], workspace: Workspace, letters: Letters
) -> None:
    """New letter, pressed on an organizer's Home: the letter form."""
    await ack()
    await _letter_form(
        workspace, letters, user=body["user"]["id"], trigger_id=body["trigger_id"], channel=None
    )


async def home_help_pressed(ack: AsyncAck, body: dict[str, Any], workspace: Workspace) -> None:
    """Help, pressed on an organizer's Home: the guide, in a modal."""
    await ack()
    await open_view(
        workspace.slack, trigger_id=body["trigger_id"], view=help_view(), what=N_("help")
    )


async def _letter_form(
    workspace: Workspace, letters: Letters, *, user: str, trigger_id: str, channel: str | None
) -> None:
    await workspace.organizers.require_organizer(user)
    deadline, reminders = letters.form_defaults(workspace, datetime.now(UTC))
    form = build_letter_form(
        origin_channel=channel,
        draft=None,
        initial_deadline=deadline,
        initial_reminders=reminders,
        web_signons=letters.web_signons,
    )
    await open_view(workspace.slack, trigger_id=trigger_id, view=form, what=N_("letter form"))


async def list_letters(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    letters: Letters,
    workspace: Workspace,
    **_: Any,
) -> None:
    found = await letters.listing(
        workspace, command["user_id"], include_closed=rest.lower() == "all"
    )
    await respond(**letter_list(found, zone=workspace.zone))


async def remove(
    *, command: dict[str, Any], rest: str, workspace: Workspace, letters: Letters, **_: Any
) -> None:
    """Ask first: taking a letter down can't be undone from Slack."""
    found = await letters.removable(
        workspace, rest, user=command["user_id"], channel=command["channel_id"]
    )
    form = build_remove_confirmation(found)
    await open_view(
        workspace.slack, trigger_id=command["trigger_id"], view=form, what=N_("confirmation")
    )


async def post(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    letters: Letters,
    workspace: Workspace,
    **_: Any,
) -> None:
    done = await letters.post_missing(
        workspace, rest, user=command["user_id"], channel=command["channel_id"]
    )
    await respond(launch_report(done.letter, done.results))


async def show_help(*, respond: AsyncRespond, **_: Any) -> None:
    await respond(letter_help())


SUBCOMMANDS: dict[str, Subcommand] = {
    "new": new,
    "list": list_letters,
    "post": post,
    "remove": remove,
    "help": show_help,
    "": show_help,
}


# Forms


async def letter_form_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    letters: Letters,
    workspace: Workspace,
) -> None:
    user = body["user"]["id"]
    values = read_letter_form(view)
    now = datetime.now(UTC)
    new = await checked(
        ack, lambda: letters.prepare(workspace, values, user=user, now=now), shown=problem_view
    )
    if new is None:
        return
    await ack()
    launched = await letters.launch(workspace, new, draft_id=values.draft_id, now=now)
    await report_launch(
        workspace.slack,
        user=user,
        channel=values.origin_channel,
        letter=launched.letter,
        results=launched.results,
    )


async def removal_confirmed(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    letters: Letters,
    workspace: Workspace,
) -> None:
    """Take the letter down and say so; then replace its posts with the notice."""
    letter_id = read_remove_confirmation(view)

    async def remove() -> Letter:
        if letter_id is None:
            raise LetterGone
        return await letters.remove(
            workspace, letter_id, user=body["user"]["id"], now=datetime.now(UTC)
        )

    letter = await checked(ack, remove, shown=lambda text: problem_view(text, title=REMOVE_TITLE))
    if letter is None:
        return
    view = problem_view(removed_report(letter), title=REMOVE_TITLE)
    await ack(response_action="update", view=view)
    await letters.refresh(workspace, letter)


# Buttons and shortcuts


async def start_drive(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    workspace: Workspace,
    drafts: Drafts,
    letters: Letters,
) -> None:
    """The letter form, with the letter taken from the message: a reading view opens
    first, within the trigger's three seconds (reading an attached letter takes
    longer)."""
    await ack()
    user = shortcut["user"]["id"]
    await workspace.organizers.require_organizer(user)
    opened = await open_view(
        workspace.slack,
        trigger_id=shortcut["trigger_id"],
        view=reading_view(),
        what=N_("letter form"),
    )
    channel = shortcut["channel"]["id"]

    async def form() -> dict[str, Any]:
        now = datetime.now(UTC)
        draft = await drafts.from_message(
            workspace, shortcut["message"], user=user, channel=channel, now=now
        )
        deadline, reminders = letters.form_defaults(workspace, now)
        return build_letter_form(
            origin_channel=channel,
            draft=draft,
            initial_deadline=deadline,
            initial_reminders=reminders,
            web_signons=letters.web_signons,
        )

    await in_place_of_reading(workspace, opened, form, title=NEW_LETTER_TITLE)
