"""Lists that grow with a drive (spellings, possible duplicates, letters to choose from)
stay within the Block Kit limits of the text object or menu that holds them."""

from __future__ import annotations

from dataclasses import replace

from bot.rules.reviews import ReviewPair
from bot.rules.signons import Outcome, Recorded
from bot.slack.blocks.reviews import review_message
from bot.slack.blocks.signon_form import build_signon_form, confirmation_view
from bot.slack.blocks.signon_replies import recorded_text
from bot.slack.blocks.text import joined
from tests.bot.blocks.test_letter import make_letter
from tests.bot.test_formats import entry
from tests.conftest import ZONE
from tests.fake_slack import check_message, check_view

HOSTILE = "&" * 200  # escaped, every character is five


def test_a_review_pair_with_many_long_spellings_fits_its_section() -> None:
    """Forty spellings of 200 ampersands each: listed until the line is full, counted
    after, and the pair's section stays under 3,000 characters."""
    spellings = tuple(f"{n} {HOSTILE}" for n in range(40))
    first = entry(1, HOSTILE, submitted_as=(HOSTILE, *spellings))
    second = entry(2, "CHIRLA " + HOSTILE, submitted_as=("CHIRLA", *spellings))
    message = review_message(make_letter("Text"), [ReviewPair(9, 1, first, second)])
    check_message(message)
    section = message["blocks"][2]["text"]["text"]
    assert len(section) <= 3000
    assert "more)" in section


def test_many_possible_duplicates_fit_the_sign_on_confirmation() -> None:
    """A new entry that may duplicate a hundred others names as many as fit."""
    signer = entry(1, "Coalition " + HOSTILE)
    recorded = Recorded(Outcome.NEW, signer, tuple(f"Coalition {n} {HOSTILE}" for n in range(100)))
    text = recorded_text(recorded, letter=make_letter("Text"), count=101, zone=ZONE, user="U1")
    view = confirmation_view(text)
    check_view(view)
    assert "and " in text and " more" in text


def test_the_letter_menu_holds_at_most_100_letters() -> None:
    """A channel with 120 open letters offers the 100 closing soonest and says so."""
    letters = [replace(make_letter("Text"), id=n, title=f"Letter {n}") for n in range(1, 121)]
    form = build_signon_form(letters=letters, channel="C1")
    check_view(form)
    (menu,) = [block for block in form["blocks"] if block.get("block_id") == "letter"]
    assert len(menu["element"]["options"]) == 100
    assert "100 closing soonest of 120" in menu["hint"]["text"]


def test_a_joined_list_stops_where_its_limit_says_and_counts_the_rest() -> None:
    """Items that fit, then how many more; the whole within the limit."""
    items = [f"name {n}" for n in range(50)]
    shown = joined(items, limit=40)
    assert shown == "name 0, name 1, name 2 and 47 more"
    assert len(shown) <= 40
    assert joined(items[:2], limit=40) == "name 0, name 1"
    assert joined(items, limit=1000, most=3) == "name 0, name 1, name 2 and 47 more"
