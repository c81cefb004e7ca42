"""Modal submissions: the new-letter form, the edit form, the sign-on form, the forms
that change an entry or take a letter down, and the roster upload."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.forms import Field, SignonField
from bot.rules.problems import EntryGone, FieldProblem, FormErrors, Issue, LetterGone, Problem
from bot.services.drafts import Drafts
from bot.services.entries import Corrected, Entries
from bot.services.exports import Exports
from bot.services.imports import Imports
from bot.services.letters import Letters
from bot.services.roster import Members
from bot.services.signons import SignOns
from bot.settings import Settings
from bot.slack.blocks.export_form import EXPORT_CALLBACK_ID, EXPORT_TITLE, SENDING, read_export_form
from bot.slack.blocks.home import EXTEND_CALLBACK_ID, EXTEND_TITLE, read_extend_form
from bot.slack.blocks.imports import (
    IMPORT_CALLBACK_ID,
    IMPORT_TITLE,
    IMPORTING,
    import_report,
    read_import_form,
)
from bot.slack.blocks.letter_form import (
    CALLBACK_ID,
    EDIT_CALLBACK_ID,
    REMOVE_CALLBACK_ID,
    TEXT_UPDATE_CALLBACK_ID,
    read_edit_form,
    read_letter_form,
    read_remove_confirmation,
    read_text_update_form,
)
from bot.slack.blocks.problems import explain, field_errors, form_problems
from bot.slack.blocks.replies import (
    edited_report,
    export_sent,
    extended_report,
    problem_view,
    removed_report,
)
from bot.slack.blocks.roster import (
    LOADING_ROSTER,
    ROSTER_CALLBACK_ID,
    ROSTER_TITLE,
    read_roster_files,
    roster_report,
)
from bot.slack.blocks.signers import (
    ENTRY_CALLBACK_ID,
    EntryAction,
    entry_changed_text,
    read_entry_form,
)
from bot.slack.blocks.signon_form import CALLBACK_ID as SIGNON_CALLBACK_ID
from bot.slack.blocks.signon_form import CHOOSE_A_LETTER, confirmation_view, read_signon_form
from bot.slack.blocks.signon_replies import corrected_text, moved_text, recorded_text
from bot.slack.blocks.text import read_id
from bot.slack.messages import tell_privately
from bot.slack.views import update_view

# While a roster's emails are looked up, the form shows how far it has got this often.
PROGRESS_SECONDS = 5.0


def register(app: AsyncApp) -> None:
    app.view_submission(CALLBACK_ID)(letter_form_submitted)
    app.view_submission(SIGNON_CALLBACK_ID)(signon_form_submitted)
    app.view_submission(EDIT_CALLBACK_ID)(edit_form_submitted)
    app.view_submission(REMOVE_CALLBACK_ID)(removal_confirmed)
    app.view_submission(TEXT_UPDATE_CALLBACK_ID)(text_update_submitted)
    app.view_submission(ENTRY_CALLBACK_ID)(entry_form_submitted)
    app.view_submission(ROSTER_CALLBACK_ID)(roster_submitted)
    app.view_submission(EXTEND_CALLBACK_ID)(extend_submitted)
    app.view_submission(IMPORT_CALLBACK_ID)(import_submitted)
    app.view_submission(EXPORT_CALLBACK_ID)(export_submitted)


async def letter_form_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    letters: Letters,
) -> None:
    user = body["user"]["id"]
    values = read_letter_form(view)
    now = datetime.now(UTC)
    try:
        new = await letters.prepare(values, user=user, now=now)
    except FormErrors as problems:
        await ack(response_action="errors", errors=field_errors(problems))
        return
    except Problem as problem:
        await ack(response_action="update", view=problem_view(explain(problem)))
        return
    await ack()
    await letters.launch(
        new, draft_id=values.draft_id, now=now, origin_channel=values.origin_channel
    )


async def signon_form_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    signons: SignOns,
    entries: Entries,
    settings: Settings,
) -> None:
    """Record the sign-on before answering, so the form can show exactly what was recorded.
    In a Slack Connect channel the signer may be from another workspace: their own
    (`user.team_id`) is recorded with the sign-on."""
    user = body["user"]
    values = read_signon_form(view, user=user["id"], team=user.get("team_id"))
    if values.letter_id is None:
        await ack(response_action="errors", errors={SignonField.LETTER: CHOOSE_A_LETTER})
        return
    try:
        letter = await signons.letter(values.letter_id, user=user["id"], channel=values.channel)
        if values.entry_id is not None:
            corrected = await entries.correct(
                letter, values.entry_id, values.submission, now=datetime.now(UTC)
            )
            await ack(
                response_action="update",
                view=confirmation_view(_corrected_text(corrected, user["id"], settings)),
            )
            return
        signed = await signons.sign(letter, values.submission, now=datetime.now(UTC))
    except FormErrors as problems:
        await ack(response_action="errors", errors=field_errors(problems, signon=True))
        return
    except Problem as problem:
        await ack(response_action="update", view=confirmation_view(explain(problem)))
        return
    text = recorded_text(
        signed.recorded, letter=letter, count=signed.count, zone=settings.timezone, user=user["id"]
    )
    await ack(response_action="update", view=confirmation_view(text))


def _corrected_text(corrected: Corrected, user: str, settings: Settings) -> str:
    letter = corrected.letter
    if corrected.moved is not None and corrected.left is not None:
        return moved_text(
            corrected.moved.recorded,
            left=corrected.left,
            letter=letter,
            count=corrected.moved.count,
            zone=settings.timezone,
            user=user,
        )
    assert corrected.entry is not None
    return corrected_text(letter, corrected.entry, user=user, keeper=corrected.keeper)


async def edit_form_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], letters: Letters, settings: Settings
) -> None:
    """Save the changes and show what the letter's schedule is now; then update its posts
    (after answering, which Slack wants within three seconds)."""
    try:
        edited = await letters.edit(
            read_edit_form(view), user=body["user"]["id"], now=datetime.now(UTC)
        )
    except FormErrors as problems:
        await ack(response_action="errors", errors=field_errors(problems))
        return
    except Problem as problem:
        await ack(
            response_action="update", view=problem_view(explain(problem), title="Edit letter")
        )
        return
    await ack(
        response_action="update",
        view=problem_view(
            edited_report(
                edited.letter,
                zone=settings.timezone,
                new_version=edited.letter.version != edited.before.version,
            ),
            title="Edit letter",
        ),
    )
    await letters.refresh(edited, report_to=body["user"]["id"])


async def removal_confirmed(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], letters: Letters
) -> None:
    """Take the letter down and say so; then replace its posts with the notice."""
    letter_id = read_remove_confirmation(view)
    try:
        if letter_id is None:
            raise LetterGone
        letter = await letters.remove(letter_id, user=body["user"]["id"], now=datetime.now(UTC))
    except Problem as problem:
        await ack(response_action="update", view=problem_view(explain(problem), title="Remove"))
        return
    await ack(response_action="update", view=problem_view(removed_report(letter), title="Remove"))
    await letters.refresh(letter)


async def text_update_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    drafts: Drafts,
    letters: Letters,
    settings: Settings,
) -> None:
    """The message's text becomes the chosen letter's new version; then its posts are
    rewritten."""
    user = body["user"]["id"]
    letter_id, draft_id = read_text_update_form(view)
    if letter_id is None:
        await ack(response_action="errors", errors=field_errors(FormErrors(_CHOOSE_A_LETTER)))
        return
    title = "Update a letter's text"
    try:
        text = await drafts.kept(draft_id, user=user)
        edited = await letters.update_text(letter_id, body=text, user=user, now=datetime.now(UTC))
    except FormErrors as problems:
        # The text is checked against the letter's limits only now.
        view = problem_view(form_problems(problems), title=title)
        await ack(response_action="update", view=view)
        return
    except Problem as problem:
        await ack(response_action="update", view=problem_view(explain(problem), title=title))
        return
    report = edited_report(edited.letter, zone=settings.timezone, new_version=True)
    await ack(response_action="update", view=problem_view(report, title=title))
    await letters.refresh(edited, report_to=user)


_CHOOSE_A_LETTER: dict[str, FieldProblem] = {Field.LETTER: FieldProblem(Issue.MISSING)}


async def entry_form_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], entries: Entries
) -> None:
    """An organizer's edit, withdrawal or restoral of an entry, with its reason."""
    user = body["user"]["id"]
    values = read_entry_form(view, user=user)
    now = datetime.now(UTC)
    title = "Signers"
    try:
        if values.entry_id is None:
            raise EntryGone
        if values.action == EntryAction.EDIT:
            entry = await entries.edit(
                values.entry_id, values.submission, user=user, now=now, reason=values.reason
            )
        elif values.action == EntryAction.WITHDRAW:
            entry = await entries.withdraw(
                values.entry_id, user=user, now=now, reason=values.reason
            )
        else:
            entry = await entries.restore(values.entry_id, user=user, now=now, reason=values.reason)
    except FormErrors as problems:
        await ack(response_action="errors", errors=field_errors(problems, signon=True))
        return
    except Problem as problem:
        await ack(response_action="update", view=problem_view(explain(problem), title=title))
        return
    text = entry_changed_text(entry, values.action)
    await ack(response_action="update", view=problem_view(text, title=title))


