"""The organizers' surfaces in Spanish: the daily tally, the review queue, the roster's
report and `/letter missing`, `/letter signers` and its forms, the export and import
forms and their reports, each within Slack's limits; and in English, as they were."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.rules.language import Language, gettext, speaking
from bot.rules.reviews import Hold, ReviewDecision, ReviewPair
from bot.rules.roster import (
    EmailLookup,
    MemberStanding,
    RosterContact,
    RosterMember,
    RosterSaved,
    Standing,
)
from bot.rules.schedule import JobKind
from bot.rules.signons import HeldSignOn, HoldStatus, Signer, SignerKind, Submission
from bot.rules.tally import tally_letter
from bot.rules.verification import Verification, Verified
from bot.services.signons import SignOns
from bot.slack.blocks.entries import EntryAction, entry_changed_text, entry_form, signers_page
from bot.slack.blocks.export_form import export_form
from bot.slack.blocks.imports import import_form, import_report
from bot.slack.blocks.reviews import decided_text, review_message
from bot.slack.blocks.roster import chase_report, missing_message, roster_form, roster_report
from bot.slack.blocks.tally import tally_message
from bot.storage import Store
from bot.texts.imports import ImportReport, SkippedRow, read_signons
from bot.texts.roster import RosterImport, read_roster
from tests.bot.blocks.test_letter import make_letter
from tests.bot.test_formats import entry
from tests.conftest import ORGANIZER, ZONE
from tests.fake_slack import (
    OPTION_TEXT_MAX,
    FakeSlack,
    check_message,
    check_view,
)
from tests.helpers import ask, coalition, post_letter
from tests.slack_driver import SlackDriver

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
BUTTON_TEXT_MAX = 75
MODAL_TITLE_MAX = 24


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
        signed_at=NOW - timedelta(days=30),
    )


def a_tally() -> dict[str, Any]:
    """A tally with something in every line: new signers, the roster reached, held and
    waiting sign-ons, web sign-ons, possible duplicates to review."""
    letter = make_letter("Text", goal=150)
    signers = [
        signer(1, "Mijente", state="NY"),
        signer(2, "CASA", state="Maryland"),
        signer(3, "Jane Roe", person=True),
    ]
    standings = [
        MemberStanding(RosterMember(id=1, name="Mijente"), Standing.SIGNED),
        MemberStanding(RosterMember(id=2, name="Puente"), Standing.NOT_SIGNED),
        MemberStanding(RosterMember(id=3, name="Make the Road"), Standing.NOT_SIGNED),
    ]
    tally = tally_letter(
        letter,
        signers,
        previous=None,
        pending_reviews=3,
        standings=standings,
        held=1,
        web=2,
        waiting=4,
    )
    return tally_message([tally], now=NOW, zone=ZONE, home_link="slack://app")


def buttons(node: Any) -> list[str]:
    """The text of every button in a message or view."""
    if isinstance(node, dict):
        own = [node["text"]["text"]] if node.get("type") == "button" else []
        return own + [t for value in node.values() for t in buttons(value)]
    if isinstance(node, list):
        return [t for value in node for t in buttons(value)]
    return []


def options(node: Any) -> list[str]:
    """The text of every option of a menu, radio buttons or checkboxes."""
    if isinstance(node, dict):
        own = [o["text"]["text"] for o in node.get("options") or [] if "text" in o]
        return own + [t for value in node.values() for t in options(value)]
    if isinstance(node, list):
        return [t for value in node for t in options(value)]
    return []


def within_limits(surface: dict[str, Any]) -> None:
    """Slack's limits, as the fake Slack checks them, and the short ones said again."""
    if surface.get("type") == "modal":
        check_view(surface)
        assert len(surface["title"]["text"]) <= MODAL_TITLE_MAX
        for key in ("submit", "close"):
            if key in surface:
                assert len(surface[key]["text"]) <= MODAL_TITLE_MAX
    else:
        check_message(surface)
    assert all(len(text) <= BUTTON_TEXT_MAX for text in buttons(surface))
    assert all(len(text) <= OPTION_TEXT_MAX for text in options(surface))


