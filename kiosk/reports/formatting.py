"""How the report writes numbers, clock times and duration figures in its tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.texts import ZONE_ABBREVIATIONS

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.reports.figures import Stats


def number(value: float | int | None, language: str, digits: int = 1) -> str:
    """'12,5' in Indonesian, '12.5' in English; '-' when there is nothing to show."""
    if value is None:
        return "-"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    text = f"{value:.{digits}f}".rstrip("0")
    return text.replace(".", ",") if language == "id" else text


def clock(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    zone = ZONE_ABBREVIATIONS.get(str(moment.tzinfo), moment.strftime("%Z"))
    return f"{moment:%H:%M} {zone}".strip()


def stat_cells(stat: Stats, language: str) -> list[str]:
    return [number(stat.median, language), number(stat.p90, language)]
