"""Office days and opening hours, always in the office's own time zone.

The daily cap resets at the office's local midnight, not UTC's: in Kupang
(WITA, UTC+8) a UTC date would roll the queue over at 08:00 in the morning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from zoneinfo import ZoneInfo

    from kiosk.config import Config, DayHours


@dataclass(frozen=True)
class Schedule:
    timezone: ZoneInfo
    hours: dict[int, DayHours | None]
    holidays: frozenset[date]
    # Services whose own hours differ from the office's on some weekdays (None: not issued).
    lane_hours: Mapping[str, Mapping[int, DayHours | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Config) -> Schedule:
        return cls(config.timezone, config.hours, config.holidays, config.lane_hours)

    def local(self, now: datetime) -> datetime:
        return now.astimezone(self.timezone)

    def office_day(self, now: datetime) -> date:
        return self.local(now).date()

    def hours_on(self, day: date) -> DayHours | None:
        if day in self.holidays:
            return None
        return self.hours.get(day.weekday())

    def lane_hours_on(self, day: date, lane: str) -> DayHours | None:
        """The hours ``lane`` is issued on ``day``: its own for that weekday, else the office's."""
        if day in self.holidays:
            return None
        own = self.lane_hours.get(lane)
        if own is not None and day.weekday() in own:
            return own[day.weekday()]
        hours = self.hours.get(day.weekday())
        return hours if hours is not None and lane in hours.lanes else None

    def is_open(self, now: datetime, lane: str) -> bool:
        local = self.local(now)
        hours = self.lane_hours_on(local.date(), lane)
        if hours is None:
            return False
        return hours.opens <= local.time().replace(tzinfo=None) < hours.closes

    def next_opening(self, now: datetime, lane: str, horizon_days: int = 60) -> datetime | None:
        """The next local moment the lane opens after ``now`` (None if not within the horizon)."""
        local = self.local(now)
        for offset in range(horizon_days + 1):
            day = local.date() + timedelta(days=offset)
            hours = self.lane_hours_on(day, lane)
            if hours is None:
                continue
            opening = datetime.combine(day, hours.opens, tzinfo=self.timezone)
            if opening > local:
                return opening
        return None

    def next_opening_any(self, now: datetime, lanes: list[str]) -> datetime | None:
        candidates = [t for lane in lanes if (t := self.next_opening(now, lane)) is not None]
        return min(candidates, default=None)
