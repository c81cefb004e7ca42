"""Domain objects the rest of the bot passes around; storage returns these, never rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class LetterStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    REMOVED = "removed"  # taken down by an organizer: kept, but out of sight


class SignerStatus(StrEnum):
    ACTIVE = "active"  # in the list and the count
    WITHDRAWN = "withdrawn"  # kept, out of the list and the count
    MERGED = "merged"  # folded into another entry (its `merged_into`)


class ReviewStatus(StrEnum):
    PENDING = "pending"
    MERGED = "merged"
    KEPT = "kept"  # both kept, for good


class JobState(StrEnum):
    PENDING = "pending"
    DONE = "done"  # turned into deliveries
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a process until its lease ends
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Post:
    """One channel a letter goes to: `ts` is its message in the channel (None until
    posted), `parts` the thread replies that carry the rest of a long letter."""

    channel_id: str
    ts: str | None = None
    parts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewLetter:
    """A letter as an organizer submitted it, checked but not yet stored."""

    title: str
    addressee: str
    body: str
    deadline: datetime
    channels: tuple[str, ...]
    leads: tuple[str, ...]
    goal: int | None
    created_by: str
    reminders: tuple[timedelta, ...] = ()  # before the deadline, furthest first
    shown_reminders: tuple[timedelta, ...] | None = None  # in the channel too; None: last two


class ListFormat(StrEnum):
    NAMES = "names"
    CITY_STATE = "city-state"
    STATE = "state"
    BY_STATE = "by-state"
    BY_TYPE = "by-type"

    @property
    def label(self) -> str:
        return _FORMAT_LABELS[self]


_FORMAT_LABELS = {
    ListFormat.NAMES: "Names only",
    ListFormat.CITY_STATE: "Name, City, ST",
    ListFormat.STATE: "Name (ST)",
    ListFormat.BY_STATE: "Grouped by state",
    ListFormat.BY_TYPE: "National, state and local groups",
}


@dataclass(frozen=True, slots=True)
class ListStyle:
    format: ListFormat = ListFormat.NAMES
    individuals_apart: bool = True
    closing: str | None = None  # None: the letter's own, else "Sincerely,"


DEFAULT_STYLE = ListStyle()


@dataclass(frozen=True, slots=True)
class Letter:
    id: int
    title: str
    addressee: str
    body: str
    deadline: datetime
    goal: int | None
    status: LetterStatus
    created_by: str
    created_at: datetime
    posts: tuple[Post, ...]
    leads: tuple[str, ...]
    reminders: tuple[timedelta, ...] = ()
    schedule_version: int = 0  # bumped whenever the deadline or reminders change
    shown_reminders: tuple[timedelta, ...] | None = None  # in the channel too; None: last two
    list_style: ListStyle = DEFAULT_STYLE  # as its list was last exported, for the close
    version: int = 1  # of its text: one more for each edit of the text or addressee

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(post.channel_id for post in self.posts)

    @property
    def is_open(self) -> bool:
        return self.status is LetterStatus.OPEN

    @property
    def unposted_channels(self) -> tuple[str, ...]:
        return tuple(post.channel_id for post in self.posts if post.ts is None)


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


@dataclass(frozen=True, slots=True)
class LetterEdit:
    """A letter as an organizer changed it, checked: every field, changed or not."""

    title: str
    addressee: str
    body: str
    channels: tuple[str, ...]
    deadline: datetime
    reminders: tuple[timedelta, ...]
    leads: tuple[str, ...]
    goal: int | None
    shown_reminders: tuple[timedelta, ...] | None = None


@dataclass(frozen=True, slots=True)
class LetterVersion:
    """One text a letter has had, kept in full."""

    version: int
    addressee: str
    body: str
    edited_at: datetime
    edited_by: str


@dataclass(frozen=True, slots=True)
class ChannelResult:
    """How posting or updating a letter went in one channel; `error` is Slack's code."""

    channel_id: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class SignerKind(StrEnum):
    ORGANIZATION = "organization"
    INDIVIDUAL = "individual"


@dataclass(frozen=True, slots=True)
class Submission:
    """One sign-on as submitted: from Slack (`user_id`) or an imported row (`import_ref`).

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
class Hold:
    """Someone whose organizations on a letter went past the few one person usually
    speaks for: those their sign-ons count for, and those waiting for an organizer."""

    id: int
    letter_id: int
    user_id: str
    status: HoldStatus
    counted: tuple[str, ...]
    waiting: tuple[HeldSignOn, ...]

    @property
    def person_name(self) -> str | None:
        """The name they signed with, as they last gave it."""
        return next(
            (h.submission.person_name for h in reversed(self.waiting) if h.submission.person_name),
            None,
        )

    @property
    def organizations(self) -> int:
        return len(self.counted) + len(self.waiting)


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


class ReviewDecision(StrEnum):
    MERGED = "merged"
    KEPT = "kept"  # both kept, for good
    APPROVED = "approved"  # a held person's sign-ons count
    WITHDRAWN_ALL = "withdrawn_all"  # every sign-on of a held person taken back
    ALREADY_DECIDED = "already_decided"  # or one of the pair has withdrawn


@dataclass(frozen=True, slots=True)
class ReviewPair:
    id: int
    letter_id: int
    first: Signer
    second: Signer


@dataclass(frozen=True, slots=True)
class Plan:
    """What to schedule for one deadline: the reminders still ahead, then the close."""

    deadline: datetime
    reminders: tuple[tuple[timedelta, datetime], ...]  # (offset, when), soonest last


class JobKind(StrEnum):
    REMINDER = "reminder"
    CLOSE = "close"
    DEADLINE_MOVED = "deadline_moved"
    TALLY = "tally"
    DUPLICATES = "duplicates"  # new possible duplicates, told to a letter's leads
    NEW_VERSION = "new_version"  # a new text, told to those who signed an earlier one
    CHASE = "chase"  # a DM to each contact of a member organization that hasn't signed

    @property
    def label(self) -> str:
        """What its messages are, to name them in a sentence: "A reminder"."""
        return _JOB_LABELS[self]


_JOB_LABELS = {
    JobKind.REMINDER: "A reminder",
    JobKind.CLOSE: "The closing post",
    JobKind.DEADLINE_MOVED: "The new-deadline announcement",
    JobKind.TALLY: "The daily tally",
    JobKind.DUPLICATES: "The notice of new possible duplicates",
    JobKind.NEW_VERSION: "The notice of a new version",
    JobKind.CHASE: "A reminder to a member that hasn't signed",
}


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message a scheduled job sends: in a letter's thread in `target` (a channel),
    or by DM to `target` (a person). Claimed by this process until it is marked."""

    id: int
    kind: JobKind
    letter_id: int | None
    target: str
    offset: timedelta | None
    version: int | None  # the letter's schedule version its job was planned for
    since: datetime  # when it became due
    attempts: int
    # A daily tally whose text went out on an earlier attempt: the snapshot that text
    # reported (its charts are what is left to send).
    snapshot: Any = None

    @property
    def to_person(self) -> bool:
        return self.target.startswith(("U", "W"))


