"""Signing on: `/signon`, the sign-on form and the buttons that open it (under a letter,
in `/signon status`, on the Home), a new version's Keep my signature and Withdraw, and
the Home's Withdraw."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.rules.forms import SignonField
from bot.rules.mrkdwn import message_text_to_plain
from bot.rules.problems import (
    FormDidNotOpen,
    FormErrors,
    Problem,
    Surface,
)
from bot.rules.signons import SignerKind, Submission
from bot.services.entries import Corrected, Entries
from bot.services.home import HomeTabs
from bot.services.refs import letter_number, only_number, split_ref
from bot.services.signons import SignOns
from bot.services.workspace import Workspace
from bot.slack.blocks.home import HOME_SIGN_ON_ACTION, HOME_WITHDRAW_ACTION
from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.slack.blocks.problems import explain, form_problems
from bot.slack.blocks.reading import READ_LETTER_ACTION, full_letter_view
from bot.slack.blocks.signon_form import CALLBACK_ID as SIGNON_CALLBACK_ID
from bot.slack.blocks.signon_form import (
    CHOOSE_A_LETTER,
    build_signon_form,
    confirmation_view,
    for_kind,
    read_signon_form,
)
from bot.slack.blocks.signon_replies import (
    CHANGE_ENTRY_ACTION,
    FORM_DID_NOT_OPEN,
    KEEP_ACTION,
    KEPT_AS_IT_WAS,
    SIGNON_HELP,
    UNDO_ACTION,
    WITHDRAW_ACTION,
    corrected_text,
    moved_text,
    recorded_message,
    recorded_text,
    status_message,
    withdraw_question,
    withdrawn_text,
)
from bot.slack.blocks.versions import (
    KEEP_SIGNATURE_ACTION,
    WITHDRAW_SIGNATURE_ACTION,
    kept_text,
    read_keep_value,
    read_withdraw_value,
)
from bot.slack.views import open_view, push_view, update_view
from handlers.answers import checked, from_home, read, tell, value_of

# Slack waits three seconds for an ack; past this, the answer follows separately.
ACK_BUDGET_SECONDS = 2.0


def register(app: AsyncApp) -> None:
    for opens_the_form in (SIGN_ON_ACTION, CHANGE_ENTRY_ACTION, HOME_SIGN_ON_ACTION):
        app.action(opens_the_form)(sign_on_pressed)
    app.action(KEEP_SIGNATURE_ACTION)(signature_kept)
    app.action(WITHDRAW_SIGNATURE_ACTION)(signature_withdrawn)
    app.action(UNDO_ACTION)(signature_withdrawn)
    app.action(HOME_WITHDRAW_ACTION)(withdraw_pressed)
    app.action(WITHDRAW_ACTION)(withdraw_pressed)
    app.action(KEEP_ACTION)(withdraw_not_pressed)
    app.action(SignonField.KIND)(signing_as_chosen)
    app.action(READ_LETTER_ACTION)(read_letter_pressed)
    app.view_submission(SIGNON_CALLBACK_ID)(signon_form_submitted)


async def read_letter_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    workspace: Workspace,
    signons: SignOns,
) -> None:
    """Read the full letter: the whole text in a modal, over the sign-on form when it
    was pressed there, for anyone the letter is open to."""
    await ack()
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id")
    letter = await signons.letter(
        workspace,
        letter_number(value_of(action), surface=Surface.BUTTON),
        user=user,
        channel=channel,
    )
    view = full_letter_view(letter)
    if (body.get("container") or {}).get("type") == "view" and body.get("view", {}).get(
        "type"
    ) == "modal":
        await push_view(workspace.slack, trigger_id=body["trigger_id"], view=view)
    else:
        await open_view(workspace.slack, trigger_id=body["trigger_id"], view=view, what="letter")


async def signing_as_chosen(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], workspace: Workspace
) -> None:
    """The sign-on form's "An organization" or "An individual" chosen: the form again,
    asking for the organization as that needs (required, or for identification only)."""
    await ack()
    try:
        kind = SignerKind(str((action.get("selected_option") or {}).get("value")))
    except ValueError:
        return
    view = body.get("view") or {}
    if view.get("id") and view.get("blocks"):
        await update_view(workspace.slack, view_id=view["id"], view=for_kind(view, kind))


async def signon_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    workspace: Workspace,
    signons: SignOns,
    entries: Entries,
) -> None:
    """Answer in the ack itself when the answer is ready in time (it nearly always is)."""
    work = asyncio.ensure_future(_signon(command, workspace, signons, entries))
    try:
        answer = await asyncio.wait_for(asyncio.shield(work), ACK_BUDGET_SECONDS)
    except TimeoutError:
        await ack("Recording your sign-on…")
        answer = await work
        if answer:
            await respond(**_message(answer))
        return
    if answer:
        await ack(**_message(answer))
    else:
        await ack()


def _message(answer: str | dict[str, Any]) -> dict[str, Any]:
    return {"text": answer} if isinstance(answer, str) else answer


async def _signon(
    command: dict[str, Any],
    workspace: Workspace,
    signons: SignOns,
    entries: Entries,
) -> str | dict[str, Any] | None:
    """The answer to a /signon, or None when it opened the sign-on form instead. It goes
    in the ack, so problems are answered here, not by the app's error handler."""
    text = message_text_to_plain(command.get("text") or "").strip()
    word, _, rest = text.partition(" ")
    user, channel = command["user_id"], command["channel_id"]
    now = datetime.now(UTC)
    try:
        if word.lower() == "help":
            return SIGNON_HELP
        if word.lower() in {"status", "withdraw"}:
            number = only_number(rest, surface=Surface.SIGNON)
            letter = await signons.one_letter(workspace, number, user=user, channel=channel)
            if word.lower() == "status":
                return status_message(await signons.status(workspace, letter, user=user))
            # Asked first, as the Home asks: its Withdraw button does it.
            return withdraw_question(await signons.to_withdraw(workspace, letter, user=user))
        ref = split_ref(text)
        letters = await signons.letters_for(
            workspace, ref.number, user=user, channel=channel, surface=Surface.SIGNON
        )
        if ref.rest and len(letters) == 1:
            submission = Submission(
                kind=SignerKind.ORGANIZATION,
                name=ref.rest,
                user_id=user,
                team_id=command.get("team_id"),
            )
            signed = await signons.sign(workspace, letters[0], submission, now=now)
            return recorded_message(
                signed.recorded,
                letter=letters[0],
                count=signed.count,
                zone=workspace.zone,
                user=user,
            )
        own = await entries.own(workspace, letters[0], user=user) if len(letters) == 1 else None
        if own is not None and not ref.rest:
            # Signed already: the form opens on their entry, to correct it.
            form = build_signon_form(letters=letters, channel=channel, own=own)
        else:
            form = build_signon_form(letters=letters, channel=channel, organization=ref.rest)
        await open_view(
            workspace.slack, trigger_id=command["trigger_id"], view=form, what="sign-on form"
        )
    except FormDidNotOpen:
        return FORM_DID_NOT_OPEN
    except Problem as problem:
        return explain(problem)
    except FormErrors as problems:
        return form_problems(problems, signon=True)
    return None


