"""Everything the kiosk's staff screen does, as plain calls the screen runs in a worker.

The desk owns its own store connection: the issuing service's connection is
used by issuing threads inside their transactions, and a staff action sharing
it could slip into the middle of one. One lock makes the desk's own actions
take turns (a touch screen can send two taps before the first finishes).
Reprints go through the issuing service, which has the printer and its lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk.queue.calling import CalledTicket, CallingService, CallRefused
from kiosk.queue.day_controls import DayControls, Pause
from kiosk.queue.numbering import Numbering
from kiosk.queue.walkin_guard import BurstReport, nik_refusals, recent_bursts

if TYPE_CHECKING:
    from collections.abc import Callable

    import sqlite_utils

    from kiosk.queue.issuing import Issued, IssuingService
    from kiosk.reports.figures import HourCount


@dataclass(frozen=True)
class LaneFigures:
    lane: str
    name: str
    cap: int | None
    issued: int
    waiting: int
    called: int
    served: int
    no_show: int
    turned_away: int
    unprinted: int


@dataclass(frozen=True)
class DayFigures:
    day: date
    lanes: list[LaneFigures]
    paused: Pause | None
    bursts: list[BurstReport]  # walk-in presses over the per-minute limit, newest first
    nik_refused: int  # walk-ins refused for already holding a number today (NIK entry)
    sync_line: str = ""  # connection to the hub, when the office has one
    notify_line: str = ""  # opt-ins and the message outbox today, when [notify] is on


@dataclass(frozen=True)
class QueueRow:
    label: str
    status: str  # waiting | called | served | no_show
    counter: int | None
    issued_at: datetime  # UTC


@dataclass(frozen=True)
class CounterView:
    """What the staff menu says about one counter."""

    current: CalledTicket | None  # called and not finished with
    last: CalledTicket | None  # the counter's latest call today, whatever became of it
    waiting: int  # people waiting in the lanes this counter serves


class StaffDesk:
    def __init__(self, service: IssuingService, db: sqlite_utils.Database,
                 calling: CallingService | None,
                 after_call: Callable[[], None] = lambda: None) -> None:
        """``db`` is the desk's own connection; ``after_call`` wakes the lobby outputs."""
        self.service, self.db, self.calling, self.after_call = service, db, calling, after_call
        config = service.config
        self.config = config
        self.controls = DayControls(db, config.office.code, config.office.device_id)
        self.numbering = Numbering(db, config.office.code, config.office.device_id)
        self.lock = threading.Lock()
        self._hourly: tuple[tuple[date, int], tuple[HourCount, ...]] | None = None

    @classmethod
    def for_service(cls, service: IssuingService,
                    after_call: Callable[[], None] = lambda: None) -> StaffDesk:
        """A desk on its own connection to the service's store, with the config's counters."""
        from kiosk import store
        from kiosk.queue.calling_view import calling_service

        db = store.connect(service.config.database)
        calling = calling_service(service.config, db, service.clock) if (
            service.config.counters) else None
        return cls(service, db, calling, after_call)

    def today(self) -> date:
        return self.service.schedule.office_day(self.service.clock())

    # -- counters ---------------------------------------------------------------

    def counters(self) -> list[tuple[int, str]]:
        return [(c.number, c.name) for c in sorted(self.config.counters, key=lambda c: c.number)]

    def current(self, counter: int) -> CalledTicket | None:
        if self.calling is None:
            return None
        with self.lock:
            return self.calling.current(counter)

    def counter_view(self, counter: int) -> CounterView | None:
        """The counter's current applicant, its last call and who waits for it."""
        if self.calling is None:
            return None
        with self.lock:
            waiting = self.calling.waiting_for(counter)
            return CounterView(self.calling.current(counter), self.calling.last_called(counter),
                               waiting)

    def act(self, counter: int, action: str, label: str = ""
            ) -> CalledTicket | CallRefused | None:
        """One counter action; None means "next" found nobody waiting."""
        if self.calling is None:
            raise RuntimeError("no counters configured")
        with self.lock:
            result = self.calling.act(counter, action, label)
        if action in ("next", "recall", "call") and isinstance(result, CalledTicket):
            self.after_call()
        return result

    def queue(self, limit: int = 200) -> list[QueueRow]:
        """Today's tickets not yet finished first (called, then waiting), then the rest."""
        order = "CASE status WHEN 'called' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END"
        with self.lock:
            rows = self.db.execute(
                "SELECT label, status, counter, issued_at FROM tickets WHERE office_code = ?"
                f" AND office_day = ? ORDER BY {order}, issued_at LIMIT ?",
                (self.config.office.code, self.today().isoformat(), limit),
            ).fetchall()
        return [QueueRow(label, status, counter, datetime.fromisoformat(at))
                for label, status, counter, at in rows]

    # -- the day ---------------------------------------------------------------

    def figures(self, language: str = "id") -> DayFigures:
        day = self.today()
        with self.lock:
            counts: dict[str, dict[str, int]] = {}
            for lane, status, n in self.db.execute(
                "SELECT lane, status, count(*) FROM tickets WHERE office_code = ?"
                " AND office_day = ? GROUP BY lane, status",
                (self.config.office.code, day.isoformat()),
            ):
                counts.setdefault(lane, {})[status] = n
            summary = self.numbering.day_summary(day)
            lanes = []
            for code, lane in self.config.lanes.items():
                by_status = counts.get(code, {})
                row = summary.get(code, {})
                lanes.append(LaneFigures(
                    code, lane.name_id, self.controls.cap_for(code, day, lane.cap),
                    row.get("issued", 0), by_status.get("waiting", 0),
                    by_status.get("called", 0), by_status.get("served", 0),
                    by_status.get("no_show", 0), row.get("turned_away", 0),
                    row.get("unprinted", 0)))
            code = self.config.office.code
            return DayFigures(day, lanes, self.controls.paused(),
                              recent_bursts(self.db, code, day), nik_refusals(self.db, code, day),
                              self._sync_line(language), self._notify_line(day, language))

    def _notify_line(self, day: date, language: str) -> str:
        """Opted in today, and the outbox: pending / sent / failed / stale (no numbers)."""
        if not self.config.notify.enabled:
            return ""
        from kiosk.notify.outbox import day_counts
        from kiosk.texts import t

        return t("staff.notify", language, **day_counts(self.db, self.config.office.code, day))

    def _sync_line(self, language: str) -> str:
        if not self.config.sync.enabled:
            return ""
        from kiosk.sync.status import read_status
        from kiosk.sync.view import sync_line

        now = self.service.clock()
        return sync_line(read_status(self.db, self.service.config, now), self.config.timezone,
                         now, language)

    def hourly(self) -> tuple[HourCount, ...]:
        """Today's numbers taken and called per hour; recomputed only when the store changed."""
        day = self.today()
        with self.lock:
            seq = self.db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
            key = (day, seq)
            if self._hourly is None or self._hourly[0] != key:
                # The reports load when staff first open the menu, not in the kiosk's
                # start-up: `kiosk run` serves sooner (bench/startup.py).
                from kiosk.reports.day import hourly_counts

                counts = hourly_counts(self.db, self.config.office.code, day,
                                       self.config.timezone)
                self._hourly = (key, counts)
            return self._hourly[1]

    def pause(self, by: str) -> bool:
        with self.lock:
            return self.controls.pause(by, self.today(), self.service.clock())

    def resume(self, by: str) -> bool:
        with self.lock:
            return self.controls.resume(by, self.today(), self.service.clock())

    def set_cap(self, lane: str, cap: int, by: str) -> int | None:
        if lane not in self.config.lanes:
            raise ValueError(f"unknown lane {lane!r}")
        with self.lock:
            return self.controls.set_cap(lane, self.today(), cap, self.config.lanes[lane].cap,
                                         by, self.service.clock())

    def reprint(self, label: str, by: str, language: str) -> Issued | None:
        result = self.service.reprint(label.strip().upper(), language)
        if result is not None:
            self.log(by, "reprint", label=result.ticket.label, printed=result.printed)
        return result

    def log(self, by: str, action: str, **details: object) -> None:
        with self.lock:
            self.controls.log_action(action, by, self.today(), self.service.clock(), **details)

    def close(self) -> None:
        self.db.close()
