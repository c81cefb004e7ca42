"""Changing an open letter: `/letter edit` and its form, and the message shortcuts that
make a message (or its attached file) a letter's new text, or its Spanish text."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.rules.forms import Field, TranslationValues
from bot.rules.language import N_
from bot.rules.language import gettext as _
from bot.rules.problems import FieldProblem, FormErrors, Issue
from bot.services.drafts import Drafts
from bot.services.edits import Edited, Edits
from bot.services.letters import Letters
from bot.services.workspace import Workspace
from bot.slack.blocks.edits import (
    EDIT_CALLBACK_ID,
    TEXT_UPDATE_CALLBACK_ID,
    TRANSLATION_CALLBACK_ID,
    build_edit_form,
    build_text_update_form,
    build_translation_form,
    read_edit_form,
    read_text_update_form,
    read_translation_form,
)
from bot.slack.blocks.letter_form import reading_view
from bot.slack.blocks.problems import field_errors
from bot.slack.blocks.replies import (
    edited_report,
    problem_view,
)
from bot.slack.blocks.translations import translation_prompts
from bot.slack.letters import report_launch
from bot.slack.views import open_view
from handlers.answers import Subcommand, checked, in_place_of_reading

UPDATE_TEXT_CALLBACK = "update_letter_text"
TRANSLATE_CALLBACK = "add_translation"


def register(app: AsyncApp) -> None:
    app.message_shortcut(UPDATE_TEXT_CALLBACK)(update_text)
    app.message_shortcut(TRANSLATE_CALLBACK)(add_translation)
    app.view_submission(EDIT_CALLBACK_ID)(edit_form_submitted)
    app.view_submission(TEXT_UPDATE_CALLBACK_ID)(text_update_submitted)
    app.view_submission(TRANSLATION_CALLBACK_ID)(translation_submitted)


async def edit(
    *,
    command: dict[str, Any],
    rest: str,
    workspace: Workspace,
    edits: Edits,
    letters: Letters,
    **_: Any,
) -> None:
    letter = await edits.editable(
        workspace, rest, user=command["user_id"], channel=command["channel_id"]
    )
    form = build_edit_form(letter=letter, web_signons=letters.web_signons)
    await open_view(
        workspace.slack, trigger_id=command["trigger_id"], view=form, what=N_("edit form")
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
    user = body["user"]["id"]
    await _saved(
        ack,
        workspace,
        letters,
        lambda: edits.edit(workspace, read_edit_form(view), user=user, now=datetime.now(UTC)),
        user=user,
        title=_("Edit letter"),
    )


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
    await _saved(
        ack,
        workspace,
        letters,
        update,
        user=user,
        title=_("Update a letter's text"),
        whole_form=True,
    )


async def translation_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    drafts: Drafts,
    edits: Edits,
    letters: Letters,
    workspace: Workspace,
) -> None:
    """The message's text becomes the chosen letter's Spanish text; then its posts follow
    (they offer it to Spanish readers)."""
    user = body["user"]["id"]
    letter_id, draft_id, title, addressee = read_translation_form(view)
    if letter_id is None:
        problems = FormErrors({Field.LETTER: FieldProblem(Issue.MISSING)})
        await ack(response_action="errors", errors=field_errors(problems))
        return

    async def translate() -> Edited:
        text = await drafts.kept(draft_id, user=user)
        values = TranslationValues(title=title, addressee=addressee, body=text)
        return await edits.translate(workspace, letter_id, values, user=user, now=datetime.now(UTC))

    await _saved(
        ack, workspace, letters, translate, user=user, title=_("Add a translation"), whole_form=True
    )


async def update_text(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    workspace: Workspace,
    drafts: Drafts,
    edits: Edits,
) -> None:
    """Read the message as a letter's new text, then ask which letter it is for (the
    letter of the message's channel, when it has one, chosen already)."""
    await _from_message(
        ack, shortcut, workspace, drafts, edits, build_text_update_form, _("Update a letter's text")
    )


async def add_translation(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    workspace: Workspace,
    drafts: Drafts,
    edits: Edits,
) -> None:
    """Read the message as a letter's Spanish text, then ask which letter it is for, and
    its title and addressee in Spanish."""
    await _from_message(
        ack, shortcut, workspace, drafts, edits, build_translation_form, _("Add a translation")
    )


async def _from_message(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    workspace: Workspace,
    drafts: Drafts,
    edits: Edits,
    build: Callable[..., dict[str, Any]],
    title: str,
) -> None:
    """Read a message's text (or its attached file) for one of the letters its sender
    may edit, and show `build`'s form for it (the letter of the message's channel, when
    it has one, chosen already)."""
    await ack()
    user = shortcut["user"]["id"]
    editable = await edits.editable_letters(workspace, user)
    opened = await open_view(
        workspace.slack,
        trigger_id=shortcut["trigger_id"],
        view=reading_view(title),
        what=N_("letter form"),
    )
    channel = shortcut["channel"]["id"]

    async def form() -> dict[str, Any]:
        draft = await drafts.text_from_message(
            workspace, shortcut["message"], user=user, channel=channel, now=datetime.now(UTC)
        )
        here = [letter.id for letter in editable if channel in letter.channels]
        chosen = here[0] if len(here) == 1 else editable[0].id if len(editable) == 1 else None
        return build(draft=draft, letters=editable, chosen=chosen)

    await in_place_of_reading(workspace, opened, form, title=title)


async def _saved(
    ack: AsyncAck,
    workspace: Workspace,
    letters: Letters,
    change: Callable[[], Awaitable[Edited]],
    *,
    user: str,
    title: str,
    whole_form: bool = False,
) -> None:
    """Make a form's `change`, and answer the form with what it did (or its problems,
    at their fields or, `whole_form`, for the form as a whole); then the letter's posts
    follow, after the answer Slack wants within three seconds."""
    edited = await checked(
        ack, change, shown=lambda text: problem_view(text, title=title), whole_form=whole_form
    )
    if edited is None:
        return
    report = edited_report(
        edited.letter,
        zone=workspace.zone,
        new_version=edited.letter.version != edited.before.version,
    )
    await ack(
        response_action="update", view=problem_view(_with_prompts(report, edited), title=title)
    )
    await _refresh(workspace, letters, edited, user=user)


def _with_prompts(report: str, edited: Edited) -> str:
    """The report, and what the edit left for the letter's other language."""
    prompts = translation_prompts(
        edited.letter,
        behind=edited.translations_behind,
        changed_alone=edited.translations_changed_alone,
    )
    return "\n\n".join([report, *prompts])


SUBCOMMANDS: dict[str, Subcommand] = {"edit": edit}


async def _refresh(workspace: Workspace, letters: Letters, edited: Edited, *, user: str) -> None:
    """After the form is answered: the letter's posts follow the edit, and the organizer
    who made it hears how posting went in any channel it was added to."""
    refreshed = await letters.refresh(workspace, edited)
    if refreshed.added is not None:
        await report_launch(
            workspace.slack,
            user=user,
            channel=None,
            letter=refreshed.added.letter,
            results=refreshed.added.results,
        )
