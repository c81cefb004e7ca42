"""Running the app: Socket Mode with an app-level token, else HTTP on PORT."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import (
    Services,
    build_app,
    build_client,
    build_services,
    installed_workspace,
    public_pages,
)
from bot.mail.smtp import Mailer
from bot.recorder import RecorderProcess
from bot.scheduler import Scheduler
from bot.services.confirmations import ConfirmationMail
from bot.services.dispatch import Dispatcher
from bot.services.people import People
from bot.services.questions import Questions
from bot.services.web_signons import SignOnLinks, WebSignOns
from bot.services.workspace import Workspaces
from bot.settings import ConfigurationError, Settings
from bot.signon_route import SignonRoute
from bot.slack.errors import slack_error
from bot.slack.pacing import CallBudget
from bot.storage import Store
from bot.web.routes import add_public_pages

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# The largest things Slack sends are a form submission carrying a whole modal and a
# message shortcut carrying a 40,000-character message as text and as blocks, encoded:
# well under a megabyte. Anything over this is not from Slack.
MAX_REQUEST_BYTES = 2 * 1024 * 1024


async def serve(settings: Settings) -> None:
    """Run until SIGTERM (as process managers stop us) or Ctrl-C, then shut down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with Store(settings.database_url) as store:
        # One budget for every chat.update this process makes: Slack's limit is per app.
        updates = CallBudget()
        links = SignOnLinks(store=store, pages=public_pages(settings))
        await links.prepare()
        scheduler = build_scheduler(settings, store, updates=updates, links=links)
        recorder = RecorderProcess(settings.database_url)
        services = build_services(
            settings,
            store,
            schedule_changed=scheduler.poke,
            updates=updates,
            recording=recorder,
        )
        web_signons = WebSignOns(
            store=store,
            signons=services.signons,
            entries=services.entries,
            links=links,
            mail_planned=scheduler.poke,
        )
        app = build_app(services)
        app_token = settings.slack_app_token
        await verify_credentials(
            app.client, app_token=app_token.get_secret_value() if app_token else None
        )
        await services.prepare()
        await scheduler.start()
        try:
            if settings.slack_app_token is not None:
                # Slack's requests come over the socket; PORT serves the public pages
                # and /healthz.
                pages = build_web_app(None, services, web_signons=web_signons)
                await asyncio.gather(
                    serve_socket_mode(app, settings.slack_app_token.get_secret_value(), until=stop),
                    serve_web_app(pages, port=settings.port, until=stop),
                )
            else:
                web_app = build_web_app(app, services, web_signons=web_signons)
                await serve_web_app(web_app, port=settings.port, until=stop)
        finally:
            await scheduler.stop()
            # Count lines waiting for a burst to settle are brought up to date.
            await services.settle()
            await recorder.close()
    logger.info("Stopped")


def build_scheduler(
    settings: Settings,
    store: Store,
    *,
    updates: CallBudget | None = None,
    links: SignOnLinks | None = None,
) -> Scheduler:
    """Reminders, closes, tallies, questions to roster contacts, and the emails web
    signers confirm by (signed with `links`, when the pages are on). Their client has
    no retry handlers of its own: the dispatcher retries from the database, so a long
    rate limit holds nothing up."""
    workspaces = Workspaces(installed_workspace(settings, build_client(settings, retries=False)))
    mailer = mailer_of(settings) if links is not None else None
    people = People(store=store, workspaces=workspaces)
    dispatcher = Dispatcher(
        store=store,
        workspaces=workspaces,
        tally_time=settings.tally_time,
        updates=updates,
        people=people,
        mail=(
            ConfirmationMail(store=store, links=links, mailer=mailer)
            if mailer is not None and links is not None
            else None
        ),
        questions=Questions(store=store, people=people, mailer=mailer, links=links),
        pages=public_pages(settings),
    )
    return Scheduler(dispatcher, zone=settings.timezone, tally_time=settings.tally_time)


# Errors that mean the token itself is wrong, as opposed to Slack having a bad moment.
_REFUSED_TOKEN = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
}


async def verify_credentials(client: AsyncWebClient, *, app_token: str | None) -> None:
    """Fail fast, with a guide, when Slack refuses a token or can't be reached at all.

    Without this, a mistyped app-level token has Socket Mode retrying forever.
    """
    checks = [("SLACK_BOT_TOKEN", client.auth_test())]
    if app_token is not None:
        checks.append(("SLACK_APP_TOKEN", client.apps_connections_open(app_token=app_token)))
    for name, check in checks:
        try:
            await check
        except SlackApiError as error:
            code = slack_error(error)
            if code in _REFUSED_TOKEN:
                raise ConfigurationError(
                    [(name, f"Slack refused this token ({code}); copy it again")]
                ) from None
            raise
        except aiohttp.ClientError as error:
            raise ConfigurationError(
                [("SLACK_API_URL", f"can't reach Slack at {client.base_url} ({error})")]
            ) from None


def mailer_of(settings: Settings) -> Mailer | None:
    """What sends email (to web signers, and roster contacts Slack doesn't know), if
    SMTP_URL is set and the public pages are on."""
    if settings.smtp_url is None or not settings.web_signons:
        return None
    return Mailer(settings.smtp_url.get_secret_value(), sender=settings.mail_sender)


def build_web_app(
    app: AsyncApp | None, services: Services, *, web_signons: WebSignOns | None = None
) -> web.Application:
    """Bolt's endpoint at /slack/events (a /signon taken ahead of Bolt's dispatch, by
    `bot.signon_route`) unless `app` is None (Socket Mode), the public pages if web
    sign-ons are on, and /healthz for load balancers.

    A request body over MAX_REQUEST_BYTES is refused (413) before it reaches Bolt.
    """
    web_app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    if app is not None:
        secret = services.settings.slack_signing_secret
        assert secret is not None, "HTTP mode needs the signing secret"
        events = SignonRoute(
            services,
            signing_secret=secret.get_secret_value(),
            bolt=app.server(path=EVENTS_PATH).handle_post_requests,
        )
        web_app.router.add_post(EVENTS_PATH, events.handle)
    if web_signons is not None and web_signons.pages.on:
        add_public_pages(web_app, web_signons, services.answers, services.settings)

    async def healthz(_: web.Request) -> web.Response:
        healthy = await services.store.ping()
        return web.json_response({"ok": healthy}, status=200 if healthy else 503)

    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app


async def serve_web_app(web_app: web.Application, *, port: int, until: asyncio.Event) -> None:
    """Serve `web_app` on `port` until `until` is set."""
    _freeze_start_up_objects()
    runner = web.AppRunner(web_app)
    await runner.setup()
    try:
        await web.TCPSite(runner, port=port).start()
        logger.info("Listening on port %d", port)
        await until.wait()
    finally:
        await runner.cleanup()


async def serve_socket_mode(app: AsyncApp, app_token: str, *, until: asyncio.Event) -> None:
    _freeze_start_up_objects()
    handler = AsyncSocketModeHandler(app, app_token, web_client=app.client)
    try:
        await handler.connect_async()
        logger.info("Socket Mode: connected to Slack")
        await until.wait()
    finally:
        await handler.close_async()


def _freeze_start_up_objects() -> None:
    """Everything built at start-up (modules, the app, SQLAlchemy's metadata) lives as
    long as the process: kept out of the collector's full passes, which otherwise stop
    the event loop for ~90 ms every few thousand requests (seen as every in-flight
    sign-on waiting at once)."""
    gc.collect()
    gc.freeze()
