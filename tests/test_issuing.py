"""Issuing rules end to end: hours, cap, paper, printing failures, reprint, midnight."""

from __future__ import annotations

import dataclasses
from datetime import date, time
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from hardware.gpio_panel import FaultLamp
from hardware.printers import make_printer
from hardware.sim_printer import SimulationPrinter
from kiosk import store
from kiosk.config import Config, DayHours, PrinterConfig
from kiosk.ports import PaperStatus
from kiosk.queue.issuing import Issued, IssuingService, Refused
from kiosk.queue.numbering import Numbering
from kiosk.texts.notices import notice_lines
from tests.conftest import MovableClock, office_time, with_cap
from tests.tcp_printer import STATUS_LOW, STATUS_OUT, FakeNetworkPrinter, free_port

WEEKDAY = DayHours(time(8), time(16), frozenset({"A", "P", "B"}))
SATURDAY = DayHours(time(8), time(12), frozenset({"P"}))


def office_hours(cfg: Config, holidays: frozenset[date] = frozenset()) -> Config:
    hours = {i: WEEKDAY for i in range(5)} | {5: SATURDAY, 6: None}
    return dataclasses.replace(cfg, hours=hours, holidays=holidays)


def sim_service(cfg: Config, clock: MovableClock, lamp=None) -> tuple[IssuingService,
                                                                       SimulationPrinter]:
    printer = make_printer(cfg.printer)
    assert isinstance(printer, SimulationPrinter)
    return IssuingService(cfg, store.connect(cfg.database), printer, lamp, clock), printer


def network_config(cfg: Config, port: int) -> Config:
    printer = PrinterConfig("network", 80, True, 0.3,
                            {"host": "127.0.0.1", "port": port, "timeout_s": 1.0})
    return dataclasses.replace(cfg, printer=printer)


@pytest.fixture
def lamp(config: Config):
    lamp = FaultLamp(config.gpio, MockFactory())
    yield lamp
    lamp.close()


def test_walkin_ticket_is_printed_and_recorded(config: Config, clock: MovableClock) -> None:
    service, printer = sim_service(config, clock)
    result = service.issue("A")
    assert isinstance(result, Issued) and result.printed
    assert result.ticket.label == "A001"
    assert b"A001" in Path(config.printer.params["output"]).read_bytes()
    assert "A 0 0 1" in (printer.last_preview or "")
    row = service.db.execute("SELECT printed, status FROM tickets").fetchone()
    assert row == (1, "waiting")
    kinds = [r[0] for r in service.db.execute("SELECT kind FROM events ORDER BY seq")]
    assert kinds == ["issued", "printed"]
    assert service.quota().left == 59


def test_second_ticket_says_how_many_wait_ahead(config: Config, clock: MovableClock) -> None:
    service, printer = sim_service(config, clock)
    service.issue("A")
    second = service.issue("A", "en")
    assert isinstance(second, Issued) and second.ticket.ahead == 1
    assert "Waiting before you: 1" in (printer.last_preview or "")


def test_closed_office_gives_next_opening_and_no_number(config: Config) -> None:
    cfg = office_hours(config, holidays=frozenset({date(2026, 11, 30)}))
    clock = MovableClock(office_time("2026-11-27 16:30"))  # Friday after closing
    service, printer = sim_service(cfg, clock)
    refused = service.issue("A")
    assert isinstance(refused, Refused) and refused.reason == "closed"
    # Saturday is priority-only, Sunday closed, Monday the 30th a holiday.
    assert refused.next_opening is not None
    assert refused.next_opening.date() == date(2026, 12, 1)
    assert refused.next_opening.time() == time(8)
    priority = service.issue("P")
    assert isinstance(priority, Refused) and priority.next_opening.date() == date(2026, 11, 28)
    assert printer.printed_count == 0
    assert service.db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0


