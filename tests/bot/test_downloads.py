"""The bot token goes only to Slack's own hosts, over https: a file's download address
is checked before the token is sent, and at every redirect."""

from __future__ import annotations

import pytest

from bot.slack.files import is_slack_host

API = "https://slack.com/api/"


@pytest.mark.parametrize(
    ("url", "api", "sent"),
    [
        ("https://files.slack.com/files-pri/T1-F1/download/letter.docx", API, True),
        ("https://slack.com/files/x", API, True),
        ("https://files.slack-gov.com/files-pri/x", "https://slack-gov.com/api/", True),
        ("http://files.slack.com/files-pri/T1-F1/download/letter.docx", API, False),
        ("ftp://files.slack.com/x", API, False),
        ("https://files.slack.com.evil.example/x", API, False),
        ("https://evil.example/files.slack.com", API, False),
        ("https://notslack.com/x", API, False),
        # A stand-in on this machine, as configured, and nothing else on that host.
        ("http://127.0.0.1:8930/files/F1/x", "http://127.0.0.1:8930/api/", True),
        ("http://127.0.0.1:9999/files/F1/x", "http://127.0.0.1:8930/api/", False),
    ],
)
def test_the_token_goes_to_slack_over_https_or_to_the_api_host_as_configured(
    url: str, api: str, sent: bool
) -> None:
    assert is_slack_host(url, api) is sent
