"""Walk-in and priority numbers one person cannot hoard (issue 7).

Brokers (*calo*) profit when numbers are scarce: one person pressing the
button twenty times takes twenty people's places. Two office choices:

- ``[walkin] require_nik = true``: a number only for a plausible NIK
  (kiosk/privacy/nik.py), at most ``max_per_nik`` per lane per NIK per office day. The
  NIK is kept only as the office-keyed hash (``[checkin] nik_salt``) and the
  masked form; the check and the new ticket share numbering's ``BEGIN
  IMMEDIATE`` transaction, so two kiosks given the same NIK at the same moment
  cannot both issue. A *lansia* priority ticket is granted from the NIK's birth
  date; other priority reasons are the applicant's word, checked at the counter.
- otherwise ``per_minute``: at most that many walk-in numbers per rolling
  minute from this kiosk, in each walk-in service (issue 13: a service's
  ``kind`` decides which rules apply to it, its ``nik`` whether a NIK is
  typed). The count lives in memory (no query per press) and is confirmed
  against the store only when one press from the limit, where another process
  on the same kiosk (``kiosk issue``) could tip it over.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.queue.numbering import (
    CapReached,
    ClockBehind,
    NoLeasedNumbers,
    Numbering,
    Ticket,
    append_event,
)
from kiosk.store import immediate

if TYPE_CHECKING:
    from collections.abc import Mapping

    import sqlite_utils

    from kiosk.config import Lane, WalkinConfig
    from kiosk.privacy.nik import NikInfo, NikInvalid

WALKIN, PRIORITY = "A", "P"
# The kinds of the default lanes, for a guard built without the config's services.
_DEFAULT_KINDS = {WALKIN: "walkin", PRIORITY: "priority", "B": "booked"}
WINDOW = timedelta(minutes=1)
PRIORITY_REASONS = ("lansia", "balita", "disabilitas", "ibu_hamil")
# Granted on the applicant's word: the ticket tells them staff check at the counter.
CHECKED_AT_COUNTER = ("balita", "disabilitas", "ibu_hamil")
# Refusals between two bursts' presses that still count as the same burst.
BURST_GAP = timedelta(minutes=1)


@dataclass(frozen=True)
class Applicant:
    """A NIK that passed the checks: only its hash and mask go any further."""

    nik_hash: str
    masked: str
    priority_reason: str | None  # priority services only; "lansia" only when the NIK shows 60+


@dataclass(frozen=True)
class ApplicantRefused:
    # "nik_required" | "nik_invalid" | "priority_reason" | "priority_not_lansia"
    reason: str
    problem: NikInvalid | None = None


@dataclass(frozen=True)
class NikLimit:
    """This NIK already has its numbers in this lane today."""

    lane: str
    earlier_label: str  # the most recent of them
    earlier_at: datetime  # UTC
    earlier_id: str
    issued: int  # how many this NIK holds in the lane today
    attempt: int  # how many times it was turned away today, this one included


@dataclass(frozen=True)
class Burst:
    """A walk-in press over the per-minute limit."""

    count: int  # walk-in numbers this kiosk issued in the last minute
    limit: int
    refused: int  # presses refused since the last number given, this one included
    lane: str = WALKIN


@dataclass(frozen=True)
class BurstReport:
    """One burst for the staff screen: consecutive refused presses on one kiosk."""

    device_id: str
    started_at: datetime  # UTC
    last_at: datetime
    refused: int
    limit: int


class WalkinGuard:
    """The rules, held by IssuingService; builds nothing and queries nothing until used."""

    def __init__(self, rules: WalkinConfig, salt: bytes, db: sqlite_utils.Database,
                 office_code: str, device_id: str,
                 services: Mapping[str, Lane] | None = None) -> None:
        self.rules, self.salt, self.db = rules, salt, db
        self.office_code, self.device_id = office_code, device_id
        self.services = services  # None: the default A/P/B lanes
        # Per walk-in service: this kiosk's numbers of the last minute, oldest first.
        self._recent: dict[str, deque[datetime]] = {}
        self._seeded: set[str] = set()
        self._refused_in_burst: dict[str, int] = {}

    def kind(self, lane: str) -> str:
        if self.services is not None and lane in self.services:
            return self.services[lane].kind
        return _DEFAULT_KINDS.get(lane, "walkin")

    # -- NIK entry -------------------------------------------------------------------------

    def needs_nik(self, lane: str) -> bool:
        own = self.services[lane].nik if self.services and lane in self.services else None
        if own is not None:
            return own
        return self.rules.require_nik and self.kind(lane) in ("walkin", "priority")

    def check_applicant(self, lane: str, nik: str | None, reason: str | None, today: date
                        ) -> Applicant | ApplicantRefused:
        """Validate the typed NIK and the priority reason; no store access.

        ``today`` is the office-local day: it decides the age for *lansia*.
        """
        # Imported here: a `kiosk issue` with no NIK to check never loads the NIK rules.
        from kiosk.privacy.nik import NikInvalid, mask_nik, parse_nik, salted_hash

        if not nik or not nik.strip():
            return ApplicantRefused("nik_required")
        info = parse_nik(nik, today)
        if isinstance(info, NikInvalid):
            return ApplicantRefused("nik_invalid", info)
        granted: str | None = None
        if self.kind(lane) == "priority":
            granted = priority_reason_for(info, reason, today)
            if granted is None:
                not_lansia = reason == "lansia"
                return ApplicantRefused("priority_not_lansia" if not_lansia else "priority_reason")
        return Applicant(salted_hash(info.nik, self.salt), mask_nik(info.nik), granted)

    def take(self, numbering: Numbering, lane: str, office_day: date, cap: int | None,
             now: datetime, applicant: Applicant
             ) -> Ticket | CapReached | ClockBehind | NoLeasedNumbers | NikLimit:
        """The NIK limit check and the number in one ``BEGIN IMMEDIATE`` transaction."""
        day = office_day.isoformat()
        with immediate(self.db) as conn:
            held = conn.execute(
                "SELECT label, issued_at, ticket_id FROM nik_tickets WHERE office_code = ?"
                " AND office_day = ? AND nik_hash = ? AND lane = ? ORDER BY number",
                (self.office_code, day, applicant.nik_hash, lane),
            ).fetchall()
            if len(held) >= self.rules.max_per_nik:
                return self._refuse_nik(conn, lane, office_day, now, applicant, held)
            taken = numbering._take_in(conn, lane, office_day, cap, now)
            if not isinstance(taken, Ticket):
                return taken
            conn.execute(
                "INSERT INTO nik_tickets (office_code, office_day, nik_hash, lane, number,"
                " ticket_id, label, issued_at, nik_masked, priority_reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self.office_code, day, applicant.nik_hash, lane, taken.number, taken.id,
                 taken.label, now.isoformat(), applicant.masked, applicant.priority_reason),
            )
            if applicant.priority_reason is not None:
                # For reports: how priority was granted. No NIK, no hash.
                check = "counter" if applicant.priority_reason in CHECKED_AT_COUNTER else "nik"
                append_event(conn, office_code=self.office_code, office_day=office_day,
                             device_id=self.device_id, kind="priority_reason", at=now,
                             ticket_id=taken.id,
                             payload={"reason": applicant.priority_reason, "check": check})
            return taken

    def _refuse_nik(self, conn, lane: str, office_day: date, now: datetime,
                    applicant: Applicant, held: list) -> NikLimit:
        attempt = conn.execute(
            "INSERT INTO nik_refusals (office_code, office_day, nik_hash, lane, refused, last_at)"
            " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT DO UPDATE SET refused = refused + 1,"
            " last_at = excluded.last_at RETURNING refused",
            (self.office_code, office_day.isoformat(), applicant.nik_hash, lane, now.isoformat()),
        ).fetchone()[0]
        label, issued_at, ticket_id = held[-1]
        append_event(conn, office_code=self.office_code, office_day=office_day,
                     device_id=self.device_id, kind="refused_nik_limit", at=now,
                     ticket_id=ticket_id,
                     payload={"lane": lane, "earlier": label, "attempt": attempt,
                              "max_per_nik": self.rules.max_per_nik})
        return NikLimit(lane, label, datetime.fromisoformat(issued_at), ticket_id, len(held),
                        attempt)

    def priority_reason_of(self, ticket: Ticket) -> str | None:
        """The reason printed on a priority ticket, for a reprint (None: none was given)."""
        if not self.needs_nik(ticket.lane) or self.kind(ticket.lane) != "priority":
            return None
        row = self.db.execute(
            "SELECT priority_reason FROM nik_tickets WHERE office_code = ? AND office_day = ?"
            " AND lane = ? AND number = ?",
            (self.office_code, ticket.office_day.isoformat(), ticket.lane, ticket.number),
        ).fetchone()
        return None if row is None else row[0]

    # -- Per-minute limit (no NIK entry) ---------------------------------------------------

    def burst(self, lane: str, now: datetime) -> Burst | None:
        """A Burst if this walk-in press would go over ``per_minute``; None to go ahead."""
        limit = self.rules.per_minute
        if not self._limited(lane):
            return None
        if lane not in self._seeded:
            self._seed(lane, now)
        recent, since = self._recent[lane], now - WINDOW
        if recent and recent[-1] > now:
            # The clock stepped back: times "in the future" would block presses for as long.
            self._recent[lane] = recent = deque(t for t in recent if t <= now)
        while recent and recent[0] <= since:
            recent.popleft()
        count = len(recent)
        if count == limit - 1:
            # One press from the limit: count what other processes of this kiosk issued too.
            count = max(count, self._count_in_store(lane, since, now))
        if count < limit:
            return None
        refused = self._refused_in_burst[lane] = self._refused_in_burst.get(lane, 0) + 1
        return Burst(count, limit, refused, lane)

    def _limited(self, lane: str) -> bool:
        """The per-minute limit holds for walk-in services whose numbers need no NIK."""
        return (bool(self.rules.per_minute) and self.kind(lane) == "walkin"
                and not self.needs_nik(lane))

    def issued(self, lane: str, now: datetime) -> None:
        """Note a walk-in number given (in memory only)."""
        if self._limited(lane):
            self._recent.setdefault(lane, deque()).append(now)
            self._refused_in_burst[lane] = 0

    def record_burst(self, numbering: Numbering, burst: Burst, office_day: date,
                     now: datetime) -> None:
        """Count the refused press where staff and reports see it."""
        numbering.record("walkin_burst", office_day, now,
                         payload={"lane": burst.lane, "count": burst.count, "limit": burst.limit,
                                  "refused": burst.refused})

    def _seed(self, lane: str, now: datetime) -> None:
        """After a restart: the last minute's numbers of this kiosk, once per service."""
        self._seeded.add(lane)
        self._recent[lane] = deque(sorted(
            datetime.fromisoformat(at) for (at,) in self.db.execute(
                "SELECT issued_at FROM tickets WHERE office_code = ? AND lane = ?"
                " AND device_id = ? AND office_day >= ? AND issued_at > ? AND issued_at <= ?",
                (self.office_code, lane, self.device_id,
                 (now - timedelta(days=1)).date().isoformat(),
                 (now - WINDOW).isoformat(), now.isoformat()))))

    def _count_in_store(self, lane: str, since: datetime, now: datetime) -> int:
        return self.db.execute(
            "SELECT count(*) FROM tickets WHERE office_code = ? AND lane = ? AND device_id = ?"
            " AND office_day >= ? AND issued_at > ? AND issued_at <= ?",
            (self.office_code, lane, self.device_id,
             (now - timedelta(days=1)).date().isoformat(), since.isoformat(), now.isoformat()),
        ).fetchone()[0]


