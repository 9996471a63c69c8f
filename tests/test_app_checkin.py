"""Online bookers at the kiosk screen: USB scanner, keypad and camera."""

from __future__ import annotations

import dataclasses
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Static

from kiosk.appliance import Appliance, build, make_scanner
from kiosk.checkin.booking_samples import make_sample_bookings
from kiosk.config import CameraConfig, Config
from screens.app import KioskApp
from screens.checkin import CheckedInScreen, KeypadScreen
from screens.home import HomeScreen
from screens.notice import NoticeScreen
from tests.conftest import ROOT, MovableClock, settle, until

DEMO_KEY = (ROOT / "config" / "demo-booking-key.txt").read_text().strip()
TODAY = date(2026, 11, 25)


@pytest.fixture
def samples(tmp_path: Path):
    return make_sample_bookings(tmp_path / "qr", "KUP", TODAY, 3, DEMO_KEY, key_id="demo",
                                seed=7)


@pytest.fixture
def make_app():
    made: list[Appliance] = []

    def factory(cfg: Config, clock: MovableClock, camera: bool = False) -> KioskApp:
        appliance = build(cfg, clock=clock)
        made.append(appliance)
        app = KioskApp(cfg, appliance.service, appliance.simulation, appliance.checkin)
        if camera:
            app.scanner = make_scanner(cfg, app.code_seen, app.camera_state)
            app.camera_ok = True
        appliance.on_press = app.lane_pressed
        return app

    yield factory
    for appliance in made:
        appliance.close()


def scanner_types(app: KioskApp, text: str) -> None:
    """A USB scanner: the whole code within milliseconds, then Enter.

    Each key carries the time a scanner would give it (0.5 ms apart, as the driver
    stamps keys read in one burst): on a machine busy enough to pause this loop for
    50 ms, the keys would otherwise look typed by hand, which no scanner does.
    """
    keys = [events.Key(char, char) for char in text] + [events.Key("enter", "\r")]
    start = keys[0].time
    for i, key in enumerate(keys):
        key.time = start + i * 0.0005
        app.post_message(key)


def shown(app: KioskApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


async def test_usb_scanner_burst_checks_a_family_in(config, clock, make_app, samples) -> None:
    app = make_app(config, clock)
    code, payload, _ = samples.samples[0]
    async with app.run_test(size=(100, 30)) as pilot:
        assert "tunjukkan kode QR" in shown(app)
        scanner_types(app, payload)
        await settle(pilot)
        assert isinstance(app.screen, CheckedInScreen)
        labels = app.screen.result.labels
        assert labels[0] == "B001" and len(labels) == len(app.screen.result.applicants)
        assert "Pemohon 1: nomor B001" in shown(app)
        # The payload's digits were not taken as walk-in button presses.
        assert app.service.quota().issued == 0
        app.go_home()
        scanner_types(app, payload)  # a replayed screenshot of the same QR
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        assert "Sudah Lapor Kedatangan" in shown(app)
        assert "B001" in shown(app)


async def test_a_scan_the_busy_screen_reads_late_is_still_one_scan(config, clock, make_app,
                                                                     samples) -> None:
    """The keys arrived within milliseconds but the screen got to them 80 ms apart (a
    repaint on a loaded Pi): still one check-in, and its "1"s press no walk-in button."""
    app = make_app(config, clock)
    _code, payload, _ = samples.samples[0]
    async with app.run_test(size=(100, 30)) as pilot:
        def busy() -> None:
            time.sleep(0.08)

        for index, char in enumerate(payload):
            app.post_message(events.Key(char, char))
            if index < 3:  # the screen is busy for 80 ms after each of the first keys
                app.call_later(busy)
        app.post_message(events.Key("enter", "\r"))
        await settle(pilot)
        assert isinstance(app.screen, CheckedInScreen), shown(app)
        assert app.screen.result.labels[0] == "B001"
        assert app.service.quota().issued == 0


async def test_scanner_garbage_gives_a_clear_screen_and_no_ticket(config, clock,
                                                                   make_app) -> None:
    app = make_app(config, clock)
    async with app.run_test() as pilot:
        scanner_types(app, "1212\x1b[2J\u00ff\u4e00 DROP TABLE;" + "9" * 3000)
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        assert "Kode Tidak Terbaca" in shown(app) or "Kode Tidak Ditemukan" in shown(app)
        assert app.service.db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0


async def test_typed_code_on_the_keypad(config, clock, make_app, samples, tmp_path) -> None:
    from kiosk import store
    from kiosk.checkin.booking_import import import_bookings

    db = store.connect(config.database)
    import_bookings(db, samples.samples[0][2].parent / "bookings.json",
                    config.checkin.nik_salt, "KUP")
    db.close()
    app = make_app(config, clock)
    code = samples.samples[1][0]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("b")
        key = f"#key-{code[0]}"
        await until(pilot, lambda: isinstance(app.screen, KeypadScreen)
                    and any(k.region.area for k in app.screen.query(key)))  # laid out
        assert isinstance(app.screen, KeypadScreen)
        await pilot.click(key)  # touch works as well as typing
        await pilot.press(*code[1:].lower())
        assert app.screen.query_one("#code").value.upper() == code
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckedInScreen), shown(app)
        assert app.screen.result.code == code


async def test_unknown_typed_code_is_refused(config, clock, make_app) -> None:
    app = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, KeypadScreen)
                    and getattr(app.focused, "id", None) == "code")  # ready for typing
        assert isinstance(app.screen, KeypadScreen)
        await pilot.press(*"ZZZZ9999", "enter")
        await settle(pilot)
        assert "Kode Tidak Ditemukan" in shown(app)


async def test_camera_frames_from_a_folder_check_in(config, clock, make_app, samples,
                                                    tmp_path) -> None:
    view = tmp_path / "camera"
    view.mkdir()
    cfg = dataclasses.replace(config, camera=CameraConfig(str(view), "zxing", 20))
    app = make_app(cfg, clock, camera=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        assert isinstance(app.screen, HomeScreen)  # an empty view is not a lost camera
        assert "tunjukkan kode QR" in shown(app)
        shutil.copy(samples.samples[2][2], view / "phone.png")  # hold the phone up
        await until(pilot, lambda: isinstance(app.screen, CheckedInScreen))
        assert isinstance(app.screen, CheckedInScreen)
        assert app.screen.result.code == samples.samples[2][0]


async def test_lost_camera_is_a_notice_and_walk_ins_still_work(config, clock, make_app,
                                                               tmp_path) -> None:
    view = tmp_path / "camera"
    view.mkdir()
    cfg = dataclasses.replace(config, camera=CameraConfig(str(view), "zxing", 20))
    app = make_app(cfg, clock, camera=True)
    async with app.run_test(size=(100, 30)) as pilot:
        view.rmdir()  # the camera is unplugged
        await until(pilot, lambda: not app.camera_ok)
        assert "Kamera tidak tersedia" in shown(app)
        await pilot.press("1")
        await settle(pilot)
        assert app.screen.query_one("#number").label == "A001"

