"""Buttons: Sign on under a posted letter; Merge and Keep both in the review queue."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.letter import SIGN_ON_ACTION
from bot.blocks.review import KEEP_ACTION, MERGE_ACTION, review_message
from bot.blocks.signon_form import build_signon_form
from bot.errors import UserFacingError
from bot.letters import Letters
from bot.signons import SignOns
from bot.slack_ops import open_view

_NUMBER = re.compile(r"[0-9]{1,9}")


def register(app: AsyncApp) -> None:
    app.action(SIGN_ON_ACTION)(sign_on_pressed)
    app.action(MERGE_ACTION)(review_decided)
    app.action(KEEP_ACTION)(review_decided)


async def sign_on_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    signons: SignOns,
) -> None:
    await ack()
    channel = (body.get("channel") or {}).get("id")
    try:
        (letter,) = await signons.letters_for(str(action.get("value", "")), channel=channel or "")
        form = build_signon_form(letters=[letter], channel=channel)
        await open_view(client, trigger_id=body["trigger_id"], view=form, what="sign-on form")
    except UserFacingError as problem:
        await respond(str(problem), replace_original=False)


async def review_decided(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    letters: Letters,
) -> None:
    """Merge or Keep both, pressed in the review queue."""
    await ack()
    value = str(action.get("value", ""))
    try:
        if not _NUMBER.fullmatch(value):
            raise UserFacingError("That button is out of date; run `/letter review` again.")
        decided = await letters.decide(
            int(value),
            merge=action.get("action_id") == MERGE_ACTION,
            user=body["user"]["id"],
            now=datetime.now(UTC),
        )
    except UserFacingError as problem:
        await respond(str(problem), replace_original=False)
        return
    await respond(
        **review_message(decided.letter, decided.pairs, note=decided.note), replace_original=True
    )
