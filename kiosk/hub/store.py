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

``HubStore`` is the one interface the app, the CLI and the tests use; each
part lives in its own module: connections and transactions (database.py), the
tables (schema.py), offices, tokens and settings (offices.py), events
(events.py), bookings (bookings.py), number leases (leases.py), the public
quota figures (quota.py) and relayed tracking pages (tracking.py).
"""

from __future__ import annotations

from pathlib import Path

from kiosk.hub.bookings import Bookings
from kiosk.hub.database import BUSY_TIMEOUT_S, is_postgres_url
from kiosk.hub.errors import HubError
from kiosk.hub.events import Events
from kiosk.hub.leases import DEFAULT_LEASE_BLOCK, MIN_SILENCE, RECLAIM_WINDOW, Leases
from kiosk.hub.offices import Offices, Principal, hash_token
from kiosk.hub.quota import PublicQuota
from kiosk.hub.salts import SaltBox
from kiosk.hub.schema import create_schema
from kiosk.hub.tracking import Tracking

__all__ = ["BUSY_TIMEOUT_S", "DEFAULT_LEASE_BLOCK", "MIN_SILENCE", "RECLAIM_WINDOW", "HubError",
           "HubStore", "Principal", "hash_token", "is_postgres_url"]


class HubStore(Offices, Events, Bookings, Leases, PublicQuota, Tracking):
    """The hub's data behind one interface: ``HubStore.open(path_or_url)``."""

    def __init__(self, target: str, hub_key: bytes | None = None) -> None:
        super().__init__(target)
        # The offices' NIK salts are sealed under the hub key (kiosk/hub/salts.py): the
        # database alone never holds them.
        self.salts = SaltBox(hub_key)
        with self._tx() as tx:
            create_schema(tx)
        self.seal_plain_salts()

    @classmethod
    def open(cls, target: str | Path, hub_key: bytes | None = None) -> HubStore:
        return cls(str(target), hub_key)
