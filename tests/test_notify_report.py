"""The day report counts opt-in messages (issue 15) in all four forms: the terminal
table, the HTML page, JSON and CSV; a day without any shows no such section."""

from __future__ import annotations

import dataclasses

from kiosk.config import Config
from kiosk.config.model import NotifyConfig
from kiosk.notify.outbox import OptIn, finish, make_due, opt_in
from kiosk.notify.sealing import PhoneSeal
from kiosk.queue.numbering import Numbering
from kiosk.reports.day import build_report
from kiosk.reports.html import render_html, render_table
from kiosk.reports.machine_readable import report_dict, report_rows
from tests.conftest import MovableClock


def test_messages_sent_failed_and_stale_in_every_form(config: Config, db,
                                                      clock: MovableClock) -> None:
    cfg = dataclasses.replace(config, notify=NotifyConfig(enabled=True, url="http://x/h"))
    numbering = Numbering(db, cfg.office.code, cfg.office.device_id)
    day = clock().date()
    plain = build_report(db, cfg, day, day, clock())
    assert plain.total.messages is None and "Pesan HP" not in render_table(plain)
    seal = PhoneSeal(cfg.checkin.nik_salt)
    tickets = [numbering.take("A", day, None, clock()) for _ in range(4)]
    outcomes = ["sent", "sent", "failed", "stale", "sent", "pending"]
    kinds = ["near", "turn"] * 3
    for n, ticket in enumerate(tickets[:3]):
        opted = OptIn(ticket.id, day, "A", ticket.number, ticket.label)
        opt_in(db, seal, cfg.office.code, opted, f"+62812345678{n:02d}", clock())
        for kind, state in zip(kinds[2 * n:2 * n + 2], outcomes[2 * n:2 * n + 2], strict=True):
            make_due(db, cfg.office.code, cfg.office.device_id, opted, kind, "text", clock())
            if state != "pending":
                message_id = db.execute("SELECT id FROM notify_outbox WHERE ticket_id = ? AND"
                                        " kind = ?", (ticket.id, kind)).fetchone()[0]
                finish(db, message_id, state, clock())
    report = build_report(db, cfg, day, day, clock())
    assert dataclasses.asdict(report.total.messages) == {
        "opted_in": 3, "sent": 3, "failed": 1, "stale": 1, "pending": 1}
    table = render_table(report)
    assert "Pesan HP (notifikasi)" in table
    lines = {line.split("  ")[0].strip(): line.split()[-1] for line in table.splitlines()
             if line.strip()}
    assert (lines["Terkirim"], lines["Gagal (ditolak gateway)"],
            lines["Kedaluwarsa (tidak dikirim)"], lines["Pemohon mendaftar"]) == (
        "3", "1", "1", "3")
    page = render_html(report, "en")
    assert 'id="table-messages"' in page and "Stale (dropped, not sent)" in page
    assert report_dict(report)["total"]["messages"]["failed"] == 1
    rows = report_rows(report)
    assert (day.isoformat(), "messages", "sent", "count", 3) in rows
    assert (day.isoformat(), "messages", "stale", "count", 1) in rows
    for form in (table, page, str(report_dict(report)), str(rows)):
        assert "+62812" not in form and "****" not in form  # counts only, no numbers
