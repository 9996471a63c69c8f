"""What staff may change about today without editing the config: pause issuing, today's cap.

Both live in the store's ``meta`` table, not in memory, so they hold across a
restart and for every process (the CLI, a second kiosk on the same store),
and every change is an event in the append-only outbox with who made it:
an office head asking "why did we stop at 45 today?" gets an answer.

A cap change applies to one lane on one office day only; tomorrow starts
from the config again. Lowering the cap below the numbers already issued
simply stops issuing; numbers already given are never taken back.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk.store import immediate
from kiosk.store.events import append_event

if TYPE_CHECKING:
    from collections.abc import Mapping

    import sqlite_utils

log = logging.getLogger(__name__)
MAX_CAP = 9999


@dataclass(frozen=True)
class Pause:
    since: datetime  # UTC
    by: str


def _pause(raw: str | None) -> Pause | None:
    if raw is None:
        return None
    data = json.loads(raw)
    return Pause(datetime.fromisoformat(data["since"]), data["by"])


class DayControls:
    def __init__(self, db: sqlite_utils.Database, office_code: str, device_id: str) -> None:
        self.db, self.office_code, self.device_id = db, office_code, device_id

    def _pause_key(self) -> str:
        return f"paused:{self.office_code}"

    def _cap_key(self, lane: str, day: date) -> str:
        return f"cap:{self.office_code}:{day.isoformat()}:{lane}"

    def _get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    # -- pause -----------------------------------------------------------------

    def paused(self) -> Pause | None:
        return _pause(self._get(self._pause_key()))

    def for_press(self, lane: str, day: date, configured: int | None
                  ) -> tuple[Pause | None, int | None]:
        """The pause and today's cap in one read: a press needs both."""
        pause_key, cap_key = self._pause_key(), self._cap_key(lane, day)
        values = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN (?, ?)",
                                      (pause_key, cap_key)).fetchall())
        cap = int(values[cap_key]) if cap_key in values else configured
        return _pause(values.get(pause_key)), cap

    def for_home(self, day: date, configured: Mapping[str, int | None],
                 also: tuple[str, ...] = ()) -> tuple[Pause | None, dict[str, int | None],
                                                      dict[str, str]]:
        """The pause, today's caps of ``configured``'s lanes and the ``also`` meta keys, in
        one read by primary key: the home screen asks every second."""
        pause_key = self._pause_key()
        cap_keys = {lane: self._cap_key(lane, day) for lane in configured}
        keys = [pause_key, *cap_keys.values(), *also]
        marks = ", ".join("?" * len(keys))
        values = dict(self.db.execute(f"SELECT key, value FROM meta WHERE key IN ({marks})",
                                      keys).fetchall())
        caps = {lane: int(values[key]) if key in values else configured[lane]
                for lane, key in cap_keys.items()}
        return _pause(values.get(pause_key)), caps, {k: values[k] for k in also if k in values}

    def pause(self, by: str, day: date, now: datetime) -> bool:
        """Stop issuing new numbers (check-ins and calling go on); False if already paused."""
        with immediate(self.db) as conn:
            if conn.execute("SELECT 1 FROM meta WHERE key = ?", (self._pause_key(),)).fetchone():
                return False
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                         (self._pause_key(), json.dumps({"since": now.isoformat(), "by": by})))
            self._event(conn, "issuing_paused", day, now, {"by": by})
        log.info("issuing paused by %s", by, extra={"kiosk": {"action": "pause", "by": by}})
        return True

    def resume(self, by: str, day: date, now: datetime) -> bool:
        with immediate(self.db) as conn:
            gone = conn.execute("DELETE FROM meta WHERE key = ?", (self._pause_key(),)).rowcount
            if not gone:
                return False
            self._event(conn, "issuing_resumed", day, now, {"by": by})
        log.info("issuing resumed by %s", by, extra={"kiosk": {"action": "resume", "by": by}})
        return True

    # -- today's cap -----------------------------------------------------------

    def cap_for(self, lane: str, day: date, configured: int | None) -> int | None:
        """Today's cap for ``lane``: a staff change of today, else the config's."""
        raw = self._get(self._cap_key(lane, day))
        return configured if raw is None else int(raw)

    def set_cap(self, lane: str, day: date, cap: int, configured: int | None, by: str,
                now: datetime) -> int | None:
        """Change today's cap; returns the previous one. The event records old and new."""
        if not 0 <= cap <= MAX_CAP:
            raise ValueError(f"cap must be 0-{MAX_CAP}, got {cap}")
        key = self._cap_key(lane, day)
        with immediate(self.db) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            old = configured if row is None else int(row[0])
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(cap)))
            self._event(conn, "cap_changed", day, now,
                        {"lane": lane, "old": old, "new": cap, "by": by})
        log.info("cap of lane %s on %s changed %s -> %s by %s", lane, day, old, cap, by,
                 extra={"kiosk": {"action": "cap_changed", "lane": lane, "old": old,
                                  "new": cap, "by": by}})
        return old

    # -- any other staff action ------------------------------------------------

    def log_action(self, action: str, by: str, day: date, now: datetime,
                   **details: object) -> None:
        """Record a staff action that changes nothing in the queue (reprint, restart, ...)."""
        with immediate(self.db) as conn:
            self._event(conn, "staff_action", day, now, {"action": action, "by": by, **details})
        log.info("staff action %s by %s", action, by,
                 extra={"kiosk": {"action": action, "by": by, **details}})

    def _event(self, conn, kind: str, day: date, now: datetime, payload: dict) -> None:
        append_event(conn, office_code=self.office_code, office_day=day,
                     device_id=self.device_id, kind=kind, at=now, payload=payload)
