"""Staff actions at the counters: call, recall, served, no-show, bring back.

Each action is one ``BEGIN IMMEDIATE`` transaction that re-reads the queue
inside the write lock, changes the ticket, logs the call and appends its
event: two counters pressing "next" at the same moment (two processes, or
two kiosks on one store) can never get the same ticket.

Choices made here (the lead may revisit):
- "Next" ends the current applicant at that counter as *served*: staff with
  little IT training press one button, and wait estimates stay honest. A
  no-show must be marked before calling the next.
- A no-show may be marked only after ``max_recalls`` recalls: people in a
  noisy lobby miss calls, and a no-show loses them their place.
- A no-show who returns within ``no_show_return_minutes`` goes back to
  *waiting*, not straight to a counter: the counter that called them is
  usually busy by then. Lanes are called lowest number first, so the returned
  ticket is ahead of everyone issued after it, i.e. at the front of its lane.
- Out-of-order calls (``call_specific``) are limited to lanes the counter
  serves; they count in the counter's call ratio like any other call.
- Multi-stage visits (kiosk/queue/stages.py): "next" at a stage that has a
  following stage *sends* the applicant on (they wait for the next stage,
  keeping their number) instead of ending the visit; "served" ends the visit
  where it is (e.g. documents refused at the check). ``send`` sends on without
  calling anyone, to the next stage or to any stage of the service (``to``:
  back to the document check). Recall, no-show and bring-back act on the stage
  the ticket is at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from kiosk.queue.call_order import CallPolicy, choose_next
from kiosk.queue.stages import StagePlan
from kiosk.store import immediate
from kiosk.store.events import append_event

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

    import sqlite_utils

    from kiosk.queue.schedule import Schedule

_TICKET_COLUMNS = "id, lane, number, label, status, counter, called_at, recalls, stage"


@dataclass(frozen=True)
class Counter:
    """A service counter (*loket*) and the lanes its staff handle."""

    number: int
    name: str
    lanes: frozenset[str]
    stages: frozenset[str] = frozenset()  # the stages served here (empty: every stage)


@dataclass(frozen=True)
class CalledTicket:
    """A ticket as staff see it after an action (``status`` says where it now stands)."""

    id: str
    office_day: date
    lane: str
    number: int
    label: str
    status: str  # waiting | called | served | no_show
    counter: int | None
    called_at: datetime | None  # UTC
    recalls: int
    no_show_allowed: bool  # enough recalls to mark a no-show
    stage: str | None = None  # the stage it is at or waits for (None: a service without stages)
    sent_to: str | None = None  # set when the action sent it on to this stage


@dataclass(frozen=True)
class CallRefused:
    """Why an action did nothing: shown to staff, nothing was written."""

    reason: str  # no_current | recall_first | not_found | not_waiting | not_no_show
    #              | too_late | lane_not_served | stage_not_served | no_next_stage
    #              | unknown_stage
    label: str | None = None
    status: str | None = None
    recalls_left: int | None = None  # recall_first: recalls still needed before a no-show


class Serving(NamedTuple):
    counter: int
    label: str
    called_at: datetime
    stage: str | None = None


class CallRecord(NamedTuple):
    label: str
    counter: int
    at: datetime
    kind: str  # call | recall
    stage: str | None = None


class LatestCall(NamedTuple):
    """A ticket's newest call or recall today: one line per number on a board."""

    label: str
    lane: str
    counter: int
    at: datetime
    kind: str  # call | recall: what the newest one was
    recalls: int  # times recalled since it was called
    stage: str | None = None  # the stage it was called to


def parse_label(label: str) -> tuple[str, int] | None:
    """ "a012 " -> ("A", 12); None if it cannot be a ticket label."""
    label = label.strip().upper()
    if len(label) < 2 or not label[0].isalpha() or not label[1:].isdigit():
        return None
    return label[0], int(label[1:])


