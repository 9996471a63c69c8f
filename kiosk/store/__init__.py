"""The kiosk's local SQLite store: durable settings, migrations, transactions.

WAL with ``synchronous=FULL`` means a committed ticket survives a power cut;
``BEGIN IMMEDIATE`` takes the write lock before the first read, so two
processes can never read the same "last number" and both add one to it.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import sqlite_utils

BUSY_TIMEOUT_S = 10.0


class Database:
    """The store's connection: what the kiosk calls of ``sqlite_utils.Database``
    (``conn``, ``execute``, ``close``) directly, and every other attribute
    (``query``, ``table_names``, ``db["tickets"]``...) from a real
    ``sqlite_utils.Database`` on the same connection, made on first use.

    Why: importing sqlite-utils costs 50-150 ms (numpy, click, dateutil), and
    neither `kiosk issue` nor the kiosk's start-up uses any of it (issue 17;
    docs/design.md, "Start-up"). The connection is in autocommit mode
    (``isolation_level=None``), where sqlite-utils' ``execute`` is exactly
    ``conn.execute``.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._utils: sqlite_utils.Database | None = None

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def utils(self) -> sqlite_utils.Database:
        """The full sqlite-utils API on this connection (imported now, once)."""
        if self._utils is None:
            import sqlite_utils

            # No plugins: none is used, and finding them scans every installed package.
            self._utils = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._utils

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "_utils":
            raise AttributeError(name)
        return getattr(self.utils(), name)

    def __getitem__(self, name: str):
        return self.utils()[name]


def _v1(db: Database) -> None:
    db.execute(
        """CREATE TABLE tickets (
            office_code TEXT NOT NULL,
            office_day TEXT NOT NULL,
            lane TEXT NOT NULL,
            number INTEGER NOT NULL,
            id TEXT NOT NULL,
            label TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            device_id TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'waiting',
            printed INTEGER NOT NULL DEFAULT 0,
            print_error TEXT,
            -- Clustered by lane and day: the next number (max + 1) and "how many
            -- wait ahead" read one contiguous range, and a number exists once.
            -- No other index: each one is another page in every issuing commit.
            PRIMARY KEY (office_code, office_day, lane, number)
        ) WITHOUT ROWID"""
    )
    db.execute(
        # Written only when someone is turned away, never on the issuing path.
        """CREATE TABLE lane_days (
            office_code TEXT NOT NULL,
            office_day TEXT NOT NULL,
            lane TEXT NOT NULL,
            turned_away INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (office_code, office_day, lane)
        )"""
    )
    db.execute(
        """CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            at TEXT NOT NULL,
            office_code TEXT NOT NULL,
            office_day TEXT NOT NULL,
            device_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            ticket_id TEXT,
            payload TEXT NOT NULL DEFAULT '{}',
            sent_at TEXT
        )"""
    )
    # The outbox is append-only: only the sync worker's sent_at may change.
    # Event ids are unique by construction (device id + time-ordered random).
    db.execute(
        """CREATE TRIGGER events_append_only_update
           BEFORE UPDATE OF seq, id, at, office_code, office_day, device_id, kind,
                            ticket_id, payload ON events
           BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"""
    )
    db.execute(
        """CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
           BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"""
    )
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    # Few indexes on purpose: every index is another page in each issuing
    # commit. Lane-day lookups use the UNIQUE key; events are read in seq order
    # (rowids only grow because deletes are forbidden).


def _v2(db: Database) -> None:
    """Online bookings synced for offline check-in (kiosk/checkin/bookings.py).

    No NIK column: applicants keep only a keyed hash (to match a KTP at the
    counter) and a masked form for staff screens (UU 27/2022: store no more
    than the job needs). Bookings created from a signed QR have no NIK at all.
    """
    db.execute(
        """CREATE TABLE bookings (
            code TEXT PRIMARY KEY,
            office_code TEXT NOT NULL,
            booking_day TEXT NOT NULL,  -- YYYY-MM-DD, office-local
            slot_start TEXT NOT NULL,  -- HH:MM, office-local
            slot_end TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'booked'
                CHECK (status IN ('booked', 'checked_in', 'cancelled')),
            checked_in_at TEXT,
            updated_at TEXT NOT NULL,
            source TEXT NOT NULL  -- 'import:<file name>' or 'qr'
        )"""
    )
    db.execute(
        """CREATE TABLE booking_applicants (
            booking_code TEXT NOT NULL REFERENCES bookings (code),
            position INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
            nickname TEXT NOT NULL,
            nik_hash TEXT,
            nik_masked TEXT,
            ticket_number INTEGER,  -- the lane B number taken at check-in
            PRIMARY KEY (booking_code, position)
        ) WITHOUT ROWID"""
    )


