"""Every Slack Web API call the bot makes on its own initiative lives here.

Letters go into channels and posted copies are kept current; each channel is handled
on its own, so a channel that fails is reported and never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.letter import build_letter_messages
from bot.errors import UserFacingError
from bot.models import ChannelResult, Letter
from bot.storage import Store

logger = logging.getLogger(__name__)

# Calls that got no answer: the network failed, or Slack took longer than the timeout.
UNANSWERED = (aiohttp.ClientError, TimeoutError)
# Slack's answers that mean "not now" rather than "no": worth trying again later.
TRANSIENT = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
    | {"server_error", "timeout", "network_error"}
)


def slack_error(error: BaseException) -> str:
    """Slack's error code for a failed call, or what happened when Slack didn't answer.

    Rate limits and server errors are named by their HTTP status, whatever the body
    says (a 502 from a proxy on the way has no JSON at all), so they read as transient.
    """
    if not isinstance(error, SlackApiError):
        return "timeout" if isinstance(error, TimeoutError) else "network_error"
    data = error.response.data
    code = str(data.get("error") or "unknown_error") if isinstance(data, dict) else None
    status = error.response.status_code
    if status == 429:
        return "ratelimited"
    if status >= 500:
        return code if code in TRANSIENT else "server_error"
    return code or "unknown_error"


def is_transient(code: str | None) -> bool:
    return code in TRANSIENT


async def open_view(
    client: AsyncWebClient, *, trigger_id: str, view: dict[str, Any], what: str
) -> dict[str, Any]:
    """Open a modal; if Slack won't, a UserFacingError that says to try again."""
    try:
        response = await client.views_open(trigger_id=trigger_id, view=view)
    except (SlackApiError, *UNANSWERED) as error:
        logger.exception("Opening %s failed", what)
        raise UserFacingError(
            f"Slack didn't open the {what} just now (`{slack_error(error)}`). "
            "Try again in a moment."
        ) from None
    opened: dict[str, Any] = response.data if isinstance(response.data, dict) else {}
    return opened


async def publish_letter(
    client: AsyncWebClient, store: Store, letter: Letter, *, count: int, zone: ZoneInfo
) -> list[ChannelResult]:
    """Post the letter in each channel it has not been posted in yet."""
    messages = build_letter_messages(letter=letter, count=count, zone=zone)

    async def post_in(channel: str) -> ChannelResult:
        try:
            await _join_if_public(client, channel)
            head = await client.chat_postMessage(channel=channel, **messages[0])
        except (SlackApiError, *UNANSWERED) as error:
            logger.exception("Posting letter %s in %s failed", letter.id, channel)
            return ChannelResult(channel, slack_error(error))
        ts = str(head["ts"])
        try:
            for continuation in messages[1:]:
                await client.chat_postMessage(channel=channel, thread_ts=ts, **continuation)
        except (SlackApiError, *UNANSWERED) as error:
            # A letter missing part of its text must not stand: take it down, so that
            # `/letter post` can put the whole letter up again.
            logger.exception("Posting the rest of letter %s in %s failed", letter.id, channel)
            await _delete_quietly(client, channel, ts)
            return ChannelResult(channel, slack_error(error))
        await store.record_post(letter.id, channel, ts)
        return ChannelResult(channel)

    return list(await asyncio.gather(*(post_in(channel) for channel in letter.unposted_channels)))


async def refresh_posts(
    client: AsyncWebClient, letter: Letter, *, count: int, zone: ZoneInfo
) -> list[ChannelResult]:
    """Rewrite every posted copy's head message, e.g. after the letter closed."""

    async def update_in(channel: str, ts: str) -> ChannelResult:
        try:
            await update_head(client, letter, channel=channel, ts=ts, count=count, zone=zone)
        except (SlackApiError, *UNANSWERED) as error:
            logger.exception("Updating letter %s in %s failed", letter.id, channel)
            return ChannelResult(channel, slack_error(error))
        return ChannelResult(channel)

    return list(
        await asyncio.gather(
            *(update_in(post.channel_id, post.ts) for post in letter.posts if post.ts is not None)
        )
    )