async def sign_on_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    workspace: Workspace,
    signons: SignOns,
    entries: Entries,
) -> None:
    """Anyone in the channel, from this workspace or another (Slack Connect), gets the
    form (on their entry, to correct it, once they have signed); `/signon status`'s
    Change my sign-on and the App Home's Sign on and Edit come here too."""
    await ack()
    user, channel = body["user"]["id"], (body.get("channel") or {}).get("id") or ""
    number = letter_number(value_of(action), surface=Surface.BUTTON)
    (letter,) = await signons.letters_for(
        workspace, number, user=user, channel=channel, surface=Surface.BUTTON
    )
    own = await entries.own(workspace, letter, user=user)
    form = build_signon_form(letters=[letter], channel=channel, own=own)
    await open_view(workspace.slack, trigger_id=body["trigger_id"], view=form, what="sign-on form")


async def signature_kept(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    signons: SignOns,
    workspace: Workspace,
) -> None:
    """Keep my signature, pressed in the DM about a new version: recorded, and the DM
    says so in place of its buttons."""
    await ack()
    letter_id, version = read(action, read_keep_value)
    letter, kept = await signons.keep(
        workspace, letter_id, version=version, user=body["user"]["id"]
    )
    await respond(kept_text(letter, kept, version=version), replace_original=True)


