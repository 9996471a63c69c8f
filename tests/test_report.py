"""The office head's report: a known day built through the real services, every figure checked.

The day (Wednesday 25 November 2026, Kupang, WITA = UTC+8; walk-in cap 3). Kiosk 1 limits
walk-ins to 1 per minute; kiosk 2 (same store) asks for a NIK, 1 number per NIK per lane:

  08:00 A001  08:05 A002 (kiosk 2, NIK_A)  08:06 NIK_A again: refused (NIK limit)
  08:10 P001 (kiosk 2, a NIK turning 60 today: lansia)  08:11 the same NIK again: refused
  08:20 A003 (cap reached)  08:20:20, 08:20:40 refused (per-minute limit: 2 presses, 1 burst)
  08:25, 08:40 walk-ins refused (cap)
  09:00 loket 1 calls A001, loket 2 calls P001     09:12 loket 1: A001 served
  09:15 loket 2 calls A002 (P001 served)           09:30 family FAM00001 checks in: B001, B002
  09:31-09:37 check-in refusals: already checked in, unknown code, too late (x2, one booking),
              wrong day, bad signature, and a malformed scan (not recorded)
  09:40 loket 1 calls B001; loket 2 recalls A002 at 09:40, 09:42, 09:44; 09:46 A002 no-show
  09:50 P002   10:00 loket 3 calls B002, loket 2 calls P002; recalls 10:02, 10:04, 10:06
  10:07 loket 1: B001 served   10:08 P002 no-show   10:20 loket 3: B002 served; P002 is back
  10:30 loket 1 calls A003, loket 2 calls P002 again   10:36 P002 served   10:40 A003 served
  (P002 at 09:50 comes from kiosk 2: NIK_B, ibu hamil, checked at the counter)
  10:45 paper out on kiosk 1: a walk-in and a priority press refused
  10:50 ana pauses issuing (10:55 presses refused, not recorded)  11:05 budi resumes
  11:10 ana changes today's walk-in cap 3 -> 4   11:15 budi reprints A001
  11:20 ana confirms the clock   11:30 budi restarts the kiosk
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import time
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hardware.printers import make_printer
from kiosk import cli, store
from kiosk.checkin.booking_import import import_bookings
from kiosk.checkin.booking_qr import BookingClaim, generate_private_key, sign_payload
from kiosk.checkin.service import CheckedIn, CheckinPolicy, CheckinRefused, CheckinService
from kiosk.cli import report as cli_report
from kiosk.config import Config, DayHours, WalkinConfig
from kiosk.queue.calling_view import calling_service
from kiosk.queue.clock_trust import confirm_clock
from kiosk.queue.issuing import PRIORITY, WALKIN, Issued, IssuingService, Refused
from kiosk.queue.walkin_guard import recent_bursts
from kiosk.reports.chart import nice_step
from kiosk.reports.day import build_report, day_figures, hourly_counts
from kiosk.reports.event_kinds import CHECKIN_OUTCOMES, NOT_RECORDED
from kiosk.reports.figures import HourCount, PriorityCount, Refusal, Stats
from kiosk.reports.html import counter_table, render_html, render_table
from kiosk.reports.machine_readable import report_dict, report_rows
from kiosk.reports.stats import percentile
from kiosk.staff.desk import StaffDesk
from tests.conftest import MovableClock, office_time, with_cap

DAY = date(2026, 11, 25)
NEXT_DAY = date(2026, 11, 26)
SALT = b"report-test-salt-0123456789"
KEY, STRANGER = generate_private_key(), generate_private_key()
NIK_A = "5371010101900003"
NIK_B = "5371014405900004"  # a woman born 4 May 1990
SIXTY_TODAY = "5371012511660001"  # born 25 November 1966: 60 on the known day


def at(clock: MovableClock, hhmm: str, day: date = DAY) -> None:
    moment = office_time(f"{day.isoformat()} {hhmm}")
    assert moment >= clock.now, f"the clock only moves forward ({hhmm})"
    clock.now = moment


def sync_bookings(db, tmp_path: Path) -> None:
    def booking(code: str, day: str, start: str, end: str, people: list[tuple[str, str]]):
        return {"code": code, "office": "KUP", "date": day, "slot_start": start,
                "slot_end": end, "applicants": [{"nickname": n, "nik": k} for n, k in people]}

    rows = [booking("FAM00001", "2026-11-25", "09:00", "10:00",
                    [("Budi", "5371010203850001"), ("Siti", "5371014405900003")]),
            booking("LATE0001", "2026-11-25", "07:00", "08:00", [("Ani", "5371016512100002")]),
            booking("DAY20001", "2026-11-26", "09:00", "10:00", [("Joko", "5371010101800004")])]
    path = tmp_path / f"bookings-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert import_bookings(db, path, SALT, "KUP", device_id="KUP-SYNC").ok


class Office:
    """The kiosk's real services over one store, driven by a movable clock."""

    def __init__(self, config: Config, clock: MovableClock, tmp_path: Path) -> None:
        self.config = dataclasses.replace(with_cap(config, WALKIN, 3),
                                          walkin=WalkinConfig(per_minute=1))
        self.db = store.connect(self.config.database)
        printer = make_printer(self.config.printer)
        self.issuing = IssuingService(self.config, self.db, printer, None, clock)
        # A second kiosk on the same store that asks for a NIK.
        self.nik_config = dataclasses.replace(
            self.config, walkin=WalkinConfig(require_nik=True, max_per_nik=1, per_minute=0),
            office=dataclasses.replace(self.config.office, device_id="KUP-SIM2"))
        self.nik_issuing = IssuingService(self.nik_config, self.db,
                                          make_printer(self.nik_config.printer), None, clock)
        self.controls = self.issuing.controls  # kiosk.queue.day_controls.DayControls
        policy = CheckinPolicy("KUP", early_minutes=60, late_minutes=30,
                               public_keys={"k1": KEY.public_key()})
        self.checkin = CheckinService(self.config, self.db, printer, policy, clock,
                                      issuing=self.issuing)
        self.calling = calling_service(self.config, self.db, clock)
        self.clock = clock
        sync_bookings(self.db, tmp_path)

    def issue(self, lane: str, expect: str | None, refusal: str = "cap") -> None:
        result = self.issuing.issue(lane, "id")
        if expect is None:
            assert isinstance(result, Refused) and result.reason == refusal, result
        else:
            assert isinstance(result, Issued) and result.ticket.label == expect, result

    def issue_nik(self, lane: str, nik: str, expect: str | None, reason: str | None = None,
                  refusal: str = "nik_limit") -> None:
        result = self.nik_issuing.issue(lane, "id", nik=nik, reason=reason)
        if expect is None:
            assert isinstance(result, Refused) and result.reason == refusal, result
        else:
            assert isinstance(result, Issued) and result.ticket.label == expect, result

    def refused(self, text: str, reason: str) -> None:
        result = self.checkin.check_in(text, "id")
        assert isinstance(result, CheckinRefused) and result.reason == reason, result

    def call(self, counter: int, label: str) -> None:
        called = self.calling.call_specific(counter, label)
        assert called.label == label and called.status == "called", called

    def call_next(self, counter: int, label: str) -> None:
        called = self.calling.call_next(counter)
        assert called is not None and called.label == label, called

    def served(self, counter: int) -> None:
        assert self.calling.mark_served(counter).status == "served"

    def no_show(self, counter: int, recalls_at: tuple[str, ...], when: str) -> None:
        for moment in recalls_at:
            at(self.clock, moment)
            self.calling.recall(counter)
        at(self.clock, when)
        assert self.calling.mark_no_show(counter).status == "no_show"


