"""Applying what the hub sends: its office settings on top of the config file (swapped in
between two tickets) and pulled bookings, by the same rules as a file import."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.checkin.bookings import (
    ImportReport,
    _apply,
    _NewApplicant,
    _NewBooking,
    _write,
    load_booking,
)
from kiosk.config import Config
from kiosk.queue.leases import leased_lanes
from kiosk.queue.schedule import Schedule
from kiosk.store.events import append_event
from kiosk.sync.protocol import ProtocolError, PulledBooking
from kiosk.sync.records import META_SETTINGS, read_meta
from kiosk.sync.settings_wire import OfficeSettings, parse_settings

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)


def settings_config(base: Config, settings: OfficeSettings) -> Config:
    """The file's config with the hub's keys on top; a key the hub drops reverts to the file."""
    lanes = dict(base.lanes)
    for lane, cap in settings.caps.items():
        if lane in lanes:
            lanes[lane] = replace(lanes[lane], cap=cap)
    checkin = base.checkin if settings.public_keys is None else replace(
        base.checkin, public_keys=dict(settings.public_keys))
    return replace(base, lanes=lanes,
                   hours=base.hours if settings.hours is None else settings.hours,
                   holidays=base.holidays if settings.holidays is None else settings.holidays,
                   checkin=checkin)


def stored_settings(db: sqlite_utils.Database) -> OfficeSettings | None:
    """The last settings pulled from the hub (kept across restarts and offline days)."""
    text = read_meta(db, META_SETTINGS)
    if text is None:
        return None
    try:
        return parse_settings(json.loads(text)["settings"])
    except (ProtocolError, ValueError, KeyError) as exc:
        log.warning("stored hub settings ignored: %s", exc)
        return None


def apply_to_appliance(appliance: Any, config: Config) -> None:
    """Swap in new settings between tickets: issue() and check_in() hold the same lock."""
    from kiosk.checkin.booking_qr import load_public_keys

    service = appliance.service
    with service.lock:
        service.config = config
        # The sync worker may have leased another service for a cap the hub set.
        service.numbering.leased_lanes = leased_lanes(service.db)
        service.schedule = Schedule.of(config)
        checkin = getattr(appliance, "checkin", None)
        if checkin is not None:
            checkin.config = config
            checkin.schedule = service.schedule
            checkin.policy = replace(checkin.policy,
                                     public_keys=load_public_keys(config.checkin.public_keys))
        appliance.config = config


def apply_booking(conn: Any, config: Config, pulled: PulledBooking, now: datetime) -> None:
    """The file import's rules, so a pull and a file can never disagree."""
    office = config.office.code
    if pulled.office_code != office:
        log.warning("booking %s of office %s ignored", pulled.code, pulled.office_code)
        return
    existing = load_booking(conn, pulled.code)
    new = _NewBooking(pulled.code, office, pulled.day, pulled.slot_start, pulled.slot_end,
                      pulled.status,
                      tuple(_NewApplicant(a.nickname, a.nik_hash, a.nik_masked)  # type: ignore[arg-type]
                            for a in pulled.applicants), pulled.change)
    if pulled.status == "checked_in":  # at another kiosk of the office
        at = (pulled.checked_in_at or now).isoformat()
        if existing is None:
            _write(conn, new, now, "hub", exists=False)
        elif existing.status != "booked":
            return
        conn.execute("UPDATE bookings SET status = 'checked_in', checked_in_at = ?,"
                     " updated_at = ? WHERE code = ?", (at, now.isoformat(), pulled.code))
        return
    kind = _apply(conn, new, existing, now, "hub", ImportReport(), "change")
    if kind is not None:
        append_event(conn, office_code=office, office_day=pulled.day,
                     device_id=config.office.device_id, kind=kind, at=now,
                     payload={"code": pulled.code, "day": pulled.day.isoformat(),
                              "slot": f"{pulled.slot_start:%H:%M}-{pulled.slot_end:%H:%M}",
                              "applicants": len(pulled.applicants), "status": pulled.status,
                              "source": "hub", "change": pulled.change})
