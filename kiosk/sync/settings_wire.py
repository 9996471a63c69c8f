"""The office settings on the wire: the document the centre sets for an office, checked
with the config file's own rules and messages, and the hub's reply carrying it.

Both ends use it: the hub refuses bad settings when they are set, and the kiosk
checks them again when it pulls them (kiosk/sync/pull.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.config.model import SERVICE_CODE, WEEKDAYS, DayHours
from kiosk.config.parse_office import parse_day
from kiosk.config.reader import ConfigError, _Reader
from kiosk.sync.protocol import MAX_LEASE_WANT, ProtocolError, _need, check_version

SETTINGS_KEYS = ("caps", "hours", "holidays", "public_keys", "lease_block")
SETTINGS_SOURCE = Path("hub settings")


@dataclass(frozen=True)
class OfficeSettings:
    """What the centre decides for an office; a key left out keeps the kiosk's own config."""

    caps: dict[str, int | None] = field(default_factory=dict)
    hours: dict[int, DayHours | None] | None = None
    holidays: frozenset[date] | None = None
    public_keys: dict[str, str] | None = None
    lease_block: int | None = None


_ALL_CODES = {chr(c) for c in range(ord("A"), ord("Z") + 1)}


def parse_settings(data: Any) -> OfficeSettings:
    """Validate the settings object with the config file's own rules and messages."""
    if not isinstance(data, dict):
        raise ProtocolError("'settings' must be a JSON object")
    reader = _Reader(SETTINGS_SOURCE, data)
    try:
        reader.unknown_keys(set(SETTINGS_KEYS))
        caps: dict[str, int | None] = {}
        if "caps" in data:
            caps_reader = reader.table("caps")
            for lane, value in caps_reader.data.items():  # any service code (issue 13)
                if not SERVICE_CODE.match(lane):
                    raise caps_reader.fail(lane, "a service code, one capital letter A-Z", lane)
                caps[lane] = None if value is None else caps_reader.integer(lane, lo=0, hi=999)
        hours = None
        if "hours" in data:
            hours_reader = reader.table("hours")
            hours_reader.unknown_keys(set(WEEKDAYS))
            hours = {i: parse_day(hours_reader, name, _ALL_CODES)
                     for i, name in enumerate(WEEKDAYS)}
            if not any(hours.values()):
                raise hours_reader.fail("mon", "opening hours on at least one weekday")
        holidays = None
        if "holidays" in data:
            raw = reader._get("holidays", None, list, 'a list of dates such as ["2026-12-25"]')
            try:
                holidays = frozenset(date.fromisoformat(str(item)) for item in raw)
            except ValueError:
                raise reader.fail("holidays", "dates as YYYY-MM-DD") from None
        public_keys = None
        if "public_keys" in data:
            from kiosk.checkin.booking_qr import KEY_ID_PATTERN, load_public_key

            keys_reader = reader.table("public_keys")
            public_keys = {}
            for key_id in keys_reader.data:
                value = keys_reader.text(key_id)
                if not KEY_ID_PATTERN.fullmatch(key_id):
                    raise keys_reader.fail(key_id, "a key id of 1-16 letters, digits, '_' or '-'")
                try:
                    load_public_key(value)
                except ValueError:
                    raise keys_reader.fail(key_id, "a base64 Ed25519 public key") from None
                public_keys[key_id] = value
        lease_block = reader.integer("lease_block", None, lo=1, hi=MAX_LEASE_WANT)
    except ConfigError as exc:
        raise ProtocolError(str(exc)) from None
    return OfficeSettings(caps, hours, holidays, public_keys, lease_block)


def salt_fingerprint(salt: bytes) -> str | None:
    """A short, non-reversible name for a NIK salt: kiosk and hub must use the same one."""
    if not salt:
        return None
    return hashlib.sha256(b"antrian-nik-salt:" + salt).hexdigest()[:16]


@dataclass(frozen=True)
class SettingsReply:
    office_code: str
    version: int
    raw: dict[str, Any]
    settings: OfficeSettings
    nik_salt_fingerprint: str | None


def parse_settings_reply(data: Any) -> SettingsReply:
    check_version(data)
    raw = _need(data, "settings", dict, "a JSON object")
    fingerprint = data.get("nik_salt_fingerprint")
    if fingerprint is not None and not isinstance(fingerprint, str):
        raise ProtocolError("'nik_salt_fingerprint' must be text or null")
    return SettingsReply(_need(data, "office", str, "an office code"),
                         _need(data, "version", int, "a version number"), raw,
                         parse_settings(raw), fingerprint)
