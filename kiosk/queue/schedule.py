"""Office days and opening hours, always in the office's own time zone.

The daily cap resets at the office's local midnight, not UTC's: in Kupang
(WITA, UTC+8) a UTC date would roll the queue over at 08:00 in the morning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from kiosk.config import DayHours


@dataclass(frozen=True)
class Schedule:
    timezone: ZoneInfo
    hours: dict[int, DayHours | None]
    holidays: frozenset[date]

    def local(self, now: datetime) -> datetime:
        return now.astimezone(self.timezone)

    def office_day(self, now: datetime) -> date:
        return self.local(now).date()

    def hours_on(self, day: date) -> DayHours | None:
        if day in self.holidays:
            return None
        return self.hours.get(day.weekday())

    def is_open(self, now: datetime, lane: str) -> bool:
        local = self.local(now)
        hours = self.hours_on(local.date())
        if hours is None or lane not in hours.lanes:
            return False
        return hours.opens <= local.time().replace(tzinfo=None) < hours.closes

    def next_opening(self, now: datetime, lane: str, horizon_days: int = 60) -> datetime | None:
        """The next local moment the lane opens after ``now`` (None if not within the horizon)."""
        local = self.local(now)
        for offset in range(horizon_days + 1):
            day = local.date() + timedelta(days=offset)
            hours = self.hours_on(day)
            if hours is None or lane not in hours.lanes:
                continue
            opening = datetime.combine(day, hours.opens, tzinfo=self.timezone)
            if opening > local:
                return opening
        return None

    def next_opening_any(self, now: datetime, lanes: list[str]) -> datetime | None:
        candidates = [t for lane in lanes if (t := self.next_opening(now, lane)) is not None]
        return min(candidates, default=None)
