"""Whether someone entitled to speak for an organization signed its entry: each level,
the free-mail rule, and the roster's Domains column."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rules.roster import RosterContact, RosterMember, standings
from bot.rules.signons import Contact, ContactSource, Signer, SignerKind
from bot.rules.timing import VERIFY_AFTER, verify_due
from bot.rules.verification import (
    Answer,
    Ask,
    Question,
    Verification,
    confirmed_by,
    email_domain,
    is_free_mail,
    on_domain,
    to_ask,
    verify_entries,
)
from bot.texts.roster import read_roster

AT = datetime(2026, 11, 30, tzinfo=UTC)

CASA = RosterMember(
    id=1,
    name="CASA",
    contacts=(RosterContact("UCASA"), RosterContact(None, "director@casa.org")),
    domains=("casa.org",),
)
MRNY = RosterMember(id=2, name="Make the Road New York", domains=("maketheroadny.org",))


def contact(
    *,
    user_id: str | None = None,
    email: str | None = None,
    source: ContactSource = ContactSource.SLACK,
) -> Contact:
    return Contact("Ana Pérez", "Director", email, user_id, "as typed", AT, source=source)


def entry(
    entry_id: int, name: str, *contacts: Contact, kind: SignerKind = SignerKind.ORGANIZATION
) -> Signer:
    return Signer(
        id=entry_id,
        letter_id=1,
        kind=kind,
        name=name,
        affiliation=None,
        city=None,
        state=None,
        public=True,
        signed_at=AT,
        contacts=contacts,
        submitted_as=(name,),
    )


def levels(
    *entries: Signer, slack_emails: dict[str, str] | None = None
) -> dict[int, tuple[Verification, str | None]]:
    found = standings([CASA, MRNY], entries)
    verified = verify_entries(entries, found, slack_emails=slack_emails or {})
    return {entry_id: (v.level, v.by) for entry_id, v in verified.items()}


def test_a_roster_contact_signing_in_slack_verifies_the_entry() -> None:
    """The member's own Slack contact signed: `contact`, by their Slack ID."""
    assert levels(entry(1, "CASA", contact(user_id="UCASA"))) == {
        1: (Verification.CONTACT, "UCASA")
    }


def test_a_roster_contacts_email_confirmed_on_the_web_verifies_the_entry() -> None:
    """A web sign-on whose confirmed email is a roster contact's: `contact`, any case."""
    web = contact(user_id="web:abc", email="Director@CASA.org", source=ContactSource.WEB)
    assert levels(entry(1, "Casa", web)) == {1: (Verification.CONTACT, "Director@CASA.org")}


def test_a_slack_profile_email_on_the_members_domain_verifies_by_domain() -> None:
    """Someone not on the roster, whose Slack profile is on the member's domain."""
    staff = contact(user_id="USTAFF")
    assert levels(
        entry(1, "Make the Road NY", staff), slack_emails={"USTAFF": "jo@ny.maketheroadny.org"}
    ) == {1: (Verification.DOMAIN, "maketheroadny.org")}


def test_a_typed_or_imported_email_proves_nothing() -> None:
    """Only a confirmed email counts: the email a Slack signer typed in the form, or a
    row imported from a spreadsheet, verifies nobody."""
    typed = contact(user_id="USTAFF", email="jo@maketheroadny.org")
    imported = contact(
        user_id="import:1", email="jo@maketheroadny.org", source=ContactSource.IMPORT
    )
    assert levels(entry(1, "Make the Road New York", typed, imported)) == {
        1: (Verification.UNVERIFIED, None)
    }


def test_a_stranger_signing_for_a_member_is_unverified_and_knows_its_member() -> None:
    """A gmail address for a roster member: unverified, the member found (to ask)."""
    stranger = contact(user_id="web:x", email="casa.fan@gmail.com", source=ContactSource.WEB)
    found = standings([CASA, MRNY], [entry(1, "CASA", stranger)])
    (verified,) = verify_entries([entry(1, "CASA", stranger)], found, slack_emails={}).values()
    assert verified.level is Verification.UNVERIFIED and verified.member == CASA


def test_an_organization_off_the_roster_is_unverified_whoever_signs() -> None:
    """Not on the roster: nothing to verify by, even from its own domain."""
    own = contact(user_id="web:y", email="ed@puente.org", source=ContactSource.WEB)
    assert levels(entry(1, "Puente", own)) == {1: (Verification.UNVERIFIED, None)}


def test_individuals_are_never_verified_as_an_organization() -> None:
    """An individual who happens to share a member's name is not that member."""
    person = entry(1, "CASA", contact(user_id="UCASA"), kind=SignerKind.INDIVIDUAL)
    assert levels(person) == {1: (Verification.UNVERIFIED, None)}


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "GMAIL.com",
        "outlook.com",
        "yahoo.com",
        "yahoo.com.mx",
        "hotmail.es",
        "proton.me",
    ],
)
def test_free_mail_domains_are_known_in_every_country(domain: str) -> None:
    assert is_free_mail(domain)


@pytest.mark.parametrize("domain", ["casa.org", "aclu.org", "mail.casa.org", "outlook.aclu.org"])
def test_an_organizations_own_domain_is_not_free_mail(domain: str) -> None:
    assert not is_free_mail(domain)


