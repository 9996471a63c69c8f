"""The kiosk as an applicant meets it, driven through Textual's pilot.

Presses go key -> gpiozero mock pin -> Button -> issuing -> screen, the same
path a physical button takes on the Pi.
"""

from __future__ import annotations

import dataclasses
from datetime import time
from pathlib import Path

import pytest
from textual.widgets import Button, Input, Static, TabbedContent

from kiosk.clock import OFFSET_ENV
from kiosk.config import DayHours, load_config
from kiosk.privacy.pin import hash_pin
from screens.app import KioskApp
from screens.bigtext import BigNumber
from screens.home import HomeScreen
from screens.notice import NoticeScreen
from screens.pin import PinScreen
from screens.staff import StaffScreen
from screens.ticket import TicketScreen
from tests.conftest import ROOT, MovableClock, office_time, quick_buttons, settle, until, with_cap


def text_of(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def screen_text(app: KioskApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


async def press_and_settle(pilot, key: str) -> None:
    await pilot.press(key)
    await settle(pilot)  # keys are held briefly to tell a person from a USB scanner


async def test_home_shows_office_clock_and_quota(config, clock, make_app) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, HomeScreen)
        assert "Kantor Imigrasi Kelas I TPI Kupang" in text_of(app, "#office")
        assert "Rabu, 25 November 2026" in text_of(app, "#clock")
        assert "09:00:00 WITA" in text_of(app, "#clock")
        assert "Sisa kuota hari ini: 60/60" in text_of(app, "#quota")
        assert "tombol HIJAU" in text_of(app, "#walkin")


async def test_walkin_press_shows_the_number_and_prints_it(config, clock, make_app) -> None:
    app, appliance = make_app(quick_buttons(config), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await press_and_settle(pilot, "1")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.query_one(BigNumber).label == "A001"
        assert "\u2588" in str(app.screen.query_one(BigNumber).render())
        assert "Silakan ambil tiket Anda" in screen_text(app)
        # Simulation: the printed ticket is previewed beside the number.
        assert "A 0 0 1" in text_of(app, "#preview")
        assert b"A001" in Path(config.printer.params["output"]).read_bytes()
        await press_and_settle(pilot, "1")
        assert app.screen.query_one(BigNumber).label == "A002"
        assert "1 orang menunggu sebelum Anda" in text_of(app, "#ahead")
        app.go_home()
        await pilot.pause()
        assert "58/60" in text_of(app, "#quota")


async def test_priority_button_issues_from_its_own_lane(config, clock, make_app) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test() as pilot:
        await press_and_settle(pilot, "2")
        assert app.screen.query_one(BigNumber).label == "P001"
        assert "Prioritas" in text_of(app, "#lane")


async def test_real_gpio_pin_press_reaches_the_screen(config, clock, make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test() as pilot:
        appliance.simulation.panel.buttons["P"].pin.drive_low()
        appliance.simulation.panel.buttons["P"].pin.drive_high()
        assert await until(pilot, lambda: isinstance(app.screen, TicketScreen))
        assert app.screen.query_one(BigNumber).label == "P001"


async def test_a_hand_resting_on_the_button_prints_one_ticket(config, clock, make_app) -> None:
    app, appliance = make_app(config, clock)  # cooldown_s = 2 from the simulation config
    async with app.run_test() as pilot:
        for _ in range(5):
            await press_and_settle(pilot, "1")
        count = appliance.db.execute("SELECT count(*) FROM tickets").fetchone()[0]
        assert count == 1


async def test_ticket_screen_returns_home_by_itself(config, clock, make_app) -> None:
    cfg = dataclasses.replace(config, ticket_screen_seconds=2)
    app, _ = make_app(cfg, clock)
    async with app.run_test() as pilot:
        await press_and_settle(pilot, "1")
        assert isinstance(app.screen, TicketScreen)
        assert "Kembali ke layar utama dalam 2 detik" in text_of(app, "#countdown")
        assert await until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_quota_used_up_screen(config, clock, make_app) -> None:
    app, appliance = make_app(quick_buttons(with_cap(config, "A", 1)), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_and_settle(pilot, "1")
        await press_and_settle(pilot, "1")
        assert isinstance(app.screen, NoticeScreen)
        text = screen_text(app)
        assert "Kuota Hari Ini Sudah Habis" in text
        assert "Kamis, 26 November 2026 pukul 00:00 WITA" in text
        assert "M-Paspor" in text
        turned = appliance.db.execute("SELECT turned_away FROM lane_days").fetchone()[0]
        assert turned == 1


async def test_closed_screen_names_the_next_opening(config, make_app) -> None:
    hours = {i: DayHours(time(8), time(16), frozenset({"A", "P"})) for i in range(5)}
    cfg = dataclasses.replace(config, hours=hours | {5: None, 6: None})
    app, _ = make_app(cfg, MovableClock(office_time("2026-11-25 17:00")))
    async with app.run_test() as pilot:
        # The start screen already says so, before anyone presses.
        assert "Kantor Sedang Tutup" in text_of(app, "#closed")
        assert "Buka lagi: Kamis, 26 November 2026 pukul 08:00 WITA" in text_of(app, "#next-open")
        await press_and_settle(pilot, "1")
        text = screen_text(app)
        assert "Kantor Sedang Tutup" in text
        assert "Kamis, 26 November 2026 pukul 08:00 WITA" in text
        assert app.service.quota().issued == 0


async def test_home_opens_by_itself_at_opening_time(config, make_app) -> None:
    hours = {i: DayHours(time(8), time(16), frozenset({"A", "P"})) for i in range(7)}
    clock = MovableClock(office_time("2026-11-25 07:59:58"))
    app, _ = make_app(dataclasses.replace(config, hours=hours), clock)
    async with app.run_test() as pilot:
        assert app.screen.query("#closed")
        clock.advance(seconds=3)
        assert await until(pilot, lambda: not app.screen.query("#closed")
                          and app.screen.query("#walkin"))
        assert "tombol HIJAU" in text_of(app, "#walkin")


def real_office_hours(tmp_path: Path) -> dict:
    """config/example-pi.toml's [hours]: Saturday 08:00-12:00 for priority only."""
    text = (ROOT / "config" / "example-pi.toml").read_text(encoding="utf-8")
    text = text.replace("scrypt$16384$8$1$REPLACE$REPLACE", hash_pin("482916"))
    text = text.replace("REPLACE-WITH-openssl-rand-hex-16-OUTPUT-0000000000", "ab" * 16)
    path = tmp_path / "pi.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # a real office refuses a shifted clock
        patch.delenv(OFFSET_ENV, raising=False)
        return load_config(path).hours


async def test_priority_only_saturday_says_so_before_and_after_a_press(config, make_app,
                                                                       tmp_path) -> None:
    cfg = quick_buttons(dataclasses.replace(config, hours=real_office_hours(tmp_path)))
    app, _ = make_app(cfg, MovableClock(office_time("2026-11-28 09:00")))  # a Saturday
    async with app.run_test(size=(100, 30)) as pilot:
        # Before anyone presses: the day's rule, from the schedule.
        assert text_of(app, "#lane-rule") == "Hari Sabtu hanya untuk Prioritas"
        assert text_of(app, "#walkin") == (
            "Antrian Umum dilayani lagi: Senin, 30 November 2026 pukul 07:30 WITA")
        assert "tombol BIRU" in text_of(app, "#priority")
        assert not app.screen.query("#closed")
        # The walk-in button says the same thing, not "the office is closed".
        await press_and_settle(pilot, "1")
        assert isinstance(app.screen, NoticeScreen)
        text = screen_text(app)
        assert "Hari Sabtu hanya untuk Prioritas" in text
        assert "Antrian Umum dilayani lagi: Senin, 30 November 2026 pukul 07:30 WITA" in text
        assert "Kantor Sedang Tutup" not in text
        assert app.service.quota().issued == 0
        app.go_home()
        await pilot.press("l")
        assert await until(pilot, lambda: app.screen.query("#lane-rule") and text_of(
            app, "#lane-rule") == "On Saturdays only Priority is served")
        assert "Walk-in is served again from Monday" in text_of(app, "#walkin")
        await press_and_settle(pilot, "2")  # priority is served
        assert app.screen.query_one(BigNumber).label == "P001"


async def test_quota_used_up_shows_on_home_without_a_press(config, clock, make_app) -> None:
    app, _ = make_app(quick_buttons(with_cap(config, "A", 2)), clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_and_settle(pilot, "1")
        await press_and_settle(pilot, "1")
        assert app.screen.query_one(BigNumber).label == "A002"
        app.go_home()
        await pilot.pause()
        assert text_of(app, "#walkin") == "Antrian Umum: kuota hari ini sudah habis (2 nomor)"
        assert "0/2" in text_of(app, "#quota")
        assert "tombol BIRU" in text_of(app, "#priority")  # priority is not capped here
        assert not app.screen.query_one("#lane-rule").display
        assert app.service.quota().issued == 2  # no third press was needed


async def test_paused_issuing_shows_on_home_without_a_press(config, clock, make_app) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        assert "tombol HIJAU" in text_of(app, "#walkin")
        day = app.service.schedule.office_day(clock())
        assert app.service.controls.pause("ana", day, clock())  # from the staff menu, or a CLI
        assert await until(pilot, lambda: "dihentikan sementara" in text_of(app, "#walkin"))
        assert text_of(app, "#walkin") == (
            "Antrian Umum: pengambilan nomor dihentikan sementara")
        assert text_of(app, "#priority") == "Prioritas: pengambilan nomor dihentikan sementara"
        assert "dihentikan sementara oleh petugas" in text_of(app, "#quota")
        assert app.service.controls.resume("ana", day, clock())
        assert await until(pilot, lambda: "tombol HIJAU" in text_of(app, "#walkin"))
        refusals = app.service.db.execute(
            "SELECT count(*) FROM events WHERE kind = 'refused_paused'").fetchone()[0]
        assert refusals == 0  # nobody pressed


async def test_paper_out_shows_on_home_and_lights_the_lamp_without_a_press(
        config, clock, make_app) -> None:
    app, appliance = make_app(config, clock)
    led = appliance.pin_factory.pin(config.gpio.paper_led)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await until(pilot, lambda: "tombol HIJAU" in text_of(app, "#walkin"))
        assert not led.state
        await pilot.press("k")  # the simulated roll is taken out; nobody presses a button
        assert await until(pilot, lambda: app.screen.query_one("#paper-warning").display)
        assert "Kertas tiket habis" in text_of(app, "#paper-warning")
        assert text_of(app, "#walkin") == (
            "Antrian Umum: kertas tiket habis, nomor belum dapat diberikan")
        assert "Prioritas: kertas tiket habis" in text_of(app, "#priority")
        assert led.state  # the mock paper-LED pin is lit
        assert "Lampu printer (simulasi): MENYALA" in text_of(app, "#sim-lamp")
        await pilot.press("k")  # the roll is back
        assert await until(pilot, lambda: "tombol HIJAU" in text_of(app, "#walkin"))
        assert not app.screen.query_one("#paper-warning").display
        assert not led.state
        assert app.service.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


async def test_paper_out_shows_printer_problem_and_lights_the_lamp(config, clock,
                                                                   make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test() as pilot:
        await pilot.press("k")  # simulated paper roll taken out
        await settle(pilot)
        await press_and_settle(pilot, "1")
        assert "Printer Tiket Bermasalah" in screen_text(app)
        assert "Kertas tiket habis" in screen_text(app)
        assert appliance.simulation.lamp_state() == "on"
        app.go_home()
        await pilot.pause()
        assert "Lampu printer (simulasi): MENYALA" in text_of(app, "#sim-lamp")
        assert appliance.db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0


async def test_failed_print_keeps_the_number_on_screen(config, clock, make_app,
                                                       tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.mkdir()  # a directory where the ticket file should be: every write fails
    printer = dataclasses.replace(config.printer, params={"output": str(blocked)})
    app, appliance = make_app(dataclasses.replace(config, printer=printer), clock)
    async with app.run_test() as pilot:
        await press_and_settle(pilot, "1")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.query_one(BigNumber).label == "A001"
        assert "Nomor Anda TETAP BERLAKU" in text_of(app, "#not-printed")
        assert "foto layar" in text_of(app, "#not-printed")
        assert appliance.db.execute("SELECT printed FROM tickets").fetchone()[0] == 0


async def test_language_toggle_switches_screens_and_tickets(config, clock, make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test() as pilot:
        await pilot.press("l")
        await settle(pilot)
        assert "Numbers left today: 60/60" in text_of(app, "#quota")
        assert "Wednesday, 25 November 2026" in text_of(app, "#clock")
        await press_and_settle(pilot, "1")
        assert "Please take your ticket" in screen_text(app)
        assert b"Waiting before you" in Path(config.printer.params["output"]).read_bytes()
        app.go_home()
        await pilot.pause()
        await pilot.click("#language")  # touch screens have no keyboard
        await pilot.pause()
        assert "Sisa kuota" in text_of(app, "#quota")


@pytest.mark.parametrize("key", ["ctrl+q", "ctrl+c", "ctrl+z", "ctrl+p", "escape"])
async def test_applicants_cannot_leave_the_kiosk(config, clock, make_app, key: str) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test() as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, HomeScreen)


async def test_staff_pin_is_needed_to_leave(config, clock, make_app) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test() as pilot:
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await pilot.press("1")  # buttons are ignored while staff type
        await pilot.press(*"999", "enter")
        await pilot.pause()
        assert app.is_running
        assert "PIN salah" in text_of(app, "#pin-message")
        assert app.screen.query_one("#pin", Input).value == ""
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.service.quota().issued == 0
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)  # the menu, where staff may close the app
        app.screen.query_one(TabbedContent).active = "tab-system"
        await pilot.pause()
        for _ in range(2):  # closing needs a second press
            app.screen.query_one("#exit", Button).press()
            await pilot.pause()
        assert not app.is_running
        assert app.return_value == "exit"


async def test_five_wrong_pins_lock_the_prompt(config, clock, make_app) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test() as pilot:
        await pilot.press("f12")
        for _ in range(5):
            await pilot.press(*"0000", "enter")
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert app.is_running
        assert "Terlalu banyak PIN salah" in text_of(app, "#pin-message")


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_every_screen_fits_small_and_large_terminals(config, clock, make_app,
                                                           size) -> None:
    app, _ = make_app(quick_buttons(with_cap(config, "A", 1)), clock)
    async with app.run_test(size=size) as pilot:
        seen = []
        for keys in ((), ("1",), ("1",), ("k", "2")):
            app.go_home()
            for key in keys:
                await press_and_settle(pilot, key)
            seen.append(type(app.screen).__name__)
            for widget in app.screen.query(Static):
                if not widget.display or not str(widget.render()).strip():
                    continue
                visible = widget.screen.find_widget(widget).region if widget.region.area else None
                assert visible is not None, f"{type(app.screen).__name__} #{widget.id} hidden"
                assert visible.height == widget.outer_size.height, (
                    f"{type(app.screen).__name__} #{widget.id} is cut off at {size}")
                assert visible.right <= size[0] and visible.bottom <= size[1]
        assert seen == ["HomeScreen", "TicketScreen", "NoticeScreen", "NoticeScreen"]


async def test_kiosk_run_draws_home_first_then_starts_every_device(config, clock, tmp_path,
                                                                  make_app) -> None:
    """`kiosk run` starts the LAN API, lobby outputs and camera once the home screen is
    drawn (docs/design.md, "Start-up"); a press meanwhile is not lost."""
    import socket
    import threading
    import urllib.request

    from kiosk import cli
    from kiosk.config import LanApiConfig

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cfg = dataclasses.replace(
        quick_buttons(config), lan_api=LanApiConfig("127.0.0.1", port),
        calling=dataclasses.replace(config.calling, speech=False),
        camera=dataclasses.replace(config.camera, source=str(tmp_path / "camera")))
    app, appliance = make_app(cfg, clock)
    seen: list[tuple[str, bool, bool]] = []
    started = threading.Event()

    def start_later() -> None:
        screen = app.screen
        seen.append((type(screen).__name__, screen.is_mounted,
                     threading.current_thread() is threading.main_thread()))
        cli._start_after_first_frame(cfg, appliance, app)
        started.set()

    app.start_later = start_later
    assert appliance.call_feed is None and app.scanner is None  # nothing started yet
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")  # at once: the start-up may still be running
        for _ in range(200):  # finished workers leave app.workers: poll for the outcome
            if started.is_set() and isinstance(app.screen, TicketScreen) and app.scanner:
                break
            await pilot.pause(0.05)
        assert seen == [("HomeScreen", True, False)]
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.query_one(BigNumber).label == "A001"
        assert b"A001" in Path(cfg.printer.params["output"]).read_bytes()
        assert appliance.call_feed is not None and appliance.display is not None
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/board", timeout=5) as reply:
            assert reply.status == 200
        assert app.scanner is not None and app.camera_ok
        assert [w for w in app.workers if w.group == "camera" and w.is_running]


async def test_the_home_screens_refresh_waits_while_it_is_redrawn(config, clock,
                                                                  make_app) -> None:
    """Found by the monkey (tests/test_monkey.py): the once-a-second refresh landed while
    the home screen was being composed again (language switch, opening time) and found
    no #clock. Caught here in the middle of the redraw."""
    import asyncio

    app, _ = make_app(config, clock)
    async with app.run_test() as pilot:
        home = app.screen
        redraw = asyncio.create_task(home.recompose())
        for _ in range(1000):
            if not home.query("#clock"):
                break
            await asyncio.sleep(0)
        assert not home.query("#clock") and not redraw.done()
        home.refresh_status()  # what the timer does; it must wait, not raise
        await redraw
        home.refresh_status()
        await pilot.pause()
        assert "09:00:00 WITA" in text_of(app, "#clock")
