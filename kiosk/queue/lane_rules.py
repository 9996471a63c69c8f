"""A lane the office does not serve now, while it serves others: the facts from the schedule.

An office may serve only some lanes on a day ([hours] sat = { open = "08:00-12:00",
lanes = ["P"] }): pressing the walk-in button then is not "the office is closed", it
is "on Saturdays only Priority is served". The facts come from the schedule and the
config's lane names, never from a sentence written for one weekday; kiosk/texts/rules.py
words them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from kiosk.config import Lane
    from kiosk.queue.schedule import Schedule


@dataclass(frozen=True)
class NotServed:
    """``lane`` is not served today, but the office is open now for ``served``."""

    lane: str
    lane_name: tuple[str, str]  # (Bahasa Indonesia, English)
    served: tuple[tuple[str, str], ...]  # the names of the lanes served now, config order
    weekday: int  # 0 = Monday, the office-local day of the rule
    next_opening: datetime | None  # office-local: when ``lane`` is served again


def not_served(schedule: Schedule, lanes: Mapping[str, Lane], now: datetime,
               lane: str) -> NotServed | None:
    """The rule that keeps ``lane`` shut while the office serves other lanes now; None
    if ``lane`` is open now or the office serves no lane now (then it is simply closed).

    Opening hours are per day, shared by the day's lanes, so a lane not served while
    another is open is always a lane the day's [hours] entry leaves out.
    """
    local = schedule.local(now)
    hours = schedule.hours_on(local.date())
    if hours is None or lane in hours.lanes:
        return None
    if not hours.opens <= local.time().replace(tzinfo=None) < hours.closes:
        return None
    served = tuple((lanes[code].name_id, lanes[code].name_en)
                   for code in lanes if code in hours.lanes)
    if not served:
        return None
    name = (lanes[lane].name_id, lanes[lane].name_en) if lane in lanes else (lane, lane)
    return NotServed(lane, name, served, local.weekday(), schedule.next_opening(now, lane))
