"""Following a ticket on a phone (issue 15): the link on the ticket, the page on the kiosk's
LAN server (real server on 127.0.0.1, real headless Chromium at 360x740)."""

from __future__ import annotations

import dataclasses
import http.client
import json
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.config.model import TrackingConfig
from kiosk.lan.server import LanApi
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from kiosk.tracking.links import (
    link_maker,
    normalize_token,
    short_code,
    track_token,
    tracking_key,
)
from tests.conftest import MovableClock
from tests.test_lan_api import CHROMIUM, TOKENS, Client, run_chromium

BASE = "http://192.168.1.20:8470"


@pytest.fixture
def tracked(config: Config) -> Config:
    return dataclasses.replace(config, tracking=TrackingConfig(BASE))


@pytest.fixture
def issue(db, tracked: Config, clock: MovableClock):
    def take(lanes: str) -> list:
        numbering = Numbering(db, tracked.office.code, "KUP-SIM1")
        return [numbering.take(lane, clock().date(), None, clock()) for lane in lanes]
    return take


def token_of(config: Config, ticket_id: str) -> str:
    url, _code = link_maker(BASE, config.checkin.nik_salt)(ticket_id)
    assert url.startswith(f"{BASE}/t/")
    return url.rsplit("/", 1)[1]


def get(server: LanApi, path: str) -> tuple[int, str, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode(), dict(response.getheaders())
    finally:
        conn.close()


def test_a_token_is_keyed_unguessable_and_typable() -> None:
    key = tracking_key(bytes(16))
    assert tracking_key(b"short") is None  # no salt, no links
    first, second = (track_token(key, f"KUP-SIM1-{n:032x}") for n in (1, 2))
    assert len(first) == 10 and first != second
    assert track_token(key, "KUP-SIM1-" + "0" * 31 + "1") == first  # the same every time
    assert track_token(tracking_key(bytes(range(16))), "KUP-SIM1-" + "0" * 31 + "1") != first
    code = short_code(first)
    assert code[5] == "-" and normalize_token(code.lower()) == first
    assert normalize_token("OIL00-00000") == "0110000000"  # read as Crockford says
    for bad in ("A012", "", "K7QD2-M9FXA-XX", "K7QD2/M9FXA", "<script>alert"):
        assert normalize_token(bad) is None


def test_the_ticket_prints_the_link_and_its_code(tracked: Config, tmp_path: Path) -> None:
    from escpos.printer import Dummy

    from hardware.ticket_layout import render_preview, render_ticket
    from kiosk.appliance import build

    appliance = build(tracked, with_gpio=False)
    try:
        issued = appliance.service.issue("A")
        content = appliance.service.content_for(issued.ticket, "id")
    finally:
        appliance.close()
    assert content.track_url == f"{BASE}/t/{token_of(tracked, issued.ticket.id)}"
    preview = render_preview(content, 80)
    assert f"[QR] {content.track_url}" in preview and issued.ticket.id not in preview
    assert f"Kode pantau: {content.track_code}" in preview
    printer = Dummy()
    render_ticket(printer, content, 80)
    assert content.track_url.encode() in printer.output  # the QR's data, native GS ( k
    plain = dataclasses.replace(content, track_url=None, track_code=None)
    assert f"[QR] {issued.ticket.id}" in render_preview(plain, 80)  # no [tracking]: as before


def test_the_page_follows_a_ticket_from_waiting_to_called_to_served(
        tracked: Config, db, clock: MovableClock, issue) -> None:
    a1, p1, _a2 = issue("APA")
    with LanApi(tracked, clock=clock, port=0) as server:
        path = f"/t/{token_of(tracked, a1.id)}"
        status, body, headers = get(server, f"{path}/state")
        state = json.loads(body)
        assert status == 200 and headers["Cache-Control"] == "no-store"
        assert (state["label"], state["status"], state["before"]) == ("A001", "waiting", 1)
        # The ticket's own estimate (P001 goes first), worked out the way the ticket does.
        from kiosk.queue.issuing import IssuingService
        ahead, wait = IssuingService(tracked, db, None, clock=clock).ahead_and_wait(a1)
        assert (state["before"], state["wait"]) == (ahead, list(wait.minutes))
        assert "KUP-SIM1" not in body and a1.id not in body  # no ticket id, no device
        client = Client(server)
        assert client.act(1, "next")[1]["ticket"]["label"] == "P001"
        assert client.act(2, "next")[1]["ticket"]["label"] == "A001"
        state = json.loads(get(server, f"{path}/state")[1])
        assert (state["status"], state["counter"], state["counter_name"]) == (
            "called", 2, "Loket 2")
        assert {s["label"] for s in state["serving"]} == {"P001", "A001"}
        assert client.act(2, "served")[0] == 200
        assert json.loads(get(server, f"{path}/state")[1])["status"] == "served"
        status, page, _ = get(server, path)
        assert status == 200 and "A001" in page and len(page.encode()) < 12_000
        assert get(server, path)[0] == 200  # opened twice: one ticket tracked
        assert "http" not in page.split("<script>")[0].split("</style>")[1]  # no external file
    from kiosk.reports.day import build_report
    from kiosk.reports.html import render_table
    from kiosk.reports.machine_readable import report_rows

    report = build_report(db, tracked, clock().date(), clock().date(), clock())
    assert report.total.tracked == 1
    assert (clock().date().isoformat(), "overall", "all", "tracked", 1) in report_rows(report)
    assert "Followed on a phone: 1" in render_table(report, "en")
    assert token_of(tracked, p1.id) not in path  # P001 has a page of its own


def test_unknown_guessed_and_expired_links_show_nothing(tracked: Config, db, clock, issue
                                                        ) -> None:
    (a1,) = issue("A")
    token = token_of(tracked, a1.id)
    with LanApi(tracked, clock=clock, port=0) as server:
        for guess in ("A001", "a001", "0000000000", "ZZZZZ-ZZZZZ", "%27%20OR%201%3D1",
                      "x" * 5000):
            status, body, _ = get(server, f"/t/{guess}/state")
            assert status == 404 and json.loads(body) == {"state": "unknown"}, guess
        status, page, _ = get(server, "/t/A001")
        assert status == 404 and "Tautan tidak dikenal" in page and "A001" not in page
        assert get(server, f"/t/{token}/state")[0] == 200
        clock.now += timedelta(days=1)  # the next office day: yesterday's link has expired
        status, body, _ = get(server, f"/t/{token}/state")
        assert status == 410 and json.loads(body) == {"state": "expired"}
        clock.now += timedelta(days=30)
        assert get(server, f"/t/{token}/state")[0] == 404  # long gone


def test_a_typed_code_opens_its_page(tracked: Config, db, clock, issue) -> None:
    (a1,) = issue("A")
    token = token_of(tracked, a1.id)
    with LanApi(tracked, clock=clock, port=0) as server:
        status, page, _ = get(server, "/t")
        assert status == 200 and 'action="/t/go"' in page
        status, _, headers = get(server, f"/t/go?code={short_code(token).lower()}")
        assert status == 303 and headers["Location"] == f"/t/{token}"
        status, page, _ = get(server, "/t/go?code=nope")
        assert status == 400 and "Kode tidak dikenal" in page


def test_the_stream_sends_the_call_as_it_happens(tracked: Config, db, clock, issue) -> None:
    (a1,) = issue("A")
    with LanApi(tracked, clock=clock, port=0, poll_s=0.05) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", f"/t/{token_of(tracked, a1.id)}/events")
        response = conn.getresponse()
        assert response.getheader("Content-Type").startswith("text/event-stream")

        def next_state() -> dict:
            while True:
                line = response.readline().decode()
                if line.startswith("data: "):
                    return json.loads(line[6:])

        assert next_state()["status"] == "waiting"
        assert Client(server).act(1, "next")[0] == 200
        called = next_state()
        assert (called["status"], called["counter_name"]) == ("called", "Loket 1")
        conn.close()


def test_no_links_without_tracking_config(config: Config, db, clock, issue) -> None:
    (a1,) = issue("A")
    with LanApi(config, clock=clock, port=0) as server:  # [tracking] not set: no page works
        assert get(server, f"/t/{token_of(config, a1.id)}/state")[0] == 200  # key from salt
    no_salt = dataclasses.replace(config, checkin=dataclasses.replace(config.checkin,
                                                                      nik_salt=b""))
    with LanApi(no_salt, clock=clock, port=0) as server:
        assert get(server, f"/t/{token_of(config, a1.id)}/state")[0] == 404


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_the_page_on_a_360_px_phone_in_headless_chromium(tracked: Config, db, clock, issue,
                                                          tmp_path: Path, monkeypatch) -> None:
    import kiosk.lan.tracking as lan_tracking

    (a1,) = issue("A")
    path = f"/t/{token_of(tracked, a1.id)}"
    with LanApi(tracked, clock=clock, port=0, stream_s=0.5) as server:
        shot = tmp_path / "waiting.png"
        result = run_chromium(f"{server.url}{path}", tmp_path, f"--screenshot={shot}",
                              size=(360, 740))
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5_000
        dom = run_chromium(f"{server.url}{path}", tmp_path, "--dump-dom", size=(360, 740))
        html = dom.stdout.decode()
        assert 'data-status="waiting"' in html and "Menunggu dipanggil" in html
        assert 'data-fits="true"' in html  # no sideways scrolling
        from PIL import Image
        with Image.open(shot) as image:
            assert image.size == (360, 740)
            # The number is drawn big in the top card: dark pixels across the card's rows.
            gray = image.convert("L")
            assert gray.crop((0, 30, 360, 130)).getextrema()[0] < 60

        # The ticket is called after the page was sent and before its stream opens: what
        # the phone shows then can only have come through the stream.
        calling = calling_service(tracked, db, clock)
        drawn = lan_tracking.track_page

        def page_then_call(state: dict, events: str) -> str:
            html = drawn(state, events)
            calling.call_next(2)
            return html

        monkeypatch.setattr(lan_tracking, "track_page", page_then_call)
        dom = run_chromium(f"{server.url}{path}", tmp_path, "--dump-dom", size=(360, 740))
        html = dom.stdout.decode()
        assert '"status": "waiting"' in html  # the state inlined in the page...
        assert 'data-status="called"' in html  # ...and what the stream brought
        assert "GILIRAN ANDA!" in html and "Silakan ke Loket 2" in html
        monkeypatch.setattr(lan_tracking, "track_page", drawn)

        dom = run_chromium(f"{server.url}/t/ZZZZZZZZZZ", tmp_path, "--dump-dom",
                           size=(360, 740))
        assert 'data-status="unknown"' in dom.stdout.decode()
        assert "Tautan tidak dikenal" in dom.stdout.decode()
        dom = run_chromium(f"{server.url}/t/A001", tmp_path, "--dump-dom", size=(360, 740))
        assert 'data-status="unknown"' in dom.stdout.decode()  # a number is not a link
        clock.now += timedelta(days=1)
        dom = run_chromium(f"{server.url}{path}", tmp_path, "--dump-dom", size=(360, 740))
        assert 'data-status="expired"' in dom.stdout.decode()
        assert "sudah kedaluwarsa" in dom.stdout.decode()
    assert TOKENS  # the counters' demo tokens are not needed by a phone


def test_a_script_trying_codes_is_slowed_down(tracked: Config, db, clock) -> None:
    from kiosk.lan.tracking import LIMIT

    with LanApi(tracked, clock=clock, port=0) as server:
        answers = [get(server, f"/t/{n:010d}/state") for n in range(LIMIT.burst + 5)]
        assert [status for status, _, _ in answers[:LIMIT.burst]] == [404] * LIMIT.burst
        status, body, headers = answers[-1]
        assert status == 429 and int(headers["Retry-After"]) >= 1
        assert "Too many requests" in body
        assert get(server, "/health")[0] == 200  # the rest of the server is not slowed