class CallingService:
    def __init__(self, db: sqlite_utils.Database, office_code: str, device_id: str,
                 counters: dict[int, Counter], policy: CallPolicy,
                 clock: Callable[[], datetime], max_recalls: int = 3,
                 no_show_return_minutes: float = 30, *, schedule: Schedule | None = None,
                 office_day: date | None = None, classes: dict[str, str] | None = None,
                 stages: StagePlan | None = None) -> None:
        """Give either ``schedule`` (office day from the local date) or a fixed ``office_day``."""
        if (schedule is None) == (office_day is None):
            raise ValueError("give exactly one of schedule= or office_day=")
        self.db, self.office_code, self.device_id = db, office_code, device_id
        self.counters, self.policy, self.clock = counters, policy, clock
        self.max_recalls = max_recalls
        self.return_window = timedelta(minutes=no_show_return_minutes)
        self.schedule, self.office_day = schedule, office_day
        self.classes = classes or {}  # service code -> the lane whose call rules it follows
        self.stages = stages or StagePlan()

    # -- reading -----------------------------------------------------------

    def today(self, now: datetime | None = None) -> date:
        if self.office_day is not None:
            return self.office_day
        assert self.schedule is not None
        return self.schedule.office_day(now or self.clock())

    def _ticket(self, row: tuple, day: date) -> CalledTicket:
        ticket_id, lane, number, label, status, counter, called_at, recalls, stage = row
        return CalledTicket(ticket_id, day, lane, number, label, status, counter,
                            datetime.fromisoformat(called_at) if called_at else None, recalls,
                            recalls >= self.max_recalls, self.stages.at(lane, stage))

    def _current_row(self, conn: sqlite3.Connection, counter: int, day: date) -> tuple | None:
        return conn.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE office_code = ? AND office_day = ?"
            " AND status = 'called' AND counter = ? ORDER BY called_at DESC LIMIT 1",
            (self.office_code, day.isoformat(), counter),
        ).fetchone()

    def current(self, counter: int) -> CalledTicket | None:
        """Who this counter has called and not finished with."""
        day = self.today()
        row = self._current_row(self.db.conn, self._counter(counter).number, day)
        return None if row is None else self._ticket(row, day)

    def last_called(self, counter: int) -> CalledTicket | None:
        """The ticket this counter called last today, as it stands now (served, no-show...)."""
        day = self.today()
        columns = ", ".join(f"t.{c}" for c in _TICKET_COLUMNS.split(", "))
        row = self.db.execute(
            f"SELECT {columns} FROM calls c JOIN tickets t ON t.office_code = c.office_code"
            " AND t.office_day = c.office_day AND t.lane = c.lane AND t.number = c.number"
            " WHERE c.office_code = ? AND c.office_day = ? AND c.counter = ?"
            " ORDER BY c.seq DESC LIMIT 1",
            (self.office_code, day.isoformat(), self._counter(counter).number),
        ).fetchone()
        return None if row is None else self._ticket(row, day)

    def now_serving(self) -> list[Serving]:
        """Board: each counter's called applicant, by counter number."""
        return [
            Serving(counter, label, datetime.fromisoformat(at), self.stages.at(lane, stage))
            for counter, label, at, lane, stage in self.db.execute(
                "SELECT counter, label, called_at, lane, stage FROM tickets WHERE office_code = ?"
                " AND office_day = ? AND status = 'called' ORDER BY counter, called_at",
                (self.office_code, self.today().isoformat()),
            )
        ]

    def last_calls(self, n: int = 5) -> list[CallRecord]:
        """Board: the latest calls and recalls today, newest first."""
        return [
            CallRecord(label, counter, datetime.fromisoformat(at), kind, stage)
            for label, counter, at, kind, stage in self.db.execute(
                "SELECT label, counter, at, kind, stage FROM calls WHERE office_code = ?"
                " AND office_day = ? ORDER BY seq DESC LIMIT ?",
                (self.office_code, self.today().isoformat(), n),
            )
        ]

    def latest_calls(self, n: int = 5) -> list[LatestCall]:
        """Board: the latest called numbers today, each once (a recall moves it up), newest
        first."""
        day = (self.office_code, self.today().isoformat())
        return [
            LatestCall(label, lane, counter, datetime.fromisoformat(at), kind, recalls, stage)
            for label, lane, counter, at, kind, recalls, stage in self.db.execute(
                "SELECT c.label, c.lane, c.counter, c.at, c.kind, t.recalls, c.stage FROM calls c"
                " JOIN tickets t ON t.office_code = c.office_code"
                " AND t.office_day = c.office_day AND t.lane = c.lane AND t.number = c.number"
                " WHERE c.seq IN (SELECT max(seq) FROM calls WHERE office_code = ?"
                " AND office_day = ? GROUP BY lane, number) ORDER BY c.seq DESC LIMIT ?",
                (*day, n),
            )
        ]

    def waiting_counts(self) -> dict[str, int]:
        """Board: people waiting per lane (0 for lanes a counter serves but nobody waits in)."""
        counts = {lane: 0 for c in self.counters.values() for lane in c.lanes}
        for lane, count in self.db.execute(
            "SELECT lane, count(*) FROM tickets WHERE office_code = ? AND office_day = ?"
            " AND status = 'waiting' GROUP BY lane",
            (self.office_code, self.today().isoformat()),
        ):
            counts[lane] = count
        return dict(sorted(counts.items()))

    def waiting_for(self, counter: int) -> int:
        """How many wait that this counter may call (its services, at its stages)."""
        return sum(self.waiting_by_lane_for(counter).values())

    def waiting_by_lane_for(self, counter: int) -> dict[str, int]:
        """Per service this counter calls, how many wait for a stage it does (0s kept)."""
        c = self._counter(counter)
        counts = dict.fromkeys(sorted(c.lanes), 0)
        for lane, stage in self.db.execute(
                "SELECT lane, stage FROM tickets WHERE office_code = ? AND office_day = ?"
                " AND status = 'waiting'", (self.office_code, self.today().isoformat())):
            if self.stages.serves(c.lanes, c.stages, lane, stage):
                counts[lane] += 1
        return counts

    # -- staff actions -----------------------------------------------------

    def _counter(self, counter: int) -> Counter:
        try:
            return self.counters[counter]
        except KeyError:
            raise ValueError(f"unknown counter {counter}; configured: "
                             f"{sorted(self.counters)}") from None

    def _event(self, conn: sqlite3.Connection, kind: str, day: date, now: datetime,
               ticket_id: str, payload: dict) -> None:
        append_event(conn, office_code=self.office_code, office_day=day,
                     device_id=self.device_id, kind=kind, at=now, ticket_id=ticket_id,
                     payload=payload)

    def _log_call(self, conn: sqlite3.Connection, day: date, row: tuple, counter: int,
                  now: datetime, kind: str) -> None:
        ticket_id, lane, number, label = row[:4]
        conn.execute(
            "INSERT INTO calls (office_code, office_day, lane, number, ticket_id, label, counter,"
            " at, kind, stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.office_code, day.isoformat(), lane, number, ticket_id, label, counter,
             now.isoformat(), kind, self.stages.at(lane, row[8])),
        )

    def _set(self, conn: sqlite3.Connection, day: date, lane: str, number: int,
             assignments: str, params: tuple, expect_status: str) -> tuple:
        """Update one ticket guarded by its expected status; the changed row."""
        row = conn.execute(
            f"UPDATE tickets SET {assignments} WHERE office_code = ? AND office_day = ?"
            f" AND lane = ? AND number = ? AND status = ? RETURNING {_TICKET_COLUMNS}",
            (*params, self.office_code, day.isoformat(), lane, number, expect_status),
        ).fetchone()
        assert row is not None, "ticket changed under the write lock"
        return row

    def _serve_current(self, conn: sqlite3.Connection, counter: int, day: date,
                       now: datetime, by: str) -> None:
        """"Next" finishes the current applicant here: served, or sent on to the next stage."""
        current = self._current_row(conn, counter, day)
        if current is None:
            return
        following = self.stages.after(current[1], current[8])
        if following is not None:
            self._send_row(conn, day, current, counter, following, now, by)
            return
        self._set(conn, day, current[1], current[2], "status = 'served', served_at = ?",
                  (now.isoformat(),), "called")
        self._event(conn, "served", day, now, current[0],
                    {"counter": counter, "label": current[3], "by": by})

    def _send_row(self, conn: sqlite3.Connection, day: date, current: tuple, counter: int,
                  to: str, now: datetime, by: str) -> tuple:
        """The applicant waits again, at stage ``to``, keeping their number."""
        row = self._set(conn, day, current[1], current[2],
                        "status = 'waiting', stage = ?, counter = NULL, called_at = NULL,"
                        " recalls = 0", (to,), "called")
        self._event(conn, "sent", day, now, row[0],
                    {"counter": counter, "label": row[3],
                     "from": self.stages.at(row[1], current[8]), "to": to, "by": by})
        return row

    def _call(self, conn: sqlite3.Connection, counter: Counter, day: date, lane: str,
              number: int, now: datetime, out_of_order: bool) -> CalledTicket:
        self._serve_current(conn, counter.number, day, now, by="next")
        row = self._set(conn, day, lane, number,
                        "status = 'called', called_at = ?, counter = ?, recalls = 0",
                        (now.isoformat(), counter.number), "waiting")
        self._log_call(conn, day, row, counter.number, now, "call")
        stage = self.stages.at(row[1], row[8])
        self._event(conn, "called", day, now, row[0],
                    {"counter": counter.number, "label": row[3], "out_of_order": out_of_order,
                     **({"stage": stage} if stage is not None else {})})
        return self._ticket(row, day)

    def call_next(self, counter: int) -> CalledTicket | None:
        """Finish the current applicant and call whoever the policy puts next (None: nobody)."""
        c = self._counter(counter)
        now = self.clock()
        day = self.today(now)
        with immediate(self.db) as conn:
            waiting: dict[str, list[int]] = {}
            for lane, number, stage in conn.execute(
                "SELECT lane, number, stage FROM tickets WHERE office_code = ? AND office_day = ?"
                " AND status = 'waiting' ORDER BY lane, number",
                (self.office_code, day.isoformat()),
            ):
                if self.stages.serves(c.lanes, c.stages, lane, stage):
                    waiting.setdefault(lane, []).append(number)
            history = [lane for (lane,) in conn.execute(
                "SELECT lane FROM calls WHERE office_code = ? AND office_day = ? AND counter = ?"
                " AND kind = 'call' ORDER BY seq",
                (self.office_code, day.isoformat(), c.number),
            )]
            choice = choose_next(self.policy, waiting, history, c.lanes, self.classes)
            if choice is None:
                self._serve_current(conn, c.number, day, now, by="next")
                return None
            return self._call(conn, c, day, *choice, now, out_of_order=False)

    def call_specific(self, counter: int, label: str) -> CalledTicket | CallRefused:
        """Call one waiting ticket out of order (staff's decision, logged as such)."""
        c = self._counter(counter)
        now = self.clock()
        day = self.today(now)
        with immediate(self.db) as conn:
            row = self._find_label(conn, day, label)
            if isinstance(row, CallRefused):
                return row
            if row[1] not in c.lanes:
                return CallRefused("lane_not_served", row[3], row[4])
            if not self.stages.serves(c.lanes, c.stages, row[1], row[8]):
                return CallRefused("stage_not_served", row[3], row[4])
            if row[4] != "waiting":
                return CallRefused("not_waiting", row[3], row[4])
            return self._call(conn, c, day, row[1], row[2], now, out_of_order=True)

    def act(self, counter: int, action: str, label: str = ""
            ) -> CalledTicket | CallRefused | None:
        """One staff action by name, for every place staff press it (LAN API, staff menu).

        ``action``: next | recall | served | no_show | call | bring_back | send;
        ``label`` for call and bring_back, and the stage to send to (optional) for
        send. None: "next" found nobody waiting.
        """
        actions: dict[str, Callable[[], CalledTicket | CallRefused | None]] = {
            "next": lambda: self.call_next(counter),
            "recall": lambda: self.recall(counter),
            "served": lambda: self.mark_served(counter),
            "no_show": lambda: self.mark_no_show(counter),
            "call": lambda: self.call_specific(counter, label),
            "bring_back": lambda: self.bring_back(label),
            "send": lambda: self.send(counter, label or None),
        }
        if action not in actions:
            raise ValueError(f"unknown action {action!r}")
        return actions[action]()

    def recall(self, counter: int) -> CalledTicket | CallRefused:
        """Announce the counter's current applicant again, and count it."""
        return self._change_current(counter, "recalls = recalls + 1", False, "recalled",
                                    lambda row: {"recalls": row[7]}, log_call="recall")

    def mark_served(self, counter: int) -> CalledTicket | CallRefused:
        return self._change_current(counter, "status = 'served', served_at = ?", True, "served",
                                    lambda row: {"by": "served"})

    def mark_no_show(self, counter: int) -> CalledTicket | CallRefused:
        """The current applicant did not come after ``max_recalls`` recalls."""
        return self._change_current(counter, "status = 'no_show', no_show_at = ?", True,
                                    "no_show", lambda row: {"recalls": row[7]},
                                    need_recalls=True)

    def _change_current(self, counter: int, change: str, stamp: bool, kind: str,
                        details: Callable[[tuple], dict], *, log_call: str | None = None,
                        need_recalls: bool = False) -> CalledTicket | CallRefused:
        """One staff action on the counter's current applicant, in one transaction."""
        c = self._counter(counter)
        now = self.clock()
        day = self.today(now)
        with immediate(self.db) as conn:
            current = self._current_row(conn, c.number, day)
            if current is None:
                return CallRefused("no_current")
            if need_recalls and current[7] < self.max_recalls:
                return CallRefused("recall_first", current[3], current[4],
                                   self.max_recalls - current[7])
            params = (now.isoformat(),) if stamp else ()
            row = self._set(conn, day, current[1], current[2], change, params, "called")
            if log_call:
                self._log_call(conn, day, row, c.number, now, log_call)
            self._event(conn, kind, day, now, row[0],
                        {"counter": c.number, "label": row[3], **details(row)})
            return self._ticket(row, day)

    def send(self, counter: int, to: str | None = None) -> CalledTicket | CallRefused:
        """Send the counter's current applicant on, to the next stage or to ``to``."""
        c = self._counter(counter)
        now = self.clock()
        day = self.today(now)
        with immediate(self.db) as conn:
            current = self._current_row(conn, c.number, day)
            if current is None:
                return CallRefused("no_current")
            lane, here = current[1], self.stages.at(current[1], current[8])
            target = self.stages.find(lane, to) if to else self.stages.after(lane, current[8])
            if target is None and not to:
                return CallRefused("no_next_stage", current[3], current[4])
            if target is None or target == here:
                return CallRefused("unknown_stage", current[3], current[4])
            row = self._send_row(conn, day, current, c.number, target, now, by="send")
            sent = self._ticket(row, day)
            return CalledTicket(**{**sent.__dict__, "sent_to": target})

    def bring_back(self, label: str) -> CalledTicket | CallRefused:
        """A no-show who turns up in time waits again, ahead of everyone issued after them."""
        now = self.clock()
        day = self.today(now)
        with immediate(self.db) as conn:
            row = self._find_label(conn, day, label)
            if isinstance(row, CallRefused):
                return row
            parsed = row[1], row[2]
            if row[4] != "no_show":
                return CallRefused("not_no_show", row[3], row[4])
            no_show_at = datetime.fromisoformat(conn.execute(
                "SELECT no_show_at FROM tickets WHERE office_code = ? AND office_day = ?"
                " AND lane = ? AND number = ?", (self.office_code, day.isoformat(), *parsed),
            ).fetchone()[0])
            if now - no_show_at > self.return_window:
                return CallRefused("too_late", row[3], row[4])
            row = self._set(conn, day, *parsed,
                            "status = 'waiting', counter = NULL, called_at = NULL, recalls = 0",
                            (), "no_show")
            minutes_away = round((now - no_show_at).total_seconds() / 60, 1)
            self._event(conn, "returned", day, now, row[0],
                        {"label": row[3], "minutes_away": minutes_away})
            return self._ticket(row, day)

    def _find_label(self, conn: sqlite3.Connection, day: date, label: str
                    ) -> tuple | CallRefused:
        """Today's ticket row for a typed label, or the refusal staff should read."""
        parsed = parse_label(label)
        row = None if parsed is None else self._find(conn, day, *parsed)
        return CallRefused("not_found", label.strip().upper()) if row is None else row

    def _find(self, conn: sqlite3.Connection, day: date, lane: str, number: int) -> tuple | None:
        return conn.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE office_code = ? AND office_day = ?"
            " AND lane = ? AND number = ?", (self.office_code, day.isoformat(), lane, number),
        ).fetchone()
