"""The report warns of numbers that may be on two tickets (hub leases, ``lease_conflict``).

Staff released a dead kiosk's walk-in numbers at the hub (``kiosk hub release``) while it
held a ticket it had not pushed; back on the network, the kiosk keeps the ticket and records
a ``lease_conflict`` (kiosk/sync/worker.py ``_revoke``). It is the one way an office ends up
with one number on two tickets, so the office head must see it; most offices never use
leases, and their reports must not change at all.

The known day of tests/test_report.py (real services, Kupang, WITA) gets such an event via
kiosk.store.events.append_event with the payload the sync client writes; the last test goes
through the real release at a real hub on 127.0.0.1 instead.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.config import Config
from kiosk.queue.issuing import WALKIN, Issued, Refused
from kiosk.reports.day import build_report
from kiosk.reports.figures import LeaseConflict, Refusal
from kiosk.reports.html import render_html, render_table
from kiosk.reports.machine_readable import report_dict, report_rows
from kiosk.store import immediate
from kiosk.store.events import append_event
from tests.conftest import MovableClock, office_time
from tests.sync_harness import Hub, LeasingKiosk
from tests.test_report import (
    DAY,
    NEXT_DAY,
    Office,
    at,
    build_day,
    parse_tables,
    report_of,
    run_cli,
)

REASON = "released at the hub before this ticket reached it"  # as kiosk/sync/worker.py writes


@pytest.fixture
def office(config: Config, tmp_path) -> Office:
    clock = MovableClock(office_time("2026-11-25 07:59"))
    office = Office(config, clock, tmp_path)
    build_day(office)
    yield office
    office.db.close()


def ticket_id(office: Office, label: str, day: date = DAY) -> str:
    lane, number = label[0], int(label[1:])
    return office.db.execute(
        "SELECT id FROM tickets WHERE office_day = ? AND lane = ? AND number = ?",
        (day.isoformat(), lane, number)).fetchone()[0]


def record_conflict(office: Office, label: str, day: date = DAY, *,
                    with_ticket: bool = True) -> None:
    """What the sync client writes when it learns its number was released under a ticket."""
    with immediate(office.db) as conn:
        append_event(conn, office_code="KUP", office_day=day, device_id="KUP-SIM1",
                     kind="lease_conflict", at=office.clock.now,
                     ticket_id=ticket_id(office, label, day) if with_ticket else None,
                     payload={"lane": label[0], "number": int(label[1:]), "label": label,
                              "reason": REASON})


def local(text: str) -> datetime:
    return office_time(text).astimezone(ZoneInfo("Asia/Makassar"))


def test_a_conflict_is_in_the_figures_json_and_csv(office: Office) -> None:
    at(office.clock, "11:40")
    record_conflict(office, "A003")  # A003 was printed at 08:20 by KUP-SIM1
    report = report_of(office)
    conflict = LeaseConflict(DAY, local("2026-11-25 11:40"), "KUP-SIM1", "A", 3, "A003",
                             ticket_id(office, "A003"), local("2026-11-25 08:20"))
    assert report.total.lease_conflicts == (conflict,) == report.days[0].lease_conflicts
    assert f"{conflict.at:%H:%M %Z}" == "11:40 WITA"
    # Not a refusal and not another ticket: the other figures stay those of the known day.
    assert (report.total.issued, report.total.refused, report.total.turned_away) == (7, 10, 2)

    data = json.loads(json.dumps(report_dict(report)))
    assert data["total"]["lease_conflicts"] == [{
        "day": "2026-11-25", "at": "2026-11-25T11:40:00+08:00", "device": "KUP-SIM1",
        "lane": "A", "number": 3, "label": "A003", "ticket_id": ticket_id(office, "A003"),
        "printed_at": "2026-11-25T08:20:00+08:00"}]
    assert data["days"][0]["lease_conflicts"] == data["total"]["lease_conflicts"]

    rows = [r for r in report_rows(report) if r[1] == "lease_conflict"]
    assert rows == [("2026-11-25", "lease_conflict", "all", "count", 1),
                    ("2026-11-25", "lease_conflict", "A003", "kiosk", "KUP-SIM1"),
                    ("2026-11-25", "lease_conflict", "A003", "printed_at", "08:20"),
                    ("2026-11-25", "lease_conflict", "A003", "recorded_at", "11:40")]


def test_a_conflict_is_a_warning_on_the_page_and_in_the_terminal(office: Office,
                                                                  capsys) -> None:
    at(office.clock, "11:40")
    record_conflict(office, "A003")
    report = report_of(office)
    page_id, page_en = render_html(report, "id"), render_html(report, "en")
    assert parse_tables(page_id)["table-conflicts"] == [
        ["Dicetak pukul", "Kios", "Nomor", "Tercatat pukul"],
        ["08:20 WITA", "KUP-SIM1", "A003", "11:40 WITA"]]
    assert parse_tables(page_en)["table-conflicts"][0] == [
        "Printed at", "Kiosk", "Number", "Recorded at"]
    assert "Peringatan: nomor yang mungkin ada di dua tiket" in page_id
    assert "panggil keduanya" in page_id
    assert "Warning: numbers that may be on two tickets" in page_en
    assert "two applicants may hold the same number: call both" in page_en
    assert "A kiosk died holding numbers" in page_en
    # At the top, before the per-lane table: a warning nobody scrolls past.
    assert page_en.index('id="lease-conflicts"') < page_en.index('id="table-lanes"')

    table = render_table(report, "en")
    lines = table.splitlines()
    start = lines.index("Warning: numbers that may be on two tickets")
    assert start < lines.index("Per lane")
    row = next(x for x in lines[start:] if "A003" in x)
    assert row.split() == ["08:20", "WITA", "KUP-SIM1", "A003", "11:40", "WITA"]
    assert any("call both" in x for x in lines[start:start + 6])
    assert "Peringatan: nomor yang mungkin ada di dua tiket" in render_table(report, "id")

    # The command carries it in each format.
    assert run_cli(office, "--date", "2026-11-25", "--format", "csv") == 0
    table_rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert ["2026-11-25", "lease_conflict", "A003", "kiosk", "KUP-SIM1"] in table_rows
    assert run_cli(office, "--date", "2026-11-25", "--lang", "en") == 0
    assert "Warning: numbers that may be on two tickets" in capsys.readouterr().out


def test_no_conflict_no_section_and_outputs_unchanged(office: Office) -> None:
    report = report_of(office)
    assert report.total.lease_conflicts == ()
    assert report_dict(report)["total"]["lease_conflicts"] == []
    assert not [r for r in report_rows(report) if r[1] == "lease_conflict"]
    for language in ("id", "en"):
        page, table = render_html(report, language), render_table(report, language)
        assert 'id="lease-conflicts"' not in page and "table-conflicts" not in page
        assert "Peringatan" not in page and "Warning" not in page
        assert "Peringatan" not in table and "Warning" not in table
        # No hub leases here: no "no numbers yet" note either.
        assert 'id="note-no-numbers"' not in page
        assert "from the hub" not in table and "dari hub" not in table


def test_a_range_lists_each_conflict_under_its_day(office: Office) -> None:
    at(office.clock, "08:00", NEXT_DAY)
    office.issue(WALKIN, "A001")
    at(office.clock, "08:30", NEXT_DAY)
    record_conflict(office, "A001", NEXT_DAY)
    # An event whose ticket is not in this store (it is on the hub only): no print time.
    record_conflict(office, "A001", NEXT_DAY, with_ticket=False)
    report = report_of(office, DAY, NEXT_DAY)
    first, second = report.days
    assert first.lease_conflicts == ()
    assert [(c.day, c.label, c.printed_at is not None) for c in second.lease_conflicts] == [
        (NEXT_DAY, "A001", True), (NEXT_DAY, "A001", False)]
    assert report.total.lease_conflicts == second.lease_conflicts
    rows = [r for r in report_rows(report) if r[1] == "lease_conflict"]
    assert ("total", "lease_conflict", "all", "count", 2) in rows
    assert not [r for r in rows if r[0] == "total" and r[2] != "all"]  # listed under the day
    assert not [r for r in rows if r[0] == "2026-11-25"]
    assert ("2026-11-26", "lease_conflict", "A001", "printed_at", "") in rows
    conflicts = parse_tables(render_html(report, "en"))["table-conflicts"]
    assert conflicts == [["Date", "Printed at", "Kiosk", "Number", "Recorded at"],
                         ["26/11/2026", "08:00 WITA", "KUP-SIM1", "A001", "08:30 WITA"],
                         ["26/11/2026", "-", "KUP-SIM1", "A001", "08:30 WITA"]]


# --- through a real hub: the release, the conflict and "no numbers yet" --------------


@pytest.fixture
def hub(tmp_path, clock: MovableClock):
    hub = Hub(tmp_path / "hub.db", clock=clock)
    yield hub
    hub.close()


def test_a_released_kiosks_report_warns_of_the_number_it_printed(
        hub: Hub, config: Config, clock: MovableClock, tmp_path) -> None:
    hub.store.set_settings("KUP", {"caps": {"A": 20}, "lease_block": 10})
    first = LeasingKiosk(config, hub, "KUP-K1", clock, tmp_path, block=10)
    second = LeasingKiosk(config, hub, "KUP-K2", clock, tmp_path, block=10)
    try:
        first.worker.sync_once()
        first.issue_numbers(3)
        first.worker.sync_once()
        fourth = first.issue()  # printed, then the kiosk went dark before pushing it
        assert isinstance(fourth, Issued) and fourth.ticket.label == "A004"
        hub.store.release_device("KUP", "KUP-K1", DAY, "A", clock(), force=True)
        assert second.worker.sync_once().leased == 10  # 4-13: A004 may now be printed twice
        clock.advance(minutes=20)
        assert first.worker.sync_once().conflicts == 1  # back: keeps A004, records it
        refused = first.issue()  # its other numbers are revoked, the hub lent them elsewhere
        assert isinstance(refused, Refused) and refused.reason == "no_numbers"

        report = build_report(first.db, first.config, DAY, DAY, clock())
        (conflict,) = report.total.lease_conflicts
        zone = first.config.timezone
        assert (conflict.device, conflict.lane, conflict.number, conflict.label) == (
            "KUP-K1", "A", 4, "A004")
        assert conflict.ticket_id == fourth.ticket.id
        assert conflict.printed_at == fourth.ticket.issued_at.astimezone(zone)
        assert conflict.at > conflict.printed_at
        assert report.total.refusal("no_numbers") == Refusal("no_numbers", 1)

        page = render_html(report, "en")
        assert parse_tables(page)["table-conflicts"][1][1:3] == ["KUP-K1", "A004"]
        # The "no numbers yet" row comes with what it means: not the quota.
        assert 'id="note-no-numbers"' in page and "not a used-up quota" in page
        table = render_table(report, "id")
        assert "KUP-K1" in table and "A004" in table and "bukan kuota habis" in table
    finally:
        first.close()
        second.close()
