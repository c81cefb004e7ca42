"""Whether someone entitled to speak for an organization signed its entry.

An entry the roster knows (a member it matches for certain, by name, alias or an
organizer's answer) is verified by who signed it: one of that member's own roster
contacts (their Slack account, or the email they confirmed on the public page), or
someone whose confirmed email is on one of the member's domains (a Slack signer's is
the email on their Slack profile). Free-mail domains verify nobody, whatever a roster
says. Anything else, and every entry the roster doesn't know, is unverified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.rules.roster import MemberStanding, RosterMember, Standing
from bot.rules.signons import Contact, ContactSource, Signer, SignerKind


class Verification(StrEnum):
    """How sure we are that the organization itself signed, surest first."""

    CONTACT = "contact"  # one of the member's roster contacts signed
    DOMAIN = "domain"  # signed from the member's own email domain
    CONFIRMED = "confirmed"  # a roster contact of the member said "Yes, we signed"
    UNVERIFIED = "unverified"

    @property
    def verified(self) -> bool:
        return self is not Verification.UNVERIFIED


@dataclass(frozen=True, slots=True)
class Verified:
    """An entry's verification: its level, who or what verified it (a Slack account,
    an email or a domain), and the roster member it is, when the roster knows."""

    level: Verification
    by: str | None = None
    member: RosterMember | None = None


UNVERIFIED = Verified(Verification.UNVERIFIED)

# Addresses anyone can open: they say nothing of whom someone works for. Providers
# with a domain per country are named once, below, for every country's domain.
FREE_MAIL_DOMAINS = frozenset(
    {
        "aim.com",
        "att.net",
        "bellsouth.net",
        "charter.net",
        "comcast.net",
        "cox.net",
        "earthlink.net",
        "fastmail.com",
        "fastmail.fm",
        "gmail.com",
        "googlemail.com",
        "hey.com",
        "icloud.com",
        "mac.com",
        "mail.com",
        "me.com",
        "msn.com",
        "optonline.net",
        "pm.me",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "rocketmail.com",
        "sbcglobal.net",
        "tuta.io",
        "tutanota.com",
        "verizon.net",
        "ymail.com",
        "zoho.com",
        "zohomail.com",
        "163.com",
        "126.com",
    }
)
FREE_MAIL_PROVIDERS = frozenset(
    {"aol", "gmx", "hotmail", "live", "mail", "outlook", "prodigy", "yahoo", "yandex", "web"}
)
# The end of a provider's per-country domain: "es", "co.uk", "com.mx".
_COUNTRY_ENDING_LABEL_MAX = 3


def email_domain(email: str | None) -> str | None:
    """The domain of an email address, lowercased; None for something that isn't one."""
    if not email or email.count("@") != 1:
        return None
    domain = email.rsplit("@", 1)[1].strip().strip(".").casefold()
    return domain if "." in domain else None


def is_free_mail(domain: str) -> bool:
    """Whether `domain` is one anyone can have an address on (gmail.com, yahoo.es …)."""
    domain = domain.casefold()
    if domain in FREE_MAIL_DOMAINS:
        return True
    provider, _, ending = domain.partition(".")
    labels = ending.split(".")
    return (
        provider in FREE_MAIL_PROVIDERS
        and 1 <= len(labels) <= 2
        and all(0 < len(label) <= _COUNTRY_ENDING_LABEL_MAX for label in labels)
    )


def on_domain(domain: str, domains: Iterable[str]) -> str | None:
    """The one of `domains` that `domain` is, or is under (ny.aclu.org under aclu.org);
    None when none is, or `domain` is free mail."""
    if is_free_mail(domain):
        return None
    for own in domains:
        if not is_free_mail(own) and (domain == own or domain.endswith(f".{own}")):
            return own
    return None


def verified_organizations(
    entries: Iterable[Signer], verification: Mapping[int, Verified]
) -> tuple[int, int]:
    """How many of `entries` are organizations, and how many of those are verified."""
    organizations = [entry for entry in entries if entry.kind is SignerKind.ORGANIZATION]
    verified = sum(
        1
        for entry in organizations
        if (found := verification.get(entry.id)) is not None and found.level.verified
    )
    return len(organizations), verified


def verify_entries(
    entries: Sequence[Signer],
    found: Sequence[MemberStanding],
    *,
    slack_emails: Mapping[str, str],
) -> dict[int, Verified]:
    """Each entry's verification, by id. `found` is where the roster's members stand
    with the letter (`bot.rules.roster.standings`): an entry a member surely signed
    as is that member's; `slack_emails` the emails on signers' Slack profiles."""
    member_of: dict[int, RosterMember] = {}
    for standing in found:
        if standing.standing is Standing.SIGNED:
            for entry_id in standing.entry_ids:
                member_of.setdefault(entry_id, standing.member)
    return {
        entry.id: verify(entry, member_of.get(entry.id), slack_emails=slack_emails)
        for entry in entries
    }


def verify(
    entry: Signer, member: RosterMember | None, *, slack_emails: Mapping[str, str]
) -> Verified:
    """One entry's verification, the roster member it is being `member`."""
    if member is None or entry.kind is not SignerKind.ORGANIZATION:
        return UNVERIFIED
    user_ids = set(member.user_ids)
    emails = {c.email for c in member.contacts if c.email}
    for contact in entry.contacts:
        if contact.slack_user and contact.slack_user in user_ids:
            return Verified(Verification.CONTACT, contact.slack_user, member)
        web_email = contact.email.casefold() if contact.email else None
        if contact.source is ContactSource.WEB and web_email in emails:
            return Verified(Verification.CONTACT, contact.email, member)
    for contact in entry.contacts:
        domain = email_domain(_confirmed_email(contact, slack_emails))
        own = on_domain(domain, member.domains) if domain else None
        if own is not None:
            return Verified(Verification.DOMAIN, own, member)
    return Verified(Verification.UNVERIFIED, None, member)


def _confirmed_email(contact: Contact, slack_emails: Mapping[str, str]) -> str | None:
    """The email we know `contact` holds: the one on their Slack profile, or the one
    they confirmed on the public page. An imported or typed email proves nothing."""
    if contact.slack_user:
        return slack_emails.get(contact.slack_user)
    if contact.source is ContactSource.WEB:
        return contact.email
    return None
