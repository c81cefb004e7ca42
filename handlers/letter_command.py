"""`/letter` and its subcommands: each feature's are in its own module; this reads the
subcommand and runs it. A problem it raises is answered by the app's error handler."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.rules.mrkdwn import message_text_to_plain
from bot.services.deadlines import Deadlines
from bot.services.edits import Edits
from bot.services.entries import Entries
from bot.services.exports import Exports
from bot.services.imports import Imports
from bot.services.letters import Letters
from bot.services.reviews import Reviews
from bot.services.roster import Members
from bot.services.workspace import Workspace
from bot.slack.blocks.replies import letter_help
from handlers.answers import Subcommand
from handlers.deadlines import SUBCOMMANDS as DEADLINE_SUBCOMMANDS
from handlers.edits import SUBCOMMANDS as EDIT_SUBCOMMANDS
from handlers.entries import SUBCOMMANDS as ENTRY_SUBCOMMANDS
from handlers.exports import SUBCOMMANDS as EXPORT_SUBCOMMANDS
from handlers.imports import SUBCOMMANDS as IMPORT_SUBCOMMANDS
from handlers.letters import SUBCOMMANDS as LETTER_SUBCOMMANDS
from handlers.reviews import SUBCOMMANDS as REVIEW_SUBCOMMANDS
from handlers.roster import SUBCOMMANDS as ROSTER_SUBCOMMANDS

SUBCOMMANDS: dict[str, Subcommand] = {
    **LETTER_SUBCOMMANDS,
    **DEADLINE_SUBCOMMANDS,
    **EDIT_SUBCOMMANDS,
    **REVIEW_SUBCOMMANDS,
    **ENTRY_SUBCOMMANDS,
    **EXPORT_SUBCOMMANDS,
    **IMPORT_SUBCOMMANDS,
    **ROSTER_SUBCOMMANDS,
}


async def letter_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    workspace: Workspace,
    letters: Letters,
    deadlines: Deadlines,
    edits: Edits,
    reviews: Reviews,
    exports: Exports,
    entries: Entries,
    members: Members,
    imports: Imports,
) -> None:
    await ack()
    # Slack sends command text encoded (&amp;, &lt;, <@U123|name>): read it as typed.
    name, _, rest = message_text_to_plain(command.get("text") or "").strip().partition(" ")
    subcommand = SUBCOMMANDS.get(name.lower())
    if subcommand is None:
        await respond(letter_help(unknown=name))
        return
    await subcommand(
        command=command,
        rest=rest.strip(),
        respond=respond,
        workspace=workspace,
        letters=letters,
        deadlines=deadlines,
        edits=edits,
        reviews=reviews,
        exports=exports,
        entries=entries,
        members=members,
        imports=imports,
    )