def test_the_daily_tally_speaks_spanish_to_a_spanish_speaking_lead() -> None:
    """Its header, counts, lists and buttons are in Spanish, within Slack's limits."""
    with speaking(Language.SPANISH):
        message = a_tally()
    within_limits(message)
    text = json.dumps(message, ensure_ascii=False)
    assert "Conteo diario · " in text
    assert "<slack://app|Abrir en Inicio>: cada carta que usted coordina" in text
    assert "*Nuevas firmas (3):* Mijente, CASA, Jane Roe" in text
    assert ":busts_in_silhouette: Firmaron *1 de 3* miembros. *Aún no (2):* Puente" in text
    assert "*2* organizaciones · *1* persona a título individual" in text
    assert "Por estado: " in text
    assert "Las firmas de *1* persona esperan su aprobación" in text
    assert "*4* organizaciones esperan ser verificadas; no se cuentan" in text
    assert "*2* firmaron en la página pública" in text
    assert buttons(message) == ["Revisar 8 pendientes", "Recordar a 2 miembros"]
    assert "Daily tally" not in text and "By state" not in text


def test_the_daily_tally_reads_as_before_in_english() -> None:
    """Outside Spanish, the same tally says what it always said."""
    message = a_tally()
    text = json.dumps(message, ensure_ascii=False)
    assert message["blocks"][0]["text"]["text"].startswith("Daily tally · ")
    assert ":busts_in_silhouette: *1 of 3* members signed. *Not yet (2):* Puente" in text
    assert "*2* organizations · *1* individual" in text
    assert ":raised_hand: *1* person's sign-ons wait for your approval" in text
    assert buttons(message) == ["Review 8 waiting", "Chase 2 members"]


def a_review() -> dict[str, Any]:
    """A pair that differ in listing, a held person, and an entry waiting to be verified."""
    first = entry(1, "Make the Road New York", submitted_as=("MRNY",))
    second = entry(2, "Make the Road NY", public=False)
    held = HeldSignOn(
        11, Submission(kind=SignerKind.ORGANIZATION, name="Coalition 4", person_name="Ana"), NOW
    )
    hold = Hold(
        5, 7, "U9", HoldStatus.PENDING, ("Coalition 1", "Coalition 2", "Coalition 3"), (held,)
    )
    waiting = entry(3, "Puente")
    verified = Verified(Verification.UNVERIFIED, None, RosterMember(id=1, name="Puente"))
    return review_message(
        make_letter("Text"),
        [ReviewPair(9, 7, first, second)],
        holds=[hold],
        waiting=[waiting],
        verification={3: verified},
        news=True,
    )


def test_a_review_item_asks_a_spanish_speaking_organizer_in_spanish() -> None:
    """The queue's intro, each item and its buttons, menus and confirmations in Spanish."""
    with speaking(Language.SPANISH):
        message = a_review()
        merged = decided_text(ReviewDecision.MERGED, "CASA")
    within_limits(message)
    text = json.dumps(message, ensure_ascii=False)
    assert ":mag: Hay firmas nuevas para revisar en *Protect our communities* (carta #7)" in text
    assert (
        "*1 posible duplicado* (cada uno cuenta por separado) y *1 persona* cuyas firmas "
        "esperan su decisión (aún no se cuentan) y *1 organización* pendiente de verificación"
    ) in text
    assert "(también “MRNY”)" in text and "*pidió no aparecer en la lista pública*" in text
    assert "firmó por *4 organizaciones*" in text
    assert "_pendiente de verificación_: se pregunta a sus contactos" in text
    assert buttons(message) == [
        "Misma organización: publicar como “Make the Road New York”",
        "Misma: publicar como “Make the Road NY”",
        "Organizaciones distintas",
        "Aprobar",
        "Retirar todas",
        "Contarla",
        "Retirar",
    ]
    assert "Misma: publicar como “Make the Road NY”, en la lista pública" in options(message)
    assert "¿Retirar todas?" in text and "Cancelar" in text
    assert merged == "Ahora es una sola organización, publicada como *CASA*."


def test_a_review_item_reads_as_before_in_english() -> None:
    """Outside Spanish, the queue says what it always said."""
    text = json.dumps(a_review(), ensure_ascii=False)
    assert (
        "*1 possible duplicate* (each counts on its own) and *1 person* whose sign-ons "
        "wait for you (not counted yet) and *1 organization* waiting to be verified"
    ) in text
    assert "Same organization — list as “Make the Road New York”" in text


