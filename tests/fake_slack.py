"""A local stand-in for Slack's Web API, for tests and for trying the bot by hand.

It records every call, keeps channels and messages the way Slack would, and rejects
what Slack rejects. `fail()` makes a method answer 429 with Retry-After or a 5xx. It
also serves `response_url`s and private file downloads.

Every rule it enforces, and where it comes from ("docs" is Slack's reference at
docs.slack.dev: the method pages, Block Kit and the rate-limits page):

- Unknown methods (`unknown_method`) and a wrong token (`invalid_auth`): docs, Web API.
- Block Kit limits, checked with `slack_sdk.models` and the documented limits on top:
  50 blocks in a message and 100 in a modal, 1 to 3,000 characters in a text object,
  150 in a header, a modal title of 24 (docs, Block Kit reference); a select menu of
  at most 100 options with option text of at most 75 (docs, select menu element and
  option object); an overflow menu of 2 to 5 options (docs, overflow menu element: "up
  to five"; its earlier reference page: "Maximum number of options is 5, minimum is
  2").
- The blocks of one message may hold at most `MESSAGE_BLOCK_TEXT_MAX` characters of
  text in all, a limit Slack doesn't document: chat.postMessage answers
  `msg_blocks_too_long` (its method page lists the code; slackapi/bolt-js#2509 measured
  the refusal at ~13,200 characters, #2867 saw one at 11,341 counting text fields
  alone). chat.update and chat.postEphemeral list `msg_too_long` instead, and
  response_urls list no codes; the fake holds all of them to the same ceiling, which
  is stricter than #2867 saw for response_urls and never looser than Slack.
- Message `text` over 40,000 characters: `msg_too_long` (docs, chat.postMessage:
  "truncated at 40,000"; refused here rather than cut).
- Posting where the bot isn't a member: `not_in_channel` for a public channel,
  `channel_not_found` for a private one, which Slack won't reveal (chat.postMessage
  method page; getsentry/sentry#119600). Posting to a channel it doesn't know, or to
  something that is no channel or user ID at all (a web signer's `web:` account), is
  `channel_not_found` too: "Value passed for `channel` was invalid" (the same page).
  `conversations.join` refuses a private channel with
  `method_not_supported_for_channel_type` and an archived one with `is_archived`
  (docs, conversations.join; argoproj/argo-events#1077).
- `files.getUploadURLExternal` with a `length` of 0: `missing_argument` (its method
  page: "Typically only occurs when the length provided is 0"). The upload itself
  must carry exactly `length` bytes.
- A private file download the token may not make is answered with Slack's HTML
  sign-in page and status 200, not an error (Slack's files:read guidance;
  openabdev/openab#793, vercel/eve#1437).
- `files.info` answers `file_not_found` for a file it doesn't know (docs, files.info).
- Rate tiers (docs, rate limits: "Tier 3: 50+ per minute" per method per workspace):
  chat.update, conversations.join, users.lookupByEmail, conversations.open and
  chat.delete (Tier 3 on each method's page) answer 429 with Retry-After past 50 calls
  in any `rate_window` seconds (60, as Slack; tests may shorten the window, never the
  count, or move the fake's `clock` on instead of waiting the window out).
- Slack Connect: people from another workspace are members of shared channels; the
  bot may DM them and show them ephemeral messages there (docs, "Slack Connect:
  working with channels between organizations").
- People (`add_user`): `users.info` answers `user_not_found` for an ID it doesn't know
  or one that isn't a user ID; `users.lookupByEmail` answers `users_not_found` for an
  address no one has, matching it without regard to case, and for a deactivated person
  (docs, users.info and users.lookupByEmail; the latter's refusal of deactivated people
  as quoted in pablovarela/terraform-provider-slack#251). Both give Slack's user object.
- Home tabs (`views.publish`): the view's type must be `home`, it takes no `submit` or
  `close`, holds at most 100 blocks and names a user ID; a `hash` that isn't the
  current view's is `hash_conflict` (docs, views.publish and "Home tab views";
  slack_sdk's View validator). views.open, views.update and views.push refuse a `home`
  view (slackapi/node-slack-sdk#925; slackapi/bolt-js#330: only views.publish updates
  a Home tab).
- Triggers (`trigger()`, which the driver puts in every payload that carries one):
  "Triggers expire in three seconds" and "may only be used once" (docs, "Handling user
  interaction", triggers); views.open and views.push answer `expired_trigger_id`,
  `exchanged_trigger_id` or `invalid_trigger_id` (their method pages' error tables).
- A response_url takes at most 5 posts: "up to 5 times within 30 minutes"
  (docs, "Handling user interaction", message responses). What Slack answers past
  that isn't documented; the fake answers 404 `used_url`.
- A view over 250 KB: `view_too_large` ("greater than 250kb", on the pages of
  views.open, views.update, views.push and views.publish).
- chat.postEphemeral to someone who isn't a member of the channel:
  `user_not_in_channel` ("Intended recipient is not in the specified channel", its
  method page). Someone who types a slash command in a channel is in it (the driver
  makes them a member, as Slack only lets members type there).
- The `file_input` element: only as the element of an input block, only in modals,
  `filetypes` a list of strings and `max_files` an integer from 1 to 10 (docs, file
  input element and the block elements table: "Input", "Modals"). A file uploaded
  through one is a file object in `view.state.values` (slackapi/bolt-js#1995), served
  like any other private file (`upload_for_input`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVarTuple
from zoneinfo import ZoneInfo

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

Ts = TypeVarTuple("Ts")

TOKEN = "xoxb-fake-token"
APP_TOKEN = "xapp-fake-app-token"
BOT_USER = "UBOT"
HOST_TEAM = "T1"  # the workspace the app is installed in

MESSAGE_BLOCKS_MAX = 50
MODAL_BLOCKS_MAX = 100
HOME_BLOCKS_MAX = 100
TEXT_OBJECT_MAX = 3000
HEADER_TEXT_MAX = 150
MODAL_TITLE_MAX = 24
MESSAGE_TEXT_MAX = 40_000
MESSAGE_BLOCK_TEXT_MAX = 11_000
OPTIONS_MAX = 100
OVERFLOW_OPTIONS_MIN, OVERFLOW_OPTIONS_MAX = 2, 5
OPTION_TEXT_MAX = 75
CHOICE_OPTIONS_MAX = 10  # radio buttons, checkboxes
ALT_TEXT_MAX = 1000
VIEW_BYTES_MAX = 250_000
TRIGGER_SECONDS = 3.0
RESPONSE_URL_POSTS_MAX = 5
FILE_INPUT_FILES_MIN, FILE_INPUT_FILES_MAX = 1, 10
TIER_3_PER_WINDOW = 50
RATE_LIMITED = dict.fromkeys(
    (
        "chat.update",
        "conversations.join",
        "users.lookupByEmail",
        "conversations.open",
        "chat.delete",
    ),
    TIER_3_PER_WINDOW,
)
# The long names Slack gives as a user's `tz_label` ("Pacific Daylight Time" in the
# users.info example, https://api.slack.com/methods/users.info); other zones keep their
# abbreviation.
ZONE_LABELS = {
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "AKST": "Alaska Standard Time",
    "AKDT": "Alaska Daylight Time",
    "HST": "Hawaii-Aleutian Standard Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "UTC": "Coordinated Universal Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
}
MIMETYPES = {
    "csv": "text/csv",
    "text": "text/plain",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
}
SIGN_IN_PAGE = (
    '<!DOCTYPE html><html lang="en-US"><head><title>Sign in | Slack</title></head>'
    "<body><h1>Sign in to your workspace</h1></body></html>"
)


class Clock:
    """The fake's sense of elapsed time (rate windows, trigger expiry): monotonic seconds
    that pass as they do, and that a test may move on instead of waiting."""

    def __init__(self) -> None:
        self._ahead = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self._ahead

    def advance(self, seconds: float) -> None:
        self._ahead += seconds


class SlackError(Exception):
    """An `ok: false` answer, as Slack gives with HTTP 200."""

    def __init__(self, error: str, *details: str) -> None:
        super().__init__(error)
        self.error = error
        self.details = list(details)


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    error: str | None = None
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    user: str | None = None  # set for ephemeral messages: the one person who sees it
    broadcast: bool = False


@dataclass
class SharedFile:
    channel: str
    filename: str
    title: str
    content: bytes
    comment: str
    alt_text: str = ""


@dataclass
class Channel:
    id: str
    private: bool = False
    members: set[str] = field(default_factory=set)
    archived: bool = False


@dataclass
class Fault:
    status: int
    retry_after: int | None
    error: str | None = None  # with status 200: an `ok: false` answer
    after: int = 0  # calls to let through before this fault
    delay: float = 0.0  # answer normally, but only after this many seconds
    html: bool = False  # an HTML error page, as a proxy in front of Slack sends


@dataclass
class HostedFile:
    """A file shared in Slack: `visible` is whether the bot's token may download it."""

    id: str
    name: str
    content: bytes
    filetype: str
    mimetype: str
    visible: bool = True
    created: int = field(default_factory=lambda: int(time.time()))
    user: str | None = None  # who uploaded it, where the test says
    team: str = HOST_TEAM

    def described(self, base_url: str) -> dict[str, Any]:
        """The file object Slack puts in messages and files.info answers."""
        described: dict[str, Any] = {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.name,
            "filetype": self.filetype,
            "mimetype": self.mimetype,
            "pretty_type": self.filetype.upper(),
            "size": len(self.content),
            "mode": "hosted",
            "file_access": "visible",
            "is_external": False,
            "is_public": False,
            "url_private": f"{base_url}files/{self.id}/{self.name}",
            "url_private_download": f"{base_url}files/{self.id}/download/{self.name}",
        }
        if self.user is not None:
            described |= {
                "user": self.user,
                "user_team": self.team,
                "permalink": f"{base_url}files/{self.user}/{self.id}/{self.name}",
            }
        return described


