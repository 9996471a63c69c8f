"""The office head's report: a known day built through the real services, every figure checked.

The day (Wednesday 25 November 2026, Kupang, WITA = UTC+8; walk-in cap 3):

  08:00 A001  08:05 A002  08:10 P001  08:20 A003 (cap reached)  08:25, 08:40 walk-ins refused
  09:00 loket 1 calls A001, loket 2 calls P001     09:12 loket 1: A001 served
  09:15 loket 2 calls A002 (P001 served)           09:30 family FAM00001 checks in: B001, B002
  09:31-09:37 check-in refusals: already checked in, unknown code, too late (x2, one booking),
              wrong day, bad signature, and a malformed scan (not recorded)
  09:40 loket 1 calls B001; loket 2 recalls A002 at 09:40, 09:42, 09:44; 09:46 A002 no-show
  09:50 P002   10:00 loket 3 calls B002, loket 2 calls P002; recalls 10:02, 10:04, 10:06
  10:07 loket 1: B001 served   10:08 P002 no-show   10:20 loket 3: B002 served; P002 is back
  10:30 loket 1 calls A003, loket 2 calls P002 again   10:36 P002 served   10:40 A003 served
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import time
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hardware.printers import make_printer
from kiosk import cli, cli_report, store
from kiosk.booking_qr import BookingClaim, generate_private_key, sign_payload
from kiosk.bookings import import_bookings
from kiosk.calling_view import calling_service
from kiosk.checkin import CheckedIn, CheckinPolicy, CheckinRefused, CheckinService
from kiosk.config import Config
from kiosk.issuing import PRIORITY, WALKIN, Issued, IssuingService, Refused
from kiosk.report import (
    CHECKIN_OUTCOMES,
    HourCount,
    Stats,
    build_report,
    day_figures,
    hourly_counts,
    percentile,
    report_dict,
    report_rows,
)
from kiosk.report_html import nice_step, render_html, render_table
from tests.conftest import MovableClock, office_time, with_cap

DAY = date(2026, 11, 25)
NEXT_DAY = date(2026, 11, 26)
SALT = b"report-test-salt-0123456789"
KEY, STRANGER = generate_private_key(), generate_private_key()


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
        self.config = with_cap(config, WALKIN, 3)
        self.db = store.connect(self.config.database)
        printer = make_printer(self.config.printer)
        self.issuing = IssuingService(self.config, self.db, printer, None, clock)
        policy = CheckinPolicy("KUP", early_minutes=60, late_minutes=30,
                               public_keys={"k1": KEY.public_key()})
        self.checkin = CheckinService(self.config, self.db, printer, policy, clock,
                                      issuing=self.issuing)
        self.calling = calling_service(self.config, self.db, clock)
        self.clock = clock
        sync_bookings(self.db, tmp_path)

    def issue(self, lane: str, expect: str | None) -> None:
        result = self.issuing.issue(lane, "id")
        if expect is None:
            assert isinstance(result, Refused) and result.reason == "cap"
        else:
            assert isinstance(result, Issued) and result.ticket.label == expect

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
    for hhmm, lane, label in (("08:00", WALKIN, "A001"), ("08:05", WALKIN, "A002"),
                              ("08:10", PRIORITY, "P001"), ("08:20", WALKIN, "A003"),
                              ("08:25", WALKIN, None), ("08:40", WALKIN, None)):
        at(clock, hhmm)
        office.issue(lane, label)
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
    office.issue(PRIORITY, "P002")
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
    assert (three.calls, three.served, three.served_per_hour) == (1, 1, 3.0)  # 10:00-10:20
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
    import dataclasses

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
    assert data["total"]["totals"] == {"issued": 7, "served": 6, "no_show": 1, "turned_away": 2}
    assert data["first"] == data["last"] == "2026-11-25"
    rows = {(r[1], r[2], r[3]): r[4] for r in report_rows(report)}
    assert rows[("lane", "A", "cap_ran_out_at")] == "08:20"
    assert rows[("lane", "A", "turned_away")] == 2
    assert rows[("overall", "all", "wait_median_min")] == 50
    assert rows[("counter", "2", "served_per_hour")] == 1.25
    assert rows[("checkin", "too_late", "attempts")] == 2
    assert rows[("hour", "09", "called")] == 4
    assert rows[("wait_minutes", "60-90", "count")] == 2
    assert rows[("lane", "P", "cap")] == ""  # no cap: an empty cell, not "None"
    assert {r[0] for r in report_rows(report)} == {"2026-11-25"}


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
    import dataclasses

    missing = dataclasses.replace(config, database=tmp_path / "none" / "kiosk.db")
    args = argparse.Namespace(command="report", date="2026-11-25", date_from=None,
                              date_to=None, format="table", output=None, report_lang=None)
    assert cli_report.dispatch(args, missing) == cli_report.EXIT_NO_STORE
    assert "no store yet" in capsys.readouterr().err and not missing.database.exists()
