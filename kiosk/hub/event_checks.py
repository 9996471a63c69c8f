"""What the hub checks in a pushed batch beyond its shape (issue 16): who may write an
event, whether a check-in is backed by its tickets, and whether a repeated id is the same.

* A kiosk token writes only as its own device: an event of another ``device_id``
  refuses the whole batch (403), nothing stored.
* A ``booking_checked_in`` must name the B tickets it gave (``labels``), each an
  ``issued`` event of lane B of the same kiosk and office day, pushed in this batch
  before it or earlier, and not already backing another check-in. Otherwise that
  one event is *refused*: kept aside with the reason (``refused_events``), the
  booking stays bookable at every kiosk, and the answer says so per event; the
  rest of the batch is stored as usual.
* An id the hub holds already, sent with other content, is a *conflict*: the first
  version stays, the second is recorded with both hashes (``event_conflicts``).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from kiosk.hub.errors import HubError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.hub.database import Tx
    from kiosk.hub.offices import Principal
    from kiosk.sync.protocol import Event

BOOKED_LANE = "B"  # kiosk/queue/issuing.py's BOOKED: a check-in gives numbers of lane B


def require_own_device(who: Principal, events: Sequence[Event]) -> None:
    """The token's office and device on every event (the id's prefix is its device's)."""
    for event in events:
        if event.office_code != who.office_code:
            raise HubError(403, "not_yours", f"kiosk {who.device_id} of office "
                           f"{who.office_code} cannot write events of office {event.office_code}")
        if event.device_id != who.device_id:
            raise HubError(403, "not_your_device", f"the token of {who.device_id} cannot write "
                           f"events of {event.device_id} (event {event.id})")


def content_hash(at: str, office_code: str, office_day: str, device_id: str, kind: str,
                 ticket_id: str | None, payload: str) -> str:
    """SHA-256 of what an event says (all but ``seq``, the kiosk's transport order)."""
    text = json.dumps([at, office_code, office_day, device_id, kind, ticket_id, payload],
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_hash(event: Event) -> str:
    return content_hash(event.at, event.office_code, event.office_day, event.device_id,
                        event.kind, event.ticket_id, event.payload)


def stored_hashes(tx: Tx, ids: Sequence[str]) -> dict[str, str]:
    """The content hash of every id of ``ids`` the hub holds."""
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        for row in tx.all(f"SELECT id, event_at, office_code, office_day, device_id, kind,"
                          f" ticket_id, payload FROM events WHERE id IN ({marks})", chunk):
            found[row[0]] = content_hash(*row[1:])
    return found


def refused_before(tx: Tx, ids: Sequence[str]) -> dict[str, str]:
    """Ids refused earlier, with their reason: a resent refusal is answered the same."""
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        found |= {r[0]: r[1] for r in tx.all(
            f"SELECT id, reason FROM refused_events WHERE id IN ({marks})", chunk)}
    return found


class CheckInBacking:
    """Which B tickets each kiosk's day has on the hub, and which check-ins used them."""

    def __init__(self, tx: Tx, who: Principal) -> None:
        self.tx, self.who = tx, who
        self.tickets: dict[str, set[str]] = {}  # office day -> B labels pushed
        self.used: dict[str, dict[str, str]] = {}  # office day -> label -> booking code

    def _load(self, day: str) -> None:
        if day in self.tickets:
            return
        tickets, used = set(), {}
        # Payloads are stored as JSON text (canonical from protocol.parse_event): the
        # LIKE keeps the day's walk-in tickets, most of them, out of the decoding below.
        for kind, text in self.tx.all(
                "SELECT kind, payload FROM events WHERE office_code = ? AND office_day = ?"
                " AND device_id = ? AND (kind = 'booking_checked_in' OR (kind = 'issued'"
                " AND (payload LIKE ? OR payload LIKE ?)))",
                (self.who.office_code, day, self.who.device_id, f'%"lane":"{BOOKED_LANE}"%',
                 f'%"lane": "{BOOKED_LANE}"%')):
            self._note(kind, json.loads(text), tickets, used)
        self.tickets[day], self.used[day] = tickets, used

    @staticmethod
    def _note(kind: str, payload: dict, tickets: set[str], used: dict[str, str]) -> None:
        if kind == "issued" and payload.get("lane") == BOOKED_LANE:
            label = payload.get("label")
            if isinstance(label, str):
                tickets.add(label)
        elif kind == "booking_checked_in" and isinstance(payload.get("labels"), list):
            for label in payload["labels"]:
                if isinstance(label, str):
                    used[label] = str(payload.get("code"))

    def see(self, event: Event) -> None:
        """An event of the batch, in order: a later check-in may rest on its ticket."""
        if event.kind in ("issued", "booking_checked_in"):
            self._load(event.office_day)
            self._note(event.kind, json.loads(event.payload), self.tickets[event.office_day],
                       self.used[event.office_day])

    def problem(self, event: Event) -> str | None:
        """Why this check-in is not backed by its own B tickets (None: it is)."""
        payload = json.loads(event.payload)
        code, labels = payload.get("code"), payload.get("labels")
        if not isinstance(code, str) or not code:
            return "the check-in names no booking code"
        if not isinstance(labels, list) or not labels or not all(
                isinstance(label, str) for label in labels):
            return f"the check-in of {code} names no B ticket ('labels' is empty)"
        if len(set(labels)) != len(labels):
            return f"the check-in of {code} names a ticket twice"
        self._load(event.office_day)
        day, tickets, used = event.office_day, self.tickets[event.office_day], \
            self.used[event.office_day]
        missing = [label for label in labels if label not in tickets]
        if missing:
            return (f"no B ticket {', '.join(missing[:5])} of {self.who.device_id} on {day}"
                    f" reached the hub before the check-in of {code}")
        taken = [label for label in labels if used.get(label, code) != code]
        if taken:
            return f"ticket {taken[0]} already backs the check-in of {used[taken[0]]}"
        return None


def record_refusal(tx: Tx, who: Principal, event: Event, reason: str, at: str) -> None:
    tx.run("INSERT INTO refused_events (id, office_code, device_id, office_day, kind, payload,"
           " reason, refused_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
           (event.id, event.office_code, event.device_id, event.office_day, event.kind,
            event.payload, reason, at))


def record_conflict(tx: Tx, event: Event, stored: str, sent: str, at: str) -> None:
    tx.run("INSERT INTO event_conflicts (id, office_code, device_id, stored_sha256,"
           " sent_sha256, sent_event, first_at, last_at, times) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)"
           " ON CONFLICT (id, sent_sha256) DO UPDATE SET last_at = excluded.last_at,"
           " times = event_conflicts.times + 1",
           (event.id, event.office_code, event.device_id, stored, sent,
            json.dumps(event.to_json(), sort_keys=True), at, at))
