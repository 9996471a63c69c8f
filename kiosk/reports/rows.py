"""Reading a report's rows from the store: tickets, calls, the events the report uses
and each lane's turned-away count, for one office and a range of office days.

Each table is read once for the whole range (the events table has no day index: one
scan, filtered to the kinds the report uses); ``Rows.by_day`` splits them per day.
Nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk.reports.event_kinds import EVENT_KINDS

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class TicketRow:
    day: date
    lane: str
    number: int
    id: str
    issued_at: datetime
    status: str
    counter: int | None
    called_at: datetime | None
    served_at: datetime | None
    no_show_at: datetime | None


@dataclass(frozen=True)
class CallRow:
    day: date
    ticket_id: str
    counter: int
    at: datetime
    kind: str
    stage: str | None = None  # the stage called to (None: a service without stages)


@dataclass(frozen=True)
class EventRow:
    day: date
    at: datetime
    kind: str
    payload: dict
    device: str = ""
    ticket_id: str | None = None


@dataclass(frozen=True)
class Rows:
    tickets: list[TicketRow]
    calls: list[CallRow]
    events: list[EventRow]
    turned_away: dict[tuple[date, str], int]
    # Opt-in messages ([notify]): (day, "opted_in" | an outbox state) -> count.
    messages: dict[tuple[date, str], int] = field(default_factory=dict)

    def by_day(self) -> dict[date, Rows]:
        """The rows split per office day, for the days with any activity, in order."""
        split: dict[date, Rows] = {}

        def day_rows(day: date) -> Rows:
            return split.setdefault(day, Rows([], [], [], {}))

        for ticket in self.tickets:
            day_rows(ticket.day).tickets.append(ticket)
        for call in self.calls:
            day_rows(call.day).calls.append(call)
        for event in self.events:
            day_rows(event.day).events.append(event)
        for key, count in self.turned_away.items():
            day_rows(key[0]).turned_away[key] = count
        for key, count in self.messages.items():
            day_rows(key[0]).messages[key] = count
        return dict(sorted(split.items()))


def parse_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def read_rows(db: sqlite_utils.Database, office_code: str, first: date, last: date,
              with_events: bool = True) -> Rows:
    span = (office_code, first.isoformat(), last.isoformat())
    where = "WHERE office_code = ? AND office_day BETWEEN ? AND ?"
    tickets = [
        TicketRow(date.fromisoformat(day), lane, number, ticket_id,
                  datetime.fromisoformat(issued), status, counter, parse_time(called),
                  parse_time(served), parse_time(no_show))
        for day, lane, number, ticket_id, issued, status, counter, called, served, no_show
        in db.execute(
            "SELECT office_day, lane, number, id, issued_at, status, counter, called_at,"
            f" served_at, no_show_at FROM tickets {where}", span)
    ]
    calls = [
        CallRow(date.fromisoformat(day), ticket_id, counter, datetime.fromisoformat(at), kind,
                stage)
        for day, ticket_id, counter, at, kind, stage in db.execute(
            f"SELECT office_day, ticket_id, counter, at, kind, stage FROM calls {where}"
            " ORDER BY seq", span)
    ]
    kinds = ", ".join("?" * len(EVENT_KINDS))
    events = [
        EventRow(date.fromisoformat(day), datetime.fromisoformat(at), kind,
                 json.loads(payload or "{}"), device, ticket_id)
        for day, at, kind, payload, device, ticket_id in db.execute(
            "SELECT office_day, at, kind, payload, device_id, ticket_id FROM events"
            f" {where}"
            f" AND kind IN ({kinds}) ORDER BY seq", (*span, *EVENT_KINDS))
    ] if with_events else []
    turned_away = {
        (date.fromisoformat(day), lane): count
        for day, lane, count in db.execute(
            f"SELECT office_day, lane, turned_away FROM lane_days {where}", span)
    }
    messages = {
        (date.fromisoformat(day), state): count
        for day, state, count in db.execute(
            f"SELECT office_day, 'opted_in', count(*) FROM notify_optins {where}"
            " GROUP BY office_day UNION ALL"
            f" SELECT office_day, state, count(*) FROM notify_outbox {where}"
            " GROUP BY office_day, state", (*span, *span))
    }
    return Rows(tickets, calls, events, turned_away, messages)
