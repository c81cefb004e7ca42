"""A letter and its drive: `/letter new | list | close | reopen | extend | edit | post |
remove | help`, the letter form, the edit form, taking a letter down, the message
shortcuts that start a drive or update a letter's text, and the Home's Extend…."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.rules.forms import Field
from bot.rules.letters import Letter
from bot.rules.problems import FieldProblem, FormErrors, Issue, LetterGone, Problem
from bot.services.deadlines import Deadlines
from bot.services.drafts import Drafts
from bot.services.edits import Edited, Edits
from bot.services.letters import Letters
from bot.services.workspace import Workspace
from bot.slack.blocks.home import (
    EXTEND_CALLBACK_ID,
    EXTEND_TITLE,
    HOME_EXTEND_ACTION,
    extend_form,
    read_extend_form,
)
from bot.slack.blocks.letter_form import (
    CALLBACK_ID,
    EDIT_CALLBACK_ID,
    REMOVE_CALLBACK_ID,
    TEXT_UPDATE_CALLBACK_ID,
    build_edit_form,
    build_letter_form,
    build_remove_confirmation,
    build_text_update_form,
    read_edit_form,
    read_letter_form,
    read_remove_confirmation,
    read_text_update_form,
    reading_view,
)
from bot.slack.blocks.problems import SOMETHING_WENT_WRONG, explain, field_errors
from bot.slack.blocks.replies import (
    closed_report,
    edited_report,
    extended_report,
    launch_report,
    letter_help,
    letter_list,
    problem_view,
    removed_report,
    status_report,
)
from bot.slack.blocks.text import read_id
from bot.slack.views import open_view
from handlers.answers import Subcommand, checked, read

START_DRIVE_CALLBACK = "start_drive"
UPDATE_TEXT_CALLBACK = "update_letter_text"
NEW_LETTER_TITLE = "New sign-on letter"
UPDATE_TEXT_TITLE = "Update a letter's text"
EDIT_TITLE = "Edit letter"
REMOVE_TITLE = "Remove"

logger = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    app.action(HOME_EXTEND_ACTION)(home_extend_pressed)
    app.message_shortcut(START_DRIVE_CALLBACK)(start_drive)
    app.message_shortcut(UPDATE_TEXT_CALLBACK)(update_text)
    app.view_submission(CALLBACK_ID)(letter_form_submitted)
    app.view_submission(EDIT_CALLBACK_ID)(edit_form_submitted)
    app.view_submission(REMOVE_CALLBACK_ID)(removal_confirmed)
    app.view_submission(TEXT_UPDATE_CALLBACK_ID)(text_update_submitted)
    app.view_submission(EXTEND_CALLBACK_ID)(extend_submitted)


# `/letter` subcommands


async def new(
    *,
    command: dict[str, Any],
    workspace: Workspace,
    letters: Letters,
    **_: Any,
) -> None:
    await workspace.organizers.require_organizer(command["user_id"])
    deadline, reminders = letters.form_defaults(workspace, datetime.now(UTC))
    form = build_letter_form(
        origin_channel=command.get("channel_id"),
        draft=None,
        initial_deadline=deadline,
        initial_reminders=reminders,
    )
    await open_view(
        workspace.slack, trigger_id=command["trigger_id"], view=form, what="letter form"
    )


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
    done = await letters.refresh(workspace, letter)
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


async def edit(
    *, command: dict[str, Any], rest: str, workspace: Workspace, edits: Edits, **_: Any
) -> None:
    letter = await edits.editable(
        workspace, rest, user=command["user_id"], channel=command["channel_id"]
    )
    form = build_edit_form(letter=letter)
    await open_view(workspace.slack, trigger_id=command["trigger_id"], view=form, what="edit form")


async def remove(
    *, command: dict[str, Any], rest: str, workspace: Workspace, letters: Letters, **_: Any
) -> None:
    """Ask first: taking a letter down can't be undone from Slack."""
    found = await letters.removable(
        workspace, rest, user=command["user_id"], channel=command["channel_id"]
    )
    form = build_remove_confirmation(found)
    await open_view(
        workspace.slack, trigger_id=command["trigger_id"], view=form, what="confirmation"
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
    "close": close,
    "reopen": reopen,
    "extend": extend,
    "edit": edit,
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
    await letters.launch(
        workspace, new, draft_id=values.draft_id, now=now, origin_channel=values.origin_channel
    )


async def edit_form_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    edits: Edits,
    letters: Letters,
    workspace: Workspace,
) -> None:
    """Save the changes and show what the letter's schedule is now; then update its posts
    (after answering, which Slack wants within three seconds)."""
    edited = await checked(
        ack,
        lambda: edits.edit(
            workspace, read_edit_form(view), user=body["user"]["id"], now=datetime.now(UTC)
        ),
        shown=lambda text: problem_view(text, title=EDIT_TITLE),
    )
    if edited is None:
        return
    report = edited_report(
        edited.letter,
        zone=workspace.zone,
        new_version=edited.letter.version != edited.before.version,
    )
    await ack(response_action="update", view=problem_view(report, title=EDIT_TITLE))
    await letters.refresh(workspace, edited, report_to=body["user"]["id"])


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


