"""Signing on: what a person submits, the entries it makes, who keeps them, and
sign-ons held for an organizer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.rules.language import Language
from bot.rules.letters import Letter


class SignerStatus(StrEnum):
    ACTIVE = "active"  # in the list and the count
    WITHDRAWN = "withdrawn"  # kept, out of the list and the count
    MERGED = "merged"  # folded into another entry (its `merged_into`)


class ChangeAction(StrEnum):
    """What was done to an entry after it was made (the audit trail's actions)."""

    CORRECTED = "corrected"  # by its signer
    EDITED = "edited"  # by an organizer
    WITHDRAWN = "withdrawn"
    RESTORED = "restored"
    MOVED = "moved"  # its signer's sign-on moved to another organization
    MERGED = "merged"  # into another entry, by an organizer's review


@dataclass(frozen=True, slots=True)
class SignerChange:
    """One row of a letter's audit trail."""

    signer_id: int
    signer_name: str
    action: ChangeAction
    field: str | None
    before: str | None
    after: str | None
    changed_by: str
    changed_at: datetime
    reason: str | None = None


class SignerKind(StrEnum):
    ORGANIZATION = "organization"
    INDIVIDUAL = "individual"


class ContactSource(StrEnum):
    """Where a sign-on came from."""

    SLACK = "slack"
    WEB = "web"  # the letter's public page, confirmed by email
    IMPORT = "import"  # a row of a file collected elsewhere


# A web signer's account, where a Slack signer's user ID would be: "web:" and a keyed
# hash of their email address, so the rules that know a signer by their account (one
# contact per person, the few organizations one person signs for, what they may
# correct or withdraw) hold for them too. Never a Slack user ID: Slack IDs have no colon.
WEB_ACCOUNT_PREFIX = "web:"


def is_slack_user(account: str | None) -> bool:
    """Whether a signer's account is a Slack user, to be named, asked or messaged there."""
    return account is not None and not account.startswith(WEB_ACCOUNT_PREFIX)


@dataclass(frozen=True, slots=True)
class Submission:
    """One sign-on as submitted: from Slack (`user_id`), from the public page (`user_id`
    is the web signer's account) or an imported row (`import_ref`).

    For an organization `name` is the organization; for an individual it is the person,
    and `affiliation` the organization named for identification only.
    """

    kind: SignerKind
    name: str
    person_name: str | None = None
    title: str | None = None
    affiliation: str | None = None
    city: str | None = None
    state: str | None = None
    email: str | None = None
    public: bool = True
    user_id: str | None = None
    team_id: str | None = None  # the signer's Slack workspace
    import_ref: str | None = None
    signed_at: datetime | None = None  # when it was signed elsewhere, for imports
    may_contact: bool | None = None  # the coalition may write about the letter (web only)
    read_in: Language = Language.ENGLISH  # the language of the letter's text they were shown

    @property
    def source(self) -> ContactSource:
        if self.import_ref is not None or self.user_id is None:
            return ContactSource.IMPORT
        return ContactSource.SLACK if is_slack_user(self.user_id) else ContactSource.WEB


@dataclass(frozen=True, slots=True)
class Contact:
    person_name: str | None
    title: str | None
    email: str | None
    user_id: str | None
    submitted_as: str
    signed_at: datetime
    team_id: str | None = None  # the Slack workspace they signed from
    signed_version: int = 1  # the letter's version when they signed
    confirmed_version: int | None = None  # the latest they said they still sign
    source: ContactSource = ContactSource.SLACK
    may_contact: bool | None = None  # asked on the public page only
    read_in: Language = Language.ENGLISH  # the language of the letter's text they signed

    @property
    def slack_user(self) -> str | None:
        """Their Slack account, if they signed in Slack."""
        return self.user_id if is_slack_user(self.user_id) else None

    @property
    def agreed_version(self) -> int:
        """The latest version of the letter this contact has signed or confirmed."""
        return max(self.signed_version, self.confirmed_version or 0)


@dataclass(frozen=True, slots=True)
class Signer:
    """One entry in a letter's list of signers, with everyone who signed it."""

    id: int
    letter_id: int
    kind: SignerKind
    name: str
    affiliation: str | None
    city: str | None
    state: str | None
    public: bool
    signed_at: datetime
    contacts: tuple[Contact, ...] = ()
    # Every spelling ever submitted for this entry, first one first, withdrawn ones too.
    submitted_as: tuple[str, ...] = ()
    possible_duplicate_of: tuple[str, ...] = ()
    signed_version: int = 1  # the letter's version when the entry was made
    confirmed_version: int | None = None  # the highest any of its contacts confirmed
    status: SignerStatus = SignerStatus.ACTIVE
    made_by: str | None = None  # the Slack account whose sign-on made it
    # Active, but neither counted nor listed until verified: its letter holds
    # unverified sign-ons back (`VerificationRule.HOLD`).
    waiting: bool = False
    # The language of the letter's text the sign-on that made it was shown.
    read_in: Language = Language.ENGLISH

    @property
    def agreed_version(self) -> int:
        """The latest version of the letter this entry has signed or confirmed."""
        return max(self.signed_version, self.confirmed_version or 0)

    def contact_of(self, user: str) -> Contact | None:
        """`user`'s own contact for this entry (their latest), if they are one."""
        return next((c for c in reversed(self.contacts) if c.user_id == user), None)

    def name_seen_by(self, user: str) -> str:
        """The entry's name as `user` may see it. An organization that asked not to be
        listed is named to a contact who didn't make it only as they typed it: who else
        signed it, and how, is for its maker and the organizers."""
        own = self.contact_of(user)
        hidden = not self.public and self.kind is SignerKind.ORGANIZATION
        if hidden and user != self.made_by and own is not None:
            return own.submitted_as
        return self.name


@dataclass(frozen=True, slots=True)
class OwnEntry:
    """An entry as one of its contacts sees it: the entry, their own contact, and
    whether they keep its details (its maker, or the letter's organizers and leads).
    Anyone else who signed it changes only their own name, title and email."""

    signer: Signer
    contact: Contact | None
    keeper: bool

    @property
    def name(self) -> str:
        """The entry's name as this contact may see it."""
        user = self.contact.user_id if self.contact else None
        return self.signer.name_seen_by(user) if user else self.signer.name


class Outcome(StrEnum):
    NEW = "new"  # a new entry in the list
    SAME = "same"  # an organization that had signed: kept as another contact
    ALREADY = "already"  # this person had already signed for this entry
    IMPORTED_BEFORE = "imported_before"  # this imported row was imported before
    HELD = "held"  # past the organizations one person signs for: waits for an organizer


class HoldStatus(StrEnum):
    """An organizer's word on someone who signs for many organizations on one letter."""

    PENDING = "pending"  # not yet given: their sign-ons past the limit wait
    APPROVED = "approved"  # they speak for that many: all their sign-ons count
    WITHDRAWN = "withdrawn"  # every sign-on of theirs was taken back; later ones wait


class HeldStatus(StrEnum):
    HELD = "held"  # waiting for an organizer
    COUNTED = "counted"  # approved, and recorded like any sign-on
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class HeldSignOn:
    """A sign-on kept as submitted, waiting for an organizer before it counts."""

    id: int
    submission: Submission
    submitted_at: datetime

    @property
    def name(self) -> str:
        return self.submission.name


@dataclass(frozen=True, slots=True)
class Recorded:
    """What became of a submission: its entry, or (held) the sign-on kept waiting."""

    outcome: Outcome
    signer: Signer | None
    possible_duplicates: tuple[str, ...] = ()  # the listed ones, by name
    possible_unlisted: int = 0  # how many more asked not to be listed
    held: HeldSignOn | None = None

    @property
    def entry(self) -> Signer:
        """The entry it counts for; only a held sign-on has none yet."""
        if self.signer is None:
            raise ValueError("a held sign-on has no entry yet")
        return self.signer


@dataclass(frozen=True, slots=True)
class Signed:
    """A recorded sign-on and the letter's count right after it."""

    recorded: Recorded
    count: int


@dataclass(frozen=True, slots=True)
class StatusReport:
    """What a person has signed of a letter, what of theirs waits for an organizer,
    and the letter's count."""

    letter: Letter
    user: str
    signed: list[Signer]
    count: int
    held: list[HeldSignOn] = field(default_factory=list)
    keeps: frozenset[int] = frozenset()  # the entries whose details they keep

    def name_of(self, entry: Signer) -> str:
        return entry.name_seen_by(self.user)
