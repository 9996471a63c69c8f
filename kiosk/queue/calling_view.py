"""What the lobby sees of the calling service, shared by the web board and `kiosk board`.

Both boards are readers in other threads or processes; they rebuild one plain
snapshot only when the store changed (``change_marker``: the newest event's
seq, since every call, serve and issue appends one), so polling twice a
second costs one indexed read, not a board's worth of queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.queue.call_order import CallPolicy
from kiosk.queue.calling import CallingService, Counter, parse_label
from kiosk.queue.schedule import Schedule
from kiosk.queue.stages import StagePlan

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    import sqlite_utils

    from kiosk.config import Config

LAST_CALLS = 6  # enough to find a missed call, few enough to read from a chair


KIND_CLASS = {"walkin": "A", "priority": "P", "booked": "B"}


def call_policy(config: Config) -> CallPolicy:
    """The configured call order ([calling]): for the counters and the wait forecast alike."""
    return CallPolicy(config.calling.mode, config.calling.booked_per_walkin,  # type: ignore
                      config.calling.priority_every)


def calling_service(config: Config, db: sqlite_utils.Database,
                    clock: Callable[[], datetime]) -> CallingService:
    """The config's counters and call order over ``db`` (each process opens its own)."""
    counters = {c.number: Counter(c.number, c.name, c.lanes, c.stages) for c in config.counters}
    policy = call_policy(config)
    schedule = Schedule.of(config)
    return CallingService(db, config.office.code, config.office.device_id, counters, policy,
                          clock, config.calling.max_recalls,
                          config.calling.no_show_return_minutes, schedule=schedule,
                          classes=call_classes(config), stages=StagePlan.of(config))


def call_classes(config: Config) -> dict[str, str]:
    """Which lane's call rules each service follows: walk-in kinds A, priority P, booked B."""
    return {code: KIND_CLASS[lane.kind] for code, lane in config.lanes.items()}


def change_marker(calling: CallingService) -> tuple[str, int]:
    """Changes whenever a board could change: a new event, or a new office day."""
    seq = calling.db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
    return calling.today().isoformat(), seq


def board_state(calling: CallingService, config: Config, last_n: int = LAST_CALLS
                ) -> dict[str, Any]:
    """A JSON-ready snapshot: each counter's called number, the newest call, queues, notice.

    Times are office-local "HH:MM" strings so a TV browser with a wrong clock
    or time zone still shows the office's time; ``now`` lets it correct its clock.
    Every call carries its ``service`` (the service's name, and its stage if it has stages),
    and ``last_calls`` lists each number once: a recall moves it to the top and
    marks it (``kind`` "recall", ``recalls``), it does not repeat it.
    """
    now = calling.clock()
    zone = config.timezone
    now_serving = {s.counter: s for s in calling.now_serving()}  # later call wins
    serving = {number: s.label for number, s in now_serving.items()}
    last = calling.latest_calls(last_n)
    names = {c.number: c.name for c in config.counters}
    newest = last[0] if last else None
    counters = [{
        "number": c.number,
        "name": c.name,
        "label": serving.get(c.number),
        "newest": newest is not None and newest.counter == c.number
        and serving.get(c.number) == newest.label,
        **_service(config, _lane_of(serving.get(c.number)),
                   now_serving[c.number].stage if c.number in now_serving else None),
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
            "kind": newest.kind, "recalls": newest.recalls,
            **_service(config, newest.lane, newest.stage)},
        "last_calls": [{
            "label": r.label, "counter": r.counter,
            "counter_name": names.get(r.counter, f"Loket {r.counter}"),
            "at": r.at.astimezone(zone).strftime("%H:%M"), "kind": r.kind,
            "recalls": r.recalls, **_service(config, r.lane, r.stage),
        } for r in last],
        "lanes": lanes,
        "notice": config.board.notice,
    }


def _lane_of(label: str | None) -> str | None:
    parsed = None if label is None else parse_label(label)
    return None if parsed is None else parsed[0]


def _service(config: Config, lane: str | None, stage: str | None = None
             ) -> dict[str, str | None]:
    """What the applicant is called for: the service, and the stage of a multi-stage visit
    ("Paspor Reguler · Foto & wawancara")."""
    known = config.lanes.get(lane) if lane is not None else None
    service_id = known.name_id if known else lane
    service_en = known.name_en if known else lane
    if stage:
        service_id = f"{service_id} · {config.stage_name(stage, 'id')}"
        service_en = f"{service_en} · {config.stage_name(stage, 'en')}"
    return {"lane": lane, "stage": stage, "service": service_id, "service_en": service_en}
