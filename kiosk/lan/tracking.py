"""Tracking pages on the lobby Wi-Fi (issue 15): ``/t`` (type a code), ``/t/{token}``
(the page a ticket's QR opens), ``/t/{token}/state`` and ``/t/{token}/events``.

No token is needed: the link is the secret (kiosk/tracking/links.py). Each
answer is worked out from the kiosk's store under the LAN server's lock, like
the board's; a stream wakes on the board feed's changes (every call, issue or
serve) and sends the ticket's state only when it changed, so a phone left open
on the page costs nothing between changes.
"""

from __future__ import annotations

import json
import time
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response, StreamingResponse

from kiosk.lan.api import KEEPALIVE_S
from kiosk.queue.calling_view import call_classes, call_policy
from kiosk.queue.stages import StagePlan
from kiosk.queue.wait_estimate import PaceCache
from kiosk.tracking.links import normalize_token, tracking_key
from kiosk.tracking.page import entry_page, track_page
from kiosk.tracking.state import TokenIndex, gone_state, ticket_state

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from starlette.requests import Request

    from kiosk.lan.app import BoardStreams, Endpoint
    from kiosk.lan.server import LanApi

NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer"}
STATUS = {"ticket": HTTPStatus.OK, "expired": HTTPStatus.GONE, "unknown": HTTPStatus.NOT_FOUND}


class Tracker:
    """One ticket's page state from the LAN server's store (call with its lock held)."""

    def __init__(self, api: LanApi) -> None:
        config = api.config
        self.api = api
        key = tracking_key(config.checkin.nik_salt)
        self.index = None if key is None else TokenIndex(api.db, config.office.code, key)
        self.pace = PaceCache(api.db, config.office.code, api.calling.counters.values(),
                              policy=call_policy(config), classes=call_classes(config),
                              stages=StagePlan.of(config))

    def state(self, text: str) -> dict[str, Any]:
        token = normalize_token(text)
        if token is None or self.index is None:
            return gone_state(False)
        with self.api.lock:
            now = self.api.calling.clock()
            found, expired = self.index.find(token, self.api.calling.today(now))
            if found is None:
                return gone_state(expired)
            return ticket_state(self.api.config, self.api.calling, self.pace, found, now)


def routes(api: LanApi, streams: BoardStreams, guard: Callable[[Endpoint], Endpoint]) -> list:
    """The tracking routes for kiosk/lan/app.py's Starlette app, each under ``guard``."""
    from starlette.routing import Route

    tracker = Tracker(api)

    async def entry(request: Request) -> Response:
        return Response(entry_page("/t/go"), media_type="text/html; charset=utf-8",
                        headers=NO_STORE)

    async def go(request: Request) -> Response:
        token = normalize_token(request.query_params.get("code", "")[:40])
        if token is None:
            page = entry_page("/t/go", "Kode tidak dikenal: 10 huruf dan angka seperti pada "
                              "tiket. / Not a tracking code: 10 letters and digits as printed.")
            return Response(page, HTTPStatus.BAD_REQUEST, media_type="text/html; charset=utf-8",
                            headers=NO_STORE)
        return RedirectResponse(f"/t/{token}", HTTPStatus.SEE_OTHER, headers=NO_STORE)

    async def page(request: Request) -> Response:
        token = request.path_params["token"]
        state = await run_in_threadpool(tracker.state, token)
        clean = normalize_token(token) or "-"
        return Response(track_page(state, f"/t/{clean}/events"), STATUS[state["state"]],
                        media_type="text/html; charset=utf-8", headers=NO_STORE)

    async def state_json(request: Request) -> Response:
        state = await run_in_threadpool(tracker.state, request.path_params["token"])
        return Response(json.dumps(state, ensure_ascii=False), STATUS[state["state"]],
                        media_type="application/json; charset=utf-8", headers=NO_STORE)

    async def events(request: Request) -> Response:
        token = request.path_params["token"]

        async def stream() -> AsyncIterator[bytes]:
            last = ""
            version = streams.feed.current()[0]
            end = time.monotonic() + api.stream_s
            while True:
                state = await run_in_threadpool(tracker.state, token)
                payload = json.dumps(state, ensure_ascii=False)
                if payload != last:
                    last = payload
                    yield f"retry: 3000\ndata: {payload}\n\n".encode()
                else:
                    yield b": keep-alive\n\n"
                if state["state"] != "ticket" or (left := end - time.monotonic()) <= 0:
                    return
                newer = await streams.newer(version, min(KEEPALIVE_S, left))
                if newer is None:
                    return
                version = newer[0]

        await streams.ready()
        headers = {**NO_STORE, "Connection": "close", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), headers=headers,
                                 media_type="text/event-stream; charset=utf-8")

    get = ["GET"]
    return [Route(path, guard(endpoint), methods=get) for path, endpoint in (
        ("/t", entry), ("/t/go", go), ("/t/{token}", page), ("/t/{token}/state", state_json),
        ("/t/{token}/events", events))]
