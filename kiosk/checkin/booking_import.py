"""Importing a bookings file (JSON or CSV) exported from the booking system.

The file is copied to the kiosk, so check-in works with no network. Each row is
checked on its own: one typo must not block a whole day's bookings, and staff need
the line number and a plain reason to fix it. The NIK never reaches the store:
only a keyed hash (to match a KTP later) and a masked form for staff.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.checkin.bookings import (
    MAX_APPLICANTS,
    OFFICE_PATTERN,
    ImportReport,
    RowProblem,
    _apply,
    _NewApplicant,
    _NewBooking,
    load_booking,
    normalize_code,
)
from kiosk.clock import utc_now
from kiosk.privacy.nik import MIN_SALT_BYTES, NIK_PATTERN, hash_nik, mask_nik
from kiosk.store import immediate
from kiosk.store.events import append_event

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    import sqlite_utils


DAY_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
HHMM_PATTERN = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
MAX_NICKNAME = 20
IMPORT_STATUSES = ("booked", "cancelled")  # a file can book or cancel, never check in
CSV_COLUMNS = ("code", "office", "date", "slot_start", "slot_end", "nickname", "nik")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (missing, not JSON/CSV, no header)."""


class _Invalid(ValueError):
    """One field is wrong; the message is shown to staff as the reason."""


# --- validating one booking -----------------------------------------------


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"{name} must be text (in quotes)")
    if not value.strip():
        raise _Invalid(f"{name} is empty")
    return value.strip()


def _code(value: Any) -> str:
    code = normalize_code(_text(value, "code"))
    if code is None:
        raise _Invalid("code must be 6 to 16 capital letters or digits")
    return code


def _office(value: Any, office_code: str) -> str:
    office = _text(value, "office").upper()
    if not OFFICE_PATTERN.fullmatch(office):
        raise _Invalid("office must be an office code such as KUP")
    if office != office_code:
        raise _Invalid(f"booked at office {office}; this kiosk serves {office_code}")
    return office


def _day(value: Any) -> date:
    text = _text(value, "date")
    try:
        if not DAY_PATTERN.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise _Invalid("date must be a real date written YYYY-MM-DD") from None


def _hhmm(value: Any, name: str) -> time:
    match = HHMM_PATTERN.fullmatch(_text(value, name))
    if match is None:
        raise _Invalid(f"{name} must be a time written HH:MM (24-hour)")
    return time(int(match.group(1)), int(match.group(2)))


def _slot(start_value: Any, end_value: Any) -> tuple[time, time]:
    start, end = _hhmm(start_value, "slot_start"), _hhmm(end_value, "slot_end")
    if start >= end:
        raise _Invalid("slot_start must be earlier than slot_end")
    return start, end


