""" "Did your organization sign?" by DM, and the notices of a No."""

from __future__ import annotations

from bot.rules.verification import Asked, Disowned
from bot.slack.blocks.questions import (
    disowned_lead_message,
    disowned_signer_text,
    question_message,
)
from bot.slack.gateway import SlackApi
from bot.slack.messages import send_dm


async def send_question(client: SlackApi, *, user: str, asked: Asked) -> None:
    """Ask a roster contact, with Yes and No buttons."""
    await send_dm(client, user=user, message=question_message(asked))


async def send_disowned(client: SlackApi, *, user: str, disowned: Disowned, signer: bool) -> None:
    """Tell a lead (who answered, and how to restore it) or the entry's `signer` (only
    that it was withdrawn, and whom to ask) that its organization didn't sign."""
    message = (
        {"text": disowned_signer_text(disowned)} if signer else disowned_lead_message(disowned)
    )
    await send_dm(client, user=user, message=message)
