"""Publishing someone's App Home."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.rules.home import Home
from bot.rules.language import Language
from bot.slack.blocks.home import home_view
from bot.slack.gateway import SlackApi


async def publish_home(
    client: SlackApi,
    *,
    user: str,
    home: Home,
    now: datetime,
    zone: ZoneInfo,
    reader: ZoneInfo | None = None,
    chosen: Language | None = None,
    hash: str | None = None,
) -> str | None:
    """Publish `user`'s Home (in the language being spoken, with the one they `chosen`
    on its menu); with the `hash` of the view it replaces, Slack refuses
    (`hash_conflict`) when another was published since. Returns the new view's hash."""
    view = home_view(home, now=now, zone=zone, reader=reader, chosen=chosen)
    response = await client.views_publish(
        user_id=user, view=view, **({"hash": hash} if hash else {})
    )
    published = response.get("view") or {}
    return str(published["hash"]) if published.get("hash") else None
