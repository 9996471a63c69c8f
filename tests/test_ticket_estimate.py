"""The estimated wait on tickets and screens: rounded for people, today's pace, never fatal.

Tickets go through the real layout into python-escpos' Dummy (the bytes a
printer gets); services are recorded with the real CallingService over the
same store, with a clock the test moves.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from escpos.printer import Dummy
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Static

from hardware.printers import EscposTicketPrinter, make_printer
from hardware.sim_printer import SimulationPrinter
from kiosk import store
from kiosk.appliance import Appliance, build
from kiosk.checkin.booking_import import import_bookings
from kiosk.checkin.booking_samples import make_sample_bookings
from kiosk.checkin.service import CheckedIn, CheckinPolicy, CheckinService
from kiosk.config import Config, CounterConfig, WalkinConfig
from kiosk.ports import TicketWait
from kiosk.queue.calling_view import calling_service
from kiosk.queue.issuing import Issued, IssuingService
from kiosk.queue.wait_estimate import PaceCache, WaitEstimate, rounded_range, ticket_wait
from kiosk.texts.wait import wait_line
from screens.app import KioskApp
from screens.checkin import CheckedInScreen
from screens.ticket import TicketScreen
from tests.conftest import ROOT, MovableClock, settle

TODAY = date(2026, 11, 25)  # the clock fixture: Wednesday 09:00 WITA


class DummyService:
    """IssuingService printing through EscposTicketPrinter into one Dummy device."""

    def __init__(self, cfg: Config, clock: MovableClock) -> None:
        # Queues are built at one instant here: the per-minute walk-in limit is not under test.
        cfg = dataclasses.replace(cfg, walkin=WalkinConfig(per_minute=0))
        self.device = Dummy()
        printer = EscposTicketPrinter(lambda: self.device, cfg.printer.paper_width_mm, 0.2)
        self.db = store.connect(cfg.database)
        self.service = IssuingService(cfg, self.db, printer, None, clock)

    def issue(self, lane: str = "A", language: str = "id") -> tuple[Issued, bytes]:
        self.device.clear()
        issued = self.service.issue(lane, language)
        assert isinstance(issued, Issued) and issued.printed
        return issued, self.device.output


@pytest.fixture
def dummy(config: Config, clock: MovableClock):
    made = DummyService(config, clock)
    yield made
    made.db.close()


def with_counters(cfg: Config, *counters: tuple[int, str]) -> Config:
    return dataclasses.replace(cfg, counters=tuple(
        CounterConfig(n, f"Loket {n}", frozenset(lanes)) for n, lanes in counters))


# --- rounding and wording ----------------------------------------------------------------


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.0, 0.0, (0, 5)),  # nobody ahead
    (19.2, 30.0, (20, 30)),
    (28.8, 45.0, (30, 45)),
    (18.0, 22.0, (20, 25)),  # at least one step wide
    (2.0, 8.0, (0, 10)),  # "< 10 menit"
    (3.2, 5.0, (5, 10)),
    (33.6, 52.5, (35, 55)),  # the high end is rounded up: better early than late
    (58.0, 62.0, (60, 75)),  # above an hour, 15-minute steps
    (90.0, 140.0, (90, 150)),
])
def test_ranges_are_rounded_to_steps_people_read(low, high, expected) -> None:
    assert rounded_range(low, high) == expected


@given(st.floats(0, 600), st.floats(0, 600))
def test_rounded_range_is_a_plain_range_covering_the_estimate(a, b) -> None:
    low, high = min(a, b), max(a, b)
    lo, hi = rounded_range(low, high)
    assert lo % 5 == 0 and hi % 5 == 0
    assert hi >= high and hi >= lo + 5
    assert abs(lo - low) <= 7.5


def test_a_range_backwards_is_refused() -> None:
    with pytest.raises(ValueError):
        rounded_range(10, 5)


@pytest.mark.parametrize(("wait", "language", "expected"), [
    (TicketWait((20, 30), True), "id", "Perkiraan tunggu: 20-30 menit"),
    (TicketWait((20, 30), True), "en", "Estimated wait: about 20-30 min"),
    (TicketWait((0, 5)), "id", "Perkiraan tunggu: < 5 menit"),
    (TicketWait((0, 5)), "en", "Estimated wait: under 5 min"),
    (TicketWait(None), "id", "Perkiraan tunggu: belum dapat diperkirakan"),
    (TicketWait(None), "en", "Estimated wait: cannot estimate yet"),
])
def test_wait_line_in_both_languages(wait, language, expected) -> None:
    assert wait_line(wait, language) == expected


def test_no_open_counter_reads_as_unknown_not_zero() -> None:
    assert ticket_wait(None) == TicketWait(None)
    assert ticket_wait(WaitEstimate(24.0, 19.2, 30.0, 12.0, False)) == TicketWait((20, 30))


# --- on the printed ticket ---------------------------------------------------------------


def test_new_ticket_prints_people_ahead_and_the_wait(dummy: DummyService) -> None:
    for _ in range(7):
        dummy.issue("A")
    # 7 ahead, counters 1 and 2 serve walk-ins, nothing served yet: 7/2 x 9.6-15 min.
    issued, data = dummy.issue("A", "id")
    assert issued.ticket.ahead == 7
    assert issued.content.wait == TicketWait((35, 55), from_today=False)
    assert b"Menunggu sebelum Anda: 7\n" in data
    assert b"Perkiraan tunggu: 35-55 menit\n" in data
    issued, data = dummy.issue("A", "en")  # 8 ahead: 38.4-60 min
    assert b"Waiting before you: 8\n" in data
    assert b"Estimated wait: about 40-60 min\n" in data


def test_first_in_line_is_told_under_five_minutes(dummy: DummyService) -> None:
    _, data = dummy.issue("P", "id")
    assert b"Menunggu sebelum Anda: 0\n" in data
    assert b"Perkiraan tunggu: < 5 menit\n" in data


def test_the_next_ticket_follows_todays_pace(config: Config, clock: MovableClock,
                                             dummy: DummyService) -> None:
    calling = calling_service(config, dummy.db, clock)
    for _ in range(10):
        dummy.issue("A")
    first, _ = dummy.issue("A")  # A011: 10 ahead / 2 counters x the usual 12 min
    assert first.content.wait == TicketWait((50, 75), from_today=False)
    # Counter 1 serves A001-A004 in 3, 4, 5 and 6 minutes; counter 2 never calls.
    for minutes in (3, 4, 5, 6):
        calling.call_next(1)
        clock.advance(minutes=minutes)
    calling.mark_served(1)
    # 7 waiting (A005-A011) ahead of A012 x 3.75-5.25 min (quartiles) / 1 open counter.
    issued, data = dummy.issue("A")
    assert issued.ticket.ahead == 7
    assert issued.content.wait == TicketWait((25, 40), from_today=True)
    assert b"Perkiraan tunggu: 25-40 menit\n" in data


def test_a_call_refreshes_the_pace_at_once_a_served_mark_within_max_age(
        config: Config, clock: MovableClock, dummy: DummyService) -> None:
    calling = calling_service(config, dummy.db, clock)
    pace = PaceCache(dummy.db, "KUP", calling.counters.values(), max_age=timedelta(seconds=30))
    for _ in range(6):
        dummy.issue("A")
    for _ in range(3):
        calling.call_next(1)
        clock.advance(minutes=4)
    assert pace.pace(TODAY, "A", clock()).recent == (4.0, 4.0)
    calling.mark_served(1)  # no call: the cached pace stands until it is 30 s old
    assert pace.pace(TODAY, "A", clock()).recent == (4.0, 4.0)
    clock.advance(seconds=29)
    assert pace.pace(TODAY, "A", clock()).recent == (4.0, 4.0)
    clock.advance(seconds=2)
    assert pace.pace(TODAY, "A", clock()).recent == (4.0, 4.0, 4.0)
    calling.call_next(1)
    clock.advance(minutes=2)
    calling.call_next(1)  # a call: re-read straight away
    assert pace.pace(TODAY, "A", clock()).recent == (4.0, 4.0, 4.0, 2.0)
    assert pace.pace(TODAY, "A", clock()).open_counters == 1


@pytest.mark.parametrize("counters", [((3, "B"),), ()])
def test_no_counter_serving_the_lane_cannot_estimate(config: Config, clock: MovableClock,
                                                     counters) -> None:
    service = DummyService(with_counters(config, *counters), clock)
    try:
        issued, data = service.issue("A", "id")
        assert issued.content.wait == TicketWait(None)
        assert b"Perkiraan tunggu: belum dapat diperkirakan\n" in data
        _, data = service.issue("A", "en")
        assert b"Estimated wait: cannot estimate yet\n" in data
    finally:
        service.db.close()


def test_counters_idle_for_an_hour_mean_unknown(config: Config, clock: MovableClock,
                                                dummy: DummyService) -> None:
    calling = calling_service(config, dummy.db, clock)
    dummy.issue("A")
    dummy.issue("A")
    calling.call_next(1)
    clock.advance(minutes=61)  # the only counter that called closed for lunch
    issued, data = dummy.issue("A")
    assert issued.content.wait == TicketWait(None)
    assert b"belum dapat diperkirakan" in data


def test_a_broken_estimate_still_issues_and_prints_the_number(
        dummy: DummyService, caplog: pytest.LogCaptureFixture) -> None:
    dummy.db.execute("ALTER TABLE calls RENAME TO calls_elsewhere")  # a real SQLite error
    with caplog.at_level(logging.ERROR, logger="kiosk.queue.issuing"):
        issued, data = dummy.issue("A", "id")
    assert issued.ticket.label == "A001" and issued.content.wait is None
    assert b"A001" in data and b"Menunggu sebelum Anda: 0" in data
    assert b"Perkiraan" not in data
    assert "wait estimate for A001 failed" in caplog.text
    assert "no such table: calls" in caplog.text


def test_a_ticket_whose_count_cannot_be_read_leaves_the_line_off(
        dummy: DummyService, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The count before the ticket is read after the number (never inside its transaction);
    if even that read fails the number still prints, without a line that would lie."""
    dummy.issue("A")
    dummy.db.execute("ALTER TABLE calls RENAME TO calls_elsewhere")  # no forecast: the count

    def unreadable(*args: object) -> int:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(dummy.service.numbering, "waiting_before", unreadable)
    with caplog.at_level(logging.ERROR, logger="kiosk.queue.issuing"):
        issued, data = dummy.issue("A", "id")
    assert issued.ticket.label == "A002" and issued.content.ahead is None
    assert b"A002" in data and b"Menunggu sebelum Anda" not in data
    assert "count before A002 failed" in caplog.text
    assert dummy.db.execute("SELECT printed FROM tickets WHERE number = 2").fetchone() == (1,)


