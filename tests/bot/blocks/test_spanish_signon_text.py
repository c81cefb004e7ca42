"""What a signer reads, in Spanish: counts, deadlines, time left, dates, what was
recorded, the forms and the full letter, each within Slack's limits; and the same in
English as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.rules.language import Language, speaking
from bot.rules.letters import Letter, LetterText, Translation
from bot.rules.limits import ADDRESSEE_MAX, TITLE_MAX
from bot.rules.roster import RosterMember
from bot.rules.signons import Contact, Outcome, OwnEntry, Recorded, SignerKind
from bot.slack.blocks.chase import chase_message
from bot.slack.blocks.letters import build_letter_messages
from bot.slack.blocks.reading import full_letter_view
from bot.slack.blocks.signon_form import build_signon_form, confirmation_view
from bot.slack.blocks.signon_replies import language_message, recorded_text
from bot.slack.blocks.text import (
    MODAL_TITLE_MAX,
    deadline_text,
    in_time_text,
    joined,
    signed_count,
    slack_date,
    time_left_text,
)
from bot.slack.blocks.versions import version_notice
from tests.bot.blocks.test_letter import make_letter
from tests.bot.test_formats import entry
from tests.conftest import ZONE
from tests.fake_slack import check_message, check_view

EASTERN = ZoneInfo("America/New_York")
DEADLINE = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 5 p.m. in New York
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def spanish_letter() -> Letter:
    """Letter 7, with its Spanish text."""
    text = LetterText(
        Language.SPANISH,
        "Proteger a nuestras comunidades",
        "Honorable Jane Doe",
        "Estimado Secretario:\n\nActúe ya.",
    )
    letter = make_letter("Dear Secretary,\n\nAct.")
    return replace(letter, deadline=DEADLINE, translations=(Translation(text, of_version=1),))


def test_counts_are_said_in_spanish_with_spanish_numbers() -> None:
    """'firmaron *118 de 150*', 'firmó *1*', and English as before."""
    with speaking(Language.SPANISH):
        assert signed_count(118, 150) == "firmaron *118 de 150*"
        assert signed_count(12045, None) == "firmaron *12.045*"
        assert signed_count(1, None) == "firmó *1*"
        assert joined([f"n{n}" for n in range(10)], limit=14) == "n0, n1 y 8 más"
    assert signed_count(1204, 1500) == "*1,204 of 1,500* signed"
    assert signed_count(1, None) == "*1* signed"
    assert joined([f"n{n}" for n in range(10)], limit=17) == "n0, n1 and 8 more"


def test_a_deadline_and_the_time_left_are_said_in_spanish() -> None:
    """The coalition's clock, the reader's beside it, and how long is left, in Spanish."""
    with speaking(Language.SPANISH):
        west = deadline_text(DEADLINE, zone=EASTERN, reader=ZoneInfo("America/Los_Angeles"))
        assert west == "lun 23 nov, 17:00 ET (14:00 en su hora local)"
        tokyo = deadline_text(DEADLINE, zone=EASTERN, reader=ZoneInfo("Asia/Tokyo"))
        assert tokyo == "lun 23 nov, 17:00 ET (mar 7:00 en su hora local)"
        assert time_left_text(DEADLINE, now=NOW) == "quedan 3 días"
        assert time_left_text(DEADLINE, now=DEADLINE - timedelta(hours=1)) == "queda 1 hora"
        assert in_time_text(DEADLINE, now=DEADLINE - timedelta(minutes=20)) == "en 20 minutos"
    assert time_left_text(DEADLINE, now=NOW) == "3 days left"
    assert in_time_text(DEADLINE, now=DEADLINE - timedelta(hours=1)) == "in 1 hour"


def test_a_slack_date_falls_back_to_a_spanish_date() -> None:
    """Slack fills in the reader's own date; the words around it and the fallback are Spanish."""
    moment = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    with speaking(Language.SPANISH):
        assert slack_date(moment, zone=EASTERN) == (
            "<!date^1772955000^{date_long_pretty} a las {time}|domingo 8 de marzo de 2026, "
            "3:30 EDT>"
        )


