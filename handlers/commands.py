"""The /letter and /signon slash commands and their subcommands."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.mrkdwn import message_text_to_plain
from bot.rules.problems import FormDidNotOpen, FormErrors, Problem, Surface
from bot.rules.signers import SignerKind, Submission
from bot.services.access import Organizers
from bot.services.entries import Entries
from bot.services.exports import Exports
from bot.services.imports import Imports
from bot.services.letters import Letters
from bot.services.refs import only_number, split_ref
from bot.services.reviews import Reviews
from bot.services.roster import Members
from bot.services.signons import SignOns
from bot.settings import Settings
from bot.slack.blocks.export_form import export_form
from bot.slack.blocks.imports import import_form
from bot.slack.blocks.letter_form import (
    build_edit_form,
    build_letter_form,
    build_remove_confirmation,
)
from bot.slack.blocks.problems import explain, form_problems
from bot.slack.blocks.replies import (
    closed_report,
    extended_report,
    launch_report,
    letter_help,
    letter_list,
    status_report,
)
from bot.slack.blocks.review import review_message
from bot.slack.blocks.roster import chase_report, missing_message, roster_form
from bot.slack.blocks.signers import signers_page
from bot.slack.blocks.signon_form import build_signon_form
from bot.slack.blocks.signon_replies import (
    FORM_DID_NOT_OPEN,
    SIGNON_HELP,
    recorded_text,
    status_message,
    withdrawn_text,
)
from bot.slack.views import open_view

Subcommand = Callable[..., Awaitable[None]]

# Slack waits three seconds for an ack; past this, the answer follows separately.
ACK_BUDGET_SECONDS = 2.0


def register(app: AsyncApp) -> None:
    app.command("/letter")(letter_command)
    app.command("/signon")(signon_command)


async def letter_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    organizers: Organizers,
    letters: Letters,
    reviews: Reviews,
    exports: Exports,
    entries: Entries,
    members: Members,
    imports: Imports,
    settings: Settings,
) -> None:
    await ack()
    # Slack sends command text encoded (&amp;, &lt;, <@U123|name>): read it as typed.
    name, _, rest = message_text_to_plain(command.get("text") or "").strip().partition(" ")
    subcommand = SUBCOMMANDS.get(name.lower())
    if subcommand is None:
        await respond(letter_help(unknown=name))
        return
    try:
        await subcommand(
            command=command,
            rest=rest.strip(),
            respond=respond,
            client=client,
            organizers=organizers,
            letters=letters,
            reviews=reviews,
            exports=exports,
            entries=entries,
            members=members,
            imports=imports,
            settings=settings,
        )
    except Problem as problem:
        await respond(explain(problem))


async def new(
    *,
    command: dict[str, Any],
    client: AsyncWebClient,
    organizers: Organizers,
    letters: Letters,
    **_: Any,
) -> None:
    await organizers.require_organizer(command["user_id"])
    deadline, reminders = letters.form_defaults(datetime.now(UTC))
    form = build_letter_form(
        origin_channel=command.get("channel_id"),
        draft=None,
        initial_deadline=deadline,
        initial_reminders=reminders,
    )
    await open_view(client, trigger_id=command["trigger_id"], view=form, what="letter form")


async def list_letters(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    letters: Letters,
    settings: Settings,
    **_: Any,
) -> None:
    found = await letters.listing(command["user_id"], include_closed=rest.lower() == "all")
    await respond(**letter_list(found, zone=settings.timezone))


async def close(
    *, command: dict[str, Any], rest: str, respond: AsyncRespond, letters: Letters, **_: Any
) -> None:
    closed = await letters.close(
        rest, user=command["user_id"], channel=command["channel_id"], now=datetime.now(UTC)
    )
    await respond(closed_report(closed.letter, closed.count, user=command["user_id"]))


async def reopen(
    *, command: dict[str, Any], rest: str, respond: AsyncRespond, letters: Letters, **_: Any
) -> None:
    done = await letters.reopen(
        rest, user=command["user_id"], channel=command["channel_id"], now=datetime.now(UTC)
    )
    await respond(status_report(done.letter, done.results))


async def extend(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    letters: Letters,
    settings: Settings,
    **_: Any,
) -> None:
    letter, reopened = await letters.extend(
        rest, user=command["user_id"], channel=command["channel_id"], now=datetime.now(UTC)
    )
    await respond(extended_report(letter, reopened=reopened, zone=settings.timezone))


async def edit(
    *, command: dict[str, Any], rest: str, client: AsyncWebClient, letters: Letters, **_: Any
) -> None:
    letter = await letters.editable(rest, user=command["user_id"], channel=command["channel_id"])
    form = build_edit_form(letter=letter)
    await open_view(client, trigger_id=command["trigger_id"], view=form, what="edit form")


async def remove(
    *, command: dict[str, Any], rest: str, client: AsyncWebClient, letters: Letters, **_: Any
) -> None:
    """Ask first: taking a letter down can't be undone from Slack."""
    found = await letters.removable(rest, user=command["user_id"], channel=command["channel_id"])
    form = build_remove_confirmation(found)
    await open_view(client, trigger_id=command["trigger_id"], view=form, what="confirmation")


