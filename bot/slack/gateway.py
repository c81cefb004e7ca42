"""The Web API calls the bot makes, as one small protocol: what a workspace's Slack is to
the rest of the bot. slack_sdk's `SlackApi` is one; a test may pass its own.

Each method takes what the bot passes by keyword and answers as the client does, with an
`AsyncSlackResponse` (raising `SlackApiError` when Slack says `ok: false`).
"""

from __future__ import annotations

from typing import Any, Protocol

from slack_sdk.web.async_slack_response import AsyncSlackResponse


class SlackApi(Protocol):
    """One workspace's Web API, with the bot token it is called with."""

    @property
    def token(self) -> str | None: ...

    @property
    def base_url(self) -> str: ...

    # Messages (bot/slack/messages.py, letters.py, tally.py, notices.py)
    async def auth_test(self, **kwargs: Any) -> AsyncSlackResponse: ...

    async def bots_info(self, *, bot: str, **kwargs: Any) -> AsyncSlackResponse: ...

    async def chat_getPermalink(
        self, *, channel: str, message_ts: str, **kwargs: Any
    ) -> AsyncSlackResponse: ...

    async def chat_postMessage(self, *, channel: str, **kwargs: Any) -> AsyncSlackResponse: ...

    async def chat_postEphemeral(
        self, *, channel: str, user: str, **kwargs: Any
    ) -> AsyncSlackResponse: ...

    async def chat_update(self, *, channel: str, ts: str, **kwargs: Any) -> AsyncSlackResponse: ...

    async def chat_delete(self, *, channel: str, ts: str, **kwargs: Any) -> AsyncSlackResponse: ...

    # Conversations (bot/slack/messages.py, letters.py, people.py)
    async def conversations_open(self, **kwargs: Any) -> AsyncSlackResponse: ...

    async def conversations_join(self, *, channel: str, **kwargs: Any) -> AsyncSlackResponse: ...

    async def conversations_members(self, *, channel: str, **kwargs: Any) -> AsyncSlackResponse: ...

    # Files (bot/slack/files.py, messages.py)
    async def files_info(self, *, file: str, **kwargs: Any) -> AsyncSlackResponse: ...

    async def files_upload_v2(self, **kwargs: Any) -> AsyncSlackResponse: ...

    # People and groups (bot/slack/people.py, access.py)
    async def users_info(self, *, user: str, **kwargs: Any) -> AsyncSlackResponse: ...

    async def users_lookupByEmail(self, *, email: str, **kwargs: Any) -> AsyncSlackResponse: ...

    async def usergroups_users_list(
        self, *, usergroup: str, **kwargs: Any
    ) -> AsyncSlackResponse: ...

    # Views (bot/slack/views.py, home.py)
    async def views_open(
        self, *, trigger_id: str | None = None, view: Any, **kwargs: Any
    ) -> AsyncSlackResponse: ...

    async def views_update(self, *, view: Any, **kwargs: Any) -> AsyncSlackResponse: ...

    async def views_push(
        self, *, trigger_id: str, view: Any, **kwargs: Any
    ) -> AsyncSlackResponse: ...

    async def views_publish(
        self, *, user_id: str, view: Any, **kwargs: Any
    ) -> AsyncSlackResponse: ...
