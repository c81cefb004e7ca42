"""Opening and updating modals."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.rules.language import N_
from bot.rules.problems import FormDidNotOpen
from bot.slack.errors import UNANSWERED, slack_error
from bot.slack.gateway import SlackApi

logger = logging.getLogger(__name__)


async def open_view(
    client: SlackApi, *, trigger_id: str, view: dict[str, Any], what: str
) -> dict[str, Any]:
    """Open a modal; if Slack won't, FormDidNotOpen (which says to try again)."""
    try:
        response = await client.views_open(trigger_id=trigger_id, view=view)
    except (SlackApiError, *UNANSWERED) as error:
        logger.exception("Opening %s failed", what)
        raise FormDidNotOpen(what, slack_error(error)) from None
    opened: dict[str, Any] = response.data if isinstance(response.data, dict) else {}
    return opened


async def update_view(client: SlackApi, *, view_id: str, view: dict[str, Any]) -> None:
    """Replace a modal that is open with `view`; if it was closed meanwhile, never mind."""
    try:
        await client.views_update(view_id=view_id, view=view)
    except (SlackApiError, *UNANSWERED) as error:
        logger.warning("Updating a form failed: %s", slack_error(error))


async def push_view(client: SlackApi, *, trigger_id: str, view: dict[str, Any]) -> None:
    """Show `view` over the modal a button was pressed in (its Close comes back to it)."""
    try:
        await client.views_push(trigger_id=trigger_id, view=view)
    except (SlackApiError, *UNANSWERED) as error:
        logger.exception("Showing a view over a form failed")
        # What didn't open, said as `_(what)` where the problem is told.
        raise FormDidNotOpen(N_("letter"), slack_error(error)) from None