def build_day(office: Office) -> None:
    clock = office.clock
    at(clock, "08:00")
    office.issue(WALKIN, "A001")
    at(clock, "08:05")
    office.issue_nik(WALKIN, NIK_A, "A002")
    at(clock, "08:06")
    office.issue_nik(WALKIN, NIK_A, None)
    at(clock, "08:10")
    office.issue_nik(PRIORITY, SIXTY_TODAY, "P001", reason="balita")  # the NIK says lansia
    at(clock, "08:11")
    office.issue_nik(PRIORITY, SIXTY_TODAY, None)
    at(clock, "08:20")
    office.issue(WALKIN, "A003")
    for moment in ("08:20:20", "08:20:40"):
        at(clock, moment)
        office.issue(WALKIN, None, "walkin_burst")
    for moment in ("08:25", "08:40"):
        at(clock, moment)
        office.issue(WALKIN, None)
    at(clock, "09:00")
    office.call(1, "A001")
    office.call(2, "P001")
    at(clock, "09:12")
    office.served(1)
    at(clock, "09:15")
    office.call(2, "A002")
    at(clock, "09:30")
    checked_in = office.checkin.check_in("FAM00001", "id")
    assert isinstance(checked_in, CheckedIn) and checked_in.labels == ("B001", "B002")
    forged = sign_payload(BookingClaim("FAM00001", "KUP", DAY, datetime(1, 1, 1, 9).time(),
                                       datetime(1, 1, 1, 10).time(), 2, 1795500000),
                          "k1", STRANGER)
    for hhmm, text, reason in (("09:31", "FAM00001", "already_checked_in"),
                               ("09:32", "NOPE1234", "unknown_code"),
                               ("09:33", "LATE0001", "too_late"),
                               ("09:34", "DAY20001", "wrong_day"),
                               ("09:35", forged, "bad_signature"),
                               ("09:36", "late0001", "too_late"),
                               ("09:37", "hello?", "malformed")):
        at(clock, hhmm)
        office.refused(text, reason)
    at(clock, "09:40")
    office.call(1, "B001")
    office.no_show(2, ("09:40", "09:42", "09:44"), "09:46")
    at(clock, "09:50")
    office.issue_nik(PRIORITY, NIK_B, "P002", reason="ibu_hamil")
    at(clock, "10:00")
    office.call_next(3, "B002")
    office.call(2, "P002")
    at(clock, "10:02")
    office.calling.recall(2)
    at(clock, "10:04")
    office.calling.recall(2)
    at(clock, "10:06")
    office.calling.recall(2)
    at(clock, "10:07")
    office.served(1)
    at(clock, "10:08")
    assert office.calling.mark_no_show(2).status == "no_show"
    at(clock, "10:20")
    office.served(3)
    assert office.calling.bring_back("P002").status == "waiting"
    at(clock, "10:30")
    office.call(1, "A003")
    office.call_next(2, "P002")
    at(clock, "10:36")
    office.served(2)
    at(clock, "10:40")
    office.served(1)
    staff_day(office)


