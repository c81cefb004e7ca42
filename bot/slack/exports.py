"""The list and its files, by DM: an export, or the close's list."""

from __future__ import annotations

from bot.rules.files import Chart
from bot.rules.letters import (
    DEFAULT_STYLE,
    Letter,
    LetterVersion,
    ListStyle,
)
from bot.rules.signons import Signer
from bot.slack.blocks.notices import (
    closing_export_text,
)
from bot.slack.blocks.replies import export_message
from bot.slack.gateway import SlackApi
from bot.slack.messages import send_files
from bot.texts.exports import Extras, export_files
from bot.texts.lists import closing_word


async def send_export(
    client: SlackApi,
    *,
    user: str,
    letter: Letter,
    signers: list[Signer],
    versions: list[LetterVersion],
    extras: Extras,
    chart: Chart,
    style: ListStyle = DEFAULT_STYLE,
) -> None:
    """The list, the document, the CSVs, the JSON and the chart, by DM to the organizer
    who asked."""
    files = export_files(letter, signers, versions, extras=extras, style=style)
    text = export_message(
        letter, signers, closing=closing_word(letter.body, style), chart_failed=chart.failed
    )
    await send_files(client, user=user, text=text, files=[*files, *chart.files])


async def send_closing_list(
    client: SlackApi,
    *,
    user: str,
    letter: Letter,
    signers: list[Signer],
    versions: list[LetterVersion],
    extras: Extras,
    chart: Chart,
    style: ListStyle = DEFAULT_STYLE,
) -> None:
    """The final list in `style` (with the files and the drive's chart), by DM to a lead
    (or the creator) when sign-ons close."""
    files = export_files(letter, signers, versions, extras=extras, style=style)
    text = closing_export_text(
        letter, signers, closing=closing_word(letter.body, style), chart_failed=chart.failed
    )
    await send_files(client, user=user, text=text, files=[*files, *chart.files])
