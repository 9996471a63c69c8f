"""Bookings at the hub: importing the booking system's file, and the pages kiosks pull.

Every change to an office's bookings takes the office's next change number
(under its row lock), so a kiosk's cursor never skips one. The kiosk's rules
hold here too: check-in and cancellation are final, re-sending is harmless.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from kiosk.checkin.booking_import import ImportFileError, _read_json
from kiosk.checkin.bookings import ImportReport, RowProblem, _NewBooking
from kiosk.hub.database import Database
from kiosk.hub.errors import HubError
from kiosk.hub.offices import read_settings
from kiosk.hub.salts import SaltBox
from kiosk.sync.protocol import PulledApplicant, PulledBooking

if TYPE_CHECKING:
    from kiosk.hub.database import Tx


def next_change(tx: Tx, office: str) -> int:
    """The office's next booking change number (a kiosk pulls changes after its cursor)."""
    return tx.one("UPDATE offices SET booking_seq = booking_seq + 1 WHERE code = ?"
                  " RETURNING booking_seq", (office,))[0]


class Bookings(Database):
    """An office's bookings: imported from the booking system, pulled by its kiosks."""

    salts: SaltBox  # the offices' NIK keys, sealed (kiosk/hub/salts.py)

    def import_bookings(self, office: str, text: str, now: datetime) -> ImportReport:
        """The booking system's JSON list (the kiosk file format): NIKs are hashed here."""
        with self._tx(read=True) as tx:
            _, _, salt = read_settings(tx, office, self.salts)
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

    def _apply_booking(self, tx: Tx, office: str, new: _NewBooking, now: datetime,
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
                   (new.code, office, *values, next_change(tx, office), now.isoformat()))
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
               (*values, next_change(tx, office), now.isoformat(), new.code))
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


def _hhmm(text: str) -> time:
    return time.fromisoformat(text)
