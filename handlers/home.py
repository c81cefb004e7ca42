"""The App Home, published when someone opens it (its buttons are with the features they
act for: Sign on and Withdraw with signing on, Export with exports …), and its language
menu."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.rules.language import Language
from bot.services.home import HomeTabs
from bot.services.people import People
from bot.services.workspace import Workspace
from bot.slack.blocks.home import AS_IN_SLACK, HOME_LANGUAGE_ACTION, HOME_VIEW_POST_ACTION
from handlers.answers import read, value_of


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home_opened)
    app.action(HOME_VIEW_POST_ACTION)(link_followed)
    app.action(HOME_LANGUAGE_ACTION)(language_chosen)


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


async def language_chosen(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    people: People,
    home: HomeTabs,
    workspace: Workspace,
) -> None:
    """A language chosen on the Home's menu (or "As in Slack"): kept for everything said
    to them from now on, and their Home published again in it."""
    await ack()
    language = None
    if value_of(action) != AS_IN_SLACK:
        language = read(action, _language_of)
    user, now = body["user"]["id"], datetime.now(UTC)
    await people.choose_language(user, language, now=now)
    await home.show(workspace, user, now=now)


def _language_of(value: str) -> Language | None:
    return next((language for language in Language if language.value == value), None)
