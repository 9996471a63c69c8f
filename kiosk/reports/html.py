"""The report as one HTML page an office head opens offline, and as a terminal table.

The page is self-contained on purpose: inline CSS and inline SVG bar charts,
no script, no fonts or libraries from the network, so it opens the same from
a USB stick on any office PC and can be mailed as one file. Every bar carries
its numbers as data attributes (``data-series``, ``data-category``,
``data-value``) and a tooltip, and each chart has the same figures as a table
beside it, for screen readers and for checking.
"""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING

from kiosk.reports.chart import Series, bar_chart
from kiosk.reports.formatting import clock, number, stat_cells
from kiosk.reports.message_figures import message_table
from kiosk.reports.skm_forms import report_lanes, skm_html, skm_lines
from kiosk.reports.stage_tables import stage_chart, stage_table, transfer_table
from kiosk.texts import TEXTS, ZONE_ABBREVIATIONS, format_date, t

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.reports.figures import Figures, Report, StaffAction

HEADING_WRAP = 8  # terminal table headings wrap at about this many characters

CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 64rem; padding: 0 1rem;
       color: #111827; background: #fff; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
     border-bottom: 2px solid #1d4ed8; padding-bottom: .2rem; }
.meta { color: #374151; margin: .1rem 0; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid #9ca3af; border-radius: .4rem; padding: .5rem .9rem; min-width: 8rem; }
.card b { display: block; font-size: 1.6rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #9ca3af; padding: .25rem .55rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
table.words th, table.words td { text-align: left; }
thead th { background: #e5e7eb; }
.chart { max-width: 100%; height: auto; }
.chart text { font-size: 11px; fill: #111827; }
.chart .axis { stroke: #374151; } .chart .grid { stroke: #d1d5db; }
.legend { list-style: none; padding: 0; display: flex; gap: 1.2rem; margin: .2rem 0; }
.swatch { display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem;
          vertical-align: -.1rem; }
.note { color: #374151; font-size: .9rem; }
.warning { border-left: 4px solid #b91c1c; padding: 0 0 0 .9rem; margin: 1rem 0; }
.warning h2 { color: #b91c1c; border-bottom-color: #b91c1c; margin-top: 1rem; }
@media print { h2 { break-after: avoid; } .chart { break-inside: avoid; } }
"""


# --- formatting -------------------------------------------------------------------


def period(report: Report, language: str) -> str:
    if report.single_day:
        return format_date(report.first, language)
    return t("report.period", language, first=format_date(report.first, language),
             last=format_date(report.last, language))


def lane_table(figures: Figures, language: str, single_day: bool) -> tuple[list[str], list[list]]:
    """Header and rows of the per-lane table (shared by the page and the terminal)."""
    cap_head = "report.col.cap_out" if single_day else "report.col.cap_days"
    head = [t(f"report.col.{k}", language) for k in (
        "lane", "issued", "served", "no_show", "unfinished", "turned_away")]
    head += [t(cap_head, language)] + [t(f"report.col.{k}", language) for k in (
        "wait_median", "wait_p90", "service_median", "service_p90")]
    rows = []
    for lane in figures.lanes:
        ran_out = clock(lane.cap_ran_out_at) if single_day else str(lane.cap_ran_out_days)
        rows.append([f"{lane.lane} {lane.name(language)}", lane.issued, lane.served,
                     lane.no_show, lane.unfinished, lane.turned_away,
                     ran_out if lane.cap is not None else "-",
                     *stat_cells(lane.wait, language), *stat_cells(lane.service, language)])
    rows.append([t("report.col.all_lanes", language), figures.issued, figures.served,
                 figures.no_show, sum(lane.unfinished for lane in figures.lanes),
                 figures.turned_away, "", *stat_cells(figures.wait, language),
                 *stat_cells(figures.service, language)])
    return head, rows


def day_table(report: Report, language: str) -> tuple[list[str], list[list]]:
    head = [t(f"report.col.{k}", language) for k in (
        "day", "issued", "served", "no_show", "turned_away", "cap_out", "wait_median",
        "wait_p90")]
    rows = []
    for day in report.days:
        ran_out = [lane.cap_ran_out_at for lane in day.lanes if lane.cap_ran_out_at is not None]
        rows.append([format_date(day.first, language), day.issued, day.served, day.no_show,
                     day.turned_away, clock(min(ran_out)) if ran_out else "-",
                     *stat_cells(day.wait, language)])
    return head, rows


def counter_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    head = [t(f"report.col.{k}", language) for k in (
        "counter", "calls", "recalls", "served", "no_show", "hours", "per_hour",
        "service_median")]
    rows = [[c.name, c.calls, c.recalls, c.served, c.no_show,
             number(c.hours_active, language, 2), number(c.served_per_hour, language, 2),
             number(c.service.median, language)] for c in figures.counters]
    return head, rows


def checkin_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    head = [t(f"report.col.{k}", language) for k in (
        "outcome", "attempts", "bookings", "applicants")]
    rows = [[outcome_name(c.outcome, language), c.attempts, c.bookings,
             c.applicants if c.outcome == "valid" else ""] for c in figures.checkins]
    return head, rows


def outcome_name(outcome: str, language: str) -> str:
    key = f"report.outcome.{outcome}"
    return t(key, language) if key in TEXTS else outcome


def hourly_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    head = [t(f"report.col.{k}", language) for k in (
        "hour", "issued", "called", "served", "turned_away")]
    rows = [[f"{h.hour:02d}:00", h.issued, h.called, h.served, h.turned_away]
            for h in figures.hourly]
    return head, rows


def _named(prefix: str, key: str, language: str) -> str:
    """A text for a known key; the raw key for one the report does not know yet."""
    return t(f"{prefix}.{key}", language) if f"{prefix}.{key}" in TEXTS else key


def refusal_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    head = [t(f"report.col.{k}", language) for k in ("reason", "presses", "bursts")]
    rows: list[list] = [[_named("report.refusal", r.reason, language), r.presses,
                         "" if r.bursts is None else r.bursts] for r in figures.refusals]
    rows.append([t("report.refusal.all", language), figures.refused, ""])
    return head, rows


def priority_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    head = [t(f"report.col.{k}", language) for k in ("reason", "checked_by", "tickets")]
    rows = [[_named("report.priority", p.reason, language),
             _named("report.check", p.check, language) if p.check else "-", p.tickets]
            for p in figures.priority]
    return head, rows


def nik_mistake_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    """NIKs the keypad refused, by problem, then all of them (no NIK is ever kept)."""
    head = [t(f"report.col.{k}", language) for k in ("problem", "mistakes")]
    rows: list[list] = [[_named("report.nik_problem", m.problem, language), m.count]
                        for m in figures.nik_mistakes]
    rows.append([t("report.nik_problem.all", language), figures.nik_mistakes_total])
    return head, rows


def pause_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    head = [t(f"report.col.{k}", language) for k in ("pauses", "paused_minutes")]
    return head, [[figures.pauses, number(figures.paused_minutes, language, 2)]]


def action_detail(action: StaffAction, language: str) -> str:
    """The action's details in the reader's language."""
    minutes = number(action.minutes, language, 2)
    if action.action == "cap_changed":
        def cap(value: int | None) -> str:
            return t("report.detail.no_cap", language) if value is None else str(value)
        return t("report.detail.cap", language, lane=action.lane, old=cap(action.old),
                 new=cap(action.new))
    if action.action == "pause":
        return t("report.detail.open" if action.open else "report.detail.paused", language,
                 minutes=minutes)
    if action.action == "resume" and action.open:
        return t("report.detail.carried", language, minutes=minutes)
    if action.action == "clock_confirmed" and action.previous is not None:
        return t("report.detail.clock_was", language,
                 when=f"{action.previous:%Y-%m-%d} {clock(action.previous)}")
    return action.label or ""


def staff_table(figures: Figures, language: str, single_day: bool
                ) -> tuple[list[str], list[list]]:
    keys = ("time", "by", "action", "detail") if single_day else (
        "day", "time", "by", "action", "detail")
    head = [t(f"report.col.{k}", language) for k in keys]
    rows = []
    for action in figures.staff_actions:
        row = [clock(action.at), action.by or "-", _named("report.action", action.action,
                                                          language),
               action_detail(action, language)]
        rows.append(row if single_day else [f"{action.at:%d/%m/%Y}", *row])
    return head, rows


def conflict_table(figures: Figures, language: str, single_day: bool
                   ) -> tuple[list[str], list[list]]:
    """Numbers that may be on two tickets (hub leases): when, which kiosk, which number."""
    keys = ("printed_at", "kiosk", "number", "recorded_at")
    head = [t(f"report.col.{k}", language) for k in (keys if single_day else ("day", *keys))]
    rows = []
    for c in figures.lease_conflicts:
        row = [clock(c.printed_at), c.device or "-", c.label, clock(c.at)]
        rows.append(row if single_day else [f"{c.day:%d/%m/%Y}", *row])
    return head, rows


def _no_numbers_seen(figures: Figures) -> bool:
    return any(r.reason == "no_numbers" and r.presses for r in figures.refusals)


def wait_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    head = [t("report.col.minutes", language), t("report.col.count", language)]
    return head, [[b.label, b.count] for b in figures.wait_histogram]


# --- the page ---------------------------------------------------------------------


def _table(head: Sequence[str], rows: Sequence[Sequence[object]], table_id: str,
           words: bool = False) -> str:
    """``words``: a table of text (names, times, details), aligned left."""
    cells = "".join(f"<th scope=\"col\">{html.escape(str(h))}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    kind = ' class="words"' if words else ""
    return (f'<table id="{table_id}"{kind}><thead><tr>{cells}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def hourly_chart(figures: Figures, language: str) -> str:
    hours = figures.hourly
    return bar_chart(
        "chart-hourly", t("report.chart.hourly", language), [f"{h.hour:02d}" for h in hours],
        [Series("issued", t("report.col.issued", language), tuple(h.issued for h in hours)),
         Series("called", t("report.col.called", language), tuple(h.called for h in hours)),
         Series("turned_away", t("report.col.turned_away", language),
                tuple(h.turned_away for h in hours))],
        [f"{h.hour:02d}:00-{h.hour + 1:02d}:00" for h in hours])


def wait_chart(figures: Figures, language: str) -> str:
    buckets = figures.wait_histogram
    return bar_chart(
        "chart-waits", t("report.chart.waits", language), [b.label for b in buckets],
        [Series("waits", t("report.col.count", language), tuple(b.count for b in buckets))],
        [f"{b.label} {t('report.col.minutes', language).lower()}" for b in buckets])


def days_chart(report: Report, language: str) -> str:
    days = report.days
    return bar_chart(
        "chart-days", t("report.chart.days", language), [f"{d.first:%d/%m}" for d in days],
        [Series("issued", t("report.col.issued", language), tuple(d.issued for d in days)),
         Series("served", t("report.col.served", language), tuple(d.served for d in days)),
         Series("turned_away", t("report.col.turned_away", language),
                tuple(d.turned_away for d in days))],
        [format_date(d.first, language) for d in days])


def render_html(report: Report, language: str = "id") -> str:
    """The whole report as one self-contained HTML page."""
    total = report.total
    title = f"{t('report.title', language)} - {report.office_name}"
    parts = [
        "<!DOCTYPE html>", f'<html lang="{language}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)} - {html.escape(period(report, language))}</title>",
        f"<style>{CSS}</style>", "</head>", "<body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">{html.escape(period(report, language))}</p>',
        f'<p class="meta">{html.escape(t("report.generated", language, when=clock_full(report)))}'
        "</p>",
    ]
    cards = [("issued", total.issued), ("served", total.served), ("no_show", total.no_show),
             ("turned_away", total.turned_away), ("refused_all", total.refused),
             ("wait_median", number(total.wait.median, language)),
             ("wait_p90", number(total.wait.p90, language)), ("tracked", total.tracked)]
    parts.append('<div class="cards">' + "".join(
        f'<div class="card" data-figure="{key}"><b>{html.escape(str(value))}</b>'
        f'{html.escape(t(f"report.col.{key}", language))}</div>' for key, value in cards)
        + "</div>")
    if not report.days:
        parts.append(f"<p><strong>{html.escape(t('report.no_data', language))}</strong></p>")
    if total.lease_conflicts:  # hub leases only: most offices never see this section
        parts += ['<section class="warning" id="lease-conflicts">',
                  f"<h2>{html.escape(t('report.conflicts', language))}</h2>",
                  _table(*conflict_table(total, language, report.single_day),
                         "table-conflicts", words=True),
                  f'<p>{html.escape(t("report.conflicts_note", language))}</p>', "</section>"]
    parts.append(f"<h2>{html.escape(t('report.lanes', language))}</h2>")
    parts.append(_table(*lane_table(total, language, report.single_day), "table-lanes"))
    if not report.single_day and report.days:
        parts.append(f"<h2>{html.escape(t('report.days', language))}</h2>")
        parts.append(days_chart(report, language))
        parts.append(_table(*day_table(report, language), "table-days"))
    parts.append(f"<h2>{html.escape(t('report.hourly', language))}</h2>")
    parts.append(hourly_chart(total, language))
    parts.append(_table(*hourly_table(total, language), "table-hourly"))
    parts.append(f"<h2>{html.escape(t('report.waits', language))}</h2>")
    parts.append(wait_chart(total, language))
    parts.append(_table(*wait_table(total, language), "table-waits"))
    if total.stages:  # services with stages only
        parts += [f"<h2>{html.escape(t('report.stages', language))}</h2>",
                  stage_chart(total, language), _table(*stage_table(total, language),
                                                       "table-stages")]
        if total.transfers:
            parts += [f"<h3>{html.escape(t('report.transfers', language))}</h3>",
                      _table(*transfer_table(total, language), "table-transfers")]
    parts.append(f"<h2>{html.escape(t('report.counters', language))}</h2>")
    parts.append(_table(*counter_table(total, language), "table-counters"))
    parts.append(f"<h2>{html.escape(t('report.checkins', language))}</h2>")
    parts.append(_table(*checkin_table(total, language), "table-checkins"))
    parts.append(f"<h2>{html.escape(t('report.refusals', language))}</h2>")
    parts.append(_table(*refusal_table(total, language), "table-refusals"))
    parts.append(f'<p class="note">{html.escape(t("report.refusals_note", language))}</p>')
    if _no_numbers_seen(total):
        parts.append(f'<p class="note" id="note-no-numbers">'
                     f'{html.escape(t("report.no_numbers_note", language))}</p>')
    if total.nik_mistakes:  # NIK entry on and someone mistyped: otherwise no section
        parts += ['<section id="nik-mistakes">',
                  f"<h2>{html.escape(t('report.nik_mistakes', language))}</h2>",
                  _table(*nik_mistake_table(total, language), "table-nik-mistakes"),
                  f'<p class="note">{html.escape(t("report.nik_mistakes_note", language))}'
                  "</p>", "</section>"]
    if total.messages is not None:  # [notify] on and used: otherwise no section
        parts += [f"<h2>{html.escape(t('report.messages', language))}</h2>",
                  _table(*message_table(total, language), "table-messages")]
    parts.append(f"<h2>{html.escape(t('report.priority', language))}</h2>")
    parts.append(_table(*priority_table(total, language), "table-priority"))
    parts.append(f"<h2>{html.escape(t('report.staff', language))}</h2>")
    parts.append(_table(*pause_table(total, language), "table-pauses"))
    parts.append(_table(*staff_table(total, language, report.single_day), "table-staff",
                        words=True))
    parts.append(f'<p class="note">{html.escape(t("report.staff_note", language))}</p>')
    parts.append(skm_html(report.skm, report_lanes(report), language, _table))
    parts.append(f'<p class="note">{html.escape(t("report.note", language))}</p>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def clock_full(report: Report) -> str:
    moment = report.generated_at
    zone = ZONE_ABBREVIATIONS.get(str(moment.tzinfo), moment.strftime("%Z"))
    return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()


# --- the terminal ------------------------------------------------------------------


def _text_table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Aligned columns; long headings wrap onto several lines to keep the table narrow."""
    body = [[str(v) for v in row] for row in rows]
    widths = [max([len(word) for word in str(h).split()]
                  + [len(row[i]) for row in body] + [HEADING_WRAP * (i == 0)])
              for i, h in enumerate(head)]
    wrapped = [textwrap.wrap(str(h), max(w, HEADING_WRAP)) or [""]
               for h, w in zip(head, widths, strict=True)]
    widths = [max(w, *(len(part) for part in lines)) for w, lines in zip(widths, wrapped,
                                                                          strict=True)]
    depth = max(len(lines) for lines in wrapped)
    heading = [[""] * (depth - len(lines)) + lines for lines in wrapped]  # bottom-aligned
    cells = [[heading[i][n] for i in range(len(head))] for n in range(depth)] + body

    def line(row: Sequence[str]) -> str:
        return "  ".join(v.ljust(widths[i]) if i == 0 else v.rjust(widths[i])
                         for i, v in enumerate(row)).rstrip()

    return ([line(row) for row in cells[:depth]] + ["  ".join("-" * w for w in widths)]
            + [line(row) for row in cells[depth:]])


def render_table(report: Report, language: str = "id") -> str:
    """The report for a terminal: the same tables as the page, without charts."""
    total = report.total
    lines = [f"{t('report.title', language)} - {report.office_name}", period(report, language),
             ""]
    if not report.days:
        lines += [t("report.no_data", language), ""]
    if total.tracked:  # offices with [tracking] only
        lines += [f"{t('report.col.tracked', language)}: {total.tracked}", ""]
    if total.lease_conflicts:  # first, so it is not missed; absent when there are none
        lines += [t("report.conflicts", language),
                  *_text_table(*conflict_table(total, language, report.single_day)),
                  t("report.conflicts_note", language), ""]
    sections = [("report.lanes", lane_table(total, language, report.single_day))]
    if not report.single_day and report.days:
        sections.append(("report.days", day_table(report, language)))
    if total.stages:
        sections.append(("report.stages", stage_table(total, language)))
    if total.transfers:
        sections.append(("report.transfers", transfer_table(total, language)))
    sections += [("report.counters", counter_table(total, language)),
                 ("report.checkins", checkin_table(total, language)),
                 ("report.hourly", hourly_table(total, language)),
                 ("report.waits", wait_table(total, language)),
                 ("report.refusals", refusal_table(total, language))]
    if total.nik_mistakes:  # NIK entry on and someone mistyped: otherwise no section
        sections.append(("report.nik_mistakes", nik_mistake_table(total, language)))
    if total.messages is not None:  # [notify] on and used: otherwise no section
        sections.append(("report.messages", message_table(total, language)))
    sections += [("report.priority", priority_table(total, language)),
                 ("report.staff", pause_table(total, language))]
    for key, (head, rows) in sections:
        lines += [t(key, language), *_text_table(head, rows), ""]
    head, rows = staff_table(total, language, report.single_day)
    if rows:
        lines += [*_text_table(head, rows), ""]
    lines += [t("report.note", language), t("report.refusals_note", language),
              *([t("report.no_numbers_note", language)] if _no_numbers_seen(total) else []),
              *([t("report.nik_mistakes_note", language)] if total.nik_mistakes else []),
              t("report.staff_note", language), ""]
    lines += skm_lines(report.skm, report_lanes(report), language, _text_table)
    return "\n".join(lines)
