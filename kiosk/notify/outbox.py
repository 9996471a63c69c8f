"""The notification outbox in the kiosk's store: opt-ins (the sealed number of one
ticket), messages made due at most once per (ticket, kind), and their fate.

A message is ``pending`` until the gateway accepts it (``sent``), refuses it for
good (``failed``), or it is no longer worth sending (``stale``: the ticket was
called before "N before you" left, it is older than ``stale_after_s``, or its
day is over). The UNIQUE (ticket_id, kind) key makes "due" idempotent: the
worker may see the same call or forecast any number of times, after any
restart, and one row exists. Every function here is one short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk import store
from kiosk.notify.phone import mask_phone
from kiosk.store.ids import new_id

if TYPE_CHECKING:
    import sqlite_utils

    from kiosk.notify.sealing import PhoneSeal

STATES = ("pending", "sent", "failed", "stale")


@dataclass(frozen=True)
class OptIn:
    ticket_id: str
    office_day: date
    lane: str
    number: int
    label: str


@dataclass(frozen=True)
class Pending:
    id: str
    ticket_id: str
    office_day: date
    kind: str
    label: str
    body: str
    created_at: datetime
    attempts: int


def opt_in(db: sqlite_utils.Database, seal: PhoneSeal, office_code: str, ticket: OptIn,
           phone: str, now: datetime) -> str:
    """Keep ``phone`` (E.164) sealed for ``ticket`` until its day ends; the masked form.
    A second opt-in for the same ticket replaces the number (a typing slip fixed)."""
    masked = mask_phone(phone)
    with store.immediate(db) as conn:
        conn.execute(
            "INSERT INTO notify_optins (ticket_id, office_code, office_day, lane, number, label,"
            " phone_sealed, phone_masked, opted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (ticket_id) DO UPDATE SET phone_sealed = excluded.phone_sealed,"
            " phone_masked = excluded.phone_masked, opted_at = excluded.opted_at,"
            " erased_at = NULL",
            (ticket.ticket_id, office_code, ticket.office_day.isoformat(), ticket.lane,
             ticket.number, ticket.label, seal.seal(phone, ticket.ticket_id), masked,
             now.isoformat()))
    return masked


def live_optins(db: sqlite_utils.Database, office_code: str, day: date) -> list[OptIn]:
    """The day's opt-ins whose number is still kept."""
    rows = db.execute(
        "SELECT ticket_id, office_day, lane, number, label FROM notify_optins"
        " WHERE office_code = ? AND office_day = ? AND phone_sealed IS NOT NULL",
        (office_code, day.isoformat())).fetchall()
    return [OptIn(r[0], date.fromisoformat(r[1]), r[2], r[3], r[4]) for r in rows]


def sealed_phone(db: sqlite_utils.Database, ticket_id: str) -> str | None:
    row = db.execute("SELECT phone_sealed FROM notify_optins WHERE ticket_id = ?",
                     (ticket_id,)).fetchone()
    return row[0] if row else None


def make_due(db: sqlite_utils.Database, office_code: str, device_id: str, ticket: OptIn,
             kind: str, body: str, now: datetime) -> bool:
    """The message ``kind`` of ``ticket`` is due; False if it already was (any state)."""
    with store.immediate(db) as conn:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO notify_outbox (id, ticket_id, office_code, office_day, kind,"
            " label, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (new_id(device_id), ticket.ticket_id, office_code, ticket.office_day.isoformat(),
             kind, ticket.label, body, now.isoformat(), now.isoformat()))
        return cursor.rowcount == 1


def due_now(db: sqlite_utils.Database, office_code: str, now: datetime, limit: int = 50
            ) -> list[Pending]:
    rows = db.execute(
        "SELECT id, ticket_id, office_day, kind, label, body, created_at, attempts"
        " FROM notify_outbox WHERE state = 'pending' AND next_at <= ? AND office_code = ?"
        " ORDER BY created_at LIMIT ?", (now.isoformat(), office_code, limit)).fetchall()
    return [Pending(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5],
                    datetime.fromisoformat(r[6]), r[7]) for r in rows]


def finish(db: sqlite_utils.Database, message_id: str, state: str, now: datetime,
           error: str | None = None) -> None:
    """sent | failed | stale: the row's last change."""
    with store.immediate(db) as conn:
        conn.execute("UPDATE notify_outbox SET state = ?, done_at = ?, last_error = ?"
                     " WHERE id = ? AND state = 'pending'",
                     (state, now.isoformat(), error, message_id))


def retry_later(db: sqlite_utils.Database, message_id: str, at: datetime, error: str) -> None:
    with store.immediate(db) as conn:
        conn.execute("UPDATE notify_outbox SET attempts = attempts + 1, next_at = ?,"
                     " last_error = ? WHERE id = ? AND state = 'pending'",
                     (at.isoformat(), error, message_id))


def erase_before(db: sqlite_utils.Database, office_code: str, today: date, now: datetime
                 ) -> tuple[int, int]:
    """Numbers of days before ``today`` erased, their pending messages stale:
    (numbers erased, messages dropped)."""
    with store.immediate(db) as conn:
        erased = conn.execute(
            "UPDATE notify_optins SET phone_sealed = NULL, erased_at = ? WHERE office_code = ?"
            " AND office_day < ? AND phone_sealed IS NOT NULL",
            (now.isoformat(), office_code, today.isoformat())).rowcount
        dropped = conn.execute(
            "UPDATE notify_outbox SET state = 'stale', done_at = ?, last_error = 'day over'"
            " WHERE office_code = ? AND office_day < ? AND state = 'pending'",
            (now.isoformat(), office_code, today.isoformat())).rowcount
    return erased, dropped


def day_counts(db: sqlite_utils.Database, office_code: str, day: date) -> dict[str, int]:
    """{"opted_in", "pending", "sent", "failed", "stale"} for one office day."""
    counts = dict.fromkeys(("opted_in", *STATES), 0)
    counts["opted_in"] = db.execute(
        "SELECT count(*) FROM notify_optins WHERE office_code = ? AND office_day = ?",
        (office_code, day.isoformat())).fetchone()[0]
    for state, n in db.execute(
            "SELECT state, count(*) FROM notify_outbox WHERE office_code = ? AND office_day = ?"
            " GROUP BY state", (office_code, day.isoformat())):
        counts[state] = n
    return counts


def backoff(attempts: int, base_s: float, max_s: float) -> timedelta:
    """The wait before try ``attempts + 1``: base, 2x, 4x ... capped."""
    return timedelta(seconds=min(max_s, base_s * (2 ** min(attempts, 30))))
