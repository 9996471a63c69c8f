"""The staff PIN guard's memory in the kiosk's store: wrong tries and lockouts outlive a
restart (a ``meta`` row), and each lockout is a ``pin_lockout`` event the day report shows.

Its own short connection per write: a PIN try is rare, and the issuing service's
connection belongs to issuing threads in their transactions.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk import store
from kiosk.privacy.pin import PinGuard, PinState
from kiosk.queue.schedule import Schedule
from kiosk.store import immediate
from kiosk.store.events import append_event

if TYPE_CHECKING:
    from collections.abc import Callable

    from kiosk.config import Config

log = logging.getLogger(__name__)
META_KEY = "staff.pin_guard"
LOCKOUT_EVENT = "pin_lockout"


def _state(text: str | None) -> PinState:
    try:
        data = json.loads(text or "{}")
        until = data.get("locked_until")
        return PinState(int(data.get("failures", 0)), int(data.get("lockouts", 0)),
                        None if until is None else datetime.fromisoformat(until))
    except (ValueError, TypeError, AttributeError):  # a damaged row: locked for a minute
        log.warning("the PIN guard's stored state is unreadable; starting from one lockout")
        return PinState(0, 1, None)


def _text(state: PinState) -> str:
    return json.dumps({"failures": state.failures, "lockouts": state.lockouts,
                       "locked_until": state.locked_until.isoformat()
                       if state.locked_until else None}, sort_keys=True)


class StorePinMemory:
    """``PinMemory`` over the config's store (kiosk/privacy/pin.py)."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def load(self) -> PinState:
        db = store.connect(self.config.database)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
        finally:
            db.close()
        return _state(None if row is None else row[0])

    def save(self, state: PinState) -> None:
        self._write(state, None, None)

    def locked_out(self, state: PinState, seconds: float, now: datetime) -> None:
        log.warning("staff PIN locked for %g s after too many wrong tries (lockout %d)",
                    seconds, state.lockouts)
        self._write(state, seconds, now)

    def _write(self, state: PinState, seconds: float | None, now: datetime | None) -> None:
        db = store.connect(self.config.database)
        try:
            with immediate(db) as conn:
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                             " DO UPDATE SET value = excluded.value", (META_KEY, _text(state)))
                if seconds is not None and now is not None:
                    config = self.config
                    day = Schedule(config.timezone, config.hours, config.holidays).office_day(now)
                    append_event(conn, office_code=config.office.code, office_day=day,
                                 device_id=config.office.device_id, kind=LOCKOUT_EVENT, at=now,
                                 payload={"lockout": state.lockouts, "seconds": seconds,
                                          "until": state.locked_until.isoformat()
                                          if state.locked_until else None})
        finally:
            db.close()


def store_pin_guard(config: Config, clock: Callable[[], datetime]) -> PinGuard:
    """The app's guard: wrong tries and lockouts kept in the store, so a restart
    forgives nothing (the office PIN and each member's)."""
    return PinGuard(config.staff_pin_hash, members=config.staff_members, clock=clock,
                    memory=StorePinMemory(config))
