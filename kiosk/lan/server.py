"""The kiosk's small HTTP API on the office LAN: counter terminals and the web board.

The kiosk stays the office's authority and counters are thin clients, so
every staff action goes through ``CallingService`` here, under one lock on the
API's own store connection (SQLite's ``BEGIN IMMEDIATE`` then keeps other
processes out too). Stdlib only (``ThreadingHTTPServer``): the Pi needs no new
package, and a lobby of 10 counters and a TV is far below what it can serve.

Security model (docs/lan-api.md): the API listens only where config says
(default localhost); each counter has its own bearer token, stored in config
only as a SHA-256 hash (tokens are random, so a plain hash is enough); a
token acts only for its own counter. The lobby board and /health need no
token: they show only what the lobby TV shows anyway.

Hardware-free on purpose: after a call or recall the API calls ``on_call``,
and the composition root decides what speaks and what lights up.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import logging
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from kiosk import store
from kiosk.clock import utc_now
from kiosk.queue.calling import CalledTicket, CallingService, CallRefused
from kiosk.queue.calling_view import board_state, calling_service, change_marker

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.config import Config, CounterConfig

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
TOKEN_SCHEME = "sha256$"
MAX_BODY = 4096
POLL_S = 0.5  # the board reflects other processes' calls within a second
KEEPALIVE_S = 15.0  # SSE comment so proxies and TVs keep the stream open
# A board stream ends after this and the browser reconnects (2 s later, with a
# fresh full state): half-dead TV connections cannot pile up threads for long.
STREAM_S = 120.0
IDLE_TIMEOUT_S = 30.0  # a silent client must not hold a thread forever
ACTIONS = ("next", "recall", "served", "no-show", "call")
_COUNTER_PATH = re.compile(rf"^{PREFIX}/counters/(\d{{1,3}})(?:/([a-z-]+))?$")

OnCall = Callable[[str, int], None]


def hash_token(token: str) -> str:
    """The config form of a token: ``sha256$<hex>``."""
    return TOKEN_SCHEME + hashlib.sha256(token.encode("utf-8")).hexdigest()


def local_url(host: str, port: int) -> str:
    """The URL to reach a server listening on ``host`` from this machine."""
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def new_token() -> str:
    """A random token for one counter (32 URL-safe characters, 192 bits)."""
    return secrets.token_urlsafe(24)


class TokenBook:
    """Which counter a bearer token belongs to; counters without a hash have no access."""

    def __init__(self, counters: Iterable[CounterConfig]) -> None:
        self._hashes = {c.number: c.token_hash.lower() for c in counters if c.token_hash}

    def counter_for(self, token: str) -> int | None:
        presented = hash_token(token)
        found = None
        for number, expected in self._hashes.items():  # no early exit: same time for all
            if hmac.compare_digest(presented, expected):
                found = number
        return found


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
        self._thread = threading.Thread(target=self._run, name="board-feed", daemon=True)

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
        if self._thread.is_alive():
            self._thread.join(timeout=2)


class LanApi:
    """The API server; ``start()`` serves in a daemon thread, ``serve_forever()`` in front.

    ``host``/``port`` override the config (tests and the bench use port 0).
    """

    def __init__(self, config: Config, *, on_call: OnCall | None = None,
                 clock: Callable[[], datetime] = utc_now, host: str | None = None,
                 port: int | None = None, poll_s: float = POLL_S,
                 stream_s: float = STREAM_S) -> None:
        self.config = config
        self.stream_s = stream_s
        self.on_call = on_call
        self.tokens = TokenBook(config.counters)
        address = (host if host is not None else config.lan_api.host,
                   port if port is not None else config.lan_api.port)
        server_class = _Server6 if ":" in address[0] else _Server
        self.server = server_class(address, _Handler)  # fails early if the port is taken
        self.server.api = self
        try:
            self.db = store.connect(config.database)  # our own: never share a transaction
        except BaseException:
            self.server.server_close()
            raise
        self.calling: CallingService = calling_service(config, self.db, clock)
        self.lock = threading.Lock()
        self.feed = BoardFeed(self._locked(lambda: board_state(self.calling, config)),
                              self._locked(lambda: change_marker(self.calling)), poll_s)
        self._thread: threading.Thread | None = None

    def _locked(self, fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with self.lock:
                return fn()
        return run

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return local_url(self.server.server_address[0], self.port)

    def start(self) -> LanApi:
        self.feed.start()
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                        name="lan-api", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.feed.start()
        try:
            self.server.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        self.feed.close()
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server.server_close()
        with self.lock:
            self.db.close()

    def __enter__(self) -> LanApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- actions (called by the handler) ------------------------------------

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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    api: LanApi


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "antrian-kiosk"
    timeout = IDLE_TIMEOUT_S

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as two writes; with Nagle's algorithm and the
        # client's delayed ACK, every keep-alive reply would wait ~40 ms for nothing.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Requests go to the debug log, not stderr: the kiosk's screen is a terminal."""
        log.debug("%s %s", self.address_string(), format % args)

    # -- plumbing -------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any],
              headers: dict[str, str] | None = None) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _error(self, error: ApiError) -> None:
        data: dict[str, Any] = {"error": error.message}
        if error.reason:
            data["reason"] = error.reason
        headers = {"WWW-Authenticate": 'Bearer realm="antrian-kiosk"'} \
            if error.status == HTTPStatus.UNAUTHORIZED else None
        self._json(error.status, data, headers)

    def _read_body(self) -> bytes:
        length_text = self.headers.get("Content-Length") or "0"
        if not length_text.isdigit():
            raise ApiError(HTTPStatus.BAD_REQUEST, "Content-Length salah / bad Content-Length")
        length = int(length_text)
        if length > MAX_BODY:
            self.close_connection = True
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Permintaan terlalu besar / "
                           "request too large")
        return self.rfile.read(length) if length else b""

    @staticmethod
    def _parse(raw: bytes) -> dict[str, Any]:
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ApiError(HTTPStatus.BAD_REQUEST, "Isi permintaan harus JSON / "
                           "the body must be JSON") from None
        if not isinstance(data, dict):
            raise ApiError(HTTPStatus.BAD_REQUEST, "Isi permintaan harus objek JSON / "
                           "the body must be a JSON object")
        return data

    def _token_counter(self) -> int:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        counter = None
        if scheme.lower() == "bearer" and token.strip():
            counter = self.server.api.tokens.counter_for(token.strip())
        if counter is None:
            raise ApiError(HTTPStatus.UNAUTHORIZED, "Token tidak sah atau tidak ada / "
                           "missing or invalid token")
        return counter

    def _authorize(self, number: int) -> None:
        if self._token_counter() != number:
            raise ApiError(HTTPStatus.FORBIDDEN, f"Token ini bukan untuk loket {number} / "
                           f"this token is not for counter {number}")
        if number not in self.server.api.calling.counters:
            raise ApiError(HTTPStatus.NOT_FOUND, f"Loket {number} tidak ada / no counter {number}")

    def _dispatch(self, method: str) -> None:
        try:
            path = self.path.split("?", 1)[0]
            # Read the body before anything can refuse: keep-alive stays in step.
            raw = self._read_body() if method == "POST" else b""
            match = _COUNTER_PATH.match(path)
            if match and match.group(2) is None and method == "GET":
                number = int(match.group(1))
                self._authorize(number)
                self._json(200, self.server.api.counter_info(number))
            elif match and match.group(2) in ACTIONS and method == "POST":
                number = int(match.group(1))
                self._authorize(number)
                body = self._parse(raw)
                self._json(200, self.server.api.act(number, match.group(2), body))
            elif path == f"{PREFIX}/queue" and method == "GET":
                self._token_counter()
                self._json(200, self.server.api.queue())
            elif path == "/health" and method == "GET":
                self._json(200, {"ok": True, "office": self.server.api.config.office.code,
                                 "time": self.server.api.calling.clock().isoformat()})
            elif path in ("/", "/board") and method == "GET":
                page = board_page(self.server.api.config.office.name,
                                  self.server.api.feed.current()[1]).encode("utf-8")
                self._send(200, page, "text/html; charset=utf-8")
            elif path == "/board/state" and method == "GET":
                self._send(200, self.server.api.feed.current()[1].encode("utf-8"),
                           "application/json; charset=utf-8")
            elif path == "/board/events" and method == "GET":
                self._events()
            elif match or path.startswith(PREFIX) or path.startswith("/board") \
                    or path == "/health":
                if match and match.group(2) and match.group(2) not in ACTIONS:
                    raise ApiError(HTTPStatus.NOT_FOUND, f"Perintah tidak dikenal: "
                                   f"{match.group(2)} / unknown action; use one of "
                                   f"{', '.join(ACTIONS)}")
                raise ApiError(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} tidak bisa di sini / "
                               f"{method} is not allowed here")
            else:
                raise ApiError(HTTPStatus.NOT_FOUND, "Tidak ada di sini / not found")
        except ApiError as error:
            self._error(error)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            log.exception("LAN API request failed: %s %s", method, self.path)
            self._error(ApiError(HTTPStatus.INTERNAL_SERVER_ERROR, "Kesalahan di kiosk; coba "
                                 "lagi / kiosk error, try again"))

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    # -- server-sent events ---------------------------------------------------

    def _events(self) -> None:
        """Push the board state now and after every change, until the viewer leaves."""
        feed = self.server.api.feed
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        version, payload = feed.current()
        self.wfile.write(f"retry: 2000\nid: {version}\ndata: {payload}\n\n".encode())
        self.wfile.flush()
        end = time.monotonic() + self.server.api.stream_s
        while (left := end - time.monotonic()) > 0:
            newer = feed.wait_newer(version, min(KEEPALIVE_S, left))
            if newer is None:
                return
            if newer[0] == version:
                self.wfile.write(b": keep-alive\n\n")
            else:
                version, payload = newer
                self.wfile.write(f"id: {version}\ndata: {payload}\n\n".encode())
            self.wfile.flush()


