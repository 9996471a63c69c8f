"""Bookings import: row-by-row validation, idempotent upserts, and no NIK in the store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kiosk import store
from kiosk.checkin.booking_import import ImportFileError, import_bookings
from kiosk.checkin.bookings import load_booking, mark_checked_in
from kiosk.privacy.nik import hash_nik, mask_nik, nik_matches
from tests.conftest import office_time

SALT = b"test-salt-0123456789abcdef"
NOW = office_time("2026-11-24 18:00")
NIKS = ["5371014405900003", "5371010203850001", "5371016512100002", "5371010101700004",
        "5371015506750005", "5371011212120006", "5371010909090007"]


def booking(code: str, *people: tuple[str, str], day: str = "2026-11-25", start: str = "09:00",
            end: str = "10:00", office: str = "KUP", status: str | None = None) -> dict:
    item = {"code": code, "office": office, "date": day, "slot_start": start, "slot_end": end,
            "applicants": [{"nickname": n, "nik": nik} for n, nik in people]}
    if status is not None:
        item["status"] = status
    return item


def write_json(path: Path, items: list) -> Path:
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def run_import(db, path: Path, now=NOW):
    return import_bookings(db, path, SALT, "KUP", device_id="KUP-K1", now=now)


def snapshot(db) -> tuple:
    return (db.execute("SELECT * FROM bookings ORDER BY code").fetchall(),
            db.execute("SELECT * FROM booking_applicants ORDER BY 1, 2").fetchall(),
            db.execute("SELECT count(*) FROM events").fetchone()[0])


def events(db) -> list[tuple[str, dict]]:
    return [(kind, json.loads(payload)) for kind, payload in
            db.execute("SELECT kind, payload FROM events ORDER BY seq")]


def test_migration_adds_the_booking_tables(db) -> None:
    assert store.schema_version(db) >= 2
    assert {"bookings", "booking_applicants"} <= set(db.table_names())
    columns = {c.name for c in db["booking_applicants"].columns}
    assert "nik" not in columns and {"nik_hash", "nik_masked", "ticket_number"} <= columns


def test_json_import_keeps_good_bookings_and_reports_bad_ones_by_index(db, tmp_path) -> None:
    items = [
        booking("FAM0001", ("Budi", NIKS[0]), ("Siti", NIKS[1]), ("Ani", NIKS[2])),   # 0 ok
        booking("BAD0001", ("Agus", "53710144"), day="2026-02-30"),                  # 1
        booking("SOLO0001", ("Dewi", NIKS[3]), start="10:00", end="11:00"),           # 2 ok
        booking("OTHER01", ("Rina", NIKS[4]), office="PLB"),                          # 3
        booking("SLOT0001", ("Joko", NIKS[5]), start="11:00", end="10:00"),           # 4
        booking("SIX00001", *[("P", n) for n in NIKS[:6]]),                           # 5
        booking("TWIN0001", ("Ani", NIKS[6]), ("Ani", NIKS[6])),                      # 6
        booking("fam0001", ("Lusi", NIKS[3])),                                        # 7 dup
        "not an object",                                                              # 8
        booking("ab", ("X" * 21, NIKS[0])),                                           # 9
        booking("NUM00001", ("Made", 5371014405900003)),                              # 10
    ]
    report = run_import(db, write_json(tmp_path / "b.json", items))
    assert (report.added, report.updated, report.cancelled, report.unchanged) == (2, 0, 0, 0)
    problems = {p.line: p for p in report.problems}
    assert sorted(problems) == [1, 3, 4, 5, 6, 7, 8, 9, 10]
    assert all(p.unit == "item" for p in report.problems)
    assert "date must be a real date" in problems[1].reason
    assert "applicant 1: NIK must be exactly 16 digits" in problems[1].reason
    assert "53710144" not in str(problems[1])  # a reason never echoes a NIK
    assert "booked at office PLB; this kiosk serves KUP" in problems[3].reason
    assert "slot_start must be earlier than slot_end" in problems[4].reason
    assert "1 to 5 people" in problems[5].reason
    assert "the same NIK is listed twice" in problems[6].reason
    assert "already at item 0" in problems[7].reason and problems[7].code == "FAM0001"
    assert "not a booking object" in problems[8].reason
    assert "code must be 6 to 16" in problems[9].reason and "longer than 20" in problems[9].reason
    assert "NIK must be exactly 16 digits" in problems[10].reason
    assert str(problems[3]).startswith("item 3 (OTHER01): ")
    family = load_booking(db.conn, "FAM0001")
    assert family is not None and family.status == "booked" and family.day == date(2026, 11, 25)
    assert [a.nickname for a in family.applicants] == ["Budi", "Siti", "Ani"]
    assert [a.position for a in family.applicants] == [1, 2, 3]
    assert family.applicants[0].nik_masked == "5371********0003"
    assert nik_matches(family.applicants[0].nik_hash, NIKS[0], SALT)
    assert family.source == "import:b.json"
    assert load_booking(db.conn, "BAD0001") is None
    assert [kind for kind, _ in events(db)] == ["booking_imported"] * 2
    _, payload = events(db)[0]
    assert payload == {"code": "FAM0001", "day": "2026-11-25", "slot": "09:00-10:00",
                       "applicants": 3, "status": "booked", "source": "import:b.json"}


CSV_TEXT = """code,office,date,slot_start,slot_end,nickname,nik,status
FAM0001,KUP,2026-11-25,09:00,10:00,Budi,5371014405900003,
FAM0001,KUP,2026-11-25,09:00,10:00,Siti,5371010203850001,
FAM0001,KUP,2026-11-25,09:00,10:00,Ani,5371016512100002,
BROKEN01,KUP,2026-11-25,09:00,10:00,Agus,5371X10101700004,
BROKEN01,KUP,2026-11-25,09:00,10:00,Rina,5371015506750005,
SOLO0001,KUP,2026-11-25,13:00,14:00,Joko,5371011212120006,booked
MIXED001,KUP,2026-11-25,09:00,10:00,Made,5371010909090007,
MIXED001,KUP,2026-11-26,09:00,10:00,Nur,5371014405900003,
SHORT01,KUP,2026-11-25
CANC0001,KUP,2026-11-25,08:00,09:00,Frans,5371010203850001,cancelled

