"""How an entry's verification reads to organizers and leads (signers never see it)."""

from __future__ import annotations

from bot.rules.language import gettext as _
from bot.rules.verification import Verification, Verified
from bot.slack.blocks.text import escape


def verification_label(verified: Verified) -> str:
    """'verified: a roster contact signed', 'verified: from aclu.org', 'not verified'."""
    if verified.level is Verification.CONTACT:
        return _("verified: a roster contact signed")
    if verified.level is Verification.DOMAIN:
        if verified.by:
            return _("verified: from {domain}").format(domain=escape(verified.by))
        return _("verified: from its domain")
    if verified.level is Verification.CONFIRMED:
        return _("verified: a roster contact confirmed it")
    if verified.member is not None:
        return _("_not verified_ (a roster member)")
    return _("_not verified_ (not on the roster)")