def board_page(title: str, state_json: str) -> str:
    """The lobby TV page, with the current state inlined so it draws before the stream opens."""
    inline = state_json.replace("<", "\\u003c") or "null"
    return _PAGE.replace("__TITLE__", html.escape(title)).replace("__STATE__", inline)


_PAGE = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__ - Papan Antrian</title>
<style>
  * { box-sizing: border-box; margin: 0; padding: 0; }
  html, body { height: 100%; background: #000; color: #fff;
    font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; overflow: hidden; }
  body { display: grid; grid-template-rows: auto 1fr auto; height: 100vh; }
  header { display: flex; justify-content: space-between; align-items: center;
    padding: 1.2vh 2vw; background: #0b3d91; }
  #office { font-size: 3.4vh; font-weight: bold; }
  #clock { font-size: 5vh; font-weight: bold; font-variant-numeric: tabular-nums; }
  main { display: grid; grid-template-columns: 3fr 1fr; gap: 1.5vw; padding: 1.5vh 1.5vw;
    min-height: 0; }
  #counters { display: grid; gap: 1.2vw; grid-template-columns: repeat(auto-fit, minmax(22vw, 1fr));
    align-content: start; }
  .counter { border: 0.5vh solid #555; border-radius: 1vh; text-align: center; padding: 1vh; }
  .counter .name { font-size: 3.6vh; color: #ffd700; font-weight: bold; }
  .counter .label { font-size: 13vh; font-weight: bold; line-height: 1.1;
    font-variant-numeric: tabular-nums; }
  .counter.idle .label { color: #666; }
  .counter.newest { background: #ffd700; color: #000; border-color: #fff;
    animation: flash 1s ease-in-out 4; }
  .counter.newest .name { color: #000; }
  @keyframes flash { 50% { background: #fff; } }
  aside { display: flex; flex-direction: column; gap: 2vh; min-height: 0; }
  h2 { font-size: 3vh; color: #7fdbff; border-bottom: 0.3vh solid #7fdbff; margin-bottom: 1vh; }
  ol, ul { list-style: none; font-size: 3vh; }
  li { display: flex; justify-content: space-between; gap: 1vw; padding: 0.4vh 0; }
  li .l { font-weight: bold; }
  li .k { color: #ccc; white-space: nowrap; text-align: right; }
  footer { background: #ffd700; color: #000; font-size: 4vh; font-weight: bold;
    white-space: nowrap; overflow: hidden; padding: 0.8vh 0; }
  footer span { display: inline-block; padding-left: 100%; animation: scroll 25s linear infinite; }
  footer.empty { display: none; }
  @keyframes scroll { to { transform: translateX(-100%); } }
  #offline { position: fixed; top: 0; left: 50%; transform: translateX(-50%); display: none;
    background: #c00; color: #fff; font-size: 2.6vh; padding: 0.5vh 2vw; }
  body.offline #offline { display: block; }
</style>
</head>
<body>
<div id="offline">Menyambung ulang ke kiosk&hellip;</div>
<header><div id="office"></div><div id="clock"></div></header>
<main>
  <section id="counters" aria-label="Nomor dipanggil"></section>
  <aside>
    <div><h2>Panggilan Terakhir</h2><ol id="last"></ol></div>
    <div><h2>Jumlah Menunggu</h2><ul id="waiting"></ul></div>
  </aside>
</main>
<footer id="notice"><span id="notice-text"></span></footer>
<script>
"use strict";
let state = __STATE__;
let offset = 0;
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function row(left, right) {
  const li = el("li");
  li.append(el("span", "l", left), el("span", "k", right));
  return li;
}
function render(s) {
  if (!s) return;
  state = s;
  offset = Date.parse(s.now) - Date.now();
  document.getElementById("office").textContent = s.office;
  const counters = document.getElementById("counters");
  counters.replaceChildren(...s.counters.map(c => {
    const box = el("div", "counter" + (c.label ? "" : " idle") + (c.newest ? " newest" : ""));
    box.dataset.counter = c.number;
    box.append(el("div", "name", c.name), el("div", "label", c.label || "\\u2014"));
    return box;
  }));
  document.getElementById("last").replaceChildren(...s.last_calls.map(r =>
    row(r.label, r.counter_name + " \\u00b7 " + r.at + (r.kind === "recall" ? " ulang" : ""))));
  document.getElementById("waiting").replaceChildren(...s.lanes.map(l =>
    row(l.code + " " + l.name, l.waiting + " orang")));
  const notice = document.getElementById("notice");
  if (document.getElementById("notice-text").textContent !== s.notice)
    document.getElementById("notice-text").textContent = s.notice;
  notice.className = s.notice ? "" : "empty";
  tick();
}
function tick() {
  if (!state) return;
  const now = new Date(Date.now() + offset);
  let text;
  try {
    text = now.toLocaleTimeString("id-ID", { timeZone: state.timezone, hour12: false });
  } catch (e) {
    text = now.toTimeString().slice(0, 8);
  }
  document.getElementById("clock").textContent = text.replace(/\\./g, ":");
}
render(state);
setInterval(tick, 1000);
if (window.EventSource) {
  const source = new EventSource("/board/events");
  let lost = null;  // streams end every few minutes by design: warn only if it stays down
  source.onmessage = e => {
    render(JSON.parse(e.data));
    clearTimeout(lost);
    lost = null;
    document.body.classList.remove("offline");
    document.body.dataset.live = "1";
  };
  source.onerror = () => {
    if (lost === null) lost = setTimeout(() => document.body.classList.add("offline"), 6000);
  };
}
</script>
</body>
</html>
"""
