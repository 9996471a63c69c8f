"""The kiosk's small HTTP API on the office LAN: counter terminals and the web board.

The kiosk stays the office's authority and counters are thin clients, so
every staff action goes through ``CallingService`` here, under one lock on the
API's own store connection (SQLite's ``BEGIN IMMEDIATE`` then keeps other
processes out too). HTTP is Starlette on uvicorn, as for the hub
(kiosk/lan/app.py: the routes; kiosk/web/server.py: the server and its limits);
both load only when a ``LanApi`` is made, so ``kiosk call`` and the first
frame of ``kiosk run`` do not pay for them.

Security model (docs/lan-api.md): the API listens only where config says
(default localhost); each counter has its own bearer token, stored in config
only as a SHA-256 hash (tokens are random, so a plain hash is enough); a
token acts only for its own counter. The lobby board and /health need no
token: they show only what the lobby TV shows anyway, and neither does the
public quota page (/public/v1/offices/{code}: counts per service for today).
Nor does the survey page (``/survey``, for a tablet at the exit): it needs a
served ticket of today that has not answered yet, and shows nothing about anyone.

Hardware-free on purpose: after a call or recall the API calls ``on_call``,
and the composition root decides what speaks and what lights up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from kiosk import store
from kiosk.clock import utc_now
from kiosk.lan.api import (
    POLL_S,
    STREAM_S,
    ApiError,
    BoardFeed,
    OnCall,
    TokenBook,
    local_url,
    refusal,
    ticket_json,
)
from kiosk.queue.calling import CallingService, CallRefused
from kiosk.queue.calling_view import board_state, calling_service, change_marker
from kiosk.queue.schedule import Schedule
from kiosk.survey.responses import SurveyDesk, last_stages, ticket_key
from kiosk.web.bearer import bearer_token

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.config import Config
    from kiosk.public.ratelimit import RateLimit

log = logging.getLogger(__name__)


class LanApi:
    """The API server; ``start()`` serves in a daemon thread, ``serve_forever()`` in front.

    ``host``/``port`` override the config (tests and the bench use port 0).
    The port is bound here: one in use is an ``OSError`` before anything starts.
    Connection limits (a request must arrive within ``request_timeout_s``, ...)
    are kiosk/web/server.py's; docs/lan-api.md lists them.
    """

    def __init__(self, config: Config, *, on_call: OnCall | None = None,
                 clock: Callable[[], datetime] = utc_now, host: str | None = None,
                 port: int | None = None, poll_s: float = POLL_S,
                 stream_s: float = STREAM_S, request_timeout_s: float | None = None,
                 public_limit: RateLimit | None = None, public_cache_s: float | None = None
                 ) -> None:
        from kiosk.lan.app import create_app
        from kiosk.lan.public import quota_source
        from kiosk.lan.streams import BoardStreams
        from kiosk.public import ratelimit
        from kiosk.public.web import CACHE_S, PublicQuota
        from kiosk.web.server import REQUEST_TIMEOUT_S, BackgroundServer

        self.config = config
        self.stream_s = stream_s
        self.on_call = on_call
        self.tokens = TokenBook(config.counters)
        self.lock = threading.Lock()
        self.db = store.connect(config.database)  # our own: never share a transaction
        try:
            self.calling: CallingService = calling_service(config, self.db, clock)
            self.survey = SurveyDesk(self.db, config.office.code, config.office.device_id,
                                     clock, schedule=Schedule.of(config),
                                     stages=last_stages(config), link_key=ticket_key(config))
            self.feed = BoardFeed(self._locked(lambda: board_state(self.calling, config)),
                                  self._locked(lambda: change_marker(self.calling)), poll_s)
            streams = BoardStreams(self.feed, stream_s)
            # The public quota page for the lobby Wi-Fi (docs/public-quota.md).
            self.public = PublicQuota(quota_source(config, self.db, self.lock, clock),
                                      limit=public_limit or ratelimit.RateLimit(),
                                      cache_s=CACHE_S if public_cache_s is None
                                      else public_cache_s)
            self.server = BackgroundServer(
                create_app(self, streams),
                host if host is not None else config.lan_api.host,
                port if port is not None else config.lan_api.port,
                name="lan-api", on_shutdown=streams.close, server_header=False,
                request_timeout_s=request_timeout_s or REQUEST_TIMEOUT_S,
                headers=[("Server", "antrian-kiosk")], proxy_headers=False)
        except BaseException:
            self.db.close()
            raise
        self._closed = False

    def survey_call(self, method: str, *args: Any) -> Any:
        """``SurveyDesk.find`` or ``.record`` on the API's connection, under its lock."""
        with self.lock:
            return getattr(self.survey, method)(*args)

    def _locked(self, fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with self.lock:
                return fn()
        return run

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def url(self) -> str:
        return local_url(self.server.host, self.port)

    def start(self) -> LanApi:
        self.feed.start()
        try:
            self.server.start()
        except BaseException:
            self.close()
            raise
        return self

    def serve_forever(self) -> None:
        """Serve until Ctrl+C or SIGTERM (uvicorn stops gracefully, then re-raises the signal)."""
        self.feed.start()
        try:
            self.server.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.feed.close()  # board streams end now instead of at their time limit
        self.server.close()
        with self.lock:
            self.db.close()

    def __enter__(self) -> LanApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- authorization ---------------------------------------------------------

    def token_counter(self, authorization: str | None) -> int:
        """The counter whose token the request carries; 401 without a valid one."""
        token = bearer_token(authorization)
        counter = None if token is None else self.tokens.counter_for(token)
        if counter is None:
            raise ApiError(HTTPStatus.UNAUTHORIZED, "Token tidak sah atau tidak ada / "
                           "missing or invalid token")
        return counter

    def authorize(self, authorization: str | None, number: int) -> None:
        """The token is this counter's (else 403), and the counter exists (else 404)."""
        if self.token_counter(authorization) != number:
            raise ApiError(HTTPStatus.FORBIDDEN, f"Token ini bukan untuk loket {number} / "
                           f"this token is not for counter {number}")
        if number not in self.calling.counters:
            raise ApiError(HTTPStatus.NOT_FOUND, f"Loket {number} tidak ada / no counter {number}")

    # -- actions (called by the routes, kiosk/lan/app.py) ------------------------------------

    def counter_info(self, number: int) -> dict[str, Any]:
        with self.lock:
            current = self.calling.current(number)
            # Who this counter may call: its services, at the stages it does.
            waiting = self.calling.waiting_by_lane_for(number)
        counter = self.calling.counters[number]
        return {"counter": number, "name": counter.name, "lanes": sorted(counter.lanes),
                "stages": sorted(counter.stages),
                "ticket": ticket_json(current), "max_recalls": self.calling.max_recalls,
                "waiting": waiting}

    def queue(self) -> dict[str, Any]:
        with self.lock:
            waiting = self.calling.waiting_counts()
            serving = self.calling.now_serving()
            last = self.calling.last_calls()
        return {
            "waiting": waiting,
            "now_serving": [{"counter": s.counter, "label": s.label,
                             "called_at": s.called_at.isoformat()} for s in serving],
            "last_calls": [{"label": r.label, "counter": r.counter, "at": r.at.isoformat(),
                            "kind": r.kind} for r in last],
        }

    def act(self, number: int, action: str, body: dict[str, Any]) -> dict[str, Any]:
        """One staff action; announces calls and recalls through ``on_call`` after commit."""
        label = body.get("to") if action == "send" else body.get("label")
        if action == "call" and (not isinstance(label, str) or not label.strip()):
            raise ApiError(HTTPStatus.BAD_REQUEST, 'Isi label tiket, mis. {"label": '
                           '"A012"} / give the ticket label, e.g. {"label": "A012"}')
        if action == "send" and label is not None and (
                not isinstance(label, str) or not label.strip() or len(label) > 40):
            raise ApiError(HTTPStatus.BAD_REQUEST, 'Isi tahap tujuan, mis. {"to": "foto"}, '
                           'atau kosongkan / give the stage, e.g. {"to": "foto"}, or no body')
        with self.lock:  # the API's "no-show" is the service's "no_show"
            result = self.calling.act(number, action.replace("-", "_"), label or "")
        self.feed.poke()
        if isinstance(result, CallRefused):
            raise refusal(result, number)
        if result is not None and action in ("next", "recall", "call"):
            self._announce(result.label, number)
        reply: dict[str, Any] = {"counter": number, "action": action,
                                 "ticket": ticket_json(result)}
        if result is None:
            reply["message"] = "Tidak ada yang menunggu / nobody is waiting"
        return reply

    def _announce(self, label: str, counter: int) -> None:
        if self.on_call is None:
            return
        try:
            self.on_call(label, counter)
        except Exception:  # a broken speaker or display must not undo or fail the call
            log.exception("on_call failed for %s at counter %s", label, counter)
