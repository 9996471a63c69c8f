"""Taking the next queue number: one durable transaction per number.

The cap check, the counter bump, the ticket row and its event are written in
one ``BEGIN IMMEDIATE`` transaction, so any number of processes sharing the
store never overshoot the cap, never share a number, and a power cut leaves
either the whole ticket or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.clock import CLOCK_TOLERANCE
from kiosk.queue.leases import free_count, hub_may_lend, leased_lanes, take_leased
from kiosk.store import immediate
from kiosk.store.events import append_event
from kiosk.store.ids import new_id

if TYPE_CHECKING:
    import sqlite_utils

    from kiosk.queue.clock_trust import ClockTrust

# The newest time seen is written at most once a minute.
CLOCK_RECORD_STEP = timedelta(minutes=1)


@dataclass(frozen=True)
class Ticket:
    id: str
    office_day: date
    lane: str
    number: int
    label: str
    issued_at: datetime  # UTC
    # Waiting before it in its lane; None from ``take``: counting costs a read of the whole
    # lane, and the printed figure is the call forecast's (IssuingService.ahead_and_wait).
    ahead: int | None = None
    printed: bool = False


@dataclass(frozen=True)
class CapReached:
    lane: str
    cap: int
    turned_away_today: int


@dataclass(frozen=True)
class NoLeasedNumbers:
    """Leases on, this kiosk holds no number, and the hub may still have some: the
    office's quota is not used up, this kiosk just has nothing to give yet."""

    lane: str


@dataclass(frozen=True)
class ClockBehind:
    """The clock cannot be trusted: earlier than a time this store already recorded
    ("behind"), or not synchronized and not confirmed (see kiosk/queue/clock_trust.py)."""

    now: datetime
    newest_seen: datetime | None
    reason: str = "behind"


def format_label(lane: str, number: int) -> str:
    return f"{lane}{number:03d}"