def priority_reason_for(info: NikInfo, chosen: str | None, today: date) -> str | None:
    """The reason a priority ticket is granted for; None when it cannot be.

    60 or over by the NIK: always *lansia* (verified, whatever was chosen).
    Otherwise the applicant's own reason, except *lansia* the NIK contradicts.
    """
    from kiosk.privacy.nik import is_lansia

    if is_lansia(info, today):
        return "lansia"
    if chosen in CHECKED_AT_COUNTER:
        return chosen
    return None


def recent_bursts(db: sqlite_utils.Database, office: str, day: date) -> list[BurstReport]:
    """The day's walk-in bursts, newest first, for the staff screen.

    Refused presses on one kiosk less than a minute apart are one burst.
    """
    reports: list[BurstReport] = []
    open_by_device: dict[str, int] = {}
    for device, at_text, payload in db.execute(
        "SELECT device_id, at, payload FROM events WHERE office_code = ? AND office_day = ?"
        " AND kind = 'walkin_burst' ORDER BY seq", (office, day.isoformat()),
    ):
        at, limit = datetime.fromisoformat(at_text), int(json.loads(payload).get("limit", 0))
        index = open_by_device.get(device)
        if index is not None and at - reports[index].last_at < BURST_GAP:
            current = reports[index]
            reports[index] = BurstReport(device, current.started_at, at, current.refused + 1,
                                         limit)
        else:
            open_by_device[device] = len(reports)
            reports.append(BurstReport(device, at, at, 1, limit))
    return sorted(reports, key=lambda r: r.last_at, reverse=True)


def nik_refusals(db: sqlite_utils.Database, office: str, day: date) -> int:
    """Walk-ins turned away today for already holding their number(s) (all lanes)."""
    return db.execute(
        "SELECT coalesce(sum(refused), 0) FROM nik_refusals WHERE office_code = ?"
        " AND office_day = ?", (office, day.isoformat()),
    ).fetchone()[0]
