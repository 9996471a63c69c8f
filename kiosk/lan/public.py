"""The kiosk's own public quota figures, for the lobby Wi-Fi (the page is kiosk/public/'s).

Read from the kiosk's store with the rules the start screen uses: today's cap per
service (staff may have changed it for the day; the hub's settings when the kiosk
syncs), the numbers taken here, and with hub leases the numbers this kiosk can
still give. Every service the office issues today is listed, in config order.
The data is live, so never stale; "last data" is the newest event in the store.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.public.quota import QuotaToday, ServiceFigure, left_of, opening_of
from kiosk.queue import leases
from kiosk.queue.day_controls import DayControls
from kiosk.queue.numbering import Numbering
from kiosk.queue.schedule import Schedule
from kiosk.sync.pull import settings_config, stored_settings

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date
    from threading import Lock

    import sqlite_utils

    from kiosk.config import Config


def kiosk_quota(config: Config, db: sqlite_utils.Database, now: datetime,
                code: str) -> QuotaToday | None:
    """Today's figures of this kiosk's office; None for any other office code."""
    if code != config.office.code:
        return None
    if config.sync.enabled and (settings := stored_settings(db)) is not None:
        config = settings_config(config, settings)
    schedule = Schedule.of(config)
    day = schedule.office_day(now)
    lanes = [c for c in config.lanes if schedule.lane_hours_on(day, c) is not None] \
        or list(config.lanes)
    office, device = config.office.code, config.office.device_id
    controls = DayControls(db, office, device)
    issued = Numbering(db, office, device).issued_counts(tuple(lanes), day)
    leased = leases.leased_lanes(db)
    services = []
    for lane in lanes:
        cap = controls.cap_for(lane, day, config.lanes[lane].cap)
        left = left_of(cap, issued[lane])
        if lane in leased and cap is not None:  # what this kiosk can still give
            left = min(max(leases.available(db, day, lane, cap), 0), cap)
        ran_out = _ran_out(db, office, day, lane, cap, lane in leased) if left == 0 else None
        services.append(ServiceFigure(lane, config.lanes[lane].name_id,
                                      config.lanes[lane].name_en, cap, issued[lane], left,
                                      ran_out))
    row = db.execute("SELECT at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    last = None if row is None else datetime.fromisoformat(row[0])
    return QuotaToday(office, config.office.name, config.timezone, day,
                      opening_of(schedule, now, lanes), tuple(services), last, False, "kiosk")


def _ran_out(db: sqlite_utils.Database, office: str, day: date, lane: str, cap: int | None,
             leased: bool) -> datetime | None:
    """The cap-th number's time (with leases: this kiosk's last number), or the first
    press turned away for the cap, whichever came first."""
    key = (office, day.isoformat(), lane)
    if cap is not None and cap > 0 and not leased:
        row = db.execute("SELECT issued_at FROM tickets WHERE office_code = ? AND"
                         " office_day = ? AND lane = ? AND number = ?", (*key, cap)).fetchone()
    else:
        row = db.execute("SELECT max(issued_at) FROM tickets WHERE office_code = ? AND"
                         " office_day = ? AND lane = ?", key).fetchone()
    times = [datetime.fromisoformat(row[0])] if row and row[0] else []
    turned = db.execute("SELECT turned_away FROM lane_days WHERE office_code = ? AND"
                        " office_day = ? AND lane = ?", key).fetchone()
    if turned and turned[0]:  # someone was turned away: the scan is worth it (rare, once full)
        for at, payload in db.execute(
                "SELECT at, payload FROM events WHERE kind = 'refused_cap' AND office_code = ?"
                " AND office_day = ? ORDER BY seq", key[:2]):
            if json.loads(payload).get("lane") == lane:
                times.append(datetime.fromisoformat(at))
                break
    return min(times, default=None)


def quota_source(config: Config, db: sqlite_utils.Database, lock: Lock,
                 clock: Callable[[], datetime]) -> Callable[[str], QuotaToday | None]:
    """The LAN server's source: reads under the API's one lock on its connection."""

    def source(code: str) -> QuotaToday | None:
        with lock:
            return kiosk_quota(config, db, clock(), code)

    return source
