"""A letter in its channels: posted, kept current, moved, taken down.

Everyone in a channel reads its post, so the post, its count line, its thread and the
notes that replace it are always in English (the letter's own language), whoever's
request they follow: built inside `speaking(Language.ENGLISH)`. Its Spanish text is a
button away ("Leer en español").
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.rules.language import Language, speaking
from bot.rules.letters import (
    ChannelResult,
    Letter,
    LetterStatus,
    Post,
)
from bot.slack.blocks.letters import (
    build_letter_head,
    build_letter_messages,
    build_letter_parts,
    moved_notice,
)
from bot.slack.blocks.replies import launch_report
from bot.slack.errors import UNANSWERED, slack_error
from bot.slack.gateway import SlackApi
from bot.slack.messages import reply_in_thread, tell_privately
from bot.slack.pacing import CallBudget
from bot.storage import Store

logger = logging.getLogger(__name__)


# A letter's links are for reading; a preview of each would bury the thread.
_NO_PREVIEWS = {"unfurl_links": False, "unfurl_media": False}


async def publish_letter(
    client: SlackApi,
    store: Store,
    letter: Letter,
    *,
    count: int,
    zone: ZoneInfo,
    public_url: str | None = None,
) -> list[ChannelResult]:
    """Post the letter in each channel it has not been posted in yet: the channel
    message (with `public_url`, its public page, when it has one), then the rest of its
    text in the thread."""
    with speaking(Language.ENGLISH):
        messages = build_letter_messages(
            letter=letter, count=count, zone=zone, public_url=public_url
        )
    head, *parts = ({**message, **_NO_PREVIEWS} for message in messages)

    async def post_in(channel: str) -> ChannelResult:
        try:
            ts = str((await _post_joining(client, channel, head))["ts"])
        except (SlackApiError, *UNANSWERED) as error:
            logger.exception("Posting letter %s in %s failed", letter.id, channel)
            return ChannelResult(channel, slack_error(error))
        posted: list[str] = []
        try:
            for part in parts:
                reply = await client.chat_postMessage(channel=channel, thread_ts=ts, **part)
                posted.append(str(reply["ts"]))
        except (SlackApiError, *UNANSWERED) as error:
            # A letter missing part of its text must not stand: take it down, so that
            # `/letter post` can put the whole letter up again.
            logger.exception("Posting the rest of letter %s in %s failed", letter.id, channel)
            for message_ts in (*reversed(posted), ts):
                await _delete_quietly(client, channel, message_ts)
            return ChannelResult(channel, slack_error(error))
        await store.letters.record_post(
            letter.id, channel, ts, permalink=await _permalink(client, channel, ts)
        )
        await store.letters.record_parts(letter.id, channel, tuple(posted))
        return ChannelResult(channel)

    return list(await asyncio.gather(*(post_in(channel) for channel in letter.unposted_channels)))


async def _permalink(client: SlackApi, channel: str, ts: str) -> str | None:
    """Where Slack links to the post (chat.getPermalink); None if Slack won't say: the
    post stands, and only its View post link is missing."""
    try:
        response = await client.chat_getPermalink(channel=channel, message_ts=ts)
    except (SlackApiError, *UNANSWERED):
        logger.warning("No permalink for letter post %s in %s", ts, channel)
        return None
    link = response.get("permalink")
    return str(link) if link else None


async def _post_joining(
    client: SlackApi, channel: str, message: dict[str, Any]
) -> AsyncSlackResponse:
    """Post in `channel`, joining it first if Slack says the bot isn't in it.

    Slack answers `not_in_channel` only for a public channel (the only kind a bot may
    join by itself); a private channel it wasn't invited to is `channel_not_found`,
    which goes back to the organizer with the advice to invite the bot.
    """
    try:
        return await client.chat_postMessage(channel=channel, **message)
    except SlackApiError as error:
        if slack_error(error) != "not_in_channel":
            raise
    await client.conversations_join(channel=channel)
    return await client.chat_postMessage(channel=channel, **message)


async def refresh_posts(
    client: SlackApi,
    store: Store,
    letter: Letter,
    *,
    count: int,
    zone: ZoneInfo,
    budget: CallBudget | None = None,
    rewrite_text: bool = False,
    public_url: str | None = None,
) -> list[ChannelResult]:
    """Rewrite every posted copy's channel message, e.g. after the letter closed; with
    `rewrite_text`, its thread's pieces too."""

    async def update_in(post: Post) -> ChannelResult:
        try:
            await update_post(
                client,
                store,
                letter,
                post,
                count=count,
                zone=zone,
                budget=budget,
                rewrite_text=rewrite_text,
                public_url=public_url,
            )
        except (SlackApiError, *UNANSWERED) as error:
            logger.exception("Updating letter %s in %s failed", letter.id, post.channel_id)
            return ChannelResult(post.channel_id, slack_error(error))
        return ChannelResult(post.channel_id)

    return list(await asyncio.gather(*(update_in(post) for post in letter.posts if post.ts)))


