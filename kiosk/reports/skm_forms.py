"""The SKM section as people read it: terminal tables and an HTML section with a bar
chart of NRR per element (inline SVG, no script), per service and for the office.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from kiosk.reports.skm import ALL
from kiosk.survey.index import ELEMENTS
from kiosk.texts import t

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from kiosk.reports.figures import LaneFigures as Lane
    from kiosk.reports.figures import Report
    from kiosk.reports.skm import SkmFigures

BAND_COLOURS = {"A": "#047857", "B": "#1d4ed8", "C": "#b45309", "D": "#b91c1c"}
ROW_HEIGHT, LABEL_WIDTH, PLOT_WIDTH = 22, 300, 360
CHART_CSS = """
.skm-band { font-weight: bold; }
.chart .nrr-label { font-size: 12px; }
"""


def report_lanes(report: Report) -> dict[str, Lane]:
    """The services' names as the report knows them (their figures), by code."""
    return {lane.lane: lane for lane in report.total.lanes}


def _scope(scope: str, lanes: dict[str, Lane], language: str) -> str:
    if scope == ALL:
        return t("report.skm.all", language)
    lane = lanes.get(scope)
    return f"{scope} {lane.name(language)}" if lane else scope


def _decimal(value: float, digits: int, language: str) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "id" else text


def index_table(skm: SkmFigures, lanes: dict[str, Lane], language: str
                ) -> tuple[list[str], list[list[str]]]:
    head = [t("report.skm.scope", language), t("report.skm.respondents", language),
            *(f"U{n}" for n in range(1, ELEMENTS + 1)), t("report.skm.weighted", language),
            "IKM", t("report.skm.band", language)]
    rows = [[_scope(i.scope, lanes, language), str(i.respondents),
             *(_decimal(v, 2, language) for v in i.nrr), _decimal(i.weighted, 4, language),
             _decimal(i.ikm, 2, language),
             f"{i.band} ({t(f'survey.band.{i.band}', language)})"] for i in skm.indexes]
    return head, rows


def quick_table(skm: SkmFigures, lanes: dict[str, Lane], language: str
                ) -> tuple[list[str], list[list[str]]]:
    head = [t("report.skm.scope", language), t("report.skm.respondents", language),
            *(f"{n} {t(f'survey.choice.{n}', language)}" for n in (1, 2, 3, 4)),
            t("report.skm.mean", language)]
    rows = [[_scope(q.scope, lanes, language), str(q.respondents), *map(str, q.counts),
             _decimal(q.mean, 2, language)] for q in skm.quick]
    return head, rows


def element_table(language: str) -> tuple[list[str], list[list[str]]]:
    return ([t("report.skm.element", language), t("report.skm.element_name", language)],
            [[f"U{n}", t(f"survey.u{n}.name", language)] for n in range(1, ELEMENTS + 1)])


def profile_table(skm: SkmFigures, language: str) -> tuple[list[str], list[list[str]]]:
    rows = [[t(f"survey.{name}", language), t(f"survey.{name}.{code}", language), str(count)]
            for name, counts in skm.profile.items() for code, count in counts.items() if count]
    return [t("report.skm.profile", language), "", t("report.skm.respondents", language)], rows


def skm_lines(skm: SkmFigures | None, lanes: dict[str, Lane], language: str,
              text_table: Callable[[Sequence[str], Sequence[Sequence[object]]], list[str]]
              ) -> list[str]:
    """The terminal form (``text_table`` is the report's own table layout)."""
    lines = [t("report.skm.title", language)]
    if skm is None or (not skm.indexes and not skm.quick):
        return [*lines, t("report.skm.none", language), ""]
    if skm.indexes:
        lines += [*text_table(*index_table(skm, lanes, language)), ""]
        lines += [*text_table(*element_table(language)), ""]
    if skm.quick:
        lines += [t("report.skm.quick", language), *text_table(*quick_table(skm, lanes, language)),
                  ""]
    head, rows = profile_table(skm, language)
    if rows:
        lines += [*text_table(head, rows), ""]
    if skm.comments:
        lines += [t("report.skm.comments", language),
                  *(f"{day} {service}: {text}" for day, service, text in skm.comments), ""]
    return [*lines, t("report.skm.note", language), ""]


