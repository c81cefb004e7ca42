"""The `undersigned` command line: run the bot, or read what it has stored."""

from __future__ import annotations

import argparse
import asyncio
import errno
import os
import sys
from collections.abc import Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from bot.app import build_client, public_pages
from bot.logs import configure_logging
from bot.rules.language import CatalogMissing, check_catalogs
from bot.rules.letters import ListFormat, ListStyle
from bot.rules.problems import RosterUnreadable
from bot.rules.roster import EmailLookup
from bot.server import serve
from bot.services.exports import gather_extras
from bot.services.imports import import_rows
from bot.services.people import People
from bot.services.roster import load_roster, look_up_emails
from bot.settings import ConfigurationError, Settings, load_settings
from bot.slack.blocks.problems import field_sentences
from bot.slack.blocks.roster import SLACK_CONNECT_ADVICE
from bot.slack.letters import refresh_posts
from bot.slack.pacing import TIER_3_CALLS, CallBudget
from bot.storage import Store
from bot.texts.exports import ExportFormat, audit_csv, render
from bot.texts.imports import ImportProblem, ImportRow, read_signons


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="undersigned", description="Run coalition sign-on letter drives in Slack."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (what no command does)")
    commands.add_parser("letters", help="list letters, one per line, id first")
    export = commands.add_parser("export", help="print a letter's signers")
    export.add_argument("letter", type=int, metavar="LETTER", help="the letter's id")
    export.add_argument(
        "--format", choices=[f.value for f in ExportFormat], default=ExportFormat.TEXT.value
    )
    export.add_argument(
        "--list-format",
        choices=[f.value for f in ListFormat],
        default=ListFormat.NAMES.value,
        help="how the text list lays out each signer (default: names)",
    )
    export.add_argument(
        "--individuals-with-organizations",
        action="store_true",
        help="list individuals among the organizations, not apart",
    )
    export.add_argument(
        "--closing", help="the word the list goes under (default: the letter's own, or Sincerely,)"
    )
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE, not standard output"
    )
    audit = commands.add_parser("audit", help="print a letter's audit trail of signers as CSV")
    audit.add_argument("letter", type=int, metavar="LETTER", help="the letter's id")
    importer = commands.add_parser("import", help="import sign-ons from a Google Forms CSV")
    importer.add_argument("letter", type=int, metavar="LETTER", help="the letter's id")
    importer.add_argument("file", type=Path, metavar="FILE.csv")
    roster = commands.add_parser("roster", help="the coalition's roster of member organizations")
    roster_commands = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    roster_import = roster_commands.add_parser(
        "import", help="add or update member organizations from a CSV"
    )
    roster_import.add_argument("file", type=Path, metavar="FILE.csv")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        if args.command == "letters":
            return _run(print_letters(settings))
        if args.command == "export":
            style = ListStyle(
                format=ListFormat(args.list_format),
                individuals_apart=not args.individuals_with_organizations,
                closing=args.closing,
            )
            return _run(
                print_export(settings, args.letter, ExportFormat(args.format), style, args.output)
            )
        if args.command == "import":
            return import_file(settings, args.letter, args.file)
        if args.command == "audit":
            return _run(print_audit(settings, args.letter))
        if args.command == "roster":
            return import_roster(settings, args.file)
        settings.require_slack_credentials()
    except ConfigurationError as problem:
        print(problem.guide(), file=sys.stderr)
        return 2
    try:
        check_catalogs()
    except CatalogMissing as problem:
        print(problem, file=sys.stderr)
        return 2
    configure_logging()
    return _run(serve(settings))


async def print_letters(settings: Settings) -> int:
    async with Store(settings.database_url) as store:
        for letter in await store.letters.all():
            deadline = letter.deadline.astimezone(settings.timezone)
            print(
                letter.id,
                letter.status.value,
                f"{deadline:%Y-%m-%d %H:%M %Z}",
                ",".join(letter.channels),
                letter.title,
                sep="\t",
            )
    return 0


