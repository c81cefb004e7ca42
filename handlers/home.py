"""The App Home, published when someone opens it (its buttons are with the features they
act for: Sign on and Withdraw with signing on, Export with exports …)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.services.home import HomeTabs
from bot.services.workspace import Workspace
from bot.slack.blocks.home import HOME_VIEW_POST_ACTION


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home_opened)
    app.action(HOME_VIEW_POST_ACTION)(link_followed)


async def link_followed(ack: AsyncAck) -> None:
    """View post: Slack opened the link itself, and tells us of the press, which asks
    only its ack."""
    await ack()


async def home_opened(event: dict[str, Any], home: HomeTabs, workspace: Workspace) -> None:
    """The Home tab is published each time it is opened (the Messages tab opens the DM,
    which needs nothing)."""
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    shown = (event.get("view") or {}).get("hash")
    await home.opened(workspace, str(event["user"]), now=datetime.now(UTC), hash=shown)
