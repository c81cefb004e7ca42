"""The workspace a request or a job acts for: the one value every service is handed.

A service holds the database and its fellow services; what belongs to the coalition's
Slack (its Web API, who organizes there, the clock its deadlines are read on) comes with
each call, looked up by the app per request (from the request's team) and by the
scheduler per job. Today the bot is installed in one workspace, so the lookup always
finds it; the day it is installed in several, only `Workspaces` changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.services.access import Organizers
from bot.slack.gateway import SlackApi


@dataclass(frozen=True, slots=True)
class Workspace:
    slack: SlackApi  # its Web API, with the bot's token there
    organizers: Organizers
    zone: ZoneInfo  # deadlines typed without a zone, and dates in messages and files


class Workspaces:
    """Where the bot is installed, by Slack team."""

    def __init__(self, installed: Workspace) -> None:
        self._installed = installed

    def find(self, team: str | None = None) -> Workspace:
        """The workspace a request from `team` acts for (a scheduled job, which belongs
        to no request, passes none). Installed once, the bot acts for that workspace
        whichever team a request names: Slack Connect and Enterprise Grid requests may
        name another team than the one that installed the app."""
        return self._installed
