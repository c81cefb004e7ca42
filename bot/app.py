"""Builds the Bolt app: a Web API client on SLACK_API_URL, services in context, handlers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.listener.async_listener import AsyncListener
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.acks import answer_when_acked
from bot.rules.language import Language, speaking
from bot.rules.problems import Problem
from bot.rules.public_page import PublicPages
from bot.services.access import Organizers
from bot.services.answers import Answers
from bot.services.audience import Audience
from bot.services.deadlines import Deadlines
from bot.services.drafts import Drafts
from bot.services.edits import Edits
from bot.services.entries import Entries
from bot.services.exports import Exports
from bot.services.home import HomeTabs
from bot.services.imports import Imports
from bot.services.letters import Letters
from bot.services.live_count import LiveCount
from bot.services.people import People
from bot.services.recording import Recording
from bot.services.reviews import Reviews
from bot.services.roster import Members
from bot.services.signons import SignOns
from bot.services.verification import Verifications
from bot.services.workspace import Workspace, Workspaces
from bot.settings import Settings
from bot.slack.blocks.problems import SOMETHING_WENT_WRONG
from bot.slack.gateway import SlackApi
from bot.slack.messages import tell_privately
from bot.slack.pacing import CallBudget
from bot.storage import Store
from handlers.answers import tell_problem

logger = logging.getLogger(__name__)

# How long one Web API call may take. Slack answers in well under a second; a call that
# takes this long has failed, and is reported as such.
WEB_API_TIMEOUT_SECONDS = 30

# A process manager waits about this long after SIGTERM before it kills.
SETTLE_SECONDS = 10.0


class _WithoutTokenFallbackWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when handed a client, then
    warns that it will go unused. Our client carries that very token, so the warning at
    every start would only send people looking for a misconfiguration that isn't there."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_WithoutTokenFallbackWarning())


def build_client(
    settings: Settings, *, retries: bool = True, token_only: bool = False
) -> AsyncWebClient:
    """A Web API client on SLACK_API_URL. Without `retries` a failure surfaces at once,
    for callers that retry on their own schedule (the dispatcher). With `token_only`,
    for the command line, the bot token is all it needs."""
    if not token_only or settings.slack_bot_token is None:
        settings.require_slack_credentials()
    assert settings.slack_bot_token is not None
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=retry_handlers() if retries else [],
    )


def installed_workspace(settings: Settings, client: SlackApi) -> Workspace:
    """The workspace SLACK_BOT_TOKEN is for, with its ORGANIZERS (and ORGANIZER_GROUP)
    and TIMEZONE, reached through `client`."""
    return Workspace(
        slack=client,
        organizers=Organizers(
            users=settings.organizers, group=settings.organizer_group, client=client
        ),
        zone=settings.timezone,
    )


def public_pages(settings: Settings) -> PublicPages:
    """The addresses of letters' public pages: at PUBLIC_URL, once SMTP_URL is set too
    (a page whose sign-ons can't be confirmed by email would take none); else none."""
    return PublicPages(settings.public_url if settings.web_signons else None)


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers reach through Bolt's context, built once per process; each request's
    workspace is looked up in `workspaces`."""

    settings: Settings
    store: Store
    client: AsyncWebClient
    workspaces: Workspaces
    drafts: Drafts
    letters: Letters
    deadlines: Deadlines
    edits: Edits
    signons: SignOns
    entries: Entries
    reviews: Reviews
    exports: Exports
    members: Members
    answers: Answers
    imports: Imports
    people: People
    home: HomeTabs
    live_count: LiveCount
    pages: PublicPages

    async def prepare(self) -> None:
        """Before serving: what the first requests after a start would wait for."""
        await self.signons.prepare()

    async def settle(self, *, within: float = SETTLE_SECONDS) -> None:
        """Finish what is under way (count lines waiting to be updated), for a clean stop;
        past `within` seconds, what is left is dropped and logged."""
        try:
            await asyncio.wait_for(
                asyncio.gather(self.live_count.settle(), self.home.settle(), self.people.settle()),
                within,
            )
        except TimeoutError:
            logger.warning("Stopped before every count line was brought up to date")


def build_services(
    settings: Settings,
    store: Store,
    *,
    schedule_changed: Callable[[], None] = lambda: None,
    updates: CallBudget | None = None,
    recording: Recording | None = None,
) -> Services:
    """The bot's services, acting for the workspace the bot is installed in through one
    Web API client. `schedule_changed` is called when a letter's schedule changes; every
    chat.update spends from `updates`, the process's budget for that method. Sign-ons
    are written by `recording`, by default in this process."""
    updates = updates or CallBudget()
    client = build_client(settings)
    workspaces = Workspaces(installed_workspace(settings, client))
    pages = public_pages(settings)
    audience = Audience(store)
    people = People(store=store, workspaces=workspaces)
    home = HomeTabs(
        store=store, workspaces=workspaces, audience=audience, pages=pages, people=people
    )
    live_count = LiveCount(
        workspaces=workspaces, store=store, budget=updates, also=home.touch, pages=pages
    )

    def changed() -> None:
        # A letter posted, closed, extended or edited: the scheduler and the Homes follow.
        schedule_changed()
        home.touch()

    drafts = Drafts(store=store)
    verifications = Verifications(store=store, people=people)
    signons = SignOns(
        store=store,
        live_count=live_count,
        audience=audience,
        schedule_changed=changed,
        learn=people.learn,
        recording=recording,
    )
    return Services(
        settings=settings,
        store=store,
        client=client,
        workspaces=workspaces,
        drafts=drafts,
        letters=Letters(
            store=store,
            drafts=drafts,
            reminders=settings.reminders,
            schedule_changed=changed,
            updates=updates,
            pages=pages,
        ),
        deadlines=Deadlines(store=store, schedule_changed=changed),
        edits=Edits(store=store, schedule_changed=changed),
        signons=signons,
        entries=Entries(
            store=store,
            signons=signons,
            live_count=live_count,
            verifications=verifications,
        ),
        reviews=Reviews(
            store=store, signons=signons, live_count=live_count, verifications=verifications
        ),
        exports=Exports(store=store, people=people, pages=pages),
        members=Members(store=store, audience=audience, schedule_changed=changed),
        answers=Answers(store=store, touch=live_count.touch),
        imports=Imports(store=store, live_count=live_count),
        people=people,
        home=home,
        live_count=live_count,
        pages=pages,
    )


def build_app(services: Services) -> AsyncApp:
    """The Bolt app, with the services in every request's context."""
    settings = services.settings
    signing_secret = settings.slack_signing_secret
    app = AsyncApp(
        name="undersigned",
        client=services.client,
        # Socket Mode needs no signing secret; an empty one keeps Bolt from reading the env.
        signing_secret=signing_secret.get_secret_value() if signing_secret else "",
    )

    async def provide_services(
        context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> None:
        context["workspace"] = services.workspaces.find(context.team_id)
        context["drafts"] = services.drafts
        context["letters"] = services.letters
        context["deadlines"] = services.deadlines
        context["edits"] = services.edits
        context["signons"] = services.signons
        context["entries"] = services.entries
        context["reviews"] = services.reviews
        context["exports"] = services.exports
        context["members"] = services.members
        context["answers"] = services.answers
        context["imports"] = services.imports
        context["people"] = services.people
        context["home"] = services.home
        # Whoever acts is answered in their language (`speak_to_each_reader`).
        language = Language.ENGLISH
        if context.user_id:
            language = await services.people.language_at_once(
                context.user_id, now=datetime.now(UTC)
            )
        context["language"] = language
        await next()

    answer_when_acked(app)
    speak_to_each_reader(app)
    app.middleware(provide_services)
    app.error(apologize)
    handlers.register(app)
    return app


def speak_to_each_reader(app: AsyncApp) -> None:
    """Run each listener, and its error handler, in the language of whoever acted
    (`context["language"]`, found by the services' middleware). Bolt runs listeners
    after the middleware chain has returned, not inside its `next()`: the language is
    set around the listener runner, and the tasks it starts inherit it."""
    runner = app.listener_runner
    run = runner.run

    async def run_in_their_language(
        request: AsyncBoltRequest,
        response: BoltResponse,
        listener_name: str,
        listener: AsyncListener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        with speaking(request.context.get("language") or Language.ENGLISH):
            return await run(
                request=request,
                response=response,
                listener_name=listener_name,
                listener=listener,
                starting_time=starting_time,
            )

    runner.run = run_in_their_language  # type: ignore[method-assign]


async def apologize(
    error: Exception,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    """Whatever went wrong, the person who asked hears of it: a `Problem` a listener
    raised after acking, in its own words; anything else as a fault on our side."""
    try:
        if isinstance(error, Problem):
            await tell_problem(error, body, respond, context.get("workspace"), context.get("home"))
            return
        logger.error("Handling a Slack request failed", exc_info=error)
        if body.get("response_url") or body.get("response_urls"):
            await respond(SOMETHING_WENT_WRONG)
            return
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        if user:
            await tell_privately(client, user=user, channel=None, text=SOMETHING_WENT_WRONG)
    except Exception:
        logger.exception("Could not tell the user what happened to their request")


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retry what Slack asks us to retry: rate limits (after Retry-After), 5xx, dropped
    connections."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AnyServerErrorRetryHandler(max_retry_count=2),
    ]


class AnyServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """slack_sdk's handler retries 500 and 503; a 502 or 504 from a proxy on the way to
    Slack is as passing."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code >= 500
