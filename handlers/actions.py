"""Buttons: Sign on under a posted letter; Merge and Keep both in the review queue."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.letter import SIGN_ON_ACTION
from bot.blocks.problems import explain
from bot.blocks.review import KEEP_ACTION, MERGE_ACTION, review_message
from bot.blocks.signon_form import build_signon_form
from bot.problems import Problem, Surface
from bot.refs import letter_number
from bot.reviews import Reviews
from bot.signons import SignOns
from bot.slack_ops import open_view

_NUMBER = re.compile(r"[0-9]{1,9}")
OUT_OF_DATE = "That button is out of date; run `/letter review` again."


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
    """Anyone in the channel, from this workspace or another (Slack Connect), gets the
    form; what went wrong goes back through the button's response_url, which reaches
    them wherever they are."""
    await ack()
    channel = (body.get("channel") or {}).get("id") or ""
    try:
        number = letter_number(str(action.get("value", "")), surface=Surface.BUTTON)
        (letter,) = await signons.letters_for(number, channel=channel, surface=Surface.BUTTON)
        form = build_signon_form(letters=[letter], channel=channel)
        await open_view(client, trigger_id=body["trigger_id"], view=form, what="sign-on form")
    except Problem as problem:
        await respond(explain(problem), replace_original=False)


async def review_decided(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    reviews: Reviews,
) -> None:
    """Merge or Keep both, pressed in the review queue."""
    await ack()
    value = str(action.get("value", ""))
    if not _NUMBER.fullmatch(value):
        await respond(OUT_OF_DATE, replace_original=False)
        return
    try:
        decided = await reviews.decide(
            int(value),
            merge=action.get("action_id") == MERGE_ACTION,
            user=body["user"]["id"],
            now=datetime.now(UTC),
        )
    except Problem as problem:
        await respond(explain(problem), replace_original=False)
        return
    message = review_message(
        decided.letter, decided.pairs, decision=decided.decision, kept_name=decided.kept_name
    )
    await respond(**message, replace_original=True)
