"""The hub's admin side: offices, the tokens of their kiosks and the centre, and the
settings the centre sets for an office.

A token is kept only as its hash; ``identify`` turns a presented token into the
``Principal`` it belongs to, or nothing once revoked.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.clock import utc_now
from kiosk.config.model import CODE_PATTERN, OFFICE_TIMEZONES
from kiosk.hub.database import Database
from kiosk.hub.errors import HubError
from kiosk.hub.salts import SEALED_PREFIX, SaltBox
from kiosk.sync.settings_wire import parse_settings
from kiosk.web.bearer import hash_token

if TYPE_CHECKING:
    from kiosk.hub.database import Tx


@dataclass(frozen=True)
class Principal:
    """Who a token belongs to: a kiosk of one office, or the centre (one office or all)."""

    role: str  # kiosk | central
    office_code: str | None  # None: a central token for every office
    device_id: str | None
    token_hash: str

    def may_use(self, office_code: str) -> bool:
        return self.office_code is None or self.office_code == office_code


def read_settings(tx: Tx, office: str, salts: SaltBox) -> tuple[int, dict[str, Any], bytes]:
    """An office's settings version, its settings and its NIK salt (opened with the hub key)."""
    row = tx.one("SELECT settings_version, settings, nik_salt FROM offices"
                 " WHERE code = ?", (office,))
    if row is None:
        raise HubError(404, "unknown_office", f"no office {office} on this hub")
    return row[0], json.loads(row[1]), salts.open(office, row[2])


