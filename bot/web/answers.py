"""The page a roster contact's email links to, that answers "Did your organization
sign?": opening it shows the question and two buttons; only pressing one (a POST with
its CSRF token) answers, so a mail scanner that opens the link answers nothing."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from bot.rules.language import gettext as _
from bot.rules.problems import NotAsked, QuestionGone
from bot.rules.verification import Answer
from bot.services.answers import Answering, Answers
from bot.web.pages import TOKEN_NOTICES, Pages


class AnswerPages:
    def __init__(
        self, pages: Pages, answers: Answers, question_of: Callable[[str], int | None]
    ) -> None:
        self._pages = pages
        self._answers = answers
        # The question an answer link's token is for, if it is one.
        self._question_of = question_of

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/answer/{token}", self.question_page, name="answer"),
            web.post("/answer/{token}", self.answer, name="answer_post"),
        ]

    async def question_page(
        self, request: web.Request, *, notice: str | None = None, status: int = 200
    ) -> web.StreamResponse:
        try:
            answering = await self._answers.question(self._question_id(request))
        except (QuestionGone, NotAsked) as refusal:
            return self._refused(request, refusal)
        return self._show(request, answering, notice=notice, status=status)

    async def answer(self, request: web.Request) -> web.StreamResponse:
        now = self._pages.clock()
        data = await self._pages.checked_post(request, now=now)
        problem = self._pages.token_problem(request, data, now=now)
        if problem is not None:
            return await self.question_page(request, notice=_(TOKEN_NOTICES[problem]), status=400)
        chosen = data.get("answer")
        if chosen not in {Answer.YES.value, Answer.NO.value}:
            return await self.question_page(
                request, notice=_("Please press one of the two buttons."), status=400
            )
        try:
            answering = await self._answers.answer(
                self._question_id(request), Answer(chosen), now=now
            )
        except (QuestionGone, NotAsked) as refusal:
            return self._refused(request, refusal)
        return self._show(request, answering)

    def _question_id(self, request: web.Request) -> int:
        question_id = self._question_of(request.match_info["token"])
        if question_id is None:
            raise QuestionGone
        return question_id

    def _show(
        self,
        request: web.Request,
        answering: Answering,
        *,
        notice: str | None = None,
        status: int = 200,
    ) -> web.Response:
        context = {
            "asked": answering.asked,
            "letter": answering.asked.letter,
            "answered": answering.answered.value if answering.answered else None,
            "by_them": answering.by_them,
            "notice": notice,
        }
        return self._pages.render(
            request,
            "answer.html",
            context,
            form=answering.answered is None,
            private=True,
            status=status,
        )

    def _refused(self, request: web.Request, problem: Exception) -> web.Response:
        if isinstance(problem, NotAsked):
            return self._pages.render(request, "not_asked.html", {}, private=True, status=403)
        return self._pages.gone(request)
