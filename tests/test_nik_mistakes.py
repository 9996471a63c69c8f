"""NIK typing mistakes: counted by problem for the office head, with no NIK kept anywhere.

The kiosk app runs over a real appliance (store on disk, file printer, mock pins); the
applicant types on the NIK keypad through Textual's pilot. The report is built from
events the real IssuingService records.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
from datetime import date, timedelta

from hardware.sim_printer import SimulationPrinter
from kiosk import store
from kiosk.config import Config, WalkinConfig
from kiosk.privacy.nik import REASONS, salted_hash
from kiosk.queue.issuing import IssuingService
from kiosk.reports.day import build_report
from kiosk.reports.event_kinds import NIK_MISTAKE, NOT_RECORDED
from kiosk.reports.figures import NikMistake
from kiosk.reports.html import render_html, render_table
from kiosk.reports.machine_readable import CSV_HEADER, report_dict, report_rows
from screens.nik_entry import NikEntryScreen
from screens.ticket import TicketScreen
from tests.conftest import MovableClock, office_time, settle
from tests.test_report import parse_tables

DAY = date(2026, 11, 25)
NIK = "5371010101900003"  # born 1 January 1990
SHORT = NIK[:15]  # one digit short: "length"
NO_PROVINCE = "99" + NIK[2:]  # no province 99: "province"
BAD_DATE = "5371013213900003"  # 32 December: "birth_date"


def nik_entry(cfg: Config) -> Config:
    gpio = dataclasses.replace(cfg.gpio, cooldown_s=0, bounce_s=0)
    return dataclasses.replace(cfg, gpio=gpio, walkin=WalkinConfig(require_nik=True))


def mistakes(db) -> list[dict]:
    return [json.loads(row[0]) for row in db.execute(
        "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (NIK_MISTAKE,))]


def store_bytes(cfg: Config) -> bytes:
    """The store's files as they are on disk: the database, its WAL and shared memory."""
    files = [p for p in cfg.database.parent.iterdir() if p.name.startswith(cfg.database.name)]
    assert any(p.name.endswith("-wal") for p in files)  # the scan covers the WAL too
    return b"".join(p.read_bytes() for p in files)


async def retype(pilot, digits: str, typed_before: int) -> None:
    for _ in range(typed_before):
        await pilot.press("backspace")
    for digit in digits:
        await pilot.press(digit)
    await pilot.pause(0.2)
    await pilot.press("enter")
    await settle(pilot, groups=("issue", "record"))


async def test_mistyped_niks_are_counted_by_problem_and_no_digits_are_kept(
        config, clock, make_app) -> None:
    cfg = nik_entry(config)
    app, appliance = make_app(cfg, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, NikEntryScreen)
        await retype(pilot, SHORT, 0)
        assert isinstance(app.screen, NikEntryScreen)  # told what is wrong, typing again
        assert app.screen.query_one("#nik-error").display
        await retype(pilot, NO_PROVINCE, len(SHORT))
        assert isinstance(app.screen, NikEntryScreen)
        assert mistakes(appliance.db) == [{"lane": "A", "problem": "length"},
                                          {"lane": "A", "problem": "province"}]
        await retype(pilot, NIK, len(NO_PROVINCE))
        assert isinstance(app.screen, TicketScreen)
    db = appliance.db
    assert mistakes(db) == [{"lane": "A", "problem": "length"},
                            {"lane": "A", "problem": "province"}]  # none for the good one
    kinds = [r[0] for r in db.execute("SELECT kind FROM events ORDER BY seq")]
    assert kinds.index("issued") > max(i for i, k in enumerate(kinds) if k == NIK_MISTAKE)
    assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1
    report = build_report(db, cfg, DAY, DAY, clock())
    assert report.total.nik_mistakes == (NikMistake("length", 1), NikMistake("province", 1))
    # Byte scan of the store as on disk: nothing typed survives, not even 12 digits of it.
    data = store_bytes(cfg)
    assert salted_hash(NIK, cfg.checkin.nik_salt).encode() in data  # the scan sees the rows
    assert NIK_MISTAKE.encode() in data
    for typed in (SHORT, NO_PROVINCE, NIK):
        for start in range(len(typed) - 11):
            assert typed[start:start + 12].encode() not in data, (typed, start)