class Offices(Database):
    """Offices, tokens and settings: what ``kiosk hub`` commands and central tokens change."""

    salts: SaltBox = SaltBox(None)  # HubStore sets the hub's own

    def seal_plain_salts(self) -> int:
        """Seal salts a store from before sealing kept in clear; the count sealed."""
        if not self.salts.ready:
            return 0
        with self._tx() as tx:
            rows = tx.all("SELECT code, nik_salt FROM offices WHERE nik_salt <> ''"
                          " AND nik_salt NOT LIKE ?", (SEALED_PREFIX + "%",))
            for code, plain in rows:
                tx.run("UPDATE offices SET nik_salt = ? WHERE code = ?",
                       (self.salts.seal(code, bytes.fromhex(plain)), code))
        if rows and not self.postgres:
            # The old row stays in the file's free pages and the WAL until rewritten:
            # VACUUM rewrites the file, the checkpoint empties the WAL. (PostgreSQL keeps
            # dead rows until its own VACUUM: docs/install.md says to run one.)
            with self._borrow() as conn:
                conn.execute("VACUUM")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(rows)

    def sealed_offices(self) -> list[str]:
        """Offices whose NIK salt is sealed: a hub serving them needs its key."""
        with self._tx(read=True) as tx:
            return [r[0] for r in tx.all("SELECT code FROM offices WHERE nik_salt LIKE ?"
                                         " ORDER BY code", (SEALED_PREFIX + "%",))]

    def add_office(self, code: str, name: str, timezone: str, nik_salt: bytes = b"",
                   now: datetime | None = None) -> None:
        if not CODE_PATTERN.match(code):
            raise HubError(400, "bad_office", "an office code is 2-16 capitals, digits or '-'")
        if timezone not in OFFICE_TIMEZONES:
            raise HubError(400, "bad_timezone", f"timezone must be one of "
                           f"{', '.join(OFFICE_TIMEZONES)}")
        if nik_salt and len(nik_salt) < 16:
            raise HubError(400, "bad_salt", "the NIK salt must be at least 16 random bytes")
        at = (now or utc_now()).isoformat()
        sealed = self.salts.seal(code, nik_salt) if nik_salt else ""
        with self._tx() as tx:
            tx.run("INSERT INTO offices (code, name, timezone, nik_salt, created_at)"
                   " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                   " timezone = excluded.timezone, nik_salt = CASE WHEN excluded.nik_salt = ''"
                   " THEN offices.nik_salt ELSE excluded.nik_salt END",
                   (code, name, timezone, sealed, at))

    def offices(self) -> list[dict[str, Any]]:
        with self._tx(read=True) as tx:
            rows = tx.all("SELECT code, name, timezone, settings_version, booking_seq"
                          " FROM offices ORDER BY code")
            devices = tx.all("SELECT office_code, device_id, last_seen_at, clock_skew_s"
                             " FROM tokens WHERE role = 'kiosk' AND revoked_at IS NULL"
                             " ORDER BY device_id")
            # Pushed events kept aside (kiosk/hub/event_checks.py): a bug or a forgery.
            refused = dict(tx.all("SELECT office_code, count(*) FROM refused_events"
                                  " GROUP BY office_code"))
            conflicts = dict(tx.all("SELECT office_code, sum(times) FROM event_conflicts"
                                    " GROUP BY office_code"))
        return [{"code": r[0], "name": r[1], "timezone": r[2], "settings_version": r[3],
                 "booking_changes": r[4], "refused_events": int(refused.get(r[0], 0)),
                 "event_conflicts": int(conflicts.get(r[0], 0)),
                 "kiosks": [{"device_id": d[1], "last_seen_at": d[2], "clock_skew_s": d[3]}
                            for d in devices if d[0] == r[0]]} for r in rows]

    def add_token(self, role: str, office_code: str | None, device_id: str | None = None,
                  now: datetime | None = None) -> str:
        """Make a token and keep only its hash; the token is shown once, to the admin."""
        if role not in ("kiosk", "central"):
            raise HubError(400, "bad_role", "role must be kiosk or central")
        if role == "kiosk" and (office_code is None or device_id is None
                                or not CODE_PATTERN.match(device_id)):
            raise HubError(400, "bad_device", "a kiosk token needs an office and a device id"
                           " (2-16 capitals, digits or '-')")
        token = secrets.token_urlsafe(32)
        with self._tx() as tx:
            if office_code is not None and tx.one(
                    "SELECT 1 FROM offices WHERE code = ?", (office_code,)) is None:
                raise HubError(404, "unknown_office", f"no office {office_code} on this hub")
            if role == "kiosk":
                owner = tx.one("SELECT office_code FROM tokens WHERE role = 'kiosk' AND"
                               " device_id = ? AND revoked_at IS NULL", (device_id,))
                if owner is not None and owner[0] != office_code:
                    raise HubError(409, "device_elsewhere",
                                   f"device {device_id} belongs to office {owner[0]}")
            tx.run("INSERT INTO tokens (token_hash, role, office_code, device_id, created_at)"
                   " VALUES (?, ?, ?, ?, ?)",
                   (hash_token(token), role, office_code, device_id,
                    (now or utc_now()).isoformat()))
        return token

    def revoke_device(self, device_id: str, now: datetime | None = None) -> int:
        with self._tx() as tx:
            return tx.run("UPDATE tokens SET revoked_at = ? WHERE device_id = ? AND"
                          " revoked_at IS NULL", ((now or utc_now()).isoformat(),
                                                  device_id)).rowcount

    def identify(self, token: str) -> Principal | None:
        digest = hash_token(token)
        with self._borrow() as conn:
            row = conn.cursor().execute(
                ("SELECT role, office_code, device_id FROM tokens WHERE token_hash = %s"
                 " AND revoked_at IS NULL") if self.postgres else
                ("SELECT role, office_code, device_id FROM tokens WHERE token_hash = ?"
                 " AND revoked_at IS NULL"), (digest,)).fetchone()
        return None if row is None else Principal(row[0], row[1], row[2], digest)

    def set_settings(self, office: str, settings: dict[str, Any]) -> int:
        """Replace an office's settings (validated like a config file); returns the version."""
        parse_settings(settings)  # raises ProtocolError with the key and the reason
        text = json.dumps(settings, sort_keys=True, separators=(",", ":"))
        with self._tx(office) as tx:
            row = tx.one("UPDATE offices SET settings = ?, settings_version ="
                         " settings_version + 1 WHERE code = ? RETURNING settings_version",
                         (text, office))
        if row is None:
            raise HubError(404, "unknown_office", f"no office {office} on this hub")
        return row[0]

    def settings(self, office: str) -> tuple[int, dict[str, Any], bytes]:
        with self._tx(read=True) as tx:
            return read_settings(tx, office, self.salts)
