"""Number leases: each capped service's daily cap shared by every kiosk of an office.

For each leased service (lane) the hub owns the office's numbers 1..cap and
lends each kiosk a block; a
kiosk issues only numbers it holds, so with no network at all the office
still never goes over its cap and never prints one number twice. The price
(docs/sync-protocol.md, "Number leases"): a kiosk cut off from the hub can
refuse a walk-in while another kiosk still holds unused numbers. Staff can
release a dead kiosk's numbers at the hub; the kiosk, once back, marks them
``revoked`` and never issues them.

Kiosk side only; every function here runs inside a transaction the caller
holds (the issuing commit, or the sync worker's short ``immediate`` one).
``lease_lanes`` in ``meta`` switches lanes to leased numbers for every
process sharing the store (the kiosk UI, ``kiosk issue``, check-in), so no
path can fall back to "max + 1" while leases are on for that lane. Every
capped walk-in and priority service is leased, each on its own (C's numbers
never touch A's); uncapped services never are.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from kiosk.store import immediate

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils

LEASE_LANES_KEY = "lease_lanes"
# {"office_day", "lanes": {lane: {"count", "cap"}}}: the hub's last lease answer per lane.
UNLEASED_KEY = "lease_unleased"


def leased_lanes(db: sqlite_utils.Database | sqlite3.Connection) -> frozenset[str]:
    """The lanes whose numbers come from hub leases (empty on a kiosk without a hub)."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (LEASE_LANES_KEY,)).fetchone()
    return frozenset(row[0]) if row else frozenset()


def set_leased_lanes(db: sqlite_utils.Database, lanes: str) -> None:
    with immediate(db) as conn:
        if lanes:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                         " DO UPDATE SET value = excluded.value", (LEASE_LANES_KEY, lanes))
        else:
            conn.execute("DELETE FROM meta WHERE key = ?", (LEASE_LANES_KEY,))


def take_leased(conn: sqlite3.Connection, office_code: str, office_day: date, lane: str,
                cap: int | None) -> int | None:
    """The lowest held number not yet on a ticket, marked used; None when none is left.

    A number already on a ticket (issued before leases were switched on) is
    skipped, so switching mid-day can never print a number twice here.
    """
    day = office_day.isoformat()
    row = conn.execute(
        "SELECT number FROM lease_numbers AS l WHERE office_day = ? AND lane = ?"
        " AND state = 'free' AND number <= ? AND NOT EXISTS (SELECT 1 FROM tickets AS t"
        " WHERE t.office_code = ? AND t.office_day = l.office_day AND t.lane = l.lane"
        " AND t.number = l.number) ORDER BY number LIMIT 1",
        (day, lane, cap if cap is not None else 2**62, office_code),
    ).fetchone()
    if row is None:
        return None
    conn.execute("UPDATE lease_numbers SET state = 'used' WHERE office_day = ? AND lane = ?"
                 " AND number = ?", (day, lane, row[0]))
    return row[0]


def free_count(conn: sqlite3.Connection, office_day: date, lane: str) -> int:
    return conn.execute("SELECT count(*) FROM lease_numbers WHERE office_day = ? AND lane = ?"
                        " AND state = 'free'", (office_day.isoformat(), lane)).fetchone()[0]


def add_grant(conn: sqlite3.Connection, office_day: date, lane: str, grant_id: str,
              numbers: tuple[int, ...]) -> int:
    """Hold newly leased numbers; a number this kiosk gave back (or lost) earlier may come again."""
    added = 0
    for number in numbers:
        added += conn.execute(
            "INSERT INTO lease_numbers (office_day, lane, number, grant_id) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (office_day, lane, number) DO UPDATE SET grant_id = excluded.grant_id,"
            " state = 'free' WHERE lease_numbers.state IN ('returned', 'revoked')",
            (office_day.isoformat(), lane, number, grant_id)).rowcount
    # Numbers already on a ticket here (issued before leases were on) count as used.
    conn.execute("UPDATE lease_numbers SET state = 'used' WHERE office_day = ? AND lane = ?"
                 " AND state = 'free' AND number IN (SELECT number FROM tickets"
                 " WHERE office_day = ? AND lane = ?)",
                 (office_day.isoformat(), lane, office_day.isoformat(), lane))
    return added


def start_return(conn: sqlite3.Connection, office_day: date, lane: str, count: int
                 ) -> list[int]:
    """Stop using the ``count`` highest free numbers; they go back to the hub next."""
    day = office_day.isoformat()
    numbers = [r[0] for r in conn.execute(
        "SELECT number FROM lease_numbers WHERE office_day = ? AND lane = ? AND state = 'free'"
        " ORDER BY number DESC LIMIT ?", (day, lane, count))]
    conn.executemany("UPDATE lease_numbers SET state = 'returning' WHERE office_day = ?"
                     " AND lane = ? AND number = ?", [(day, lane, n) for n in numbers])
    return numbers


