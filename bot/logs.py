"""How the bot's processes log: the server, the command line and the sign-on recorder."""

from __future__ import annotations

import logging


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler only rings the dispatcher's alarm; its every ring is not news. A line
    # per request (each sign-on, each health check) would drown what is; Bolt logs the
    # requests that fail, and a load balancer keeps access logs.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
