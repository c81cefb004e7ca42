"""Every Slack Web API call the bot makes on its own initiative lives here, each
message built by the builders in `bot.blocks` from the plain data it is given.

Letters go into channels and posted copies are kept current; each channel is handled
on its own, so a channel that fails is reported and never stops the others. Reminders,
closes, tallies and lists go out through the functions at the end.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.blocks.letter import (
    build_letter_head,
    build_letter_messages,
    build_letter_parts,
    moved_notice,
)
from bot.blocks.notices import (
    closing_export_text,
    deadline_moved_message,
    final_count_message,
    reminder_message,
)
from bot.blocks.replies import export_message, launch_report
from bot.blocks.review import review_message
from bot.blocks.tally import tally_message
from bot.blocks.versions import version_notice
from bot.formats import Extras, export_files
from bot.lists import closing_word
from bot.models import (
    DEFAULT_STYLE,
    Attachment,
    ChannelResult,
    Chart,
    Hold,
    Letter,
    LetterStatus,
    LetterVersion,
    ListStyle,
    Post,
    ReviewPair,
    Signer,
)
from bot.pacing import CallBudget
from bot.problems import FormDidNotOpen
from bot.storage import Store
from bot.tally import LetterTally
from bot.versions import Change

logger = logging.getLogger(__name__)

CHARTS_TEXT = "Sign-ons over time, with the goal, the reminders and the deadline."

# A letter's links are for reading; a preview of each would bury the thread.
_NO_PREVIEWS = {"unfurl_links": False, "unfurl_media": False}
# Calls that got no answer: the network failed, or Slack took longer than the timeout.
UNANSWERED = (aiohttp.ClientError, TimeoutError)
# Everything an upload can fail with: Slack's refusals, no answer, and the file's bytes
# refused by the upload address (slack_sdk raises SlackRequestError for that step).
UPLOAD_FAILED = (SlackClientError, *UNANSWERED)
# Slack's answers that mean "not now" rather than "no": worth trying again later.
TRANSIENT = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
    | {"server_error", "timeout", "network_error"}
)
# Slack's answers that mean "no" for what was sent: sending it again gets the same
# answer. From the method references of chat.postMessage, chat.update,
# conversations.open and files.getUploadURLExternal / completeUploadExternal. Other
# answers, such as a proxy's page with no code, are tried again until a day has passed.
REFUSED = frozenset(
    {"channel_not_found", "not_in_channel", "is_archived", "thread_not_found"}
    | {"message_not_found", "user_not_found", "cannot_dm_bot", "user_disabled"}
    | {"account_inactive", "invalid_auth", "not_authed", "token_revoked", "missing_scope"}
    | {"restricted_action", "invalid_blocks", "invalid_blocks_format", "msg_too_long"}
    | {"msg_blocks_too_long", "no_text", "invalid_arguments", "missing_argument"}
    | {"user_not_in_channel", "invalid_user_combination", "user_not_visible"}
    | {"file_uploads_disabled", "file_upload_size_restricted", "file_type_not_allowed"}
    | {"storage_limit_reached", "not_allowed_token_type"}
)


def slack_error(error: BaseException) -> str:
    """Slack's error code for a failed call, or what happened when Slack didn't answer.

    Rate limits and server errors are named by their HTTP status, whatever the body
    says (a 502 from a proxy on the way has no JSON at all), so they read as transient.
    """
    if isinstance(error, SlackRequestError):
        return "upload_refused"
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


def is_refused(code: str | None) -> bool:
    return code in REFUSED


async def open_view(
    client: AsyncWebClient, *, trigger_id: str, view: dict[str, Any], what: str
) -> dict[str, Any]:
    """Open a modal; if Slack won't, FormDidNotOpen (which says to try again)."""
    try:
        response = await client.views_open(trigger_id=trigger_id, view=view)
    except (SlackApiError, *UNANSWERED) as error:
        logger.exception("Opening %s failed", what)
        raise FormDidNotOpen(what, slack_error(error)) from None
    opened: dict[str, Any] = response.data if isinstance(response.data, dict) else {}
    return opened


async def update_view(client: AsyncWebClient, *, view_id: str, view: dict[str, Any]) -> None:
    """Replace a modal that is open with `view`; if it was closed meanwhile, never mind."""
    try:
        await client.views_update(view_id=view_id, view=view)
    except (SlackApiError, *UNANSWERED) as error:
        logger.warning("Updating a form failed: %s", slack_error(error))