def _calling(db: Database) -> None:
    """Calling tickets to counters (kiosk/queue/calling.py).

    Status goes waiting -> called -> served | no_show, and no_show -> waiting
    when the applicant returns in time. ``calls`` keeps every call and recall
    (the board's "last calls", the per-counter call ratio) apart from the
    issuing path, so issuing a number still writes no extra page.
    """
    for column in ("called_at TEXT", "counter INTEGER", "recalls INTEGER NOT NULL DEFAULT 0",
                   "served_at TEXT", "no_show_at TEXT"):
        db.execute(f"ALTER TABLE tickets ADD COLUMN {column}")
    db.execute(
        """CREATE TABLE calls (
            seq INTEGER PRIMARY KEY,
            office_code TEXT NOT NULL,
            office_day TEXT NOT NULL,
            lane TEXT NOT NULL,
            number INTEGER NOT NULL,
            ticket_id TEXT NOT NULL,
            label TEXT NOT NULL,
            counter INTEGER NOT NULL,
            at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('call', 'recall'))
        )"""
    )
    # A counter's calls of the day, in order: the input of the call ratio.
    db.execute("CREATE INDEX calls_by_counter ON calls (office_code, office_day, counter)")
    db.execute(
        """CREATE TRIGGER calls_append_only BEFORE UPDATE ON calls
           BEGIN SELECT RAISE(ABORT, 'calls are append-only'); END"""
    )
    db.execute(
        """CREATE TRIGGER calls_append_only_delete BEFORE DELETE ON calls
           BEGIN SELECT RAISE(ABORT, 'calls are append-only'); END"""
    )


def _sync_leases(db: Database) -> None:
    """Walk-in numbers leased from the hub (kiosk/queue/leases.py), when an office shares one cap.

    One row per leased number: ``free`` -> ``used`` in the issuing commit, or
    ``free`` -> ``returning`` -> ``returned`` when handed back to the hub. Only
    kiosks with [sync] leases = true ever write here.
    """
    db.execute(
        """CREATE TABLE lease_numbers (
            office_day TEXT NOT NULL,
            lane TEXT NOT NULL,
            number INTEGER NOT NULL,
            grant_id TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'free'
                CHECK (state IN ('free', 'used', 'returning', 'returned')),
            PRIMARY KEY (office_day, lane, number)
        ) WITHOUT ROWID"""
    )


def _walkin_niks(db: Database) -> None:
    """Walk-in/priority numbers per NIK per day (kiosk/queue/walkin_guard.py), when NIK entry is on.

    Only the office-keyed hash and the masked NIK (UU 27/2022); written in the
    issuing commit only by offices with [walkin] require_nik = true.
    """
    db.execute(
        """CREATE TABLE nik_tickets (
            office_code TEXT NOT NULL,
            office_day TEXT NOT NULL,
            nik_hash TEXT NOT NULL,
            lane TEXT NOT NULL,
            number INTEGER NOT NULL,
            ticket_id TEXT NOT NULL,
            label TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            nik_masked TEXT NOT NULL,
            priority_reason TEXT,
            PRIMARY KEY (office_code, office_day, nik_hash, lane, number)
        ) WITHOUT ROWID"""
    )
    db.execute(
        # A counter per NIK and day: how often a holder came back for more.
        """CREATE TABLE nik_refusals (
            office_code TEXT NOT NULL,
            office_day TEXT NOT NULL,
            nik_hash TEXT NOT NULL,
            lane TEXT NOT NULL,
            refused INTEGER NOT NULL DEFAULT 0,
            last_at TEXT NOT NULL,
            PRIMARY KEY (office_code, office_day, nik_hash, lane)
        ) WITHOUT ROWID"""
    )


def _lease_revoked(db: Database) -> None:
    """Leased numbers the hub took back from this kiosk (``kiosk hub release``): ``revoked``.

    Staff release a kiosk they believe dead; when it is back it must never issue
    those numbers. SQLite cannot change a CHECK, so the table is copied over.
    """
    db.execute(
        """CREATE TABLE lease_numbers_v2 (
            office_day TEXT NOT NULL,
            lane TEXT NOT NULL,
            number INTEGER NOT NULL,
            grant_id TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'free'
                CHECK (state IN ('free', 'used', 'returning', 'returned', 'revoked')),
            PRIMARY KEY (office_day, lane, number)
        ) WITHOUT ROWID"""
    )
    db.execute("INSERT INTO lease_numbers_v2 (office_day, lane, number, grant_id, state)"
               " SELECT office_day, lane, number, grant_id, state FROM lease_numbers")
    db.execute("DROP TABLE lease_numbers")
    db.execute("ALTER TABLE lease_numbers_v2 RENAME TO lease_numbers")


