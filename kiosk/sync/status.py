"""The sync status the home and staff screens, the staff desk and `kiosk hub status` show:
online or not, the last success, events still waiting and leased numbers left."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kiosk.clock import utc_now
from kiosk.config import Config
from kiosk.queue import leases
from kiosk.queue.schedule import Schedule
from kiosk.sync.records import META_PUSHED, META_STATUS, push_problems, read_meta

if TYPE_CHECKING:
    import sqlite_utils

ONLINE_GRACE_S = 90.0  # "online" until this long (or 3 intervals) after the last success


@dataclass(frozen=True)
class SyncStatus:
    enabled: bool
    online: bool
    last_success: datetime | None
    pending_events: int
    last_error: str | None
    last_attempt: datetime | None = None
    clock_skew_s: float | None = None  # kiosk clock minus hub clock at the last push
    warning: str | None = None  # e.g. the NIK salt differs from the hub's
    leased_free: int | None = None  # leased numbers this kiosk still holds today, all services
    protocol: int | None = None  # the sync protocol version spoken at the last round
    protocol_fallback: str | None = None  # e.g. "hub speaks protocol 1"
    leased_by_lane: dict[str, int] | None = None  # the same per leased service, e.g. {"A": 7}
    # Events the hub acknowledged but did not store (refused, conflict) and the latest one.
    push_problems: int = 0
    last_push_problem: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "online": self.online,
                "last_success": self.last_success.isoformat() if self.last_success else None,
                "last_attempt": self.last_attempt.isoformat() if self.last_attempt else None,
                "pending_events": self.pending_events, "last_error": self.last_error,
                "clock_skew_s": self.clock_skew_s, "warning": self.warning,
                "leased_free": self.leased_free, "protocol": self.protocol,
                "protocol_fallback": self.protocol_fallback,
                "leased_by_lane": self.leased_by_lane, "push_problems": self.push_problems,
                "last_push_problem": self.last_push_problem}


def pending_events(db: sqlite_utils.Database) -> int:
    pushed = int(read_meta(db, META_PUSHED) or 0)
    return db.execute("SELECT count(*) FROM events WHERE seq > ? AND sent_at IS NULL",
                      (pushed,)).fetchone()[0]


def read_status(db: sqlite_utils.Database, config: Config,
                now: datetime | None = None) -> SyncStatus:
    """What the home and staff screens show; cheap (a few indexed reads)."""
    now = now or utc_now()
    state = json.loads(read_meta(db, META_STATUS) or "{}")
    success = _when(state.get("last_success"))
    attempt = _when(state.get("last_attempt"))
    error = state.get("last_error")
    grace = max(3 * config.sync.interval_s, ONLINE_GRACE_S)
    online = (config.sync.enabled and error is None and success is not None
              and now - success <= timedelta(seconds=grace))
    free, by_lane = None, None
    if config.sync.enabled and config.sync.leases:
        day = Schedule(config.timezone, config.hours, config.holidays).office_day(now)
        by_lane = {lane: leases.free_count(db.conn, day, lane)
                   for lane in sorted(leases.leased_lanes(db))}
        free = sum(by_lane.values())
    problems, last_problem = push_problems(db)
    return SyncStatus(config.sync.enabled, online, success, pending_events(db), error, attempt,
                      state.get("clock_skew_s"), state.get("warning"), free,
                      state.get("protocol"), state.get("protocol_fallback"), by_lane,
                      problems, last_problem)


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