def staff_day(office: Office) -> None:
    """Refusals that are not the cap's, and what staff changed, after the counters are done."""
    clock, controls = office.clock, office.controls
    at(clock, "10:45")
    office.issuing.printer.paper_out = True
    office.issue(WALKIN, None, "paper_out")
    office.issue(PRIORITY, None, "paper_out")
    office.issuing.printer.paper_out = False
    at(clock, "10:50")
    assert controls.pause("ana", DAY, clock.now)
    at(clock, "10:55")
    office.issue(WALKIN, None, "paused")  # refused, but recorded nowhere
    office.issue_nik(PRIORITY, NIK_A, None, reason="disabilitas", refusal="paused")
    at(clock, "11:05")
    assert controls.resume("budi", DAY, clock.now)
    at(clock, "11:10")
    assert controls.set_cap(WALKIN, DAY, 4, 3, "ana", clock.now) == 3
    desk = StaffDesk.for_service(office.issuing)
    try:
        at(clock, "11:15")
        assert desk.reprint("A001", "budi", "id") is not None
        at(clock, "11:20")
        confirm_clock(office.db, now=clock.now, office_code="KUP", office_day=DAY,
                      device_id="KUP-SIM1", staff_id="ana", boot_id="report-test", boot_s=1.0)
        at(clock, "11:30")
        desk.log("budi", "restart")  # as the staff menu does before restarting
    finally:
        desk.close()


@pytest.fixture
def office(config: Config, tmp_path: Path) -> Office:
    clock = MovableClock(office_time("2026-11-25 07:59"))
    office = Office(config, clock, tmp_path)
    build_day(office)
    yield office
    office.db.close()


def report_of(office: Office, first: date = DAY, last: date = DAY):
    return build_report(office.db, office.config, first, last, office.clock.now)


# --- the figures ------------------------------------------------------------------


def test_every_figure_of_the_known_day(office: Office) -> None:
    report = report_of(office)
    assert report.single_day and [d.first for d in report.days] == [DAY]
    day = report.total
    a, p, b = day.lane("A"), day.lane("P"), day.lane("B")
    assert [lane.lane for lane in day.lanes] == ["A", "P", "B"]
    assert (a.issued, a.called, a.served, a.no_show, a.unfinished) == (3, 3, 2, 1, 0)
    assert (p.issued, p.called, p.served, p.no_show, p.unfinished) == (2, 2, 2, 0, 0)
    assert (b.issued, b.called, b.served, b.no_show, b.unfinished) == (2, 2, 2, 0, 0)
    # The walk-in quota ran out with A003 at 08:20 WITA; two people came after that.
    assert a.cap == 3 and a.turned_away == 2 and a.cap_ran_out_days == 1
    assert f"{a.cap_ran_out_at:%H:%M %Z}" == "08:20 WITA"
    assert p.cap is None and p.cap_ran_out_at is None and p.turned_away == 0
    assert b.cap_ran_out_at is None and b.turned_away == 0
    # Waits run to the FIRST call: P002 waited 10 minutes, not 40 (it left and came back).
    assert a.wait == Stats(3, 70, 130) and a.service == Stats(2, 11, 12)
    assert p.wait == Stats(2, 30, 50) and p.service == Stats(2, 10.5, 15)
    assert b.wait == Stats(2, 20, 30) and b.service == Stats(2, 23.5, 27)
    assert day.wait == Stats(7, 50, 130) and day.service == Stats(6, 13.5, 27)
    assert (day.issued, day.served, day.no_show, day.turned_away) == (7, 6, 1, 2)


def test_per_counter_throughput(office: Office) -> None:
    day = report_of(office).total
    one, two, three = day.counter(1), day.counter(2), day.counter(3)
    assert (one.name, one.calls, one.recalls, one.served, one.no_show) == ("Loket 1", 3, 0, 3, 0)
    assert one.hours_active == pytest.approx(100 / 60, abs=1e-4)  # 09:00-10:40
    assert one.served_per_hour == 1.8 and one.service == Stats(3, 12, 27)
    assert (two.calls, two.recalls, two.served, two.no_show) == (4, 6, 2, 1)
    assert two.hours_active == 1.6 and two.served_per_hour == 1.25  # 09:00-10:36
    assert two.service == Stats(2, 10.5, 15)
    # 10:00-10:20: 20 minutes of activity are too few for an hourly rate (issue 13).
    assert (three.calls, three.served, three.served_per_hour) == (1, 1, None)
    assert three.hours_active == pytest.approx(1 / 3, abs=1e-4)
    _, rows = counter_table(day, "id")
    assert [row[6] for row in rows] == ["1,8", "1,25", "-"]  # the table shows a dash
    assert [c.counter for c in day.counters] == [1, 2, 3]


def test_checkins_by_outcome(office: Office) -> None:
    day = report_of(office).total
    assert [c.outcome for c in day.checkins] == list(CHECKIN_OUTCOMES)
    counted = {c.outcome: (c.attempts, c.bookings) for c in day.checkins if c.attempts}
    assert counted == {"valid": (1, 1), "already_checked_in": (1, 1), "unknown_code": (1, 0),
                       "too_late": (2, 1), "wrong_day": (1, 1), "bad_signature": (1, 0)}
    assert day.checkin("valid").applicants == 2
    assert day.checkin("too_early").attempts == 0 and day.checkin("cancelled").attempts == 0


