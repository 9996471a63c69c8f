"""What the sync keeps in the store's ``meta`` table between rounds and restarts (the
keys, reading and writing one row) and the services whose numbers the hub lends."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

    from kiosk.config import Config

META_PUSHED = "sync.pushed_seq"
META_CURSOR = "sync.bookings_cursor"
META_SETTINGS = "sync.settings"
META_STATUS = "sync.status"
# Events the hub acknowledged without storing (refused, or an id it holds with other
# content): {"count": N, "recent": [{"id", "status", "reason", "at"}, ...]} (last 20).
META_PUSH_PROBLEMS = "sync.push_problems"
RECENT_PROBLEMS = 20
META_LEASE_REQUEST = "sync.lease_request"  # {lane: {"request_id", "office_day", "want"}}
# Kinds whose numbers count against a daily cap; booked (B) numbers are given at check-in.
LEASED_KINDS = ("walkin", "priority")


def lease_lanes(config: Config, hub_caps: Mapping[str, int | None] | None = None) -> str:
    """The services whose numbers come from hub leases, e.g. "ACEP": every walk-in and
    priority service with a daily cap in the config file or in the hub's settings.

    An uncapped service (pick-up D) is never leased: its numbers are counted by
    no one. A cap the hub drops does not unlease a service the file caps: the hub
    then lends its numbers without a limit, still never the same number twice.
    """
    if not (config.sync.enabled and config.sync.leases):
        return ""
    caps = hub_caps or {}
    return "".join(sorted(code for code, lane in config.lanes.items()
                          if lane.kind in LEASED_KINDS
                          and (lane.cap is not None or caps.get(code) is not None)))


def lease_requests(db: sqlite_utils.Database | Any) -> dict[str, dict[str, Any]]:
    """Lease requests sent and not yet answered, per lane (asked again under the same id)."""
    pending = json.loads(read_meta(db, META_LEASE_REQUEST) or "{}")
    if "request_id" in pending:  # written when only the walk-in lane A was leased
        return {"A": pending}
    return pending


def note_push_problems(conn: Any, problems: list[dict[str, str]]) -> None:
    """Add the hub's per-event refusals and conflicts of one push (in its transaction)."""
    if not problems:
        return
    known = json.loads(read_meta(conn, META_PUSH_PROBLEMS) or "{}")
    recent = (known.get("recent", []) + problems)[-RECENT_PROBLEMS:]
    write_meta(conn, META_PUSH_PROBLEMS, json.dumps(
        {"count": int(known.get("count", 0)) + len(problems), "recent": recent},
        sort_keys=True))


def push_problems(db: sqlite_utils.Database | Any) -> tuple[int, dict[str, str] | None]:
    """How many events the hub refused or found in conflict, and the latest one."""
    known = json.loads(read_meta(db, META_PUSH_PROBLEMS) or "{}")
    recent = known.get("recent") or [None]
    return int(known.get("count", 0)), recent[-1]


def read_meta(db: sqlite_utils.Database | Any, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def write_meta(conn: Any, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                     " DO UPDATE SET value = excluded.value", (key, value))
