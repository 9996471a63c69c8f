"""The LAN API's HTTP side: Starlette routes over ``LanApi`` (kiosk/lan/server.py).

Routes, status codes and JSON are docs/lan-api.md's. Staff actions and reads
run in Starlette's thread pool (the store is blocking, and ``LanApi`` holds
its one lock around every use of its connection); ``/health``, the board page
and its state are answered on the event loop without touching the store, so
they answer while counters wait for the lock. Board streams wait on the
loop too: 20 lobby TVs cost no thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.lan.api import (
    _COUNTER_PATH,
    ACTIONS,
    MAX_BODY,
    PREFIX,
    ApiError,
)
from kiosk.lan.board_page import board_page
from kiosk.lan.streams import BoardStreams
from kiosk.lan.survey_page import survey_routes
from kiosk.lan.tracking import Tracker
from kiosk.lan.tracking import routes as tracking_routes
from kiosk.web.bearer import unauthorized
from kiosk.web.body import BodyRefused, loads, read_capped

if TYPE_CHECKING:
    from kiosk.lan.server import LanApi

log = logging.getLogger("kiosk.lan.server")

REALM = "antrian-kiosk"
NO_STORE = {"Cache-Control": "no-store"}
# Header names as the API has always written them; Starlette writes them in lower case.
_HEADER_CASE = {b"www-authenticate": b"WWW-Authenticate", b"connection": b"connection"}


class KioskJSON(Response):
    """JSON as the API has always written it (``json.dumps``, UTF-8), never cached."""

    media_type = "application/json; charset=utf-8"

    def __init__(self, content: Any, status_code: int = 200,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(content, status_code, {**NO_STORE, **(headers or {})})

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False).encode("utf-8")


def error_reply(error: ApiError) -> Response:
    data: dict[str, Any] = {"error": error.message}
    if error.reason:
        data["reason"] = error.reason
    if error.status == HTTPStatus.UNAUTHORIZED:
        return unauthorized(data, REALM, KioskJSON)
    # A body too large is left unread: the connection cannot go on after it.
    close = {"Connection": "close"} if error.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE \
        else None
    return KioskJSON(data, error.status, close)


def misdirected(request: Request) -> ApiError:
    """Why a request matched no route: an unknown action, a wrong method, or nothing here."""
    path, method = request.url.path, request.method
    match = _COUNTER_PATH.match(path)
    if match and match.group(2) and match.group(2) not in ACTIONS:
        return ApiError(HTTPStatus.NOT_FOUND, f"Perintah tidak dikenal: {match.group(2)} / "
                        f"unknown action; use one of {', '.join(ACTIONS)}")
    if match or path.startswith((PREFIX, "/board", "/public/", "/survey")) or path == "/health":
        return ApiError(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} tidak bisa di sini / "
                        f"{method} is not allowed here")
    return ApiError(HTTPStatus.NOT_FOUND, "Tidak ada di sini / not found")


async def read_body(request: Request) -> bytes:
    """At most MAX_BODY bytes, read before anything can refuse (keep-alive stays in step)."""
    try:
        return await read_capped(request, MAX_BODY)
    except BodyRefused as refused:
        raise _refused(request, refused) from None


def _refused(request: Request, refused: BodyRefused) -> ApiError:
    """kiosk/web/body.py's refusal in the API's words, with the reason in the log."""
    log.warning("LAN API refused %s %s (%s): %s", request.method, request.url.path,
                refused.code, refused.reason)
    if refused.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        return ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Permintaan terlalu besar / "
                        "request too large")
    return ApiError(HTTPStatus.BAD_REQUEST, f"Isi permintaan harus JSON yang wajar / the body "
                    f"must be plain JSON: {refused.reason}")


# Every action's body is empty or names a label (call) or a stage (send); nothing else.
BODY_KEYS = frozenset({"label", "to"})


def parse_json(raw: bytes, request: Request | None = None) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        data = loads(raw)
    except BodyRefused as refused:
        if request is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, "Isi permintaan harus JSON / "
                           "the body must be JSON") from None
        raise _refused(request, refused) from None
    if not isinstance(data, dict):
        raise ApiError(HTTPStatus.BAD_REQUEST, "Isi permintaan harus objek JSON / "
                       "the body must be a JSON object")
    unknown = sorted(set(data) - BODY_KEYS)
    if unknown:
        log.warning("LAN API refused %s: unknown field(s) %s",
                    request.url.path if request else "a body", ", ".join(unknown)[:200])
        raise ApiError(HTTPStatus.BAD_REQUEST, f"Kolom tidak dikenal / unknown field: "
                       f"{', '.join(unknown)[:200]}; use {' or '.join(sorted(BODY_KEYS))}")
    return data


Endpoint = Callable[[Request], Awaitable[Response]]


def guarded(endpoint: Endpoint) -> Endpoint:
    """Refusals become their JSON error; a failure is logged and answered 500."""

    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except ApiError as error:
            return error_reply(error)
        except ClientDisconnect:
            return Response(status_code=HTTPStatus.BAD_REQUEST)  # nobody left to read it
        except Exception:
            log.exception("LAN API request failed: %s %s", request.method, request.url.path)
            return error_reply(ApiError(HTTPStatus.INTERNAL_SERVER_ERROR, "Kesalahan di kiosk; "
                                        "coba lagi / kiosk error, try again"))

    return run


class ConventionalHeaderCase:
    """Writes response header names as ``Content-Type``, not ``content-type`` (as before)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_cased(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [(_header_case(name), value)
                                                  for name, value in message["headers"]]}
            await send(message)

        await self.app(scope, receive, send_cased)


