"""How an entry's verification reads to organizers and leads (signers never see it)."""

from __future__ import annotations

from bot.rules.verification import Verification, Verified
from bot.slack.blocks.text import escape


def verification_label(verified: Verified) -> str:
    """'verified: a roster contact signed', 'verified: from aclu.org', 'not verified'."""
    if verified.level is Verification.CONTACT:
        return "verified: a roster contact signed"
    if verified.level is Verification.DOMAIN:
        return f"verified: from {escape(verified.by or 'its domain')}"
    if verified.level is Verification.CONFIRMED:
        return "verified: a roster contact confirmed it"
    if verified.member is not None:
        return "_not verified_ (a roster member)"
    return "_not verified_ (not on the roster)"
