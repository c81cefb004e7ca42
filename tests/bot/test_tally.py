"""The daily tally's numbers and its message: the window since the last tally, states,
and Slack's limits with many letters and long lists of names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.rules.limits import TITLE_MAX
from bot.rules.places import NO_STATE, state_label
from bot.rules.roster import MemberStanding, RosterMember, Standing
from bot.rules.signons import Signer, SignerKind
from bot.rules.tally import snapshot, tally_letter
from bot.slack.blocks.tally import tally_message
from bot.slack.blocks.text import MESSAGE_SIZE_MAX, SECTION_TEXT_MAX, size
from tests.bot.blocks.test_letter import make_letter
from tests.conftest import ZONE
from tests.fake_slack import MESSAGE_BLOCKS_MAX, check_message

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def signer(signer_id: int, name: str, *, state: str | None = None, person: bool = False) -> Signer:
    return Signer(
        id=signer_id,
        letter_id=7,
        kind=SignerKind.INDIVIDUAL if person else SignerKind.ORGANIZATION,
        name=name,
        affiliation=None,
        city=None,
        state=state,
        public=True,
        signed_at=NOW - timedelta(days=30),  # imported: signed long before
    )


def test_new_signers_are_those_added_since_the_last_tally_whenever_they_signed() -> None:
    """An import with old signing times still counts as new for the next tally."""
    letter = make_letter("Text")
    before = [signer(1, "Mijente"), signer(2, "CASA")]
    first = tally_letter(letter, before, previous=None, pending_reviews=0)
    assert first.change is None and first.new_signers == ("Mijente", "CASA")
    seen = snapshot([first], {letter.id: before})
    now = [*before[1:], signer(5, "CHIRLA"), signer(6, "Jane Roe", person=True)]
    second = tally_letter(letter, now, previous=seen, pending_reviews=2)
    assert second.change == 1  # one withdrew, two came in
    assert second.new_signers == ("CHIRLA", "Jane Roe")
    assert (second.organizations, second.individuals, second.pending_reviews) == (2, 1, 2)


def test_states_group_however_they_were_typed() -> None:
    """'ny', 'NY.' and 'New York' are one state; a blank is counted as such."""
    assert {state_label(s) for s in ("ny", "NY.", "New York", " new  york ")} == {"NY"}
    assert state_label("Ohio") == "OH"
    assert state_label("") == state_label(None) == NO_STATE
    assert state_label("Ontario") == "Ontario"


def test_a_tally_of_many_letters_and_names_stays_within_slack_limits() -> None:
    """Thirty letters with a thousand new signers each still make one valid message."""
    tallies = []
    for n in range(30):
        letter = make_letter("Text", id=n + 1, title=f"Letter <!channel> {n}" + "x" * 140)
        signers = [signer(i, f"Organization {i} " + "y" * 180, state=f"S{i}") for i in range(1000)]
        tallies.append(tally_letter(letter, signers, previous=None, pending_reviews=3))
    message = tally_message(tallies, now=NOW, zone=ZONE)
    assert len(message["blocks"]) <= MESSAGE_BLOCKS_MAX
    assert size(message["blocks"]) <= MESSAGE_SIZE_MAX
    check_message(message)  # the fake Slack's validation: raises if Slack would refuse
    text = str(message)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "+995 more" in text  # five names, then how many more
    assert "`/letter list` shows them all" in text


def test_a_tally_of_long_names_full_of_ampersands_fits_slacks_sections() -> None:
    """25 new signers and 25 missing members, each a 55-character name full of `&` (five
    characters each once escaped), under a 150-character title: every section within
    3,000 characters, the names shown as far as they fit and the rest counted."""

    def name(kind: str, n: int) -> str:
        return (f"{kind} {n:02d} " + "& " * 30)[:55]

    title = ("Stop the raids & " * 9)[:TITLE_MAX]
    letter = make_letter("Text", title=title)
    signers = [signer(n, name("Org", n)) for n in range(1, 26)]
    standings = [
        MemberStanding(RosterMember(id=n, name=name("Member", n)), Standing.NOT_SIGNED)
        for n in range(1, 26)
    ]
    assert {len(name(kind, n)) for kind in ("Org", "Member") for n in range(1, 26)} == {55}
    tally = tally_letter(letter, signers, previous=None, pending_reviews=0, standings=standings)
    message = tally_message([tally], now=NOW, zone=ZONE)
    check_message(message)  # Slack refuses a section over 3,000 characters: invalid_blocks
    head, new, missing = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert all(len(text) <= SECTION_TEXT_MAX for text in (head, new, missing))
    assert head.startswith(f"*#7 · {title.replace('&', '&amp;')}*\n*25* signed")
    assert new.startswith("*New (25):* Org 01 &amp; &amp;") and new.endswith(" +20 more")
    assert missing.startswith(
        ":busts_in_silhouette: *0 of 25* members signed. *Not yet (25):* Member 01 &amp;"
    )
    assert missing.endswith(" +20 more")


def test_a_by_state_line_of_long_escaped_names_fits_its_text_object() -> None:
    """Places typed as long runs of `&` (escaped five times over) are listed until the
    line is full, then counted."""
    letter = make_letter("Text")
    signers = [signer(i, f"Org {i}", state=f"{i} " + "&" * 99) for i in range(8)]
    message = tally_message(
        [tally_letter(letter, signers, previous=None, pending_reviews=0)], now=NOW, zone=ZONE
    )
    check_message(message)
    line = next(
        element["text"]
        for block in message["blocks"]
        for element in block.get("elements", [])
        if element["text"].startswith("By state:")
    )
    assert len(line) <= 3000 and "more places" in line


def test_the_tally_counts_signers_of_an_earlier_version_who_havent_confirmed() -> None:
    """After the text changed, entries still on the old one are counted and shown."""
    from dataclasses import replace

    letter = replace(make_letter("Text"), version=3)
    signers = [
        replace(signer(1, "Mijente"), signed_version=1),
        replace(signer(2, "CASA"), signed_version=1, confirmed_version=3),
        replace(signer(3, "CHIRLA"), signed_version=2, confirmed_version=2),
        replace(signer(4, "Jane Roe", person=True), signed_version=3),
    ]
    tally = tally_letter(letter, signers, previous=None, pending_reviews=0)
    assert tally.unconfirmed == 2
    message = tally_message([tally], now=NOW, zone=ZONE)
    assert "*2* signed an earlier version of the text" in str(message)
    check_message(message)


def test_held_sign_ons_are_named_to_the_lead_as_waiting_and_uncounted() -> None:
    letter = make_letter("Text")
    tally = tally_letter(letter, [signer(1, "CASA")], previous=None, pending_reviews=0, held=2)
    text = str(tally_message([tally], now=NOW, zone=ZONE)["blocks"])
    assert "*2* people's sign-ons wait for your approval" in text
    assert "'Review 2 waiting'" in text


def test_the_tally_says_how_many_signed_on_the_public_page_only_when_some_did() -> None:
    """12 of the signers came through the letter's public page: a line says so; a
    letter nobody signed on the web has no such line."""
    letter = make_letter("Text")
    signers = [signer(i, f"Organization {i}") for i in range(1, 20)]
    web = tally_letter(letter, signers, previous=None, pending_reviews=0, web=12)
    assert web.web == 12
    text = str(tally_message([web], now=NOW, zone=ZONE))
    assert "*12* signed on the public page, confirmed by email" in text
    none = tally_letter(letter, signers, previous=None, pending_reviews=0)
    assert "public page" not in str(tally_message([none], now=NOW, zone=ZONE))


def test_a_leads_tally_reads_on_a_phone() -> None:
    """A 150-organization drive with a roster: the date on top; "118 of 150 signed
    (+27)" and the close, with its zone, first; five names a list, then how many more;
    the members that may have signed under another name apart from those that haven't;
    buttons for what needs doing; and within Slack's limits."""
    from dataclasses import replace

    letter = replace(
        make_letter("Text"), goal=150, deadline=datetime(2026, 12, 3, 22, 0, tzinfo=UTC)
    )
    members = [RosterMember(id=n, name=f"Member {n:03d}") for n in range(150)]
    entries = [signer(n, f"Member {n:03d}") for n in range(118)]
    standings = [
        MemberStanding(member, Standing.SIGNED, (member.name,), (member.id,))
        for member in members[:118]
    ]
    standings += [MemberStanding(m, Standing.POSSIBLY_SIGNED) for m in members[118:120]]
    standings += [MemberStanding(m, Standing.NOT_SIGNED) for m in members[120:]]
    previous = snapshot(
        [tally_letter(letter, entries[:91], previous=None, pending_reviews=0)],
        {letter.id: entries[:91]},
    )
    tally = tally_letter(letter, entries, previous=previous, pending_reviews=4, standings=standings)
    message = tally_message([tally], now=NOW, zone=ZONE)
    check_message(message)
    header, head, new, missing, _, actions = message["blocks"]
    assert header["text"]["text"] == "Daily tally · Mon Nov 30"
    assert head["text"]["text"].splitlines()[1] == (
        "*118 of 150* signed (+27) · closes Thu Dec 3, 5:00 PM ET (in 3 days)"
    )
    assert new["text"]["text"] == (
        "*New (27):* Member 091, Member 092, Member 093, Member 094, Member 095 +22 more"
    )
    not_yet, possible = missing["text"]["text"].splitlines()
    assert not_yet == (
        ":busts_in_silhouette: *118 of 150* members signed. *Not yet (30):* Member 120, "
        "Member 121, Member 122, Member 123, Member 124 +25 more"
    )
    assert possible == (
        "2 members may have signed under another name: Member 118, Member 119 "
        f"(`/letter missing {letter.id}`)"
    )
    assert [b["text"]["text"] for b in actions["elements"]] == [
        "Review 4 possible duplicates",
        "Chase 30 members",
    ]