async def text_update_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    drafts: Drafts,
    edits: Edits,
    letters: Letters,
    workspace: Workspace,
) -> None:
    """The message's text becomes the chosen letter's new version; then its posts are
    rewritten."""
    user = body["user"]["id"]
    letter_id, draft_id = read_text_update_form(view)
    if letter_id is None:
        problems = FormErrors({Field.LETTER: FieldProblem(Issue.MISSING)})
        await ack(response_action="errors", errors=field_errors(problems))
        return

    async def update() -> Edited:
        text = await drafts.kept(draft_id, user=user)
        return await edits.update_text(
            workspace, letter_id, body=text, user=user, now=datetime.now(UTC)
        )

    # The text is checked against the letter's limits only now: its problems are the
    # form's as a whole, which has no field for the text.
    edited = await checked(
        ack,
        update,
        shown=lambda text: problem_view(text, title=UPDATE_TEXT_TITLE),
        whole_form=True,
    )
    if edited is None:
        return
    report = edited_report(edited.letter, zone=workspace.zone, new_version=True)
    await ack(response_action="update", view=problem_view(report, title=UPDATE_TEXT_TITLE))
    await letters.refresh(workspace, edited, report_to=user)


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


# Buttons and shortcuts


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
    await open_view(workspace.slack, trigger_id=body["trigger_id"], view=form, what="extend form")


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
        workspace.slack, trigger_id=shortcut["trigger_id"], view=reading_view(), what="letter form"
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
        )

    await _in_place_of_reading(workspace, opened, form, title=NEW_LETTER_TITLE)


async def update_text(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    workspace: Workspace,
    drafts: Drafts,
    edits: Edits,
) -> None:
    """Read the message as a letter's new text, then ask which letter it is for (the
    letter of the message's channel, when it has one, chosen already)."""
    await ack()
    user = shortcut["user"]["id"]
    editable = await edits.editable_letters(workspace, user)
    opened = await open_view(
        workspace.slack,
        trigger_id=shortcut["trigger_id"],
        view=reading_view(UPDATE_TEXT_TITLE),
        what="letter form",
    )
    channel = shortcut["channel"]["id"]

    async def form() -> dict[str, Any]:
        draft = await drafts.text_from_message(
            workspace, shortcut["message"], user=user, channel=channel, now=datetime.now(UTC)
        )
        here = [letter.id for letter in editable if channel in letter.channels]
        chosen = here[0] if len(here) == 1 else editable[0].id if len(editable) == 1 else None
        return build_text_update_form(draft=draft, letters=editable, chosen=chosen)

    await _in_place_of_reading(workspace, opened, form, title=UPDATE_TEXT_TITLE)


async def _in_place_of_reading(
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
            view_id=view_id, view=problem_view(SOMETHING_WENT_WRONG, title=title)
        )
