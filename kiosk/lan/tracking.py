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
from kiosk.public.ratelimit import RateLimit, TokenBuckets
from kiosk.queue.calling_view import call_classes, call_policy
from kiosk.queue.stages import StagePlan
from kiosk.queue.wait_estimate import PaceCache
from kiosk.store import immediate
from kiosk.store.events import append_event
from kiosk.tracking.links import normalize_token, tracking_key
from kiosk.tracking.page import entry_page, track_page
from kiosk.tracking.state import Found, TokenIndex, gone_state, ticket_state

if TYPE_CHECKING:
    import threading
    from collections.abc import AsyncIterator, Awaitable, Callable
    from datetime import date, datetime

    import sqlite_utils
    from starlette.requests import Request

    from kiosk.config import Config
    from kiosk.lan.streams import BoardStreams
    from kiosk.queue.calling import CallingService

    Endpoint = Callable[[Request], Awaitable[Response]]

NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer"}
STATUS = {"ticket": HTTPStatus.OK, "expired": HTTPStatus.GONE, "unknown": HTTPStatus.NOT_FOUND}
# Per phone: a page, its stream and its reconnects fit easily; a script trying codes does
# not get far (and each try would cost a look-up under the counters' lock).
LIMIT = RateLimit(burst=20, per_second=0.5)


class Tracker:
    """One ticket's page state from the LAN server's store, under the server's ``lock``
    (the one that guards its connection ``db`` and its ``calling`` service)."""

    def __init__(self, config: Config, db: sqlite_utils.Database, calling: CallingService,
                 lock: threading.Lock) -> None:
        self.config, self.db, self.calling, self.lock = config, db, calling, lock
        key = tracking_key(config.checkin.nik_salt)
        self.index = None if key is None else TokenIndex(db, config.office.code, key)
        self._opened_day: date | None = None
        self._opened: set[str] = set()
        self.pace = PaceCache(db, config.office.code, calling.counters.values(),
                              policy=call_policy(config), classes=call_classes(config),
                              stages=StagePlan.of(config))

    def state(self, text: str, opened: bool = False) -> dict[str, Any]:
        """The page's state; ``opened``: a person opened the page (not a stream's update)."""
        token = normalize_token(text)
        if token is None or self.index is None:
            return gone_state(False)
        with self.lock:
            now = self.calling.clock()
            found, expired = self.index.find(token, self.calling.today(now))
            if found is None:
                return gone_state(expired)
            if opened:
                self._note_opened(found, now)
            return ticket_state(self.config, self.calling, self.pace, found, now)

    def _note_opened(self, found: Found, now: datetime) -> None:
        """The first opening of a ticket's page today: one ``tracking_opened`` event (the day
        report counts tracked tickets). Which were noted is read back once a day."""
        if self._opened_day != found.day:
            self._opened_day = found.day
            self._opened = {ticket for (ticket,) in self.db.execute(
                "SELECT ticket_id FROM events WHERE kind = 'tracking_opened' AND office_code = ?"
                " AND office_day = ?", (self.config.office.code, found.day.isoformat()))}
        if found.ticket_id in self._opened:
            return
        with immediate(self.db) as conn:
            append_event(conn, office_code=self.config.office.code, office_day=found.day,
                         device_id=self.config.office.device_id, kind="tracking_opened",
                         at=now, ticket_id=found.ticket_id)
        self._opened.add(found.ticket_id)


def routes(tracker: Tracker, streams: BoardStreams, stream_s: float,
           guard: Callable[[Endpoint], Endpoint], limit: RateLimit = LIMIT) -> list:
    """The tracking routes for kiosk/lan/app.py's Starlette app, each under ``guard`` and a
    per-address rate limit; a stream lasts ``stream_s`` (the browser then reconnects)."""
    from starlette.routing import Route

    buckets = TokenBuckets(limit)

    def limited(endpoint: Endpoint) -> Endpoint:
        async def run(request: Request) -> Response:
            wait = buckets.take(request.client.host if request.client else "")
            if wait > 0:
                return Response("Terlalu banyak permintaan; coba lagi sebentar. / Too many "
                                "requests; try again shortly.\n", HTTPStatus.TOO_MANY_REQUESTS,
                                headers={**NO_STORE, "Retry-After": str(max(1, round(wait)))},
                                media_type="text/plain; charset=utf-8")
            return await endpoint(request)
        return run

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
        state = await run_in_threadpool(tracker.state, token, True)
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
            end = time.monotonic() + stream_s
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
    return [Route(path, guard(limited(endpoint)), methods=get) for path, endpoint in (
        ("/t", entry), ("/t/go", go), ("/t/{token}", page), ("/t/{token}/state", state_json),
        ("/t/{token}/events", events))]
