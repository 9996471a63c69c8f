"""The estimated wait as people read it: 5-minute steps, never falsely precise.

A ticket saying "17.3 minutes" promises what no queue keeps. Ranges are
rounded out to steps of 5 minutes (15 above an hour), the low end to the
nearest step and the high end up, so the range is at least one step wide
and rather long than short: an applicant who waits less is not annoyed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kiosk.ports import TicketWait
from kiosk.texts import t

if TYPE_CHECKING:
    from kiosk.queue.wait_estimate import WaitEstimate

SHORT_STEP, LONG_STEP, LONG_FROM = 5, 15, 60  # minutes


def _step(minutes: float) -> int:
    return SHORT_STEP if minutes <= LONG_FROM else LONG_STEP


def _nearest(minutes: float) -> int:
    step = _step(minutes)
    return step * math.floor(minutes / step + 0.5)


def _up(minutes: float) -> int:
    step = _step(minutes)
    return step * math.ceil(round(minutes / step, 9))  # 30.000000001 stays 30


def rounded_range(low: float, high: float) -> tuple[int, int]:
    """(low, high) minutes in people's steps; high >= low + 5 and never below ``high``."""
    if low < 0 or high < low:
        raise ValueError(f"expected 0 <= low <= high, got {low}-{high}")
    lo = _nearest(low)
    return lo, _up(max(high, lo + SHORT_STEP))


def ticket_wait(estimate: WaitEstimate | None) -> TicketWait:
    """What the ticket says for an estimate; None (no counter open) reads 'cannot estimate'."""
    if estimate is None:
        return TicketWait(None)
    return TicketWait(rounded_range(estimate.low, estimate.high), estimate.from_today)


def wait_line(wait: TicketWait, language: str) -> str:
    """'Perkiraan tunggu: 20-30 menit', '... < 5 menit' or '... belum dapat diperkirakan'."""
    if wait.minutes is None:
        return t("wait.unknown", language)
    low, high = wait.minutes
    if low == 0:
        return t("wait.under", language, high=high)
    return t("wait.range", language, low=low, high=high)
