"""Tracking pages relayed by the hub (kiosk/sync/tracking_wire.py): the latest state of
each ticket's page as its kiosk sent it, for phones on the internet.

One row per (office, token), replaced by each newer state. A link stops working
when its state's ``expires_at`` (the office's midnight) has passed: it then
reads "expired", and rows a week past that are deleted as new states arrive.
The first reading of a page is noted (``opened_at``) so an office can count
tickets followed through the hub. Nothing personal is stored (the wire
module checks every key of a state).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kiosk.hub.database import Database

if TYPE_CHECKING:
    from kiosk.hub.offices import Principal

KEEP = timedelta(days=7)  # expired links read "expired" this long, then "unknown"


class Tracking(Database):
    def store_tracking(self, who: Principal, states: dict[str, dict[str, Any]],
                       now: datetime) -> int:
        rows = [(who.office_code, token, who.device_id, state["day"],
                 json.dumps(state, ensure_ascii=False, sort_keys=True), state["expires_at"],
                 now.isoformat()) for token, state in states.items()]
        with self._tx(who.office_code) as tx:
            tx.many("INSERT INTO tracking (office_code, token, device_id, office_day, state,"
                    " expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (office_code, token) DO UPDATE SET state = excluded.state,"
                    " expires_at = excluded.expires_at, updated_at = excluded.updated_at"
                    " WHERE tracking.device_id = excluded.device_id", rows)
            tx.run("DELETE FROM tracking WHERE office_code = ? AND expires_at < ?",
                   (who.office_code, (now - KEEP).isoformat()))
        return len(rows)

    def tracking_state(self, office: str, token: str, now: datetime,
                       opened: bool = False) -> dict[str, Any]:
        with self._tx(read=not opened) as tx:
            row = tx.one("SELECT state, expires_at, opened_at FROM tracking"
                         " WHERE office_code = ? AND token = ?", (office, token))
            if row is None:
                return {"state": "unknown"}
            state, expires_at, opened_at = row
            if now >= datetime.fromisoformat(expires_at):
                return {"state": "expired"}
            if opened and opened_at is None:
                tx.run("UPDATE tracking SET opened_at = ? WHERE office_code = ? AND token = ?",
                       (now.isoformat(), office, token))
        return json.loads(state)

    def tracked_count(self, office: str, day: str) -> int:
        """Tickets of ``day`` whose page was opened through the hub."""
        with self._tx(read=True) as tx:
            return tx.one("SELECT count(*) FROM tracking WHERE office_code = ? AND office_day = ?"
                          " AND opened_at IS NOT NULL", (office, day))[0]
