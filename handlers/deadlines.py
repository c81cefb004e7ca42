"""A letter's deadline: `/letter close | reopen | extend`, and the Home's Extend… with
its form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.rules.language import N_
from bot.rules.letters import Letter
from bot.rules.problems import LetterGone
from bot.services.deadlines import Deadlines
from bot.services.home import HomeTabs
from bot.services.letters import Letters
from bot.services.workspace import Workspace
from bot.slack.blocks.home import (
    EXTEND_CALLBACK_ID,
    EXTEND_TITLE,
    HOME_CLOSE_ACTION,
    HOME_EXTEND_ACTION,
    extend_form,
    read_extend_form,
)
from bot.slack.blocks.replies import (
    closed_report,
    extended_report,
    problem_view,
    status_report,
)
from bot.slack.blocks.text import read_id
from bot.slack.views import open_view
from handlers.answers import Subcommand, checked, read, tell


def register(app: AsyncApp) -> None:
    app.action(HOME_EXTEND_ACTION)(home_extend_pressed)
    app.action(HOME_CLOSE_ACTION)(home_close_pressed)
    app.view_submission(EXTEND_CALLBACK_ID)(extend_submitted)


async def close(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    deadlines: Deadlines,
    workspace: Workspace,
    **_: Any,
) -> None:
    closed = await deadlines.close(
        workspace,
        rest,
        user=command["user_id"],
        channel=command["channel_id"],
        now=datetime.now(UTC),
    )
    await respond(closed_report(closed.letter, closed.count, user=command["user_id"]))


async def reopen(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    deadlines: Deadlines,
    letters: Letters,
    workspace: Workspace,
    **_: Any,
) -> None:
    letter = await deadlines.reopen(
        workspace,
        rest,
        user=command["user_id"],
        channel=command["channel_id"],
        now=datetime.now(UTC),
    )
    done = (await letters.refresh(workspace, letter)).posts
    await respond(status_report(done.letter, done.results))


async def extend(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    deadlines: Deadlines,
    workspace: Workspace,
    **_: Any,
) -> None:
    letter, reopened = await deadlines.extend(
        workspace,
        rest,
        user=command["user_id"],
        channel=command["channel_id"],
        now=datetime.now(UTC),
    )
    await respond(extended_report(letter, reopened=reopened, zone=workspace.zone))


async def extend_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    deadlines: Deadlines,
    workspace: Workspace,
) -> None:
    """The new deadline from the App Home's Extend…: the form says what came of it."""
    ref, picked = read_extend_form(view)
    letter_id = read_id(ref)
    now = datetime.now(UTC)

    async def extend() -> tuple[Letter, bool]:
        if letter_id is None:
            raise LetterGone()
        return await deadlines.extend_to(
            workspace, letter_id, picked, user=body["user"]["id"], now=now
        )

    extended = await checked(ack, extend, shown=lambda text: problem_view(text, title=EXTEND_TITLE))
    if extended is None:
        return
    letter, reopened = extended
    report = extended_report(letter, reopened=reopened, zone=workspace.zone)
    await ack(response_action="update", view=problem_view(report, title=EXTEND_TITLE))


async def home_extend_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    workspace: Workspace,
    letters: Letters,
) -> None:
    """Extend…, pressed on the App Home: a form for the new deadline."""
    await ack()
    letter = await letters.managed(workspace, str(read(action, read_id)), user=body["user"]["id"])
    form = extend_form(letter, zone=workspace.zone)
    await open_view(
        workspace.slack, trigger_id=body["trigger_id"], view=form, what=N_("extend form")
    )


async def home_close_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    deadlines: Deadlines,
    home: HomeTabs,
    workspace: Workspace,
) -> None:
    """Close now, pressed (and confirmed) on the App Home: as `/letter close N`, said at
    the top of the Home."""
    await ack()
    user = body["user"]["id"]
    closed = await deadlines.close(
        workspace, str(read(action, read_id)), user=user, channel="", now=datetime.now(UTC)
    )
    await tell(
        workspace, body, respond, home, closed_report(closed.letter, closed.count, user=user)
    )


SUBCOMMANDS: dict[str, Subcommand] = {"close": close, "reopen": reopen, "extend": extend}
