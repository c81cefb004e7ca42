"""The roster's messages, the chase DM and the App Home stay within what Slack accepts
however long the roster, and nothing a member organization is called pings anyone."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.rules.home import Drive, Home, SignedEntry
from bot.rules.reviews import ReviewPair
from bot.rules.roster import MemberStanding, Reach, RosterContact, RosterMember, Standing
from bot.slack.blocks.chase import chase_message
from bot.slack.blocks.home import HOME_BLOCKS_MAX, NOTHING_HERE, home_view
from bot.slack.blocks.roster import missing_message, roster_form
from tests.bot.blocks.test_letter import make_letter
from tests.bot.test_formats import entry
from tests.conftest import ZONE
from tests.fake_slack import check_home, check_message, check_view

HOSTILE = "<!channel> & <https://evil.example|Click> " + "Coalition for Everything " * 8


def members(n: int) -> list[RosterMember]:
    return [
        RosterMember(
            id=i,
            name=f"{HOSTILE}{i}"[:200],
            state="NY",
            contacts=(RosterContact(f"U{i:04d}"),),
        )
        for i in range(n)
    ]


def test_a_long_list_of_missing_members_fits_one_message_and_says_how_many_more() -> None:
    letter = make_letter("Act.")
    found = [MemberStanding(m, Standing.NOT_SIGNED) for m in members(500)]
    found += [
        MemberStanding(member, Standing.POSSIBLY_SIGNED, (HOSTILE,), (member.id + 900,))
        for member in members(8)
    ]
    message = missing_message(letter, found)
    check_message(message)
    text = str(message)
    assert "<!channel>" not in text and "<https://evil" not in text
    assert "0 of 508 member organizations signed; 500 missing; 8 may have" in text
    assert "more: the JSON from `/letter export` lists every one." in text
    assert text.count("It's them") == 5 and "…and 3 more after these." in text


def test_the_chase_dm_fits_and_pings_nobody() -> None:
    letter = make_letter("Act.", title=HOSTILE)
    message = chase_message(
        letter=letter,
        members=members(6),
        count=3,
        from_their_state=[HOSTILE] * 40,
        now=letter.created_at,
        zone=ZONE,
    )
    check_message(message)
    assert "<!channel>" not in str(message) and "<https://evil" not in str(message)
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(buttons) == 5  # four members' Sign on, and Don't remind me


def test_the_roster_form_is_a_valid_modal_with_a_file_input() -> None:
    form = roster_form(members(300), unresolved=[f"{n}@example.org" for n in range(50)])
    check_view(form)
    (upload,) = [b for b in form["blocks"] if b["type"] == "input"]
    assert upload["element"] == {
        "type": "file_input",
        "action_id": "roster_file",
        "filetypes": ["csv"],
        "max_files": 1,
    }


def test_a_busy_home_holds_at_most_a_home_tab_of_blocks() -> None:
    letter = make_letter("Act.", title=HOSTILE)
    pair = ReviewPair(1, letter.id, entry(1, HOSTILE), entry(2, HOSTILE + "!"))
    reach = Reach.of([MemberStanding(m, Standing.NOT_SIGNED) for m in members(3)])
    letters = [replace(letter, id=n) for n in range(1, 31)]
    home = Home(
        drives=[Drive(each, count=10, reach=reach, pairs=[pair] * 4) for each in letters],
        to_sign=[(each, 10) for each in letters],
        signed=[SignedEntry(each, entry(3, HOSTILE), HOSTILE) for each in letters],
        organizer=True,
        notice="Done: withdrawn.",
    )
    view = home_view(home, now=letter.created_at + timedelta(hours=1), zone=ZONE)
    check_home(view)
    assert len(view["blocks"]) <= HOME_BLOCKS_MAX
    assert "<!channel>" not in str(view) and "<https://evil" not in str(view)
    assert "more; `/letter list` shows every letter." in str(view)


def test_a_members_home_without_letters_says_what_the_app_does_in_one_line() -> None:
    letter = make_letter("Act.")
    view = home_view(Home(drives=[], to_sign=[], signed=[]), now=letter.created_at, zone=ZONE)
    check_home(view)
    (only,) = view["blocks"]
    assert only["text"]["text"] == NOTHING_HERE
    assert "Your letters" not in str(view)