def a_roster_import() -> RosterImport:
    saved = RosterSaved(added=["A", "B"], updated=["C"], unchanged=[], kept=1)
    return RosterImport(saved, [SkippedRow(4, "it has no organization name")], ["x@example.org"])


def test_the_roster_report_is_in_spanish() -> None:
    """What loading a roster did, and what Slack found, said in Spanish."""
    lookup = EmailLookup(found={"a@example.org": "U1"}, unknown=["x@example.org"])
    with speaking(Language.SPANISH):
        roster = read_roster(b"Organization,Domains\nCASA,gmail.com\n,\n,x\n")
        looking = roster_report(a_roster_import(), total=4, looked_up=0)
        done = roster_report(a_roster_import(), total=4, lookup=lookup)
    assert looking.startswith(
        "Lista de miembros cargada: 2 agregadas, 1 actualizada, 0 sin cambios. "
        "Tiene 4 organizaciones miembro.\n"
        "1 que ya estaba en la lista no venía en este archivo; se mantiene.\n"
        "Buscando en Slack el correo electrónico de 1 contacto"
    )
    assert "Se encontró 1 contacto en Slack por su correo electrónico." in done
    assert "No se encontró una cuenta de Slack para x@example.org" in done
    assert [row.reason for row in roster.skipped] == [
        "“gmail.com” es correo gratuito: cualquiera puede tener una dirección ahí, así que "
        "no verifica a nadie (se leyó el resto de la fila de CASA)",
        "no tiene nombre de organización",
    ]


def test_the_roster_report_reads_as_before_in_english() -> None:
    """Outside Spanish, the report says what it always said."""
    report = roster_report(a_roster_import(), total=4, looked_up=0)
    assert report.startswith(
        "Roster loaded: 2 added, 1 updated, 0 unchanged. It has 4 member organizations.\n"
    )


def test_the_roster_form_missing_list_and_chase_report_are_in_spanish() -> None:
    """The roster modal (its CSV headers named as the file must have them), who hasn't
    signed with It's them / Not them, and what a chase will do."""
    members = [
        RosterMember(id=1, name="CASA", state="MD", contacts=(RosterContact("U1"),)),
        RosterMember(id=2, name="Puente", contacts=(RosterContact("U2"),)),
    ]
    found = [
        MemberStanding(members[0], Standing.NOT_SIGNED),
        MemberStanding(members[1], Standing.POSSIBLY_SIGNED, ("Puente AZ",), (8,)),
    ]
    letter = make_letter("Text")
    with speaking(Language.SPANISH):
        form = roster_form(members, unresolved=[])
        missing = missing_message(letter, found)
        chase = chase_report(letter, found, planned=True, again={}, zone=ZONE)
    within_limits(form)
    within_limits(missing)
    assert form["title"]["text"] == "Lista de miembros"
    assert "en inglés: “Organization” (obligatoria)" in form["blocks"][-1]["hint"]["text"]
    text = json.dumps(missing, ensure_ascii=False)
    assert (
        "*Protect our communities* (carta #7): firmaron 0 de 2 organizaciones miembro; "
        "falta 1; 1 puede haber firmado con otro nombre." in text
    )
    assert "• ¿*Puente* es quien firmó como “Puente AZ”?" in text
    assert buttons(missing) == ["Es la misma", "No es la misma"]
    assert chase.startswith(
        "Recordatorio a 1 organización miembro que no ha firmado *Protect our communities*: "
        "ahora, un mensaje directo a 1 contacto de Slack"
    )


def test_the_signers_page_and_its_forms_are_in_spanish() -> None:
    """`/letter signers`, an entry's menu, and the form to withdraw it, in Spanish."""
    entries = [entry(n, f"Organization {n}") for n in range(1, 26)]
    letter = make_letter("Text")
    with speaking(Language.SPANISH):
        page = signers_page(letter, entries)
        actions = (EntryAction.EDIT, EntryAction.WITHDRAW, EntryAction.RESTORE)
        forms = [entry_form(entries[0], action) for action in actions]
        withdrawn = entry_changed_text(entries[0], EntryAction.WITHDRAW)
    within_limits(page)
    for form in forms:
        within_limits(form)
    text = json.dumps(page, ensure_ascii=False)
    assert (
        "*25 firmantes* de *Protect our communities* (carta #7); se muestran del 1 al 20." in text
    )
    assert options(page)[:2] == ["Editar…", "Retirar…"] and buttons(page) == ["Siguiente"]
    titles = {form["title"]["text"] for form in forms}
    assert titles == {"Editar firmante", "Retirar firmante", "Restaurar firmante"}
    assert withdrawn.startswith("Se retiró a *Organization 1*.")


