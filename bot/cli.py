"""The `undersigned` command line: run the bot, or read what it has stored."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from bot.server import serve
from bot.settings import ConfigurationError, Settings, load_settings
from bot.storage import Store


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="undersigned", description="Run coalition sign-on letter drives in Slack."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (what no command does)")
    commands.add_parser("letters", help="list letters, one per line, id first")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        if args.command == "letters":
            return _run(print_letters(settings))
        settings.require_slack_credentials()
    except ConfigurationError as problem:
        print(problem.guide(), file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return _run(serve(settings))


async def print_letters(settings: Settings) -> int:
    async with Store(settings.database_url) as store:
        for letter in await store.letters():
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
