"""Addresses of the public pages: a letter's page and its list of signers, and the
private links a web signer is sent. Pure: the base address is PUBLIC_URL, or None
when web sign-ons are off (no PUBLIC_URL or no SMTP_URL)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.rules.language import Language
from bot.rules.letters import Letter

# The query parameter that chooses a page's language: `?lang=es`.
LANGUAGE_QUERY = "lang"


@dataclass(frozen=True, slots=True)
class PublicPages:
    base: str | None  # PUBLIC_URL without its trailing slash; None when the web is off

    @property
    def on(self) -> bool:
        return self.base is not None

    def letter_url(self, letter: Letter) -> str | None:
        """The letter's public page, or None when it has none (the web is off, or its
        organizer turned web sign-ons off)."""
        if self.base is None or not letter.web_signons or not letter.public_token:
            return None
        return f"{self.base}{letter_path(letter.public_token)}"

    def signers_url(self, letter: Letter) -> str | None:
        page = self.letter_url(letter)
        return f"{page}/signers" if page else None

    def confirm_url(self, token: str) -> str:
        assert self.base is not None
        return f"{self.base}/confirm/{token}"

    def manage_url(self, token: str) -> str:
        assert self.base is not None
        return f"{self.base}/manage/{token}"

    def answer_url(self, token: str) -> str:
        """Where a roster contact answers whether their organization signed."""
        assert self.base is not None
        return f"{self.base}/answer/{token}"


def letter_path(public_token: str) -> str:
    return f"/l/{public_token}"


def in_language(url: str, language: Language) -> str:
    """`url` opening its page in `language`: `.../confirm/<token>?lang=es`."""
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}{LANGUAGE_QUERY}={language.value}"