async def post(
    *, command: dict[str, Any], rest: str, respond: AsyncRespond, letters: Letters, **_: Any
) -> None:
    done = await letters.post_missing(rest, user=command["user_id"], channel=command["channel_id"])
    await respond(launch_report(done.letter, done.results))


async def review(
    *, command: dict[str, Any], rest: str, respond: AsyncRespond, reviews: Reviews, **_: Any
) -> None:
    found = await reviews.queue(rest, user=command["user_id"], channel=command["channel_id"])
    await respond(**review_message(found.letter, found.pairs, holds=found.holds))


async def signers(
    *, command: dict[str, Any], rest: str, respond: AsyncRespond, entries: Entries, **_: Any
) -> None:
    letter, found, search = await entries.signers_of(
        rest, user=command["user_id"], channel=command["channel_id"]
    )
    await respond(**signers_page(letter, found, search=search))


async def export(
    *, command: dict[str, Any], rest: str, client: AsyncWebClient, exports: Exports, **_: Any
) -> None:
    """The export form: the list's layout and the word it goes under."""
    letter, count = await exports.letter_for(
        rest, user=command["user_id"], channel=command["channel_id"]
    )
    form = export_form(letter, count=count)
    await open_view(client, trigger_id=command["trigger_id"], view=form, what="export form")


async def roster(
    *, command: dict[str, Any], client: AsyncWebClient, members: Members, **_: Any
) -> None:
    found, unresolved = await members.roster(user=command["user_id"])
    form = roster_form(found, unresolved=unresolved)
    await open_view(client, trigger_id=command["trigger_id"], view=form, what="roster form")


async def missing(
    *, command: dict[str, Any], rest: str, respond: AsyncRespond, members: Members, **_: Any
) -> None:
    letter, found = await members.missing(
        rest, user=command["user_id"], channel=command["channel_id"]
    )
    await respond(**missing_message(letter, found))


async def chase(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    members: Members,
    settings: Settings,
    **_: Any,
) -> None:
    found = await members.chase(
        rest, user=command["user_id"], channel=command["channel_id"], now=datetime.now(UTC)
    )
    report = chase_report(
        found.letter,
        found.standings,
        planned=found.planned,
        again=found.again,
        zone=settings.timezone,
    )
    await respond(report)


async def import_signons(
    *, command: dict[str, Any], rest: str, client: AsyncWebClient, imports: Imports, **_: Any
) -> None:
    letter = await imports.letter_for(rest, user=command["user_id"], channel=command["channel_id"])
    form = import_form(letter)
    await open_view(client, trigger_id=command["trigger_id"], view=form, what="import form")


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
    "review": review,
    "signers": signers,
    "remove": remove,
    "export": export,
    "roster": roster,
    "missing": missing,
    "chase": chase,
    "import": import_signons,
    "help": show_help,
    "": show_help,
}


async def signon_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    signons: SignOns,
    entries: Entries,
    settings: Settings,
) -> None:
    """Answer in the ack itself when the answer is ready in time (it nearly always is)."""
    work = asyncio.ensure_future(_signon(command, client, signons, entries, settings))
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
    client: AsyncWebClient,
    signons: SignOns,
    entries: Entries,
    settings: Settings,
) -> str | dict[str, Any] | None:
    """The answer to a /signon, or None when it opened the sign-on form instead."""
    text = message_text_to_plain(command.get("text") or "").strip()
    word, _, rest = text.partition(" ")
    user, channel = command["user_id"], command["channel_id"]
    now = datetime.now(UTC)
    try:
        if word.lower() == "help":
            return SIGNON_HELP
        if word.lower() in {"status", "withdraw"}:
            number = only_number(rest, surface=Surface.SIGNON)
            letter = await signons.one_letter(number, user=user, channel=channel)
            if word.lower() == "status":
                return status_message(await signons.status(letter, user=user))
            withdrawn = await signons.withdraw(letter, user=user, now=now)
            return withdrawn_text(letter, withdrawn, count=await signons.count(letter))
        ref = split_ref(text)
        letters = await signons.letters_for(
            ref.number, user=user, channel=channel, surface=Surface.SIGNON
        )
        if ref.rest and len(letters) == 1:
            submission = Submission(
                kind=SignerKind.ORGANIZATION,
                name=ref.rest,
                user_id=user,
                team_id=command.get("team_id"),
            )
            signed = await signons.sign(letters[0], submission, now=now)
            return recorded_text(
                signed.recorded,
                letter=letters[0],
                count=signed.count,
                zone=settings.timezone,
                user=user,
            )
        own = await entries.own(letters[0], user=user) if len(letters) == 1 else None
        if own is not None and not ref.rest:
            # Signed already: the form opens on their entry, to correct it.
            form = build_signon_form(letters=letters, channel=channel, own=own)
        else:
            form = build_signon_form(letters=letters, channel=channel, organization=ref.rest)
        await open_view(client, trigger_id=command["trigger_id"], view=form, what="sign-on form")
    except FormDidNotOpen:
        return FORM_DID_NOT_OPEN
    except Problem as problem:
        return explain(problem)
    except FormErrors as problems:
        return form_problems(problems, signon=True)
    return None
