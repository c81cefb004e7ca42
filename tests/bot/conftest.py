"""What the tests of bot/ share beyond tests/conftest.py."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_client
from bot.settings import Settings


@pytest.fixture
def client(settings: Settings) -> AsyncWebClient:
    """The bot's Slack client, pointed at the fake Slack; no retries, so a refusal shows."""
    return build_client(settings, retries=False)
