"""Sending an organizer a letter's list: the text to paste, the CSV and the JSON, by DM."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.access import Organizers
from bot.models import Letter, Signer
from bot.problems import FilesRefused, Surface
from bot.refs import find_letter
from bot.slack_ops import UPLOAD_FAILED, send_export, slack_error
from bot.storage import Store

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Export:
    letter: Letter
    signers: list[Signer]


class Exports:
    def __init__(self, *, store: Store, client: AsyncWebClient, organizers: Organizers) -> None:
        self._store = store
        self._client = client
        self._organizers = organizers

    async def send(self, ref: str, *, user: str, channel: str) -> Export:
        """The letter's list, sent to the organizer who asks."""
        letter = await find_letter(
            self._store, ref, channel=channel, status=None, surface=Surface.LETTER
        )
        await self._organizers.require_manager(user, letter)
        signers = await self._store.signatures.signers(letter.id)
        try:
            await send_export(
                self._client,
                user=user,
                letter=letter,
                signers=signers,
                versions=await self._store.letters.versions(letter.id),
            )
        except UPLOAD_FAILED as error:
            logger.exception("Sending letter %s's export to %s failed", letter.id, user)
            raise FilesRefused(letter, slack_error(error)) from None
        return Export(letter, signers)
