"""The satisfaction survey (SKM) as a web page of the LAN server, for a tablet at the exit.

Plain HTML forms, no script needed: it works on an old tablet's browser, and a
page reloaded or a tablet put to sleep halfway loses nothing that was stored
(nothing is, until the last step). ``GET /survey`` asks for the ticket,
``POST /survey/start`` checks it and shows the questions (the same refusals
as `kiosk survey`), ``POST /survey/answers`` stores the response through the
same ``SurveyDesk`` and thanks, then the page goes back to the start by
itself. A small optional script lets keys 1-4 answer the question in view.
The ticket travels in a hidden field: it is checked again when answers arrive.
"""

from __future__ import annotations

import html
from dataclasses import asdict
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kiosk.lan.api import ApiError
from kiosk.survey.index import ELEMENTS, InvalidAnswers
from kiosk.survey.responses import (
    COMMENT_MAX,
    EDUCATION,
    OCCUPATIONS,
    SEXES,
    SurveyRefused,
)
from kiosk.survey.responses import (
    Response as Answers,
)
from kiosk.texts import t
from kiosk.web.body import BodyRefused, loads

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.requests import Request

    from kiosk.lan.server import LanApi

NO_STORE = {"Cache-Control": "no-store"}
THANKS_S = 8
FACES = {1: "\U0001F61E", 2: "\U0001F641", 3: "\U0001F642", 4: "\U0001F600"}
PROFILE = (("sex", SEXES), ("education", EDUCATION), ("occupation", OCCUPATIONS))

_CSS = """
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 22px; background: #fff; color: #111; line-height: 1.35; }
header { display: flex; justify-content: space-between; align-items: center; gap: 1rem;
  background: #0b3d91; color: #fff; padding: .6rem 1rem; }
header h1 { font-size: 1.3rem; margin: 0; }
header a, header button { color: #fff; font-size: 1rem; background: none;
  border: 2px solid #fff; border-radius: .4rem; padding: .4rem .8rem; text-decoration: none; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
.message { background: #fff4d6; border-left: .4rem solid #b45309; padding: .8rem;
  font-weight: bold; }
input[type=text], textarea { font-size: 1.4rem; width: 100%; padding: .6rem;
  border: 2px solid #374151; border-radius: .4rem; }
fieldset { border: 2px solid #9ca3af; border-radius: .5rem; margin: 0 0 1rem; padding: .6rem; }
legend { font-weight: bold; padding: 0 .3rem; }
.step { color: #374151; font-size: .9rem; font-weight: normal; display: block; }
.choices { display: grid; grid-template-columns: repeat(4, 1fr); gap: .5rem; }
.options { display: flex; flex-wrap: wrap; gap: .5rem; }
.choices label, .options label { display: block; border: 2px solid #1d4ed8;
  border-radius: .5rem; padding: .9rem .5rem; text-align: center; cursor: pointer;
  min-height: 3.2rem; }
.options label { padding: .5rem .9rem; min-height: 0; }
input[type=radio] { position: absolute; opacity: 0; }
input[type=radio]:checked + span { font-weight: bold; }
label:has(input:checked) { background: #1d4ed8; color: #fff; }
input[type=radio]:focus-visible + span { outline: 3px solid #b45309; }
.face { display: block; font-size: 2.4rem; }
.send, .start { font-size: 1.4rem; padding: .8rem 2rem; background: #047857; color: #fff;
  border: 0; border-radius: .5rem; margin-top: .6rem; }
.thanks { font-size: 1.6rem; }
@media (max-width: 600px) { .choices { grid-template-columns: repeat(2, 1fr); } }
"""

# Keys 1-4 answer the first question not yet answered (optional: the page works without).
_SCRIPT = """
document.addEventListener('keydown', function (e) {
  if (!/^[1-4]$/.test(e.key) || /^(INPUT|TEXTAREA)$/.test(e.target.tagName)
      && e.target.type !== 'radio') return;
  var open = document.querySelector('fieldset.q:not(:has(input:checked))');
  if (!open) return;
  var choice = open.querySelector('input[value="' + e.key + '"]');
  choice.checked = true; choice.focus();
  var next = document.querySelector('fieldset.q:not(:has(input:checked))');
  (next || document.querySelector('.send')).scrollIntoView({block: 'center'});
  e.preventDefault();
});
"""


def _language(value: str | None) -> str:
    return "en" if value == "en" else "id"


