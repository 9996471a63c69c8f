"""What happened on an office day (or a range of days), read back from the store.

The office head asked where the day went (issue 7): how many numbers each
lane gave out and served, when the walk-in quota ran out and how many people
were turned away after that, how long people waited and were served, what each
counter got through, and how online check-ins ended. Later (issue 7 again):
everything else that kept applicants from a number (paper out, a NIK already
holding one, the per-minute walk-in limit), priority tickets by reason, and what
staff changed (pauses, today's cap, reprints and restarts, clock confirmations).
With hub leases, also the tickets whose number may be on another kiosk's ticket
too (``lease_conflict``: staff released a dead kiosk's numbers before its ticket
reached the hub), so the office head sees the one way a number can be doubled.
Everything here is computed from rows the kiosk already writes (tickets, calls,
lane_days and the events outbox); nothing is written.

This module's one job is to assemble a day's or a range's figures
(``build_report``, ``day_figures``, ``hourly_counts``) from the parts of this
package: rows (reading the store), queue_figures, event_figures, staff_actions
(each with its definitions; docs/report.md says the same for staff) into the
dataclasses of figures; machine_readable and html only format them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.reports.event_figures import (
    checkin_outcomes,
    lease_conflicts,
    nik_mistakes,
    priority_tickets,
    refused_presses,
)
from kiosk.reports.event_kinds import TRACKING_OPENED
from kiosk.reports.figures import Figures, Report
from kiosk.reports.message_figures import message_figures
from kiosk.reports.queue_figures import (
    counter_figures,
    first_call_times,
    lane_figures,
    per_hour,
    service_minutes,
    wait_histogram,
    wait_minutes,
)
from kiosk.reports.rows import read_rows
from kiosk.reports.skm import read_skm
from kiosk.reports.staff_actions import pauses_and_actions
from kiosk.reports.stage_figures import stage_figures
from kiosk.reports.stats import stats

if TYPE_CHECKING:
    from collections.abc import Sequence
    from zoneinfo import ZoneInfo

    import sqlite_utils

    from kiosk.config import Config
    from kiosk.reports.figures import HourCount
    from kiosk.reports.rows import Rows

MAX_DAYS = 366  # a year per report: enough for an annual review, bounded for a Pi


def _figures(rows: Rows, first: date, last: date, days: Sequence[date], config: Config,
             now: datetime | None = None) -> Figures:
    zone = config.timezone
    first_calls = first_call_times(rows.calls)
    waits = wait_minutes(rows.tickets, first_calls)
    pauses, paused_minutes, staff_actions = pauses_and_actions(rows, config, now)
    stages, transfers = stage_figures(rows, config)
    return Figures(
        first=first, last=last,
        lanes=lane_figures(rows, config.lanes, first_calls, days, zone),
        counters=counter_figures(rows, config.counters),
        checkins=checkin_outcomes(rows.events),
        hourly=per_hour(rows, zone),
        wait=stats(waits),
        service=stats(service_minutes(rows.tickets)),
        wait_histogram=wait_histogram(waits),
        refusals=refused_presses(rows),
        priority=priority_tickets(rows),
        pauses=pauses,
        paused_minutes=paused_minutes,
        staff_actions=staff_actions,
        lease_conflicts=lease_conflicts(rows, zone),
        nik_mistakes=nik_mistakes(rows),
        stages=stages,
        transfers=transfers,
        tracked=len({e.ticket_id for e in rows.events if e.kind == TRACKING_OPENED}),
        messages=message_figures(rows),
    )


def build_report(db: sqlite_utils.Database, config: Config, first: date, last: date,
                 now: datetime) -> Report:
    """The report for ``first``..``last`` (office days, inclusive) from the store."""
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValueError(f"a report covers at most {MAX_DAYS} days")
    rows = read_rows(db, config.office.code, first, last)
    days = tuple(_figures(day_rows, day, day, [day], config, now)
                 for day, day_rows in rows.by_day().items())
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    total = (days[0] if first == last and days
             else _figures(rows, first, last, span, config, now))
    return Report(config.office.code, config.office.name, config.timezone.key, first, last,
                  now.astimezone(config.timezone), days, total, read_skm(db, config, first, last))


def day_figures(db: sqlite_utils.Database, config: Config, day: date,
                now: datetime | None = None) -> Figures:
    """One office day's figures (the staff screen's "today").

    ``now``: a pause still open counts until then (if before closing time).
    """
    return _figures(read_rows(db, config.office.code, day, day), day, day, [day], config, now)


def hourly_counts(db: sqlite_utils.Database, office_code: str, office_day: date,
                  zone: ZoneInfo) -> tuple[HourCount, ...]:
    """Issued, called, served and turned away per office-local hour of one day.

    For the staff screen's small chart. Tickets and calls are read through
    their (office, day) keys; the events table has no such index (every index
    is another page per issued number), so its refusals are scanned only once
    someone was actually turned away that day. Even so, redraw on a change
    (``kiosk.queue.calling_view.change_marker``), not on every poll.
    """
    day = office_day.isoformat()
    rows = read_rows(db, office_code, office_day, office_day, with_events=bool(db.execute(
        "SELECT 1 FROM lane_days WHERE office_code = ? AND office_day = ? AND turned_away > 0",
        (office_code, day)).fetchone()))
    return per_hour(rows, zone)