def nrr_chart(skm: SkmFigures, lanes: dict[str, Lane], language: str) -> str:
    """Horizontal bars of NRR per element (1-4 scale) for each scope; width = NRR x scale."""
    scale = PLOT_WIDTH / 4
    rows = [(index, n) for index in skm.indexes for n in range(ELEMENTS)]
    height = len(rows) * ROW_HEIGHT + len(skm.indexes) * ROW_HEIGHT + 30
    width = LABEL_WIDTH + PLOT_WIDTH + 60
    title = t("report.skm.chart", language)
    out = [f'<svg class="chart" id="chart-skm" data-chart="chart-skm" data-scale="{scale:.6f}"'
           f' viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
           f' aria-labelledby="chart-skm-title" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="chart-skm-title">{html.escape(title)}</title>']
    y = 10
    for index in skm.indexes:
        scope = _scope(index.scope, lanes, language)
        out.append(f'<text x="0" y="{y + 14}" font-weight="bold">{html.escape(scope)}'
                   f' - IKM {_decimal(index.ikm, 2, language)} ({index.band})</text>')
        y += ROW_HEIGHT
        for n, value in enumerate(index.nrr, start=1):
            name = f"U{n} {t(f'survey.u{n}.name', language)}"
            bar = value * scale
            out.append(f'<text class="nrr-label" x="{LABEL_WIDTH - 6}" y="{y + 14}"'
                       f' text-anchor="end">{html.escape(name)}</text>')
            out.append(
                f'<rect class="bar" data-series="{html.escape(index.scope)}"'
                f' data-category="U{n}" data-value="{value:.2f}" x="{LABEL_WIDTH}" y="{y + 3}"'
                f' width="{bar:.2f}" height="{ROW_HEIGHT - 6}"'
                f' fill="{BAND_COLOURS[index.band]}"><title>{html.escape(scope)} - '
                f'{html.escape(name)}: {_decimal(value, 2, language)}</title></rect>')
            out.append(f'<text x="{LABEL_WIDTH + bar + 4:.2f}" y="{y + 14}">'
                       f'{_decimal(value, 2, language)}</text>')
            y += ROW_HEIGHT
    for tick in range(5):
        x = LABEL_WIDTH + tick * scale
        out.append(f'<line class="grid" x1="{x:.2f}" y1="10" x2="{x:.2f}" y2="{y}"/>')
        out.append(f'<text x="{x:.2f}" y="{y + 14}" text-anchor="middle">{tick}</text>')
    out.append("</svg>")
    return "\n".join(out)


def skm_html(skm: SkmFigures | None, lanes: dict[str, Lane], language: str,
             table: Callable[..., str]) -> str:
    """The HTML section (``table`` is the report's own table markup)."""
    parts = ['<section id="skm">', f"<h2>{html.escape(t('report.skm.title', language))}</h2>",
             f"<style>{CHART_CSS}</style>"]
    if skm is None or (not skm.indexes and not skm.quick):
        parts += [f"<p>{html.escape(t('report.skm.none', language))}</p>", "</section>"]
        return "\n".join(parts)
    if skm.indexes:
        office = skm.indexes[0]
        parts.append(
            f'<div class="cards"><div class="card" data-figure="ikm"><b>'
            f'{_decimal(office.ikm, 2, language)}</b>IKM</div>'
            f'<div class="card skm-band" data-figure="band" style="color:'
            f'{BAND_COLOURS[office.band]}"><b>{office.band}</b>'
            f'{html.escape(t(f"survey.band.{office.band}", language))}</div>'
            f'<div class="card" data-figure="respondents"><b>{office.respondents}</b>'
            f'{html.escape(t("report.skm.respondents", language))}</div></div>')
        parts.append(nrr_chart(skm, lanes, language))
        parts.append(table(*index_table(skm, lanes, language), "table-skm"))
        parts.append(table(*element_table(language), "table-skm-elements", words=True))
    if skm.quick:
        parts.append(f"<h3>{html.escape(t('report.skm.quick', language))}</h3>")
        parts.append(table(*quick_table(skm, lanes, language), "table-skm-quick"))
    head, rows = profile_table(skm, language)
    if rows:
        parts.append(table(head, rows, "table-skm-profile", words=True))
    if skm.comments:
        parts.append(f"<h3>{html.escape(t('report.skm.comments', language))}</h3>")
        parts.append(table([t("report.col.day", language), t("report.skm.scope", language),
                            t("report.skm.comments", language)],
                           [list(c) for c in skm.comments], "table-skm-comments", words=True))
    parts += [f'<p class="note">{html.escape(t("report.skm.note", language))}</p>',
              "</section>"]
    return "\n".join(parts)