def test_free_mail_never_verifies_even_when_a_roster_lists_it() -> None:
    """A roster that lists gmail.com as a member's domain still verifies nobody by it."""
    assert on_domain("gmail.com", ["gmail.com"]) is None
    assert on_domain("casa.org", ["gmail.com", "casa.org"]) == "casa.org"
    assert on_domain("notcasa.org", ["casa.org"]) is None
    assert email_domain("someone@Casa.Org") == "casa.org"
    assert email_domain("not an email") is None


def test_the_roster_reads_domains_as_written_and_refuses_free_mail() -> None:
    """Domains read from "Domains" (or "Website"): a URL or "@x" becomes the domain;
    free mail and what isn't a domain are reported, the rest of the row read."""
    data = (
        b"Organization,Email,Domains\n"
        b'CASA,director@casa.org,"casa.org; https://www.wearecasa.org/about, gmail.com"\n'
        b"Puente,,@puenteaz.org not-a-domain\n"
    )
    found = read_roster(data)
    casa, puente = found.members
    assert casa.domains == ("casa.org", "wearecasa.org")
    assert puente.domains == ("puenteaz.org",)
    reasons = [(row.line, row.reason) for row in found.skipped]
    assert reasons == [
        (
            2,
            "“gmail.com” is free mail: anyone can have an address there, so it verifies "
            "nobody (the rest of CASA's row was read)",
        ),
        (
            3,
            "“not-a-domain” isn't an email domain (like aclu.org) (the rest of Puente's "
            "row was read)",
        ),
    ]


def question(
    question_id: int, entry_id: int, asked: str, answer: Answer | None = None, *, member: int = 1
) -> Question:
    return Question(question_id, 1, entry_id, member, asked, AT, answer)


def test_a_yes_from_one_of_the_members_contacts_confirms_the_entry() -> None:
    """`confirmed`, by whoever said Yes, but only one of the member's own contacts: a
    Yes from anyone else (or a No) confirms nothing."""
    stranger = entry(1, "CASA", contact(user_id="USTRANGER"))
    found = standings([CASA, MRNY], [stranger])

    def level(*questions: Question) -> tuple[Verification, str | None]:
        verified = verify_entries(
            [stranger], found, slack_emails={}, confirmations=confirmed_by(questions)
        )[1]
        return verified.level, verified.by

    assert level() == (Verification.UNVERIFIED, None)
    assert level(question(1, 1, "UCASA", Answer.NO)) == (Verification.UNVERIFIED, None)
    assert level(question(1, 1, "UOTHER", Answer.YES)) == (Verification.UNVERIFIED, None)
    assert level(question(1, 1, "UCASA", Answer.YES)) == (Verification.CONFIRMED, "UCASA")
    yes_by_email = question(2, 1, "director@casa.org", Answer.YES)
    assert level(yes_by_email) == (Verification.CONFIRMED, "director@casa.org")


def test_each_contact_is_asked_once_about_each_unverified_roster_entry() -> None:
    """The member's Slack contact by DM, its email-only contact by email; nobody about
    a verified entry, an organization off the roster, an individual or an entry that
    was answered for already."""
    entries = [
        entry(1, "CASA", contact(user_id="USTRANGER")),
        entry(2, "Make the Road New York", contact(user_id="UOTHER")),  # no contacts
        entry(3, "Voces Unidas", contact(user_id="UVOCES")),  # off the roster
        entry(4, "Ana Pérez", contact(user_id="UANA"), kind=SignerKind.INDIVIDUAL),
    ]
    found = standings([CASA, MRNY], entries)
    verification = verify_entries(entries, found, slack_emails={})
    asking = to_ask(entries, verification, [])
    assert asking.asks == (Ask(1, 1, "UCASA"), Ask(1, 1, "director@casa.org"))
    assert asking.disowned == ()
    # Asked already (one of two): only the other is asked.
    assert to_ask(entries, verification, [question(1, 1, "UCASA")]).asks == (
        Ask(1, 1, "director@casa.org"),
    )
    # Answered by either: nobody more.
    assert to_ask(entries, verification, [question(1, 1, "UCASA", Answer.YES)]).asks == ()


def test_after_a_no_a_new_entry_for_the_member_is_withdrawn_without_asking() -> None:
    """The member said No about an earlier entry: a new unverified one is withdrawn at
    once; an entry it was asked about (an organizer restored it) is left alone."""
    entries = [entry(5, "CASA", contact(user_id="USTRANGER"))]
    found = standings([CASA, MRNY], entries)
    verification = verify_entries(entries, found, slack_emails={})
    no = question(1, 4, "UCASA", Answer.NO)
    asking = to_ask(entries, verification, [no])
    assert (asking.asks, asking.disowned) == ((), ((5, no),))
    restored = to_ask(entries, verification, [no, question(2, 5, "UCASA", Answer.NO)])
    assert (restored.asks, restored.disowned) == ((), ())


def test_entries_made_together_are_looked_at_together_after_a_while() -> None:
    """Sign-ons within one window share a look, at least VERIFY_AFTER later."""
    start = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    for minutes in (0, 3, 9.9):
        made = start + timedelta(minutes=minutes)
        assert verify_due(made) == start + 2 * VERIFY_AFTER
        assert verify_due(made) - made >= VERIFY_AFTER
    assert verify_due(start + VERIFY_AFTER) == start + 3 * VERIFY_AFTER