async def roster_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    members: Members,
) -> None:
    """Reading a roster takes longer than Slack waits for an answer, and looking its new
    emails up in Slack (within the method's rate tier) can take minutes: the form says
    so at once, shows the roster loaded and the lookups' progress, and the whole report
    comes by DM once they are done (the form may have been closed by then)."""
    files = read_roster_files(view["state"]["values"])
    user = body["user"]["id"]

    async def show(text: str) -> None:
        await update_view(client, view_id=view["id"], view=problem_view(text, title=ROSTER_TITLE))

    await ack(response_action="update", view=problem_view(LOADING_ROSTER, title=ROSTER_TITLE))
    try:
        result, total = await members.load(files, user=user, now=datetime.now(UTC))
    except Problem as problem:
        await show(explain(problem))
        return
    await show(roster_report(result, total=total))
    if not result.to_look_up:
        return
    shown = time.monotonic()

    async def progress(done: int, of: int) -> None:
        nonlocal shown
        if done < of and time.monotonic() - shown >= PROGRESS_SECONDS:
            shown = time.monotonic()
            await show(roster_report(result, total=total, looked_up=done))

    lookup = await members.look_up(result.to_look_up, progress=progress)
    report = roster_report(result, total=total, lookup=lookup)
    await show(report)
    await tell_privately(client, user=user, channel=None, text=report)


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

    await _answer_in_place(ack, client, view, title=IMPORT_TITLE, working=IMPORTING, work=load)