async def print_export(
    settings: Settings,
    letter_id: int,
    export_format: ExportFormat,
    style: ListStyle,
    output: Path | None = None,
) -> int:
    async with Store(settings.database_url) as store:
        letter = await store.letters.get(letter_id)
        if letter is None:
            return _no_such_letter(letter_id)
        signers = await store.signatures.signers(letter_id)
        versions = await store.letters.versions(letter_id)
        # Names as last read from Slack: the command line asks Slack nothing.
        people = People(store=store, workspaces=None)
        # Whoever runs the server sees everything the database holds.
        extras = await gather_extras(
            store,
            people,
            letter,
            signers,
            now=datetime.now(UTC),
            roster_contacts=True,
            pages=public_pages(settings),
            zone=settings.timezone,
        )
        rendered = render(export_format, letter, signers, versions, extras=extras, style=style)
    return await asyncio.to_thread(_write, rendered, output)


def _write(rendered: str | bytes, output: Path | None) -> int:
    """An export to standard output, or to `output`."""
    data = rendered.encode() if isinstance(rendered, str) else rendered
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    try:
        # Signers' emails are in it: readable by its owner only, and never written
        # through a symbolic link someone else may have left at that path.
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    except OSError as problem:
        if problem.errno == errno.ELOOP:
            print(f"Won't write {output}: it is a symbolic link.", file=sys.stderr)
        else:
            print(f"Can't write {output}: {problem.strerror}.", file=sys.stderr)
        return 2
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(descriptor, 0o600)  # a file there before keeps its mode otherwise
        file.write(data)
    return 0


async def print_audit(settings: Settings, letter_id: int) -> int:
    """Every change to the letter's entries after they were made, oldest first."""
    async with Store(settings.database_url) as store:
        if await store.letters.get(letter_id) is None:
            return _no_such_letter(letter_id)
        sys.stdout.write(audit_csv(await store.entries.audit(letter_id)))
    return 0


def import_file(settings: Settings, letter_id: int, path: Path) -> int:
    """Import a CSV through the same checks and dedupe as Slack sign-ons."""
    try:
        found = read_signons(path.read_bytes(), zone=settings.timezone)
    except OSError as problem:
        print(f"Can't read {path}: {problem.strerror}.", file=sys.stderr)
        return 2
    except ImportProblem as problem:
        print(f"Can't import {path}: {problem}", file=sys.stderr)
        return 2
    for row in found.skipped:
        print(f"Line {row.line} skipped: {row.reason}.", file=sys.stderr)
    return _run(_import_rows(settings, letter_id, found.rows, skipped=len(found.skipped)))


async def _import_rows(
    settings: Settings, letter_id: int, rows: list[ImportRow], *, skipped: int
) -> int:
    async with Store(settings.database_url) as store:
        letter = await store.letters.get(letter_id)
        if letter is None:
            return _no_such_letter(letter_id)
        report = await import_rows(store, letter, rows, now=datetime.now(UTC))
        count = await store.signatures.count(letter_id)
        refreshed = await _refresh_counts(settings, store, letter_id, count=count)
    for line, problems in report.problems:
        reasons = " ".join(field_sentences(problems, signon=True))
        print(f"Line {line} skipped: {reasons}", file=sys.stderr)
    print(
        f"Imported: {report.new} new signers, {report.same} already signed (kept as "
        f"contacts), {report.before} imported before; {report.possible} queued as possible "
        f"duplicates; {len(report.problems) + skipped} skipped. The letter now has {count} "
        "signers."
    )
    if refreshed:
        print(refreshed)
    return 0


async def _refresh_counts(settings: Settings, store: Store, letter_id: int, *, count: int) -> str:
    """Bring the letter's posted count lines up to date, when a bot token is set; what
    became of it, in a sentence (empty when there was nothing to do)."""
    letter = await store.letters.get(letter_id)
    if letter is None or not any(post.ts for post in letter.posts):
        return ""
    if settings.slack_bot_token is None:
        return "Set SLACK_BOT_TOKEN to update the count shown under the letter's posts too."
    client = build_client(settings, token_only=True)
    results = await refresh_posts(
        client,
        store,
        letter,
        count=count,
        zone=settings.timezone,
        public_url=public_pages(settings).letter_url(letter),
    )
    failed = [result for result in results if not result.ok]
    updated = f"The count shown under the letter is updated in {len(results) - len(failed)} "
    updated += "channel" if len(results) - len(failed) == 1 else "channels"
    if failed:
        where = ", ".join(f"{r.channel_id} ({r.error})" for r in failed)
        return f"{updated}; not in {where}: the bot brings it up to date with the next sign-on."
    return f"{updated}."


