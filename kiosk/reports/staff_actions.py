"""What staff changed, in order (pauses, today's cap, reprints and restarts, clock
confirmations, and lockouts of the staff PIN), and how many minutes issuing was paused.

Paused minutes: per office day, pause to resume, clipped to the day's opening
hours. A pause still open at the end of the day counts until closing time (or
until the report was made, if that is earlier); a resume without a pause that
day (the pause began on an earlier day) counts from opening time. A day
without opening hours (closed, a holiday) counts no paused minutes: the kiosk
refused everyone as closed anyway. A day with no pause or resume event counts
nothing, even if issuing stayed paused through it.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from kiosk.queue.schedule import Schedule
from kiosk.reports.event_kinds import STAFF_EVENTS
from kiosk.reports.figures import StaffAction
from kiosk.reports.rows import parse_time
from kiosk.reports.stats import minutes_between

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.reports.rows import Rows


def _day_bounds(schedule: Schedule, day: date) -> tuple[datetime, datetime]:
    """Opening and closing of the office day (aware); a closed day opens and closes at once."""
    hours = schedule.hours_on(day)
    if hours is None:  # closed anyway: a pause kept nobody from a number
        midnight = datetime.combine(day, time(0), tzinfo=schedule.timezone)
        return midnight, midnight
    opens = datetime.combine(day, hours.opens, tzinfo=schedule.timezone)
    closes = (datetime.combine(day + timedelta(days=1), time(0), tzinfo=schedule.timezone)
              if hours.closes == time.max  # "24:00"
              else datetime.combine(day, hours.closes, tzinfo=schedule.timezone))
    return opens, closes


def pauses_and_actions(rows: Rows, config: Config, now: datetime | None
                       ) -> tuple[int, float, tuple[StaffAction, ...]]:
    """(pauses, paused minutes, every staff action) over the rows' days."""
    zone, schedule = config.timezone, Schedule(config.timezone, config.hours, config.holidays)
    pauses, paused, actions = 0, 0.0, []
    for day, day_rows in rows.by_day().items():
        events = [e for e in day_rows.events if e.kind in STAFF_EVENTS]
        if not events:
            continue
        opens, closes = _day_bounds(schedule, day)

        def minutes(start: datetime, end: datetime, opens=opens, closes=closes) -> float:
            return round(max(0.0, minutes_between(max(start, opens), min(end, closes))), 2)

        pause_index: int | None = None
        for event in events:
            local, by = event.at.astimezone(zone), event.payload.get("by")
            if event.kind == "issuing_paused":
                pauses += 1
                pause_index = len(actions)
                actions.append(StaffAction(local, by, "pause", open=True))
            elif event.kind == "issuing_resumed":
                if pause_index is not None:
                    pause = actions[pause_index]
                    counted = minutes(pause.at, event.at)
                    actions[pause_index] = dataclasses.replace(pause, minutes=counted, open=False)
                    actions.append(StaffAction(local, by, "resume"))
                else:  # paused on an earlier day: counted from opening time
                    counted = minutes(opens, event.at)
                    actions.append(StaffAction(local, by, "resume", minutes=counted, open=True))
                paused += counted
                pause_index = None
            elif event.kind == "cap_changed":
                p = event.payload
                actions.append(StaffAction(local, by, "cap_changed", lane=p.get("lane"),
                                           old=p.get("old"), new=p.get("new")))
            elif event.kind == "clock_confirmed":
                previous = parse_time(event.payload.get("previous_newest"))
                actions.append(StaffAction(local, by, "clock_confirmed", previous=(
                    previous.astimezone(zone) if previous is not None else None)))
            elif event.kind == "pin_lockout":  # nobody's action: a guess, or a forgotten PIN
                p = event.payload
                seconds = p.get("seconds")
                length = f"{seconds / 60:g} min" if isinstance(seconds, int | float) else "?"
                actions.append(StaffAction(local, None, "pin_lockout",
                                           label=f"#{p.get('lockout', '?')}: {length}"))
            else:
                label = event.payload.get("label")
                actions.append(StaffAction(local, by, str(event.payload.get("action", "?")),
                                           label=str(label) if label is not None else None))
        if pause_index is not None:  # still paused at the end of the day
            pause = actions[pause_index]
            counted = minutes(pause.at, closes if now is None else min(closes, now))
            actions[pause_index] = dataclasses.replace(pause, minutes=counted)
            paused += counted
    return pauses, round(paused, 2), tuple(actions)