def test_what_was_recorded_is_said_in_spanish_with_the_spanish_title() -> None:
    """A new sign-on, and a second contact of an organization, told in Spanish."""
    letter = spanish_letter()
    signer = entry(1, "Voces de la Frontera")
    with speaking(Language.SPANISH):
        new = recorded_text(
            Recorded(Outcome.NEW, signer), letter=letter, count=3, zone=ZONE, user="U1"
        )
        same = recorded_text(
            Recorded(Outcome.SAME, signer), letter=letter, count=3, zone=ZONE, user="U2"
        )
    assert new == (
        "Firmó *Proteger a nuestras comunidades*. Esto es lo que registré:\n"
        "> *Voces de la Frontera*, una organización · firmada por Ana, Director · "
        "en la lista pública\nHasta ahora firmaron *3*."
    )
    assert same.startswith(
        "*Voces de la Frontera* ya había firmado *Proteger a nuestras comunidades*: lo firmó "
        "<@U1> (<!date^"
    )
    assert same.endswith(
        "Le agregué como otro contacto; sigue contando una sola vez. Hasta ahora firmaron *3*."
    )


def test_the_spanish_forms_and_the_full_letter_stay_within_slacks_limits() -> None:
    """The sign-on form (new, on one's own entry, as another contact), its confirmation
    and the full letter, in Spanish, for a letter whose every text is as long as allowed."""
    long_text = LetterText(
        Language.SPANISH,
        "T" * TITLE_MAX,
        "A" * ADDRESSEE_MAX,
        ("Párrafo largo. " * 200 + "\n\n") * 45,
    )
    letter = replace(
        make_letter("Dear all.\n\n" * 10, title="E" * TITLE_MAX),
        addressee="B" * ADDRESSEE_MAX,
        translations=(Translation(long_text, of_version=1),),
        version=2,
    )
    mine = entry(1, "Voces de la Frontera")
    other = entry(
        2,
        "Red",
        contacts=(
            Contact("Ana", None, None, "U1", "Red", NOW),
            Contact("Luz", "Directora", None, "U2", "Red", NOW),
        ),
    )
    individual = entry(3, "Luz", kind=SignerKind.INDIVIDUAL, affiliation="Universidad")
    with speaking(Language.SPANISH):
        forms = [
            build_signon_form(letters=[letter], channel="C1"),
            build_signon_form(
                letters=[letter], channel="C1", own=OwnEntry(mine, mine.contacts[0], True)
            ),
            build_signon_form(
                letters=[letter], channel="C1", own=OwnEntry(other, other.contacts[1], False)
            ),
            build_signon_form(letters=[letter, make_letter("x", id=8)], channel="C1"),
            build_signon_form(
                letters=[letter],
                channel="C1",
                own=OwnEntry(individual, individual.contacts[0], True),
            ),
            confirmation_view("Firmó."),
            full_letter_view(letter),
            full_letter_view(letter, Language.ENGLISH),
        ]
        question = language_message(Language.SPANISH, unknown="klingon")
    for view in forms:
        check_view(view)
        for key in ("title", "submit", "close"):
            if key in view:
                assert len(view[key]["text"]) <= MODAL_TITLE_MAX
    assert forms[0]["title"]["text"] == "Firmar" and forms[1]["title"]["text"] == "Su firma"
    assert forms[6]["blocks"][2]["elements"][0]["text"].startswith("Esta traducción es de una")
    check_message(question)


def test_the_post_with_a_spanish_text_stays_within_slacks_limits() -> None:
    """The channel message of a letter as long as allowed, with Leer en español beside
    Sign on and a public page: within a message's blocks and size."""
    letter = replace(
        make_letter('"' * 3000, title="T" * TITLE_MAX),
        addressee="&" * ADDRESSEE_MAX,
        translations=spanish_letter().translations,
    )
    head, *_parts = build_letter_messages(
        letter=letter, count=123456, zone=ZONE, public_url="https://sign.example.org/l/" + "x" * 40
    )
    check_message(head)
    buttons = [
        e["text"]["text"] for b in head["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == ["Sign on", "Leer en español"]


def test_a_chase_and_a_version_notice_are_said_in_spanish() -> None:
    """The chase DM and the notice of a new version, to a Spanish reader, with the
    letter's Spanish title."""
    letter = spanish_letter()
    member = RosterMember(id=1, name="CHIRLA", state="CA")
    with speaking(Language.SPANISH):
        chase = chase_message(
            letter=letter, members=[member], count=2, from_their_state=[], now=NOW, zone=EASTERN
        )
        notice = version_notice(letter, since=1, changes=[], entries=[entry(1, "Red")], user="U1")
    check_message(chase)
    first = chase["blocks"][0]["text"]["text"]
    assert first.startswith(":wave: *CHIRLA* aún no ha firmado *Proteger a nuestras comunidades*.")
    assert first.endswith("(quedan 3 días).")
    assert "Firmar por CHIRLA" in str(chase["blocks"])
    assert notice["text"] == "Proteger a nuestras comunidades cambió después de que usted la firmó"
    assert "_Solo cambió el formato._" in notice["blocks"][0]["text"]["text"]