async def update_post(
    client: SlackApi,
    store: Store,
    letter: Letter,
    post: Post,
    *,
    count: int,
    zone: ZoneInfo,
    budget: CallBudget | None = None,
    rewrite_text: bool = False,
    public_url: str | None = None,
) -> None:
    """Rewrite one posted copy's channel message: count line, deadline, Sign on button
    and the link to `public_url`, its public page; with `rewrite_text` (the text
    changed) or for a letter taken down, its thread's pieces too.

    A copy posted before long letters went on in the thread holds the whole letter in
    its channel message, and no thread: the rest of the text is added to the thread
    first, so the lighter channel message loses nothing.
    """
    assert post.ts is not None
    if rewrite_text or letter.status is LetterStatus.REMOVED:
        await _rewrite_parts(client, store, letter, post, budget=budget)
    elif not post.parts:
        with speaking(Language.ENGLISH):
            parts = build_letter_parts(letter)
        if parts:
            await _add_parts(client, store, letter, post.channel_id, post.ts, parts)
    if budget is not None:
        await budget.spend()
    with speaking(Language.ENGLISH):
        head = build_letter_head(letter=letter, count=count, zone=zone, public_url=public_url)
    await client.chat_update(channel=post.channel_id, ts=post.ts, **head)


async def mark_moved(
    client: SlackApi, letter: Letter, post: Post, *, budget: CallBudget | None = None
) -> None:
    """A copy in a channel the letter left: its message says where the letter is now,
    the thread that carried the rest of its text is taken down, and the channel gets a
    note of the move (best effort: the letter no longer counts this copy as its own)."""
    if post.ts is None:
        return
    with speaking(Language.ENGLISH):
        notice = moved_notice(letter)
    for ts in post.parts:
        await _delete_quietly(client, post.channel_id, ts)
    try:
        if budget is not None:
            await budget.spend()
        await client.chat_update(channel=post.channel_id, ts=post.ts, **notice)
        await reply_in_thread(
            client,
            channel=post.channel_id,
            thread_ts=post.ts,
            message=notice,
            broadcast=True,
        )
    except (SlackApiError, *UNANSWERED):
        logger.exception("Marking letter %s moved in %s failed", letter.id, post.channel_id)


async def _rewrite_parts(
    client: SlackApi,
    store: Store,
    letter: Letter,
    post: Post,
    *,
    budget: CallBudget | None,
) -> None:
    """The thread's pieces rewritten in place to the letter as stored: pieces the text
    no longer needs are taken down, pieces it now needs are added after the rest."""
    assert post.ts is not None
    with speaking(Language.ENGLISH):
        parts = build_letter_parts(letter)
    kept: list[str] = []
    try:
        for ts, part in zip(post.parts, parts, strict=False):
            if budget is not None:
                await budget.spend()
            await client.chat_update(channel=post.channel_id, ts=ts, **part)
            kept.append(ts)
        for part in parts[len(post.parts) :]:
            reply = await client.chat_postMessage(
                channel=post.channel_id,
                thread_ts=post.ts,
                unfurl_links=False,
                unfurl_media=False,
                **part,
            )
            kept.append(str(reply["ts"]))
    except BaseException:
        # Slack refused one on the way: what is up now is recorded, for the next try.
        await store.letters.replace_parts(
            letter.id, post.channel_id, tuple(kept) + post.parts[len(kept) :]
        )
        raise
    for ts in post.parts[len(parts) :]:
        await _delete_quietly(client, post.channel_id, ts)
    await store.letters.replace_parts(letter.id, post.channel_id, tuple(kept))


async def _add_parts(
    client: SlackApi,
    store: Store,
    letter: Letter,
    channel: str,
    ts: str,
    parts: list[dict[str, Any]],
) -> None:
    """Post the rest of a letter under a copy that has no thread yet, and record it; if
    another process recorded its own first, take these back down."""
    posted: list[str] = []
    try:
        for part in parts:
            reply = await client.chat_postMessage(
                channel=channel, thread_ts=ts, unfurl_links=False, unfurl_media=False, **part
            )
            posted.append(str(reply["ts"]))
    except (SlackApiError, *UNANSWERED):
        for message_ts in reversed(posted):
            await _delete_quietly(client, channel, message_ts)
        raise
    if not await store.letters.record_parts(letter.id, channel, tuple(posted)):
        for message_ts in reversed(posted):
            await _delete_quietly(client, channel, message_ts)


async def _delete_quietly(client: SlackApi, channel: str, ts: str) -> None:
    try:
        await client.chat_delete(channel=channel, ts=ts)
    except (SlackApiError, *UNANSWERED):
        logger.exception("Could not take down the incomplete letter in %s", channel)


async def report_launch(
    client: SlackApi,
    *,
    user: str,
    channel: str | None,
    letter: Letter,
    results: list[ChannelResult],
) -> None:
    """Tell the organizer who posted a letter where it went up, and where not and why."""
    await tell_privately(client, user=user, channel=channel, text=launch_report(letter, results))
