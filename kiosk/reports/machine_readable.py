"""The report in machine-readable forms: JSON-ready data (``report_dict``) and one
figure per CSV row (``CSV_HEADER``, ``report_rows``). Same figures as the page.
"""

from __future__ import annotations

import dataclasses
from collections import Counter as Tally
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk.reports.event_kinds import NOT_RECORDED
from kiosk.reports.skm import skm_dict, skm_rows

if TYPE_CHECKING:
    from kiosk.reports.figures import Figures, Report


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
        "skm": None if report.skm is None else skm_dict(report.skm),
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
        add(day, "overall", "all", "tracked", figures.tracked)
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
        for stage in figures.stages:
            item = f"{stage.lane}/{stage.stage}"
            for metric in ("reached", "called", "sent_on", "finished", "no_show"):
                add(day, "stage", item, metric, getattr(stage, metric))
            for name, stat in (("wait", stage.wait), ("service", stage.service)):
                add(day, "stage", item, f"{name}_median_min", stat.median)
                add(day, "stage", item, f"{name}_p90_min", stat.p90)
        for transfer in figures.transfers:
            add(day, "transfer", f"{transfer.lane}/{transfer.from_stage}>{transfer.to_stage}",
                "count", transfer.count)
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
        if figures.messages is not None:  # [notify] on and used: else no rows at all
            for state, count in dataclasses.asdict(figures.messages).items():
                add(day, "messages", state, "count", count)
        if day != "total":
            for conflict in figures.lease_conflicts:
                add(day, "lease_conflict", conflict.label, "kiosk", conflict.device)
                add(day, "lease_conflict", conflict.label, "printed_at", conflict.printed_at)
                add(day, "lease_conflict", conflict.label, "recorded_at", conflict.at)
            for action in figures.staff_actions:
                add(day, "staff_action", action.at.strftime("%H:%M"), action.action,
                    f"{action.by or '-'}: {action.detail}" if action.detail
                    else action.by or "-")
    if report.skm is not None:  # the survey of the whole period: under its one label
        rows += skm_rows(report.skm, parts[-1][0])
    return rows
