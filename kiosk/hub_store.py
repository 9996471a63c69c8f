"""The hub's storage: SQLite for one region, PostgreSQL for the whole country.

One class and one set of SQL statements for both (written with ``?``, turned
into ``%s`` for psycopg), so a behaviour tested on SQLite is the behaviour on
PostgreSQL. Every write is one transaction; everything that must happen in
order within an office (booking change numbers, number leases) first locks
the office's row, so PostgreSQL's concurrent writers commit those changes in
the order of their numbers and a kiosk's cursor never skips one.

Idempotency lives here: an event is stored under its id once, a lease
request under its request id once, a lease return frees numbers only of
the grant it names, and releasing a dead kiosk twice frees nothing more.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kiosk.bearer import hash_token
from kiosk.bookings import ImportFileError, ImportReport, RowProblem, _NewBooking, _read_json
from kiosk.clock import utc_now
from kiosk.config import _CODE, LANE_CODES, OFFICE_TIMEZONES
from kiosk.sync_protocol import (
    Event,
    LeaseGrant,
    LeaseRequest,
    LeaseReturn,
    PulledApplicant,
    PulledBooking,
    PushResult,
    Release,
    parse_settings,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

BUSY_TIMEOUT_S = 10.0
RECLAIM_WINDOW = timedelta(minutes=10)  # how long an empty kiosk's request counts as demand
DEFAULT_LEASE_BLOCK = 10
# A kiosk heard from more recently than this may still be issuing: no release without force.
MIN_SILENCE = timedelta(minutes=10)


class HubError(Exception):
    """A request the hub refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Principal:
    """Who a token belongs to: a kiosk of one office, or the centre (one office or all)."""

    role: str  # kiosk | central
    office_code: str | None  # None: a central token for every office
    device_id: str | None
    token_hash: str

    def may_use(self, office_code: str) -> bool:
        return self.office_code is None or self.office_code == office_code


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS offices (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        timezone TEXT NOT NULL,
        nik_salt TEXT NOT NULL DEFAULT '',
        settings TEXT NOT NULL DEFAULT '{}',
        settings_version INTEGER NOT NULL DEFAULT 0,
        booking_seq BIGINT NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tokens (
        token_hash TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('kiosk', 'central')),
        office_code TEXT REFERENCES offices (code),
        device_id TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        last_seen_at TEXT,
        clock_skew_s DOUBLE PRECISION)""",
    """CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY,
        office_code TEXT NOT NULL,
        device_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        event_at TEXT NOT NULL,
        office_day TEXT NOT NULL,
        kind TEXT NOT NULL,
        ticket_id TEXT,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL,
        pushed_by TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS events_by_day ON events (office_code, office_day)",
    """CREATE TABLE IF NOT EXISTS bookings (
        code TEXT PRIMARY KEY,
        office_code TEXT NOT NULL REFERENCES offices (code),
        booking_day TEXT NOT NULL,
        slot_start TEXT NOT NULL,
        slot_end TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'cancelled')),
        applicants TEXT NOT NULL,
        change BIGINT NOT NULL,
        checked_in_at TEXT,
        updated_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS bookings_by_change ON bookings (office_code, change)",
    """CREATE TABLE IF NOT EXISTS lease_grants (
        grant_id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        office_code TEXT NOT NULL,
        office_day TEXT NOT NULL,
        lane TEXT NOT NULL,
        numbers TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        UNIQUE (device_id, request_id))""",
    """CREATE TABLE IF NOT EXISTS lease_numbers (
        office_code TEXT NOT NULL,
        office_day TEXT NOT NULL,
        lane TEXT NOT NULL,
        number INTEGER NOT NULL,
        grant_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        PRIMARY KEY (office_code, office_day, lane, number))""",
    """CREATE TABLE IF NOT EXISTS lease_demand (
        office_code TEXT NOT NULL,
        office_day TEXT NOT NULL,
        lane TEXT NOT NULL,
        device_id TEXT NOT NULL,
        since TEXT NOT NULL,
        PRIMARY KEY (office_code, office_day, lane, device_id))""",
    # Numbers staff took back from a dead kiosk (`kiosk hub release`): the kiosk is told
    # in its lease answers, and the record says who did it and when.
    """CREATE TABLE IF NOT EXISTS lease_releases (
        office_code TEXT NOT NULL,
        office_day TEXT NOT NULL,
        lane TEXT NOT NULL,
        device_id TEXT NOT NULL,
        released_at TEXT NOT NULL,
        numbers TEXT NOT NULL,
        kept_used TEXT NOT NULL,
        forced INTEGER NOT NULL,
        released_by TEXT NOT NULL,
        PRIMARY KEY (office_code, office_day, lane, device_id, released_at))""",
]


class _Tx:
    """One open transaction; ``?`` placeholders whatever the database."""

    def __init__(self, conn: Any, postgres: bool) -> None:
        self.conn, self.postgres = conn, postgres
        self.cur = conn.cursor()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.cur.execute(self._sql(sql), tuple(params))
        return self.cur

    def many(self, sql: str, rows: list[Sequence[Any]]) -> int:
        if not rows:
            return 0
        self.cur.executemany(self._sql(sql), [tuple(r) for r in rows])
        return self.cur.rowcount

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.run(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.run(sql, params).fetchall()


class HubStore:
    """The hub's data behind one interface: ``HubStore.open(path_or_url)``."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.postgres = is_postgres_url(target)
        self.kind = "postgresql" if self.postgres else "sqlite"
        self._local = threading.local()
        self._conns: list[Any] = []
        self._conns_lock = threading.Lock()
        if not self.postgres and target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        self._create_schema()

    @classmethod
    def open(cls, target: str | Path) -> HubStore:
        return cls(str(target))

    # --- connections and transactions --------------------------------------

    def _connect(self) -> Any:
        if self.postgres:
            import psycopg

            conn = psycopg.connect(self.target, autocommit=True, connect_timeout=10)
        else:
            conn = sqlite3.connect(self.target, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            # An acknowledged event must survive a power cut at the hub too.
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        with self._conns_lock:
            self._conns.append(conn)
        return conn

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or (self.postgres and conn.closed):
            conn = self._local.conn = self._connect()
        return conn

    @contextmanager
    def _tx(self, office: str | None = None, read: bool = False) -> Iterator[_Tx]:
        """A transaction; with ``office`` it holds that office's row lock.

        ``read``: a snapshot for reading, which on SQLite does not take the write lock.
        """
        conn = self._conn()
        if self.postgres:
            with conn.transaction():
                tx = _Tx(conn, True)
                if office is not None:
                    tx.run("SELECT 1 FROM offices WHERE code = ? FOR UPDATE", (office,))
                yield tx
            return
        # One writer at a time: offices are serialised too.
        conn.execute("BEGIN" if read else "BEGIN IMMEDIATE")
        try:
            yield _Tx(conn, False)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _create_schema(self) -> None:
        with self._tx() as tx:
            if self.postgres:  # two hub processes starting at once create it once
                tx.run("SELECT pg_advisory_xact_lock(84708470)")
            for statement in _SCHEMA:
                tx.run(statement)

    def close(self) -> None:
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(Exception):  # shutting down: nothing left to do
                conn.close()
        self._local = threading.local()

    # --- offices, tokens, settings (admin) ---------------------------------

    def add_office(self, code: str, name: str, timezone: str, nik_salt: bytes = b"",
                   now: datetime | None = None) -> None:
        if not _CODE.match(code):
            raise HubError(400, "bad_office", "an office code is 2-16 capitals, digits or '-'")
        if timezone not in OFFICE_TIMEZONES:
            raise HubError(400, "bad_timezone", f"timezone must be one of "
                           f"{', '.join(OFFICE_TIMEZONES)}")
        if nik_salt and len(nik_salt) < 16:
            raise HubError(400, "bad_salt", "the NIK salt must be at least 16 random bytes")
        at = (now or utc_now()).isoformat()
        with self._tx() as tx:
            tx.run("INSERT INTO offices (code, name, timezone, nik_salt, created_at)"
                   " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                   " timezone = excluded.timezone, nik_salt = CASE WHEN excluded.nik_salt = ''"
                   " THEN offices.nik_salt ELSE excluded.nik_salt END",
                   (code, name, timezone, nik_salt.hex(), at))

    def offices(self) -> list[dict[str, Any]]:
        with self._tx(read=True) as tx:
            rows = tx.all("SELECT code, name, timezone, settings_version, booking_seq"
                          " FROM offices ORDER BY code")
            devices = tx.all("SELECT office_code, device_id, last_seen_at, clock_skew_s"
                             " FROM tokens WHERE role = 'kiosk' AND revoked_at IS NULL"
                             " ORDER BY device_id")
        return [{"code": r[0], "name": r[1], "timezone": r[2], "settings_version": r[3],
                 "booking_changes": r[4],
                 "kiosks": [{"device_id": d[1], "last_seen_at": d[2], "clock_skew_s": d[3]}
                            for d in devices if d[0] == r[0]]} for r in rows]

    def add_token(self, role: str, office_code: str | None, device_id: str | None = None,
                  now: datetime | None = None) -> str:
        """Make a token and keep only its hash; the token is shown once, to the admin."""
        if role not in ("kiosk", "central"):
            raise HubError(400, "bad_role", "role must be kiosk or central")
        if role == "kiosk" and (office_code is None or device_id is None
                                or not _CODE.match(device_id)):
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
        row = self._conn().cursor().execute(
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
            row = tx.one("SELECT settings_version, settings, nik_salt FROM offices"
                         " WHERE code = ?", (office,))
        if row is None:
            raise HubError(404, "unknown_office", f"no office {office} on this hub")
        return row[0], json.loads(row[1]), bytes.fromhex(row[2])

    # --- events --------------------------------------------------------------

    def ingest(self, who: Principal, events: Sequence[Event], kiosk_sent_at: datetime,
               now: datetime) -> PushResult:
        """Store a batch once, whatever how often it arrives; all or nothing."""
        # The office comes from the token. The device id inside an event may be an
        # older name of the same kiosk (renamed in its config): kept, with pushed_by.
        for event in events:
            if event.office_code != who.office_code:
                raise HubError(403, "not_yours", f"kiosk {who.device_id} of office "
                               f"{who.office_code} cannot write events of office "
                               f"{event.office_code}")
        ids = [e.id for e in events]
        received = now.isoformat()
        with self._tx() as tx:
            known: set[str] = set()
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                known |= {r[0] for r in tx.all(f"SELECT id FROM events WHERE id IN ({marks})",
                                                chunk)}
            new = [e for e in events if e.id not in known]
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
        stored = max(stored, 0) if new else 0
        return PushResult(tuple(ids), stored, len(events) - stored, now)

    def _hold_pushed_numbers(self, tx: _Tx, who: Principal, issued: Sequence[Event]) -> None:
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

    def _note_check_in(self, tx: _Tx, event: Event) -> None:
        """Other kiosks of the office learn the booking is used (their next pull)."""
        code = json.loads(event.payload).get("code")
        if not isinstance(code, str):
            return
        row = tx.one("SELECT status FROM bookings WHERE code = ? AND office_code = ?",
                     (code, event.office_code))
        if row is None or row[0] != "booked":
            return
        change = self._next_change(tx, event.office_code)
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

    # --- bookings --------------------------------------------------------------

    def _next_change(self, tx: _Tx, office: str) -> int:
        return tx.one("UPDATE offices SET booking_seq = booking_seq + 1 WHERE code = ?"
                      " RETURNING booking_seq", (office,))[0]

    def import_bookings(self, office: str, text: str, now: datetime) -> ImportReport:
        """The booking system's JSON list (the kiosk file format): NIKs are hashed here."""
        _, _, salt = self.settings(office)
        if len(salt) < 16:
            raise HubError(409, "no_salt", f"office {office} has no NIK salt on this hub "
                           "(kiosk hub add-office ... --nik-salt HEX)")
        report = ImportReport()
        try:
            items = _read_json(text, office, salt, report)
        except ImportFileError as exc:
            raise HubError(400, "bad_file", str(exc)) from None
        with self._tx(office) as tx:
            for new in items:
                self._apply_booking(tx, office, new, now, report)
        return report

    def _apply_booking(self, tx: _Tx, office: str, new: _NewBooking, now: datetime,
                       report: ImportReport) -> None:
        """The kiosk's rules: check-in and cancellation are final; re-sending is harmless."""
        row = tx.one("SELECT office_code, booking_day, slot_start, slot_end, status, applicants"
                     " FROM bookings WHERE code = ?", (new.code,))
        applicants = json.dumps([{"nickname": a.nickname, "nik_hash": a.nik_hash,
                                  "nik_masked": a.nik_masked} for a in new.applicants],
                                sort_keys=True)
        values = (new.day.isoformat(), f"{new.slot_start:%H:%M}", f"{new.slot_end:%H:%M}",
                  new.status, applicants)
        if row is not None and row[0] != office:
            report.problems.append(RowProblem(new.line, new.code, f"the code belongs to office "
                                              f"{row[0]}", "item"))
            return
        if row is None:
            tx.run("INSERT INTO bookings (code, office_code, booking_day, slot_start, slot_end,"
                   " status, applicants, change, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (new.code, office, *values, self._next_change(tx, office), now.isoformat()))
            if new.status == "cancelled":
                report.cancelled += 1
            else:
                report.added += 1
            return
        status = row[4]
        if status in ("checked_in", "cancelled"):
            if status == "cancelled" and new.status == "cancelled" or (
                    status == "checked_in" and tuple(row[1:4]) == values[:3]
                    and new.status == "booked" and row[5] == applicants):
                report.unchanged += 1
            else:
                why = ("already checked in at a kiosk" if status == "checked_in"
                       else "cancelled earlier; a cancelled booking is not reinstated")
                report.kept.append(RowProblem(new.line, new.code, why, "item"))
            return
        if tuple(row[1:6]) == values:
            report.unchanged += 1
            return
        tx.run("UPDATE bookings SET booking_day = ?, slot_start = ?, slot_end = ?, status = ?,"
               " applicants = ?, change = ?, updated_at = ? WHERE code = ?",
               (*values, self._next_change(tx, office), now.isoformat(), new.code))
        if new.status == "cancelled":
            report.cancelled += 1
        else:
            report.updated += 1

    def bookings_since(self, office: str, cursor: int, limit: int
                       ) -> tuple[list[PulledBooking], int, bool]:
        with self._tx(read=True) as tx:
            rows = tx.all("SELECT code, office_code, booking_day, slot_start, slot_end, status,"
                          " applicants, change, checked_in_at FROM bookings"
                          " WHERE office_code = ? AND change > ? ORDER BY change LIMIT ?",
                          (office, cursor, limit + 1))
        more = len(rows) > limit
        bookings = [PulledBooking(
            r[0], r[1], date.fromisoformat(r[2]), _hhmm(r[3]), _hhmm(r[4]), r[5],
            tuple(PulledApplicant(a["nickname"], a["nik_hash"], a["nik_masked"])
                  for a in json.loads(r[6])), r[7],
            None if r[8] is None else datetime.fromisoformat(r[8])) for r in rows[:limit]]
        return bookings, bookings[-1].change if bookings else cursor, more

    # --- number leases ----------------------------------------------------------

    def _lease_cap(self, tx: _Tx, office: str, lane: str) -> int | None:
        row = tx.one("SELECT settings FROM offices WHERE code = ?", (office,))
        if row is None:
            raise HubError(404, "unknown_office", f"no office {office} on this hub")
        return json.loads(row[0]).get("caps", {}).get(lane)

    def _lease_block(self, tx: _Tx, office: str) -> int:
        row = tx.one("SELECT settings FROM offices WHERE code = ?", (office,))
        return json.loads(row[0]).get("lease_block") or DEFAULT_LEASE_BLOCK

    def grant_lease(self, who: Principal, request: LeaseRequest, now: datetime) -> LeaseGrant:
        """Hand the lowest unleased numbers under the office cap to this kiosk."""
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
        if lane not in LANE_CODES:
            raise HubError(400, "bad_lane", f"lane must be one of {', '.join(LANE_CODES)}")
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

    def _numbers_on_tickets(self, tx: _Tx, office: str, day: str, lane: str) -> set[int]:
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


def _hhmm(text: str) -> time:
    return time.fromisoformat(text)

