"""What every listener shares.

A listener acks first, then does its work; a `Problem` it raises is the person's to
hear, in its own words, and is told by `tell_problem` (the app's error handler): beside
the message they pressed a button in, in their slash command's answer, or on their App
Home when they pressed it there (a Home has no response_url). A form is answered in
its ack, so its work runs through `checked`, which answers its problems there. A
button's value is read once, by `read`: one the bot didn't send is out of date, never
an error.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.rules.language import gettext as _
from bot.rules.problems import FormErrors, OutOfDate, Problem
from bot.services.home import HomeTabs
from bot.services.workspace import Workspace
from bot.slack.blocks.problems import (
    SOMETHING_WENT_WRONG,
    explain,
    field_errors,
    form_problems,
)
from bot.slack.blocks.replies import problem_view
from bot.slack.views import update_view

T = TypeVar("T")

logger = logging.getLogger(__name__)

# A `/letter` subcommand: it takes what it needs of the command's arguments by name.
Subcommand = Callable[..., Awaitable[None]]
# How a form shows a message in its own place: the text becomes the view.
Shown = Callable[[str], dict[str, Any]]


def value_of(action: dict[str, Any]) -> str:
    """What a pressed button, or the option chosen from a menu, carries."""
    chosen = (action.get("selected_option") or {}).get("value")
    return str(chosen if chosen is not None else action.get("value") or "")


def read(action: dict[str, Any], reader: Callable[[str], T | None]) -> T:
    """The action's value as `reader` reads it; out of date if it can't."""
    found = reader(value_of(action))
    if found is None:
        raise OutOfDate
    return found


def from_home(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"


async def tell(
    workspace: Workspace, body: dict[str, Any], respond: AsyncRespond, home: HomeTabs, text: str
) -> None:
    """Tell the person who pressed a button: on their Home when it was pressed there,
    else beside the message."""
    if from_home(body):
        await home.show(workspace, body["user"]["id"], now=datetime.now(UTC), notice=text)
    else:
        await respond(text, replace_original=False)


async def tell_problem(
    problem: Problem,
    body: dict[str, Any],
    respond: AsyncRespond,
    workspace: Workspace | None,
    home: HomeTabs | None,
) -> None:
    """A listener's problem, in its own words, to whoever asked."""
    if workspace is not None and home is not None and from_home(body):
        await tell(workspace, body, respond, home, explain(problem))
    else:
        await respond(explain(problem), replace_original=False)


async def checked(
    ack: AsyncAck,
    work: Callable[[], Awaitable[T]],
    *,
    shown: Shown,
    signon: bool = False,
    whole_form: bool = False,
) -> T | None:
    """A submitted form's `work`, or None when it raised a problem, which the ack has
    then answered: problems with fields beside those fields (the sign-on form's, with
    `signon`), or listed in the form's place with `whole_form`; any other problem in the
    form's place, as `shown` shows it."""
    try:
        return await work()
    except FormErrors as problems:
        if whole_form:
            await ack(response_action="update", view=shown(form_problems(problems)))
        else:
            await ack(response_action="errors", errors=field_errors(problems, signon=signon))
    except Problem as problem:
        await ack(response_action="update", view=shown(explain(problem)))
    return None


async def answer_in_place(
    ack: AsyncAck,
    workspace: Workspace,
    view: dict[str, Any],
    *,
    title: str,
    working: str,
    work: Callable[[], Awaitable[str]],
) -> None:
    """For work that may outlast the three seconds Slack waits for a form's answer: the
    form says `working` at once, then what came of it (or why not) in its place. `title`
    and `working` are phrases marked for translation where they are defined: said here."""
    await ack(response_action="update", view=problem_view(_(working), title=title))
    try:
        answer = await work()
    except Problem as problem:
        answer = explain(problem)
    await update_view(workspace.slack, view_id=view["id"], view=problem_view(answer, title=title))


async def in_place_of_reading(
    workspace: Workspace,
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
        await workspace.slack.views_update(view_id=view_id, view=view)
    except Exception:
        logger.exception("Could not show the %s form after reading the message", title)
        await workspace.slack.views_update(
            view_id=view_id, view=problem_view(_(SOMETHING_WENT_WRONG), title=title)
        )
