"""Runtime configuration: one settings object, read from the environment or `.env`.

Nothing else in the project reads `os.environ`. Configuration mistakes surface as a
`ConfigurationError` whose `guide()` tells a person what to fix and where to find it.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from email.utils import parseaddr
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.mail.smtp import parse_smtp_url
from bot.rules.timing import DEFAULT_REMINDERS, TimingError, parse_clock, parse_offsets

SLACK_APPS_PAGE = "https://api.slack.com/apps"

# A site allowed to frame the embeddable list: a scheme, a host (possibly `*.`), a port.
_FRAME_SOURCE = re.compile(r"https?://(\*\.)?[a-z0-9.-]+(:[0-9]{1,5})?", re.IGNORECASE)

# Where each credential lives in Slack's app settings, for the start-up guide.
WHERE_TO_FIND = {
    "SLACK_BOT_TOKEN": (
        "the Bot User OAuth Token (starts with xoxb-): "
        f"{SLACK_APPS_PAGE} → your app → OAuth & Permissions"
    ),
    "SLACK_SIGNING_SECRET": (
        f"{SLACK_APPS_PAGE} → your app → Basic Information → App Credentials → Signing Secret"
    ),
    "SLACK_APP_TOKEN": (
        "an app-level token with the connections:write scope (starts with xapp-): "
        f"{SLACK_APPS_PAGE} → your app → Basic Information → App-Level Tokens"
    ),
}


class ConfigurationError(Exception):
    """Settings that cannot run the bot, as (variable, what is wrong) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in problems))
        self.problems = problems

    def guide(self) -> str:
        lines = ["Undersigned can't start yet:", ""]
        for name, problem in self.problems:
            lines.append(f"  {name}: {problem}")
            if name in WHERE_TO_FIND:
                lines.append(f"      Find it here: {WHERE_TO_FIND[name]}")
        lines += [
            "",
            "Set these in the environment or in a .env file (copy .env.example to start).",
            "No Slack app yet? Create one from manifest.yml in one paste: "
            f"{SLACK_APPS_PAGE} → Create New App → From a manifest. The README walks through it.",
        ]
        return "\n".join(lines)


class Settings(BaseSettings):
    """Everything Undersigned can be configured with; names match the interface contract."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        # `.env.example` lists every variable, most left empty: empty means unset.
        env_ignore_empty=True,
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite+aiosqlite:///undersigned.db"
    port: int = Field(default=3000, ge=1, le=65535)
    organizers: Annotated[frozenset[str], NoDecode] = frozenset()
    organizer_group: str | None = None
    timezone: Annotated[ZoneInfo, NoDecode] = ZoneInfo("America/New_York")
    tally_time: Annotated[time, NoDecode] = time(9, 0)
    reminders: Annotated[tuple[timedelta, ...], NoDecode] = parse_offsets(DEFAULT_REMINDERS)
    # The public sign-on page: where people reach it (no default: a link nobody outside
    # this machine can open would help no one), and the mail relay its emails go through.
    public_url: str | None = None
    smtp_url: SecretStr | None = None
    mail_from: str | None = None
    # Sites that may show the embeddable list of signers in a frame (CSP frame-ancestors).
    frame_ancestors: Annotated[tuple[str, ...], NoDecode] = ()
    # How many proxies (load balancers) in front of the bot add to X-Forwarded-For: the
    # visitor's address is that many entries from its end. 0: the bot faces the internet.
    proxy_hops: int = Field(default=0, ge=0, le=5)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("this is not a bot token; bot tokens start with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("this is not an app-level token; app-level tokens start with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be a URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        # Accept the plain URLs people copy from hosting dashboards.
        for plain, driver in (
            ("sqlite://", "sqlite+aiosqlite://"),
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
        ):
            if value.startswith(plain):
                return driver + value.removeprefix(plain)
        return value

    @field_validator("organizers", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("organizers")
    @classmethod
    def _user_ids(cls, value: frozenset[str]) -> frozenset[str]:
        wrong = sorted(user for user in value if user[:1] not in {"U", "W"})
        if wrong:
            raise ValueError(
                f"expected Slack user IDs such as U012AB3CD, got {', '.join(wrong)} "
                "(a member ID is under the person's profile → ⋮ → Copy member ID)"
            )
        return value

    @field_validator("organizer_group")
    @classmethod
    def _group_id(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("S"):
            raise ValueError(f"expected a user group ID such as S0614TZR7, got {value}")
        return value or None

    @field_validator("timezone", mode="before")
    @classmethod
    def _zone(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone {value!r}; use a name such as America/New_York"
                ) from None
        return value

    @field_validator("tally_time", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse_clock(value)
            except TimingError as problem:
                raise ValueError(str(problem)) from None
        return value

    @field_validator("reminders", mode="before")
    @classmethod
    def _offsets(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse_offsets(value)
            except TimingError as problem:
                raise ValueError(f"{problem} (for example {DEFAULT_REMINDERS})") from None
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("must be a URL such as https://sign.example.org")
        if parts.query or parts.fragment:
            raise ValueError("must be an address without ? or #, such as https://sign.example.org")
        if parts.path.strip("/"):
            # The pages are served at the root (/l/…, /static/…), as the links in them are.
            raise ValueError(
                "must be a site's address without a path, such as https://sign.example.org"
            )
        return value.rstrip("/")

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        try:
            parse_smtp_url(value.get_secret_value())
        except ValueError as problem:
            raise ValueError(str(problem)) from None
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from_shape(cls, value: str | None) -> str | None:
        if value is not None and not _one_address(value):
            raise ValueError(
                "must be one email address, optionally with a name: Coalition <sign@example.org>"
            )
        return value

    @field_validator("frame_ancestors", mode="before")
    @classmethod
    def _sources(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = tuple(value.replace(",", " ").split())
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        wrong = [
            source for source in value if source != "'self'" and not _FRAME_SOURCE.fullmatch(source)
        ]
        if wrong:
            raise ValueError(
                f"expected sites such as https://coalition.example.org, got {', '.join(wrong)}"
            )
        return value

    @property
    def web_signons(self) -> bool:
        """Whether letters may be signed on their public page: it needs an address
        people reach it at and a way to send the emails that confirm."""
        return self.public_url is not None and self.smtp_url is not None

    @property
    def mail_sender(self) -> str:
        """MAIL_FROM, or an address at PUBLIC_URL's host."""
        if self.mail_from is not None:
            return self.mail_from
        host = urlsplit(self.public_url or "").hostname or "localhost"
        return f"Undersigned <no-reply@{host}>"

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def require_slack_credentials(self) -> None:
        """Raise a ConfigurationError unless the bot has what it needs to talk to Slack."""
        problems = []
        if self.slack_bot_token is None:
            problems.append(("SLACK_BOT_TOKEN", "not set"))
        if not self.socket_mode and self.slack_signing_secret is None:
            problems.append(
                (
                    "SLACK_SIGNING_SECRET",
                    "not set (needed in HTTP mode, when SLACK_APP_TOKEN is unset)",
                )
            )
        if problems:
            raise ConfigurationError(problems)


def _one_address(value: str) -> bool:
    """Whether `value` is one email address, with or without a display name."""
    if "\r" in value or "\n" in value or "," in value:
        return False
    _, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    return bool(local and at and "." in domain)


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment, turning validation errors into a guide."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigurationError(
            [(str(e["loc"][0]).upper(), _describe(e)) for e in error.errors()]
        ) from None


def _describe(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[0].lower() + message[1:] if message else "invalid value"
