"""The hub's public quota figures of an office for today (kiosk/public/), from what kiosks pushed.

Per service: the cap from the office settings (``caps``), or the one staff set
for the day at a kiosk (a ``cap_changed`` event), or the one a kiosk turned a
press away with (``refused_cap``); the numbers taken are the distinct numbers
on today's ``issued`` events (with leases the office's numbers are shared, so
this is the office's count); when the quota ran out. Opening hours come from
the office settings (``hours``, ``holidays``); without them "open now" is
not known. The last data is the newest push or lease request of the
office's kiosks. Nothing finer than a count per service per day leaves here.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kiosk.config.parse_services import DEFAULT_LANES
from kiosk.hub.database import Database
from kiosk.public.quota import (
    UNKNOWN_OPENING,
    QuotaToday,
    ServiceFigure,
    is_stale,
    left_of,
    opening_of,
    ran_out_at,
)
from kiosk.queue.schedule import Schedule
from kiosk.sync.protocol import ProtocolError
from kiosk.sync.settings_wire import parse_settings

if TYPE_CHECKING:
    from kiosk.hub.database import Tx

_KINDS = ("issued", "cap_changed", "refused_cap")


def service_names(code: str) -> tuple[str, str]:
    """The hub knows no service names but the defaults' (A/P/B)."""
    if code in DEFAULT_LANES:
        return DEFAULT_LANES[code][0], DEFAULT_LANES[code][1]
    return f"Layanan {code}", f"Service {code}"


class PublicQuota(Database):
    """Today's figures of one office, for the public page; None for an unknown office."""

    def public_quota(self, office: str, now: datetime) -> QuotaToday | None:
        with self._tx(read=True) as tx:
            row = tx.one("SELECT name, timezone, settings FROM offices WHERE code = ?",
                         (office,))
            if row is None:
                return None
            name, zone = row[0], ZoneInfo(row[1])
            try:
                settings = parse_settings(json.loads(row[2]))
            except (ProtocolError, ValueError):  # checked when set; an old store: no settings
                settings = parse_settings({})
            day = now.astimezone(zone).date()
            events = tx.all("SELECT kind, event_at, payload FROM events WHERE office_code = ?"
                            " AND office_day = ? AND kind IN (?, ?, ?)",
                            (office, day.isoformat(), *_KINDS))
            last = _last_contact(tx, office)
        issued: dict[str, dict[int, datetime]] = {}
        changed: dict[str, tuple[datetime, int]] = {}
        refused: dict[str, tuple[datetime, int | None]] = {}
        for kind, at_text, payload_text in events:
            payload, at = json.loads(payload_text), datetime.fromisoformat(at_text)
            lane = payload.get("lane") if isinstance(payload, dict) else None
            if not isinstance(lane, str):
                continue
            if kind == "issued" and isinstance(payload.get("number"), int):
                taken = issued.setdefault(lane, {})
                number = payload["number"]
                taken[number] = min(at, taken.get(number, at))
            elif kind == "cap_changed" and isinstance(payload.get("new"), int):
                if lane not in changed or at > changed[lane][0]:
                    changed[lane] = (at, payload["new"])
            elif kind == "refused_cap" and not payload.get("leased"):
                # A leasing kiosk turned away while others may still hold numbers: not the
                # office's quota running out.
                cap = payload.get("cap") if isinstance(payload.get("cap"), int) else None
                if lane not in refused or at < refused[lane][0]:
                    refused[lane] = (at, cap)
        caps = settings.caps
        services = []
        # The usual services in their usual order (A, P, B), then the others by letter.
        order = {code: i for i, code in enumerate(DEFAULT_LANES)}
        for code in sorted(set(caps) | set(issued) | set(changed) | set(refused),
                           key=lambda c: (order.get(c, len(order)), c)):
            cap_known = code in caps or code in changed or (
                code in refused and refused[code][1] is not None)
            cap = changed[code][1] if code in changed else caps.get(code) if code in caps \
                else refused[code][1] if code in refused else None
            times = list(issued.get(code, {}).values())
            count = len(times)
            first_refused = refused[code][0] if code in refused else None
            name_id, name_en = service_names(code)
            services.append(ServiceFigure(code, name_id, name_en, cap, count,
                                          left_of(cap, count),
                                          ran_out_at(cap, times, first_refused), cap_known))
        opening = UNKNOWN_OPENING
        if settings.hours is not None:
            schedule = Schedule(zone, settings.hours, settings.holidays or frozenset())
            opening = opening_of(schedule, now, [s.code for s in services] or list(caps)
                                 or ["A"])
        return QuotaToday(office, name, zone, day, opening, tuple(services), last,
                          is_stale(last, now), "hub")


def _last_contact(tx: Tx, office: str) -> datetime | None:
    """The newest push or lease request of the office's kiosks (hub clock)."""
    row = tx.one("SELECT max(last_seen_at) FROM tokens WHERE office_code = ? AND role = 'kiosk'",
                 (office,))
    return None if row is None or row[0] is None else datetime.fromisoformat(row[0])
