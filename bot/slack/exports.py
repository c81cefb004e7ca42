"""The list and its files, by DM: an export, or the close's list."""

from __future__ import annotations

import logging

from bot.rules.files import Chart
from bot.rules.letters import (
    DEFAULT_STYLE,
    Letter,
    LetterVersion,
    ListStyle,
)
from bot.rules.problems import FilesRefused
from bot.rules.signons import Signer
from bot.slack.blocks.notices import (
    closing_export_text,
)
from bot.slack.blocks.replies import export_message
from bot.slack.errors import UPLOAD_FAILED, slack_error
from bot.slack.gateway import SlackApi
from bot.slack.messages import send_files
from bot.texts.exports import Export, Extras, export_files
from bot.texts.lists import closing_word

logger = logging.getLogger(__name__)


async def send_export(client: SlackApi, *, user: str, export: Export) -> None:
    """The list, the document, the CSVs, the JSON and the chart, by DM to the organizer
    who asked; raises FilesRefused when Slack won't take the files."""
    letter, style = export.letter, export.style
    files = export_files(letter, export.signers, export.versions, extras=export.extras, style=style)
    text = export_message(
        letter,
        export.signers,
        closing=closing_word(letter.body, style),
        chart_failed=export.chart.failed,
    )
    try:
        await send_files(client, user=user, text=text, files=[*files, *export.chart.files])
    except UPLOAD_FAILED as error:
        logger.exception("Sending letter %s's export to %s failed", letter.id, user)
        raise FilesRefused(letter, slack_error(error)) from None


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
