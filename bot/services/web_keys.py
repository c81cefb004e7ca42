"""What the public page signs and hashes with the instance's keys: the private links
a web signer is sent, its forms' CSRF tokens, and its visitors' addresses.

The keys are made on the instance's first start and kept in the database
(`app_keys`), so every replica signs and checks alike and a restart breaks no link.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.rules.signons import WEB_ACCOUNT_PREFIX
from bot.storage import Store

# A form may be sent this long after the page was shown, and no sooner than this
# (a person reads and types; a bot posts at once).
FORM_VALID_FOR = timedelta(hours=6)
FORM_FILL_MIN = timedelta(seconds=2)
# The networks a visitor's address is counted in too: an IPv4 /24 and an IPv6 /64.
IPV4_NETWORK = 24
IPV6_NETWORK = 64
# How many visitors' hashed addresses are remembered.
ADDRESSES_REMEMBERED = 4096


class FormToken:
    """Why a form's token was refused."""

    EXPIRED = "expired"
    TOO_SOON = "too_soon"
    FORGED = "forged"


@dataclass(frozen=True, slots=True)
class WebKeys:
    links: bytes
    forms: bytes
    visitors: bytes

    @classmethod
    async def of(cls, store: Store) -> WebKeys:
        return cls(
            links=await store.web_signons.key("links"),
            forms=await store.web_signons.key("forms"),
            visitors=await store.web_signons.key("visitors"),
        )

    # Links

    def seal(self, purpose: str, value: int) -> str:
        """`value` with a signature for `purpose`: a confirmation link's can't open the
        page to manage the sign-on, nor be turned into another sign-on's."""
        return f"{value}.{_mac(self.links, f'{purpose}:{value}', 18)}"

    def unseal(self, purpose: str, token: str) -> int | None:
        value, _, mac = token.partition(".")
        if not value.isdigit() or len(value) > 12:
            return None
        expected = _mac(self.links, f"{purpose}:{value}", 18)
        return int(value) if hmac.compare_digest(mac, expected) else None

    # Forms

    @staticmethod
    def new_visitor() -> str:
        """A browser's own random value, kept in its cookie: a form's token is good
        only with the cookie of the browser it was given to."""
        return secrets.token_urlsafe(18)

    def form_token(self, visitor: str, *, now: datetime) -> str:
        issued = str(int(now.timestamp()))
        return f"{issued}.{_mac(self.forms, f'{visitor}:{issued}', 24)}"

    def check_form_token(self, visitor: str, token: str, *, now: datetime) -> str | None:
        """None when the token is good for this visitor now; else why not
        (`FormToken`)."""
        issued, _, mac = token.partition(".")
        if not visitor or not issued.isdigit() or len(issued) > 12:
            return FormToken.FORGED
        if not hmac.compare_digest(mac, _mac(self.forms, f"{visitor}:{issued}", 24)):
            return FormToken.FORGED
        age = now.timestamp() - int(issued)
        if age > FORM_VALID_FOR.total_seconds():
            return FormToken.EXPIRED
        if age < FORM_FILL_MIN.total_seconds():
            return FormToken.TOO_SOON
        return None

    # Visitors

    @functools.lru_cache(maxsize=ADDRESSES_REMEMBERED)  # noqa: B019 (one WebKeys a process)
    def address_keys(self, address: str) -> tuple[str, str]:
        """Keyed hashes of a visitor's address and of its network, as the rate limits
        and the records keep them: never the address itself. Remembered for the
        addresses seen last: a flood comes from a few, request after request."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return (self._hashed("ip", address), self._hashed("net", address))
        prefix = IPV4_NETWORK if ip.version == 4 else IPV6_NETWORK
        network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
        return (self._hashed("ip", str(ip)), self._hashed("net", str(network)))

    def email_keys(self, email: str) -> tuple[str, str]:
        """Keyed hashes of an email address and of its domain."""
        domain = email.rpartition("@")[2]
        return (self._hashed("mail", email.casefold()), self._hashed("domain", domain.casefold()))

    def account(self, email: str) -> str:
        """A web signer's account (see `WEB_ACCOUNT_PREFIX`): the same for the same
        address, whatever its case."""
        return WEB_ACCOUNT_PREFIX + _mac(self.visitors, f"account:{email.casefold()}", 18)

    def _hashed(self, kind: str, value: str) -> str:
        return f"{kind}:{_mac(self.visitors, f'{kind}:{value}', 24)}"


def _mac(key: bytes, message: str, size: int) -> str:
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()[:size]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
