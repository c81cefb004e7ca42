"""Signing on: `/signon`, the sign-on form and the buttons that open it (under a letter,
in `/signon status`, on the Home), a new version's Keep my signature and Withdraw, and
the Home's Withdraw."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.rules.forms import SignonField
from bot.rules.language import N_, current, named, speaking
from bot.rules.language import gettext as _
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
from bot.services.people import People
from bot.services.refs import letter_number, only_number, split_ref
from bot.services.signons import SignOns
from bot.services.workspace import Workspace
from bot.slack.blocks.home import HOME_SIGN_ON_ACTION, HOME_WITHDRAW_ACTION
from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.slack.blocks.problems import explain, form_problems
from bot.slack.blocks.reading import (
    FULL_LETTER_CALLBACK,
    READ_LETTER_ACTION,
    full_letter_view,
    read_language,
)
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
    LANGUAGE_ACTIONS,
    SIGNON_HELP,
    UNDO_ACTION,
    WITHDRAW_ACTION,
    LanguageChoice,
    chosen_language_text,
    corrected_text,
    language_message,
    moved_text,
    read_language_value,
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

# The /signon subcommands, by every word a person may type for each: English's, and
# Spanish's (read by `_subcommand`, so that an organization named like one still signs).
HELP, STATUS, WITHDRAW, LANGUAGE = "help", "status", "withdraw", "language"
_SUBCOMMANDS = {HELP: HELP, STATUS: STATUS, WITHDRAW: WITHDRAW, LANGUAGE: LANGUAGE}
_SPANISH_SUBCOMMANDS = {"ayuda": HELP, "estado": STATUS, "retirar": WITHDRAW, "idioma": LANGUAGE}
# `/signon language auto`: answered in the language Slack has for them again.
_AS_IN_SLACK = {"auto", "automatico", "slack", "segun slack", "as in slack", "default"}


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
    for chooses_a_language in LANGUAGE_ACTIONS:
        app.action(chooses_a_language)(language_pressed)
    app.view_submission(SIGNON_CALLBACK_ID)(signon_form_submitted)


async def read_letter_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    workspace: Workspace,
    signons: SignOns,
) -> None:
    """Read the full letter: the whole text in a modal, over the sign-on form when it
    was pressed there, for anyone the letter is open to; in the reader's language, or
    the one its button names ("Leer en español"), which in the letter's own modal
    replaces the text shown."""
    await ack()
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id")
    number, _colon, language = value_of(action).partition(":")
    letter = await signons.letter(
        workspace, letter_number(number, surface=Surface.BUTTON), user=user, channel=channel
    )
    view = full_letter_view(letter, read_language(language))
    shown = body.get("view") or {}
    in_a_modal = (body.get("container") or {}).get("type") == "view" and shown.get(
        "type"
    ) == "modal"
    if in_a_modal and shown.get("callback_id") == FULL_LETTER_CALLBACK and shown.get("id"):
        await update_view(workspace.slack, view_id=shown["id"], view=view)
    elif in_a_modal:
        await push_view(workspace.slack, trigger_id=body["trigger_id"], view=view)
    else:
        await open_view(
            workspace.slack, trigger_id=body["trigger_id"], view=view, what=N_("letter")
        )


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
    people: People | None = None,
) -> None:
    """Answer in the ack itself when the answer is ready in time (it nearly always is).
    Without `people` (the command line's), a language can't be chosen."""
    work = asyncio.ensure_future(_signon(command, workspace, signons, entries, people))
    try:
        answer = await asyncio.wait_for(asyncio.shield(work), ACK_BUDGET_SECONDS)
    except TimeoutError:
        await ack(_("Recording your sign-on…"))
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


def _subcommand(word: str, rest: str) -> str | None:
    """The subcommand `word` names, if any. A Spanish word names one only before nothing
    or a letter number, and `language` or `idioma` only before nothing, one word or a
    language: `/signon Ayuda en Acción` and `/signon Language Justice Project` sign."""
    key = word.casefold()
    found = _SUBCOMMANDS.get(key) or _SPANISH_SUBCOMMANDS.get(key)
    if found is None:
        return None
    if found == LANGUAGE:
        named_one = len(rest.split()) <= 1 or _language_choice(rest) is not None
        return found if named_one else None
    if key in _SUBCOMMANDS:
        return found
    if found == HELP:
        return found if not rest else None
    return found if not split_ref(rest).rest else None


def _language_choice(text: str) -> LanguageChoice | None:
    """The choice `text` names: a language (`español`, `english`), or Slack's own again
    (`auto`); None if neither."""
    key = " ".join(text.casefold().split()).translate(str.maketrans("áéíóú", "aeiou"))
    if key in _AS_IN_SLACK:
        return LanguageChoice(None)
    language = named(text)
    return LanguageChoice(language) if language is not None else None


async def _signon(
    command: dict[str, Any],
    workspace: Workspace,
    signons: SignOns,
    entries: Entries,
    people: People | None,
) -> str | dict[str, Any] | None:
    """The answer to a /signon, or None when it opened the sign-on form instead. It goes
    in the ack, so problems are answered here, not by the app's error handler."""
    text = message_text_to_plain(command.get("text") or "").strip()
    word, _space, rest = text.partition(" ")
    rest = rest.strip()
    user, channel = command["user_id"], command["channel_id"]
    now = datetime.now(UTC)
    subcommand = _subcommand(word, rest)
    try:
        if subcommand == HELP:
            return _(SIGNON_HELP)
        if subcommand == LANGUAGE:
            return await _language(people, user, rest, now=now)
        if subcommand in {STATUS, WITHDRAW}:
            number = only_number(rest, surface=Surface.SIGNON)
            letter = await signons.one_letter(workspace, number, user=user, channel=channel)
            if subcommand == STATUS:
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
                read_in=letters[0].text_in(current()).language,
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
            workspace.slack,
            trigger_id=command["trigger_id"],
            view=form,
            what=N_("sign-on form"),
        )
    except FormDidNotOpen:
        return _(FORM_DID_NOT_OPEN)
    except Problem as problem:
        return explain(problem)
    except FormErrors as problems:
        return form_problems(problems, signon=True)
    return None


