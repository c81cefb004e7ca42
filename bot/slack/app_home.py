"""Where the app's Home is: a deep link into Slack (`slack://app?team=…&id=…&tab=home`,
Slack's "Deep linking into Slack" reference), from the workspace (auth.test) and the
app's ID, read from its bot (bots.info, under the users:read scope it already has)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.slack.errors import UNANSWERED, slack_error
from bot.slack.gateway import SlackApi

logger = logging.getLogger(__name__)


async def app_home_link(client: SlackApi) -> str | None:
    """The link that opens this app's Home tab; None when Slack won't say."""
    try:
        identity = await client.auth_test()
        bot = (await client.bots_info(bot=str(identity["bot_id"])))["bot"]
        team, app = identity["team_id"], bot["app_id"]
    except (SlackApiError, *UNANSWERED, KeyError, TypeError) as error:
        reason = slack_error(error) if isinstance(error, SlackApiError) else type(error).__name__
        logger.warning("The app's Home link couldn't be read from Slack: %s", reason)
        return None
    return f"slack://app?team={team}&id={app}&tab=home"
