"""The current shape of the database, used to build queries.

Migrations in `migrations/versions/` create this shape step by step; a test checks
that the migrated database and this module agree.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa

from bot.rules.language import Language
from bot.rules.letters import LetterStatus, VerificationRule
from bot.rules.limits import ADDRESSEE_MAX, TITLE_MAX
from bot.rules.reviews import ReviewStatus
from bot.rules.schedule import DeliveryState, JobKind, JobState
from bot.rules.signons import (
    ChangeAction,
    ContactSource,
    HeldStatus,
    HoldStatus,
    SignerKind,
    SignerStatus,
)
from bot.rules.verification import Answer
from bot.rules.web_signons import WebSignOnStatus
from bot.storage.types import UTCDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def one_of(column: str, values: type[StrEnum]) -> str:
    """A CHECK that `column` holds one of the enum's values."""
    return f"{column} IN ({', '.join(repr(value.value) for value in values)})"


# 7 days, 3 days, 1 day and 3 hours, in seconds: the schedule letters had before it was set.
DEFAULT_REMINDERS = "604800,259200,86400,10800"

letters = sa.Table(
    "letters",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(TITLE_MAX), nullable=False),
    sa.Column("addressee", sa.String(ADDRESSEE_MAX), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("deadline", UTCDateTime, nullable=False),
    sa.Column("goal", sa.Integer, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_by", sa.String(32), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # Reminder offsets before the deadline, in seconds, comma-separated, furthest first.
    sa.Column("reminders", sa.String(200), nullable=False, server_default=DEFAULT_REMINDERS),
    # Bumped whenever the deadline or reminders change; scheduled posts carry the
    # version they were planned for, so a post planned for an old deadline never goes out.
    sa.Column("schedule_version", sa.Integer, nullable=False, server_default="0"),
    # The current version of its text (see letter_versions).
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    # Reminder offsets also shown in the channel, as `reminders` is written; NULL for
    # the last two.
    sa.Column("shown_reminders", sa.String(200), nullable=True),
    # How its list was last exported, as JSON (see `ListStyle`); NULL for the default.
    sa.Column("list_style", sa.String(300), nullable=True),
    # Its public page's address is PUBLIC_URL/l/<public_token>: unguessable, so a
    # letter's page is found only through the link the coalition shares.
    sa.Column("public_token", sa.String(32), nullable=False),
    # Whether its organizer lets people sign on the public page (when the bot can).
    sa.Column("web_signons", sa.Boolean, nullable=False, server_default=sa.true()),
    # Whose sign-ons count at once (`VerificationRule`), and under HOLD whether
    # organizations the roster doesn't know do.
    sa.Column("verification_rule", sa.String(8), nullable=False, server_default="flag"),
    sa.Column("anyone_may_sign", sa.Boolean, nullable=False, server_default=sa.true()),
    # When it last closed (at its deadline, or early); NULL while open.
    sa.Column("closed_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("public_token"),
    sa.CheckConstraint(one_of("verification_rule", VerificationRule), name="rule_known"),
    sa.CheckConstraint(one_of("status", LetterStatus), name="status_known"),
    sa.CheckConstraint("goal IS NULL OR goal > 0", name="goal_positive"),
    sa.CheckConstraint("length(trim(title)) > 0", name="title_present"),
    sa.CheckConstraint("length(trim(body)) > 0", name="body_present"),
    # Ids are what people type (`/letter close 3`) and what stale modals carry: never reuse one.
    sqlite_autoincrement=True,
)

# Every text a letter has had: version 1 as it was posted, one more for each edit of
# its text or addressee, kept in full.
letter_versions = sa.Table(
    "letter_versions",
    metadata,
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("addressee", sa.String(ADDRESSEE_MAX), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("edited_at", UTCDateTime, nullable=False),
    sa.Column("edited_by", sa.String(32), nullable=False),
)

# A letter's text in another language, written by its organizers (never by a machine):
# its readers in that language read it, and sign the same letter, counted once. It
# translates the letter's version `of_version`; an edit of either text since asks the
# organizer to bring the other up to date.
letter_translations = sa.Table(
    "letter_translations",
    metadata,
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("title", sa.String(TITLE_MAX), nullable=False),
    sa.Column("addressee", sa.String(ADDRESSEE_MAX), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("of_version", sa.Integer, nullable=False),
    sa.Column("edited_at", UTCDateTime, nullable=False),
    sa.Column("edited_by", sa.String(32), nullable=False),
    sa.CheckConstraint(one_of("language", Language), name="language_known"),
    sa.CheckConstraint("length(trim(body)) > 0", name="body_present"),
)

letter_posts = sa.Table(
    "letter_posts",
    metadata,
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("channel_id", sa.String(32), primary_key=True),
    sa.Column("ts", sa.String(32), nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
    # Where the post is, as Slack links to it (chat.getPermalink), once posted.
    sa.Column("permalink", sa.String(500), nullable=True),
)

# The thread replies that carry the rest of a long letter, in order, per posted copy.
letter_post_parts = sa.Table(
    "letter_post_parts",
    metadata,
    sa.Column("letter_id", sa.Integer, primary_key=True),
    sa.Column("channel_id", sa.String(32), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("ts", sa.String(32), nullable=False),
    sa.ForeignKeyConstraint(
        ["letter_id", "channel_id"],
        ["letter_posts.letter_id", "letter_posts.channel_id"],
        ondelete="CASCADE",
    ),
)

letter_leads = sa.Table(
    "letter_leads",
    metadata,
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("user_id", sa.String(32), primary_key=True),
)

letter_drafts = sa.Table(
    "letter_drafts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("created_by", sa.String(32), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("length(trim(body)) > 0", name="body_present"),
    # Ids are what people type (`/letter close 3`) and what stale modals carry: never reuse one.
    sqlite_autoincrement=True,
)


# One entry in the list of signers: an organization, or an individual.
signers = sa.Table(
    "signers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("key", sa.String(1000), nullable=False),
    sa.Column("affiliation", sa.String(300), nullable=True),
    sa.Column("city", sa.String(100), nullable=True),
    sa.Column("state", sa.String(100), nullable=True),
    sa.Column("public", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("merged_into", sa.Integer, sa.ForeignKey("signers.id"), nullable=True),
    sa.Column("signed_at", UTCDateTime, nullable=False),
    # The letter's version when the entry was made, and the latest one its signers
    # have said they still sign (by Keep my signature, or by signing it anew).
    sa.Column("signed_version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("confirmed_version", sa.Integer, nullable=True),
    # The Slack account whose sign-on made the entry: it keeps the entry's details
    # (with the letter's organizers and leads). None for an imported entry.
    sa.Column("made_by", sa.String(32), nullable=True),
    # An active entry of a letter that holds unverified sign-ons, waiting to be
    # verified: kept, in the dedupe rules' sight, but neither counted nor listed.
    sa.Column("waiting", sa.Boolean, nullable=False, server_default=sa.false()),
    # The language of the letter's text the sign-on that made it was shown.
    sa.Column("read_in", sa.String(8), nullable=False, server_default="en"),
    sa.CheckConstraint(one_of("kind", SignerKind), name="kind_known"),
    sa.CheckConstraint(one_of("status", SignerStatus), name="status_known"),
    sa.CheckConstraint("(status = 'merged') = (merged_into IS NOT NULL)", name="merged_has_target"),
    sa.CheckConstraint("length(trim(name)) > 0", name="name_present"),
    # The rule that keeps the count right: one active entry per organization per letter.
    sa.Index(
        "uq_signers_one_active_per_key",
        "letter_id",
        "kind",
        "key",
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    ),
    # A letter's entries by key, merged ones too (recording a batch looks them up).
    sa.Index("ix_signers_key_letter_id", "key", "letter_id"),
    # A letter's active entries of a kind in id order: the organizations added since
    # the dedupe index last looked are read from here.
    sa.Index(
        "ix_signers_kind_letter_id",
        "kind",
        "letter_id",
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    ),
    sqlite_autoincrement=True,
)

# An active entry, written as the partial indexes above write it: a query that binds
# the status instead leaves SQLite unable to tell that they hold every row it wants.
SIGNER_ACTIVE = signers.c.status == sa.literal_column(f"'{SignerStatus.ACTIVE.value}'")
# An entry in the count and the list: active, and not waiting to be verified.
SIGNER_COUNTED = sa.and_(SIGNER_ACTIVE, signers.c.waiting.is_(sa.false()))

# Each sign-on: the person who submitted it, and the spelling they used.
signatures = sa.Table(
    "signatures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "signer_id", sa.Integer, sa.ForeignKey("signers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("user_id", sa.String(32), nullable=True),
    # The signer's Slack workspace: in a Slack Connect channel, not always the bot's own.
    sa.Column("team_id", sa.String(32), nullable=True),
    sa.Column("submitted_as", sa.String(300), nullable=False),
    sa.Column("person_name", sa.String(200), nullable=True),
    sa.Column("title", sa.String(200), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("import_ref", sa.String(64), nullable=True),
    sa.Column("signed_at", UTCDateTime, nullable=False),
    sa.Column("withdrawn_at", UTCDateTime, nullable=True),
    # The letter's version when this contact signed, and the latest they said they
    # still sign (Keep my signature): each contact speaks for themselves.
    sa.Column("signed_version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("confirmed_version", sa.Integer, nullable=True),
    # Slack, the public page, or an imported file (`ContactSource`).
    sa.Column("source", sa.String(8), nullable=False, server_default="slack"),
    # Whether the coalition may write to them about the letter: asked on the public page.
    sa.Column("may_contact", sa.Boolean, nullable=True),
    # The language of the letter's text this contact was shown when they signed.
    sa.Column("read_in", sa.String(8), nullable=False, server_default="en"),
    sa.CheckConstraint(one_of("source", ContactSource), name="source_known"),
    sa.Index("ix_signatures_letter_id_user_id", "letter_id", "user_id"),
    sa.Index("ix_signatures_signer_id", "signer_id"),
    # Importing the same file twice adds nothing.
    sa.Index("uq_signatures_letter_id_import_ref", "letter_id", "import_ref", unique=True),
    # A person is one contact of an entry, however often they sign it.
    sa.Index(
        "uq_signatures_one_active_per_person",
        "signer_id",
        "user_id",
        unique=True,
        sqlite_where=sa.text("user_id IS NOT NULL AND withdrawn_at IS NULL"),
        postgresql_where=sa.text("user_id IS NOT NULL AND withdrawn_at IS NULL"),
    ),
    sqlite_autoincrement=True,
)

# A pair of entries that may be one organization, until an organizer decides.
duplicate_reviews = sa.Table(
    "duplicate_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "first_id", sa.Integer, sa.ForeignKey("signers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "second_id", sa.Integer, sa.ForeignKey("signers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("decided_by", sa.String(32), nullable=True),
    sa.Column("decided_at", UTCDateTime, nullable=True),
    sa.CheckConstraint("first_id < second_id", name="ordered_pair"),
    sa.CheckConstraint(one_of("status", ReviewStatus), name="status_known"),
    sa.UniqueConstraint("first_id", "second_id"),
    sa.Index("ix_duplicate_reviews_second_id", "second_id"),
    sqlite_autoincrement=True,
)


# Everything the bot posts on its own at a set time: the database is the schedule.
# A due job becomes deliveries (one per channel or person) in the transaction that
# marks it done, so however many processes look, each job is carried out once.
scheduled_jobs = sa.Table(
    "scheduled_jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=True
    ),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("offset_seconds", sa.Integer, nullable=True),
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    # What makes a job itself: planning it twice (two processes, a restart) finds it there.
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(one_of("kind", JobKind), name="kind_known"),
    sa.CheckConstraint(one_of("state", JobState), name="state_known"),
    sa.UniqueConstraint("key"),
    sa.Index("ix_scheduled_jobs_state_due_at", "state", "due_at"),
    sqlite_autoincrement=True,
)

# One message a job sends: a thread reply in one channel, or a DM to one person.
# Claimed before it is sent and marked sent after, so it goes out once.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "job_id",
        sa.Integer,
        sa.ForeignKey("scheduled_jobs.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=True
    ),
    sa.Column("target", sa.String(32), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("claimed_until", UTCDateTime, nullable=True),
    sa.Column("last_error", sa.String(200), nullable=True),
    sa.Column("sent_at", UTCDateTime, nullable=True),
    # When it became due: a delivery still failing a day later is given up on.
    sa.Column("created_at", UTCDateTime, nullable=False),
    # For tallies: the counts this one reported, which the next one compares against.
    sa.Column("snapshot", sa.Text, nullable=True),
    sa.CheckConstraint(one_of("state", DeliveryState), name="state_known"),
    sa.CheckConstraint("(state = 'sending') = (claimed_until IS NOT NULL)", name="claim_held"),
    sa.UniqueConstraint("job_id", "target"),
    sa.Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
    sa.Index("ix_deliveries_target_state", "target", "state"),
    sqlite_autoincrement=True,
)


# Every change to an entry after it was made: who, when, why. Never updated or deleted
# but with its letter.
signer_changes = sa.Table(
    "signer_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "signer_id", sa.Integer, sa.ForeignKey("signers.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("field", sa.String(32), nullable=True),
    sa.Column("before", sa.Text, nullable=True),
    sa.Column("after", sa.Text, nullable=True),
    sa.Column("changed_by", sa.String(32), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("reason", sa.String(500), nullable=True),
    sa.CheckConstraint(one_of("action", ChangeAction), name="action_known"),
    sa.Index("ix_signer_changes_letter_id", "letter_id"),
    sqlite_autoincrement=True,
)


# The coalition's member organizations: who is expected to sign. `key` is the name's
# dedupe key, so importing the roster again updates a member rather than adding one.
roster_members = sa.Table(
    "roster_members",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("key", sa.String(1000), nullable=False),
    # Other names it goes by, as a JSON list of strings.
    sa.Column("aliases", sa.Text, nullable=False, server_default="[]"),
    sa.Column("state", sa.String(100), nullable=True),
    sa.Column("kind", sa.String(100), nullable=True),  # national, state, local …
    # Its own email domains, as a JSON list: a sign-on from one verifies the entry.
    sa.Column("domains", sa.Text, nullable=False, server_default="[]"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("key"),
    sqlite_autoincrement=True,
)

# The people a member organization can be reached through: a Slack account, an email
# (looked up in Slack when imported), or both.
roster_contacts = sa.Table(
    "roster_contacts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "member_id",
        sa.Integer,
        sa.ForeignKey("roster_members.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("user_id", sa.String(32), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.CheckConstraint("user_id IS NOT NULL OR email IS NOT NULL", name="reachable"),
    sa.Index("ix_roster_contacts_member_id", "member_id"),
    sqlite_autoincrement=True,
)

# An organizer's answer to "is this member that entry?", for a match only a person can
# judge: the member signed (same) or not.
roster_matches = sa.Table(
    "roster_matches",
    metadata,
    sa.Column(
        "letter_id",
        sa.Integer,
        sa.ForeignKey("letters.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "member_id",
        sa.Integer,
        sa.ForeignKey("roster_members.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "signer_id",
        sa.Integer,
        sa.ForeignKey("signers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("same", sa.Boolean, nullable=False),
    sa.Column("decided_by", sa.String(32), nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=False),
)

# People who asked not to be chased about a letter.
chase_optouts = sa.Table(
    "chase_optouts",
    metadata,
    sa.Column(
        "letter_id",
        sa.Integer,
        sa.ForeignKey("letters.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("user_id", sa.String(32), primary_key=True),
    sa.Column("opted_out_at", UTCDateTime, nullable=False),
)

# What Slack said of a person (users.info), kept so names and timezones cost no call.
people = sa.Table(
    "people",
    metadata,
    sa.Column("user_id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=True),
    sa.Column("tz", sa.String(64), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    # Their Slack language ("es-LA"), asked with include_locale.
    sa.Column("locale", sa.String(16), nullable=True),
    sa.Column("fetched_at", UTCDateTime, nullable=False),
)

# The language someone chose to be answered in (`/signon idioma`, their Home), over
# their Slack locale's.
language_choices = sa.Table(
    "language_choices",
    metadata,
    sa.Column("user_id", sa.String(32), primary_key=True),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("chosen_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(one_of("language", Language), name="language_known"),
)

# Who has opened the App Home: theirs is kept up to date as what it shows changes.
home_views = sa.Table(
    "home_views",
    metadata,
    sa.Column("user_id", sa.String(32), primary_key=True),
    sa.Column("opened_at", UTCDateTime, nullable=False),
    # What just happened after a button on their Home ("Withdrawn…"), shown at its top
    # until `notice_until` by every process that publishes it.
    sa.Column("notice", sa.Text, nullable=True),
    sa.Column("notice_until", UTCDateTime, nullable=True),
)

# Someone who signed one letter for more organizations than one person usually speaks
# for: the sign-ons past that wait for an organizer, who approves them (they count, as
# do the person's later ones) or withdraws every sign-on of theirs on the letter.
holds = sa.Table(
    "holds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("user_id", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("decided_by", sa.String(32), nullable=True),
    sa.Column("decided_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(one_of("status", HoldStatus), name="status_known"),
    sa.UniqueConstraint("letter_id", "user_id"),
    sqlite_autoincrement=True,
)

# A sign-on held for an organizer, kept as submitted (JSON) until it is counted or
# withdrawn: nothing submitted is lost, nothing held is counted.
held_signons = sa.Table(
    "held_signons",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("hold_id", sa.Integer, sa.ForeignKey("holds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("submission", sa.Text, nullable=False),
    sa.Column("submitted_at", UTCDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("settled_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(one_of("status", HeldStatus), name="status_known"),
    sa.Index("ix_held_signons_hold_id", "hold_id"),
    sqlite_autoincrement=True,
)

# A sign-on made on a letter's public page: kept as submitted (JSON) while it waits for
# its email to be confirmed, and counted only once it is, through the same sign-on as
# Slack's. Its links carry its id signed with the instance's key (`app_keys`).
web_signons = sa.Table(
    "web_signons",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("submission", sa.Text, nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("confirmed_at", UTCDateTime, nullable=True),
    # What confirming did, to show again on a second visit.
    sa.Column("outcome", sa.String(16), nullable=True),
    sa.Column("signer_id", sa.Integer, sa.ForeignKey("signers.id"), nullable=True),
    sa.Column("number", sa.Integer, nullable=True),  # the count it made, if new
    sa.Column("in_review", sa.Boolean, nullable=False, server_default=sa.false()),
    # The sender's address, as a keyed hash; forgotten when the letter closes.
    sa.Column("ip_hash", sa.String(64), nullable=True),
    # The language of the page it was sent from: the emails about it speak it too.
    sa.Column("language", sa.String(8), nullable=False, server_default="en"),
    sa.CheckConstraint(one_of("status", WebSignOnStatus), name="status_known"),
    sa.Index("ix_web_signons_letter_id_status", "letter_id", "status"),
    sa.Index("ix_web_signons_ip_hash_status", "ip_hash", "status"),
    sqlite_autoincrement=True,
)

# How often each key (a hashed address, network, email or domain) acted in each window:
# the public page's rate limits, shared by every process on the database.
rate_hits = sa.Table(
    "rate_hits",
    metadata,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("window_start", UTCDateTime, primary_key=True),
    sa.Column("hits", sa.Integer, nullable=False),
    sa.Index("ix_rate_hits_window_start", "window_start"),
)

# Keys the instance makes for itself on its first start and every process shares:
# what signs the public page's links and forms and hashes its visitors' addresses.
app_keys = sa.Table(
    "app_keys",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)

# "Did your organization sign?", asked once of each roster contact of the member an
# unverified entry is (`asked`: a Slack account, or an email), and their answer.
verification_questions = sa.Table(
    "verification_questions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("signer_id", sa.Integer, sa.ForeignKey("signers.id"), nullable=False),
    # The roster member it was asked as (kept when the roster changes).
    sa.Column("member_id", sa.Integer, nullable=False),
    sa.Column("asked", sa.String(254), nullable=False),
    sa.Column("asked_at", UTCDateTime, nullable=False),
    sa.Column("answer", sa.String(8), nullable=True),
    sa.Column("answered_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(f"answer IS NULL OR {one_of('answer', Answer)}", name="answer_known"),
    sa.UniqueConstraint("signer_id", "asked"),
    sa.Index("ix_verification_questions_letter_id", "letter_id"),
    sqlite_autoincrement=True,
)