class FakeSlack:
    def __init__(self, *, log_calls: bool = False, rate_window: float = 60.0) -> None:
        self._log_calls = log_calls
        self.rate_window = rate_window
        self.clock = Clock()
        self._recent: defaultdict[str, deque[float]] = defaultdict(deque)
        self.calls: list[Call] = []
        self.channels: dict[str, Channel] = {}
        self.messages: list[Message] = []
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_urls
        self.response_arrivals: dict[str, float] = {}  # response_url key → perf_counter()
        self.usergroups: dict[str, list[str]] = {}
        self.files: dict[str, bytes] = {}
        self.hosted: dict[str, HostedFile] = {}
        self.teams: dict[str, str] = {}  # user → their workspace, for people from elsewhere
        self.users: dict[str, dict[str, Any]] = {}  # user → what add_user was told
        self.homes: dict[str, dict[str, Any]] = {}  # user → the Home tab last published
        self.shared_files: list[SharedFile] = []
        self._uploads: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._serial = itertools.count(1)
        self._triggers: dict[str, float] = {}  # trigger id → when issued, on `clock`
        self._exchanged: set[str] = set()
        self._response_posts: defaultdict[str, int] = defaultdict(int)
        self._runner: web.AppRunner | None = None
        self.sockets: list[web.WebSocketResponse] = []  # Socket Mode connections
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.url = ""
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "apps.connections.open": self._connections_open,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "chat.delete": self._delete,
            "chat.getPermalink": self._permalink,
            "bots.info": self._bot_info,
            "conversations.join": self._join,
            "views.open": self._view,
            "views.update": self._view,
            "views.push": self._view,
            "views.publish": self._publish,
            "users.info": self._user_info,
            "users.lookupByEmail": self._lookup_by_email,
            "usergroups.users.list": self._usergroup_users,
            "conversations.open": self._open_dm,
            "conversations.members": self._members,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "files.info": self._file_info,
        }

    # Lifetime

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)  # Slack takes GET and POST
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/files/{name}", self._file)
        app.router.add_get("/files/{file_id}/{name:.*}", self._hosted_file)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        bound = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{bound}/"

    async def stop(self) -> None:
        for socket in self.sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    # Arranging the workspace

    def add_channel(
        self, channel_id: str, *, private: bool = False, bot_member: bool = False
    ) -> None:
        self.channels[channel_id] = Channel(
            channel_id, private=private, members={BOT_USER} if bot_member else set()
        )

    def join(self, user: str, *channels: str) -> None:
        """`user` is a member of these channels (of every channel, when none is named)."""
        for channel in channels or tuple(self.channels):
            self.channels[channel].members.add(user)

    def invite_bot(self, channel_id: str) -> None:
        self.channels[channel_id].members.add(BOT_USER)

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        error: str | None = None,
        after: int = 0,
        delay: float = 0.0,
        html: bool = False,
    ) -> None:
        """Answer `times` calls to `method`, once `after` calls have gone through, with an
        HTTP error (or, given `error` and status 200, with `ok: false`). With `delay`, the
        call instead succeeds, but only after that many seconds: a client that gave up
        waiting never learns that it did."""
        faults = [Fault(status, retry_after, error, delay=delay, html=html) for _ in range(times)]
        faults[0].after = after
        self._faults[method].extend(faults)

    def response_url(self, key: str) -> str:
        return f"{self.url}response/{key}"

    def trigger(self) -> str:
        """A trigger_id, as Slack puts in a slash command's or an interaction's
        payload: good for one views.open or views.push, within three seconds."""
        n = next(self._serial)
        trigger = f"{n}.{int(time.time())}.{n:08x}"
        self._triggers[trigger] = self.clock()
        return trigger

    def add_message(self, channel: str, text: str) -> str:
        """A message already in `channel` (posted earlier, say); returns its ts."""
        message = Message(channel=channel, ts=self._next_ts(), text=text, blocks=[])
        self.messages.append(message)
        return message.ts

    def add_file(self, name: str, content: bytes) -> str:
        self.files[name] = content
        return f"{self.url}files/{name}"

    def share_file(
        self,
        name: str,
        content: bytes,
        *,
        filetype: str,
        mimetype: str = "application/octet-stream",
        visible: bool = True,
    ) -> dict[str, Any]:
        """A file shared in a message; returns its file object as the message carries it."""
        file = HostedFile(
            f"F{next(self._serial)}", name, content, filetype, mimetype, visible=visible
        )
        self.hosted[file.id] = file
        return file.described(self.url)

    def upload_for_input(
        self, name: str, content: bytes, *, filetype: str = "csv", user: str = "UUPLOADER"
    ) -> dict[str, Any]:
        """A file `user` uploaded through a modal's file_input; returns its file object as
        Slack lists it in `view.state.values[block][action]["files"]` (the shape of
        slackapi/bolt-js#1995, src/types/view/index.ts `UploadedFile`). files.info knows
        it and the bot's token downloads it, as for any other private file."""
        file = HostedFile(
            f"F{next(self._serial)}",
            name,
            content,
            filetype,
            MIMETYPES.get(filetype, "application/octet-stream"),
            user=user,
            team=self.teams.get(user, HOST_TEAM),
        )
        self.hosted[file.id] = file
        return file.described(self.url)

    def add_external_user(self, user: str, *, team: str, channels: tuple[str, ...]) -> None:
        """Someone from another workspace, a member of these shared channels."""
        self.teams[user] = team
        for channel in channels:
            self.channels[channel].members.add(user)

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "America/New_York",
        email: str | None = None,
        deleted: bool = False,
        locale: str = "en-US",
    ) -> None:
        """Someone users.info and users.lookupByEmail know. Someone added with
        add_external_user too is described as from their own workspace. `locale` is
        their Slack language, as Slack names them ("es-LA", "es-ES", "en-US")."""
        ZoneInfo(tz)  # an unknown zone fails here, not in the middle of a test
        self.users[user_id] = {
            "name": name,
            "real_name": real_name,
            "tz": tz,
            "email": email,
            "deleted": deleted,
            "locale": locale,
        }

    async def push(
        self, kind: str, payload: dict[str, Any], *, within: float = 10.0
    ) -> dict[str, Any]:
        """Send a Socket Mode envelope to the connected app and return its ack."""
        envelope_id = f"envelope-{next(self._serial)}"
        acked = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = acked
        await self.sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
            }
        )
        return await asyncio.wait_for(acked, within)

    # Reading what happened

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def home_of(self, user: str) -> dict[str, Any] | None:
        """The view last published to `user`'s Home tab, as views.publish answered it."""
        return self.homes.get(user)

    @property
    def rejected(self) -> list[Call]:
        """Calls Slack would have refused for their content (not faults we injected)."""
        return [
            call
            for call in self.calls
            if call.error
            in {
                "invalid_blocks",
                "invalid_arguments",
                "msg_too_long",
                "msg_blocks_too_long",
                "missing_argument",
                "unknown_method",
                "view_too_large",
                "invalid_trigger_id",
                "exchanged_trigger_id",
                "expired_trigger_id",
                "used_url",
            }
        ]

    def channel_messages(self, channel: str) -> list[Message]:
        """Messages everyone in `channel` sees: top level first, then thread replies."""
        return [m for m in self.messages if m.channel == channel and m.user is None]

    def ephemeral_to(self, user: str) -> list[Message]:
        return [m for m in self.messages if m.user == user or (m.channel == user)]

    async def wait_for(
        self, condition: Callable[[*Ts], object], *args: *Ts, within: float = 10.0
    ) -> None:
        """Wait until `condition(*args)` holds; the app finishes its work after acking.
        (Values a loop changes go in `args`, so each wait sees its own.)"""
        deadline = asyncio.get_running_loop().time() + within
        while not condition(*args):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("timed out waiting for the app; calls: " + self._summary())
            await asyncio.sleep(0.02)

    def _summary(self) -> str:
        return ", ".join(f"{c.method}{'' if c.ok else '!' + str(c.error)}" for c in self.calls)

    # HTTP

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _read_args(request)
        faults = self._faults.get(method)
        if faults and faults[0].after > 0:
            faults[0].after -= 1
        elif faults and faults[0].delay:
            await asyncio.sleep(faults.popleft().delay)
        elif faults:
            fault = faults.popleft()
            if fault.error is not None:
                self.calls.append(Call(method, args, error=fault.error))
                return web.json_response({"ok": False, "error": fault.error})
            self.calls.append(Call(method, args, error=f"http_{fault.status}"))
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
            if fault.html:
                page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
                return web.Response(
                    status=fault.status, text=page, content_type="text/html", headers=headers
                )
            error = "ratelimited" if fault.status == 429 else "fatal_error"
            return web.json_response(
                {"ok": False, "error": error}, status=fault.status, headers=headers
            )
        limited = self._rate_limited(method)
        if limited is not None:
            self.calls.append(Call(method, args, error="http_429"))
            return limited
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or args.get(
            "token"
        )
        try:
            if token != (APP_TOKEN if method == "apps.connections.open" else TOKEN):
                raise SlackError("invalid_auth")
            handler = self._methods.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            result = handler(args)
        except SlackError as problem:
            self.calls.append(Call(method, args, problem.error, problem.details))
            if self._log_calls:
                print(f"{method} REFUSED {problem.error} {problem.details}", flush=True)
            metadata = {"messages": problem.details} if problem.details else {}
            return web.json_response(
                {"ok": False, "error": problem.error, "response_metadata": metadata}
            )
        self.calls.append(Call(method, args))
        if self._log_calls:
            print(f"{method} ok {args.get('channel', '')} {_headline(args)}", flush=True)
        return web.json_response({"ok": True, **result})

    def _rate_limited(self, method: str) -> web.Response | None:
        """429 past the method's tier within `rate_window` seconds, as Slack answers."""
        allowed = RATE_LIMITED.get(method)
        if allowed is None:
            return None
        now = self.clock()
        recent = self._recent[method]
        while recent and recent[0] <= now - self.rate_window:
            recent.popleft()
        if len(recent) >= allowed:
            wait = max(1, int(recent[0] + self.rate_window - now + 0.999))
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        recent.append(now)
        return None

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        try:
            check_message(body, too_long="msg_too_long")
        except SlackError as problem:
            self.calls.append(Call("response_url", body, problem.error, problem.details))
            return web.Response(status=400, text=problem.error)
        key = request.match_info["key"]
        if self._response_posts[key] >= RESPONSE_URL_POSTS_MAX:
            self.calls.append(Call("response_url", body, "used_url"))
            return web.Response(status=404, text="used_url")
        self._response_posts[key] += 1
        self.calls.append(Call("response_url", body))
        self.responses.append(body)
        self.response_arrivals[request.match_info["key"]] = time.perf_counter()
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1})
        async for frame in socket:
            message = json.loads(frame.data)
            acked = self._acks.pop(message.get("envelope_id", ""), None)
            if acked is not None and not acked.done():
                acked.set_result(message)
        return socket

    async def _upload(self, request: web.Request) -> web.Response:
        faults = self._faults.get("upload")
        if faults:
            fault = faults.popleft()
            self.calls.append(Call("upload", {}, error=f"http_{fault.status}"))
            return web.Response(status=fault.status, text="upload failed")
        upload = self._uploads.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404)
        content = await request.read()
        if len(content) != upload["length"]:
            return web.Response(status=400, text="length mismatch")
        upload["content"] = content
        return web.Response(text="OK - uploaded")

    async def _file(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _sign_in_page()
        content = self.files.get(request.match_info["name"])
        return web.Response(status=404) if content is None else web.Response(body=content)

    async def _hosted_file(self, request: web.Request) -> web.Response:
        file = self.hosted.get(request.match_info["file_id"])
        if file is None:
            return web.Response(status=404)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}" or not file.visible:
            return _sign_in_page()
        return web.Response(body=file.content, content_type=file.mimetype)

    # Methods

    def _auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"user_id": BOT_USER, "bot_id": "BBOT", "team_id": "T1", "user": "undersigned"}

    def _bot_info(self, args: dict[str, Any]) -> dict[str, Any]:
        """bots.info: the app's own bot, with its app_id; bot_not_found for any other
        (https://api.slack.com/methods/bots.info)."""
        if args.get("bot") != "BBOT":
            raise SlackError("bot_not_found")
        return {
            "bot": {
                "id": "BBOT",
                "deleted": False,
                "name": "undersigned",
                "app_id": "A1",
                "user_id": BOT_USER,
            }
        }

    def _connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.url.replace("http://", "ws://") + "socket"}

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        check_message(args, too_long="msg_blocks_too_long")
        if not channel.startswith(("U", "W", "D")):
            self._require_member(channel)
        thread_ts = args.get("thread_ts")
        if thread_ts and not any(m.ts == thread_ts and m.channel == channel for m in self.messages):
            raise SlackError("thread_not_found")
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=str(args.get("text") or ""),
            blocks=list(args.get("blocks") or []),
            thread_ts=thread_ts,
            broadcast=bool(args.get("reply_broadcast")),
        )
        self.messages.append(message)
        return {"channel": channel, "ts": message.ts, "message": {"text": message.text}}

    def _post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        check_message(args, too_long="msg_too_long")
        self._require_member(channel)
        user = str(args.get("user", ""))
        if user not in self.channels[channel].members:
            raise SlackError("user_not_in_channel")
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=str(args.get("text") or ""),
            blocks=list(args.get("blocks") or []),
            user=str(args["user"]),
        )
        self.messages.append(message)
        return {"message_ts": message.ts}

    def _update(self, args: dict[str, Any]) -> dict[str, Any]:
        check_message(args, too_long="msg_too_long")
        for message in self.messages:
            if message.channel == args.get("channel") and message.ts == args.get("ts"):
                message.text = str(args.get("text") or message.text)
                message.blocks = list(args.get("blocks") or [])
                return {"channel": message.channel, "ts": message.ts}
        raise SlackError("message_not_found")

    def _delete(self, args: dict[str, Any]) -> dict[str, Any]:
        for message in self.messages:
            if message.channel == args.get("channel") and message.ts == args.get("ts"):
                self.messages.remove(message)
                return {"channel": message.channel, "ts": message.ts}
        raise SlackError("message_not_found")

    def _permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        """chat.getPermalink: a link to a message that exists, no scope needed;
        channel_not_found, message_not_found otherwise
        (https://api.slack.com/methods/chat.getPermalink)."""
        channel, ts = str(args.get("channel", "")), str(args.get("message_ts", ""))
        if channel not in self.channels and not channel.startswith(("D", "U")):
            raise SlackError("channel_not_found")
        if not any(m.channel == channel and m.ts == ts for m in self.messages):
            raise SlackError("message_not_found")
        link = f"https://coalition.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": link}

    def _join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(str(args.get("channel", "")))
        if channel.private:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.archived:
            raise SlackError("is_archived")
        channel.members.add(BOT_USER)
        return {"channel": {"id": channel.id}}

    def _view(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments", "view is required")
        if "trigger_id" not in args and "view_id" not in args:
            raise SlackError("invalid_arguments", "trigger_id or view_id is required")
        check_view(view)
        if "trigger_id" in args:
            self._exchange(str(args["trigger_id"]))
        return {"view": {"id": "V" + self._next_ts().replace(".", ""), **view}}

    def _exchange(self, trigger: str) -> None:
        """Use a trigger up, as views.open and views.push do."""
        if trigger in self._exchanged:
            raise SlackError("exchanged_trigger_id")
        issued = self._triggers.pop(trigger, None)
        if issued is None:
            raise SlackError("invalid_trigger_id")
        self._exchanged.add(trigger)
        if self.clock() - issued > TRIGGER_SECONDS:
            raise SlackError("expired_trigger_id")

    def _publish(self, args: dict[str, Any]) -> dict[str, Any]:
        """views.publish: a user's Home tab (https://api.slack.com/methods/views.publish)."""
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments", "view is required")
        user = str(args.get("user_id", ""))
        if not user.startswith(("U", "W")):
            # The method page's "typical error response" names exactly this.
            raise SlackError("invalid_arguments", "invalid `user_id`")
        check_home(view)
        current = self.homes.get(user)
        if args.get("hash") and current is not None and args["hash"] != current["hash"]:
            # hash_conflict: "the provided hash doesn't match the current stored value"
            # (https://api.slack.com/methods/views.publish, errors).
            raise SlackError("hash_conflict")
        view_id = current["id"] if current else "V" + self._next_ts().replace(".", "")
        # The published view as the method page's typical success response shows it.
        published = {
            "id": view_id,
            "team_id": HOST_TEAM,
            "type": "home",
            "close": None,
            "submit": None,
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{next(self._serial):08d}",
            "clear_on_close": False,
            "notify_on_close": False,
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": "A1",
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": HOST_TEAM,
            "bot_id": "BBOT",
        }
        self.homes[user] = published
        return {"view": published}

    def _user_info(self, args: dict[str, Any]) -> dict[str, Any]:
        """users.info: "user_not_found: Value passed for `user` was invalid."
        (https://api.slack.com/methods/users.info, errors); the user's `locale` only
        when asked with include_locale (same page, arguments)."""
        user = str(args.get("user", ""))
        if not user.startswith(("U", "W")) or user not in self.users:
            raise SlackError("user_not_found")
        found = self._user_object(user)
        # "include_locale: Set this to true to receive the locale for this user.
        # Defaults to false" (the method's arguments): without it, no `locale` key.
        if str(args.get("include_locale", "")).lower() in {"true", "1"}:
            found["locale"] = self.users[user]["locale"]
        return {"user": found}

    def _lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        """users.lookupByEmail answers users_not_found, plural, for an address no one in
        the workspace has (https://api.slack.com/methods/users.lookupByEmail, errors),
        and for a deactivated person: "If the user has been deactivated, users_not_found
        will be returned instead of a user object" (the method page, as quoted in
        pablovarela/terraform-provider-slack#251). Addresses match without regard to case."""
        email = str(args.get("email", "")).strip().casefold()
        for user, person in self.users.items():
            if person["email"] and person["email"].casefold() == email and not person["deleted"]:
                return {"user": self._user_object(user)}
        raise SlackError("users_not_found")

    def _members(self, args: dict[str, Any]) -> dict[str, Any]:
        """A channel's members, a page at a time (https://api.slack.com/methods/
        conversations.members: "specify a limit value under 1000", else invalid_limit;
        `cursor` from response_metadata.next_cursor, empty on the last page). A private
        channel the bot isn't in is channel_not_found."""
        channel = self._channel(str(args.get("channel", "")))
        if channel.private and BOT_USER not in channel.members:
            raise SlackError("channel_not_found")
        limit = int(args.get("limit") or 100)
        if not 1 <= limit < 1000:
            raise SlackError("invalid_limit")
        members = sorted(channel.members)
        start = int(args.get("cursor") or 0)
        page = members[start : start + limit]
        following = start + limit if start + limit < len(members) else None
        return {
            "members": page,
            "response_metadata": {"next_cursor": str(following) if following else ""},
        }

    def _open_dm(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", ""))
        if not users.startswith(("U", "W")) or "," in users:
            raise SlackError("invalid_arguments", "users must be one user ID")
        return {"channel": {"id": "D" + users}}

    def _upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            raise SlackError("invalid_arguments", "filename and length are required")
        if int(args["length"]) == 0:
            raise SlackError("missing_argument", "length must be greater than 0")
        alt_text = str(args.get("alt_txt") or "")
        if len(alt_text) > ALT_TEXT_MAX:
            # files.getUploadURLExternal: "Description for the image is longer than the
            # limit of 1000 characters" (https://api.slack.com/methods/files.getUploadURLExternal).
            raise SlackError("alt_txt_too_large")
        file_id = f"F{next(self._serial)}"
        self._uploads[file_id] = {
            "filename": args["filename"],
            "length": int(args["length"]),
            "alt_text": alt_text,
        }
        return {"upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        files = json.loads(files) if isinstance(files, str) else files
        channel = str(args.get("channel_id", ""))
        if not channel.startswith("D"):
            self._require_member(channel)
        shared = []
        for file in files or []:
            upload = self._uploads.pop(file["id"], None)
            if upload is None or "content" not in upload:
                raise SlackError("file_not_found")
            self.shared_files.append(
                SharedFile(
                    channel=channel,
                    filename=upload["filename"],
                    title=file.get("title") or upload["filename"],
                    content=upload["content"],
                    comment=str(args.get("initial_comment") or ""),
                    alt_text=upload["alt_text"],
                )
            )
            shared.append({"id": file["id"], "title": file.get("title")})
        return {"files": shared}

    def _file_info(self, args: dict[str, Any]) -> dict[str, Any]:
        file = self.hosted.get(str(args.get("file", "")))
        if file is None:
            raise SlackError("file_not_found")
        return {"file": file.described(self.url)}

    def _usergroup_users(self, args: dict[str, Any]) -> dict[str, Any]:
        group = self.usergroups.get(str(args.get("usergroup")))
        if group is None:
            raise SlackError("no_such_subteam")
        return {"users": group}

    # Helpers

    def _user_object(self, user: str) -> dict[str, Any]:
        """Slack's user object (https://api.slack.com/types/user and the users.info
        example): `tz_offset` is in seconds, for the zone's offset now."""
        person = self.users[user]
        now = datetime.now(ZoneInfo(person["tz"]))
        offset = now.utcoffset()
        abbreviation = now.tzname() or ""
        real_name = person["real_name"] or ""
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": person["name"],
            "display_name_normalized": person["name"],
            "team": self.teams.get(user, HOST_TEAM),
        }
        if person["email"]:
            profile["email"] = person["email"]
        return {
            "id": user,
            "team_id": self.teams.get(user, HOST_TEAM),
            "name": person["name"],
            "deleted": person["deleted"],
            "real_name": real_name,
            "tz": person["tz"],
            "tz_label": ZONE_LABELS.get(abbreviation, abbreviation),
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_bot": False,
            "is_app_user": False,
            "profile": profile,
        }

    def _channel(self, channel_id: str) -> Channel:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    def _require_member(self, channel_id: str) -> None:
        channel = self._channel(channel_id)
        if BOT_USER not in channel.members:
            # Slack says channel_not_found for private channels the bot can't see.
            raise SlackError("channel_not_found" if channel.private else "not_in_channel")
        if channel.archived:
            raise SlackError("is_archived")

    def _next_ts(self) -> str:
        return f"{1_700_000_000 + next(self._serial)}.000100"


def _headline(args: dict[str, Any]) -> str:
    text = str(args.get("text") or "")
    return text.splitlines()[0][:80] if text else ""


async def _read_args(request: web.Request) -> dict[str, Any]:
    if request.method == "GET":
        args = {}
    elif request.content_type == "application/json":
        args = dict(await request.json())
    else:
        args = {key: value for key, value in (await request.post()).items()}
        for key in ("blocks", "view", "attachments"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
    args.update({key: value for key, value in request.query.items() if key not in args})
    return args


def check_message(args: dict[str, Any], *, too_long: str = "msg_blocks_too_long") -> None:
    """A message's text and blocks within Slack's limits; `too_long` is the code the
    method gives for blocks over the text ceiling."""
    blocks = args.get("blocks")
    text = args.get("text")
    if not blocks and not text:
        raise SlackError("no_text")
    if text and len(str(text)) > MESSAGE_TEXT_MAX:
        raise SlackError("msg_too_long")
    if blocks is not None:
        _check_blocks(blocks, limit=MESSAGE_BLOCKS_MAX, surface="message")
        total = block_text_length(blocks)
        if total > MESSAGE_BLOCK_TEXT_MAX:
            raise SlackError(too_long, f"{total} characters of text in the blocks")


def block_text_length(node: Any) -> int:
    """Characters of text a message's blocks carry: every `text` string, anywhere."""
    if isinstance(node, dict):
        own = len(node["text"]) if isinstance(node.get("text"), str) else 0
        return own + sum(block_text_length(value) for value in node.values())
    if isinstance(node, list):
        return sum(block_text_length(value) for value in node)
    return 0


def _check_size(view: dict[str, Any]) -> None:
    if len(json.dumps(view, ensure_ascii=False).encode()) > VIEW_BYTES_MAX:
        raise SlackError("view_too_large")


def check_view(view: dict[str, Any]) -> None:
    """A modal, as views.open, views.update and views.push take it."""
    _check_size(view)
    if view.get("type") != "modal":
        # A Home tab goes through views.publish alone: views.open answers a `home` view
        # with this (slackapi/node-slack-sdk#925), and "the only way to update Home tab
        # is calling views.publish" (slackapi/bolt-js#330). "Modal view objects are used
        # within views.open, views.update, views.push"
        # (https://api.slack.com/reference/surfaces/views).
        raise SlackError(
            "invalid_arguments", "must be a valid enum value [json-pointer:/view/type]"
        )
    title = view.get("title", {}).get("text", "")
    if not 0 < len(title) <= MODAL_TITLE_MAX:
        raise SlackError("invalid_arguments", f"title must be 1 to {MODAL_TITLE_MAX} characters")
    _check_view_content(view, limit=MODAL_BLOCKS_MAX, surface="modal")


def check_home(view: dict[str, Any]) -> None:
    """A Home tab, as views.publish takes it. Its fields are type, blocks (at most 100),
    private_metadata, callback_id and external_id
    (https://docs.slack.dev/reference/views/home-tab-views); it has no submit or close
    button (slack_sdk's View validator: "home view cannot have submit and close")."""
    if view.get("type") != "home":
        raise SlackError(
            "invalid_arguments", "must be a valid enum value [json-pointer:/view/type]"
        )
    _check_size(view)
    for key in ("submit", "close"):
        if view.get(key) is not None:
            raise SlackError("invalid_arguments", f"home view cannot have {key}")
    _check_view_content(view, limit=HOME_BLOCKS_MAX, surface="home")


def _check_view_content(view: dict[str, Any], *, limit: int, surface: str) -> None:
    try:
        _check_blocks(view.get("blocks", []), limit=limit, surface=surface)
    except SlackError as problem:
        # views.* name every problem with a view invalid_arguments (docs, views.open).
        raise SlackError("invalid_arguments", *problem.details, problem.error) from None
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError) as problem:
        raise SlackError("invalid_arguments", str(problem)) from None


def _check_blocks(blocks: Any, *, limit: int, surface: str) -> None:
    """`surface` is where the blocks go: "message", "modal" or "home"."""
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    if len(blocks) > limit:
        raise SlackError("invalid_blocks", f"must be no more than {limit} items")
    for index, block in enumerate(blocks):
        if isinstance(block, dict):
            _check_file_inputs(block, f"[{index}]", surface)
        parsed = Block.parse(block)
        if parsed is None:
            raise SlackError("invalid_blocks", f"[{index}] unknown block type")
        try:
            parsed.validate_json()
        except SlackObjectFormationError as problem:
            raise SlackError("invalid_blocks", f"[{index}] {problem}") from None
        if block.get("type") == "header" and len(block["text"]["text"]) > HEADER_TEXT_MAX:
            raise SlackError("invalid_blocks", f"[{index}] header text over {HEADER_TEXT_MAX}")
        _check_text_objects(block, f"[{index}]")
        _check_options(block, f"[{index}]")


def _check_file_inputs(block: dict[str, Any], where: str, surface: str) -> None:
    """A file_input is the element of an input block in a modal, and nowhere else: "The
    file input element must be used inside the input block", with `filetypes` a list of
    extensions and `max_files` "Minimum of 1, maximum of 10"
    (https://api.slack.com/reference/block-kit/block-elements#file_input); the block
    elements table lists it for the Input block and the Modals surface alone
    (https://api.slack.com/reference/block-kit/block-elements)."""
    element = block.get("element") if block.get("type") == "input" else None
    if isinstance(element, dict) and element.get("type") == "file_input":
        if surface != "modal":
            raise SlackError("invalid_blocks", f"{where}.element file_input is for modals only")
        filetypes = element.get("filetypes")
        if filetypes is not None and not (
            isinstance(filetypes, list) and all(isinstance(kind, str) for kind in filetypes)
        ):
            raise SlackError("invalid_blocks", f"{where}.element.filetypes must be strings")
        count = element.get("max_files")
        if count is not None and (
            type(count) is not int or not FILE_INPUT_FILES_MIN <= count <= FILE_INPUT_FILES_MAX
        ):
            raise SlackError(
                "invalid_blocks",
                f"{where}.element.max_files must be {FILE_INPUT_FILES_MIN} to "
                f"{FILE_INPUT_FILES_MAX}",
            )
    rest = {key: value for key, value in block.items() if value is not element}
    if _holds_file_input(rest):
        raise SlackError("invalid_blocks", f"{where} file_input outside an input block")


def _holds_file_input(node: Any) -> bool:
    if isinstance(node, dict):
        return node.get("type") == "file_input" or any(
            _holds_file_input(value) for value in node.values()
        )
    if isinstance(node, list):
        return any(_holds_file_input(value) for value in node)
    return False


def _check_text_objects(node: Any, where: str) -> None:
    """Every text object anywhere in a block holds 1 to 3,000 characters."""
    if isinstance(node, dict):
        is_text = node.get("type") in {"plain_text", "mrkdwn"} and "text" in node
        if is_text and not 0 < len(node["text"]) <= TEXT_OBJECT_MAX:
            raise SlackError("invalid_blocks", f"{where} text must be 1 to {TEXT_OBJECT_MAX}")
        for key, value in node.items():
            _check_text_objects(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_text_objects(value, f"{where}[{index}]")


def _check_options(node: Any, where: str) -> None:
    """Select menus hold at most 100 options, each labelled (and described) in at most 75
    characters; an overflow menu 2 to 5; radio buttons and checkboxes at most 10
    (Block Kit reference: the option object; radio button group and checkboxes
    elements)."""
    if isinstance(node, dict):
        for key in ("options", "option_groups"):
            items = node.get(key)
            if isinstance(items, list) and len(items) > OPTIONS_MAX:
                raise SlackError("invalid_blocks", f"{where}.{key} over {OPTIONS_MAX} items")
        if node.get("type") == "overflow":
            count = len(node.get("options") or [])
            if not OVERFLOW_OPTIONS_MIN <= count <= OVERFLOW_OPTIONS_MAX:
                raise SlackError("invalid_blocks", f"{where} overflow with {count} options")
        if node.get("type") in {"radio_buttons", "checkboxes"}:
            count = len(node.get("options") or [])
            if count > CHOICE_OPTIONS_MAX:
                raise SlackError("invalid_blocks", f"{where} with {count} options")
        if "value" in node and isinstance(node.get("text"), dict) and "options" not in node:
            label = node["text"].get("text", "")
            if len(label) > OPTION_TEXT_MAX and node["text"].get("type") == "plain_text":
                raise SlackError("invalid_blocks", f"{where} option text over {OPTION_TEXT_MAX}")
            description = (node.get("description") or {}).get("text", "")
            if len(description) > OPTION_TEXT_MAX:
                raise SlackError(
                    "invalid_blocks", f"{where} option description over {OPTION_TEXT_MAX}"
                )
        for key, value in node.items():
            _check_options(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_options(value, f"{where}[{index}]")


def _sign_in_page() -> web.Response:
    return web.Response(status=200, text=SIGN_IN_PAGE, content_type="text/html")


async def _serve_forever(port: int) -> None:
    fake = FakeSlack(log_calls=True)
    for channel in ("CCOALITION", "CSTATES"):
        fake.add_channel(channel)
    fake.add_channel("CORGANIZING", bot_member=True)
    await fake.start(port)
    print(f"Fake Slack Web API at {fake.api_url} (token {TOKEN}); Ctrl-C stops it.", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


if __name__ == "__main__":
    import contextlib
    import sys

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(int(sys.argv[1]) if len(sys.argv) > 1 else 8930))
