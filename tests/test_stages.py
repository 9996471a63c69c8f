"""Multi-stage visits (issue 13): one number through "berkas" then "foto", with the
Batam-like config/example-multiservice.toml, a real store and a pinned moment."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk import store
from kiosk.config import load_config
from kiosk.queue.calling import CalledTicket, CallRefused
from kiosk.queue.calling_view import board_state, calling_service
from kiosk.queue.numbering import Numbering
from kiosk.queue.stages import StagePlan
from kiosk.queue.wait_estimate import PaceCache
from kiosk.texts.spoken_numbers import call_text
from tests.conftest import MovableClock
from tests.test_cli_services import MOMENT, kiosk, make_config


@pytest.fixture
def office(tmp_path: Path):
    config = load_config(make_config(tmp_path))
    db = store.connect(config.database)
    clock = MovableClock(MOMENT)
    calling = calling_service(config, db, clock)
    numbering = Numbering(db, "BTM", "BTM-SIM1")

    def issue(lane: str, count: int = 1) -> list[str]:
        labels = []
        for _ in range(count):
            clock.advance(seconds=5)
            labels.append(numbering.take(lane, MOMENT.date(), None, clock()).label)
        return labels

    yield config, db, clock, calling, issue
    db.close()


def events(db, kind: str) -> list[dict]:
    return [json.loads(p) for (p,) in db.execute(
        "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (kind,))]


def test_the_issue_flow_by_cli_issue_call_send_and_call_again_at_foto(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    step = iter(range(1, 100))

    def run(*args: str):
        return kiosk(config, *args, moment=MOMENT + timedelta(seconds=10 * next(step)))

    assert run("issue", "A").stdout.strip() == "A001"
    assert run("call", "--counter", "1").stdout.strip() == "A001"
    sent = run("send", "--counter", "1")
    assert sent.returncode == 0 and sent.stdout.strip() == "A001 -> foto"
    # A document-check counter does not call someone waiting for the photo room...
    nobody = run("call", "--counter", "2")
    assert nobody.returncode == 3 and "nobody is waiting" in nobody.stderr
    # ...the photo room does, with the same number.
    assert run("call", "--counter", "5").stdout.strip() == "A001"
    last = run("send", "--counter", "5")
    assert last.returncode == 3 and "last stage" in last.stderr
    assert run("served", "--counter", "5").stdout.strip() == "A001"
    db = store.connect(tmp_path / "kiosk.db")
    assert db.execute("SELECT status, stage FROM tickets").fetchall() == [("served", "foto")]
    assert events(db, "sent") == [{"by": "send", "counter": 1, "from": "berkas",
                                   "label": "A001", "to": "foto"}]
    assert [e["stage"] for e in events(db, "called")] == ["berkas", "foto"]
    db.close()
    report = json.loads(run("report", "--format", "json").stdout)["total"]
    assert {lane["lane"]: lane["issued"] for lane in report["lanes"]} == {
        "A": 1, "C": 0, "P": 0, "D": 0, "E": 0}
    stages = {(s["lane"], s["stage"]): s for s in report["stages"]}
    assert list(stages) == [(code, stage) for code in "ACP" for stage in ("berkas", "foto")]
    assert (stages["A", "berkas"]["reached"], stages["A", "berkas"]["sent_on"]) == (1, 1)
    assert stages["A", "foto"]["finished"] == 1
    # About 10 s: each process runs at its own pinned moment, plus its own start-up time.
    assert 0.1 <= stages["A", "berkas"]["wait"]["median"] <= 0.3
    assert report["transfers"] == [{"lane": "A", "from_stage": "berkas", "to_stage": "foto",
                                    "count": 1}]


def test_the_report_per_stage_in_every_form(office) -> None:
    from kiosk.reports.day import build_report
    from kiosk.reports.html import render_html, render_table
    from kiosk.reports.machine_readable import report_rows

    config, db, clock, calling, issue = office
    issue("A", 3)
    for minutes in (4, 6, 8):  # three document checks of 4, 6 and 8 minutes
        calling.call_next(1)
        clock.advance(minutes=minutes)
    calling.call_next(1)  # the third sent on too; nobody left for berkas
    for _ in range(2):
        clock.advance(minutes=5)
        calling.call_next(5)
    clock.advance(minutes=10)
    calling.send(5, "berkas")  # A002 back to the document check
    calling.call_next(2)
    calling.mark_served(2)  # and turned away there
    report = build_report(db, config, MOMENT.date(), MOMENT.date(), clock())
    by_stage = {(s.lane, s.stage): s for s in report.total.stages}
    berkas, foto = by_stage["A", "berkas"], by_stage["A", "foto"]
    assert (berkas.reached, berkas.called, berkas.sent_on, berkas.finished) == (4, 4, 3, 1)
    # 4, 6 and 8 minutes, and 0 for the returned A002 served at once: median 5, P90 8
    assert (berkas.service.median, berkas.service.p90) == (5.0, 8.0)
    assert (foto.reached, foto.called, foto.sent_on) == (3, 2, 1)
    transfers = {(m.from_stage, m.to_stage): m.count for m in report.total.transfers}
    assert transfers == {("berkas", "foto"): 3, ("foto", "berkas"): 1}
    rows = report_rows(report)
    assert (MOMENT.date().isoformat(), "stage", "A/foto", "reached", 3) in rows
    assert (MOMENT.date().isoformat(), "transfer", "A/foto>berkas", "count", 1) in rows
    table = render_table(report, "en")
    assert "Per stage" in table and "A Photo & interview" in table
    page = render_html(report, "id")
    assert 'id="chart-stages"' in page and 'id="table-transfers"' in page
    assert "Foto &amp; wawancara" in page


def test_next_at_the_document_check_sends_on_and_served_ends_the_visit(office) -> None:
    _config, db, _clock, calling, issue = office
    issue("A", 2)
    first = calling.call_next(1)
    assert (first.label, first.stage) == ("A001", "berkas")
    second = calling.call_next(1)  # A001 goes on to foto; A002 is called
    assert second.label == "A002"
    assert calling.waiting_for(5) == 1 and calling.waiting_for(1) == 0
    done = calling.mark_served(1)  # documents refused: the visit ends at berkas
    assert (done.label, done.status, done.stage) == ("A002", "served", "berkas")
    assert calling.waiting_for(5) == 1  # only A001 waits for the photo room
    photo = calling.call_next(6)
    assert (photo.label, photo.stage) == ("A001", "foto")
    assert [e["to"] for e in events(db, "sent")] == ["foto"]
    assert events(db, "sent")[0]["by"] == "next"


def test_recall_no_show_and_bring_back_act_on_the_stage_the_ticket_is_at(office) -> None:
    config, _db, _clock, calling, issue = office
    issue("P")
    calling.call_next(2)
    calling.send(2)
    calling.call_next(5)
    refused = calling.mark_no_show(5)
    assert isinstance(refused, CallRefused) and refused.recalls_left == config.calling.max_recalls
    for _ in range(config.calling.max_recalls):
        assert calling.recall(5).stage == "foto"
    gone = calling.mark_no_show(5)
    assert (gone.status, gone.stage) == ("no_show", "foto")
    back = calling.bring_back("P001")
    assert (back.status, back.stage) == ("waiting", "foto")
    assert calling.call_next(1) is None  # still not the document check's
    assert calling.call_next(5).label == "P001"


def test_send_to_a_named_stage_and_the_refusals(office) -> None:
    _config, _db, _clock, calling, issue = office
    issue("C")
    issue("D")
    assert calling.send(1) == CallRefused("no_current")
    calling.call_next(1)
    assert calling.send(1, "berkas").reason == "unknown_stage"  # it is already there
    assert calling.send(1, "kasir").reason == "unknown_stage"
    sent = calling.send(1, " FOTO ")
    assert isinstance(sent, CalledTicket) and (sent.sent_to, sent.status) == ("foto", "waiting")
    calling.call_next(5)
    back = calling.send(5, "berkas")  # a missing document: back to the check
    assert back.sent_to == "berkas"
    assert calling.call_specific(5, "C001").reason == "stage_not_served"
    assert calling.call_specific(1, "C001").label == "C001"
    # A service without stages: "send" has nowhere to go, "next" simply serves.
    assert calling.call_next(7).label == "D001"
    assert calling.send(7).reason == "no_next_stage"


def test_the_board_and_the_spoken_call_name_the_stage(office) -> None:
    config, _db, _clock, calling, issue = office
    issue("A")
    calling.call_next(1)
    calling.call_next(1)  # sends A001 on; nobody else waits for berkas
    calling.call_next(5)
    state = board_state(calling, config)
    newest = state["newest"]
    assert (newest["label"], newest["counter"], newest["stage"]) == ("A001", 5, "foto")
    assert newest["service"] == "Paspor Reguler \u00b7 Foto & wawancara"
    assert newest["service_en"] == "Regular passport \u00b7 Photo & interview"
    assert state["counters"][4]["service"].endswith("Foto & wawancara")
    assert [c["label"] for c in state["last_calls"]] == ["A001"]  # once, at its newest call
    spoken = call_text("A001", 5, "id", config.stage_name("foto"))
    assert spoken == ("Nomor antrian A nol nol satu, silakan ke loket lima, "
                      "untuk foto dan wawancara")
    assert call_text("A001", 5, "en", config.stage_name("foto", "en")).endswith(
        "counter five, for photo and interview")


def test_the_wait_forecast_counts_only_who_competes_for_the_first_stage(office) -> None:
    config, db, clock, calling, issue = office
    issue("A", 6)
    for _ in range(6):  # all six through the document check, on to foto
        calling.call_next(1)
    calling.call_next(1)
    assert calling.waiting_for(5) == 6
    pace = PaceCache(db, "BTM", calling.counters.values(), policy=calling.policy,
                     classes=calling.classes, stages=StagePlan.of(config))
    (label,) = issue("A")
    ahead, _wait = pace.forecast(MOMENT.date(), "A", int(label[1:]), clock())
    # Six wait for the photo room; none of them is called by a document-check counter.
    assert ahead.before == 0
    plain = PaceCache(db, "BTM", calling.counters.values(), policy=calling.policy,
                      classes=calling.classes)  # as if stages did not exist
    assert plain.forecast(MOMENT.date(), "A", int(label[1:]), clock())[0].before == 6


def test_a_store_from_before_stages_migrates_and_reads_everyone_at_their_first_stage(
        tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    steps = store.MIGRATIONS[:store.MIGRATIONS.index(store._stages)]
    import sqlite3

    import sqlite_utils
    raw = sqlite_utils.Database(sqlite3.connect(str(path), isolation_level=None))
    for version, step in enumerate(steps, start=1):
        step(raw)
        raw.execute(f"PRAGMA user_version = {version}")
    raw.close()
    db = store.connect(path)
    Numbering(db, "BTM", "BTM-SIM1").take("A", MOMENT.date(), None, MOMENT)
    db.close()
    again = store.connect(path)  # a second start migrates nothing twice
    assert store.schema_version(again) == len(store.MIGRATIONS)
    assert again.execute("SELECT label, stage FROM tickets").fetchall() == [("A001", None)]
    again.close()


def test_the_lan_api_sends_on_and_refuses_with_a_plain_reason(office) -> None:
    from kiosk.lan.server import LanApi
    from tests.test_lan_api import Client

    config, _db, clock, _calling, issue = office
    tokens = {1: "berkas-1-token", 5: "foto-5-token"}
    config = lan_with_tokens(config, tokens)
    issue("A")
    server = LanApi(config, clock=clock, port=0, poll_s=0.1).start()
    try:
        client = Client(server)
        status, reply = client.act(1, "next", tokens[1])
        assert status == 200 and reply["ticket"]["stage"] == "berkas"
        status, reply = client.act(1, "send", tokens[1], {"to": "kasir"})
        assert status == 409 and reply["reason"] == "unknown_stage"
        status, reply = client.act(1, "send", tokens[1], {"to": ["foto"]})
        assert status == 400
        status, reply = client.act(1, "send", tokens[1])
        assert status == 200
        assert (reply["ticket"]["sent_to"], reply["ticket"]["status"]) == ("foto", "waiting")
        status, reply = client.act(1, "send", tokens[1])
        assert status == 409 and reply["reason"] == "no_current"
        status, reply = client.act(5, "next", tokens[5])
        assert status == 200 and (reply["ticket"]["label"], reply["ticket"]["stage"]) == (
            "A001", "foto")
    finally:
        server.close()


def lan_with_tokens(config, tokens: dict[int, str]):
    import dataclasses
    import hashlib

    counters = tuple(dataclasses.replace(c, token_hash="sha256$" + hashlib.sha256(
        tokens[c.number].encode()).hexdigest()) if c.number in tokens else c
        for c in config.counters)
    return dataclasses.replace(config, counters=counters)


async def test_the_counter_terminal_sends_on_with_k(office) -> None:
    from kiosk.lan.server import LanApi
    from tests.test_counter_client import client_app, settle, text

    config, _db, clock, calling, issue = office
    config = lan_with_tokens(config, {2: "berkas-2-token"})
    issue("C")
    server = LanApi(config, clock=clock, port=0, poll_s=0.1).start()
    try:
        app = client_app(server.url, 2, "berkas-2-token")
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert not app.query_one("#send").display  # nobody called: nothing to send
            assert "C: 1" in text(app, "#waiting")
            await settle(pilot, "n")
            assert app.current_label == "C001"
            assert "tahap berkas" in text(app, "#recalls")
            assert app.query_one("#send").display
            await settle(pilot, "k")
            assert "C001 dikirim ke tahap foto" in text(app, "#message")
            assert app.current_label is None
            assert "C: 0" in text(app, "#waiting")  # C001 waits for the photo room now
        assert calling.waiting_for(5) == 1
    finally:
        server.close()


async def test_the_staff_menu_shows_the_stage_and_sends_on(tmp_path: Path, make_app) -> None:
    from tests.test_staff_screen import click, current_line, message, open_staff
    from tests.test_staff_screen import settle as settle_staff

    config = load_config(make_config(tmp_path))
    clock = MovableClock(MOMENT)
    app, appliance = make_app(config, clock)
    Numbering(appliance.service.db, "BTM", "BTM-SIM1").take("A", MOMENT.date(), None, clock())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_staff(pilot)
        await open_staff(pilot)
        await click(pilot, "#act-next")
        assert "Memanggil A001 ke Loket 1" in message(app)
        assert "tahap Pemeriksaan berkas" in current_line(app)
        await click(pilot, "#act-send")
        assert "A001 dikirim ke tahap Foto & wawancara" in message(app)
        await click(pilot, "#act-send")
        assert "belum memanggil" in message(app)
    assert appliance.service.db.execute("SELECT status, stage FROM tickets").fetchall() == [
        ("waiting", "foto")]
