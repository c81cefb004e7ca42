"""A letter and its drive: what an organizer posts, edits and closes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.rules.language import N_, Language
from bot.rules.schedule import DeliveryProblem


class LetterStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    REMOVED = "removed"  # taken down by an organizer: kept, but out of sight


class VerificationRule(StrEnum):
    """Whose sign-ons count at once on a letter (see `bot.rules.verification`)."""

    FLAG = "flag"  # every sign-on counts; organizers see which aren't verified
    HOLD = "hold"  # an unverified organization's sign-on waits until it is verified


class WhoCounts(StrEnum):
    """The letter form's choice of whose sign-ons count at once: a rule, and under
    HOLD whether organizations the roster doesn't know count too."""

    EVERYONE = "everyone"  # FLAG
    ROSTER_VERIFIED = "roster_verified"  # HOLD, anyone may sign
    VERIFIED_ONLY = "verified_only"  # HOLD, nobody off the roster counts unasked

    @property
    def rule(self) -> tuple[VerificationRule, bool]:
        """(the rule, anyone may sign)."""
        if self is WhoCounts.EVERYONE:
            return VerificationRule.FLAG, True
        return VerificationRule.HOLD, self is WhoCounts.ROSTER_VERIFIED

    @classmethod
    def of(cls, letter: Letter) -> WhoCounts:
        if not letter.holds_unverified:
            return cls.EVERYONE
        return cls.ROSTER_VERIFIED if letter.anyone_may_sign else cls.VERIFIED_ONLY


@dataclass(frozen=True, slots=True)
class Post:
    """One channel a letter goes to: `ts` is its message in the channel (None until
    posted), `parts` the thread replies that carry the rest of a long letter."""

    channel_id: str
    ts: str | None = None
    parts: tuple[str, ...] = ()
    permalink: str | None = None  # where Slack links to it, once posted


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
    web_signons: bool = True  # people may sign on its public page (when the bot can)
    verification_rule: VerificationRule = VerificationRule.FLAG
    # Under HOLD, organizations the roster doesn't know count at once too.
    anyone_may_sign: bool = True
    translations: tuple[LetterText, ...] = ()  # its text in other languages


class ListFormat(StrEnum):
    NAMES = "names"
    CITY_STATE = "city-state"
    STATE = "state"
    BY_STATE = "by-state"
    BY_TYPE = "by-type"

    @property
    def label(self) -> str:
        return _FORMAT_LABELS[self]


# Said where they are shown (`_(format.label)`).
_FORMAT_LABELS = {
    ListFormat.NAMES: N_("Names only"),
    ListFormat.CITY_STATE: N_("Name, City, ST"),
    ListFormat.STATE: N_("Name (ST)"),
    ListFormat.BY_STATE: N_("Grouped by state"),
    ListFormat.BY_TYPE: N_("National, state and local groups"),
}


@dataclass(frozen=True, slots=True)
class ListStyle:
    format: ListFormat = ListFormat.NAMES
    individuals_apart: bool = True
    closing: str | None = None  # None: the letter's own, else "Sincerely,"


DEFAULT_STYLE = ListStyle()


@dataclass(frozen=True, slots=True)
class LetterText:
    """A letter's words in one language: what its readers in that language read."""

    language: Language
    title: str
    addressee: str
    body: str


@dataclass(frozen=True, slots=True)
class Translation:
    """A letter's text in another language, as its organizers wrote it (never a
    machine): it translates the letter's version `of_version`."""

    text: LetterText
    of_version: int


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
    # Its public page is PUBLIC_URL/l/<public_token>, if `web_signons` and the bot has
    # PUBLIC_URL and SMTP_URL (`bot.services.public_links`).
    public_token: str = ""
    web_signons: bool = True
    verification_rule: VerificationRule = VerificationRule.FLAG
    anyone_may_sign: bool = True  # under HOLD: organizations off the roster count at once
    closed_at: datetime | None = None  # when it last closed; None while open
    # Its text in other languages (its own is English), each signed as the same letter.
    translations: tuple[Translation, ...] = ()

    @property
    def own_text(self) -> LetterText:
        return LetterText(Language.ENGLISH, self.title, self.addressee, self.body)

    def translation(self, language: Language) -> Translation | None:
        return next((t for t in self.translations if t.text.language is language), None)

    def text_in(self, language: Language) -> LetterText:
        """What a reader of `language` reads: its text in that language, if its
        organizers wrote one, else its own."""
        translation = self.translation(language)
        return translation.text if translation is not None else self.own_text

    @property
    def holds_unverified(self) -> bool:
        return self.verification_rule is VerificationRule.HOLD

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(post.channel_id for post in self.posts)

    @property
    def is_open(self) -> bool:
        return self.status is LetterStatus.OPEN

    @property
    def unposted_channels(self) -> tuple[str, ...]:
        return tuple(post.channel_id for post in self.posts if post.ts is None)


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
    web_signons: bool = True
    verification_rule: VerificationRule = VerificationRule.FLAG
    anyone_may_sign: bool = True
    # Its texts in other languages as the edit leaves them; None: as they were.
    translations: tuple[LetterText, ...] | None = None


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


@dataclass(frozen=True, slots=True)
class LetterSummary:
    """A letter as `/letter list` shows it: its count, and posts that haven't gone out."""

    letter: Letter
    count: int
    problems: list[DeliveryProblem] = field(default_factory=list)
    unconfirmed: int = 0  # entries on an earlier version of its text, not confirmed since
    public_url: str | None = None  # its public sign-on page, while open, when it has one


@dataclass(frozen=True, slots=True)
class Listing:
    """What `/letter list` shows: the letters, and daily tallies that haven't gone out."""

    letters: list[LetterSummary]
    tally_problems: list[DeliveryProblem] = field(default_factory=list)
