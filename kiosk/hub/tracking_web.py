"""The hub's tracking routes: kiosks send page states (``POST /sync/v1/tracking``,
a kiosk token, protocol 2), phones read them without a token under
``/public/v1/offices/{office}/t/{token}`` (the page, ``/state`` and ``/events``).

The printed address of an office whose pages go through the hub is
``[tracking] base_url = "https://HUB/public/v1/offices/KUP"``. Public reads are
rate-limited per client address like the quota page; a stream re-reads its row
every ``poll_s`` and sends it when it changed, for at most ``stream_s``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from kiosk.hub.errors import HubError
from kiosk.public.ratelimit import RateLimit, TokenBuckets
from kiosk.sync.protocol import PREFIX
from kiosk.sync.tracking_wire import PATH, parse_push
from kiosk.tracking.links import normalize_token
from kiosk.tracking.page import track_page

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable
    from datetime import datetime

    from starlette.requests import Request

    from kiosk.hub.offices import Principal
    from kiosk.hub.store import HubStore

    Handler = Callable[[Request, Any], Awaitable[Any]]

PUBLIC = "/public/v1/offices/{office}/t/{token}"
_OFFICE = re.compile(r"^[A-Z0-9-]{2,16}$")
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer"}
STATUS = {"ticket": HTTPStatus.OK, "expired": HTTPStatus.GONE, "unknown": HTTPStatus.NOT_FOUND}
LIMIT = RateLimit(burst=20, per_second=0.5)


class TrackingRoutes:
    """The routes over the hub's ``store`` and ``clock``; ``read_json`` and ``guard`` are the
    hub app's (its body limits, its token checks and error answers)."""

    def __init__(self, store: HubStore, clock: Callable[[], datetime],
                 versions: tuple[int, ...], read_json: Callable[[Request], Awaitable[Any]],
                 guard: Callable[[str | None, Handler], Any], limit: RateLimit = LIMIT,
                 poll_s: float = 3.0, stream_s: float = 120.0) -> None:
        self.store, self.clock, self.versions = store, clock, versions
        self.read_json, self.guard = read_json, guard
        self.poll_s, self.stream_s = poll_s, stream_s
        self.buckets = TokenBuckets(limit)

    async def receive(self, request: Request, who: Principal) -> JSONResponse:
        push = parse_push(await self.read_json(request), self.versions)
        if push.device_id != who.device_id:
            raise HubError(403, "not_yours", f"this token belongs to {who.device_id}")
        stored = await run_in_threadpool(self.store.store_tracking, who, push.states,
                                         self.clock())
        return JSONResponse({"protocol": push.version, "stored": stored})

    def _read(self, request: Request, opened: bool = False) -> dict[str, Any] | None:
        """The state a public request asks for; None: over the client's rate limit."""
        if self.buckets.take(request.client.host if request.client else "") > 0:
            return None
        office = request.path_params["office"]
        token = normalize_token(request.path_params["token"][:40])
        if not _OFFICE.match(office) or token is None:
            return {"state": "unknown"}
        return self.store.tracking_state(office, token, self.clock(), opened)

    @staticmethod
    def _too_many() -> Response:
        return Response("Terlalu banyak permintaan; coba lagi sebentar. / Too many requests; "
                        "try again shortly.\n", HTTPStatus.TOO_MANY_REQUESTS,
                        headers={**NO_STORE, "Retry-After": "2"},
                        media_type="text/plain; charset=utf-8")

    async def page(self, request: Request) -> Response:
        state = await run_in_threadpool(self._read, request, True)
        if state is None:
            return self._too_many()
        events = f"{request.url.path.rstrip('/')}/events"
        return Response(track_page(state, events), STATUS[state["state"]],
                        media_type="text/html; charset=utf-8", headers=NO_STORE)

    async def state(self, request: Request) -> Response:
        state = await run_in_threadpool(self._read, request)
        if state is None:
            return self._too_many()
        return Response(json.dumps(state, ensure_ascii=False), STATUS[state["state"]],
                        media_type="application/json; charset=utf-8", headers=NO_STORE)

    async def events(self, request: Request) -> Response:
        first = await run_in_threadpool(self._read, request)
        if first is None:
            return self._too_many()

        async def stream() -> AsyncIterator[bytes]:
            state, last, end = first, "", time.monotonic() + self.stream_s
            while True:
                payload = json.dumps(state, ensure_ascii=False)
                yield (f"retry: 5000\ndata: {payload}\n\n" if payload != last
                       else ": keep-alive\n\n").encode()
                last = payload
                if state.get("state") != "ticket" or time.monotonic() >= end:
                    return
                await asyncio.sleep(self.poll_s)
                office, token = request.path_params["office"], request.path_params["token"]
                state = await run_in_threadpool(
                    self.store.tracking_state, office, normalize_token(token) or "",
                    self.clock())

        headers = {**NO_STORE, "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), headers=headers,
                                 media_type="text/event-stream; charset=utf-8")

    def routes(self) -> list[Route]:
        public = [(PUBLIC, self.page), (f"{PUBLIC}/state", self.state),
                  (f"{PUBLIC}/events", self.events)]
        return [Route(f"{PREFIX}{PATH}", self.guard("kiosk", self.receive), methods=["POST"]),
                *(Route(path, self.guard(None, self._public(handler)), methods=["GET"])
                  for path, handler in public)]

    @staticmethod
    def _public(handler):  # noqa: ANN001, ANN205 - adapts to HubApp.guarded's handler shape
        async def run(request: Request, who: Principal | None) -> Response:
            return await handler(request)
        return run