OTHER001,TPR,2026-11-25,08:00,09:00,Yosef,5371010203850001,
WEIRD001,KUP,2026-11-25,08:00,09:00,Lusi,5371010203850001,maybe
"""


def test_csv_import_groups_applicants_and_reports_bad_lines(db, tmp_path) -> None:
    path = tmp_path / "bookings.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    report = run_import(db, path)
    assert (report.added, report.cancelled) == (2, 1)
    problems = {p.line: p for p in report.problems}
    assert sorted(problems) == [5, 9, 10, 13, 14]
    assert all(p.unit == "line" for p in report.problems)
    assert problems[5].code == "BROKEN01"
    assert "NIK must be exactly 16 digits (booking BROKEN01 skipped)" in problems[5].reason
    assert "differ from line 8" in problems[9].reason and problems[9].code == "MIXED001"
    assert "expected 8 columns, found 3 (booking SHORT01 skipped)" in problems[10].reason
    assert "booked at office TPR" in problems[13].reason
    assert "status must be one of booked, cancelled" in problems[14].reason
    assert str(problems[5]).startswith("line 5 (BROKEN01): ")
    # A family is all or nothing: the valid row of BROKEN01 is not imported alone.
    assert load_booking(db.conn, "BROKEN01") is None
    assert load_booking(db.conn, "MIXED001") is None
    family = load_booking(db.conn, "FAM0001")
    assert family is not None and len(family.applicants) == 3
    assert load_booking(db.conn, "CANC0001").status == "cancelled"
    kinds = sorted(kind for kind, _ in events(db))
    assert kinds == ["booking_cancelled", "booking_imported", "booking_imported"]


def test_csv_without_required_columns_or_invalid_json_is_a_file_error(db, tmp_path) -> None:
    bad_csv = tmp_path / "b.csv"
    bad_csv.write_text("code,office,date\nFAM0001,KUP,2026-11-25\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="lacks column.*slot_start"):
        run_import(db, bad_csv)
    bad_json = tmp_path / "b.json"
    bad_json.write_text('{"code": "FAM0001"}', encoding="utf-8")
    with pytest.raises(ImportFileError, match="list of booking objects"):
        run_import(db, bad_json)
    bad_json.write_text("[{", encoding="utf-8")
    with pytest.raises(ImportFileError, match="not valid JSON"):
        run_import(db, bad_json)
    with pytest.raises(ImportFileError, match="cannot read"):
        run_import(db, tmp_path / "missing.json")
    assert snapshot(db) == ([], [], 0)


def test_reimporting_the_same_file_changes_nothing(db, tmp_path) -> None:
    csv_path = tmp_path / "bookings.csv"
    csv_path.write_text(CSV_TEXT, encoding="utf-8")
    json_path = write_json(tmp_path / "b.json", [booking("JSON0001", ("Budi", NIKS[0]))])
    run_import(db, csv_path)
    run_import(db, json_path)
    before = snapshot(db)
    later = office_time("2026-11-24 19:00")
    again = run_import(db, csv_path, now=later)
    assert (again.added, again.updated, again.cancelled, again.unchanged) == (0, 0, 0, 3)
    assert len(again.problems) == 5  # still reported, still skipped
    assert run_import(db, json_path, now=later).unchanged == 1
    assert snapshot(db) == before  # not even updated_at moved


def test_a_changed_booking_is_updated_and_a_cancellation_cancels(db, tmp_path) -> None:
    path = tmp_path / "b.json"
    run_import(db, write_json(path, [booking("FAM0001", ("Budi", NIKS[0]), ("Siti", NIKS[1])),
                                     booking("SOLO0001", ("Dewi", NIKS[3]))]))
    moved = [booking("FAM0001", ("Budi", NIKS[0]), start="11:00", end="12:00"),
             booking("SOLO0001", ("Dewi", NIKS[3]), status="cancelled")]
    report = run_import(db, write_json(path, moved))
    assert (report.updated, report.cancelled) == (1, 1)
    family = load_booking(db.conn, "FAM0001")
    assert f"{family.slot_start:%H:%M}" == "11:00" and len(family.applicants) == 1
    assert load_booking(db.conn, "SOLO0001").status == "cancelled"
    assert [kind for kind, _ in events(db)][-2:] == ["booking_imported", "booking_cancelled"]
    # An older export that still says "booked" does not bring the cancelled booking back.
    report = run_import(db, write_json(path, [booking("SOLO0001", ("Dewi", NIKS[3]))]))
    assert report.kept[0].code == "SOLO0001" and "not reinstated" in report.kept[0].reason
    assert load_booking(db.conn, "SOLO0001").status == "cancelled"


def test_a_checked_in_booking_is_never_reset_or_cancelled_by_an_import(db, tmp_path) -> None:
    path = write_json(tmp_path / "b.json", [booking("FAM0001", ("Budi", NIKS[0]))])
    run_import(db, path)
    with store.immediate(db) as conn:
        mark_checked_in(conn, "FAM0001", {1: 7}, office_time("2026-11-25 09:10"))
    before = snapshot(db)
    assert run_import(db, path).unchanged == 1
    cancel = run_import(db, write_json(tmp_path / "c.json", [
        booking("FAM0001", ("Budi", NIKS[0]), status="cancelled")]))
    assert "already checked in" in cancel.kept[0].reason and cancel.cancelled == 0
    assert snapshot(db) == before
    family = load_booking(db.conn, "FAM0001")
    assert family.status == "checked_in" and family.applicants[0].ticket_number == 7


def test_no_nik_is_ever_written_to_the_store_in_clear(config, tmp_path) -> None:
    db = store.connect(config.database)
    csv_path = tmp_path / "bookings.csv"
    csv_path.write_text(CSV_TEXT, encoding="utf-8")
    run_import(db, csv_path)
    run_import(db, write_json(tmp_path / "b.json", [booking("JSON0001", ("Budi", NIKS[0]))]))
    db.close()  # every byte is now in the files (WAL included until checkpoint)
    files = [p for p in config.database.parent.iterdir() if p.name.startswith("kiosk.db")]
    data = b"".join(p.read_bytes() for p in files)
    assert b"5371********0003" in data  # the scan does see what was stored
    for nik in NIKS + ["5371X10101700004"]:
        assert nik.encode() not in data, nik


def test_mask_and_hash() -> None:
    assert mask_nik("3271010101900003") == "3271********0003"
    digest = hash_nik(NIKS[0], SALT)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert digest == hash_nik(NIKS[0], SALT) and digest != hash_nik(NIKS[0], SALT + b"x")
    assert nik_matches(digest, NIKS[0], SALT) and not nik_matches(digest, NIKS[1], SALT)
    assert not nik_matches(digest, "not a nik", SALT)
    for bad in ("123", "53710144059000031", "5371O14405900003", "５３７１０１４４０５９００００３"):
        with pytest.raises(ValueError):
            mask_nik(bad)
    with pytest.raises(ValueError, match="salt"):
        hash_nik(NIKS[0], b"short")
