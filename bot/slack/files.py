"""Files people share: described in full and downloaded, the token going only to Slack."""

from __future__ import annotations

import codecs
import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.rules.language import gettext as _
from bot.rules.language import number
from bot.slack.errors import UNANSWERED, slack_error
from bot.slack.gateway import SlackApi

logger = logging.getLogger(__name__)


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


async def describe_file(client: SlackApi, file: dict[str, Any]) -> dict[str, Any]:
    """A file shared in a message, described in full: a file in a Slack Connect channel
    arrives as a stub that files.info fills in."""
    if file.get("mode") in _GONE_MODES or file.get("file_access") in _GONE_ACCESS:
        raise FileUnavailable(_("Slack no longer shows that file to apps"), invite=True)
    if file.get("file_access") != "check_file_info" and _download_url(file):
        return file
    try:
        response = await client.files_info(file=str(file.get("id", "")))
    except SlackApiError as error:
        code = slack_error(error)
        raise FileUnavailable(
            _("Slack won't show it to me (`{code}`)").format(code=code), invite=True
        ) from None
    except UNANSWERED:
        raise FileUnavailable(_("Slack didn't answer in time")) from None
    described: dict[str, Any] = dict(response["file"])
    return described


async def download_file(client: SlackApi, file: dict[str, Any], *, max_bytes: int) -> bytes:
    """A described file's bytes. Slack answers a download the token may not make with
    its sign-in page and status 200, so what comes back is checked."""
    if int(file.get("size") or 0) > max_bytes:
        raise FileUnavailable(_too_large(max_bytes))
    url = _download_url(file)
    if not url:
        raise FileUnavailable(_("Slack gave no address to download it from"), invite=True)
    data, content_type = await _download(client, url, max_bytes=max_bytes)
    if is_sign_in_page(data, content_type):
        raise FileUnavailable(_("Slack showed me a sign-in page instead of the file"), invite=True)
    return data


def _too_large(max_bytes: int) -> str:
    return _("it is larger than {size} MB").format(size=number(max_bytes // 1_000_000))


def is_sign_in_page(data: bytes, content_type: str) -> bool:
    """Slack answers a download the token may not make with its sign-in page, and
    status 200 (sometimes labelled as a binary): a page of HTML, not the file."""
    if content_type.split(";")[0].strip().lower() == "text/html":
        return True
    opening = data[:512].lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    return opening.startswith((b"<!doctype html", b"<html"))


def _download_url(file: dict[str, Any]) -> str:
    return str(file.get("url_private_download") or file.get("url_private") or "")


async def _download(client: SlackApi, url: str, *, max_bytes: int) -> tuple[bytes, str]:
    """GET a private file with the bot token, following redirects only within Slack, so
    the token never travels to another host."""
    headers = {"Authorization": f"Bearer {client.token}"}
    timeout = aiohttp.ClientTimeout(total=30)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for _redirect in range(_REDIRECTS_MAX):
                if not is_slack_host(url, client.base_url):
                    logger.warning("Not sending the token to %s", urlsplit(url).netloc)
                    raise FileUnavailable(_("it isn't offered from Slack's own servers over https"))
                async with session.get(url, headers=headers, allow_redirects=False) as response:
                    if response.status in {301, 302, 303, 307, 308}:
                        url = urljoin(url, response.headers.get("Location", ""))
                        continue
                    if response.status != 200:
                        raise FileUnavailable(
                            _("Slack answered HTTP {status}").format(status=response.status)
                        )
                    data = bytearray()
                    async for chunk in response.content.iter_chunked(64 * 1024):
                        data += chunk
                        if len(data) > max_bytes:
                            raise FileUnavailable(_too_large(max_bytes))
                    return bytes(data), response.headers.get("Content-Type", "")
    except UNANSWERED:
        logger.exception("Downloading a file from Slack failed")
        raise FileUnavailable(_("Slack didn't send it in time")) from None
    raise FileUnavailable(_("Slack kept redirecting the download"))


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
