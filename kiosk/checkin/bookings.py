"""Online bookings in the kiosk's store: reading one, adding one known only from its
signed QR, marking it checked in, and writing validated bookings (from a file,
kiosk/checkin/booking_import.py, or from the hub, kiosk/sync/pull.py).

Check-in and cancellation are final: a later import never turns them back into
"booked". The store holds no NIK: only a keyed hash and a masked form for staff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3


# Booking codes are what people type from an e-mail: capitals and digits only.
CODE_PATTERN = re.compile(r"[A-Z0-9]{6,16}")
OFFICE_PATTERN = re.compile(r"[A-Z0-9-]{2,16}")  # the same rule as [office] code in the config
MAX_APPLICANTS = 5  # one core family per booking (DOMAIN.md)
STATUSES = ("booked", "checked_in", "cancelled")
PLACEHOLDER_NICKNAME = "Pemohon {position}"  # applicants known only from a signed QR


def normalize_code(text: str) -> str | None:
    """The canonical booking code (capitals), or None if it cannot be one."""
    code = text.strip().upper()
    return code if CODE_PATTERN.fullmatch(code) else None


# --- what the store holds -------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    position: int
    nickname: str
    nik_hash: str | None
    nik_masked: str | None
    ticket_number: int | None = None


@dataclass(frozen=True)
class Booking:
    code: str
    office_code: str
    day: date
    slot_start: time
    slot_end: time
    status: str
    checked_in_at: datetime | None
    updated_at: datetime
    source: str
    applicants: tuple[Applicant, ...]


def load_booking(conn: sqlite3.Connection, code: str) -> Booking | None:
    """Read one booking; call inside the check-in transaction to see the latest status."""
    row = conn.execute(
        "SELECT code, office_code, booking_day, slot_start, slot_end, status, checked_in_at,"
        " updated_at, source FROM bookings WHERE code = ?", (code,)
    ).fetchone()
    if row is None:
        return None
    applicants = tuple(
        Applicant(*values) for values in conn.execute(
            "SELECT position, nickname, nik_hash, nik_masked, ticket_number"
            " FROM booking_applicants WHERE booking_code = ? ORDER BY position", (code,))
    )
    return Booking(
        code=row[0], office_code=row[1], day=date.fromisoformat(row[2]),
        slot_start=time.fromisoformat(row[3]), slot_end=time.fromisoformat(row[4]),
        status=row[5], checked_in_at=None if row[6] is None else datetime.fromisoformat(row[6]),
        updated_at=datetime.fromisoformat(row[7]), source=row[8], applicants=applicants,
    )


def insert_from_claim(conn: sqlite3.Connection, *, code: str, office_code: str, day: date,
                      slot_start: time, slot_end: time, applicants: int, now: datetime) -> None:
    """A booking the kiosk learns from its signed QR alone (the list never synced).

    Nicknames are placeholders and there is no NIK: the QR carries neither.
    """
    conn.execute(
        "INSERT INTO bookings (code, office_code, booking_day, slot_start, slot_end, status,"
        " updated_at, source) VALUES (?, ?, ?, ?, ?, 'booked', ?, 'qr')",
        (code, office_code, day.isoformat(), f"{slot_start:%H:%M}", f"{slot_end:%H:%M}",
         now.isoformat()),
    )
    conn.executemany(
        "INSERT INTO booking_applicants (booking_code, position, nickname) VALUES (?, ?, ?)",
        [(code, p, PLACEHOLDER_NICKNAME.format(position=p)) for p in range(1, applicants + 1)],
    )


def mark_checked_in(conn: sqlite3.Connection, code: str, numbers: dict[int, int],
                    now: datetime) -> None:
    """Record the check-in and each applicant's B number (inside the check-in transaction)."""
    conn.execute(
        "UPDATE bookings SET status = 'checked_in', checked_in_at = ?, updated_at = ?"
        " WHERE code = ?", (now.isoformat(), now.isoformat(), code),
    )
    conn.executemany(
        "UPDATE booking_applicants SET ticket_number = ? WHERE booking_code = ? AND position = ?",
        [(number, code, position) for position, number in numbers.items()],
    )


# --- writing validated bookings ------------------------------------------


