"""The App Home's blocks in Spanish: within a Home tab's limits however busy, with the
language menu at its foot showing the reader's choice."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot.rules.home import Drive, Home, SignedEntry
from bot.rules.language import Language, speaking
from bot.rules.reviews import ReviewPair
from bot.rules.roster import MemberStanding, Reach, Standing
from bot.slack.blocks.home import (
    HOME_BLOCKS_MAX,
    HOME_LANGUAGE_ACTION,
    HOME_LANGUAGE_BLOCK,
    home_view,
)
from bot.slack.blocks.text import OPTION_TEXT_MAX
from tests.bot.blocks.test_letter import make_letter
from tests.bot.blocks.test_reach_blocks import members
from tests.bot.test_formats import entry
from tests.conftest import ZONE
from tests.fake_slack import check_home


def menu_of(view: dict[str, Any]) -> dict[str, Any]:
    (block,) = [b for b in view["blocks"] if b.get("block_id") == HOME_LANGUAGE_BLOCK]
    menu: dict[str, Any] = block["accessory"]
    assert menu["action_id"] == HOME_LANGUAGE_ACTION
    return menu


def test_a_busy_spanish_home_fits_a_home_tab_and_ends_with_the_language_menu() -> None:
    """Thirty letters run, to sign and signed: the Home keeps within 100 blocks, says
    in Spanish that more are in `/letter list`, and the menu is still its last block."""
    letter = make_letter("Act.", title="Proteger")
    reach = Reach.of([MemberStanding(m, Standing.NOT_SIGNED) for m in members(3)])
    pair = ReviewPair(1, letter.id, entry(1, "A"), entry(2, "B"))
    letters = [replace(letter, id=n) for n in range(1, 31)]
    home = Home(
        drives=[Drive(each, count=10, reach=reach, pairs=[pair] * 4) for each in letters],
        to_sign=[(each, 10) for each in letters],
        signed=[SignedEntry(each, entry(3, "C"), "C") for each in letters],
        organizer=True,
    )
    with speaking(Language.SPANISH):
        view = home_view(
            home, now=letter.created_at + timedelta(hours=1), zone=ZONE, chosen=Language.SPANISH
        )
    check_home(view)
    assert len(view["blocks"]) <= HOME_BLOCKS_MAX
    assert "más; `/letter list` muestra todas las cartas." in str(view)
    assert view["blocks"][-1]["block_id"] == HOME_LANGUAGE_BLOCK
    menu = menu_of(view)
    assert menu["initial_option"] == {
        "text": {"type": "plain_text", "text": "Español", "emoji": False},
        "value": "es",
    }
    assert all(len(o["text"]["text"]) <= OPTION_TEXT_MAX for o in menu["options"])
    assert "Sus cartas" in str(view) and "Your letters" not in str(view)


def test_an_empty_home_says_what_the_app_does_beside_the_language_menu() -> None:
    """With nothing to sign or run, the one block says what the app does, in Spanish,
    with the menu beside it and its label under it."""
    letter = make_letter("Act.")
    with speaking(Language.SPANISH):
        view = home_view(Home(drives=[], to_sign=[], signed=[]), now=letter.created_at, zone=ZONE)
    check_home(view)
    (only,) = view["blocks"]
    assert only["text"]["text"].startswith("Undersigned gestiona las cartas para firmar")
    assert only["fields"][0]["text"] == ":globe_with_meridians: *Language / Idioma*"
    assert menu_of(view)["initial_option"]["text"]["text"] == "Según Slack"
