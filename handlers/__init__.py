"""Slack surfaces: each module parses one kind of payload, acks, calls bot/, answers."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import actions, commands, events, shortcuts, views


def register(app: AsyncApp) -> None:
    # Bolt tries each listener in the order registered until one matches: the slash
    # commands, which a drive's bursts of sign-ons arrive as, come first.
    commands.register(app)
    actions.register(app)
    shortcuts.register(app)
    views.register(app)
    events.register(app)
