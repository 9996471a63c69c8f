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
dataclasses of figures; the machine-readable forms below and html only format them.
"""

from __future__ import annotations

import dataclasses
from collections import Counter as Tally
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.reports.event_figures import (
    checkin_outcomes,
    lease_conflicts,
    nik_mistakes,
    priority_tickets,
    refused_presses,
)
from kiosk.reports.event_kinds import NOT_RECORDED
from kiosk.reports.figures import Figures, Report
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
from kiosk.reports.staff_actions import pauses_and_actions
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
                  now.astimezone(config.timezone), days, total)


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


# --- machine-readable forms -----------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _figures_dict(figures: Figures) -> dict:
    data = dataclasses.asdict(figures)
    data["totals"] = {"issued": figures.issued, "served": figures.served,
                      "no_show": figures.no_show, "turned_away": figures.turned_away,
                      "refused": figures.refused}
    for action, row in zip(figures.staff_actions, data["staff_actions"], strict=True):
        row["detail"] = action.detail
    for bucket, row in zip(figures.wait_histogram, data["wait_histogram"], strict=True):
        row["label"] = bucket.label
    data["nik_mistakes_total"] = figures.nik_mistakes_total
    return data


def report_dict(report: Report) -> dict:
    """The whole report as JSON-ready data (dates ISO, minutes as numbers)."""
    return _plain({
        "office": report.office_code, "office_name": report.office_name,
        "timezone": report.timezone, "first": report.first, "last": report.last,
        "generated_at": report.generated_at,
        "refusals_not_recorded": list(NOT_RECORDED),
        "days": [_figures_dict(day) for day in report.days],
        "total": _figures_dict(report.total),
    })  # type: ignore[return-value]


CSV_HEADER = ("day", "section", "item", "metric", "value")


def report_rows(report: Report) -> list[tuple[str, str, str, str, object]]:
    """One figure per row (day, section, item, metric, value): easy to filter or pivot.

    ``day`` is the office day, or "total" for the whole range; empty values
    (no median when nobody was served) are empty strings. Staff actions and lease
    conflicts are listed under their day only (for a range the total has their counts).
    """
    rows: list[tuple[str, str, str, str, object]] = []
    if report.single_day:  # the day is the total: say it once
        parts = [(report.first.isoformat(), report.total)]
    else:
        parts = [(day.first.isoformat(), day) for day in report.days]
        parts.append(("total", report.total))

    def add(day: str, section: str, item: object, metric: str, value: object) -> None:
        if isinstance(value, datetime):
            value = value.strftime("%H:%M")
        rows.append((day, section, str(item), metric, "" if value is None else value))

    for day, figures in parts:
        add(day, "overall", "all", "issued", figures.issued)
        add(day, "overall", "all", "served", figures.served)
        add(day, "overall", "all", "no_show", figures.no_show)
        add(day, "overall", "all", "turned_away", figures.turned_away)
        for name, stat in (("wait", figures.wait), ("service", figures.service)):
            add(day, "overall", "all", f"{name}_count", stat.count)
            add(day, "overall", "all", f"{name}_median_min", stat.median)
            add(day, "overall", "all", f"{name}_p90_min", stat.p90)
        for lane in figures.lanes:
            for metric in ("issued", "called", "served", "no_show", "unfinished", "turned_away",
                           "cap", "cap_ran_out_at", "cap_ran_out_days"):
                add(day, "lane", lane.lane, metric, getattr(lane, metric))
            for name, stat in (("wait", lane.wait), ("service", lane.service)):
                add(day, "lane", lane.lane, f"{name}_median_min", stat.median)
                add(day, "lane", lane.lane, f"{name}_p90_min", stat.p90)
        for counter in figures.counters:
            for metric in ("calls", "recalls", "served", "no_show", "hours_active",
                           "served_per_hour"):
                add(day, "counter", counter.counter, metric, getattr(counter, metric))
            add(day, "counter", counter.counter, "service_median_min", counter.service.median)
        for outcome in figures.checkins:
            add(day, "checkin", outcome.outcome, "attempts", outcome.attempts)
            add(day, "checkin", outcome.outcome, "bookings", outcome.bookings)
            if outcome.outcome == "valid":
                add(day, "checkin", outcome.outcome, "applicants", outcome.applicants)
        for hour in figures.hourly:
            for metric in ("issued", "called", "served", "turned_away"):
                add(day, "hour", f"{hour.hour:02d}", metric, getattr(hour, metric))
        for bucket in figures.wait_histogram:
            add(day, "wait_minutes", bucket.label, "count", bucket.count)
        for refusal in figures.refusals:
            add(day, "refusal", refusal.reason, "presses", refusal.presses)
            if refusal.bursts is not None:
                add(day, "refusal", refusal.reason, "bursts", refusal.bursts)
        add(day, "refusal", "all", "presses", figures.refused)
        for priority in figures.priority:
            add(day, "priority", priority.reason, "tickets", priority.tickets)
            if priority.check:
                add(day, "priority", priority.reason, "checked_by", priority.check)
        add(day, "staff", "all", "pauses", figures.pauses)
        add(day, "staff", "all", "paused_minutes", figures.paused_minutes)
        for name, count in sorted(Tally(a.action for a in figures.staff_actions).items()):
            add(day, "staff", "all", f"{name}_count", count)
        if figures.nik_mistakes:  # NIK entry on: no rows at all when there were none
            for mistake in figures.nik_mistakes:
                add(day, "nik_mistake", mistake.problem, "count", mistake.count)
            add(day, "nik_mistake", "all", "count", figures.nik_mistakes_total)
        if figures.lease_conflicts:  # hub leases only: no rows at all when there are none
            add(day, "lease_conflict", "all", "count", len(figures.lease_conflicts))
        if day != "total":
            for conflict in figures.lease_conflicts:
                add(day, "lease_conflict", conflict.label, "kiosk", conflict.device)
                add(day, "lease_conflict", conflict.label, "printed_at", conflict.printed_at)
                add(day, "lease_conflict", conflict.label, "recorded_at", conflict.at)
            for action in figures.staff_actions:
                add(day, "staff_action", action.at.strftime("%H:%M"), action.action,
                    f"{action.by or '-'}: {action.detail}" if action.detail
                    else action.by or "-")
    return rows