def _stages(db: Database) -> None:
    """Multi-stage visits (kiosk/queue/stages.py): the stage a ticket waits for or is at.

    NULL means the first stage of its service (or a service without stages), so
    issuing writes nothing new and every store of before this change reads as
    "everyone at their first stage". ``calls.stage`` is what the board shows.
    Adding a nullable column rewrites no row, so the migration is instant.
    """
    db.execute("ALTER TABLE tickets ADD COLUMN stage TEXT")
    db.execute("ALTER TABLE calls ADD COLUMN stage TEXT")


def _survey(db: Database) -> None:
    """Answers to the satisfaction survey (kiosk/survey/responses.py), one per ticket per day.

    No name, no NIK: the ticket is the only link to a person, and only to prove
    the respondent was served and has not answered yet (the UNIQUE key).
    ``full`` rows carry the nine elements and count in the IKM; ``quick`` rows
    carry the one four-faces answer and never do. The demographic codes are the
    regulation's form (kiosk/survey/responses.py lists them).
    """
    elements = ",\n            ".join(f"u{n} INTEGER CHECK (u{n} BETWEEN 1 AND 4)"
                                      for n in range(1, 10))
    all_set = " AND ".join(f"u{n} IS NOT NULL" for n in range(1, 10))
    none_set = " AND ".join(f"u{n} IS NULL" for n in range(1, 10))
    db.execute(
        f"""CREATE TABLE survey_responses (
            id TEXT PRIMARY KEY,
            office_code TEXT NOT NULL,
            office_day TEXT NOT NULL,
            lane TEXT NOT NULL,
            number INTEGER NOT NULL,
            ticket_id TEXT NOT NULL,
            answered_at TEXT NOT NULL,
            device_id TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('full', 'quick')),
            {elements},
            quick INTEGER CHECK (quick BETWEEN 1 AND 4),
            sex TEXT CHECK (sex IN ('L', 'P')),
            education TEXT CHECK (education IN ('sd', 'smp', 'sma', 'd1_d3', 'd4_s1', 's2', 's3')),
            occupation TEXT CHECK (occupation IN ('pns', 'tni', 'polri', 'swasta', 'wirausaha',
                                                  'lainnya')),
            comment TEXT CHECK (length(comment) <= 300),
            CHECK ((mode = 'full' AND {all_set} AND quick IS NULL)
                   OR (mode = 'quick' AND {none_set} AND quick IS NOT NULL)),
            UNIQUE (office_code, office_day, lane, number)
        )"""
    )


def _notify(db: Database) -> None:
    """Opt-in messages (kiosk/notify/): who asked, sealed until the office day ends, and
    an outbox with one row per (ticket, message kind), so a message is never due twice.

    ``phone_sealed`` is AES-GCM ciphertext under a key that is not in this file
    (kiosk/notify/sealing.py); it is set to NULL once the day is over. The outbox
    holds the message text (ticket label and counter only), never the number.
    """
    db.execute(
        """CREATE TABLE notify_optins (
            ticket_id TEXT PRIMARY KEY,
            office_code TEXT NOT NULL,
            office_day TEXT NOT NULL,
            lane TEXT NOT NULL,
            number INTEGER NOT NULL,
            label TEXT NOT NULL,
            phone_sealed TEXT,
            phone_masked TEXT NOT NULL,
            opted_at TEXT NOT NULL,
            erased_at TEXT
        )"""
    )
    db.execute("CREATE INDEX notify_optins_by_day ON notify_optins (office_code, office_day)")
    db.execute(
        """CREATE TABLE notify_outbox (
            id TEXT PRIMARY KEY,
            ticket_id TEXT NOT NULL,
            office_code TEXT NOT NULL,
            office_day TEXT NOT NULL,
            kind TEXT NOT NULL,
            label TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            next_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sent', 'failed', 'stale')),
            last_error TEXT,
            done_at TEXT,
            UNIQUE (ticket_id, kind)
        )"""
    )
    db.execute("CREATE INDEX notify_outbox_due ON notify_outbox (state, next_at)")


MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2, _calling, _sync_leases,
                                                              _walkin_niks, _lease_revoked,
                                                              _stages, _survey, _notify]


def connect(path: Path | str) -> Database:
    """Open the store with the pragmas every connection needs, and migrate it."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    migrate(db)
    return db


@contextmanager
def immediate(db: Database) -> Iterator[sqlite3.Connection]:
    """A write transaction that holds SQLite's write lock from its first statement.

    sqlite-utils' ``atomic()`` opens a deferred ``BEGIN``: two processes could
    both read before either writes. ``BEGIN IMMEDIATE`` serialises them.
    """
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def schema_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: Database) -> int:
    """Apply missing migrations, each in its own immediate transaction.

    The version is re-read inside the lock, so two kiosks starting at once on
    the same store apply each migration exactly once.
    """
    for version, step in enumerate(MIGRATIONS, start=1):
        if schema_version(db) >= version:
            continue
        with immediate(db):
            if schema_version(db) >= version:
                continue
            step(db)
            db.execute(f"PRAGMA user_version = {version}")
    return schema_version(db)
