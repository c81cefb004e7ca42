"""The /letter slash command and its subcommands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.letter_form import build_letter_form
from bot.blocks.replies import launch_report, letter_help, letter_list, status_report
from bot.blocks.text import message_text_to_plain
from bot.errors import UserFacingError
from bot.letters import Letters
from bot.settings import Settings

Subcommand = Callable[..., Awaitable[None]]


def register(app: AsyncApp) -> None:
    app.command("/letter")(letter_command)


async def letter_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    letters: Letters,
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
            letters=letters,
            settings=settings,
        )
    except UserFacingError as problem:
        await respond(str(problem))


async def new(
    *, command: dict[str, Any], client: AsyncWebClient, letters: Letters, **_: Any
) -> None:
    await letters.require_organizer(command["user_id"])
    form = build_letter_form(
        origin_channel=command.get("channel_id"),
        draft=None,
        initial_deadline=letters.default_deadline(datetime.now(UTC)),
    )
    await client.views_open(trigger_id=command["trigger_id"], view=form)


async def list_letters(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    letters: Letters,
    settings: Settings,
    **_: Any,
) -> None:
    found = await letters.visible_to(command["user_id"], include_closed=rest.lower() == "all")
    counts = {letter.id: letters.count(letter) for letter in found}
    await respond(**letter_list(found, counts=counts, zone=settings.timezone))


async def close(
    *, command: dict[str, Any], rest: str, respond: AsyncRespond, letters: Letters, **_: Any
) -> None:
    done = await letters.close(rest, user=command["user_id"], channel=command["channel_id"])
    await respond(status_report(done.letter, done.results))


async def reopen(
    *, command: dict[str, Any], rest: str, respond: AsyncRespond, letters: Letters, **_: Any
) -> None:
    done = await letters.reopen(
        rest, user=command["user_id"], channel=command["channel_id"], now=datetime.now(UTC)
    )
    await respond(status_report(done.letter, done.results))


async def post(
    *, command: dict[str, Any], rest: str, respond: AsyncRespond, letters: Letters, **_: Any
) -> None:
    done = await letters.post_missing(rest, user=command["user_id"], channel=command["channel_id"])
    await respond(launch_report(done.letter, done.results))


async def show_help(*, respond: AsyncRespond, **_: Any) -> None:
    await respond(letter_help())


SUBCOMMANDS: dict[str, Subcommand] = {
    "new": new,
    "list": list_letters,
    "close": close,
    "reopen": reopen,
    "post": post,
    "help": show_help,
    "": show_help,
}
