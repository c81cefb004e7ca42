"""The App Home, published when someone opens it (its buttons are with the features they
act for: Sign on and Withdraw with signing on, Export with exports …)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.services.home import HomeTabs
from bot.services.workspace import Workspace


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home_opened)


async def home_opened(event: dict[str, Any], home: HomeTabs, workspace: Workspace) -> None:
    """The Home tab is published each time it is opened (the Messages tab opens the DM,
    which needs nothing)."""
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    shown = (event.get("view") or {}).get("hash")
    await home.opened(workspace, str(event["user"]), now=datetime.now(UTC), hash=shown)
