"""The home screen's per-lane states: the same rules as a press, read in two queries."""

from __future__ import annotations

import dataclasses
from datetime import time

from hardware.printers import make_printer
from kiosk import store
from kiosk.config import Config, DayHours
from kiosk.queue.home_state import NOT_SERVED, OPEN, PAPER_OUT, PAUSED, QUOTA, read_home_state
from kiosk.queue.issuing import IssuingService
from kiosk.texts.rules import lane_rule_sentence
from tests.conftest import MovableClock, office_time, with_cap


def service_for(cfg: Config, clock: MovableClock) -> IssuingService:
    return IssuingService(cfg, store.connect(cfg.database), make_printer(cfg.printer), None,
                          clock)


def states(service: IssuingService) -> dict[str, str]:
    return {lane: s.state for lane, s in read_home_state(service).lanes.items()}


def test_every_second_costs_two_reads_by_key(config: Config, clock: MovableClock) -> None:
    service = service_for(config, clock)
    statements: list[str] = []
    service.db.conn.set_trace_callback(statements.append)
    state = read_home_state(service)
    service.db.conn.set_trace_callback(None)
    assert len(statements) == 2, statements
    assert "FROM meta WHERE key IN" in statements[0]
    assert "FROM tickets WHERE office_code" in statements[1]
    assert not state.closed and states(service) == {"A": OPEN, "P": OPEN, "B": OPEN}


def test_lane_states_follow_the_order_of_a_press(config: Config, clock: MovableClock) -> None:
    service = service_for(with_cap(config, "A", 1), clock)
    service.issue("A")
    assert states(service) == {"A": QUOTA, "P": OPEN, "B": OPEN}
    service.printer.paper_out = True
    service.check_paper()
    assert states(service) == {"A": PAPER_OUT, "P": PAPER_OUT, "B": PAPER_OUT}
    day = service.schedule.office_day(clock())
    service.controls.pause("ana", day, clock())
    assert states(service) == {"A": PAUSED, "P": PAUSED, "B": PAPER_OUT}  # check-ins go on


def test_a_day_that_leaves_lanes_out_and_a_closed_office(config: Config) -> None:
    weekday = DayHours(time(8), time(16), frozenset({"A", "P", "B"}))
    saturday = DayHours(time(8), time(12), frozenset({"P"}))
    cfg = dataclasses.replace(config, hours={i: weekday for i in range(5)}
                              | {5: saturday, 6: None})
    clock = MovableClock(office_time("2026-11-28 09:00"))
    service = service_for(cfg, clock)
    state = read_home_state(service)
    assert states(service) == {"A": NOT_SERVED, "P": OPEN, "B": NOT_SERVED}
    assert state.rule is not None and lane_rule_sentence(state.rule, "id") == (
        "Hari Sabtu hanya untuk Prioritas")
    clock.advance(hours=3)  # 12:00: nothing is served
    closed = read_home_state(service)
    assert closed.closed and closed.next_opening.date().isoformat() == "2026-11-30"