@dataclass(frozen=True, slots=True)
class DeliveryProblem:
    """A scheduled post that has not gone out: still retrying, or given up."""

    letter_id: int | None  # None for a daily tally
    kind: JobKind
    target: str
    error: str
    attempts: int
    gave_up: bool


@dataclass(frozen=True, slots=True)
class LetterSummary:
    """A letter as `/letter list` shows it: its count, and posts that haven't gone out."""

    letter: Letter
    count: int
    problems: list[DeliveryProblem] = field(default_factory=list)
    unconfirmed: int = 0  # entries on an earlier version of its text, not confirmed since


@dataclass(frozen=True, slots=True)
class Listing:
    """What `/letter list` shows: the letters, and daily tallies that haven't gone out."""

    letters: list[LetterSummary]
    tally_problems: list[DeliveryProblem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RosterContact:
    """How a member organization is reached: a Slack account, an email, or both (an
    email Slack knows is looked up to its account)."""

    user_id: str | None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class RosterMember:
    """A member organization of the coalition: someone expected to sign."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    state: str | None = None
    kind: str | None = None  # national, state, local …
    contacts: tuple[RosterContact, ...] = ()

    @property
    def user_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.user_id for c in self.contacts if c.user_id))


class Standing(StrEnum):
    """Where a member organization stands with a letter."""

    SIGNED = "signed"
    POSSIBLY_SIGNED = "possibly_signed"  # a signer's name may be theirs: a person decides
    WITHDRAWN = "withdrawn"  # signed, then withdrew: counted as not signed
    NOT_SIGNED = "not_signed"


@dataclass(frozen=True, slots=True)
class MemberStanding:
    member: RosterMember
    standing: Standing
    signed_as: tuple[str, ...] = ()  # the entry (or, when possibly, entries) it matched
    entry_ids: tuple[int, ...] = ()  # those entries' ids, in the same order

    @property
    def missing(self) -> bool:
        return self.standing in (Standing.NOT_SIGNED, Standing.WITHDRAWN)


@dataclass(frozen=True, slots=True)
class Person:
    """What Slack says of someone (users.info): the name to show, and their timezone."""

    user_id: str
    name: str | None
    tz: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Reach:
    """How far a letter has reached the roster."""

    members: int
    signed: list[MemberStanding]
    missing: list[MemberStanding]  # not signed, or withdrawn
    possible: list[MemberStanding]  # may have signed, under a name a person should check

    @classmethod
    def of(cls, found: Sequence[MemberStanding]) -> Reach:
        return cls(
            members=len(found),
            signed=[s for s in found if s.standing is Standing.SIGNED],
            missing=[s for s in found if s.missing],
            possible=[s for s in found if s.standing is Standing.POSSIBLY_SIGNED],
        )


@dataclass(frozen=True, slots=True)
class Drive:
    """An open letter as its organizer sees it on their Home."""

    letter: Letter
    count: int
    reach: Reach | None = None  # with a roster
    pairs: list[ReviewPair] = field(default_factory=list)
    problems: list[DeliveryProblem] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)  # held sign-ons to decide


@dataclass(frozen=True, slots=True)
class SignedEntry:
    """An entry someone signed, on a letter still shown to them, by the name they may
    see it under."""

    letter: Letter
    entry: Signer
    name: str


@dataclass(frozen=True, slots=True)
class Home:
    drives: list[Drive]  # empty for someone who runs none
    to_sign: list[tuple[Letter, int]]  # open letters they haven't signed, with counts
    signed: list[SignedEntry]
    organizer: bool = False
    notice: str = ""  # what just happened, at the top


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message: an export, the document, a chart (an image has alt
    text, for screen readers)."""

    name: str
    title: str
    content: str | bytes
    alt_text: str | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    """A drive's chart for the message it goes with: its image, or none, before anyone
    has signed or because it couldn't be drawn (`failed`: the message says so, and the
    files go without it)."""

    image: Attachment | None = None
    failed: bool = False

    @property
    def files(self) -> list[Attachment]:
        return [self.image] if self.image is not None else []
