"""A local stand-in for Slack's Web API, for tests and for trying the bot by hand.

It records every call, keeps channels and messages the way Slack would, and rejects
what Slack rejects: unknown methods, a wrong token, payloads over Block Kit's limits
(checked with `slack_sdk.models` and the documented limits on top), posting in a
channel the bot is not in. `fail()` makes a method answer 429 with Retry-After or a
5xx. It also serves `response_url`s and private file downloads.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

TOKEN = "xoxb-fake-token"
APP_TOKEN = "xapp-fake-app-token"
BOT_USER = "UBOT"

MESSAGE_BLOCKS_MAX = 50
MODAL_BLOCKS_MAX = 100
TEXT_OBJECT_MAX = 3000
HEADER_TEXT_MAX = 150
MODAL_TITLE_MAX = 24
MESSAGE_TEXT_MAX = 40_000


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


class FakeSlack:
    def __init__(self, *, log_calls: bool = False) -> None:
        self._log_calls = log_calls
        self.calls: list[Call] = []
        self.channels: dict[str, Channel] = {}
        self.messages: list[Message] = []
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_urls
        self.response_arrivals: dict[str, float] = {}  # response_url key → perf_counter()
        self.usergroups: dict[str, list[str]] = {}
        self.files: dict[str, bytes] = {}
        self.shared_files: list[SharedFile] = []
        self._uploads: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._clock = itertools.count(1)
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
            "conversations.join": self._join,
            "views.open": self._view,
            "views.update": self._view,
            "views.push": self._view,
            "usergroups.users.list": self._usergroup_users,
            "conversations.open": self._open_dm,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    # Lifetime

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)  # Slack takes GET and POST
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/files/{name}", self._file)
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

    def add_message(self, channel: str, text: str) -> str:
        """A message already in `channel` (posted earlier, say); returns its ts."""
        message = Message(channel=channel, ts=self._next_ts(), text=text, blocks=[])
        self.messages.append(message)
        return message.ts

    def add_file(self, name: str, content: bytes) -> str:
        self.files[name] = content
        return f"{self.url}files/{name}"

    async def push(
        self, kind: str, payload: dict[str, Any], *, within: float = 10.0
    ) -> dict[str, Any]:
        """Send a Socket Mode envelope to the connected app and return its ack."""
        envelope_id = f"envelope-{next(self._clock)}"
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

    @property
    def rejected(self) -> list[Call]:
        """Calls Slack would have refused for their content (not faults we injected)."""
        return [
            call
            for call in self.calls
            if call.error
            in {"invalid_blocks", "invalid_arguments", "msg_too_long", "unknown_method"}
        ]

    def channel_messages(self, channel: str) -> list[Message]:
        """Messages everyone in `channel` sees: top level first, then thread replies."""
        return [m for m in self.messages if m.channel == channel and m.user is None]

    def ephemeral_to(self, user: str) -> list[Message]:
        return [m for m in self.messages if m.user == user or (m.channel == user)]

    async def wait_for(self, condition: Callable[[], object], *, within: float = 10.0) -> None:
        """Wait until `condition()` holds; the app finishes its work after acking."""
        deadline = asyncio.get_running_loop().time() + within
        while not condition():
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

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        try:
            check_message(body)
        except SlackError as problem:
            self.calls.append(Call("response_url", body, problem.error, problem.details))
            return web.Response(status=400, text=problem.error)
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
            return web.Response(status=403)
        content = self.files.get(request.match_info["name"])
        return web.Response(status=404) if content is None else web.Response(body=content)

    # Methods

    def _auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"user_id": BOT_USER, "bot_id": "BBOT", "team_id": "T1", "user": "undersigned"}

    def _connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.url.replace("http://", "ws://") + "socket"}

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        check_message(args)
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
        check_message(args)
        self._require_member(channel)
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
        check_message(args)
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
        _check_view(view)
        return {"view": {"id": "V" + self._next_ts().replace(".", ""), **view}}

    def _open_dm(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", ""))
        if not users.startswith(("U", "W")) or "," in users:
            raise SlackError("invalid_arguments", "users must be one user ID")
        return {"channel": {"id": "D" + users}}

    def _upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            raise SlackError("invalid_arguments", "filename and length are required")
        file_id = f"F{next(self._clock)}"
        self._uploads[file_id] = {"filename": args["filename"], "length": int(args["length"])}
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
                )
            )
            shared.append({"id": file["id"], "title": file.get("title")})
        return {"files": shared}

    def _usergroup_users(self, args: dict[str, Any]) -> dict[str, Any]:
        group = self.usergroups.get(str(args.get("usergroup")))
        if group is None:
            raise SlackError("no_such_subteam")
        return {"users": group}

    # Helpers

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
        return f"{1_700_000_000 + next(self._clock)}.000100"


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


def check_message(args: dict[str, Any]) -> None:
    blocks = args.get("blocks")
    text = args.get("text")
    if not blocks and not text:
        raise SlackError("no_text")
    if text and len(str(text)) > MESSAGE_TEXT_MAX:
        raise SlackError("msg_too_long")
    if blocks is not None:
        _check_blocks(blocks, limit=MESSAGE_BLOCKS_MAX)


def _check_view(view: dict[str, Any]) -> None:
    title = view.get("title", {}).get("text", "")
    if not 0 < len(title) <= MODAL_TITLE_MAX:
        raise SlackError("invalid_arguments", f"title must be 1 to {MODAL_TITLE_MAX} characters")
    _check_blocks(view.get("blocks", []), limit=MODAL_BLOCKS_MAX)
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError) as problem:
        raise SlackError("invalid_arguments", str(problem)) from None


def _check_blocks(blocks: Any, *, limit: int) -> None:
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    if len(blocks) > limit:
        raise SlackError("invalid_blocks", f"must be no more than {limit} items")
    for index, block in enumerate(blocks):
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