def test_saturday_is_priority_only(config: Config) -> None:
    clock = MovableClock(office_time("2026-11-28 09:00"))
    service, _ = sim_service(office_hours(config), clock)
    refused = service.issue("A")
    # The office is open for priority: the walk-in lane is not served, not "closed".
    assert isinstance(refused, Refused) and refused.reason == "not_served_today"
    assert refused.next_opening.date() == date(2026, 11, 30)
    title, body = notice_lines(refused, "id")
    assert title == "Hari Sabtu hanya untuk Prioritas"
    assert body == ["Antrian Umum dilayani lagi: Senin, 30 November 2026 pukul 08:00 WITA"]
    title, body = notice_lines(refused, "en")
    assert title == "On Saturdays only Priority is served"
    assert body == ["Walk-in is served again from Monday, 30 November 2026 at 08:00 WITA"]
    assert isinstance(service.issue("P"), Issued)
    kinds = [r[0] for r in service.db.execute("SELECT kind FROM events ORDER BY seq")]
    assert kinds[0] == "refused_not_served_today"
    clock.advance(hours=4)  # 13:00: nobody is served any more, so the office is closed
    assert service.issue("A").reason == "closed"


def test_not_served_names_every_lane_the_day_serves(config: Config) -> None:
    both = DayHours(time(8), time(12), frozenset({"P", "B"}))
    cfg = dataclasses.replace(office_hours(config), hours={i: WEEKDAY for i in range(5)}
                              | {5: both, 6: None})
    service, _ = sim_service(cfg, MovableClock(office_time("2026-11-28 09:00")))
    refused = service.issue("A")
    assert notice_lines(refused, "id")[0] == "Hari Sabtu hanya untuk Prioritas dan Online"
    assert notice_lines(refused, "en")[0] == (
        "On Saturdays only Priority and Online booking are served")


def test_cap_reached_refuses_with_next_opening_and_counts(config: Config) -> None:
    cfg = office_hours(with_cap(config, "A", 2))
    clock = MovableClock(office_time("2026-11-27 09:00"))  # Friday
    service, printer = sim_service(cfg, clock)
    assert isinstance(service.issue("A"), Issued)
    assert isinstance(service.issue("A"), Issued)
    refused = service.issue("A")
    assert isinstance(refused, Refused) and (refused.reason, refused.cap) == ("cap", 2)
    assert refused.next_opening.date() == date(2026, 11, 30)  # Saturday is priority-only
    assert printer.printed_count == 2
    assert service.quota().left == 0
    summary = Numbering(service.db, "KUP", "x").day_summary(date(2026, 11, 27))
    assert summary["A"]["turned_away"] == 1
    assert isinstance(service.issue("P"), Issued)  # the priority lane is not capped


def test_count_restarts_at_local_midnight_in_wita(config: Config) -> None:
    clock = MovableClock(office_time("2026-11-25 23:59"))
    service, _ = sim_service(with_cap(config, "A", 1), clock)
    first = service.issue("A")
    assert isinstance(first, Issued) and first.ticket.label == "A001"
    assert isinstance(service.issue("A"), Refused)
    clock.advance(minutes=1)  # 00:00 WITA = 16:00 UTC: a new office day
    again = service.issue("A")
    assert isinstance(again, Issued) and again.ticket.label == "A001"
    assert again.ticket.office_day == date(2026, 11, 26)


def test_paper_out_refuses_before_taking_a_number(config: Config, clock: MovableClock,
                                                  lamp: FaultLamp) -> None:
    peer = FakeNetworkPrinter(status=STATUS_OUT)
    try:
        cfg = network_config(config, peer.port)
        service = IssuingService(cfg, store.connect(cfg.database), make_printer(cfg.printer),
                                 lamp, clock)
        refused = service.issue("A")
        assert isinstance(refused, Refused) and refused.reason == "paper_out"
        assert lamp.state == "on"
        assert service.db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0
        assert service.quota().left == 60  # the number was not used up
        peer.status = b"\x12"  # roll replaced
        assert isinstance(service.issue("A"), Issued)
        assert lamp.state == "off"
    finally:
        peer.stop()