async def test_a_cancelled_or_valid_nik_records_no_mistake(config, clock, make_app) -> None:
    app, appliance = make_app(nik_entry(config), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        for digit in NIK[:6]:
            await pilot.press(digit)
        await pilot.pause(0.2)
        await pilot.press("escape")  # gave up: not a typing mistake
        await settle(pilot, groups=("issue", "record"))
        assert not isinstance(app.screen, NikEntryScreen)
        await pilot.press("1")
        await settle(pilot)
        await retype(pilot, NIK, 0)
        assert isinstance(app.screen, TicketScreen)
    assert mistakes(appliance.db) == []


# -- recording ------------------------------------------------------------------------------

def make_service(cfg: Config, clock: MovableClock) -> IssuingService:
    return IssuingService(cfg, store.connect(cfg.database),
                          SimulationPrinter(cfg.database.parent / "tickets.bin", 80), clock=clock)


def test_an_unknown_problem_is_recorded_as_other_with_the_lane_only(config, clock) -> None:
    service = make_service(nik_entry(config), clock)
    try:
        service.record_nik_mistake("P", "a problem no kiosk knows " + NIK)
        service.record_nik_mistake("A", "serial")
        rows = list(service.db.execute(
            "SELECT office_day, device_id, payload FROM events WHERE kind = ? ORDER BY seq",
            (NIK_MISTAKE,)))
        assert [(day, json.loads(payload)) for day, _, payload in rows] == [
            ("2026-11-25", {"lane": "P", "problem": "other"}),
            ("2026-11-25", {"lane": "A", "problem": "serial"})]
        assert rows[0][1] == config.office.device_id
    finally:
        service.db.close()


def test_a_broken_store_never_costs_the_applicant_anything(config, clock, caplog) -> None:
    service = make_service(nik_entry(config), clock)
    service.db.close()  # e.g. the store went away under the kiosk
    with caplog.at_level(logging.ERROR, logger="kiosk.queue.issuing"):
        assert service.record_nik_mistake("A", "length") is None  # no exception
    assert "could not record a NIK entry mistake" in caplog.text


# -- the report -----------------------------------------------------------------------------

def office_with_mistakes(config: Config, clock: MovableClock) -> tuple[Config, IssuingService]:
    """25 Nov: birth_date, length, length (lane A), other (lane P) and a ticket; 26 Nov: one
    length mistake; 27 Nov: a ticket and no mistake."""
    cfg = nik_entry(config)
    service = make_service(cfg, clock)
    for problem in ("birth_date", "length", "length"):  # recorded out of REASONS order
        service.record_nik_mistake("A", problem)
    service.record_nik_mistake("P", "???")
    assert service.issue("A", "id", nik=NIK).ticket.label == "A001"
    clock.now = office_time("2026-11-26 09:00")
    service.record_nik_mistake("A", "length")
    clock.now = office_time("2026-11-27 09:00")
    assert service.issue("A", "id", nik=NIK).ticket.label == "A001"
    return cfg, service


def test_the_day_report_counts_mistakes_by_problem_in_every_form(config, clock) -> None:
    cfg, service = office_with_mistakes(config, clock)
    try:
        report = build_report(service.db, cfg, DAY, DAY, clock())
    finally:
        service.db.close()
    total = report.total
    assert total.nik_mistakes == (NikMistake("length", 2), NikMistake("birth_date", 1),
                                  NikMistake("other", 1))
    assert [m.problem for m in total.nik_mistakes][:2] == [
        r for r in REASONS if r in ("length", "birth_date")]  # kiosk/privacy/nik.py's order
    assert total.nik_mistakes_total == 4
    assert total.refused == 0  # the applicant went on typing: not a refused press
    assert "nik_invalid" not in NOT_RECORDED and "nik_required" in NOT_RECORDED

    data = json.loads(json.dumps(report_dict(report)))
    assert data["total"]["nik_mistakes"] == [{"problem": "length", "count": 2},
                                             {"problem": "birth_date", "count": 1},
                                             {"problem": "other", "count": 1}]
    assert data["total"]["nik_mistakes_total"] == 4
    assert "nik_invalid" not in data["refusals_not_recorded"]

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(report_rows(report))
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert [r for r in rows if r[1] == "nik_mistake"] == [
        ["2026-11-25", "nik_mistake", "length", "count", "2"],
        ["2026-11-25", "nik_mistake", "birth_date", "count", "1"],
        ["2026-11-25", "nik_mistake", "other", "count", "1"],
        ["2026-11-25", "nik_mistake", "all", "count", "4"]]

    table = render_table(report, "en")
    section = table[table.index("NIK typing mistakes"):].split("\n\n")[0].splitlines()
    assert [line.split("  ")[0] for line in section[-4:]] == [
        "Not 16 digits", "Not a real birth date", "Other", "All problems"]
    assert section[-1].split()[-1] == "4" and section[-4].split()[-1] == "2"
    assert "Salah ketik NIK" in render_table(report, "id")

    for language, heading, first in (("en", "Problem", "Not 16 digits"),
                                     ("id", "Masalah", "Bukan 16 digit")):
        page = render_html(report, language)
        assert parse_tables(page)["table-nik-mistakes"] == [
            [heading, "Mistakes" if language == "en" else "Salah ketik"],
            [first, "2"],
            ["Not a real birth date" if language == "en" else "Tanggal lahir salah", "1"],
            ["Other" if language == "en" else "Lainnya", "1"],
            ["All problems" if language == "en" else "Semua masalah", "4"]]
        assert 'id="nik-mistakes"' in page


def test_a_range_has_the_mistakes_per_day_and_in_total(config, clock) -> None:
    cfg, service = office_with_mistakes(config, clock)
    try:
        report = build_report(service.db, cfg, DAY, DAY + timedelta(days=2), clock())
    finally:
        service.db.close()
    assert [d.nik_mistakes_total for d in report.days] == [4, 1, 0]
    assert report.days[1].nik_mistakes == (NikMistake("length", 1),)
    assert report.total.nik_mistakes == (NikMistake("length", 3), NikMistake("birth_date", 1),
                                         NikMistake("other", 1))
    rows = {(r[0], r[2]): r[4] for r in report_rows(report) if r[1] == "nik_mistake"}
    assert rows == {("2026-11-25", "length"): 2, ("2026-11-25", "birth_date"): 1,
                    ("2026-11-25", "other"): 1, ("2026-11-25", "all"): 4,
                    ("2026-11-26", "length"): 1, ("2026-11-26", "all"): 1,
                    ("total", "length"): 3, ("total", "birth_date"): 1,
                    ("total", "other"): 1, ("total", "all"): 5}
    data = report_dict(report)
    assert [d["nik_mistakes_total"] for d in data["days"]] == [4, 1, 0]
    assert data["days"][2]["nik_mistakes"] == []


def test_a_day_without_mistakes_has_no_section(config, clock) -> None:
    cfg, service = office_with_mistakes(config, clock)
    last = DAY + timedelta(days=2)  # a ticket, no mistake
    try:
        report = build_report(service.db, cfg, last, last, clock())
    finally:
        service.db.close()
    assert report.total.issued == 1 and report.total.nik_mistakes == ()
    data = report_dict(report)
    assert data["total"]["nik_mistakes"] == [] and data["total"]["nik_mistakes_total"] == 0
    assert not [r for r in report_rows(report) if r[1] == "nik_mistake"]
    for language, heading in (("en", "NIK typing mistakes"), ("id", "Salah ketik NIK")):
        page, table = render_html(report, language), render_table(report, language)
        assert "table-nik-mistakes" not in page and 'id="nik-mistakes"' not in page
        assert heading not in table.splitlines()  # the refusals note may name it, no more
        assert "NIK itself is not kept" not in table + page
        assert "NIK-nya sendiri tidak disimpan" not in table + page
