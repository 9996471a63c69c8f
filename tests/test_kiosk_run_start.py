"""`kiosk run` draws the home screen before the store is open (docs/design.md, "Start-up").

The app is started as kiosk/cli/__init__.py `_cmd_run` starts it: no service, and the store,
services and lane buttons built by `_start_kiosk` in the start-up thread. A gate holds
that thread so the tests can act while the kiosk is still getting ready.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Static

from kiosk import cli
from kiosk.checkin.booking_samples import make_sample_bookings
from kiosk.config import Config, LanApiConfig
from screens.app import KioskApp
from screens.bigtext import BigNumber
from screens.checkin import CheckedInScreen
from screens.home import HomeScreen
from screens.notice import StartFailedScreen
from screens.pin import PinScreen
from screens.staff import StaffScreen
from screens.ticket import TicketScreen
from tests.conftest import ROOT, MovableClock

DEMO_KEY = (ROOT / "config" / "demo-booking-key.txt").read_text().strip()


def run_config(cfg: Config) -> Config:
    """The simulation config, with no fixed LAN port, no camera, no voice, quick buttons."""
    return dataclasses.replace(
        cfg, lan_api=LanApiConfig("127.0.0.1", 0),
        calling=dataclasses.replace(cfg.calling, speech=False),
        camera=dataclasses.replace(cfg.camera, source=""),
        gpio=dataclasses.replace(cfg.gpio, cooldown_s=0, bounce_s=0))


@pytest.fixture
def deferred_app():
    started: list = []

    def factory(cfg: Config, clock: MovableClock, gate: threading.Event) -> KioskApp:
        def start_later() -> None:  # as _cmd_run's, held until the test opens the gate
            assert gate.wait(20)
            cli._start_kiosk(cfg, started, app, clock=clock)

        app = KioskApp(cfg, None, start_later=start_later)
        return app

    yield factory
    for appliance in started:
        appliance.close()


def shown(app: KioskApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


async def wait_for(pilot, condition, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out; screen shows:\n{shown(pilot.app)}")


async def test_home_first_and_a_press_before_ready_gets_its_number(config, clock,
                                                                   deferred_app) -> None:
    cfg = run_config(config)
    gate = threading.Event()
    app = deferred_app(cfg, clock, gate)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert isinstance(app.screen, HomeScreen) and app.service is None
        text = shown(app)
        assert "Kantor Imigrasi Kelas I TPI Kupang" in text
        assert "WITA" in app.screen.query_one("#clock", Static).render().plain
        assert "tombol HIJAU" in text and "tombol BIRU" in text
        assert "Menyiapkan kiosk" in str(app.screen.query_one("#quota", Static).render())
        assert "Sisa kuota" not in text
        await pilot.press("1")  # the simulated green button, before the buttons exist
        await pilot.pause(0.3)
        assert isinstance(app.screen, HomeScreen)  # kept, not dropped
        gate.set()
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen)
                       and bool(app.screen.query(BigNumber)))
        assert app.screen.query_one(BigNumber).label == "A001"
        assert b"A001" in Path(cfg.printer.params["output"]).read_bytes()
        app.go_home()
        await wait_for(pilot, lambda: "Sisa kuota hari ini: 59/60" in shown(app))
        assert "Menyiapkan kiosk" not in shown(app)
        assert "Simulasi" in shown(app)  # the full home screen, simulation keys included


async def test_a_scan_before_ready_checks_in_once_ready(config, clock, deferred_app,
                                                       tmp_path) -> None:
    from tests.test_app_checkin import scanner_types

    samples = make_sample_bookings(tmp_path / "qr", "KUP", date(2026, 11, 25), 1, DEMO_KEY,
                                   key_id="demo", seed=7)
    gate = threading.Event()
    app = deferred_app(run_config(config), clock, gate)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert "tunjukkan kode QR" in shown(app)
        scanner_types(app, samples.samples[0][1])
        await pilot.pause(0.3)
        assert isinstance(app.screen, HomeScreen)
        gate.set()
        await wait_for(pilot, lambda: isinstance(app.screen, CheckedInScreen)
                       and app.screen.is_mounted)
        assert app.screen.result.labels[0] == "B001"
        assert app.service.quota().issued == 0  # the payload's digits were no presses


async def test_staff_pin_before_ready_opens_the_menu_once_ready(config, clock,
                                                                deferred_app) -> None:
    gate = threading.Event()
    app = deferred_app(run_config(config), clock, gate)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await pilot.press(*"1234", "enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HomeScreen)
        assert any("menu petugas terbuka sebentar lagi" in str(n.message)
                   for n in app._notifications)
        gate.set()
        await wait_for(pilot, lambda: isinstance(app.screen, StaffScreen)
                       and "Antrian Umum" in shown(app))  # today's figures, from the store


async def test_a_store_that_cannot_open_is_shown_and_logged(config, clock, deferred_app,
                                                           tmp_path, caplog) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store's folder should be")
    cfg = dataclasses.replace(run_config(config), database=blocked / "kiosk.db")
    gate = threading.Event()
    gate.set()
    app = deferred_app(cfg, clock, gate)
    with caplog.at_level(logging.ERROR):
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, StartFailedScreen))
            text = shown(app)
            assert "Kios tidak dapat dimulai" in text and "not-a-folder" in text
            await pilot.press("1")  # a press now changes nothing and breaks nothing
            await pilot.pause(0.3)
            assert isinstance(app.screen, StartFailedScreen) and app.is_running
            await pilot.press("l")  # back home (language switch): the reason stays in view
            await wait_for(pilot, lambda: "could not start" in shown(app))
    assert "could not start" in caplog.text and "not-a-folder" in caplog.text