def _page(lang: str, body: str, *, refresh: str | None = None, toggle: str = "") -> str:
    head = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(t('survey.title', lang))}</title>",
            f"<style>{_CSS}</style>"]
    if refresh:
        head.append(f'<meta http-equiv="refresh" content="{THANKS_S};url={refresh}">')
    return "".join([
        *head, "</head><body>",
        f"<header><h1>{html.escape(t('survey.title', lang))}</h1>{toggle}</header>",
        f"<main>{body}</main><script>{_SCRIPT}</script></body></html>"])


def _other(lang: str) -> str:
    return "id" if lang == "en" else "en"


def ticket_page(lang: str, message: str = "") -> str:
    toggle = (f'<a id="language" href="/survey?lang={_other(lang)}">'
              f"{html.escape(t('survey.language', lang))}</a>")
    shown = f'<p class="message" id="message">{html.escape(message)}</p>' if message else ""
    return _page(lang, "".join([
        shown, '<form method="post" action="/survey/start" id="ticket-form">',
        f'<input type="hidden" name="lang" value="{lang}">',
        f'<p><label for="ticket">{html.escape(t("survey.ticket_prompt", lang))}</label></p>',
        '<input type="text" id="ticket" name="ticket" maxlength="200" autofocus'
        ' autocomplete="off" autocapitalize="characters" required>',
        f'<button class="start" id="start">{html.escape(t("survey.start", lang))}</button>',
        "</form>"]), toggle=toggle)


def _radio(name: str, value: object, text: str, required: bool = False,
           face: str = "") -> str:
    need = " required" if required else ""
    shown = f'<span class="face">{face}</span>' if face else ""
    return (f'<label><input type="radio" name="{name}" value="{value}"{need}>'
            f"<span>{shown}{html.escape(text)}</span></label>")


def questions_page(lang: str, mode: str, ticket: str) -> str:
    parts = ['<form method="post" action="/survey/answers" id="answers">',
             f'<input type="hidden" name="ticket" value="{html.escape(ticket)}">',
             f'<input type="hidden" name="lang" value="{lang}">']
    keys = ["survey.quick.question"] if mode == "quick" else [
        f"survey.u{n}" for n in range(1, ELEMENTS + 1)]
    for n, key in enumerate(keys, start=1):
        name = "quick" if mode == "quick" else f"u{n}"
        step = t("survey.question", lang, n=n, total=len(keys))
        parts.append(f'<fieldset class="q" id="{name}"><legend><span class="step">'
                     f"{html.escape(step)}</span>{html.escape(t(key, lang))}</legend>"
                     '<div class="choices">')
        parts += [_radio(name, v, f"{v} {t(f'survey.choice.{v}', lang)}", True,
                         FACES[v] if mode == "quick" else "") for v in (1, 2, 3, 4)]
        parts.append("</div></fieldset>")
    parts.append(f"<h2>{html.escape(t('survey.profile', lang))}</h2>"
                 f"<p>{html.escape(t('survey.optional', lang))}</p>")
    for name, values in PROFILE:
        parts.append(f'<fieldset id="{name}"><legend>{html.escape(t(f"survey.{name}", lang))}'
                     '</legend><div class="options">')
        parts += [_radio(name, v, t(f"survey.{name}.{v}", lang)) for v in values]
        parts.append("</div></fieldset>")
    parts += [f'<p><label for="comment">{html.escape(t("survey.comment", lang, max=COMMENT_MAX))}'
              f'</label></p><textarea id="comment" name="comment" rows="3"'
              f' maxlength="{COMMENT_MAX}"></textarea>',
              f'<button class="send" id="send">{html.escape(t("survey.send", lang))}</button>',
              "</form>"]
    return _page(lang, "".join(parts))


def thanks_page(lang: str, label: str) -> str:
    title = html.escape(t("survey.thanks.title", lang))
    return _page(lang, f'<p class="thanks" id="thanks"><b>{title}</b><br>'
                 f"{html.escape(t('survey.thanks.body', lang, label=label))}</p>"
                 f'<p><a href="/survey?lang={lang}">{html.escape(t("survey.done", lang))}</a></p>',
                 refresh=f"/survey?lang={lang}")


def refusal(refused: SurveyRefused, lang: str) -> str:
    return t(f"survey.refused.{refused.reason}", lang, label=refused.label or "-")


def _one(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]