def test_simulation_preview_shows_the_wait(config: Config, clock: MovableClock) -> None:
    printer = make_printer(config.printer)
    assert isinstance(printer, SimulationPrinter)
    service = IssuingService(config, store.connect(config.database), printer, None, clock)
    try:
        service.issue("A")
        service.issue("A", "en")
        assert "Waiting before you: 1" in (printer.last_preview or "")
        assert "Estimated wait: about 5-10 min" in (printer.last_preview or "")  # 4.8-7.5
    finally:
        service.db.close()


# --- check-in tickets --------------------------------------------------------------------


def sync_family(db, tmp_path: Path, code: str = "FAM0001") -> None:
    people = [{"nickname": n, "nik": k} for n, k in
              [("Budi", "5371014405900003"), ("Siti", "5371010203850001"),
               ("Ani", "5371016512100002")]]
    path = tmp_path / "bookings.json"
    path.write_text(json.dumps([{"code": code, "office": "KUP", "date": TODAY.isoformat(),
                                 "slot_start": "09:00", "slot_end": "10:00", "status": "booked",
                                 "applicants": people}]), encoding="utf-8")
    assert import_bookings(db, path, b"estimate-test-salt-0123456789", "KUP",
                           device_id="KUP-SYNC").ok


def test_checkin_tickets_carry_the_wait_too(config: Config, clock: MovableClock,
                                            tmp_path: Path) -> None:
    device = Dummy()
    printer = EscposTicketPrinter(lambda: device, 80, 0.2)
    db = store.connect(config.database)
    try:
        sync_family(db, tmp_path)
        service = CheckinService(config, db, printer, CheckinPolicy("KUP"), clock)
        result = service.check_in("FAM0001", "id")
        assert isinstance(result, CheckedIn) and result.all_printed
        # Three counters serve lane B: B002 has 1 ahead (3.2-5 min), B003 2 (6.4-10 min).
        assert [a.issued.content.wait for a in result.applicants] == [
            TicketWait((0, 5)), TicketWait((5, 10)), TicketWait((5, 10))]
        assert device.output.count(b"Perkiraan tunggu: < 5 menit\n") == 1
        assert device.output.count(b"Perkiraan tunggu: 5-10 menit\n") == 2
    finally:
        db.close()


