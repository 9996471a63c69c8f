"""What a tracking link shows: one ticket's number, service, stage, status, the people
called before it and its estimated wait, and the numbers being served now.

The estimate is the ticket's own (kiosk/queue/wait_estimate.py: the call order
played forward, rounded as on paper), worked out again at each change. A link
resolves only among today's tickets: yesterday's links say "expired" (the last
``EXPIRED_DAYS`` days are told apart from links that never existed). Nothing
personal is in the state: no name, no NIK, no booking code, no ticket id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from kiosk.queue.wait_estimate import ticket_wait
from kiosk.tracking.links import track_token

if TYPE_CHECKING:
    import sqlite_utils

    from kiosk.config import Config
    from kiosk.queue.calling import CallingService
    from kiosk.queue.wait_estimate import PaceCache

EXPIRED_DAYS = 7  # links this many days back answer "expired", older ones "unknown"


@dataclass(frozen=True)
class Found:
    ticket_id: str
    day: date
    lane: str
    number: int


class TokenIndex:
    """Token -> ticket for today and the last days, without storing any token.

    Past days never change, so their maps are kept; today's map is extended
    with the tickets issued since it was last read (one indexed range read).
    """

    def __init__(self, db: sqlite_utils.Database, office_code: str, key: bytes) -> None:
        self.db, self.office_code, self.key = db, office_code, key
        self._days: dict[date, dict[str, Found]] = {}

    def _day_map(self, day: date, today: date) -> dict[str, Found]:
        known = self._days.get(day)
        if known is not None and day < today:
            return known
        known = known if known is not None else {}
        seen = {f.ticket_id for f in known.values()}
        for ticket_id, lane, number in self.db.execute(
                "SELECT id, lane, number FROM tickets WHERE office_code = ? AND office_day = ?",
                (self.office_code, day.isoformat())):
            if ticket_id not in seen:
                known[track_token(self.key, ticket_id)] = Found(ticket_id, day, lane, number)
        self._days[day] = known
        return known

    def find(self, token: str, today: date) -> tuple[Found | None, bool]:
        """(today's ticket, False), or (None, True) for a recent day's link, or (None, False)."""
        self._days = {d: m for d, m in self._days.items()
                      if today - timedelta(days=EXPIRED_DAYS) <= d <= today}
        found = self._day_map(today, today).get(token)
        if found is not None:
            return found, False
        for back in range(1, EXPIRED_DAYS + 1):
            if token in self._day_map(today - timedelta(days=back), today):
                return None, True
        return None, False


def end_of_day(config: Config, day: date) -> datetime:
    """When a day's links stop working: the office's next local midnight."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=config.timezone)


def ticket_state(config: Config, calling: CallingService, pace: PaceCache, found: Found,
                 now: datetime) -> dict[str, Any]:
    """The page's JSON for one of today's tickets, as of ``now``."""
    row = calling.db.execute(
        "SELECT label, status, counter, stage FROM tickets WHERE office_code = ?"
        " AND office_day = ? AND lane = ? AND number = ?",
        (config.office.code, found.day.isoformat(), found.lane, found.number)).fetchone()
    label, status, counter, stage = row
    stage = calling.stages.at(found.lane, stage)
    service = config.lanes.get(found.lane)
    names = {c.number: c.name for c in config.counters}
    state: dict[str, Any] = {
        "state": "ticket", "office": config.office.name, "label": label, "lane": found.lane,
        "service": {"id": service.name_id if service else found.lane,
                    "en": service.name_en if service else found.lane},
        "stage": stage,
        "stage_name": None if stage is None else {"id": config.stage_name(stage, "id"),
                                                  "en": config.stage_name(stage, "en")},
        "status": status,
        "counter": counter if status == "called" else None,
        "counter_name": names.get(counter) if status == "called" and counter else None,
        "before": None, "wait": None,
        "serving": [{"label": s.label, "counter": s.counter,
                     "counter_name": names.get(s.counter, f"Loket {s.counter}")}
                    for s in calling.now_serving()],
        "day": found.day.isoformat(),
        "expires_at": end_of_day(config, found.day).isoformat(),
        "updated_at": now.astimezone(config.timezone).isoformat(timespec="seconds"),
    }
    if status == "waiting":
        key = calling.stages.key(found.lane, stage if not calling.stages.is_first(
            found.lane, stage) else None)
        forecast, estimate = pace.forecast(found.day, key, found.number, now)
        if forecast is not None:
            state["before"] = forecast.before
            wait = ticket_wait(estimate)
            state["wait"] = list(wait.minutes) if wait.minutes else None
    return state


def gone_state(expired: bool) -> dict[str, Any]:
    """A link that leads to no ticket of today: expired (a recent day's) or unknown."""
    return {"state": "expired" if expired else "unknown"}