async def publish_letter(
    client: AsyncWebClient, store: Store, letter: Letter, *, count: int, zone: ZoneInfo
) -> list[ChannelResult]:
    """Post the letter in each channel it has not been posted in yet: the channel
    message, then the rest of its text in the thread."""
    head, *parts = (
        {**message, **_NO_PREVIEWS}
        for message in build_letter_messages(letter=letter, count=count, zone=zone)
    )

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
        await store.letters.record_post(letter.id, channel, ts)
        await store.letters.record_parts(letter.id, channel, tuple(posted))
        return ChannelResult(channel)

    return list(await asyncio.gather(*(post_in(channel) for channel in letter.unposted_channels)))


async def _post_joining(
    client: AsyncWebClient, channel: str, message: dict[str, Any]
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
    client: AsyncWebClient,
    store: Store,
    letter: Letter,
    *,
    count: int,
    zone: ZoneInfo,
    budget: CallBudget | None = None,
    rewrite_text: bool = False,
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
            )
        except (SlackApiError, *UNANSWERED) as error:
            logger.exception("Updating letter %s in %s failed", letter.id, post.channel_id)
            return ChannelResult(post.channel_id, slack_error(error))
        return ChannelResult(post.channel_id)

    return list(await asyncio.gather(*(update_in(post) for post in letter.posts if post.ts)))


async def update_post(
    client: AsyncWebClient,
    store: Store,
    letter: Letter,
    post: Post,
    *,
    count: int,
    zone: ZoneInfo,
    budget: CallBudget | None = None,
    rewrite_text: bool = False,
) -> None:
    """Rewrite one posted copy's channel message: count line, deadline, Sign on button;
    with `rewrite_text` (the text changed) or for a letter taken down, its thread's
    pieces too.

    A copy posted before long letters went on in the thread holds the whole letter in
    its channel message, and no thread: the rest of the text is added to the thread
    first, so the lighter channel message loses nothing.
    """
    assert post.ts is not None
    if rewrite_text or letter.status is LetterStatus.REMOVED:
        await _rewrite_parts(client, store, letter, post, budget=budget)
    elif not post.parts:
        parts = build_letter_parts(letter)
        if parts:
            await _add_parts(client, store, letter, post.channel_id, post.ts, parts)
    if budget is not None:
        await budget.spend()
    head = build_letter_head(letter=letter, count=count, zone=zone)
    await client.chat_update(channel=post.channel_id, ts=post.ts, **head)


async def mark_moved(
    client: AsyncWebClient, letter: Letter, post: Post, *, budget: CallBudget | None = None
) -> None:
    """A copy in a channel the letter left: its message says where the letter is now,
    the thread that carried the rest of its text is taken down, and the channel gets a
    note of the move (best effort: the letter no longer counts this copy as its own)."""
    if post.ts is None:
        return
    for ts in post.parts:
        await _delete_quietly(client, post.channel_id, ts)
    try:
        if budget is not None:
            await budget.spend()
        await client.chat_update(channel=post.channel_id, ts=post.ts, **moved_notice(letter))
        await reply_in_thread(
            client,
            channel=post.channel_id,
            thread_ts=post.ts,
            message=moved_notice(letter),
            broadcast=True,
        )
    except (SlackApiError, *UNANSWERED):
        logger.exception("Marking letter %s moved in %s failed", letter.id, post.channel_id)


async def _rewrite_parts(
    client: AsyncWebClient,
    store: Store,
    letter: Letter,
    post: Post,
    *,
    budget: CallBudget | None,
) -> None:
    """The thread's pieces rewritten in place to the letter as stored: pieces the text
    no longer needs are taken down, pieces it now needs are added after the rest."""
    assert post.ts is not None
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
    client: AsyncWebClient,
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
    client: AsyncWebClient, *, user: str, text: str, files: list[Attachment]
) -> None:
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


async def usergroup_members(client: AsyncWebClient, group: str) -> frozenset[str]:
    response = await client.usergroups_users_list(usergroup=group)
    return frozenset(response.get("users") or ())


async def _delete_quietly(client: AsyncWebClient, channel: str, ts: str) -> None:
    try:
        await client.chat_delete(channel=channel, ts=ts)
    except (SlackApiError, *UNANSWERED):
        logger.exception("Could not take down the incomplete letter in %s", channel)


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