def answers_of(form: dict[str, list[str]], mode: str) -> Answers:
    """The submitted form as a response; InvalidAnswers when an answer is missing or odd."""
    def number(name: str) -> int:
        text = _one(form, name)
        if not text.isdigit():
            raise InvalidAnswers(f"{name}: {text!r} is not 1-4")
        return int(text)

    profile = {name: _one(form, name) or None for name, _ in PROFILE}
    comment = _one(form, "comment")
    if mode == "quick":
        return Answers(mode="quick", quick=number("quick"), comment=comment, **profile)
    answers = tuple(number(f"u{n}") for n in range(1, ELEMENTS + 1))
    return Answers(answers=answers, comment=comment, **profile)


def survey_routes(api: LanApi, read_body: Callable, guarded: Callable) -> list[Route]:
    """``/survey`` and its two form posts, over the API's store (under its lock);
    ``read_body`` and ``guarded`` are the API's (kiosk/lan/app.py): the same body limit,
    and a failure logged and answered 500 as everywhere else."""
    mode = api.config.survey.mode

    def page(text: str, status: int = HTTPStatus.OK) -> Response:
        return Response(text, status, NO_STORE, media_type="text/html; charset=utf-8")

    async def form(request: Request) -> dict[str, list[str]]:
        raw = await read_body(request)
        return parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)

    async def start_page(request: Request) -> Response:
        return page(ticket_page(_language(request.query_params.get("lang"))))

    async def start(request: Request) -> Response:
        data = await form(request)
        lang = _language(_one(data, "lang"))
        found = await run_in_threadpool(api.survey_call, "find", _one(data, "ticket"))
        if isinstance(found, SurveyRefused):
            return page(ticket_page(lang, refusal(found, lang)), HTTPStatus.CONFLICT)
        return page(questions_page(lang, mode, found.label))

    async def answers(request: Request) -> Response:
        data = await form(request)
        lang = _language(_one(data, "lang"))
        try:
            response = answers_of(data, mode)
            done = await run_in_threadpool(api.survey_call, "record", _one(data, "ticket"),
                                           response)
        except InvalidAnswers as exc:
            return page(ticket_page(lang, t("survey.refused.invalid", lang, problem=str(exc))),
                        HTTPStatus.BAD_REQUEST)
        if isinstance(done, SurveyRefused):
            return page(ticket_page(lang, refusal(done, lang)), HTTPStatus.CONFLICT)
        return page(thanks_page(lang, done.ticket.label))

    # The same two steps as JSON, for `kiosk survey --url` on another machine
    # (kiosk/lan/survey_client.py).
    async def body(request: Request) -> dict[str, Any]:
        try:  # the shared reader: bounded depth, strings and numbers (kiosk/web/body.py)
            data = loads(await read_body(request) or b"{}")
        except BodyRefused:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("ticket", ""), str):
            raise ApiError(HTTPStatus.BAD_REQUEST, "send a JSON object with \"ticket\"")
        return data

    def refused(found: SurveyRefused) -> JSONResponse:
        return JSONResponse({"reason": found.reason, "label": found.label,
                             "error": refusal(found, "id")}, HTTPStatus.CONFLICT, NO_STORE)

    async def check(request: Request) -> Response:
        data = await body(request)
        found = await run_in_threadpool(api.survey_call, "find", data.get("ticket", ""))
        if isinstance(found, SurveyRefused):
            return refused(found)
        return JSONResponse({"ticket": {**asdict(found), "office_day": found.office_day
                                        .isoformat()}, "mode": mode}, headers=NO_STORE)

    async def record(request: Request) -> Response:
        data = await body(request)
        answers = data.get("answers")
        try:
            response = Answers(
                mode=str(data.get("mode", "full")),
                answers=tuple(answers) if isinstance(answers, list) else None,
                quick=data.get("quick"), sex=data.get("sex"), education=data.get("education"),
                occupation=data.get("occupation"), comment=data.get("comment"))
            done = await run_in_threadpool(api.survey_call, "record", data.get("ticket", ""),
                                           response)
        except InvalidAnswers as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        if isinstance(done, SurveyRefused):
            return refused(done)
        return JSONResponse({"response_id": done.id, "label": done.ticket.label,
                             "mode": done.mode}, headers=NO_STORE)

    return [Route("/survey", guarded(start_page), methods=["GET"]),
            Route("/survey/start", guarded(start), methods=["POST"]),
            Route("/survey/answers", guarded(answers), methods=["POST"]),
            Route("/survey/api/check", guarded(check), methods=["POST"]),
            Route("/survey/api/answers", guarded(record), methods=["POST"])]
