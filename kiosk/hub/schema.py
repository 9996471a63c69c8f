"""The hub's tables, one statement list for SQLite and PostgreSQL, created on start.

Offices (with their settings and booking change counter), kiosk and central
tokens (hashes only), pushed events (and those refused or in conflict), bookings,
and the number leases: grants, numbers held, kiosks waiting for numbers, and
releases of a dead kiosk's numbers; the tracking pages kiosks relay.
Every statement is ``IF NOT EXISTS``: starting the hub on an existing store
changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.hub.database import Tx

TABLES = [
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
    # Pushed events the hub would not store, and why (a check-in no ticket of its kiosk
    # backs): acknowledged to the kiosk with the reason, kept here for the office.
    """CREATE TABLE IF NOT EXISTS refused_events (
        id TEXT PRIMARY KEY,
        office_code TEXT NOT NULL,
        device_id TEXT NOT NULL,
        office_day TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        reason TEXT NOT NULL,
        refused_at TEXT NOT NULL)""",
    # An id pushed again with other content: the stored one stays; each other version
    # is kept once, with how often it came.
    """CREATE TABLE IF NOT EXISTS event_conflicts (
        id TEXT NOT NULL,
        office_code TEXT NOT NULL,
        device_id TEXT NOT NULL,
        stored_sha256 TEXT NOT NULL,
        sent_sha256 TEXT NOT NULL,
        sent_event TEXT NOT NULL,
        first_at TEXT NOT NULL,
        last_at TEXT NOT NULL,
        times INTEGER NOT NULL,
        PRIMARY KEY (id, sent_sha256))""",
    # Tracking pages relayed for phones on the internet (kiosk/hub/tracking.py).
    """CREATE TABLE IF NOT EXISTS tracking (
        office_code TEXT NOT NULL,
        token TEXT NOT NULL,
        device_id TEXT NOT NULL,
        office_day TEXT NOT NULL,
        state TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        opened_at TEXT,
        PRIMARY KEY (office_code, token))""",
]


def create_schema(tx: Tx) -> None:
    if tx.postgres:  # two hub processes starting at once create it once
        tx.run("SELECT pg_advisory_xact_lock(84708470)")
    for statement in TABLES:
        tx.run(statement)