class FileUnavailable(Exception):
    """A file the bot could not fetch. `reason` says why in plain words; `invite` is true
    when inviting the bot to the file's channel would let it through."""

    def __init__(self, reason: str, *, invite: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invite = invite


# Slack's stubs for files it no longer shows, or shows this app only through files.info.
_GONE_MODES = {"hidden_by_limit", "tombstone"}
_GONE_ACCESS = {"access_denied", "file_not_found"}
_REDIRECTS_MAX = 5


async def describe_file(client: AsyncWebClient, file: dict[str, Any]) -> dict[str, Any]:
    """A file shared in a message, described in full: a file in a Slack Connect channel
    arrives as a stub that files.info fills in."""
    if file.get("mode") in _GONE_MODES or file.get("file_access") in _GONE_ACCESS:
        raise FileUnavailable("Slack no longer shows that file to apps", invite=True)
    if file.get("file_access") != "check_file_info" and _download_url(file):
        return file
    try:
        response = await client.files_info(file=str(file.get("id", "")))
    except SlackApiError as error:
        code = slack_error(error)
        raise FileUnavailable(f"Slack won't show it to me (`{code}`)", invite=True) from None
    except UNANSWERED:
        raise FileUnavailable("Slack didn't answer in time") from None
    described: dict[str, Any] = dict(response["file"])
    return described


async def download_file(client: AsyncWebClient, file: dict[str, Any], *, max_bytes: int) -> bytes:
    """A described file's bytes. Slack answers a download the token may not make with
    its sign-in page and status 200, so what comes back is checked."""
    if int(file.get("size") or 0) > max_bytes:
        raise FileUnavailable(f"it is larger than {max_bytes // 1_000_000} MB")
    url = _download_url(file)
    if not url:
        raise FileUnavailable("Slack gave no address to download it from", invite=True)
    data, content_type = await _download(client, url, max_bytes=max_bytes)
    if is_sign_in_page(data, content_type):
        raise FileUnavailable("Slack showed me a sign-in page instead of the file", invite=True)
    return data


def is_sign_in_page(data: bytes, content_type: str) -> bool:
    """Slack answers a download the token may not make with its sign-in page, and
    status 200 (sometimes labelled as a binary): a page of HTML, not the file."""
    if content_type.split(";")[0].strip().lower() == "text/html":
        return True
    opening = data[:512].lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    return opening.startswith((b"<!doctype html", b"<html"))


def _download_url(file: dict[str, Any]) -> str:
    return str(file.get("url_private_download") or file.get("url_private") or "")


async def _download(client: AsyncWebClient, url: str, *, max_bytes: int) -> tuple[bytes, str]:
    """GET a private file with the bot token, following redirects only within Slack, so
    the token never travels to another host."""
    headers = {"Authorization": f"Bearer {client.token}"}
    timeout = aiohttp.ClientTimeout(total=30)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for _ in range(_REDIRECTS_MAX):
                if not is_slack_host(url, client.base_url):
                    logger.warning("Not sending the token to %s", urlsplit(url).netloc)
                    raise FileUnavailable("it isn't offered from Slack's own servers over https")
                async with session.get(url, headers=headers, allow_redirects=False) as response:
                    if response.status in {301, 302, 303, 307, 308}:
                        url = urljoin(url, response.headers.get("Location", ""))
                        continue
                    if response.status != 200:
                        raise FileUnavailable(f"Slack answered HTTP {response.status}")
                    data = bytearray()
                    async for chunk in response.content.iter_chunked(64 * 1024):
                        data += chunk
                        if len(data) > max_bytes:
                            raise FileUnavailable(f"it is larger than {max_bytes // 1_000_000} MB")
                    return bytes(data), response.headers.get("Content-Type", "")
    except UNANSWERED:
        logger.exception("Downloading a file from Slack failed")
        raise FileUnavailable("Slack didn't send it in time") from None
    raise FileUnavailable("Slack kept redirecting the download")


def is_slack_host(url: str, api_url: str) -> bool:
    """Only Slack's own hosts, over https, ever see the bot token; or the configured
    API host as it is configured (GovSlack, or a stand-in on this machine)."""
    found, api = urlsplit(url), urlsplit(api_url)
    if (found.scheme, found.hostname, found.port) == (api.scheme, api.hostname, api.port):
        return True
    host = found.hostname or ""
    slack = host in {"slack.com", "slack-gov.com"} or host.endswith(
        (".slack.com", ".slack-gov.com")
    )
    return found.scheme == "https" and slack


# What the bot says on its own


async def report_launch(
    client: AsyncWebClient,
    *,
    user: str,
    channel: str | None,
    letter: Letter,
    results: list[ChannelResult],
) -> None:
    """Tell the organizer who posted a letter where it went up, and where not and why."""
    await tell_privately(client, user=user, channel=channel, text=launch_report(letter, results))


async def send_export(
    client: AsyncWebClient,
    *,
    user: str,
    letter: Letter,
    signers: list[Signer],
    versions: list[LetterVersion],
    extras: Extras,
    chart: Chart,
    style: ListStyle = DEFAULT_STYLE,
) -> None:
    """The list, the document, the CSVs, the JSON and the chart, by DM to the organizer
    who asked."""
    files = export_files(letter, signers, versions, extras=extras, style=style)
    text = export_message(
        letter, signers, closing=closing_word(letter.body, style), chart_failed=chart.failed
    )
    await send_files(client, user=user, text=text, files=[*files, *chart.files])


async def send_closing_list(
    client: AsyncWebClient,
    *,
    user: str,
    letter: Letter,
    signers: list[Signer],
    versions: list[LetterVersion],
    extras: Extras,
    chart: Chart,
    style: ListStyle = DEFAULT_STYLE,
) -> None:
    """The final list in `style` (with the files and the drive's chart), by DM to a lead
    (or the creator) when sign-ons close."""
    files = export_files(letter, signers, versions, extras=extras, style=style)
    text = closing_export_text(
        letter, signers, closing=closing_word(letter.body, style), chart_failed=chart.failed
    )
    await send_files(client, user=user, text=text, files=[*files, *chart.files])


async def send_duplicates_notice(
    client: AsyncWebClient,
    *,
    user: str,
    letter: Letter,
    pairs: list[ReviewPair],
    holds: list[Hold],
) -> None:
    """What waits for review (pairs with Merge and Keep both, held sign-ons with
    Approve and Withdraw all), by DM to a lead."""
    message = review_message(letter, pairs, holds=holds, news=True)
    await send_dm(client, user=user, message=message)


async def send_version_notice(
    client: AsyncWebClient,
    *,
    user: str,
    letter: Letter,
    since: int,
    changes: list[Change],
    entries: list[Signer],
) -> None:
    """What changed since the version `user` signed, with Keep my signature and Withdraw."""
    message = version_notice(letter, since=since, changes=changes, entries=entries, user=user)
    await send_dm(client, user=user, message=message)


async def post_reminder(
    client: AsyncWebClient,
    *,
    channel: str,
    thread_ts: str,
    letter: Letter,
    count: int,
    now: datetime,
    zone: ZoneInfo,
    broadcast: bool,
) -> None:
    message = reminder_message(letter=letter, count=count, now=now, zone=zone)
    await reply_in_thread(
        client, channel=channel, thread_ts=thread_ts, message=message, broadcast=broadcast
    )


async def post_final_count(
    client: AsyncWebClient,
    *,
    channel: str,
    thread_ts: str,
    letter: Letter,
    signers: list[Signer],
) -> None:
    message = final_count_message(letter=letter, signers=signers)
    await reply_in_thread(client, channel=channel, thread_ts=thread_ts, message=message)


async def post_deadline_moved(
    client: AsyncWebClient,
    *,
    channel: str,
    thread_ts: str,
    letter: Letter,
    count: int,
    zone: ZoneInfo,
) -> None:
    message = deadline_moved_message(letter=letter, count=count, zone=zone)
    await reply_in_thread(client, channel=channel, thread_ts=thread_ts, message=message)


async def send_tally(
    client: AsyncWebClient,
    *,
    user: str,
    tallies: list[LetterTally],
    now: datetime,
    zone: ZoneInfo,
    charts_failed: Collection[int] = (),
) -> None:
    """The daily tally's text, telling of the letters in `charts_failed`, whose chart
    couldn't be drawn; the charts follow by `send_tally_charts`."""
    message = tally_message(tallies, now=now, zone=zone, charts_failed=charts_failed)
    await send_dm(client, user=user, message=message)


async def send_tally_charts(client: AsyncWebClient, *, user: str, charts: list[Attachment]) -> None:
    """Each letter's chart of sign-ons over time, after the daily tally's text."""
    if charts:
        await send_files(client, user=user, text=CHARTS_TEXT, files=charts)