def test_paper_low_prints_and_blinks_the_lamp(config: Config, clock: MovableClock,
                                              lamp: FaultLamp) -> None:
    peer = FakeNetworkPrinter(status=STATUS_LOW)
    try:
        cfg = network_config(config, peer.port)
        service = IssuingService(cfg, store.connect(cfg.database), make_printer(cfg.printer),
                                 lamp, clock)
        result = service.issue("A")
        assert isinstance(result, Issued) and result.printed
        assert lamp.state == "blinking"
        assert any(b"A001" in bytes(s) for s in peer.sessions)
    finally:
        peer.stop()


def test_printer_that_never_answers_status_still_prints(config: Config,
                                                        clock: MovableClock) -> None:
    peer = FakeNetworkPrinter(status=None)  # accepts bytes, never answers DLE EOT
    try:
        cfg = network_config(config, peer.port)
        service = IssuingService(cfg, store.connect(cfg.database), make_printer(cfg.printer),
                                 clock=clock)
        result = service.issue("A")
        assert isinstance(result, Issued) and result.printed
        assert any(b"A001" in bytes(s) for s in peer.sessions)
    finally:
        peer.stop()


def test_unplugged_printer_keeps_the_number_and_reprint_prints_it(
        config: Config, clock: MovableClock, lamp: FaultLamp) -> None:
    port = free_port()  # nothing listening: the printer is off
    cfg = network_config(config, port)
    service = IssuingService(cfg, store.connect(cfg.database), make_printer(cfg.printer),
                             lamp, clock)
    result = service.issue("A")
    assert isinstance(result, Issued) and not result.printed
    assert result.ticket.label == "A001" and "127.0.0.1" in (result.print_error or "")
    assert lamp.state == "on"
    assert service.db.execute("SELECT printed FROM tickets").fetchone()[0] == 0
    second = service.issue("A")
    assert isinstance(second, Issued) and second.ticket.label == "A002"  # never reused
    summary = Numbering(service.db, "KUP", "x").day_summary(date(2026, 11, 25))
    assert summary["A"]["unprinted"] == 2

    peer = FakeNetworkPrinter()
    try:
        service.printer = make_printer(network_config(config, peer.port).printer)
        again = service.reprint("a001")
        assert isinstance(again, Issued) and again.printed and again.ticket.label == "A001"
        assert any(b"A001" in bytes(s) for s in peer.sessions)
        assert service.reprint("A099") is None
    finally:
        peer.stop()
    summary = Numbering(service.db, "KUP", "x").day_summary(date(2026, 11, 25))
    assert summary["A"]["unprinted"] == 1


def test_clock_set_back_refuses(config: Config) -> None:
    clock = MovableClock(office_time("2026-11-25 09:00"))
    service, _ = sim_service(config, clock)
    assert isinstance(service.issue("A"), Issued)
    clock.advance(days=-400)
    refused = service.issue("A")
    assert isinstance(refused, Refused) and refused.reason == "clock"


def test_the_lamp_follows_the_paper_between_presses_and_a_failed_print_until_one_prints(
        config: Config, clock: MovableClock, lamp: FaultLamp, tmp_path: Path) -> None:
    service, printer = sim_service(config, clock, lamp)
    printer.paper_out = True
    assert service.check_paper() is PaperStatus.OUT  # what the kiosk app asks every few s
    assert lamp.state == "on" and service.last_paper is PaperStatus.OUT
    printer.paper_out = False
    service.check_paper()
    assert lamp.state == "off"
    good_output = printer.output
    printer.output = tmp_path  # a directory: the next ticket cannot be written
    assert not service.issue("A").printed
    assert lamp.state == "on"
    service.check_paper()  # paper is in, but the last ticket did not print: staff must look
    assert lamp.state == "on"
    printer.output = good_output
    assert service.issue("A").printed
    assert lamp.state == "off"
