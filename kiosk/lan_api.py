"""The kiosk's small HTTP API on the office LAN: counter terminals and the web board.

The kiosk stays the office's authority and counters are thin clients, so
every staff action goes through ``CallingService`` here, under one lock on the
API's own store connection (SQLite's ``BEGIN IMMEDIATE`` then keeps other
processes out too). HTTP is Starlette on uvicorn, as for the hub
(kiosk/lan_app.py: the routes; kiosk/web_server.py: the server and its limits);
both load only when a ``LanApi`` is made, so ``kiosk call`` and the first
frame of ``kiosk run`` do not pay for them.

Security model (docs/lan-api.md): the API listens only where config says
(default localhost); each counter has its own bearer token, stored in config
only as a SHA-256 hash (tokens are random, so a plain hash is enough); a
token acts only for its own counter. The lobby board and /health need no
token: they show only what the lobby TV shows anyway.

Hardware-free on purpose: after a call or recall the API calls ``on_call``,
and the composition root decides what speaks and what lights up.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from kiosk import store
from kiosk.bearer import bearer_token, match_token
from kiosk.bearer import hash_token as hash_token  # the CLI and tests know them here
from kiosk.bearer import new_token as new_token
from kiosk.calling import CalledTicket, CallingService, CallRefused
from kiosk.calling_view import board_state, calling_service, change_marker
from kiosk.clock import utc_now

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.config import Config, CounterConfig

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
MAX_BODY = 4096
POLL_S = 0.5  # the board reflects other processes' calls within a second
KEEPALIVE_S = 15.0  # SSE comment so proxies and TVs keep the stream open
# A board stream ends after this and the browser reconnects (2 s later, with a
# fresh full state): half-dead TV connections cannot pile up threads for long.
STREAM_S = 120.0
ACTIONS = ("next", "recall", "served", "no-show", "call")
_COUNTER_PATH = re.compile(rf"^{PREFIX}/counters/(\d{{1,3}})(?:/([a-z-]+))?$")

OnCall = Callable[[str, int], None]


def local_url(host: str, port: int) -> str:
    """The URL to reach a server listening on ``host`` from this machine."""
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


class TokenBook:
    """Which counter a bearer token belongs to; counters without a hash have no access."""

    def __init__(self, counters: Iterable[CounterConfig]) -> None:
        self._hashes = {c.number: c.token_hash.lower() for c in counters if c.token_hash}

    def counter_for(self, token: str) -> int | None:
        return match_token(token, self._hashes)


class ApiError(Exception):
    """An HTTP error with a plain bilingual message for staff."""

    def __init__(self, status: HTTPStatus, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason


def ticket_json(ticket: CalledTicket | None) -> dict[str, Any] | None:
    if ticket is None:
        return None
    return {
        "label": ticket.label, "lane": ticket.lane, "number": ticket.number,
        "status": ticket.status, "counter": ticket.counter,
        "called_at": ticket.called_at.isoformat() if ticket.called_at else None,
        "recalls": ticket.recalls, "no_show_allowed": ticket.no_show_allowed,
    }


def refusal(refused: CallRefused, counter: int) -> ApiError:
    """Why nothing happened, as staff at a counter should read it."""
    label = refused.label or ""
    reasons = {
        "no_current": (HTTPStatus.CONFLICT, f"Loket {counter} belum memanggil siapa pun / "
                       f"counter {counter} has no current applicant"),
        "recall_first": (HTTPStatus.CONFLICT, f"Panggil ulang {label} dulu sebelum menandai "
                         f"tidak hadir / recall {label} before marking a no-show"),
        "not_found": (HTTPStatus.NOT_FOUND, f"Tiket {label} tidak ada hari ini / "
                      f"no ticket {label} today"),
        "not_waiting": (HTTPStatus.CONFLICT, f"Tiket {label} tidak sedang menunggu "
                        f"({refused.status}) / {label} is not waiting"),
        "lane_not_served": (HTTPStatus.CONFLICT, f"Loket {counter} tidak melayani jalur "
                            f"{label[:1]} / counter {counter} does not serve this lane"),
    }
    status, message = reasons.get(refused.reason, (HTTPStatus.CONFLICT, refused.reason))
    return ApiError(status, message, refused.reason)


class BoardFeed:
    """One poller for all board viewers: rebuilds the snapshot only when the store changed.

    ``poke()`` (after a call made through this API) wakes it at once; other
    processes' calls (the kiosk's staff screen, the CLI) are seen within
    ``poll_s``. Viewers wait on a version number, so 20 TVs cost one query.
    """

    def __init__(self, snapshot: Callable[[], dict[str, Any]], marker: Callable[[], object],
                 poll_s: float = POLL_S) -> None:
        self._snapshot, self._marker, self._poll_s = snapshot, marker, poll_s
        self._cond = threading.Condition()
        self._poke = threading.Event()
        self._closed = False
        self._version = 0
        self._payload = ""
        self._last_key: str | None = None
        self._last_marker: object = None
        self._listeners: list[Callable[[], None]] = []
        self._thread = threading.Thread(target=self._run, name="board-feed", daemon=True)

    def listen(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (on the feed's thread) after every new snapshot, and at close."""
        self._listeners.append(callback)

    @property
    def closed(self) -> bool:
        return self._closed

    def start(self) -> None:
        self._refresh(force=True)
        self._thread.start()

    def poke(self) -> None:
        self._poke.set()

    def _refresh(self, force: bool = False) -> None:
        marker = self._marker()
        if not force and marker == self._last_marker:
            return
        state = self._snapshot()
        key = json.dumps({k: v for k, v in state.items() if k != "now"}, sort_keys=True)
        self._last_marker = marker
        if key == self._last_key:
            return
        with self._cond:
            self._last_key = key
            self._payload = json.dumps(state, ensure_ascii=False)
            self._version += 1
            self._cond.notify_all()
        self._tell()

    def _tell(self) -> None:
        for callback in self._listeners:
            try:
                callback()
            except Exception:  # a listener's failure must not stop the feed
                log.exception("board feed listener failed")

    def _run(self) -> None:
        while not self._closed:
            poked = self._poke.wait(self._poll_s)
            self._poke.clear()
            if self._closed:
                break
            try:
                self._refresh(force=poked)
            except Exception:  # a locked or broken store must not kill the board for good
                log.exception("board feed refresh failed")

    def current(self) -> tuple[int, str]:
        with self._cond:
            return self._version, self._payload

    def wait_newer(self, version: int, timeout: float) -> tuple[int, str] | None:
        """The next snapshot after ``version``; the same one on timeout; None once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._version > version, timeout)
            if self._closed:
                return None
            return self._version, self._payload

    def close(self) -> None:
        self._closed = True
        self._poke.set()
        with self._cond:
            self._cond.notify_all()
        self._tell()
        if self._thread.is_alive():
            self._thread.join(timeout=2)


class LanApi:
    """The API server; ``start()`` serves in a daemon thread, ``serve_forever()`` in front.

    ``host``/``port`` override the config (tests and the bench use port 0).
    The port is bound here: one in use is an ``OSError`` before anything starts.
    Connection limits (a request must arrive within ``request_timeout_s``, ...)
    are kiosk/web_server.py's; docs/lan-api.md lists them.
    """

    def __init__(self, config: Config, *, on_call: OnCall | None = None,
                 clock: Callable[[], datetime] = utc_now, host: str | None = None,
                 port: int | None = None, poll_s: float = POLL_S,
                 stream_s: float = STREAM_S, request_timeout_s: float | None = None) -> None:
        from kiosk.lan_app import BoardStreams, create_app
        from kiosk.web_server import REQUEST_TIMEOUT_S, BackgroundServer

        self.config = config
        self.stream_s = stream_s
        self.on_call = on_call
        self.tokens = TokenBook(config.counters)
        self.lock = threading.Lock()
        self.db = store.connect(config.database)  # our own: never share a transaction
        try:
            self.calling: CallingService = calling_service(config, self.db, clock)
            self.feed = BoardFeed(self._locked(lambda: board_state(self.calling, config)),
                                  self._locked(lambda: change_marker(self.calling)), poll_s)
            streams = BoardStreams(self.feed, stream_s)
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

    # -- actions (called by the routes, kiosk/lan_app.py) ------------------------------------

    def counter_info(self, number: int) -> dict[str, Any]:
        with self.lock:
            current = self.calling.current(number)
            waiting = self.calling.waiting_counts()
        counter = self.calling.counters[number]
        return {"counter": number, "name": counter.name, "lanes": sorted(counter.lanes),
                "ticket": ticket_json(current), "max_recalls": self.calling.max_recalls,
                "waiting": {lane: n for lane, n in waiting.items() if lane in counter.lanes}}

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
        label = body.get("label")
        if action == "call" and (not isinstance(label, str) or not label.strip()):
            raise ApiError(HTTPStatus.BAD_REQUEST, 'Isi label tiket, mis. {"label": '
                           '"A012"} / give the ticket label, e.g. {"label": "A012"}')
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
