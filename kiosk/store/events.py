"""The event outbox: every change the hub must learn of, appended in the transaction
that made it (kiosk/sync/worker.py sends them; docs/sync-protocol.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from kiosk.store.ids import new_id

if TYPE_CHECKING:
    from datetime import date, datetime


def append_event(conn, *, office_code: str, office_day: date, device_id: str, kind: str,
                 at: datetime, ticket_id: str | None = None, payload: dict | None = None) -> str:
    """Append to the outbox; call inside the transaction that made the change."""
    event_id = new_id(device_id)
    conn.execute(
        "INSERT INTO events (id, at, office_code, office_day, device_id, kind, ticket_id, payload)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (event_id, at.isoformat(), office_code, office_day.isoformat(), device_id, kind,
         ticket_id,
         json.dumps(payload, separators=(",", ":"), sort_keys=True) if payload else "{}"),
    )
    return event_id