class Numbering:
    def __init__(self, db: sqlite_utils.Database, office_code: str, device_id: str,
                 clock_trust: ClockTrust | None = None) -> None:
        self.db, self.office_code, self.device_id = db, office_code, device_id
        # None: only the newest-time check below (tests, tools on a borrowed clock).
        self.clock_trust = clock_trust
        # Lanes whose numbers are leased from the hub (kiosk/queue/leases.py); empty without a hub.
        self.leased_lanes: frozenset[str] = leased_lanes(db)

    def _check_clock(self, conn, now: datetime) -> ClockBehind | None:
        if self.clock_trust is not None:
            verdict = self.clock_trust.check(conn, now)
            if not verdict.trusted:
                return ClockBehind(now, verdict.newest_seen, verdict.reason)
            newest = verdict.newest_seen
        else:
            row = conn.execute("SELECT value FROM meta WHERE key = 'newest_time'").fetchone()
            newest = None if row is None else datetime.fromisoformat(row[0])
            if newest is not None and now < newest - CLOCK_TOLERANCE:
                return ClockBehind(now, newest)
        if newest is not None and now < newest + CLOCK_RECORD_STEP:
            return None  # recorded recently enough: skip a write on the hot path
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('newest_time', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (now.isoformat(),),
        )
        return None

    def take(self, lane: str, office_day: date, cap: int | None, now: datetime
             ) -> Ticket | CapReached | ClockBehind | NoLeasedNumbers:
        """Take the next number in ``lane`` for ``office_day``, or say why not.

        The commit writes two pages (the ticket and its event): the next
        number is read from the ticket table's own key, not a counter row.
        """
        with immediate(self.db) as conn:
            return self._take_in(conn, lane, office_day, cap, now)

    def _take_in(self, conn, lane: str, office_day: date, cap: int | None, now: datetime
                 ) -> Ticket | CapReached | ClockBehind | NoLeasedNumbers:
        """``take`` inside a transaction the caller already holds (BEGIN IMMEDIATE).

        Check-in takes one number per family member and marks the booking in the
        same commit, so a crash or a second kiosk never sees half a check-in.
        """
        day = office_day.isoformat()
        key = (self.office_code, day, lane)
        if (behind := self._check_clock(conn, now)) is not None:
            return behind
        # The last number only, from the primary key's end: no count of who waits here
        # (it grew with the queue, and the forecast says who is called before it anyway).
        last = conn.execute(
            "SELECT coalesce(max(number), 0) FROM tickets"
            " WHERE office_code = ? AND office_day = ? AND lane = ?", key
        ).fetchone()[0]
        if lane in self.leased_lanes:  # one cap for the office: only numbers this kiosk holds
            number = take_leased(conn, self.office_code, office_day, lane, cap)
        else:
            number = None if cap is not None and last >= cap else last + 1
        if (number is None and lane in self.leased_lanes and free_count(conn, office_day, lane) == 0
                and hub_may_lend(conn, office_day, lane)):  # held numbers above today's cap: cap
            append_event(conn, office_code=self.office_code, office_day=office_day,
                         device_id=self.device_id, kind="refused_no_numbers", at=now,
                         payload={"lane": lane})
            return NoLeasedNumbers(lane)
        if number is None:
            turned_away = conn.execute(
                "INSERT INTO lane_days (office_code, office_day, lane, turned_away)"
                " VALUES (?, ?, ?, 1) ON CONFLICT DO UPDATE SET turned_away = turned_away + 1"
                " RETURNING turned_away", key,
            ).fetchone()[0]
            append_event(conn, office_code=self.office_code, office_day=office_day,
                         device_id=self.device_id, kind="refused_cap", at=now,
                         payload={"lane": lane, "cap": cap, "leased": True}
                         if lane in self.leased_lanes else {"lane": lane, "cap": cap})
            return CapReached(lane, cap, turned_away)
        ticket_id = new_id(self.device_id)
        label = format_label(lane, number)
        conn.execute(
            "INSERT INTO tickets (office_code, office_day, lane, number, id, label, issued_at,"
            " device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*key, number, ticket_id, label, now.isoformat(), self.device_id),
        )
        append_event(conn, office_code=self.office_code, office_day=office_day,
                     device_id=self.device_id, kind="issued", at=now, ticket_id=ticket_id,
                     payload={"lane": lane, "number": number, "label": label})
        return Ticket(ticket_id, office_day, lane, number, label, now)

    def issued_count(self, lane: str, office_day: date) -> int:
        return self.db.execute(
            "SELECT coalesce(max(number), 0) FROM tickets"
            " WHERE office_code = ? AND office_day = ? AND lane = ?",
            (self.office_code, office_day.isoformat(), lane),
        ).fetchone()[0]

    def issued_counts(self, lanes: tuple[str, ...], office_day: date) -> dict[str, int]:
        """issued_count of several lanes in one read of the primary key (the home screen)."""
        marks = ", ".join("?" * len(lanes))
        rows = self.db.execute(
            "SELECT lane, max(number) FROM tickets WHERE office_code = ? AND office_day = ?"
            f" AND lane IN ({marks}) GROUP BY lane",
            (self.office_code, office_day.isoformat(), *lanes)).fetchall()
        return {lane: 0 for lane in lanes} | dict(rows)

    def waiting_before(self, lane: str, office_day: date, number: int) -> int:
        return self.db.execute(
            "SELECT count(*) FROM tickets WHERE office_code = ? AND office_day = ? AND lane = ?"
            " AND number < ? AND status = 'waiting'",
            (self.office_code, office_day.isoformat(), lane, number),
        ).fetchone()[0]

    def record(self, kind: str, office_day: date, now: datetime, ticket_id: str | None = None,
               payload: dict | None = None) -> None:
        """Record a state change that is not a new number (refusals, printer faults)."""
        with immediate(self.db) as conn:
            append_event(conn, office_code=self.office_code, office_day=office_day,
                         device_id=self.device_id, kind=kind, at=now, ticket_id=ticket_id,
                         payload=payload)

    def mark_printed(self, ticket: Ticket, now: datetime, printed: bool,
                     error: str | None = None) -> None:
        """Mark the ticket printed (or not) without a second fsync on the press path.

        The number's own commit was durable (synchronous=FULL). This one is written
        with synchronous=NORMAL: in WAL mode it is in the log at once, for every
        process, and reaches the disk with the next durable commit (the next number,
        a call) or checkpoint. A power cut before then loses only this mark, and the
        ticket reads "unprinted" (the column's default): staff reprint a ticket that
        was printed, never miss one that was not (docs/design.md, "The printed mark").
        """
        conn = self.db.conn
        conn.execute("PRAGMA synchronous = NORMAL")  # not allowed inside a transaction
        try:
            self._mark_printed_in(ticket, now, printed, error)
        finally:
            conn.execute("PRAGMA synchronous = FULL")

    def _mark_printed_in(self, ticket: Ticket, now: datetime, printed: bool,
                         error: str | None) -> None:
        with immediate(self.db) as conn:
            conn.execute(
                "UPDATE tickets SET printed = ?, print_error = ? WHERE office_code = ?"
                " AND office_day = ? AND lane = ? AND number = ?",
                (int(printed), error, self.office_code, ticket.office_day.isoformat(),
                 ticket.lane, ticket.number),
            )
            append_event(conn, office_code=self.office_code, office_day=ticket.office_day,
                         device_id=self.device_id, kind="printed" if printed else "print_failed",
                         at=now, ticket_id=ticket.id, payload={"error": error} if error else None)

    def find(self, office_day: date, label: str) -> Ticket | None:
        """One of the day's tickets by its printed label, e.g. "A012"."""
        label = label.strip().upper()
        if len(label) < 2 or not label[1:].isdigit():
            return None
        lane, number = label[0], int(label[1:])
        row = self.db.execute(
            "SELECT id, issued_at FROM tickets WHERE office_code = ? AND office_day = ?"
            " AND lane = ? AND number = ?",
            (self.office_code, office_day.isoformat(), lane, number),
        ).fetchone()
        if row is None:
            return None
        return Ticket(row[0], office_day, lane, number, format_label(lane, number),
                      datetime.fromisoformat(row[1]),
                      self.waiting_before(lane, office_day, number))

    def day_summary(self, office_day: date) -> dict[str, dict[str, int]]:
        """Per lane: issued, turned away, unprinted, waiting."""
        summary: dict[str, dict[str, int]] = {}
        day = office_day.isoformat()

        def entry(lane: str) -> dict[str, int]:
            return summary.setdefault(
                lane, {"issued": 0, "turned_away": 0, "unprinted": 0, "waiting": 0})

        for lane, issued, unprinted, waiting in self.db.execute(
            "SELECT lane, max(number), sum(printed = 0), sum(status = 'waiting')"
            " FROM tickets WHERE office_code = ? AND office_day = ? GROUP BY lane",
            (self.office_code, day),
        ):
            entry(lane).update(issued=issued, unprinted=unprinted, waiting=waiting)
        for lane, turned_away in self.db.execute(
            "SELECT lane, turned_away FROM lane_days WHERE office_code = ? AND office_day = ?",
            (self.office_code, day),
        ):
            entry(lane)["turned_away"] = turned_away
        return summary
