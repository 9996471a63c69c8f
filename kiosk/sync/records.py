"""What the sync keeps in the store's ``meta`` table between rounds and restarts (the
keys, reading and writing one row) and the lane whose numbers the hub lends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

META_PUSHED = "sync.pushed_seq"
META_CURSOR = "sync.bookings_cursor"
META_SETTINGS = "sync.settings"
META_STATUS = "sync.status"
META_LEASE_REQUEST = "sync.lease_request"
LEASED_LANE = "A"  # walk-ins: the one lane with an office-wide daily cap


def read_meta(db: sqlite_utils.Database | Any, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def write_meta(conn: Any, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                     " DO UPDATE SET value = excluded.value", (key, value))