async def signature_withdrawn(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    signons: SignOns,
    workspace: Workspace,
) -> None:
    """Withdraw, pressed (and confirmed) in the DM about a new version, or Undo under a
    quick /signon's answer: the entries that message was about, and no other."""
    await ack()
    letter_id, entry_ids = read(action, read_withdraw_value)
    user = body["user"]["id"]
    letter = await signons.letter(workspace, letter_id, user=user)
    withdrawn = await signons.withdraw(letter, user=user, now=datetime.now(UTC), only=entry_ids)
    count = await signons.count(letter)
    await respond(withdrawn_text(letter, withdrawn, count=count), replace_original=True)


async def withdraw_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    signons: SignOns,
    home: HomeTabs,
    workspace: Workspace,
) -> None:
    """Withdraw, pressed (and confirmed) on the App Home, or under `/signon withdraw`'s
    question, which then says what was done in its place."""
    await ack()
    user = body["user"]["id"]
    letter = await signons.letter(
        workspace, letter_number(value_of(action), surface=Surface.BUTTON), user=user
    )
    withdrawn = await signons.withdraw(letter, user=user, now=datetime.now(UTC))
    text = withdrawn_text(letter, withdrawn, count=await signons.count(letter))
    if from_home(body):
        await tell(workspace, body, respond, home, text)
    else:
        await respond(text, replace_original=True)


async def withdraw_not_pressed(ack: AsyncAck, respond: AsyncRespond) -> None:
    """Keep it, under `/signon withdraw`'s question: nothing changes, and it says so."""
    await ack()
    await respond(KEPT_AS_IT_WAS, replace_original=True)


async def signon_form_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    signons: SignOns,
    entries: Entries,
    workspace: Workspace,
) -> None:
    """Record the sign-on before answering, so the form can show exactly what was recorded.
    In a Slack Connect channel the signer may be from another workspace: their own
    (`user.team_id`) is recorded with the sign-on."""
    user = body["user"]
    values = read_signon_form(view, user=user["id"], team=user.get("team_id"))
    if values.letter_id is None:
        await ack(response_action="errors", errors={SignonField.LETTER: CHOOSE_A_LETTER})
        return
    letter_id, entry_id = values.letter_id, values.entry_id

    async def record() -> str:
        letter = await signons.letter(workspace, letter_id, user=user["id"], channel=values.channel)
        now = datetime.now(UTC)
        if entry_id is not None:
            corrected = await entries.correct(
                workspace, letter, entry_id, values.submission, now=now
            )
            return _corrected_text(corrected, user["id"], workspace.zone)
        signed = await signons.sign(workspace, letter, values.submission, now=now)
        return recorded_text(
            signed.recorded, letter=letter, count=signed.count, zone=workspace.zone, user=user["id"]
        )

    text = await checked(ack, record, shown=confirmation_view, signon=True)
    if text is not None:
        await ack(response_action="update", view=confirmation_view(text))


def _corrected_text(corrected: Corrected, user: str, zone: ZoneInfo) -> str:
    letter = corrected.letter
    if corrected.moved is not None and corrected.left is not None:
        return moved_text(
            corrected.moved.recorded,
            left=corrected.left,
            letter=letter,
            count=corrected.moved.count,
            zone=zone,
            user=user,
        )
    assert corrected.entry is not None
    return corrected_text(letter, corrected.entry, user=user, keeper=corrected.keeper)
