"""The Slack app manifest grants every scope the bot's Web API calls need, and
subscribes to the events and turns on the tabs it uses. Scopes per method are from
Slack's method reference (api.slack.com/methods/<method>, "Required scopes")."""

from __future__ import annotations

import re
from pathlib import Path

from handlers.letter_command import SUBCOMMANDS

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = (ROOT / "manifest.yml").read_text(encoding="utf-8")

# Each Web API method the bot calls, and the bot scope Slack requires for it (None: no
# scope, as for views.* and auth.test; or an app-level token's, for Socket Mode).
SCOPES = {
    "apps_connections_open": None,  # app-level token: connections:write
    "auth_test": None,
    "bots_info": "users:read",
    "chat_delete": "chat:write",
    "chat_getPermalink": None,
    "chat_postEphemeral": "chat:write",
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "conversations_join": "channels:join",
    "conversations_members": "channels:read",  # and groups:read, for private channels
    "conversations_open": "im:write",
    "files_info": "files:read",
    "files_upload_v2": "files:write",
    "usergroups_users_list": "usergroups:read",
    "users_info": "users:read",
    "users_lookupByEmail": "users:read.email",
    "views_open": None,
    "views_publish": None,
    "views_update": None,
    "views_push": None,
}


def called_methods() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        found |= set(re.findall(r"client\.([A-Za-z0-9_]+)\(", path.read_text(encoding="utf-8")))
    return found


def granted_scopes() -> set[str]:
    scopes = MANIFEST.split("scopes:", 1)[1].split("settings:", 1)[0]
    return set(re.findall(r"^\s+- ([a-z:.]+)", scopes, flags=re.MULTILINE))


def test_every_method_the_bot_calls_has_its_scope_granted() -> None:
    called = called_methods()
    assert called <= set(SCOPES), f"say which scope these need: {called - set(SCOPES)}"
    needed = {SCOPES[method] for method in called} - {None}
    assert needed <= granted_scopes()


def test_the_home_and_messages_tabs_and_the_home_event_are_on() -> None:
    assert "home_tab_enabled: true" in MANIFEST
    assert "messages_tab_enabled: true" in MANIFEST
    assert re.search(r"bot_events:\s+- app_home_opened", MANIFEST)


def test_the_letter_commands_usage_hint_lists_every_subcommand() -> None:
    """Slack shows the usage hint as people type `/letter`: each subcommand is in it."""
    hint = re.search(r"command: /letter\n(?:.*\n)*?\s+usage_hint: (.*)", MANIFEST)
    assert hint is not None
    listed = {word.strip() for word in hint.group(1).split("|")}
    assert set(SUBCOMMANDS) - {""} <= listed