def _status(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "booked"
    status = _text(value, "status").lower()
    if status not in IMPORT_STATUSES:
        raise _Invalid(f"status must be one of {', '.join(IMPORT_STATUSES)}")
    return status


def _nickname(value: Any) -> str:
    nickname = _text(value, "nickname")
    if len(nickname) > MAX_NICKNAME:
        raise _Invalid(f"nickname is longer than {MAX_NICKNAME} characters")
    if not nickname.isprintable():
        raise _Invalid("nickname contains control characters")
    if re.search(r"[0-9]{6}", nickname):
        raise _Invalid("nickname contains a long number (a NIK in the wrong column?)")
    return nickname


def _applicant(nickname: Any, nik: Any, salt: bytes) -> _NewApplicant:
    name = _nickname(nickname)
    # Never echo the value: a reason goes to logs and screens.
    if not isinstance(nik, str) or not NIK_PATTERN.fullmatch(nik.strip()):
        raise _Invalid("NIK must be exactly 16 digits")
    nik = nik.strip()
    return _NewApplicant(name, hash_nik(nik, salt), mask_nik(nik))


class _Checks:
    """Runs every field check of a row, so staff see all its problems at once."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.reasons: list[str] = []

    def run(self, name: str, check: Callable[..., Any], *args: Any) -> None:
        try:
            self.values[name] = check(*args)
        except _Invalid as exc:
            self.reasons.append(str(exc))


# --- reading the file ---------------------------------------------------------


def _read_json(text: str, office_code: str, salt: bytes, report: ImportReport
               ) -> list[_NewBooking]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"not valid JSON: {exc}") from None
    if not isinstance(items, list):
        raise ImportFileError("a JSON bookings file must be a list of booking objects")
    bookings: list[_NewBooking] = []
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            report.problems.append(RowProblem(index, None, "not a booking object", "item"))
            continue
        parsed = _json_booking(item, index, office_code, salt)
        if isinstance(parsed, RowProblem):
            report.problems.append(parsed)
        elif parsed.code in first_seen:
            report.problems.append(RowProblem(
                index, parsed.code, f"the same code is already at item {first_seen[parsed.code]}",
                "item"))
        else:
            first_seen[parsed.code] = index
            bookings.append(parsed)
    return bookings


def _json_booking(item: dict[str, Any], index: int, office_code: str, salt: bytes
                  ) -> _NewBooking | RowProblem:
    checks = _Checks()
    checks.run("code", _code, item.get("code"))
    checks.run("office", _office, item.get("office"), office_code)
    checks.run("day", _day, item.get("date"))
    checks.run("slot", _slot, item.get("slot_start"), item.get("slot_end"))
    checks.run("status", _status, item.get("status"))
    reasons, values = checks.reasons, checks.values
    raw_applicants = item.get("applicants")
    applicants: list[_NewApplicant] = []
    if not isinstance(raw_applicants, list) or not 1 <= len(raw_applicants) <= MAX_APPLICANTS:
        reasons.append(f"applicants must be a list of 1 to {MAX_APPLICANTS} people")
    else:
        for position, person in enumerate(raw_applicants, start=1):
            if not isinstance(person, dict):
                reasons.append(f"applicant {position}: not an object with nickname and nik")
                continue
            try:
                applicants.append(_applicant(person.get("nickname"), person.get("nik"), salt))
            except _Invalid as exc:
                reasons.append(f"applicant {position}: {exc}")
        if len({a.nik_hash for a in applicants}) < len(applicants):
            reasons.append("the same NIK is listed twice")
    code = values.get("code")
    if reasons:
        return RowProblem(index, code, "; ".join(reasons), "item")
    return _NewBooking(code, values["office"], values["day"], *values["slot"], values["status"],
                       tuple(applicants), index)


def _read_csv(text: str, office_code: str, salt: bytes, report: ImportReport
              ) -> list[_NewBooking]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ImportFileError("the CSV file is empty")
    columns = [name.strip().lower() for name in header]
    missing = [name for name in CSV_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(f"the CSV header lacks column(s): {', '.join(missing)}"
                              f" (expected {', '.join(CSV_COLUMNS)}[, status])")
    where = {name: columns.index(name) for name in (*CSV_COLUMNS, "status") if name in columns}
    groups: dict[str, list[tuple[int, tuple]]] = {}
    bad_codes: set[str] = set()
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            code = normalize_code(row[where["code"]]) if len(row) > where["code"] else None
            skipped = f" (booking {code} skipped)" if code else ""
            report.problems.append(RowProblem(
                line, code, f"expected {len(columns)} columns, found {len(row)}{skipped}"))
            if code:
                bad_codes.add(code)
            continue
        cell = {name: row[i] for name, i in where.items()}
        parsed = _csv_row(cell, office_code, salt)
        code = parsed[0]
        if isinstance(parsed[1], list):
            skipped = f" (booking {code} skipped)" if code else ""
            report.problems.append(RowProblem(line, code, "; ".join(parsed[1]) + skipped))
            if code:
                bad_codes.add(code)
            continue
        groups.setdefault(code, []).append((line, parsed[1]))
    bookings = []
    for code, rows in groups.items():
        if code in bad_codes:
            continue
        booking = _csv_booking(code, rows)
        if isinstance(booking, RowProblem):
            report.problems.append(booking)
        else:
            bookings.append(booking)
    return bookings


def _csv_row(cell: dict[str, str], office_code: str, salt: bytes
             ) -> tuple[str | None, tuple | list[str]]:
    """(code, (office, day, slot, status, applicant)) or (code or None, reasons)."""
    checks = _Checks()
    checks.run("code", _code, cell["code"])
    checks.run("office", _office, cell["office"], office_code)
    checks.run("day", _day, cell["date"])
    checks.run("slot", _slot, cell["slot_start"], cell["slot_end"])
    checks.run("status", _status, cell.get("status"))
    checks.run("applicant", _applicant, cell["nickname"], cell["nik"], salt)
    reasons, values = checks.reasons, checks.values
    code = values.get("code")
    if reasons:
        return code, reasons
    return code, (values["office"], values["day"], values["slot"], values["status"],
                  values["applicant"])


def _csv_booking(code: str, rows: list[tuple[int, tuple]]) -> _NewBooking | RowProblem:
    """One booking from its applicant rows, which must agree on everything but the person."""
    first_line, (office, day, slot, status, _) = rows[0]
    for line, (o, d, s, st, _) in rows[1:]:
        if (o, d, s, st) != (office, day, slot, status):
            return RowProblem(line, code, f"office, date, slot or status differ from line"
                              f" {first_line} of the same booking (booking skipped)")
    if len(rows) > MAX_APPLICANTS:
        return RowProblem(rows[MAX_APPLICANTS][0], code, f"more than {MAX_APPLICANTS}"
                          " applicants in one booking (booking skipped)")
    seen: set[str] = set()
    for line, (*_, person) in rows:
        if person.nik_hash in seen:
            return RowProblem(line, code, "the same NIK is listed twice (booking skipped)")
        seen.add(person.nik_hash)
    return _NewBooking(code, office, day, *slot, status, tuple(p[4] for _, p in rows), first_line)


def _file_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix[1:]
    return "json" if text.lstrip().startswith("[") else "csv"


def import_bookings(db: sqlite_utils.Database, path: Path | str, salt: bytes, office_code: str,
                    *, device_id: str = "IMPORT", now: datetime | None = None) -> ImportReport:
    """Import a JSON or CSV bookings file; bad rows are reported and skipped.

    JSON: a list of {code, office, date, slot_start, slot_end, status?,
    applicants: [{nickname, nik}, ...]}. CSV: a header, then one row per
    applicant: code, office, date, slot_start, slot_end, nickname, nik[, status].
    All changes are one transaction; events carry no nickname and no NIK.
    """
    if len(salt) < MIN_SALT_BYTES:
        raise ValueError(f"the NIK salt must be at least {MIN_SALT_BYTES} random bytes")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets often add a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"cannot read {path}: {exc}") from None
    now = now or utc_now()
    report = ImportReport()
    kind = _file_format(path, text)
    read = _read_json if kind == "json" else _read_csv
    bookings = read(text, office_code.upper(), salt, report)
    unit = "item" if kind == "json" else "line"
    source = f"import:{path.name}"[:80]
    with immediate(db) as conn:
        for new in bookings:
            event = _apply(conn, new, load_booking(conn, new.code), now, source, report, unit)
            if event is not None:
                append_event(conn, office_code=new.office_code, office_day=new.day,
                             device_id=device_id, kind=event, at=now,
                             payload=_event_payload(new, source))
    return report


def _event_payload(new: _NewBooking, source: str) -> dict[str, Any]:
    return {"code": new.code, "day": new.day.isoformat(),
            "slot": f"{new.slot_start:%H:%M}-{new.slot_end:%H:%M}",
            "applicants": len(new.applicants), "status": new.status, "source": source}


def booking_rows(bookings: Iterable[dict[str, Any]]) -> str:
    """JSON text for a bookings file (used by the sample generator and tests)."""
    return json.dumps(list(bookings), indent=2, ensure_ascii=False) + "\n"