async def update_head(
    client: AsyncWebClient, letter: Letter, *, channel: str, ts: str, count: int, zone: ZoneInfo
) -> None:
    """Rewrite one posted copy's head message: count line, deadline, Sign on button."""
    head = build_letter_messages(letter=letter, count=count, zone=zone)[0]
    await client.chat_update(channel=channel, ts=ts, **head)


async def reply_in_thread(
    client: AsyncWebClient,
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


async def send_dm(client: AsyncWebClient, *, user: str, message: dict[str, Any]) -> None:
    await client.chat_postMessage(channel=user, **message)


async def send_files(
    client: AsyncWebClient, *, user: str, text: str, files: list[tuple[str, str, str]]
) -> None:
    """DM `user` a message with files, given as (file name, title, content)."""
    opened = await client.conversations_open(users=user)
    await client.files_upload_v2(
        channel=opened["channel"]["id"],
        initial_comment=text,
        file_uploads=[
            {"filename": name, "title": title, "content": content} for name, title, content in files
        ],
    )


async def usergroup_members(client: AsyncWebClient, group: str) -> frozenset[str]:
    response = await client.usergroups_users_list(usergroup=group)
    return frozenset(response.get("users") or ())


async def _delete_quietly(client: AsyncWebClient, channel: str, ts: str) -> None:
    try:
        await client.chat_delete(channel=channel, ts=ts)
    except (SlackApiError, *UNANSWERED):
        logger.exception("Could not take down the incomplete letter in %s", channel)


async def _join_if_public(client: AsyncWebClient, channel: str) -> None:
    try:
        await client.conversations_join(channel=channel)
    except SlackApiError as error:
        # Private channels can't be joined, only invited to; if the bot was invited,
        # posting works, and if not, chat.postMessage says so with not_in_channel.
        if slack_error(error) != "method_not_supported_for_channel_type":
            raise


async def tell_privately(
    client: AsyncWebClient, *, user: str, channel: str | None, text: str
) -> None:
    """Show `user` a message only they can see: in `channel` if possible, else by DM."""
    if channel is not None:
        try:
            await client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        except (SlackApiError, *UNANSWERED):
            logger.info("Ephemeral message to %s in %s failed; sending a DM", user, channel)
    await client.chat_postMessage(channel=user, text=text)


# A letter file larger than this is not a letter.
ATTACHMENT_MAX_BYTES = 1_000_000
_TEXT_FILETYPES = {"text", "markdown", "txt", "md"}


async def attached_text(client: AsyncWebClient, message: dict[str, Any]) -> str | None:
    """The text of the first plain-text file attached to `message`, if there is one."""
    for file in message.get("files") or ():
        is_text = (
            str(file.get("mimetype", "")).startswith("text/")
            or file.get("filetype") in _TEXT_FILETYPES
        )
        url = file.get("url_private_download") or file.get("url_private")
        if not (is_text and url and int(file.get("size") or 0) <= ATTACHMENT_MAX_BYTES):
            continue
        if not _is_slack_host(url, client.base_url):
            logger.warning("Ignoring an attachment hosted outside Slack: %s", urlsplit(url).netloc)
            continue
        headers = {"Authorization": f"Bearer {client.token}"}
        timeout = aiohttp.ClientTimeout(total=30)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url, headers=headers) as response,
        ):
            response.raise_for_status()
            data = await response.content.read(ATTACHMENT_MAX_BYTES + 1)
        return data[:ATTACHMENT_MAX_BYTES].decode("utf-8", errors="replace")
    return None


def _is_slack_host(url: str, api_url: str) -> bool:
    """Only Slack's own hosts (or the configured API host) ever see the bot token."""
    host = urlsplit(url).hostname or ""
    return host == urlsplit(api_url).hostname or host.endswith((".slack.com", ".slack-gov.com"))