def test_per_hour_and_wait_distribution(office: Office) -> None:
    day = report_of(office).total
    assert [(h.hour, h.issued, h.called, h.served, h.turned_away) for h in day.hourly] == [
        (8, 4, 0, 0, 2), (9, 3, 4, 2, 0), (10, 0, 4, 4, 0)]
    assert {b.label: b.count for b in day.wait_histogram} == {
        "0-15": 2, "15-30": 0, "30-45": 1, "45-60": 1, "60-90": 2, "90-120": 0, "120-180": 1,
        "180+": 0}
    # The staff screen's small chart reads the same hours straight from the store.
    assert hourly_counts(office.db, "KUP", DAY, office.config.timezone) == day.hourly
    assert day_figures(office.db, office.config, DAY) == day


def test_a_range_recomputes_medians_from_all_samples(office: Office) -> None:
    clock = office.clock
    at(clock, "08:00", NEXT_DAY)
    office.issue(WALKIN, "A001")
    at(clock, "08:30", NEXT_DAY)
    office.call(1, "A001")
    at(clock, "08:45", NEXT_DAY)
    office.served(1)
    report = report_of(office, DAY, date(2026, 11, 30))
    assert not report.single_day and [d.first for d in report.days] == [DAY, NEXT_DAY]
    a = report.total.lane("A")
    assert (a.issued, a.served, a.turned_away, a.cap_ran_out_days) == (4, 3, 2, 1)
    assert a.cap_ran_out_at is None  # a range has no single time; the days have theirs
    assert a.wait == Stats(4, 65, 130)  # waits 30, 60, 70, 130: not the mean of daily medians
    assert report.days[1].lane("A").wait == Stats(1, 30, 30)
    # Nobody turned away on the 26th: the staff chart skips the events scan, same figures.
    assert hourly_counts(office.db, "KUP", NEXT_DAY, office.config.timezone) == (
        report.days[1].hourly) == (HourCount(8, 1, 1, 1, 0),)
    assert report.total.counter(1).hours_active == pytest.approx(100 / 60 + 0.25, abs=1e-4)
    assert report.total.counter(1).served == 4
    assert [(h.hour, h.issued, h.called) for h in report.total.hourly] == [
        (8, 5, 1), (9, 3, 4), (10, 0, 4)]


def test_refused_presses_by_reason(office: Office) -> None:
    day = report_of(office).total
    # The cap's refusals are the turned-away figure itself, not counted a second time.
    assert day.refusals == (Refusal("cap", 2), Refusal("paper_out", 2), Refusal("nik_limit", 2),
                            Refusal("walkin_burst", 2, bursts=1), Refusal("paused", 2),
                            Refusal("closed", 0))
    assert day.refused == 10 and day.turned_away == 2
    # The presses while paused (10:55) count; an untrusted clock's cannot be recorded.
    assert "paused" not in NOT_RECORDED and "clock" in NOT_RECORDED
    # The staff screen groups the per-minute refusals the same way.
    assert [b.refused for b in recent_bursts(office.db, "KUP", DAY)] == [2]


def test_priority_numbers_by_reason(office: Office) -> None:
    day = report_of(office).total
    assert day.priority == (PriorityCount("lansia", "nik", 1),
                            PriorityCount("balita", "counter", 0),
                            PriorityCount("disabilitas", "counter", 0),
                            PriorityCount("ibu_hamil", "counter", 1),
                            PriorityCount("unrecorded", "", 0))
    assert sum(p.tickets for p in day.priority) == day.lane("P").issued


def test_staff_actions_of_the_known_day(office: Office) -> None:
    day = report_of(office).total
    assert (day.pauses, day.paused_minutes) == (1, 15)  # 10:50-11:05
    listed = [(f"{a.at:%H:%M %Z}", a.by, a.action, a.detail) for a in day.staff_actions]
    previous = json.loads(office.db.execute(
        "SELECT payload FROM events WHERE kind = 'clock_confirmed'").fetchone()[0])
    was = datetime.fromisoformat(previous["previous_newest"]).astimezone(office.config.timezone)
    assert listed == [("10:50 WITA", "ana", "pause", "15 min"),
                      ("11:05 WITA", "budi", "resume", ""),
                      ("11:10 WITA", "ana", "cap_changed", "A: 3 -> 4"),
                      ("11:15 WITA", "budi", "reprint", "A001"),
                      ("11:20 WITA", "ana", "clock_confirmed", f"was {was:%Y-%m-%d %H:%M}"),
                      ("11:30 WITA", "budi", "restart", "")]
    cap = day.staff_actions[2]
    assert (cap.lane, cap.old, cap.new) == ("A", 3, 4)
    # The lane's cap in force when people were turned away stays the one they met.
    assert day.lane("A").cap == 3


def office_hours(config: Config) -> Config:
    """The same office open 07:30-16:00 on weekdays (the simulation is open all day)."""
    lanes = frozenset(config.lanes)
    hours = {i: DayHours(datetime(1, 1, 1, 7, 30).time(), datetime(1, 1, 1, 16).time(), lanes)
             if i < 5 else None for i in range(7)}
    return dataclasses.replace(config, hours=hours)