def test_the_export_form_is_in_spanish() -> None:
    """The export form's title, buttons, labels and list layouts, in Spanish."""
    with speaking(Language.SPANISH):
        form = export_form(make_letter("Dear Secretary,\n\nAct.\n\nSigned,"), count=3)
    within_limits(form)
    assert (form["title"]["text"], form["submit"]["text"], form["close"]["text"]) == (
        "Exportar firmantes",
        "Enviarme los archivos",
        "Cancelar",
    )
    labels = [block["label"]["text"] for block in form["blocks"] if block["type"] == "input"]
    assert labels == ["Cada firmante como", "Personas a título individual", "La lista va debajo de"]
    assert "*Protect our communities* (carta #7): 3 firmantes." in form["blocks"][0]["text"]["text"]
    assert "Solo nombres" in options(form)
    assert "Listar a las personas aparte, después de las organizaciones" in options(form)


def test_the_export_form_reads_as_before_in_english() -> None:
    """Outside Spanish, the form says what it always said."""
    form = export_form(make_letter("Text"), count=1)
    assert form["title"]["text"] == "Export the signers"
    assert "(letter #7): 1 signer. The list, a Word document" in form["blocks"][0]["text"]["text"]
    assert options(form)[0] == "Names only"


def test_the_import_form_and_report_are_in_spanish() -> None:
    """The import modal names the CSV headers as the file must have them; its report and
    the reasons rows were skipped are in Spanish."""
    letter = make_letter("Text")
    report = ImportReport(new=2, same=1, before=0, possible=1)
    with speaking(Language.SPANISH):
        form = import_form(letter)
        read = read_signons(b"Organization Name,Your Name\n,Ana\n", zone=ZONE)
        said = import_report(letter, report, skipped=read.skipped, count=1)
    within_limits(form)
    assert form["title"]["text"] == "Importar firmas"
    assert "“Organization Name”, “Your Name”" in form["blocks"][1]["hint"]["text"]
    assert said.startswith(
        "Importación en *Protect our communities*: firmantes nuevos, *2*; ya habían firmado "
        "(se guardan como contactos), *1*; importados antes, *0*;"
    )
    assert "La carta tiene ahora *1* firmante," in said
    assert said.endswith("\nLínea 2: no tiene nombre de organización.")


def test_the_job_labels_are_translated_where_they_are_said() -> None:
    """A kind of scheduled post keeps its English label (for the logs), and a reader of
    Spanish reads it in Spanish."""
    assert JobKind.TALLY.label == "The daily tally"
    with speaking(Language.SPANISH):
        assert gettext(JobKind.TALLY.label) == "El conteo diario"


@pytest.fixture
async def signed_letter(slack: SlackDriver, fake_slack: FakeSlack, store: Store) -> None:
    """Letter #1 with three signers; its organizer's Slack speaks Spanish."""
    coalition(fake_slack)
    fake_slack.add_user(ORGANIZER, name="organizer", locale="es-MX")
    await post_letter(slack, fake_slack, body="Dear Secretary,\n\nAct now.\n\nSigned,")
    letter = await store.letters.get(1)
    assert letter is not None
    signons = SignOns(store=store, live_count=None)
    for name in ("Make the Road New York", "CASA", "Puente"):
        submission = Submission(kind=SignerKind.ORGANIZATION, name=name, state="NY")
        await signons.sign(None, letter, submission, now=letter.created_at)


@pytest.mark.usefixtures("signed_letter")
async def test_an_organizer_whose_slack_speaks_spanish_is_answered_in_spanish(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """`/letter signers` and `/letter export` answer in the organizer's Slack language."""
    answer = await ask(slack, fake_slack, "signers 1")
    assert "*3 firmantes* de *Protect our communities* (carta #1)" in json.dumps(
        answer, ensure_ascii=False
    )
    opened = len(fake_slack.calls_to("views.open"))
    await slack.command("/letter", "export 1", user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened)
    form = fake_slack.calls_to("views.open")[-1].args["view"]
    assert form["title"]["text"] == "Exportar firmantes"
    assert form["submit"]["text"] == "Enviarme los archivos"
