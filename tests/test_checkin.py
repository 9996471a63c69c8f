"""Online bookers check in offline: every refusal, the family path, replays, races, fuzz.

Run as ``python -m tests.test_checkin child ...`` this file is also the child
process of the race test (see ``_child``).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.printers import make_printer
from hardware.sim_printer import SimulationPrinter
from kiosk import store
from kiosk.checkin.booking_import import import_bookings
from kiosk.checkin.booking_qr import (
    BookingClaim,
    generate_private_key,
    load_private_key,
    load_public_key,
    private_key_to_b64,
    public_key_to_b64,
    sign_payload,
)
from kiosk.checkin.bookings import load_booking
from kiosk.checkin.service import (
    REASONS,
    CheckedIn,
    CheckinPolicy,
    CheckinRefused,
    CheckinService,
    refusal_text,
)
from kiosk.config import Config, DayHours, load_config
from kiosk.queue.issuing import IssuingService
from tests.conftest import ROOT, SIM_CONFIG, MovableClock, office_time, with_cap

SALT = b"checkin-test-salt-0123456789"
KEY, STRANGER = generate_private_key(), generate_private_key()
KEYS = {"k1": KEY.public_key()}
TODAY = date(2026, 11, 25)  # the clock fixture: Wednesday 09:00 WITA
FAMILY = [("Budi", "5371014405900003"), ("Siti", "5371010203850001"),
          ("Ani", "5371016512100002")]


def claim(code: str = "FAM0001", people: int = 3, day: date = TODAY, start: str = "09:00",
          end: str = "10:00", office: str = "KUP") -> BookingClaim:
    return BookingClaim(code, office, day, datetime.strptime(start, "%H:%M").time(),
                        datetime.strptime(end, "%H:%M").time(), people, 1795500000)


def signed(**kwargs) -> str:
    return sign_payload(claim(**kwargs), "k1", KEY)


def row(code: str, people=FAMILY, day: str = "2026-11-25", start: str = "09:00",
        end: str = "10:00", status: str = "booked") -> dict:
    return {"code": code, "office": "KUP", "date": day, "slot_start": start, "slot_end": end,
            "status": status, "applicants": [{"nickname": n, "nik": k} for n, k in people]}


def sync(db, tmp_path: Path, *rows: dict) -> None:
    path = tmp_path / f"sync-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(list(rows)), encoding="utf-8")
    report = import_bookings(db, path, SALT, "KUP", device_id="KUP-SYNC")
    assert report.ok, report.summary()


def make_service(cfg: Config, clock, keys=KEYS) -> tuple[CheckinService, SimulationPrinter]:
    printer = make_printer(cfg.printer)
    assert isinstance(printer, SimulationPrinter)
    policy = CheckinPolicy("KUP", early_minutes=60, late_minutes=30, public_keys=keys)
    return CheckinService(cfg, store.connect(cfg.database), printer, policy, clock), printer


def tickets(service: CheckinService) -> list[tuple[str, int]]:
    return service.db.execute("SELECT label, printed FROM tickets ORDER BY lane, number").fetchall()


def event_kinds(service: CheckinService) -> list[str]:
    return [r[0] for r in service.db.execute("SELECT kind FROM events ORDER BY seq")]


def test_family_of_three_gets_b001_to_b003_and_a_replay_gets_nothing(
        config: Config, clock: MovableClock, tmp_path: Path) -> None:
    service, printer = make_service(config, clock)
    sync(service.db, tmp_path, row("FAM0001"))
    result = service.check_in(" fam0001\n", "id")
    assert isinstance(result, CheckedIn) and result.all_printed and not result.from_qr_only
    assert result.labels == ("B001", "B002", "B003")
    assert [a.nickname for a in result.applicants] == ["Budi", "Siti", "Ani"]
    assert [a.issued.ticket.ahead for a in result.applicants] == [0, 1, 2]
    assert f"{result.slot_start:%H:%M %Z}" == "09:00 WITA"
    assert printer.printed_count == 3
    assert "B 0 0 3" in (printer.last_preview or "") and "Online" in printer.last_preview
    printed = Path(config.printer.params["output"]).read_bytes()
    assert all(label.encode() in printed for label in result.labels)
    for nickname, nik in FAMILY:  # the ticket carries no personal data
        assert nik.encode() not in printed and nik[-4:].encode() not in printed
        assert nickname.encode() not in printed
    booking = load_booking(service.db.conn, "FAM0001")
    assert booking.status == "checked_in" and booking.checked_in_at == clock.now
    assert [a.ticket_number for a in booking.applicants] == [1, 2, 3]
    assert tickets(service) == [("B001", 1), ("B002", 1), ("B003", 1)]
    assert event_kinds(service)[-7:] == ["issued"] * 3 + ["booking_checked_in"] + ["printed"] * 3

    clock.advance(minutes=5)
    for replay in ("FAM0001", signed()):  # the typed code, and a screenshot of the QR
        again = service.check_in(replay, "en")
        assert isinstance(again, CheckinRefused) and again.reason == "already_checked_in"
        assert again.labels == ("B001", "B002", "B003")
        assert again.checked_in_at == office_time("2026-11-25 09:00").astimezone(config.timezone)
        title, body = refusal_text(again, "en")
        assert title == "Already Checked In" and "B001, B002, B003" in body
        assert "Wednesday, 25 November 2026 at 09:00 WITA" in body
    assert printer.printed_count == 3 and len(tickets(service)) == 3
    # The next day a replayed screenshot is still "already checked in", not "wrong day".
    clock.advance(days=1)
    assert service.check_in(signed()).reason == "already_checked_in"
    # Staff can reprint a lost family ticket with the ordinary reprint.
    clock.advance(days=-1)
    assert service.issuing.reprint("B002").printed and printer.printed_count == 4


def test_signed_qr_checks_in_with_no_synced_bookings(config: Config, clock: MovableClock) -> None:
    service, printer = make_service(config, clock)
    service.issuing.issue("A")  # walk-in numbers are a separate lane
    result = service.check_in(signed(code="NEWFAM01", people=2))
    assert isinstance(result, CheckedIn) and result.from_qr_only
    assert result.labels == ("B001", "B002")
    assert [a.nickname for a in result.applicants] == ["Pemohon 1", "Pemohon 2"]
    booking = load_booking(service.db.conn, "NEWFAM01")
    assert booking.source == "qr" and booking.status == "checked_in"
    assert all(a.nik_hash is None and a.nik_masked is None for a in booking.applicants)
    payload = json.loads(service.db.execute(
        "SELECT payload FROM events WHERE kind = 'booking_checked_in'").fetchone()[0])
    assert payload == {"code": "NEWFAM01", "labels": ["B001", "B002"], "via": "qr",
                       "created": True, "key_id": "k1"}
    assert printer.printed_count == 3
    replay = service.check_in(signed(code="NEWFAM01", people=2))
    assert replay.reason == "already_checked_in" and replay.labels == ("B001", "B002")
    assert printer.printed_count == 3


def test_the_synced_list_wins_over_an_older_qr(config: Config, clock: MovableClock,
                                               tmp_path: Path) -> None:
    service, _ = make_service(config, clock)
    sync(service.db, tmp_path, row("FAM0001", status="cancelled"),
         row("MOVED001", start="13:00", end="14:00"), row("SMALL001", people=FAMILY[:1]))
    assert service.check_in(signed(code="FAM0001")).reason == "cancelled"
    moved = service.check_in(signed(code="MOVED001"))  # the QR still says 09:00
    assert moved.reason == "too_early" and f"{moved.slot_start:%H:%M}" == "13:00"
    small = service.check_in(signed(code="SMALL001", people=3))
    assert isinstance(small, CheckedIn) and small.labels == ("B001",)


def refused(service: CheckinService, text: str, reason: str) -> CheckinRefused:
    before = (service.issuing.printer.printed_count, len(tickets(service)))
    result = service.check_in(text)
    assert isinstance(result, CheckinRefused) and result.reason == reason, result
    assert (service.issuing.printer.printed_count, len(tickets(service))) == before
    logged = event_kinds(service)[-1] == "checkin_refused"
    assert logged == (reason != "malformed")  # forgeries and replays leave a trace
    for language in ("id", "en"):
        title, body = refusal_text(result, language)
        assert title and body and "{" not in body
    return result


def test_refusals_carry_what_the_screen_needs(config: Config, clock: MovableClock,
                                              tmp_path: Path) -> None:
    service, _ = make_service(config, clock)
    sync(service.db, tmp_path,
         row("TOMORROW1", day="2026-11-26"), row("LATE0001", start="07:00", end="08:00"),
         row("EARLY001", start="11:00", end="12:00"), row("CANC0001", status="cancelled"),
         row("EDGE0001", people=FAMILY[:1], start="10:00", end="11:00"))
    assert refused(service, "<script>", "malformed").code is None
    assert refused(service, "AQ1.x.k1.y", "malformed").detail
    assert refused(service, sign_payload(claim(), "k1", STRANGER), "bad_signature")
    assert refused(service, sign_payload(claim(), "k9", STRANGER), "unknown_key")
    assert refused(service, "NOSUCH01", "unknown_code")
    other = refused(service, signed(office="PLB"), "wrong_office")
    assert other.office_code == "PLB" and "PLB" in refusal_text(other, "id")[1]
    wrong_day = refused(service, "TOMORROW1", "wrong_day")
    assert wrong_day.booking_day == date(2026, 11, 26)
    assert "Kamis, 26 November 2026" in refusal_text(wrong_day, "id")[1]
    late = refused(service, "LATE0001", "too_late")
    assert f"{late.closes_at:%H:%M}" == "08:30"
    assert "M-Paspor" in refusal_text(late, "en")[1] and "08:30 WITA" in refusal_text(late, "en")[1]
    early = refused(service, "EARLY001", "too_early")
    assert f"{early.slot_start:%H:%M}" == "11:00" and f"{early.opens_at:%H:%M}" == "10:00"
    assert "from 10:00 WITA" in refusal_text(early, "en")[1]
    assert refused(service, "CANC0001", "cancelled").booking_day == TODAY
    for reason in REASONS:  # every reason has its words in both languages
        assert refusal_text(CheckinRefused(reason), "en")[0]
    # Exactly one hour before the slot check-in opens.
    assert isinstance(service.check_in("EDGE0001"), CheckedIn)


def test_check_in_closes_30_minutes_after_the_slot(config: Config, tmp_path: Path) -> None:
    clock = MovableClock(office_time("2026-11-25 10:30"))
    service, _ = make_service(config, clock)
    sync(service.db, tmp_path, row("FAM0001"))
    assert isinstance(service.check_in("FAM0001"), CheckedIn)  # slot end + 30 min, inclusive
    clock.advance(seconds=1)
    assert service.check_in(signed(code="FAM0002")).reason == "too_late"


def test_too_early_says_when_the_lane_really_opens(config: Config, tmp_path: Path) -> None:
    hours = {i: DayHours(dtime(8), dtime(16), frozenset({"A", "P", "B"})) for i in range(7)}
    clock = MovableClock(office_time("2026-11-25 06:30"))
    service, _ = make_service(dataclasses.replace(config, hours=hours), clock)
    sync(service.db, tmp_path, row("FAM0001", start="08:00", end="09:00"))
    early = refused(service, "FAM0001", "too_early")
    assert f"{early.opens_at:%H:%M}" == "08:00"  # not 07:00: the office is still shut
    clock.advance(minutes=90)
    assert isinstance(service.check_in("FAM0001"), CheckedIn)


def test_closed_lane_refuses_with_the_next_opening(config: Config, clock: MovableClock,
                                                   tmp_path: Path) -> None:
    cfg = dataclasses.replace(config, holidays=frozenset({TODAY}))
    service, _ = make_service(cfg, clock)
    sync(service.db, tmp_path, row("FAM0001"))
    closed = refused(service, "FAM0001", "closed")
    assert closed.opens_at == datetime(2026, 11, 26, 0, 0, tzinfo=cfg.timezone)
    assert "Kamis, 26 November 2026 pukul 00:00 WITA" in refusal_text(closed, "id")[1]
    assert load_booking(service.db.conn, "FAM0001").status == "booked"


def test_paper_out_refuses_before_checking_in(config: Config, clock: MovableClock,
                                              tmp_path: Path) -> None:
    service, printer = make_service(config, clock)
    sync(service.db, tmp_path, row("FAM0001"))
    printer.paper_out = True
    refused(service, "FAM0001", "paper_out")
    assert load_booking(service.db.conn, "FAM0001").status == "booked"
    printer.paper_out = False
    assert service.check_in("FAM0001").labels == ("B001", "B002", "B003")


def test_clock_behind_and_cap_roll_the_whole_check_in_back(config: Config, clock: MovableClock,
                                                           tmp_path: Path) -> None:
    service, _ = make_service(with_cap(config, "B", 2), clock)
    sync(service.db, tmp_path, row("FAM0001"), row("SOLO0001", people=FAMILY[:1]))
    refused(service, "FAM0001", "cap")  # three people, two numbers left: nobody is half in
    assert load_booking(service.db.conn, "FAM0001").status == "booked"
    assert service.db.execute("SELECT count(*) FROM lane_days").fetchone()[0] == 0

    service.issuing.issue("A")  # records 09:00 as the newest time seen
    clock.advance(minutes=-20)
    refused(service, "SOLO0001", "clock")
    assert load_booking(service.db.conn, "SOLO0001").status == "booked"
    clock.advance(minutes=20)
    assert service.check_in("SOLO0001").labels == ("B001",)


def test_a_printer_failure_keeps_the_check_in_and_the_numbers(
        config: Config, clock: MovableClock, tmp_path: Path) -> None:
    service, printer = make_service(config, clock)
    sync(service.db, tmp_path, row("FAM0001"))

    def jam(content) -> None:
        from kiosk.ports import PrinterError
        raise PrinterError("paper jam (test)")

    printer.print_ticket = jam  # type: ignore[method-assign]
    result = service.check_in("FAM0001")
    assert isinstance(result, CheckedIn) and not result.all_printed
    assert tickets(service) == [("B001", 0), ("B002", 0), ("B003", 0)]
    assert service.check_in("FAM0001").reason == "already_checked_in"


# --- two processes, one code ------------------------------------------------------

RACE_CODES = [f"RACE{i:04d}" for i in range(6)]


def _child(db_path: str, output: str, ready: str, go: str, private_b64: str, name: str) -> None:
    cfg = load_config(SIM_CONFIG)
    cfg = dataclasses.replace(
        cfg, database=Path(db_path), office=dataclasses.replace(cfg.office, device_id=name),
        printer=dataclasses.replace(cfg.printer, params={"output": output}))
    private_key = load_private_key(private_b64)
    service = CheckinService(cfg, store.connect(cfg.database), make_printer(cfg.printer),
                             CheckinPolicy("KUP", public_keys={"k1": private_key.public_key()}),
                             lambda: office_time("2026-11-25 09:10"))
    payloads = [sign_payload(claim(code=code, people=1 + i % 3), "k1", private_key)
                for i, code in enumerate(RACE_CODES)]
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.001)
    for code, payload in zip(RACE_CODES, payloads, strict=True):
        result = service.check_in(payload)
        if isinstance(result, CheckedIn):
            print(f"CHECKED_IN {code} {','.join(result.labels)}", flush=True)
        else:
            print(f"REFUSED {code} {result.reason}", flush=True)


def test_two_processes_checking_in_the_same_codes_check_each_in_once(tmp_path: Path) -> None:
    db_path = tmp_path / "race.db"
    store.connect(db_path).close()
    private_b64 = private_key_to_b64(KEY)
    go = tmp_path / "go"
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.test_checkin", "child", str(db_path),
         str(tmp_path / f"t{i}.bin"), str(tmp_path / f"ready{i}"), str(go), private_b64,
         f"KUP-C{i}"], cwd=ROOT, stdout=subprocess.PIPE, text=True) for i in range(2)]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready{i}").exists() for i in range(2)):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.005)
    go.touch()
    lines = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        lines += out.splitlines()
    for code in RACE_CODES:
        outcomes = sorted(line.split()[0] for line in lines if line.split()[1] == code)
        assert outcomes == ["CHECKED_IN", "REFUSED"], (code, lines)
        assert f"REFUSED {code} already_checked_in" in lines
    labels = [label for line in lines if line.startswith("CHECKED_IN")
              for label in line.split()[2].split(",")]
    expected = sum(1 + i % 3 for i in range(len(RACE_CODES)))
    assert sorted(labels) == [f"B{n:03d}" for n in range(1, expected + 1)]
    db = store.connect(db_path)
    assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == expected
    assert db.execute("SELECT count(*) FROM events WHERE kind = 'booking_checked_in'"
                      ).fetchone()[0] == len(RACE_CODES)


# --- fuzz ---------------------------------------------------------------------------


def test_fuzzed_input_never_raises_and_never_issues(config: Config, clock: MovableClock,
                                                    tmp_path: Path) -> None:
    service, printer = make_service(config, clock)
    sync(service.db, tmp_path, row("USED0001"), row("CANC0001", status="cancelled"))
    assert isinstance(service.check_in("USED0001"), CheckedIn)
    before = (printer.printed_count, len(tickets(service)))
    fresh = signed(code="FRESH001")  # would check in if unmodified

    text = st.one_of(
        st.text(max_size=300),
        st.binary(max_size=300).map(lambda b: b.decode("utf-8", "replace")),
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.|",
                max_size=200).map(lambda s: "AQ1." + s),
        st.tuples(st.integers(0, len(fresh) - 1), st.characters(codec="ascii")).map(
            lambda edit: fresh[:edit[0]] + edit[1] + fresh[edit[0] + 1:]),
    )

    @settings(max_examples=300, deadline=None)
    @given(text)
    def check(value: str) -> None:
        if value.strip(" \t\r\n") == fresh:
            return
        result = service.check_in(value)
        assert isinstance(result, CheckinRefused) and result.reason in REASONS
        assert (printer.printed_count, len(tickets(service))) == before

    check()
    assert isinstance(service.check_in(fresh), CheckedIn)  # the untouched code still works


def test_public_key_helpers_feed_the_policy(config: Config, clock: MovableClock) -> None:
    keys = {"k1": load_public_key(public_key_to_b64(KEY.public_key()))}
    service, _ = make_service(config, clock, keys)
    assert isinstance(service.check_in(signed(code="KEYS0001", people=1)), CheckedIn)


def test_sharing_the_kiosks_issuing_service(config: Config, clock: MovableClock) -> None:
    printer = make_printer(config.printer)
    db = store.connect(config.database)
    issuing = IssuingService(config, db, printer, None, clock)
    service = CheckinService(config, db, printer, CheckinPolicy("KUP", public_keys=KEYS), clock,
                             issuing=issuing)
    assert service.issuing is issuing
    assert service.check_in(signed(code="SHARE001", people=1)).labels == ("B001",)


if __name__ == "__main__" and sys.argv[1:2] == ["child"]:
    _child(*sys.argv[2:8])