# --- on screen ---------------------------------------------------------------------------


@pytest.fixture
def make_app():
    made: list[Appliance] = []

    def factory(cfg: Config, clock: MovableClock) -> KioskApp:
        appliance = build(cfg, clock=clock)
        made.append(appliance)
        app = KioskApp(cfg, appliance.service, appliance.simulation, appliance.checkin)
        appliance.on_press = app.lane_pressed
        return app

    yield factory
    for appliance in made:
        appliance.close()


def quick_buttons(cfg: Config) -> Config:
    return dataclasses.replace(cfg, gpio=dataclasses.replace(cfg.gpio, cooldown_s=0, bounce_s=0))


def text_of(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_ticket_screen_shows_the_wait_in_the_chosen_language(config, clock,
                                                                   make_app) -> None:
    app = make_app(quick_buttons(config), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert text_of(app, "#wait") == "Perkiraan tunggu: < 5 menit"
        assert "Perkiraan tunggu: < 5 menit" in text_of(app, "#preview")
        app.go_home()
        await pilot.pause()
        await pilot.press("l")
        await pilot.press("1")
        await settle(pilot)
        assert "1 people are waiting before you" in text_of(app, "#ahead")
        assert text_of(app, "#wait") == "Estimated wait: about 5-10 min"
        assert "Estimated wait: about 5-10 min" in text_of(app, "#preview")


async def test_ticket_screen_says_when_it_cannot_estimate(config, clock, make_app) -> None:
    app = make_app(with_counters(config, (3, "B")), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert text_of(app, "#wait") == "Perkiraan tunggu: belum dapat diperkirakan"


async def test_checked_in_screen_shows_the_familys_wait(config, clock, make_app,
                                                        tmp_path: Path) -> None:
    demo_key = (ROOT / "config" / "demo-booking-key.txt").read_text().strip()
    samples = make_sample_bookings(tmp_path / "qr", "KUP", TODAY, 1, demo_key, key_id="demo",
                                   seed=7)
    app = make_app(config, clock)
    _, payload, _ = samples.samples[0]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("l")
        await settle(pilot)  # the key is held briefly (USB scanner detection)
        app.check_in(payload, app.language)
        await settle(pilot)
        assert isinstance(app.screen, CheckedInScreen)
        assert app.screen.result.applicants[0].issued.ticket.ahead == 0
        assert text_of(app, "#wait") == "Estimated wait: under 5 min"


async def test_unprinted_ticket_with_the_wait_still_fits_80x24(config, clock, make_app,
                                                               tmp_path: Path) -> None:
    # The simulated roll "prints" into a folder: a real OSError, so the ticket is not printed.
    printer = dataclasses.replace(config.printer, params={"output": str(tmp_path)})
    app = make_app(dataclasses.replace(config, printer=printer), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and not app.screen.issued.printed
        assert text_of(app, "#wait") == "Perkiraan tunggu: < 5 menit"
        for widget in app.screen.query(Static):
            if not widget.display or not str(widget.render()).strip():
                continue
            visible = widget.screen.find_widget(widget).region if widget.region.area else None
            assert visible is not None, f"#{widget.id} hidden"
            assert visible.height == widget.outer_size.height, f"#{widget.id} is cut off"
            assert visible.right <= 80 and visible.bottom <= 24