def import_roster(settings: Settings, path: Path) -> int:
    """Add or update the roster's members from a CSV. Contacts' emails are looked up in
    Slack when a bot token is configured."""
    try:
        data = path.read_bytes()
    except OSError as problem:
        print(f"Can't read {path}: {problem.strerror}.", file=sys.stderr)
        return 2
    return _run(_import_roster(settings, data, path))


async def _import_roster(settings: Settings, data: bytes, path: Path) -> int:
    async with Store(settings.database_url) as store:
        try:
            result = await load_roster(store, data, now=datetime.now(UTC))
        except RosterUnreadable as problem:
            print(f"Can't import {path}: {problem.reason}", file=sys.stderr)
            return 2
        total = len(await store.roster.members())
        saved = result.saved
        for row in result.skipped:
            print(f"Line {row.line} skipped: {row.reason}.", file=sys.stderr)
        print(
            f"Roster imported: {len(saved.added)} added, {len(saved.updated)} updated, "
            f"{len(saved.unchanged)} unchanged; {saved.kept} others kept. The roster has "
            f"{total} member organizations."
        )
        if not result.to_look_up:
            return 0
        if settings.slack_bot_token is None:
            print(
                f"{len(result.to_look_up)} contacts' emails weren't looked up in Slack (no "
                "SLACK_BOT_TOKEN); importing again with it set looks them up.",
                file=sys.stderr,
            )
            return 0
        lookup = await _look_up(settings, store, result.to_look_up)
    for email in lookup.unknown:
        print(f"No Slack account found for {email}; it won't be chased.", file=sys.stderr)
    if lookup.unknown:
        print(f"{SLACK_CONNECT_ADVICE}.", file=sys.stderr)
    if lookup.not_asked:
        print(
            f"Slack stopped answering before {len(lookup.not_asked)} emails were looked up; "
            "importing again looks them up.",
            file=sys.stderr,
        )
    print(f"Found {len(lookup.found)} of {len(result.to_look_up)} contacts in Slack by email.")
    return 0


async def _look_up(settings: Settings, store: Store, emails: list[str]) -> EmailLookup:
    """Look the emails up within users.lookupByEmail's rate tier, saying how far it got
    (a few hundred take minutes)."""
    print(f"Looking up {len(emails)} contacts' emails in Slack…", file=sys.stderr)

    async def progress(done: int, of: int) -> None:
        if done % TIER_3_CALLS == 0 and done < of:
            print(f"  {done} of {of} looked up", file=sys.stderr)

    client = build_client(settings, token_only=True)
    budget = CallBudget(calls=TIER_3_CALLS)
    return await look_up_emails(store, client, emails, budget=budget, progress=progress)


def _no_such_letter(letter_id: int) -> int:
    print(f"There's no letter {letter_id}; `undersigned letters` lists them.", file=sys.stderr)
    return 2


def _run(work: Coroutine[Any, Any, int | None]) -> int:
    """Run `work` to the end or until Ctrl-C; database trouble is explained, not raised."""
    try:
        return asyncio.run(work) or 0
    except KeyboardInterrupt:
        return 0
    except ConfigurationError as problem:
        print(problem.guide(), file=sys.stderr)
        return 2
    except (ArgumentError, DBAPIError) as problem:
        print(_database_guide(problem), file=sys.stderr)
        return 2


def _database_guide(problem: Exception) -> str:
    try:
        url = make_url(load_settings().database_url).render_as_string(hide_password=True)
    except (ArgumentError, ConfigurationError):
        url = "(unreadable)"
    reason = getattr(problem, "orig", None) or problem
    return (
        f"Undersigned can't use the database at DATABASE_URL={url}:\n  {reason}\n"
        "Check the URL (for example sqlite+aiosqlite:///undersigned.db) and that the "
        "file's folder exists and is writable."
    )
