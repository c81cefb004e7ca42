"""Settings: contract names, friendly validation, and the start-up guide."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.settings import ConfigurationError, Settings, load_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(
            ("SLACK_", "DATABASE_", "ORGANIZER", "TIMEZONE", "PORT", "PUBLIC_URL", "SMTP_")
        ) or name in {"MAIL_FROM", "FRAME_ANCESTORS", "PROXY_HOPS"}:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_settings_read_the_contract_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every setting comes from its documented environment variable."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("SLACK_API_URL", "http://localhost:9000/api")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///drives.db")
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("ORGANIZERS", " U1, W2 ,,")
    monkeypatch.setenv("ORGANIZER_GROUP", "S123")
    monkeypatch.setenv("TIMEZONE", "America/Chicago")
    settings = load_settings()
    assert (
        settings.slack_bot_token is not None
        and settings.slack_bot_token.get_secret_value() == "xoxb-1"
    )
    assert settings.slack_api_url == "http://localhost:9000/api/"
    assert settings.database_url == "sqlite+aiosqlite:///drives.db"
    assert settings.port == 8080
    assert settings.organizers == frozenset({"U1", "W2"})
    assert settings.organizer_group == "S123"
    assert settings.timezone == ZoneInfo("America/Chicago")
    assert not settings.socket_mode


def test_defaults_match_the_contract() -> None:
    """Without settings: Slack's API, a SQLite file here, port 3000, New York time."""
    settings = Settings(_env_file=None)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite+aiosqlite:///undersigned.db"
    assert settings.port == 3000 and settings.timezone == ZoneInfo("America/New_York")


def test_a_dot_env_file_is_read(tmp_path: Path) -> None:
    """Settings in .env in the working directory count like the environment."""
    (tmp_path / ".env").write_text("SLACK_APP_TOKEN=xapp-1\nORGANIZERS=U1\n")
    settings = load_settings()
    assert settings.socket_mode and settings.organizers == frozenset({"U1"})


def test_the_example_env_file_copied_as_is_means_unset(tmp_path: Path) -> None:
    """Copying .env.example unchanged leaves its empty values unset, not invalid."""
    (tmp_path / ".env").write_text((REPO / ".env.example").read_text())
    settings = load_settings()
    assert settings.organizer_group is None and settings.slack_signing_secret is None
    with pytest.raises(ConfigurationError) as raised:
        settings.require_slack_credentials()
    assert raised.value.problems[0] == ("SLACK_BOT_TOKEN", "not set")


def test_bad_values_are_explained_without_echoing_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each wrong value is named with what to do; a wrong token's value is not shown."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-very-secret-user-token")
    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    guide = raised.value.guide()
    assert {name for name, _ in raised.value.problems} == {"SLACK_BOT_TOKEN", "PORT", "TIMEZONE"}
    assert "bot tokens start with xoxb-" in guide and "Mars/Olympus" in guide
    assert "very-secret" not in guide


def test_http_mode_needs_the_signing_secret_and_socket_mode_does_not() -> None:
    """Credentials are required by mode: HTTP verifies requests, Socket Mode doesn't."""
    with pytest.raises(ConfigurationError) as raised:
        Settings(_env_file=None, slack_bot_token="xoxb-1").require_slack_credentials()
    assert [name for name, _ in raised.value.problems] == ["SLACK_SIGNING_SECRET"]
    Settings(
        _env_file=None, slack_bot_token="xoxb-1", slack_app_token="xapp-1"
    ).require_slack_credentials()


def test_tokens_never_appear_in_the_settings_repr() -> None:
    """Logging the settings object can't leak a token."""
    settings = Settings(_env_file=None, slack_bot_token="xoxb-secret", slack_signing_secret="shh")
    assert "xoxb-secret" not in repr(settings) and "shh" not in repr(settings)


def test_starting_without_tokens_prints_the_guide_and_exits_non_zero(tmp_path: Path) -> None:
    """`python -m bot` with nothing configured explains itself; no traceback."""
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN: not set" in result.stderr
    assert "manifest.yml" in result.stderr and "api.slack.com/apps" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_web_sign_ons_need_both_the_public_address_and_a_mail_relay() -> None:
    """PUBLIC_URL has no default: without it, or without SMTP_URL, the web is off."""
    assert not Settings(_env_file=None).web_signons
    assert not Settings(_env_file=None, public_url="https://sign.example.org").web_signons
    assert not Settings(_env_file=None, smtp_url="smtp://relay.example.org").web_signons
    settings = Settings(
        _env_file=None, public_url="https://sign.example.org/", smtp_url="smtp://relay.example.org"
    )
    assert settings.web_signons and settings.public_url == "https://sign.example.org"
    assert settings.mail_sender == "Undersigned <no-reply@sign.example.org>"


def test_the_web_settings_read_their_contract_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_URL", "https://sign.example.org")
    monkeypatch.setenv("SMTP_URL", "smtps://bot:p%40ss@mail.example.org:465")
    monkeypatch.setenv("MAIL_FROM", "Our Coalition <sign@coalition.example.org>")
    monkeypatch.setenv("FRAME_ANCESTORS", "https://coalition.example.org, https://*.allies.org")
    monkeypatch.setenv("PROXY_HOPS", "1")
    settings = load_settings()
    assert settings.web_signons
    assert settings.mail_sender == "Our Coalition <sign@coalition.example.org>"
    assert settings.frame_ancestors == ("https://coalition.example.org", "https://*.allies.org")
    assert settings.proxy_hops == 1
    assert "p%40ss" not in repr(settings) and "p@ss" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("PUBLIC_URL", "sign.example.org", "must be a URL"),
        ("PUBLIC_URL", "https://sign.example.org/?x=1", "without ? or #"),
        ("PUBLIC_URL", "https://example.org/sign", "without a path"),
        ("SMTP_URL", "http://bot:hunter2@mail.example.org", "smtp"),
        ("MAIL_FROM", "a@example.org, b@example.org", "one email address"),
        ("MAIL_FROM", "a@example.org\r\nBcc: c@example.org", "one email address"),
        ("FRAME_ANCESTORS", "https://ok.example.org 'unsafe-inline'; script-src *", "sites"),
    ],
)
def test_wrong_web_settings_are_explained_without_their_secrets(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, said: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    guide = raised.value.guide()
    assert raised.value.problems[0][0] == name and said in guide
    assert "hunter2" not in guide