async def _language(
    people: People | None, user: str, rest: str, *, now: datetime
) -> str | dict[str, Any]:
    """`/signon language`: alone, the language I answer in, with buttons to choose;
    naming one (`español`, `english`, `auto`), chosen at once."""
    if not rest or people is None:
        return language_message(current())
    choice = _language_choice(rest)
    if choice is None:
        return language_message(current(), unknown=rest)
    return await _choose(people, user, choice, now=now)


async def _choose(people: People, user: str, choice: LanguageChoice, *, now: datetime) -> str:
    """Choose `user`'s language (or Slack's again), and say so in the language chosen."""
    chosen = await people.choose_language(user, choice.language, now=now)
    with speaking(chosen):
        return chosen_language_text(chosen, as_in_slack=choice.language is None)


async def language_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    people: People,
) -> None:
    """English, Español or As in Slack, pressed under `/signon language`'s answer: chosen,
    and the answer says so, in the language chosen, in its place."""
    await ack()
    choice = read(action, read_language_value)
    text = await _choose(people, body["user"]["id"], choice, now=datetime.now(UTC))
    await respond(text, replace_original=True)


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
    await open_view(
        workspace.slack, trigger_id=body["trigger_id"], view=form, what=N_("sign-on form")
    )


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
    await respond(_(KEPT_AS_IT_WAS), replace_original=True)


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
        await ack(response_action="errors", errors={SignonField.LETTER: _(CHOOSE_A_LETTER)})
        return
    letter_id, entry_id = values.letter_id, values.entry_id

    async def record() -> str:
        letter = await signons.letter(workspace, letter_id, user=user["id"], channel=values.channel)
        now = datetime.now(UTC)
        # The text they were shown: the letter in their language, if it has one.
        submission = replace(values.submission, read_in=letter.text_in(current()).language)
        if entry_id is not None:
            corrected = await entries.correct(workspace, letter, entry_id, submission, now=now)
            return _corrected_text(corrected, user["id"], workspace.zone)
        signed = await signons.sign(workspace, letter, submission, now=now)
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
