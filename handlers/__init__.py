"""Slack surfaces: each module parses one kind of payload, acks, calls bot/, answers."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import actions, commands, shortcuts, views


def register(app: AsyncApp) -> None:
    actions.register(app)
    commands.register(app)
    shortcuts.register(app)
    views.register(app)
