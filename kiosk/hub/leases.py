"""Number leases at the hub: lending each capped service's numbers under the office's
cap for that service, taking them back, and releasing a dead kiosk's numbers.

Idempotent like the rest of the store: a lease request is answered under its
request id once (a retry gets the same numbers), a return frees numbers only of
the grant it names, and releasing a dead kiosk twice frees nothing more. Every
change holds the office's row lock.
"""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kiosk.config.model import SERVICE_CODE
from kiosk.hub.database import Database
from kiosk.hub.errors import HubError
from kiosk.sync.protocol import LeaseGrant, Release

if TYPE_CHECKING:
    from kiosk.hub.database import Tx
    from kiosk.hub.offices import Principal
    from kiosk.sync.protocol import LeaseRequest, LeaseReturn

RECLAIM_WINDOW = timedelta(minutes=10)  # how long an empty kiosk's request counts as demand
DEFAULT_LEASE_BLOCK = 10
# A kiosk heard from more recently than this may still be issuing: no release without force.
MIN_SILENCE = timedelta(minutes=10)


class Leases(Database):
    """Who holds which numbers of an office's day and lane (one capped service)."""

    def _lease_cap(self, tx: Tx, office: str, lane: str) -> int | None:
        row = tx.one("SELECT settings FROM offices WHERE code = ?", (office,))
        if row is None:
            raise HubError(404, "unknown_office", f"no office {office} on this hub")
        return json.loads(row[0]).get("caps", {}).get(lane)

    def _lease_block(self, tx: Tx, office: str) -> int:
        row = tx.one("SELECT settings FROM offices WHERE code = ?", (office,))
        return json.loads(row[0]).get("lease_block") or DEFAULT_LEASE_BLOCK

    def grant_lease(self, who: Principal, request: LeaseRequest, now: datetime) -> LeaseGrant:
        """Hand the lowest unleased numbers of the lane under its office cap to this kiosk."""
        office, device = who.office_code, who.device_id
        assert office is not None and device is not None
        day, lane = request.office_day.isoformat(), request.lane
        key = (office, day, lane)
        with self._tx(office) as tx:
            cap = self._lease_cap(tx, office, lane)
            held = {r[0] for r in tx.all("SELECT number FROM lease_numbers WHERE office_code = ?"
                                         " AND office_day = ? AND lane = ?", key)}
            mine = {r[0] for r in tx.all("SELECT number FROM lease_numbers WHERE office_code = ?"
                                         " AND office_day = ? AND lane = ? AND device_id = ?",
                                         (*key, device))}
            previous = tx.one("SELECT grant_id, numbers FROM lease_grants WHERE device_id = ?"
                              " AND request_id = ?", (device, request.request_id))
            if previous is not None:  # a retry after a lost answer: the same numbers again
                grant_id = previous[0]
                # ... except those released since (the kiosk was declared dead meanwhile).
                numbers = tuple(n for n in json.loads(previous[1]) if n in mine)
            else:
                grant_id, numbers = None, ()
                want = min(request.want, self._lease_block(tx, office))
                top = cap if cap is not None else max(held, default=0) + want
                numbers = tuple(n for n in range(1, top + 1) if n not in held)[:want]
                if numbers:
                    grant_id = f"{device}-{secrets.token_hex(8)}"
                    tx.run("INSERT INTO lease_grants (grant_id, request_id, device_id,"
                           " office_code, office_day, lane, numbers, granted_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (grant_id, request.request_id, device, *key, json.dumps(numbers),
                            now.isoformat()))
                    tx.many("INSERT INTO lease_numbers (office_code, office_day, lane, number,"
                            " grant_id, device_id) VALUES (?, ?, ?, ?, ?, ?)",
                            [(*key, n, grant_id, device) for n in numbers])
                    held |= set(numbers)
                    mine |= set(numbers)
                if request.free + len(numbers) == 0 and request.want > 0:
                    tx.run("INSERT INTO lease_demand (office_code, office_day, lane, device_id,"
                           " since) VALUES (?, ?, ?, ?, ?) ON CONFLICT (office_code,"
                           " office_day, lane, device_id) DO UPDATE SET since = excluded.since",
                           (*key, device, now.isoformat()))
                elif numbers or request.free:
                    tx.run("DELETE FROM lease_demand WHERE office_code = ? AND office_day = ?"
                           " AND lane = ? AND device_id = ?", (*key, device))
            remaining = 0 if cap is None else max(cap - len(held), 0)
            since = (now - RECLAIM_WINDOW).isoformat()
            demand = tx.one("SELECT count(*) FROM lease_demand WHERE office_code = ? AND"
                            " office_day = ? AND lane = ? AND device_id <> ? AND since > ?",
                            (*key, device, since))[0]
            released: set[int] = set()
            for (text,) in tx.all("SELECT numbers FROM lease_releases WHERE office_code = ?"
                                  " AND office_day = ? AND lane = ? AND device_id = ?",
                                  (*key, device)):
                released |= set(json.loads(text))
            # A lease request is contact too: `release_device` must see this kiosk is alive.
            tx.run("UPDATE tokens SET last_seen_at = ? WHERE token_hash = ?",
                   (now.isoformat(), who.token_hash))
        reclaim = cap is not None and remaining == 0 and demand > 0
        # A released number lent to this kiosk again since is its own once more.
        return LeaseGrant(grant_id, numbers, cap, remaining, reclaim,
                          tuple(sorted(released - mine)))

    def return_lease(self, who: Principal, back: LeaseReturn) -> int:
        """Free numbers of one grant; a late duplicate cannot free a later grant's numbers."""
        office = who.office_code
        assert office is not None
        marks = ",".join("?" * len(back.numbers))
        with self._tx(office) as tx:
            return tx.run(f"DELETE FROM lease_numbers WHERE office_code = ? AND office_day = ?"
                          f" AND lane = ? AND grant_id = ? AND device_id = ?"
                          f" AND number IN ({marks})",
                          (office, back.office_day.isoformat(), back.lane, back.grant_id,
                           who.device_id, *back.numbers)).rowcount

    def release_device(self, office: str, device: str, day: date | None, lane: str,
                       now: datetime, *, force: bool = False,
                       min_silence: timedelta = MIN_SILENCE, by: str = "admin") -> Release:
        """Give the office the numbers a dead kiosk holds, except those the hub saw on tickets.

        A number on a ticket the kiosk had not pushed yet cannot be known here: it
        is freed, and the kiosk reports the clash (``lease_conflict``) when it is
        back. Hence the silence check: release only a kiosk that is switched off.
        """
        if not isinstance(lane, str) or not SERVICE_CODE.match(lane):
            raise HubError(400, "bad_lane", "lane must be a service code, one capital letter A-Z")
        with self._tx(office) as tx:
            row = tx.one("SELECT timezone FROM offices WHERE code = ?", (office,))
            if row is None:
                raise HubError(404, "unknown_office", f"no office {office} on this hub")
            day = day or now.astimezone(ZoneInfo(row[0])).date()
            key = (office, day.isoformat(), lane)
            seen_rows = tx.all("SELECT last_seen_at FROM tokens WHERE role = 'kiosk'"
                               " AND office_code = ? AND device_id = ?", (office, device))
            held = [r[0] for r in tx.all(
                "SELECT number FROM lease_numbers WHERE office_code = ? AND office_day = ?"
                " AND lane = ? AND device_id = ? ORDER BY number", (*key, device))]
            if not seen_rows and not held:
                raise HubError(404, "unknown_device", f"office {office} has no kiosk {device}")
            seen = max((datetime.fromisoformat(r[0]) for r in seen_rows if r[0]), default=None)
            if seen is not None and now - seen < min_silence and not force:
                ago = max(int((now - seen).total_seconds()), 0)
                raise HubError(409, "device_active", (
                    f"{device} talked to the hub {ago // 60} min {ago % 60} s ago: it may still"
                    f" be issuing these numbers. Release only a kiosk that is switched off;"
                    f" try again once it has been silent {min_silence.total_seconds() / 60:g}"
                    f" minutes, or force it"))
            on_tickets = self._numbers_on_tickets(tx, *key)
            kept = tuple(n for n in held if n in on_tickets)
            freed = tuple(n for n in held if n not in on_tickets)
            if freed:
                marks = ",".join("?" * len(freed))
                tx.run(f"DELETE FROM lease_numbers WHERE office_code = ? AND office_day = ?"
                       f" AND lane = ? AND device_id = ? AND number IN ({marks})",
                       (*key, device, *freed))
                tx.run("INSERT INTO lease_releases (office_code, office_day, lane, device_id,"
                       " released_at, numbers, kept_used, forced, released_by)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (*key, device, now.isoformat(), json.dumps(freed), json.dumps(kept),
                        int(force), by))
            # A dead kiosk's old "I am empty" must not make the others give numbers back.
            tx.run("DELETE FROM lease_demand WHERE office_code = ? AND office_day = ?"
                   " AND lane = ? AND device_id = ?", (*key, device))
        return Release(office, device, day, lane, freed, kept, seen, force)

    def held_lanes(self, office: str, device: str, day: date | None, now: datetime
                   ) -> list[str]:
        """The services whose numbers a kiosk holds on a day (default: today at the office)."""
        with self._tx(read=True) as tx:
            row = tx.one("SELECT timezone FROM offices WHERE code = ?", (office,))
            if row is None:
                return []
            day = day or now.astimezone(ZoneInfo(row[0])).date()
            return [r[0] for r in tx.all(
                "SELECT DISTINCT lane FROM lease_numbers WHERE office_code = ? AND office_day = ?"
                " AND device_id = ? ORDER BY lane", (office, day.isoformat(), device))]

    def _numbers_on_tickets(self, tx: Tx, office: str, day: str, lane: str) -> set[int]:
        """Numbers of the lane on any pushed ticket of the day (``issued`` events)."""
        numbers: set[int] = set()
        for (text,) in tx.all("SELECT payload FROM events WHERE office_code = ?"
                              " AND office_day = ? AND kind = 'issued'", (office, day)):
            payload = json.loads(text)
            number = payload.get("number")
            if payload.get("lane") == lane and isinstance(number, int):
                numbers.add(number)
        return numbers

    def lease_releases(self, office: str, day: date) -> list[dict[str, Any]]:
        """Every release of an office's day, oldest first (who, when, which numbers)."""
        with self._tx(read=True) as tx:
            rows = tx.all("SELECT lane, device_id, released_at, numbers, kept_used, forced,"
                          " released_by FROM lease_releases WHERE office_code = ?"
                          " AND office_day = ? ORDER BY released_at", (office, day.isoformat()))
        return [{"lane": r[0], "device_id": r[1], "released_at": r[2],
                 "numbers": json.loads(r[3]), "kept_used": json.loads(r[4]),
                 "forced": bool(r[5]), "by": r[6]} for r in rows]

    def leases(self, office: str, day: date, lane: str) -> dict[str, list[int]]:
        """Who holds which numbers (for staff and tests)."""
        with self._tx(read=True) as tx:
            rows = tx.all("SELECT device_id, number FROM lease_numbers WHERE office_code = ?"
                          " AND office_day = ? AND lane = ? ORDER BY number",
                          (office, day.isoformat(), lane))
        held: dict[str, list[int]] = {}
        for device, number in rows:
            held.setdefault(device, []).append(number)
        return held