def test_a_pause_left_open_counts_until_closing_or_the_report(office: Office) -> None:
    clock = office.clock
    at(clock, "15:30")
    assert office.controls.pause("ana", DAY, clock.now)
    at(clock, "15:50")
    office.issue(WALKIN, None, "paused")
    # Made during the day: the open pause counts until now.
    today = report_of(office).total
    assert (today.pauses, today.paused_minutes) == (2, 35)  # 15 + 20
    assert today.staff_actions[-1].open and today.staff_actions[-1].minutes == 20
    assert day_figures(office.db, office.config, DAY, clock.now) == today
    # The next morning budi resumes at 08:10; walk-ins come in two bursts.
    at(clock, "08:10", NEXT_DAY)
    assert office.controls.resume("budi", NEXT_DAY, clock.now)
    office.issue(WALKIN, "A001")
    for moment in ("08:10:20", "08:10:40"):
        at(clock, moment, NEXT_DAY)
        office.issue(WALKIN, None, "walkin_burst")
    at(clock, "08:12", NEXT_DAY)
    office.issue(WALKIN, "A002")
    at(clock, "08:12:30", NEXT_DAY)
    office.issue(WALKIN, None, "walkin_burst")
    # The simulation is open 00:00-24:00: until midnight, then from midnight to 08:10.
    report = report_of(office, DAY, NEXT_DAY)
    first, second = report.days
    assert (first.pauses, first.paused_minutes) == (2, 15 + 510)
    assert (second.pauses, second.paused_minutes) == (0, 490)
    carried = second.staff_actions[0]
    assert (carried.action, carried.by, carried.open, carried.minutes) == (
        "resume", "budi", True, 490)
    assert carried.detail == "paused since an earlier day, 490 min today"
    assert (report.total.pauses, report.total.paused_minutes) == (2, 1015)
    # An office open 07:30-16:00: only the open hours count.
    hours = build_report(office.db, office_hours(office.config), DAY, NEXT_DAY, clock.now)
    assert [d.paused_minutes for d in hours.days] == [15 + 30, 40]
    assert hours.total.paused_minutes == 85
    assert [a.detail for a in hours.days[0].staff_actions if a.action == "pause"] == [
        "15 min", "30 min, not resumed"]
    # Two bursts the next day (08:10:20-08:10:40, 08:12:30), one the day before.
    assert second.refusal("walkin_burst") == Refusal("walkin_burst", 3, bursts=2)
    assert len(recent_bursts(office.db, "KUP", NEXT_DAY)) == 2
    assert report.total.refusal("walkin_burst") == Refusal("walkin_burst", 5, bursts=3)
    assert first.refusal("paused").presses >= 2  # a press after the pause left open counts
    assert report.total.refused == first.refused + second.refused == 14
    # CSV: the actions under their own day; the range total has only the counts.
    rows = report_rows(report)
    assert ("2026-11-26", "staff_action", "08:10", "resume",
            "budi: paused since an earlier day, 490 min today") in rows
    assert ("total", "staff", "all", "paused_minutes", 1015) in rows
    assert ("total", "refusal", "walkin_burst", "bursts", 3) in rows
    assert not [r for r in rows if r[0] == "total" and r[1] == "staff_action"]
    # A closed day (Saturday here) counts no paused minutes: everyone was refused as closed.
    saturday = date(2026, 11, 28)
    at(clock, "09:00", saturday)
    assert office.controls.pause("ana", saturday, clock.now)
    weekend = build_report(office.db, office_hours(office.config), saturday, saturday,
                           office_time("2026-11-28 12:00"))
    assert (weekend.total.pauses, weekend.total.paused_minutes) == (1, 0)
    page = parse_tables(render_html(hours, "en"))
    assert ["26/11/2026", "08:10 WITA", "budi", "Issuing resumed",
            "paused since an earlier day; 40 min that day"] in page["table-staff"]


def test_presses_of_a_lane_the_day_does_not_serve_have_their_own_row(
        config: Config) -> None:
    """A priority-only Saturday: walk-in presses are "not served that day", not "closed"
    (the office was open); the row appears only where such presses happened."""
    saturday = DayHours(datetime(1, 1, 1, 8).time(), datetime(1, 1, 1, 12).time(),
                        frozenset({PRIORITY}))
    cfg = dataclasses.replace(office_hours(config), hours=office_hours(config).hours
                              | {5: saturday})
    clock = MovableClock(office_time("2026-11-28 09:00"))
    db = store.connect(cfg.database)
    issuing = IssuingService(cfg, db, make_printer(cfg.printer), None, clock)
    for _ in range(2):
        assert issuing.issue(WALKIN).reason == "not_served_today"
    assert isinstance(issuing.issue(PRIORITY), Issued)
    day = date(2026, 11, 28)
    figures = build_report(db, cfg, day, day, clock.now).total
    assert figures.refusal("not_served_today").presses == 2
    assert figures.refusal("closed").presses == 0
    assert "Lane not served that day (other lanes open)" in render_table(
        build_report(db, cfg, day, day, clock.now), "en")
    weekday = build_report(db, cfg, DAY, DAY, clock.now).total
    assert "not_served_today" not in [r.reason for r in weekday.refusals]
    db.close()