def _header_case(name: bytes) -> bytes:
    lower = name.lower()
    return _HEADER_CASE.get(lower) or b"-".join(part.capitalize() for part in lower.split(b"-"))


def create_app(api: LanApi, streams: BoardStreams) -> Starlette:
    """The LAN API's routes, bound to one ``LanApi``."""

    async def health(request: Request) -> Response:
        return KioskJSON({"ok": True, "office": api.config.office.code,
                          "time": api.calling.clock().isoformat()})

    async def board(request: Request) -> Response:
        page = board_page(api.config.office.name, api.feed.current()[1])
        return Response(page, media_type="text/html; charset=utf-8", headers=NO_STORE)

    async def board_state(request: Request) -> Response:
        return Response(api.feed.current()[1].encode("utf-8"), headers=NO_STORE,
                        media_type="application/json; charset=utf-8")

    async def queue(request: Request) -> Response:
        api.token_counter(request.headers.get("authorization"))
        return KioskJSON(await run_in_threadpool(api.queue))

    async def counters(request: Request) -> Response:
        raw = await read_body(request) if request.method == "POST" else b""
        match = _COUNTER_PATH.match(request.url.path)
        action = match.group(2) if match else None
        # GET /counters/{n} reads, POST /counters/{n}/{action} acts; the rest is misdirected.
        if match is None or (request.method == "GET") != (action is None) or (
                action is not None and action not in ACTIONS):
            raise misdirected(request)
        number = int(match.group(1))
        api.authorize(request.headers.get("authorization"), number)
        if action is None:
            return KioskJSON(await run_in_threadpool(api.counter_info, number))
        body = parse_json(raw, request)
        return KioskJSON(await run_in_threadpool(api.act, number, action, body))

    async def not_routed(request: Request, exc: Exception) -> Response:
        """404 and 405 from the router, in the API's own words."""
        if request.method == "POST":
            try:  # as everywhere: a body too large is refused before anything else
                await read_body(request)
            except ApiError as error:
                return error_reply(error)
            except ClientDisconnect:
                pass
        return error_reply(misdirected(request))

    get, get_post = ["GET"], ["GET", "POST"]
    routes = [
        Route("/health", guarded(health), methods=get),
        Route("/", guarded(board), methods=get),
        Route("/board", guarded(board), methods=get),
        Route("/board/state", guarded(board_state), methods=get),
        Route("/board/events", guarded(streams.response), methods=get),
        Route(f"{PREFIX}/queue", guarded(queue), methods=get),
        Route(f"{PREFIX}/counters/{{rest:path}}", guarded(counters), methods=get_post),
        *tracking_routes(Tracker(api.config, api.db, api.calling, api.lock), streams,
                         api.stream_s, guarded),
        *api.public.routes(),
        *survey_routes(api, read_body, guarded),
    ]
    return Starlette(routes=routes, middleware=[Middleware(ConventionalHeaderCase)],
                     exception_handlers={404: not_routed, 405: not_routed})