@dataclass(frozen=True)
class _NewApplicant:
    nickname: str
    nik_hash: str
    nik_masked: str


@dataclass(frozen=True)
class _NewBooking:
    """A validated booking (from a file or the hub); the NIK is already hashed and masked."""

    code: str
    office_code: str
    day: date
    slot_start: time
    slot_end: time
    status: str
    applicants: tuple[_NewApplicant, ...]
    line: int


@dataclass(frozen=True)
class RowProblem:
    """A row or booking that was not applied, and why.

    ``line`` is the CSV line number (the header is line 1) or the JSON array
    index (from 0), as named by ``unit``.
    """

    line: int
    code: str | None
    reason: str
    unit: str = "line"

    def __str__(self) -> str:
        code = f" ({self.code})" if self.code else ""
        return f"{self.unit} {self.line}{code}: {self.reason}"


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)  # rejected: fix the file
    kept: list[RowProblem] = field(default_factory=list)  # valid, but the kiosk knows better

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        lines = [f"{self.added} added, {self.updated} updated, {self.cancelled} cancelled,"
                 f" {self.unchanged} unchanged, {len(self.problems)} rejected,"
                 f" {len(self.kept)} kept as they were"]
        lines += [f"  rejected {p}" for p in self.problems]
        lines += [f"  kept {p}" for p in self.kept]
        return "\n".join(lines)


def _same(booking: Booking, new: _NewBooking) -> bool:
    return (booking.office_code, booking.day, booking.slot_start, booking.slot_end) == (
        new.office_code, new.day, new.slot_start, new.slot_end
    ) and [(a.nickname, a.nik_hash, a.nik_masked) for a in booking.applicants] == [
        (a.nickname, a.nik_hash, a.nik_masked) for a in new.applicants]


def _write(conn: sqlite3.Connection, new: _NewBooking, now: datetime, source: str,
           exists: bool) -> None:
    values = (new.office_code, new.day.isoformat(), f"{new.slot_start:%H:%M}",
              f"{new.slot_end:%H:%M}", new.status, now.isoformat(), source)
    if exists:
        conn.execute("UPDATE bookings SET office_code = ?, booking_day = ?, slot_start = ?,"
                     " slot_end = ?, status = ?, updated_at = ?, source = ? WHERE code = ?",
                     (*values, new.code))
        conn.execute("DELETE FROM booking_applicants WHERE booking_code = ?", (new.code,))
    else:
        conn.execute("INSERT INTO bookings (office_code, booking_day, slot_start, slot_end,"
                     " status, updated_at, source, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (*values, new.code))
    conn.executemany(
        "INSERT INTO booking_applicants (booking_code, position, nickname, nik_hash, nik_masked)"
        " VALUES (?, ?, ?, ?, ?)",
        [(new.code, position, a.nickname, a.nik_hash, a.nik_masked)
         for position, a in enumerate(new.applicants, start=1)],
    )


def _apply(conn: sqlite3.Connection, new: _NewBooking, existing: Booking | None, now: datetime,
           source: str, report: ImportReport, unit: str) -> str | None:
    """Upsert one booking; return the event kind to append, or None if nothing changed.

    Check-in and cancellation are final: a file (perhaps an older export) never
    turns them back into "booked", so re-importing is always safe.
    """
    if existing is None:
        _write(conn, new, now, source, exists=False)
        if new.status == "cancelled":
            report.cancelled += 1
            return "booking_cancelled"
        report.added += 1
        return "booking_imported"
    if existing.status == "checked_in":
        if new.status == "cancelled" or not _same(existing, new):
            report.kept.append(RowProblem(new.line, new.code, "already checked in at the kiosk;"
                                          " not changed", unit))
        else:
            report.unchanged += 1
        return None
    if existing.status == "cancelled":
        if new.status == "booked":
            report.kept.append(RowProblem(new.line, new.code, "cancelled earlier; a cancelled"
                                          " booking is not reinstated", unit))
        else:
            report.unchanged += 1
        return None
    if new.status == "cancelled":
        _write(conn, new, now, source, exists=True)
        report.cancelled += 1
        return "booking_cancelled"
    if _same(existing, new):
        report.unchanged += 1
        return None
    _write(conn, new, now, source, exists=True)
    report.updated += 1
    return "booking_imported"
