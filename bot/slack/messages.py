"""Messages to a person or a thread, and files by DM."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.rules.files import Attachment
from bot.slack.errors import UNANSWERED
from bot.slack.gateway import SlackApi

logger = logging.getLogger(__name__)


async def reply_in_thread(
    client: SlackApi,
    *,
    channel: str,
    thread_ts: str,
    message: dict[str, Any],
    broadcast: bool = False,
) -> None:
    """Post under a letter; `broadcast` also shows the reply in the channel itself."""
    await client.chat_postMessage(
        channel=channel, thread_ts=thread_ts, reply_broadcast=broadcast, **message
    )


async def send_dm(client: SlackApi, *, user: str, message: dict[str, Any]) -> None:
    await client.chat_postMessage(channel=user, **message)


async def send_files(client: SlackApi, *, user: str, text: str, files: list[Attachment]) -> None:
    """DM `user` a message with files. Slack refuses an empty file (`missing_argument`),
    so one is never sent; an image goes with its alt text."""
    uploads = [
        {
            "filename": file.name,
            "title": file.title,
            "content": file.content,
            **({"alt_txt": file.alt_text} if file.alt_text else {}),
        }
        for file in files
        if file.content
    ]
    if not uploads:
        await send_dm(client, user=user, message={"text": text})
        return
    opened = await client.conversations_open(users=user)
    await client.files_upload_v2(
        channel=opened["channel"]["id"], initial_comment=text, file_uploads=uploads
    )


async def tell_privately(client: SlackApi, *, user: str, channel: str | None, text: str) -> None:
    """Show `user` a message only they can see: in `channel` if possible, else by DM."""
    if channel is not None:
        try:
            await client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        except (SlackApiError, *UNANSWERED):
            logger.info("Ephemeral message to %s in %s failed; sending a DM", user, channel)
    await client.chat_postMessage(channel=user, text=text)
