"""The kiosk's local SQLite store: durable settings, migrations, transactions.

WAL with ``synchronous=FULL`` means a committed ticket survives a power cut;
``BEGIN IMMEDIATE`` takes the write lock before the first read, so two
processes can never read the same "last number" and both add one to it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_S = 10.0


def _v1(db: sqlite_utils.Database) -> None:
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


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1]


def connect(path: Path | str) -> sqlite_utils.Database:
    """Open the store with the pragmas every connection needs, and migrate it."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    db = sqlite_utils.Database(conn)
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    db.enable_wal()
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    migrate(db)
    return db


@contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
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


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
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