def test_an_empty_day_and_bad_ranges(office: Office) -> None:
    empty = report_of(office, date(2026, 11, 24), date(2026, 11, 24))
    assert empty.days == () and empty.total.issued == 0 and empty.total.hourly == ()
    assert empty.total.wait == Stats(0, None, None)
    assert "Tidak ada data antrian" in render_html(empty)
    assert "No queue data" in render_table(empty, "en")
    with pytest.raises(ValueError, match="before it starts"):
        report_of(office, NEXT_DAY, DAY)
    with pytest.raises(ValueError, match="at most 366 days"):
        report_of(office, date(2025, 1, 1), DAY)


def test_other_offices_in_the_same_store_are_left_out(office: Office, config: Config) -> None:
    other = dataclasses.replace(office.config, office=dataclasses.replace(
        office.config.office, code="JKT", device_id="JKT-1"))
    assert build_report(office.db, other, DAY, DAY, office.clock.now).days == ()


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 90) is None
    assert percentile([5], 90) == 5
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile(list(range(1, 12)), 90) == 10
    assert [nice_step(p) for p in (0, 1, 4, 7, 12, 60, 130)] == [1, 1, 1, 2, 5, 20, 50]


# --- the HTML page ----------------------------------------------------------------


class Page(HTMLParser):
    """Collects the bars of each chart and the page's tables and outside references."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: dict[str, dict] = {}
        self.current: str | None = None
        self.external: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        for name in ("src", "href"):
            if a.get(name):
                self.external.append(a[name] or "")
        if tag == "svg":
            self.current = a["data-chart"]
            self.charts[self.current] = {"scale": float(a["data-scale"] or 0), "bars": []}
        elif tag == "rect" and self.current and "data-series" in a:
            self.charts[self.current]["bars"].append(
                (a["data-series"], a["data-category"], int(a["data-value"] or 0),
                 float(a["height"] or 0), float(a["y"] or 0)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.current = None


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


class Tables(HTMLParser):
    """Each table's rows (header row first) as lists of cell texts, by table id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.table: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.table = dict(attrs).get("id") or ""
            self.tables[self.table] = []
        elif tag == "tr" and self.table is not None:
            self.tables[self.table].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.table is not None:
            self.tables[self.table][-1].append("".join(self.cell))
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def parse_tables(page: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(page)
    return parser.tables


def series(chart: dict, name: str) -> dict[str, int]:
    return {category: value for s, category, value, _, _ in chart["bars"] if s == name}


def test_html_charts_carry_the_days_figures(office: Office) -> None:
    page = render_html(report_of(office), "id")
    parsed = parse(page)
    hourly, waits = parsed.charts["chart-hourly"], parsed.charts["chart-waits"]
    assert series(hourly, "issued") == {"08": 4, "09": 3, "10": 0}
    assert series(hourly, "called") == {"08": 0, "09": 4, "10": 4}
    assert series(hourly, "turned_away") == {"08": 2, "09": 0, "10": 0}
    assert series(waits, "waits") == {"0-15": 2, "15-30": 0, "30-45": 1, "45-60": 1,
                                      "60-90": 2, "90-120": 0, "120-180": 1, "180+": 0}
    for chart in (hourly, waits):  # every bar is drawn to scale on one baseline
        bottoms = set()
        for _, _, value, height, y in chart["bars"]:
            assert height == pytest.approx(value * chart["scale"], abs=0.01)
            bottoms.add(round(y + height, 1))
        assert len(bottoms) == 1
    tallest = max(hourly["bars"], key=lambda bar: bar[3])
    assert tallest[2] == 4
    assert "chart-days" not in parsed.charts  # one day: no per-day chart


def test_html_page_is_self_contained_and_in_both_languages(office: Office) -> None:
    report = report_of(office)
    page_id, page_en = render_html(report, "id"), render_html(report, "en")
    for page in (page_id, page_en):
        parsed = parse(page)
        assert parsed.external == [] and "script" not in parsed.tags
        assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in page and "@import" not in page and "url(" not in page
        assert "<style>" in page and page.count("<svg") == 2
        assert "Kantor Imigrasi Kelas I TPI Kupang" in page
    assert '<html lang="id">' in page_id and "Rabu, 25 November 2026" in page_id
    assert "Kuota habis pukul" in page_id and "08:20 WITA" in page_id
    assert "Terlambat" in page_id and "Tunggu median (menit)" in page_id
    assert '<html lang="en">' in page_en and "Wednesday, 25 November 2026" in page_en
    assert "Quota ran out at" in page_en and "Too late" in page_en
    assert '<div class="card" data-figure="turned_away"><b>2</b>' in page_en
    assert "13,5" in render_table(report, "id") and "13.5" in render_table(report, "en")


def test_a_range_page_has_a_chart_per_day(office: Office) -> None:
    at(office.clock, "08:00", NEXT_DAY)
    office.issue(WALKIN, "A001")
    parsed = parse(render_html(report_of(office, DAY, NEXT_DAY), "en"))
    days = parsed.charts["chart-days"]
    assert series(days, "issued") == {"25/11": 7, "26/11": 1}
    assert series(days, "served") == {"25/11": 6, "26/11": 0}
    assert series(days, "turned_away") == {"25/11": 2, "26/11": 0}


# --- CSV, JSON, table and the command ---------------------------------------------


def test_json_and_csv_hold_the_same_figures(office: Office) -> None:
    report = report_of(office)
    data = json.loads(json.dumps(report_dict(report)))
    lane_a = data["total"]["lanes"][0]
    assert lane_a["lane"] == "A" and lane_a["issued"] == 3 and lane_a["turned_away"] == 2
    assert lane_a["cap_ran_out_at"] == "2026-11-25T08:20:00+08:00"
    assert lane_a["wait"] == {"count": 3, "median": 70, "p90": 130}
    assert data["total"]["totals"] == {"issued": 7, "served": 6, "no_show": 1, "turned_away": 2,
                                       "refused": 10}
    assert data["first"] == data["last"] == "2026-11-25"
    rows = {(r[1], r[2], r[3]): r[4] for r in report_rows(report)}
    assert rows[("lane", "A", "cap_ran_out_at")] == "08:20"
    assert rows[("lane", "A", "turned_away")] == 2
    assert rows[("overall", "all", "wait_median_min")] == 50
    assert rows[("counter", "2", "served_per_hour")] == 1.25
    # Counter 3 was active 20 minutes: no rate, null in JSON and an empty CSV cell.
    assert [c["served_per_hour"] for c in data["total"]["counters"]] == [1.8, 1.25, None]
    assert rows[("counter", "3", "served_per_hour")] == ""
    assert rows[("checkin", "too_late", "attempts")] == 2
    assert rows[("hour", "09", "called")] == 4
    assert rows[("wait_minutes", "60-90", "count")] == 2
    assert rows[("lane", "P", "cap")] == ""  # no cap: an empty cell, not "None"
    assert {r[0] for r in report_rows(report)} == {"2026-11-25"}


def test_refusals_priority_and_staff_in_json_and_csv(office: Office) -> None:
    report = report_of(office)
    data = json.loads(json.dumps(report_dict(report)))
    total = data["total"]
    assert data["refusals_not_recorded"] == list(NOT_RECORDED)
    assert total["refusals"] == [
        {"reason": "cap", "presses": 2, "bursts": None},
        {"reason": "paper_out", "presses": 2, "bursts": None},
        {"reason": "nik_limit", "presses": 2, "bursts": None},
        {"reason": "walkin_burst", "presses": 2, "bursts": 1},
        {"reason": "paused", "presses": 2, "bursts": None},
        {"reason": "closed", "presses": 0, "bursts": None}]
    assert [(p["reason"], p["check"], p["tickets"]) for p in total["priority"]] == [
        ("lansia", "nik", 1), ("balita", "counter", 0), ("disabilitas", "counter", 0),
        ("ibu_hamil", "counter", 1), ("unrecorded", "", 0)]
    assert (total["pauses"], total["paused_minutes"]) == (1, 15)
    actions = total["staff_actions"]
    assert [(a["at"], a["by"], a["action"]) for a in actions] == [
        ("2026-11-25T10:50:00+08:00", "ana", "pause"),
        ("2026-11-25T11:05:00+08:00", "budi", "resume"),
        ("2026-11-25T11:10:00+08:00", "ana", "cap_changed"),
        ("2026-11-25T11:15:00+08:00", "budi", "reprint"),
        ("2026-11-25T11:20:00+08:00", "ana", "clock_confirmed"),
        ("2026-11-25T11:30:00+08:00", "budi", "restart")]
    assert actions[0]["minutes"] == 15 and actions[0]["open"] is False
    assert (actions[2]["lane"], actions[2]["old"], actions[2]["new"], actions[2]["detail"]) == (
        "A", 3, 4, "A: 3 -> 4")
    assert actions[3]["label"] == "A001"
    assert data["days"][0]["staff_actions"] == actions  # one day: the day is the total
    rows = report_rows(report)
    keyed = {(r[1], r[2], r[3]): r[4] for r in rows if r[1] != "staff_action"}
    assert {k[1:]: v for k, v in keyed.items() if k[0] == "refusal"} == {
        ("cap", "presses"): 2, ("paper_out", "presses"): 2, ("nik_limit", "presses"): 2,
        ("walkin_burst", "presses"): 2, ("walkin_burst", "bursts"): 1,
        ("paused", "presses"): 2, ("closed", "presses"): 0, ("all", "presses"): 10}
    assert keyed[("priority", "lansia", "tickets")] == 1
    assert keyed[("priority", "lansia", "checked_by")] == "nik"
    assert keyed[("priority", "ibu_hamil", "tickets")] == 1
    assert keyed[("priority", "balita", "tickets")] == 0
    assert keyed[("priority", "unrecorded", "tickets")] == 0
    assert keyed[("staff", "all", "pauses")] == 1
    assert keyed[("staff", "all", "paused_minutes")] == 15
    assert keyed[("staff", "all", "cap_changed_count")] == 1
    assert keyed[("staff", "all", "reprint_count")] == 1
    assert [r[2:] for r in rows if r[1] == "staff_action"][:4] == [
        ("10:50", "pause", "ana: 15 min"), ("11:05", "resume", "budi"),
        ("11:10", "cap_changed", "ana: A: 3 -> 4"), ("11:15", "reprint", "budi: A001")]
    assert [r[2:4] for r in rows if r[1] == "staff_action"][4:] == [
        ("11:20", "clock_confirmed"), ("11:30", "restart")]


def test_refusals_priority_and_staff_on_the_page_and_in_the_terminal(office: Office) -> None:
    report = report_of(office)
    tables = parse_tables(render_html(report, "id"))
    assert tables["table-refusals"] == [
        ["Alasan", "Tekan ditolak", "Rentetan"], ["Kuota habis", "2", ""],
        ["Kertas habis", "2", ""], ["NIK sudah memegang nomor hari ini", "2", ""],
        ["Batas nomor per menit", "2", "1"], ["Pengambilan nomor dijeda petugas", "2", ""],
        ["Di luar jam layanan", "0", ""], ["Semua alasan", "10", ""]]
    assert tables["table-priority"] == [
        ["Alasan", "Diperiksa", "Nomor"], ["Lansia", "Dari NIK (usia 60+)", "1"],
        ["Membawa balita", "Di loket", "0"], ["Disabilitas", "Di loket", "0"],
        ["Ibu hamil", "Di loket", "1"], ["Tanpa alasan tercatat (tanpa NIK)", "-", "0"]]
    assert tables["table-pauses"] == [["Jeda pengambilan nomor", "Menit dijeda"], ["1", "15"]]
    staff = tables["table-staff"]
    assert staff[0] == ["Pukul", "Oleh", "Tindakan", "Rincian"]
    assert staff[1:4] == [["10:50 WITA", "ana", "Jeda pengambilan nomor", "15 menit"],
                          ["11:05 WITA", "budi", "Pengambilan nomor dilanjutkan", ""],
                          ["11:10 WITA", "ana", "Kuota hari ini diubah", "Jalur A: 3 -> 4"]]
    assert staff[4] == ["11:15 WITA", "budi", "Cetak ulang", "A001"]
    assert staff[5][:3] == ["11:20 WITA", "ana", "Jam kios dikonfirmasi"]
    assert staff[5][3].startswith("sebelumnya 2026-11-25 ")
    assert staff[6] == ["11:30 WITA", "budi", "Mulai ulang", ""]
    page = render_html(report, "en")
    assert '<div class="card" data-figure="refused_all"><b>10</b>' in page
    assert "Not recorded, so not counted" in page
    table = render_table(report, "en")
    assert "Presses that got no number" in table and "Per-minute limit" in table
    assert "Priority numbers by reason" in table and "By NIK (age 60+)" in table
    line = next(x for x in table.splitlines() if "Today's cap changed" in x)
    assert line.split() == ["11:10", "WITA", "ana", "Today's", "cap", "changed", "Lane", "A:",
                            "3", "->", "4"]


def run_cli(office: Office, *argv: str) -> int:
    args = cli._parser().parse_args(["report", *argv])
    return cli_report.dispatch(args, office.config)


def test_the_command_in_each_format(office: Office, capsys, tmp_path: Path) -> None:
    assert run_cli(office, "--date", "2026-11-25", "--format", "csv") == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert table[0] == ["day", "section", "item", "metric", "value"]
    assert ["2026-11-25", "lane", "A", "issued", "3"] in table
    assert run_cli(office, "--from", "2026-11-25", "--to", "2026-11-26", "--format",
                   "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["last"] == "2026-11-26" and data["total"]["totals"]["issued"] == 7
    assert run_cli(office, "--date", "2026-11-25", "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "Per lane" in out and "A Walk-in" in out and "08:20 WITA" in out
    # `kiosk --lang en report` (the global option) is honoured too.
    args = cli._parser().parse_args(["--lang", "en", "report", "--date", "2026-11-25"])
    assert cli_report.dispatch(args, office.config) == 0
    assert "Per counter" in capsys.readouterr().out
    target = tmp_path / "report.html"
    assert run_cli(office, "--date", "2026-11-25", "--format", "html", "-o", str(target)) == 0
    assert capsys.readouterr().out.strip() == str(target)
    assert parse(target.read_text(encoding="utf-8")).charts["chart-hourly"]["bars"]


@pytest.mark.parametrize(("argv", "message"), [
    (("--date", "25-11-2026"), "--date: expected a date YYYY-MM-DD"),
    (("--from", "2026-11-26", "--to", "2026-11-25"), "is before --from"),
    (("--to", "2026-11-25"), "--to needs --from"),
    (("--from", "2020-01-01", "--to", "2026-11-25"), "at most 366 days"),
    (("--date", "2026-11-25", "-o", "/nonexistent-dir/x.html"), "cannot write"),
])
def test_the_command_refuses_bad_input_plainly(office: Office, capsys, argv, message) -> None:
    assert run_cli(office, *argv) == cli_report.EXIT_USAGE
    assert message in capsys.readouterr().err


def test_no_store_is_reported_not_created(config: Config, capsys, tmp_path: Path) -> None:
    missing = dataclasses.replace(config, database=tmp_path / "none" / "kiosk.db")
    args = argparse.Namespace(command="report", date="2026-11-25", date_from=None,
                              date_to=None, format="table", output=None, lang=None)
    assert cli_report.dispatch(args, missing) == cli_report.EXIT_NO_STORE
    assert "no store yet" in capsys.readouterr().err and not missing.database.exists()
