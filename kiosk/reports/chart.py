"""Grouped vertical bar charts as inline SVG for the report page (kiosk/reports/html.py).

Every bar carries its numbers as data attributes (``data-series``,
``data-category``, ``data-value``) and a tooltip; no script, no fonts.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

COLOURS = {"issued": "#1d4ed8", "called": "#047857", "served": "#047857",
           "turned_away": "#b91c1c", "waits": "#6d28d9"}
BAR_WIDTH, BAR_GAP, GROUP_GAP = 16, 2, 14
PLOT_HEIGHT, TOP, LEFT, BOTTOM = 170, 16, 44, 34
MIN_WIDTH, CHAR_WIDTH = 560, 7  # px; CHAR_WIDTH: an 11 px label character, roughly


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: tuple[int, ...]


def nice_step(peak: int) -> int:
    """A round tick step (1, 2, 5 x 10^n) giving at most 5 ticks up to ``peak``."""
    if peak <= 0:
        return 1
    raw = peak / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return max(1, factor * magnitude)
    return 10 * magnitude  # pragma: no cover - the loop always returns


def bar_chart(chart_id: str, title: str, categories: Sequence[str],
              series: Sequence[Series], category_title: Sequence[str] | None = None) -> str:
    """Grouped vertical bars as inline SVG; bar height is exactly value x scale."""
    peak = max((v for s in series for v in s.values), default=0)
    step = nice_step(peak)
    top_value = max(step, math.ceil(peak / step) * step)
    scale = PLOT_HEIGHT / top_value
    # Room for the bars, for the category label under them, and a readable minimum width.
    label_room = max((len(c) for c in categories), default=0) * CHAR_WIDTH + 8
    group = max(len(series) * (BAR_WIDTH + BAR_GAP) + GROUP_GAP, label_room,
                (MIN_WIDTH - LEFT - 10) / max(1, len(categories)))
    width = round(LEFT + max(1, len(categories)) * group + 10)
    height = TOP + PLOT_HEIGHT + BOTTOM
    base = TOP + PLOT_HEIGHT
    titles = category_title or categories
    out = [f'<svg class="chart" id="{chart_id}" data-chart="{chart_id}" data-scale="{scale:.6f}"'
           f' viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
           f' aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{chart_id}-title">{html.escape(title)}</title>']
    for tick in range(0, top_value + 1, step):
        y = base - tick * scale
        out.append(f'<line class="grid" x1="{LEFT}" y1="{y:.2f}" x2="{width - 5}"'
                   f' y2="{y:.2f}"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.2f}" text-anchor="end">{tick}</text>')
    out.append(f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{width - 5}" y2="{base}"/>')
    for i, category in enumerate(categories):
        x0 = LEFT + i * group + (group - len(series) * (BAR_WIDTH + BAR_GAP)) / 2
        for j, s in enumerate(series):
            value = s.values[i]
            bar_height = value * scale
            x = x0 + j * (BAR_WIDTH + BAR_GAP)
            tip = html.escape(f"{titles[i]} - {s.label}: {value}")
            out.append(
                f'<rect class="bar" data-series="{s.key}" data-category="{html.escape(category)}"'
                f' data-value="{value}" x="{x:.2f}" y="{base - bar_height:.2f}"'
                f' width="{BAR_WIDTH}" height="{bar_height:.2f}" fill="{COLOURS[s.key]}">'
                f'<title>{tip}</title></rect>')
            if value:
                out.append(f'<text x="{x + BAR_WIDTH / 2:.2f}" y="{base - bar_height - 3:.2f}"'
                           f' text-anchor="middle">{value}</text>')
        centre = x0 + len(series) * (BAR_WIDTH + BAR_GAP) / 2
        out.append(f'<text x="{centre:.2f}" y="{base + 16}" text-anchor="middle">'
                   f'{html.escape(category)}</text>')
    out.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch" style="background:{COLOURS[s.key]}"></span>'
        f'{html.escape(s.label)}</li>' for s in series)
    return "\n".join(out) + f'\n<ul class="legend">{legend}</ul>'
