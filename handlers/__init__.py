"""Slack listeners, one module per feature: each parses its payloads, acks, calls the
services in bot/, and answers with the builders. `answers` is what they share;
`letter_command` routes `/letter` to each feature's subcommands."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import (
    deadlines,
    edits,
    entries,
    exports,
    home,
    imports,
    letters,
    questions,
    reviews,
    roster,
    signons,
)
from handlers.letter_command import letter_command

# Each feature's listeners (and, for the `/letter` subcommands, `letter_command`).
FEATURES = (
    signons,
    letters,
    deadlines,
    edits,
    reviews,
    entries,
    roster,
    questions,
    exports,
    imports,
    home,
)


def register(app: AsyncApp) -> None:
    # Bolt tries each listener in the order registered until one matches: the slash
    # commands, which a drive's bursts of sign-ons arrive as, come first.
    app.command("/letter")(letter_command)
    app.command("/signon")(signons.signon_command)
    for feature in FEATURES:
        feature.register(app)
