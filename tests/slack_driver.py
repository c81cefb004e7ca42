"""Plays Slack's side of the conversation: signed requests into the app's HTTP endpoint.

Requests are signed exactly as Slack does it (v0 HMAC-SHA256 over
`v0:{timestamp}:{body}`): slash commands form-encoded as fields, interactivity as a
`payload=` field holding JSON, and Events API events as a JSON body
(https://api.slack.com/apis/events-api).
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.fake_slack import BOT_USER, HOST_TEAM, FakeSlack

SIGNING_SECRET = "test-signing-secret"
FORM = "application/x-www-form-urlencoded"


@dataclass
class Reply:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackDriver:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        events_url: str,
        fake: FakeSlack,
        *,
        secret: str = SIGNING_SECRET,
    ) -> None:
        self._session = session
        self._url = events_url
        self._fake = fake
        self._verifier = SignatureVerifier(secret)
        self._ids = itertools.count(1)

    async def send(
        self,
        body: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        content_type: str = FORM,
    ) -> Reply:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        signature = signature or self._verifier.generate_signature(timestamp=stamp, body=body)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature or "",
        }
        async with self._session.post(self._url, data=body.encode(), headers=headers) as response:
            return Reply(response.status, await response.text())

    async def event(self, event: dict[str, Any], *, team: str = HOST_TEAM) -> Reply:
        """An Events API event in its `event_callback` wrapper, a JSON body signed as any
        other request (https://api.slack.com/apis/events-api; the wrapper's fields:
        https://api.slack.com/types/event). `authorizations` names the one installation
        the event is visible to, the app's bot user in its own workspace
        (https://api.slack.com/changelog/2020-09-15-events-api-truncate-authed-users)."""
        n = next(self._ids)
        now = int(time.time())
        envelope = {
            "token": "legacy-verification-token",
            "team_id": team,
            "context_team_id": team,
            "context_enterprise_id": None,
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{now}{n:06d}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": HOST_TEAM,
                    "user_id": BOT_USER,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": team != HOST_TEAM,
            "event_context": f"4-event-context-{n}",
        }
        return await self.send(json.dumps(envelope), content_type="application/json")

    async def open_home(self, user: str) -> Reply:
        """`user` opens the app's Home tab: `app_home_opened`, which carries the tab's
        current view only once a view has been published to it
        (https://api.slack.com/events/app_home_opened)."""
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": "D" + user,
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        home = self._fake.home_of(user)
        if home is not None:
            event["view"] = home
        return await self.event(event)

    async def command(self, command: str, text: str = "", *, user: str, channel: str) -> Reply:
        """A slash command, as typed by `user` in `channel`."""
        return await self.send_command(
            command, text, user=user, channel=channel, response_key=f"command-{next(self._ids)}"
        )

    async def send_command(
        self, command: str, text: str, *, user: str, channel: str, response_key: str
    ) -> Reply:
        """A slash command whose response_url ends in `response_key`."""
        fields = command_fields(self._fake, command, text, user=user, channel=channel, n=0)
        fields["response_url"] = self._fake.response_url(response_key)
        # Only a member of a channel can type there (a DM has no members to add to).
        if channel in self._fake.channels:
            self._fake.join(user, channel)
        return await self.send(urlencode(fields))

    async def interact(self, payload: dict[str, Any]) -> Reply:
        return await self.send(urlencode({"payload": json.dumps(payload)}))

    async def message_shortcut(
        self, callback_id: str, message: dict[str, Any], *, user: str, channel: str
    ) -> Reply:
        n = next(self._ids)
        return await self.interact(
            {
                "type": "message_action",
                "callback_id": callback_id,
                "trigger_id": self._fake.trigger(),
                "team": {"id": HOST_TEAM, "domain": "coalition"},
                "user": {"id": user, "name": user.lower(), "team_id": HOST_TEAM},
                "channel": {"id": channel, "name": channel.lower()},
                "message": {
                    "type": "message",
                    "user": user,
                    "ts": f"1699999999.{n:06d}",
                    **message,
                },
                "message_ts": f"1699999999.{n:06d}",
                "response_url": self._fake.response_url(f"shortcut-{n}"),
                "token": "legacy-verification-token",
                "api_app_id": "A1",
                "is_enterprise_install": False,
            }
        )

    async def choose(
        self, action_id: str, value: str, *, user: str, channel: str, text: str = ""
    ) -> Reply:
        """An option chosen from an overflow menu in a message (`block_actions`)."""
        option = {"text": {"type": "plain_text", "text": text or value}, "value": value}
        return await self.press(
            action_id, "", user=user, channel=channel, element={"selected_option": option}
        )

    async def press(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        channel: str,
        message_ts: str = "1.0",
        team: str = HOST_TEAM,
        element: dict[str, Any] | None = None,
    ) -> Reply:
        """A button press in a message (`block_actions`), with its response_url. `team`
        is the presser's workspace; `team.id` stays the app's own, as Slack sends it
        from a Slack Connect channel (java-slack-sdk#1041). With `element`, another
        kind of element's answer (an overflow menu's option)."""
        n = next(self._ids)
        pressed: dict[str, Any] = (
            {"type": "overflow", **element} if element else {"type": "button", "value": value}
        )
        return await self.interact(
            {
                "type": "block_actions",
                "team": {"id": HOST_TEAM, "domain": "coalition"},
                "user": {"id": user, "name": user.lower(), "team_id": team},
                "api_app_id": "A1",
                "token": "legacy-verification-token",
                "trigger_id": self._fake.trigger(),
                "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
                "channel": {"id": channel, "name": channel.lower()},
                "message": {"type": "message", "ts": message_ts, "text": "", "blocks": []},
                "response_url": self._fake.response_url(f"action-{n}"),
                "actions": [
                    {
                        **pressed,
                        "action_id": action_id,
                        "block_id": "b",
                        "action_ts": f"{1700000000 + n}.0",
                    }
                ],
                "is_enterprise_install": False,
            }
        )

    async def press_in_home(self, action_id: str, value: str, *, user: str) -> Reply:
        """A button pressed on `user`'s Home tab: `block_actions` from a view, which
        carries the view and no response_url or channel
        (https://api.slack.com/reference/interaction-payloads/block-actions)."""
        home = self._fake.home_of(user) or {"type": "home", "blocks": []}
        pressed = {"type": "button", "value": value, "action_id": action_id, "block_id": "b"}
        return await self._in_view({"team_id": HOST_TEAM, **home}, pressed, user=user)

    async def press_in_view(
        self, view: dict[str, Any], action_id: str, value: str, *, user: str
    ) -> Reply:
        """A button pressed in a modal the app opened (`block_actions` from the view)."""
        pressed = {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
        return await self._in_view(view, pressed, user=user)

    async def choose_in_view(
        self,
        view: dict[str, Any],
        block_id: str,
        option: dict[str, Any],
        *,
        user: str,
        values: dict[str, dict[str, Any]] | None = None,
    ) -> Reply:
        """An option chosen in a modal's input block that dispatches its actions
        (`dispatch_action`): the view comes with its state so far."""
        (block,) = [b for b in view["blocks"] if b.get("block_id") == block_id]
        element = block["element"]
        chosen = {
            "type": element["type"],
            "action_id": element["action_id"],
            "block_id": block_id,
            "selected_option": option,
        }
        return await self._in_view(view, chosen, user=user, values=values)

    async def _in_view(
        self,
        view: dict[str, Any],
        action: dict[str, Any],
        *,
        user: str,
        values: dict[str, dict[str, Any]] | None = None,
    ) -> Reply:
        """A `block_actions` from a modal (Slack's payload, container type "view")."""
        n = next(self._ids)
        view_id = view.get("id", f"V{n}")
        return await self.interact(
            {
                "type": "block_actions",
                "team": {"id": HOST_TEAM, "domain": "coalition"},
                "user": {"id": user, "name": user.lower(), "team_id": HOST_TEAM},
                "api_app_id": "A1",
                "token": "legacy-verification-token",
                "trigger_id": self._fake.trigger(),
                "container": {"type": "view", "view_id": view_id},
                "view": {
                    **view,
                    "id": view_id,
                    "state": {"values": values or {}},
                    "hash": view.get("hash", f"hash-{n}"),
                },
                "actions": [{**action, "action_ts": f"{1700000000 + n}.0"}],
                "is_enterprise_install": False,
            }
        )

    async def submit_view(
        self,
        view: dict[str, Any],
        values: dict[str, dict[str, Any]],
        *,
        user: str,
        team: str = HOST_TEAM,
    ) -> Reply:
        """Submit a modal the app opened, with `values` as Slack's view.state.values,
        passed as given: a file_input's answer is `{"type": "file_input", "files":
        [fake.upload_for_input(...)]}` (slackapi/bolt-js#1995). From another workspace
        (`team`), the payload names the submitter's workspace everywhere but
        `view.app_installed_team_id` (bolt-python#734)."""
        n = next(self._ids)
        return await self.interact(
            {
                "type": "view_submission",
                "team": {"id": team, "domain": "coalition"},
                "user": {"id": user, "name": user.lower(), "team_id": team},
                "api_app_id": "A1",
                "token": "legacy-verification-token",
                "trigger_id": self._fake.trigger(),
                "is_enterprise_install": False,
                "view": {
                    "id": view.get("id", f"V{n}"),
                    "team_id": team,
                    "app_installed_team_id": HOST_TEAM,
                    "type": "modal",
                    "callback_id": view["callback_id"],
                    "private_metadata": view.get("private_metadata", ""),
                    "title": view["title"],
                    "blocks": view["blocks"],
                    "state": {"values": values},
                    "hash": f"hash-{n}",
                    "app_id": "A1",
                    "bot_id": "BBOT",
                },
                "response_urls": [],
            }
        )


def command_fields(
    fake: FakeSlack, command: str, text: str, *, user: str, channel: str, n: int
) -> dict[str, str]:
    """A slash command's fields, as Slack sends them over HTTP or inside a Socket Mode envelope."""
    return {
        "token": "legacy-verification-token",
        "team_id": HOST_TEAM,
        "team_domain": "coalition",
        "channel_id": channel,
        "channel_name": channel.lower(),
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A1",
        "is_enterprise_install": "false",
        "response_url": fake.response_url(f"command-{n}"),
        "trigger_id": fake.trigger(),
    }
