"""Importing sign-ons from Slack: the form with Slack's file input, and what became of
each row."""

from __future__ import annotations

from typing import Any

from bot.rules.letters import Letter
from bot.rules.wording import noun_for
from bot.slack.blocks.problems import field_sentences
from bot.slack.blocks.text import escape, mrkdwn, plain, read_id
from bot.texts.imports import HEADERS, ImportReport, SkippedRow

IMPORT_CALLBACK_ID = "import_form"
IMPORT_FILE_BLOCK = "import_file"
IMPORT_FILE_ACTION = "import_file"
IMPORT_TITLE = "Import sign-ons"
IMPORTING = "Importing the sign-ons through the same checks and dedupe as Slack's…"
# Rows named in the report; past these, how many more.
PROBLEMS_SHOWN = 15


def import_form(letter: Letter) -> dict[str, Any]:
    """A modal with Slack's file input for a CSV of sign-ons collected elsewhere."""
    columns = ", ".join(f"“{names[0].title()}”" for names in HEADERS.values())
    return {
        "type": "modal",
        "callback_id": IMPORT_CALLBACK_ID,
        "private_metadata": str(letter.id),
        "title": plain(IMPORT_TITLE),
        "submit": plain("Import"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    f"Sign-ons for *{escape(letter.title)}* (letter #{letter.id}) collected "
                    "elsewhere, such as a Google Forms export. Each row goes through the same "
                    "checks and dedupe as a sign-on in Slack; importing a file twice adds "
                    "nothing."
                ),
            },
            {
                "type": "input",
                "block_id": IMPORT_FILE_BLOCK,
                "label": plain("Sign-ons (CSV)"),
                "hint": plain(
                    f"Columns are found by their headers, in any order: {columns}. Others are "
                    "left out."
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
        f"Line {line}: {' '.join(field_sentences(errors, signon=True))}"
        for line, errors in report.problems
    ] + [f"Line {row.line}: {escape(row.reason)}." for row in skipped]
    lines = [
        f"Imported into *{escape(letter.title)}*: *{report.new}* new signers, "
        f"*{report.same}* already signed (kept as contacts), *{report.before}* imported "
        f"before; *{report.possible}* queued as possible duplicates (`/letter review "
        f"{letter.id}`); *{len(problems)}* skipped. The letter now has *{count}* "
        f"{noun_for(count, 'signer')}, "
        "and its posted counts are being brought up to date."
    ]
    lines += problems[:PROBLEMS_SHOWN]
    if len(problems) > PROBLEMS_SHOWN:
        lines.append(f"…and {len(problems) - PROBLEMS_SHOWN} more lines skipped.")
    return "\n".join(lines)
