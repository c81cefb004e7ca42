"""Whether someone entitled to speak for an organization signed its entry.

An entry the roster knows (a member it matches for certain, by name, alias or an
organizer's answer) is verified by who signed it: one of that member's own roster
contacts (their Slack account, or the email they confirmed on the public page), or
someone whose confirmed email is on one of the member's domains (a Slack signer's is
the email on their Slack profile). Free-mail domains verify nobody, whatever a roster
says. Otherwise the member's contacts are asked "Did your organization sign?" once
each; a Yes from one confirms it. Anything else, and every entry the roster doesn't
know, is unverified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.rules.letters import Letter
from bot.rules.roster import MemberStanding, RosterMember, Standing
from bot.rules.signons import Contact, ContactSource, Signer, SignerKind, SignerStatus


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


class Answer(StrEnum):
    """A roster contact's answer to "Did your organization sign?"."""

    YES = "yes"
    NO = "no"


@dataclass(frozen=True, slots=True)
class Question:
    """ "Did your organization sign?", asked of one roster contact (`asked`: their Slack
    account, or the email of a contact Slack doesn't know) about one entry."""

    id: int
    letter_id: int
    signer_id: int
    member_id: int  # the roster member the entry was asked about as
    asked: str
    asked_at: datetime
    answer: Answer | None = None
    answered_at: datetime | None = None

    @property
    def by_email(self) -> bool:
        return "@" in self.asked


@dataclass(frozen=True, slots=True)
class Asked:
    """A question as its contact reads it: the letter, the member's name, and the name
    and title the signer gave (None when they gave none)."""

    question_id: int
    letter: Letter
    member: str
    signer: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class Disowned:
    """An entry withdrawn because its organization said it didn't sign: the letter,
    the member's name, the entry's name and its signer's, who answered No, and whether
    that No was about an earlier entry (`again`)."""

    letter: Letter
    member: str
    entry: str
    signer: str | None
    by: str
    again: bool = False

    @property
    def by_email(self) -> bool:
        return "@" in self.by


def confirmed_by(questions: Iterable[Question]) -> dict[int, tuple[str, ...]]:
    """Who answered Yes about each entry, by its id."""
    found: dict[int, list[str]] = {}
    for question in questions:
        if question.answer is Answer.YES:
            found.setdefault(question.signer_id, []).append(question.asked)
    return {entry_id: tuple(asked) for entry_id, asked in found.items()}


def may_count(verified: Verified, *, anyone_may_sign: bool) -> bool:
    """Whether an entry waiting to be verified counts now: it is verified, or it is an
    organization the roster doesn't know on a letter anyone may sign."""
    return verified.level.verified or (verified.member is None and anyone_may_sign)


@dataclass(frozen=True, slots=True)
class Ask:
    """Ask `asked`, a contact of roster member `member_id`, about entry `signer_id`."""

    signer_id: int
    member_id: int
    asked: str


@dataclass(frozen=True, slots=True)
class Asking:
    """What to do about a letter's unverified entries: whom to ask, and which entries
    to withdraw at once, their organization having said No to an earlier one."""

    asks: tuple[Ask, ...]
    disowned: tuple[tuple[int, Question], ...]  # (entry id, the No it follows)


def to_ask(
    entries: Sequence[Signer],
    verification: Mapping[int, Verified],
    questions: Sequence[Question],
) -> Asking:
    """Each roster contact of the member an unverified, counted organization's entry
    is, once per entry (a contact with a Slack account by DM, one Slack doesn't know by
    email). An entry already answered for is not asked about again; a new one for a
    member that answered No about an earlier entry is not asked about, but withdrawn."""
    asked = {(q.signer_id, q.asked) for q in questions}
    about = {q.signer_id for q in questions}
    answered = {q.signer_id for q in questions if q.answer is not None}
    said_no = {q.member_id: q for q in questions if q.answer is Answer.NO}
    asks: list[Ask] = []
    disowned: list[tuple[int, Question]] = []
    for entry in entries:
        found = verification.get(entry.id)
        if (
            found is None
            or found.member is None
            or found.level.verified
            or entry.status is not SignerStatus.ACTIVE
            or entry.id in answered
        ):
            continue
        member = found.member
        no = said_no.get(member.id)
        if no is not None and entry.id not in about:
            disowned.append((entry.id, no))
            continue
        asks.extend(
            Ask(entry.id, member.id, contact)
            for contact in contact_addresses(member)
            if (entry.id, contact) not in asked
        )
    return Asking(tuple(asks), tuple(disowned))


