"""The list and its files, by DM: an export, or the close's list."""

from __future__ import annotations

import logging

from bot.rules.files import Attachment
from bot.rules.problems import FilesRefused
from bot.slack.blocks.notices import closing_export_text
from bot.slack.blocks.replies import export_message
from bot.slack.errors import UPLOAD_FAILED, slack_error
from bot.slack.gateway import SlackApi
from bot.slack.messages import send_files
from bot.texts.exports import Export, export_files
from bot.texts.lists import closing_word

logger = logging.getLogger(__name__)


async def send_export(client: SlackApi, *, user: str, export: Export) -> None:
    """The list, the document, the CSVs, the JSON and the chart, by DM to the organizer
    who asked; raises FilesRefused when Slack won't take the files."""
    letter = export.letter
    text = export_message(
        letter, export.signers, closing=_closing(export), chart_failed=export.chart.failed
    )
    try:
        await send_files(client, user=user, text=text, files=_files(export))
    except UPLOAD_FAILED as error:
        logger.exception("Sending letter %s's export to %s failed", letter.id, user)
        raise FilesRefused(letter, slack_error(error)) from None


async def send_closing_list(client: SlackApi, *, user: str, export: Export) -> None:
    """The final list in the letter's style (with the files and the drive's chart), by DM
    to a lead (or the creator) when sign-ons close."""
    text = closing_export_text(
        export.letter,
        export.signers,
        closing=_closing(export),
        chart_failed=export.chart.failed,
        waiting=export.extras.waiting,
    )
    await send_files(client, user=user, text=text, files=_files(export))


def _closing(export: Export) -> str:
    return closing_word(export.letter.body, export.style)


def _files(export: Export) -> list[Attachment]:
    """The list's files in the export's style, and the chart when there is one."""
    files = export_files(
        export.letter, export.signers, export.versions, extras=export.extras, style=export.style
    )
    return [*files, *export.chart.files]
