"""What the lobby sees of the calling service, shared by the web board and `kiosk board`.

Both boards are readers in other threads or processes; they rebuild one plain
snapshot only when the store changed (``change_marker``: the newest event's
seq, since every call, serve and issue appends one), so polling twice a
second costs one indexed read, not a board's worth of queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.queue.call_order import CallPolicy
from kiosk.queue.calling import CallingService, Counter
from kiosk.queue.schedule import Schedule

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    import sqlite_utils

    from kiosk.config import Config

LAST_CALLS = 6  # enough to find a missed call, few enough to read from a chair


def call_policy(config: Config) -> CallPolicy:
    """The configured call order ([calling]): for the counters and the wait forecast alike."""
    return CallPolicy(config.calling.mode, config.calling.booked_per_walkin,  # type: ignore
                      config.calling.priority_every)


def calling_service(config: Config, db: sqlite_utils.Database,
                    clock: Callable[[], datetime]) -> CallingService:
    """The config's counters and call order over ``db`` (each process opens its own)."""
    counters = {c.number: Counter(c.number, c.name, c.lanes) for c in config.counters}
    policy = call_policy(config)
    schedule = Schedule(config.timezone, config.hours, config.holidays)
    return CallingService(db, config.office.code, config.office.device_id, counters, policy,
                          clock, config.calling.max_recalls,
                          config.calling.no_show_return_minutes, schedule=schedule)


def change_marker(calling: CallingService) -> tuple[str, int]:
    """Changes whenever a board could change: a new event, or a new office day."""
    seq = calling.db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
    return calling.today().isoformat(), seq


def board_state(calling: CallingService, config: Config, last_n: int = LAST_CALLS
                ) -> dict[str, Any]:
    """A JSON-ready snapshot: each counter's called number, the newest call, queues, notice.

    Times are office-local "HH:MM" strings so a TV browser with a wrong clock
    or time zone still shows the office's time; ``now`` lets it correct its clock.
    """
    now = calling.clock()
    zone = config.timezone
    serving = {s.counter: s.label for s in calling.now_serving()}  # later call wins
    last = calling.last_calls(last_n)
    names = {c.number: c.name for c in config.counters}
    newest = last[0] if last else None
    counters = [{
        "number": c.number,
        "name": c.name,
        "label": serving.get(c.number),
        "newest": newest is not None and newest.counter == c.number
        and serving.get(c.number) == newest.label,
    } for c in sorted(config.counters, key=lambda c: c.number)]
    lanes = [{"code": code, "name": config.lanes[code].name_id if code in config.lanes else code,
              "waiting": waiting} for code, waiting in calling.waiting_counts().items()]
    return {
        "office": config.office.name,
        "timezone": zone.key,
        "day": calling.today(now).isoformat(),
        "now": now.isoformat(),
        "counters": counters,
        "newest": None if newest is None else {
            "label": newest.label, "counter": newest.counter,
            "counter_name": names.get(newest.counter, f"Loket {newest.counter}"),
            "kind": newest.kind},
        "last_calls": [{
            "label": r.label, "counter": r.counter,
            "counter_name": names.get(r.counter, f"Loket {r.counter}"),
            "at": r.at.astimezone(zone).strftime("%H:%M"), "kind": r.kind,
        } for r in last],
        "lanes": lanes,
        "notice": config.board.notice,
    }
