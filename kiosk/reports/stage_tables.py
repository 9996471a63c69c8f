"""The report's stage sections (services with stages only): a table per stage of waits
and service times, the transfers between stages, and a chart of the median waits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.reports.chart import Series, bar_chart
from kiosk.reports.formatting import stat_cells
from kiosk.texts import t

if TYPE_CHECKING:
    from kiosk.reports.figures import Figures


def stage_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    head = [t(f"report.col.{k}", language) for k in (
        "stage", "reached", "called", "sent_on", "finished", "no_show", "wait_median",
        "wait_p90", "service_median", "service_p90")]
    rows = [[f"{s.lane} {s.name(language)}", s.reached, s.called, s.sent_on, s.finished,
             s.no_show, *stat_cells(s.wait, language), *stat_cells(s.service, language)]
            for s in figures.stages]
    return head, rows


def transfer_table(figures: Figures, language: str) -> tuple[list[str], list[list]]:
    head = [t(f"report.col.{k}", language) for k in ("lane", "from_stage", "to_stage", "count")]
    names = {(s.lane, s.stage): s.name(language) for s in figures.stages}
    rows = [[m.lane, names.get((m.lane, m.from_stage), m.from_stage),
             names.get((m.lane, m.to_stage), m.to_stage), m.count] for m in figures.transfers]
    return head, rows


def stage_chart(figures: Figures, language: str) -> str:
    """Median wait per stage, in whole minutes (the table beside it has the decimals)."""
    stages = figures.stages
    return bar_chart(
        "chart-stages", t("report.chart.stages", language),
        [f"{s.lane} {s.stage}" for s in stages],
        [Series("waits", t("report.col.wait_median", language),
                tuple(round(s.wait.median or 0) for s in stages))],
        [f"{s.lane} {s.name(language)}" for s in stages])
