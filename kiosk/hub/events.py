"""Events at the hub: storing what kiosks push, once each, and reading them back.

A batch is stored whole or not at all, and an event id only once however
often it arrives; who may write what is kiosk/hub/event_checks.py's. Storing
has two side effects for the other kiosks of the office: a checked-in booking
is marked used (their next pull), and a pushed ticket's number is never lent again.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kiosk.hub.bookings import next_change
from kiosk.hub.database import Database
from kiosk.hub.event_checks import (
    CheckInBacking,
    event_hash,
    record_conflict,
    record_refusal,
    refused_before,
    require_own_device,
    stored_hashes,
)
from kiosk.sync.protocol import PushResult

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.hub.database import Tx
    from kiosk.hub.offices import Principal
    from kiosk.sync.protocol import Event

log = logging.getLogger(__name__)


class Events(Database):
    """The hub's copy of every kiosk's outbox."""

    def ingest(self, who: Principal, events: Sequence[Event], kiosk_sent_at: datetime,
               now: datetime) -> PushResult:
        """Store a batch once, whatever how often it arrives; all or nothing.

        Every id of the batch is acknowledged (the kiosk must not send it again),
        but not every one is stored: a check-in its tickets do not back is refused,
        and an id held with other content is a conflict (kiosk/hub/event_checks.py).
        """
        require_own_device(who, events)  # a 403 for the whole batch: nothing stored
        ids = [e.id for e in events]
        received = now.isoformat()
        refused: dict[str, str] = {}
        conflicts: list[tuple[str, str, str]] = []
        with self._tx() as tx:
            held = stored_hashes(tx, ids)
            refused |= refused_before(tx, [i for i in ids if i not in held])
            # Only a batch with a check-in needs to know the kiosk's B tickets of the day.
            backing = CheckInBacking(tx, who) if any(
                e.kind == "booking_checked_in" for e in events) else None
            new = []
            for event in events:
                if event.id in held:
                    sent = event_hash(event)
                    if sent != held[event.id]:
                        conflicts.append((event.id, held[event.id], sent))
                        record_conflict(tx, event, held[event.id], sent, received)
                    continue
                if event.id in refused:
                    continue
                if backing is not None:
                    if event.kind == "booking_checked_in" and (
                            why := backing.problem(event)) is not None:
                        refused[event.id] = why
                        record_refusal(tx, who, event, why, received)
                        continue
                    backing.see(event)
                new.append(event)
            stored = tx.many(
                "INSERT INTO events (id, office_code, device_id, seq, event_at, office_day, kind,"
                " ticket_id, payload, received_at, pushed_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                [(e.id, e.office_code, e.device_id, e.seq, e.at, e.office_day, e.kind,
                  e.ticket_id, e.payload, received, who.device_id) for e in new])
            for event in new:
                if event.kind == "booking_checked_in":
                    self._note_check_in(tx, event)
            self._hold_pushed_numbers(tx, who, [e for e in new if e.kind == "issued"])
            tx.run("UPDATE tokens SET last_seen_at = ?, clock_skew_s = ? WHERE token_hash = ?",
                   (received, (kiosk_sent_at - now).total_seconds(), who.token_hash))
        for event_id, reason in refused.items():
            log.warning("hub refused event %s of %s: %s", event_id, who.device_id, reason)
        for event_id, before, sent in conflicts:
            log.warning("event id %s pushed by %s again with other content: stored sha256 %s,"
                        " sent sha256 %s (the stored one stays)", event_id, who.device_id,
                        before, sent)
        stored = max(stored, 0) if new else 0
        duplicates = len(events) - stored - len(refused) - len(conflicts)
        return PushResult(tuple(ids), stored, max(duplicates, 0), now,
                          refused=tuple(refused.items()),
                          conflicts=tuple(conflicts))

    def _hold_pushed_numbers(self, tx: Tx, who: Principal, issued: Sequence[Event]) -> None:
        """A pushed ticket's number is never lent again.

        Normally it is already held (by the kiosk that printed it). After
        ``release_device`` freed it unseen, the ticket arriving puts it back, held by
        its kiosk, unless another kiosk was lent it meanwhile (then that is the
        conflict the kiosk reports). Only days and lanes the office leases.
        """
        office = who.office_code
        rows = []
        for event in issued:
            payload = json.loads(event.payload)
            lane, number = payload.get("lane"), payload.get("number")
            if isinstance(lane, str) and isinstance(number, int):
                rows.append((event.office_day, lane, number))
        if not rows:
            return
        leasing = set()
        for day, lane in {(day, lane) for day, lane, _ in rows}:
            if tx.one("SELECT 1 FROM lease_grants WHERE office_code = ? AND office_day = ?"
                      " AND lane = ? LIMIT 1", (office, day, lane)) is not None:
                leasing.add((day, lane))
        rows = [row for row in rows if (row[0], row[1]) in leasing]
        if not rows:
            return
        if self.postgres:  # the same lock grant_lease holds, taken before the tokens row
            tx.run("SELECT 1 FROM offices WHERE code = ? FOR UPDATE", (office,))
        tx.many("INSERT INTO lease_numbers (office_code, office_day, lane, number, grant_id,"
                " device_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (office_code, office_day,"
                " lane, number) DO NOTHING",
                [(office, day, lane, number, "pushed-ticket", who.device_id)
                 for day, lane, number in rows])

    def _note_check_in(self, tx: Tx, event: Event) -> None:
        """Other kiosks of the office learn the booking is used (their next pull)."""
        code = json.loads(event.payload).get("code")
        if not isinstance(code, str):
            return
        row = tx.one("SELECT status FROM bookings WHERE code = ? AND office_code = ?",
                     (code, event.office_code))
        if row is None or row[0] != "booked":
            return
        change = next_change(tx, event.office_code)
        tx.run("UPDATE bookings SET status = 'checked_in', checked_in_at = ?, change = ?,"
               " updated_at = ? WHERE code = ?", (event.at, change, event.at, code))

    def event_ids(self, office: str, device_id: str | None = None) -> list[str]:
        """Every stored event id of an office (one kiosk's if named), oldest first."""
        with self._tx(read=True) as tx:
            if device_id is None:
                rows = tx.all("SELECT id FROM events WHERE office_code = ? ORDER BY id", (office,))
            else:
                rows = tx.all("SELECT id FROM events WHERE office_code = ? AND device_id = ?"
                              " ORDER BY id", (office, device_id))
        return [r[0] for r in rows]

    def events_of_day(self, office: str, day: date, after: str = "", limit: int = 1000
                      ) -> list[dict[str, Any]]:
        with self._tx(read=True) as tx:
            rows = tx.all("SELECT id, seq, event_at, office_code, office_day, device_id, kind,"
                          " ticket_id, payload, received_at FROM events WHERE office_code = ?"
                          " AND office_day = ? AND id > ? ORDER BY id LIMIT ?",
                          (office, day.isoformat(), after, limit))
        return [{"id": r[0], "seq": r[1], "at": r[2], "office_code": r[3], "office_day": r[4],
                 "device_id": r[5], "kind": r[6], "ticket_id": r[7], "payload": json.loads(r[8]),
                 "received_at": r[9]} for r in rows]

    def survey_answers(self, office: str, first: date, last: date) -> list[tuple[str, str, str]]:
        """The office's ``survey_answered`` events of days ``first``..``last``, from every
        kiosk: (office day, ticket id, payload JSON), oldest first (kiosk/hub/skm.py)."""
        with self._tx(read=True) as tx:
            rows = tx.all("SELECT office_day, ticket_id, payload FROM events"
                          " WHERE office_code = ? AND office_day >= ? AND office_day <= ?"
                          " AND kind = ? ORDER BY id",
                          (office, first.isoformat(), last.isoformat(), "survey_answered"))
        return [(r[0], r[1] or "", r[2]) for r in rows]
