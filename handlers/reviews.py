"""The review queue: `/letter review`, each item's decision (a pair the same
organization, listed as either name, or different ones; Approve, Withdraw all; Count it,
Withdraw) in a message or on the Home, and the Home's Review all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.services.home import HomeTabs
from bot.services.reviews import Review, Reviews
from bot.services.workspace import Workspace
from bot.slack.blocks.home import HOME_REVIEW_ACTION
from bot.slack.blocks.reviews import (
    APPROVE_HOLD_ACTION,
    COUNT_WAITING_ACTION,
    KEEP_ACTION,
    MERGE_ACTION,
    MERGE_AS_SECOND_ACTION,
    MERGE_LISTED_ACTION,
    WITHDRAW_HOLD_ACTION,
    WITHDRAW_WAITING_ACTION,
    decided_text,
    read_listed_merge,
    review_message,
)
from bot.slack.blocks.text import read_id
from bot.slack.messages import send_dm
from handlers.answers import Subcommand, from_home, read, tell, value_of

DECISIONS = (
    MERGE_ACTION,
    MERGE_AS_SECOND_ACTION,
    MERGE_LISTED_ACTION,
    KEEP_ACTION,
    APPROVE_HOLD_ACTION,
    WITHDRAW_HOLD_ACTION,
    COUNT_WAITING_ACTION,
    WITHDRAW_WAITING_ACTION,
)


def register(app: AsyncApp) -> None:
    for decision in DECISIONS:
        app.action(decision)(review_decided)
    app.action(HOME_REVIEW_ACTION)(home_review_pressed)


async def review(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    reviews: Reviews,
    workspace: Workspace,
    **_: Any,
) -> None:
    found = await reviews.queue(
        workspace, rest, user=command["user_id"], channel=command["channel_id"]
    )
    await respond(**_queue(found))


SUBCOMMANDS: dict[str, Subcommand] = {"review": review}


async def review_decided(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    workspace: Workspace,
    reviews: Reviews,
    home: HomeTabs,
) -> None:
    """An item of the review queue decided; the queue as it now stands replaces the
    message (on the Home, which is published again, the decision is said at its top)."""
    await ack()
    decided = await _decide(workspace, action, reviews, user=body["user"]["id"])
    if from_home(body):
        await tell(
            workspace, body, respond, home, decided_text(decided.decision, decided.kept_name)
        )
        return
    await respond(**_queue(decided), replace_original=True)


async def _decide(
    workspace: Workspace, action: dict[str, Any], reviews: Reviews, *, user: str
) -> Review:
    action_id, now = action.get("action_id"), datetime.now(UTC)
    if action_id == MERGE_LISTED_ACTION:
        pair, second = read(action, read_listed_merge)
        return await reviews.decide(
            workspace, pair, merge=True, publish_second=second, listed=True, user=user, now=now
        )
    item = read(action, read_id)
    if action_id == APPROVE_HOLD_ACTION:
        return await reviews.approve(workspace, item, user=user, now=now)
    if action_id == WITHDRAW_HOLD_ACTION:
        return await reviews.withdraw_all(workspace, item, user=user, now=now)
    if action_id == COUNT_WAITING_ACTION:
        return await reviews.count_waiting(workspace, item, user=user, now=now)
    if action_id == WITHDRAW_WAITING_ACTION:
        return await reviews.withdraw_waiting(workspace, item, user=user, now=now)
    return await reviews.decide(
        workspace,
        item,
        merge=action_id in {MERGE_ACTION, MERGE_AS_SECOND_ACTION},
        publish_second=action_id == MERGE_AS_SECOND_ACTION,
        user=user,
        now=now,
    )


async def home_review_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    workspace: Workspace,
    reviews: Reviews,
) -> None:
    """Review all, pressed on the App Home: the whole queue by DM."""
    await ack()
    user = body["user"]["id"]
    found = await reviews.queue(workspace, value_of(action), user=user, channel="")
    await send_dm(workspace.slack, user=user, message=_queue(found))


def _queue(review: Review) -> dict[str, Any]:
    """The queue as it stands, after what was just decided, if anything."""
    return review_message(
        review.letter,
        review.pairs,
        holds=review.holds,
        decision=review.decision,
        kept_name=review.kept_name,
        verification=review.verification,
        waiting=review.waiting,
    )