def contact_addresses(member: RosterMember) -> tuple[str, ...]:
    """Where each of a member's roster contacts is asked: their Slack account, or the
    email of a contact Slack doesn't know."""
    found = [c.user_id or (c.email.casefold() if c.email else None) for c in member.contacts]
    return tuple(dict.fromkeys(address for address in found if address))


def speaks_for(member: RosterMember, asked: str) -> bool:
    """Whether `asked` (a Slack account, or an email) is one of `member`'s contacts."""
    return asked in contact_addresses(member) or asked.casefold() in {
        c.email.casefold() for c in member.contacts if c.email
    }


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


def members_of(found: Sequence[MemberStanding]) -> dict[int, RosterMember]:
    """The roster member each entry surely is, by entry id."""
    member_of: dict[int, RosterMember] = {}
    for standing in found:
        if standing.standing is Standing.SIGNED:
            for entry_id in standing.entry_ids:
                member_of.setdefault(entry_id, standing.member)
    return member_of


def profiles_needed(entries: Sequence[Signer], found: Sequence[MemberStanding]) -> set[str]:
    """The Slack signers whose profile's email could verify an entry: of entries a
    member with domains surely is, that none of its contacts signed."""
    member_of = members_of(found)
    needed: set[str] = set()
    for entry in entries:
        member = member_of.get(entry.id)
        if member is None or not member.domains or entry.kind is not SignerKind.ORGANIZATION:
            continue
        if verify(entry, member, slack_emails={}).level is Verification.CONTACT:
            continue
        needed.update(c.slack_user for c in entry.contacts if c.slack_user)
    return needed


def verify_entries(
    entries: Sequence[Signer],
    found: Sequence[MemberStanding],
    *,
    slack_emails: Mapping[str, str],
    confirmations: Mapping[int, Sequence[str]] | None = None,
) -> dict[int, Verified]:
    """Each entry's verification, by id. `found` is where the roster's members stand
    with the letter (`bot.rules.roster.standings`): an entry a member surely signed
    as is that member's; `slack_emails` the emails on signers' Slack profiles;
    `confirmations` who answered Yes about each entry (`confirmed_by`)."""
    confirmations = confirmations or {}
    member_of = members_of(found)
    return {
        entry.id: verify(
            entry,
            member_of.get(entry.id),
            slack_emails=slack_emails,
            confirmed_by=confirmations.get(entry.id, ()),
        )
        for entry in entries
    }


def verify(
    entry: Signer,
    member: RosterMember | None,
    *,
    slack_emails: Mapping[str, str],
    confirmed_by: Sequence[str] = (),
) -> Verified:
    """One entry's verification, the roster member it is being `member`; `confirmed_by`
    are those who answered Yes about it (only the member's own contacts count)."""
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
    for asked in confirmed_by:
        if speaks_for(member, asked):
            return Verified(Verification.CONFIRMED, asked, member)
    return Verified(Verification.UNVERIFIED, None, member)


def _confirmed_email(contact: Contact, slack_emails: Mapping[str, str]) -> str | None:
    """The email we know `contact` holds: the one on their Slack profile, or the one
    they confirmed on the public page. An imported or typed email proves nothing."""
    if contact.slack_user:
        return slack_emails.get(contact.slack_user)
    if contact.source is ContactSource.WEB:
        return contact.email
    return None
