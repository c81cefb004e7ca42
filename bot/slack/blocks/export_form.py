"""The export form: how the list is laid out (names only, "Name, City, ST", "Name (ST)",
by state, by type), whether individuals are listed apart, and the word it goes under."""

from __future__ import annotations

from typing import Any

from bot.rules.cleaning import one_line
from bot.rules.language import N_, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letters import Letter, ListFormat, ListStyle
from bot.rules.limits import CLOSING_MAX
from bot.slack.blocks.text import escape, mrkdwn, plain, read_id
from bot.texts.lists import closing_word

EXPORT_CALLBACK_ID = "export_form"
EXPORT_TITLE = N_("Export the signers")
SENDING = N_("Making the list, the document, the CSVs, the JSON and the chart…")
FORMAT_BLOCK = "list_format"
APART_BLOCK = "individuals_apart"
APART_VALUE = "apart"
CLOSING_BLOCK = "closing"


def export_form(letter: Letter, *, count: int) -> dict[str, Any]:
    """A modal for the export's layout, as the letter's list was last exported (at first:
    names only, individuals apart, under the letter's own closing word)."""
    apart = {
        "text": plain(_("List individuals apart, after the organizations")),
        "value": APART_VALUE,
    }
    return {
        "type": "modal",
        "callback_id": EXPORT_CALLBACK_ID,
        "private_metadata": str(letter.id),
        "title": plain(_(EXPORT_TITLE)),
        "submit": plain(_("Send me the files")),
        "close": plain(_("Cancel")),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    ngettext(
                        "*{title}* (letter #{letter}): {count} signer. The list, a Word document "
                        "of the letter with them, the CSVs, the JSON and a chart come by direct "
                        "message.",
                        "*{title}* (letter #{letter}): {count} signers. The list, a Word document "
                        "of the letter with them, the CSVs, the JSON and a chart come by direct "
                        "message.",
                        count,
                    ).format(title=escape(letter.title), letter=letter.id, count=number(count))
                ),
            },
            {
                "type": "input",
                "block_id": FORMAT_BLOCK,
                "label": plain(_("Each signer as")),
                "element": {
                    "type": "static_select",
                    "action_id": FORMAT_BLOCK,
                    "options": [_option(f) for f in ListFormat],
                    "initial_option": _option(letter.list_style.format),
                },
            },
            {
                "type": "input",
                "block_id": APART_BLOCK,
                "optional": True,
                "label": plain(_("Individuals")),
                "element": {
                    "type": "checkboxes",
                    "action_id": APART_BLOCK,
                    "options": [apart],
                    **({"initial_options": [apart]} if letter.list_style.individuals_apart else {}),
                },
            },
            {
                "type": "input",
                "block_id": CLOSING_BLOCK,
                "label": plain(_("The list goes under")),
                "hint": plain(
                    _("As the letter signs off; change it if the coalition uses another.")
                ),
                "element": {
                    "type": "plain_text_input",
                    "action_id": CLOSING_BLOCK,
                    "initial_value": closing_word(letter.body, letter.list_style),
                    "max_length": CLOSING_MAX,
                },
            },
        ],
    }


def read_export_form(view: dict[str, Any]) -> tuple[int | None, ListStyle]:
    """The letter id the form is for, and the layout chosen."""
    values = view["state"]["values"]

    def answer(block: str) -> dict[str, Any]:
        found: dict[str, Any] = (values.get(block) or {}).get(block) or {}
        return found

    chosen = (answer(FORMAT_BLOCK).get("selected_option") or {}).get("value")
    try:
        list_format = ListFormat(str(chosen))
    except ValueError:
        list_format = ListFormat.NAMES
    apart = any(
        o.get("value") == APART_VALUE for o in answer(APART_BLOCK).get("selected_options") or []
    )
    closing = one_line(str(answer(CLOSING_BLOCK).get("value") or ""))[:CLOSING_MAX]
    style = ListStyle(format=list_format, individuals_apart=apart, closing=closing or None)
    return read_id(view.get("private_metadata")), style


def _option(list_format: ListFormat) -> dict[str, Any]:
    # The layout's label is marked for translation where it is defined: said here.
    return {"text": plain(_(list_format.label)), "value": list_format.value}
