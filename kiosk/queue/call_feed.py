"""Every call and recall, whoever made it, delivered once to the lobby's outputs.

Calls come from several places: the LAN API (counter terminals), ``kiosk
call`` in another process, the staff screen, the counters' GPIO buttons. The
lobby must see and hear each of them exactly once, so the display, chime and
voice do not listen to those sources: they listen to the append-only
``calls`` table, which every one of them writes in the same transaction as
the call itself. A row there means the call happened (committed); a call
rolled back never shows up.

One background thread reads rows newer than the last one it delivered on its
own store connection, every ``poll_s`` seconds or at once after ``poke()``
(the same process just committed a call). It starts from the newest row at
construction, so a restart does not replay the morning's calls.

A number marked no-show is taken off the lobby's outputs too: the same
thread reads new ``no_show`` events (the events table's own key, one range
read) and hands them to ``on_withdrawn`` listeners, so a display does not go
on showing a number whose holder has lost their turn (issue 13).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from kiosk import store

if TYPE_CHECKING:
    from pathlib import Path

    import sqlite_utils

log = logging.getLogger(__name__)

POLL_S = 0.2  # a call from another process reaches the lobby within this
BATCH = 100


class FeedCall(NamedTuple):
    seq: int  # the calls table's row number: strictly increasing
    label: str
    counter: int
    kind: str  # call | recall; no_show for a withdrawal (its seq is the event's)
    stage: str | None = None  # the stage of a multi-stage visit it is called to


Listener = Callable[[FeedCall], None]


class CallFeed:
    """Watches the ``calls`` table and hands each new row to every listener, in order."""

    def __init__(self, database: Path | str, office_code: str, *, poll_s: float = POLL_S,
                 connect: Callable[[Path | str], sqlite_utils.Database] = store.connect) -> None:
        self.office_code, self.poll_s = office_code, poll_s
        self._db = connect(database)  # our own: reading never joins anyone's transaction
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._withdrawn: list[Listener] = []
        self._last_seq = self._newest_seq()
        self._last_event = self._db.execute(
            "SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        self._delivered = threading.Condition()

    def _newest_seq(self) -> int:
        return self._db.execute("SELECT coalesce(max(seq), 0) FROM calls").fetchone()[0]

    @property
    def last_seq(self) -> int:
        """The newest call delivered (or skipped at start)."""
        with self._delivered:
            return self._last_seq

    def subscribe(self, listener: Listener) -> None:
        """Add a listener; it runs on the feed thread, so it must return quickly."""
        with self._lock:
            self._listeners.append(listener)

    def on_withdrawn(self, listener: Listener) -> None:
        """Add a listener for numbers marked no-show (label, counter, kind "no_show")."""
        with self._lock:
            self._withdrawn.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def start(self) -> CallFeed:
        self._thread = threading.Thread(target=self._run, name="call-feed", daemon=True)
        self._thread.start()
        return self

    def poke(self) -> None:
        """This process just committed a call: look now instead of at the next poll."""
        self._wake.set()

    def wait_delivered(self, seq: int, timeout: float) -> bool:
        """Block until call ``seq`` has been handed to every listener (tests, the bench)."""
        with self._delivered:
            return self._delivered.wait_for(lambda: self._last_seq >= seq, timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_s)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self._deliver_new()
                self._deliver_withdrawn()
            except Exception:  # a locked or broken store must not silence the lobby for good
                log.exception("call feed: reading new calls failed")

    def _deliver_new(self) -> None:
        while not self._stop.is_set():
            rows = self._db.execute(
                "SELECT seq, label, counter, kind, stage FROM calls WHERE seq > ?"
                " AND office_code = ?"
                " ORDER BY seq LIMIT ?", (self._last_seq, self.office_code, BATCH),
            ).fetchall()
            for row in rows:
                call = FeedCall(*row)
                self._tell(self._listeners, call)
                with self._delivered:
                    self._last_seq = call.seq
                    self._delivered.notify_all()
            if len(rows) < BATCH:
                return

    def _deliver_withdrawn(self) -> None:
        newest = self._db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        rows = self._db.execute(
            "SELECT seq, payload FROM events WHERE seq > ? AND seq <= ? AND office_code = ?"
            " AND kind = 'no_show' ORDER BY seq", (self._last_event, newest, self.office_code),
        ).fetchall()
        for seq, payload in rows:
            details = json.loads(payload)
            gone = FeedCall(seq, str(details.get("label", "")), int(details.get("counter", 0)),
                            "no_show")
            self._tell(self._withdrawn, gone)
        self._last_event = newest

    def _tell(self, registered: list, call: FeedCall) -> None:
        with self._lock:
            listeners = list(registered)
        for listener in listeners:
            try:
                listener(call)
            except Exception:  # one broken output must not stop the others
                log.exception("call feed: listener %r failed for %s (%s) at counter %s",
                              listener, call.label, call.kind, call.counter)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread (after the listener running now returns) and close the store."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("call feed did not stop within %.1f s", timeout)
                return  # still using the connection: leave it to the process exit
        self._db.close()

    def __enter__(self) -> CallFeed:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
