"""What the LAN API is, apart from HTTP: its paths and limits, counter tokens, staff
refusals as API errors, a called ticket as JSON, and the board feed every stream reads.

kiosk/lan/app.py serves these over HTTP; kiosk/lan/server.py runs it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from kiosk.queue.calling import CalledTicket, CallRefused
from kiosk.web.bearer import match_token

if TYPE_CHECKING:
    from kiosk.config import CounterConfig

log = logging.getLogger("kiosk.lan.server")  # one logger name for the LAN server

PREFIX = "/api/v1"
MAX_BODY = 4096
POLL_S = 0.5  # the board reflects other processes' calls within a second
KEEPALIVE_S = 15.0  # SSE comment so proxies and TVs keep the stream open
# A board stream ends after this and the browser reconnects (2 s later, with a
# fresh full state): half-dead TV connections cannot pile up threads for long.
STREAM_S = 120.0
ACTIONS = ("next", "recall", "served", "no-show", "call", "send")
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
        "stage": ticket.stage, "sent_to": ticket.sent_to,
    }


def refusal(refused: CallRefused, counter: int) -> ApiError:
    """Why nothing happened, as staff at a counter should read it."""
    label = refused.label or ""
    left = refused.recalls_left
    reasons = {
        "no_current": (HTTPStatus.CONFLICT, f"Loket {counter} belum memanggil siapa pun / "
                       f"counter {counter} has no current applicant"),
        "recall_first": (HTTPStatus.CONFLICT, f"Panggil ulang {label} dulu sebelum menandai "
                         f"tidak hadir (masih {left} kali lagi) / recall {label} {left} more "
                         f"time(s) before marking a no-show"),
        "not_found": (HTTPStatus.NOT_FOUND, f"Tiket {label} tidak ada hari ini / "
                      f"no ticket {label} today"),
        "not_waiting": (HTTPStatus.CONFLICT, f"Tiket {label} tidak sedang menunggu "
                        f"({refused.status}) / {label} is not waiting"),
        "lane_not_served": (HTTPStatus.CONFLICT, f"Loket {counter} tidak melayani jalur "
                            f"{label[:1]} / counter {counter} does not serve this lane"),
        "stage_not_served": (HTTPStatus.CONFLICT, f"Loket {counter} tidak melayani tahap "
                             f"{label} sekarang / counter {counter} does not serve the stage "
                             f"{label} waits for"),
        "no_next_stage": (HTTPStatus.CONFLICT, f"{label} sudah di tahap terakhir: tekan "
                          f"Selesai / {label} is at its last stage: press Served"),
        "unknown_stage": (HTTPStatus.CONFLICT, f"Tahap itu tidak ada untuk {label} (atau "
                          f"{label} sudah di sana) / no such stage for {label}, or it is "
                          f"already there"),
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


