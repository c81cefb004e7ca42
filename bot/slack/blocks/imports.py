"""Importing sign-ons from Slack: the form with Slack's file input, and what became of
each row."""

from __future__ import annotations

from typing import Any

from bot.rules.language import N_, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letters import Letter
from bot.slack.blocks.problems import field_sentences
from bot.slack.blocks.text import escape, mrkdwn, plain, read_id
from bot.texts.imports import HEADERS, ImportReport, SkippedRow

IMPORT_CALLBACK_ID = "import_form"
IMPORT_FILE_BLOCK = "import_file"
IMPORT_FILE_ACTION = "import_file"
IMPORT_TITLE = N_("Import sign-ons")
IMPORTING = N_("Importing the sign-ons through the same checks and dedupe as Slack's…")
# Rows named in the report; past these, how many more.
PROBLEMS_SHOWN = 15


def import_form(letter: Letter) -> dict[str, Any]:
    """A modal with Slack's file input for a CSV of sign-ons collected elsewhere."""
    # The headers are what the file's columns are found by: named as they are.
    columns = ", ".join(f"“{names[0].title()}”" for names in HEADERS.values())
    return {
        "type": "modal",
        "callback_id": IMPORT_CALLBACK_ID,
        "private_metadata": str(letter.id),
        "title": plain(_(IMPORT_TITLE)),
        "submit": plain(_("Import")),
        "close": plain(_("Cancel")),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    _(
                        "Sign-ons for *{title}* (letter #{letter}) collected elsewhere, such as "
                        "a Google Forms export. Each row goes through the same checks and "
                        "dedupe as a sign-on in Slack; importing a file twice adds nothing."
                    ).format(title=escape(letter.title), letter=letter.id)
                ),
            },
            {
                "type": "input",
                "block_id": IMPORT_FILE_BLOCK,
                "label": plain(_("Sign-ons (CSV)")),
                "hint": plain(
                    _(
                        "Columns are found by their headers, in any order: {columns}. Others are "
                        "left out."
                    ).format(columns=columns)
                ),
                "element": {
                    "type": "file_input",
                    "action_id": IMPORT_FILE_ACTION,
                    "filetypes": ["csv"],
                    "max_files": 1,
                },
            },
        ],
    }


def read_import_form(view: dict[str, Any]) -> tuple[int | None, list[dict[str, Any]]]:
    """The letter id the form is for, and the files its input holds."""
    values = view["state"]["values"]
    answer = (values.get(IMPORT_FILE_BLOCK) or {}).get(IMPORT_FILE_ACTION) or {}
    files = [file for file in answer.get("files") or [] if isinstance(file, dict)]
    return read_id(view.get("private_metadata")), files


def import_report(
    letter: Letter, report: ImportReport, *, skipped: list[SkippedRow], count: int
) -> str:
    """What was added, merged, queued and skipped, and why."""
    problems = [
        _("Line {line}: {problem}").format(
            line=line, problem=" ".join(field_sentences(errors, signon=True))
        )
        for line, errors in report.problems
    ] + [
        _("Line {line}: {problem}.").format(line=row.line, problem=escape(row.reason))
        for row in skipped
    ]
    lines = [
        ngettext(
            "Imported into *{title}*: *{new}* new signers, *{same}* already signed (kept as "
            "contacts), *{before}* imported before; *{possible}* queued as possible duplicates "
            "(`/letter review {letter}`); *{skipped}* skipped. The letter now has *{count}* "
            "signer, and its posted counts are being brought up to date.",
            "Imported into *{title}*: *{new}* new signers, *{same}* already signed (kept as "
            "contacts), *{before}* imported before; *{possible}* queued as possible duplicates "
            "(`/letter review {letter}`); *{skipped}* skipped. The letter now has *{count}* "
            "signers, and its posted counts are being brought up to date.",
            count,
        ).format(
            title=escape(letter.title),
            new=number(report.new),
            same=number(report.same),
            before=number(report.before),
            possible=number(report.possible),
            letter=letter.id,
            skipped=number(len(problems)),
            count=number(count),
        )
    ]
    lines += problems[:PROBLEMS_SHOWN]
    if len(problems) > PROBLEMS_SHOWN:
        more = len(problems) - PROBLEMS_SHOWN
        lines.append(
            ngettext(
                "…and {count} more line skipped.", "…and {count} more lines skipped.", more
            ).format(count=number(more))
        )
    return "\n".join(lines)