async def export_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    exports: Exports,
) -> None:
    """The export form, submitted: the form says at once that the files are being made
    (a document and a chart outlast the three seconds Slack waits), then what was sent."""
    letter_id, style = read_export_form(view)

    async def send() -> str:
        sent = await exports.send(letter_id, user=body["user"]["id"], style=style)
        return export_sent(sent.signers)

    await _answer_in_place(ack, client, view, title=EXPORT_TITLE, working=SENDING, work=send)


async def _answer_in_place(
    ack: AsyncAck,
    client: AsyncWebClient,
    view: dict[str, Any],
    *,
    title: str,
    working: str,
    work: Callable[[], Awaitable[str]],
) -> None:
    """For work that may outlast the three seconds Slack waits for a form's answer: the
    form says `working` at once, then what came of it (or why not) in its place."""
    await ack(response_action="update", view=problem_view(working, title=title))
    try:
        answer = await work()
    except Problem as problem:
        answer = explain(problem)
    await update_view(client, view_id=view["id"], view=problem_view(answer, title=title))


async def extend_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    letters: Letters,
    settings: Settings,
) -> None:
    """The new deadline from the App Home's Extend…: the form says what came of it."""
    ref, picked = read_extend_form(view)
    letter_id = read_id(ref)
    now = datetime.now(UTC)
    try:
        if letter_id is None:
            raise LetterGone()
        letter, reopened = await letters.extend_to(
            letter_id, picked, user=body["user"]["id"], now=now
        )
    except FormErrors as problems:
        await ack(response_action="errors", errors=field_errors(problems))
        return
    except Problem as problem:
        await ack(response_action="update", view=problem_view(explain(problem), title=EXTEND_TITLE))
        return
    report = extended_report(letter, reopened=reopened, zone=settings.timezone)
    await ack(response_action="update", view=problem_view(report, title=EXTEND_TITLE))
