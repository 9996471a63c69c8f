"""`kiosk counter`: the staff client driven by keys against a real LAN API on 127.0.0.1."""

from __future__ import annotations

import socket

import pytest
from textual.widgets import Static

from kiosk.config import Config
from kiosk.lan.server import LanApi
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from screens.counter_client import DOUBLE_CLICK_S, CounterApi, CounterClientApp
from tests.conftest import MovableClock


@pytest.fixture
def issue(db, config: Config, clock: MovableClock):
    def take(lanes: str) -> None:
        day = calling_service(config, db, clock).today()
        numbering = Numbering(db, config.office.code, "KUP-SIM1")
        for lane in lanes:
            numbering.take(lane, day, None, clock())
    return take


@pytest.fixture
def calls() -> list[tuple[str, int]]:
    return []


@pytest.fixture
def api(config: Config, clock: MovableClock, calls):
    server = LanApi(config, on_call=lambda label, counter: calls.append((label, counter)),
                    clock=clock, port=0).start()
    yield server
    server.close()


def client_app(url: str, counter: int = 1, token: str = "loket1-demo") -> CounterClientApp:
    # A long poll: each test step refreshes through its own request.
    return CounterClientApp(CounterApi(url, counter, token, timeout=2), poll_s=60)


def text(app: CounterClientApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def settle(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    if not keys:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_staff_call_recall_and_finish_with_keys(api: LanApi, issue, calls) -> None:
    issue("AAP")
    app = client_app(api.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Loket 1" in text(app, "#title")
        assert "A: 2" in text(app, "#waiting") and "P: 1" in text(app, "#waiting")
        assert app.current_label is None

        await settle(pilot, "n")
        assert app.current_label == "P001"
        assert "Memanggil P001" in text(app, "#message")
        assert "\u2588" in text(app, "#ticket")  # big enough to read at a glance
        assert "P: 0" in text(app, "#waiting")
        assert calls == [("P001", 1)]

        await settle(pilot, "x")  # no-show before any recall is refused, politely
        assert "Panggil ulang P001 dulu" in text(app, "#message")
        assert app.query_one("#message").has_class("refused")
        assert app.current_label == "P001"

        await settle(pilot, "r")
        assert "Memanggil ulang P001" in text(app, "#message")
        assert "1/3" in text(app, "#recalls")
        assert calls[-1] == ("P001", 1)

        await settle(pilot, "s")
        assert "P001 selesai dilayani" in text(app, "#message")
        assert app.current_label is None
        assert "Belum ada yang dipanggil" in text(app, "#recalls")


async def test_buttons_do_what_the_keys_do(api: LanApi, issue, calls) -> None:
    issue("BB")
    app = client_app(api.url, counter=3, token="loket3-demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.click("#next")
        await pilot.click("#next")  # a nervous double click calls one applicant, not two
        await settle(pilot)
        assert app.current_label == "B001"
        assert calls == [("B001", 3)]
        for expected in ("B002", None):
            await pilot.pause(DOUBLE_CLICK_S + 0.1)  # a deliberate second press, not a double click
            await pilot.click("#next")
            await settle(pilot)
            assert app.current_label == expected
        assert "Tidak ada yang menunggu" in text(app, "#message")


async def test_a_double_click_after_the_reply_is_still_one_press(api: LanApi, issue,
                                                                 calls) -> None:
    """On a fast LAN the first click's reply can be back before a second click that
    comes after Textual's 0.2 s press effect: the "busy" flag is down again, and only
    the double-click window keeps it one call (it failed so on a loaded machine)."""
    issue("BB")
    app = client_app(api.url, counter=3, token="loket3-demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.click("#next")
        await pilot.app.workers.wait_for_complete()  # called, answered, drawn
        assert app.current_label == "B001" and not app.busy
        await pilot.pause(0.25)  # past the button's own press effect
        await pilot.click("#next")
        await settle(pilot)
        assert calls == [("B001", 3)]
        assert app.current_label == "B001"


async def test_no_show_after_three_recalls(api: LanApi, issue) -> None:
    issue("A")
    app = client_app(api.url, counter=2, token="loket2-demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, "n", "r", "r", "r", "x")
        assert "A001 ditandai tidak hadir" in text(app, "#message")
        assert app.current_label is None


async def test_a_wrong_token_says_what_to_do(api: LanApi) -> None:
    app = client_app(api.url, counter=1, token="loket2-demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "bukan untuk loket 1" in text(app, "#message")
        assert "Minta token loket 1" in text(app, "#message")
        assert not app.query_one("#connection").display  # reachable, just refused


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_unreachable_kiosk_shows_a_notice_and_recovers(config: Config, clock,
                                                             issue) -> None:
    port = free_port()  # nothing listens here yet
    app = client_app(f"http://127.0.0.1:{port}")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        banner = app.query_one("#connection", Static)
        assert banner.display
        assert "Kiosk tidak dapat dihubungi" in str(banner.render())
        assert app.reachable is False

        await settle(pilot, "n")  # a press while the kiosk is away does no harm
        assert app.is_running and banner.display and not app.busy

        issue("A")
        with LanApi(config, clock=clock, port=port):
            app.refresh_info()
            await settle(pilot)
            assert not banner.display
            await settle(pilot, "n")
            assert app.current_label == "A001"
