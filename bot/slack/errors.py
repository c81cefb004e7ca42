"""What Slack's answers mean: an error's code, and whether trying again may help."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError, SlackRequestError

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