def pending_returns(conn: sqlite3.Connection) -> list[tuple[date, str, str, tuple[int, ...]]]:
    """(day, lane, grant id, numbers) handed back locally but not yet acknowledged by the hub."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for day, lane, grant_id, number in conn.execute(
            "SELECT office_day, lane, grant_id, number FROM lease_numbers"
            " WHERE state = 'returning' ORDER BY office_day, lane, grant_id, number"):
        groups.setdefault((day, lane, grant_id), []).append(number)
    return [(date.fromisoformat(day), lane, grant_id, tuple(numbers))
            for (day, lane, grant_id), numbers in groups.items()]


def finish_return(conn: sqlite3.Connection, office_day: date, lane: str, grant_id: str,
                  numbers: tuple[int, ...]) -> None:
    conn.executemany("UPDATE lease_numbers SET state = 'returned' WHERE office_day = ?"
                     " AND lane = ? AND number = ? AND grant_id = ? AND state = 'returning'",
                     [(office_day.isoformat(), lane, n, grant_id) for n in numbers])


def revoke(conn: sqlite3.Connection, office_code: str, office_day: date, lane: str,
           numbers: tuple[int, ...]) -> tuple[list[int], list[tuple[int, str, str]]]:
    """Stop using numbers the hub released while this kiosk was away (``kiosk hub release``).

    Returns (revoked, conflicts). A conflict is a number already on a ticket here
    that the hub did not know of when it released it: the ticket stays (it is
    printed and someone holds it), and the caller records the clash.
    """
    day = office_day.isoformat()
    revoked: list[int] = []
    conflicts: list[tuple[int, str, str]] = []
    for number in numbers:
        row = conn.execute("SELECT state FROM lease_numbers WHERE office_day = ? AND lane = ?"
                           " AND number = ?", (day, lane, number)).fetchone()
        if row is None or row[0] not in ("free", "used", "returning"):
            continue  # never held here, given back, or revoked already (told every round)
        if row[0] == "used":
            ticket = conn.execute("SELECT id, label FROM tickets WHERE office_code = ?"
                                  " AND office_day = ? AND lane = ? AND number = ?",
                                  (office_code, day, lane, number)).fetchone()
            if ticket is not None:
                conflicts.append((number, ticket[0], ticket[1]))
        conn.execute("UPDATE lease_numbers SET state = 'revoked' WHERE office_day = ?"
                     " AND lane = ? AND number = ?", (day, lane, number))
        revoked.append(number)
    return revoked, conflicts


def held_numbers(db: sqlite_utils.Database | sqlite3.Connection, office_day: date, lane: str
                 ) -> dict[str, list[int]]:
    """State -> numbers, for status screens and tests."""
    held: dict[str, list[int]] = {}
    for state, number in db.execute(
            "SELECT state, number FROM lease_numbers WHERE office_day = ? AND lane = ?"
            " ORDER BY number", (office_day.isoformat(), lane)):
        held.setdefault(state, []).append(number)
    return held


def note_unleased(conn: sqlite3.Connection, office_day: date, lane: str, count: int,
                  hub_cap: int | None) -> None:
    """Remember how many of the office's numbers of ``lane`` the hub had not lent to any kiosk."""
    noted = _read_noted(conn)
    if noted.get("office_day") != office_day.isoformat():
        noted = {"office_day": office_day.isoformat(), "lanes": {}}
    noted["lanes"][lane] = {"count": count, "cap": hub_cap}
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                 " DO UPDATE SET value = excluded.value", (UNLEASED_KEY, json.dumps(noted)))


def _read_noted(db: sqlite_utils.Database | sqlite3.Connection) -> dict:
    """The stored answers, per lane; a store written when only A was leased says one lane."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (UNLEASED_KEY,)).fetchone()
    if row is None:
        return {}
    noted = json.loads(row[0])
    if "lanes" not in noted:  # {"office_day", "lane", "count", "cap"} before per-service leases
        noted = {"office_day": noted.get("office_day"), "lanes": {
            noted.get("lane"): {"count": noted.get("count"), "cap": noted.get("cap")}}}
    return noted


def _noted(db: sqlite_utils.Database | sqlite3.Connection, office_day: date, lane: str
           ) -> dict | None:
    """The hub's last word on unlent numbers, if it was about this day and lane."""
    noted = _read_noted(db)
    if noted.get("office_day") != office_day.isoformat():
        return None
    return noted["lanes"].get(lane)


def hub_may_lend(conn: sqlite3.Connection, office_day: date, lane: str) -> bool:
    """False only when the hub's last answer today said it had no number left to lend.

    A kiosk that has not reached the hub today (just switched on, or cut off
    since the morning) does not know: its presses are refused as "no numbers
    here yet", never as "today's quota is used up".
    """
    noted = _noted(conn, office_day, lane)
    return noted is None or int(noted.get("count") or 0) > 0


def available(db: sqlite_utils.Database | sqlite3.Connection, office_day: date, lane: str,
              cap: int | None) -> int:
    """Numbers this kiosk can still give today under ``cap`` (today's cap here): those it
    holds, plus those the hub had not lent to anyone at the last contact (it asks for
    them when it runs low).

    Numbers another kiosk holds are not counted: this kiosk cannot print them. With
    a cap lowered here below the hub's, the hub's unlent numbers are not counted
    either (they may lie above it). The start screen shows this figure.
    """
    held = db.execute("SELECT count(*) FROM lease_numbers WHERE office_day = ? AND lane = ?"
                      " AND state = 'free' AND number <= ?",
                      (office_day.isoformat(), lane, cap if cap is not None else 2**62)
                      ).fetchone()[0]
    noted = _noted(db, office_day, lane)
    unleased = 0
    if noted is not None:
        hub_cap = noted.get("cap")
        if cap is None or hub_cap is None or cap >= hub_cap:
            unleased = int(noted.get("count") or 0)
    return held + unleased
