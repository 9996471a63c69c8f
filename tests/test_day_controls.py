"""Pausing issuing and changing today's cap: shared by every process, logged, day-bound."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from kiosk import store
from kiosk.ops import power
from kiosk.ports import PaperStatus, TicketContent
from kiosk.queue.day_controls import DayControls
from kiosk.queue.issuing import IssuingService, Refused
from tests.conftest import with_cap


class PaperPrinter:
    def __init__(self) -> None:
        self.printed: list[TicketContent] = []

    def paper_status(self) -> PaperStatus:
        return PaperStatus.OK

    def print_ticket(self, ticket: TicketContent) -> None:
        self.printed.append(ticket)

    def close(self) -> None:
        pass


def test_a_pause_made_in_one_process_stops_issuing_in_another(config, db, clock) -> None:
    service = IssuingService(config, db, PaperPrinter(), clock=clock)
    day = service.schedule.office_day(clock())
    other = store.connect(config.database)  # e.g. the staff menu's own connection
    try:
        controls = DayControls(other, config.office.code, config.office.device_id)
        assert controls.pause("ani", day, clock())
        assert not controls.pause("budi", day, clock())  # already paused: no second event
        refused = service.issue("A")
        assert isinstance(refused, Refused) and refused.reason == "paused"
        assert service.issue("P").reason == "paused"
        assert controls.resume("ani", day, clock())
        assert not controls.resume("ani", day, clock())
        assert service.issue("A").ticket.label == "A001"
    finally:
        other.close()
    kinds = [k for (k,) in db.execute("SELECT kind FROM events WHERE kind LIKE 'issuing_%'")]
    assert kinds == ["issuing_paused", "issuing_resumed"]


def test_a_pause_survives_a_restart(config, db, clock) -> None:
    service = IssuingService(config, db, PaperPrinter(), clock=clock)
    service.controls.pause("ani", service.schedule.office_day(clock()), clock())
    db.close()
    reopened = store.connect(config.database)
    try:
        again = IssuingService(config, reopened, PaperPrinter(), clock=clock)
        assert again.controls.paused().by == "ani"
        assert again.issue("A").reason == "paused"
    finally:
        reopened.close()


def test_todays_cap_change_holds_for_today_only(config, db, clock) -> None:
    cfg = with_cap(config, "A", 3)
    service = IssuingService(cfg, db, PaperPrinter(), clock=clock)
    day = service.schedule.office_day(clock())
    assert service.controls.set_cap("A", day, 2, 3, "ani", clock()) == 3
    assert service.issue("A").ticket.label == "A001"
    assert service.issue("A").ticket.label == "A002"
    refused = service.issue("A")
    assert refused.reason == "cap" and refused.cap == 2
    assert service.quota("A").cap == 2 and service.quota("A").left == 0
    assert service.controls.set_cap("A", day, 5, 3, "ani", clock()) == 2
    assert service.issue("A").ticket.label == "A003"
    clock.advance(days=1)
    assert service.quota("A").cap == 3
    payloads = [json.loads(p) for (p,) in db.execute(
        "SELECT payload FROM events WHERE kind = 'cap_changed' ORDER BY seq")]
    assert payloads == [{"lane": "A", "old": 3, "new": 2, "by": "ani"},
                        {"lane": "A", "old": 2, "new": 5, "by": "ani"}]


def test_lowering_the_cap_below_issued_numbers_takes_none_back(config, db, clock) -> None:
    service = IssuingService(config, db, PaperPrinter(), clock=clock)
    for _ in range(3):
        service.issue("A")
    service.controls.set_cap("A", service.schedule.office_day(clock()), 1, 60, "ani", clock())
    assert service.issue("A").reason == "cap"
    assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 3
    assert service.quota("A").left == 0


def test_a_bad_cap_is_refused(config, db, clock) -> None:
    controls = DayControls(db, config.office.code, config.office.device_id)
    with pytest.raises(ValueError):
        controls.set_cap("A", clock().date(), -1, 60, "ani", clock())
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_restart_reruns_the_same_kiosk_command() -> None:
    command = power.restart_command(["/opt/kiosk/.venv/bin/kiosk", "--config", "x.toml", "run"])
    assert command == [sys.executable, "-m", "kiosk.cli", "--config", "x.toml", "run"]
    done = subprocess.run([*command[:3], "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "run" in done.stdout


def test_power_off_reports_a_refusal(capsys) -> None:
    assert power.power_off(("false",)) == 1
    assert "cannot power off" in capsys.readouterr().err
    assert power.power_off(("true",)) == 0
    assert power.power_off(("/nonexistent/systemctl",)) == 1


def test_presses_while_paused_or_closed_are_recorded_for_the_report(config, db, clock) -> None:
    service = IssuingService(config, db, PaperPrinter(), clock=clock)
    day = service.schedule.office_day(clock())
    service.controls.pause("ani", day, clock())
    assert service.issue("A").reason == "paused"
    closed = dataclasses.replace(config, hours={d: None for d in range(6)} | {6: config.hours[6]})
    if service.schedule.is_open(clock(), "A"):
        service = IssuingService(closed, db, PaperPrinter(), clock=clock)
    assert service.issue("P").reason == "closed"
    kinds = [(k, json.loads(p)["lane"]) for k, p in db.execute(
        "SELECT kind, payload FROM events WHERE kind LIKE 'refused_%' ORDER BY seq")]
    assert kinds == [("refused_paused", "A"), ("refused_closed", "P")]
    assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0
