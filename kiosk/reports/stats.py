"""Summary statistics of durations in minutes, as the report defines them.

- median: the middle value (mean of the two middle ones); P90: nearest rank,
  the smallest observed value that at least 90% of the values do not exceed.
- values are rounded to 1/100 minute before they are summarised.
"""

from __future__ import annotations

import math
import statistics
from typing import TYPE_CHECKING

from kiosk.reports.figures import Stats

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: an observed value, easy to check on paper."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def stats(values: Sequence[float]) -> Stats:
    rounded = [round(v, 2) for v in values]
    return Stats(len(rounded), median(rounded), percentile(rounded, 90))


def minutes_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60
