"""The opt-in for messages on the kiosk screen (issue 15), through Textual's pilot at
80x24 and 160x50: the offer after a ticket, consent, the phone keypad (masked, checked),
the confirmation; skipping, leaving it alone, and the next applicant never held up."""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Button, Static

from kiosk.config import Config
from kiosk.config.model import NotifyConfig
from kiosk.notify.gateways import make_gateway
from kiosk.notify.worker import NotifyWorker
from screens.home import HomeScreen
from screens.notify_offer import NotifyConsentScreen, NotifyDoneScreen, PhoneEntryScreen
from screens.ticket import TicketScreen
from tests.conftest import MovableClock, quick_buttons, settle, until

SIZES = [(80, 24), (160, 50)]


def notifying(config: Config, **settings) -> Config:
    values = {"enabled": True, "url": "http://127.0.0.1:9/hook", "offer_seconds": 30.0}
    return quick_buttons(dataclasses.replace(config, notify=NotifyConfig(**values | settings)))


@pytest.fixture
def notify_app(make_app, clock: MovableClock):
    workers = []

    def factory(config: Config):
        app, appliance = make_app(config, clock)
        if config.notify.enabled:  # as `kiosk run` does once the lobby is up (not started:
            # nothing is sent here, the opt-in is what is tested)
            worker = NotifyWorker(config, config.database, make_gateway(config.notify),
                                  clock=clock)
            workers.append(worker)
            app.notifier = worker
        return app, appliance

    yield factory
    for worker in workers:
        worker.close()


def shown(app) -> str:
    parts = [str(w.render()) for w in app.screen.query(Static) if w.display]
    return "\n".join(parts + [str(b.label) for b in app.screen.query(Button)])


def fits(app, widget_id: str, size: tuple[int, int]) -> bool:
    widget = app.screen.query_one(f"#{widget_id}")
    region = widget.region
    return (region.area > 0 and region.right <= size[0] and region.bottom <= size[1]
            and app.screen.find_widget(widget).region.height == widget.outer_size.height)


async def type_keys(pilot, keys: str) -> None:
    for key in keys:
        await pilot.press("plus" if key == "+" else key)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_a_ticket_offers_messages_and_the_number_is_kept_masked(
        config: Config, notify_app, db, size) -> None:
    app, _ = notify_app(notifying(config))
    async with app.run_test(size=size) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert fits(app, "notify-offer", size)
        assert "pesan saat giliran Anda dekat" in shown(app)
        await pilot.press("0")
        await settle(pilot)
        assert isinstance(app.screen, NotifyConsentScreen)
        text = shown(app)
        assert "3 orang lagi sebelum Anda" in text and "UU 27/2022" in text
        assert "dihapus pada akhir hari layanan ini" in text and "tanpa nama" in text
        assert fits(app, "phone-agree", size) and fits(app, "phone-skip", size)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PhoneEntryScreen)
        assert fits(app, "phone-ok", size)
        await type_keys(pilot, "0813777")
        assert str(app.screen.query_one("#phone-digits", Static).render()) == "0813***"
        await pilot.click("#phone-1")
        await pilot.click("#phone-2")
        await pilot.click("#phone-4")
        await type_keys(pilot, "68")
        assert str(app.screen.query_one("#phone-digits", Static).render()) == "0813****2468"
        assert "81377712468" not in shown(app)
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, NotifyDoneScreen))
        assert "Ke +62813****2468 untuk nomor A001." in shown(app)
        assert "81377712468" not in shown(app)
        # Only one ticket was issued: the keypad's "1" and "2" were digits, not buttons.
        assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1
        row = db.execute("SELECT label, phone_masked, phone_sealed IS NOT NULL"
                         " FROM notify_optins").fetchone()
        assert row == ("A001", "+62813****2468", 1)


async def test_a_wrong_number_is_explained_in_english_and_fixed(config: Config, notify_app,
                                                                db) -> None:
    app, _ = notify_app(notifying(config))
    app.language = "en"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await pilot.click("#notify-offer")
        await pilot.pause()
        assert "Law 27/2022" in shown(app)
        await pilot.click("#phone-agree")
        await pilot.pause()
        await type_keys(pilot, "0215551234")  # a Jakarta landline
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen.query_one("#phone-error", Static)
        assert error.display and "Not an Indonesian mobile number" in str(error.render())
        for _ in range(10):
            await pilot.press("backspace")
        await type_keys(pilot, "+6281377712468")
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, NotifyDoneScreen))
        assert "To +62813****2468 for number A001." in shown(app)


async def test_skipping_goes_home_and_nothing_is_kept(config: Config, notify_app, db) -> None:
    app, _ = notify_app(notifying(config))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("escape")
        assert await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.click("#phone-cancel")
        assert await until(pilot, lambda: isinstance(app.screen, HomeScreen))
    assert db.execute("SELECT count(*) FROM notify_optins").fetchone()[0] == 0


async def test_the_offer_never_holds_up_the_next_applicant(config: Config, notify_app,
                                                           db) -> None:
    app, appliance = notify_app(notifying(config, offer_seconds=5.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        assert isinstance(app.screen, NotifyConsentScreen)
        ticket_screen = app.screen_stack[-2]
        assert ticket_screen.paused  # its countdown does not pull the offer away
        # The next person presses the walk-in button while the consent screen is up.
        appliance.simulation.panel.buttons["A"].pin.drive_low()
        appliance.simulation.panel.buttons["A"].pin.drive_high()
        assert await until(pilot, lambda: isinstance(app.screen, TicketScreen)
                           and app.screen.issued.ticket.label == "A002")
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PhoneEntryScreen)
        await type_keys(pilot, "0813")
        app.screen._last_input -= 5  # as if the last key was 5 s ago: the keypad gives up
        assert await until(pilot, lambda: isinstance(app.screen, HomeScreen))
    assert db.execute("SELECT count(*) FROM notify_optins").fetchone()[0] == 0


async def test_no_offer_unless_the_office_turned_it_on(config: Config, notify_app) -> None:
    app, _ = notify_app(quick_buttons(config))  # [notify] off: the default
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert not app.screen.query("#notify-offer")
        await pilot.press("0")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)


async def test_staff_see_opt_ins_and_the_outbox_without_numbers(config: Config, notify_app,
                                                                db) -> None:
    from tests.test_staff_screen import open_staff

    app, _ = notify_app(notifying(config))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await type_keys(pilot, "081377712468")
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, NotifyDoneScreen))
        app.notifier.run_once()  # "0 before you" is due; the gateway (port 9) is not there
        await open_staff(pilot, tab="tab-today")
        figures = str(app.screen.query_one("#figures", Static).render())
        assert ("Pesan HP: 1 mendaftar hari ini; antrean kirim 1 menunggu, 0 terkirim, "
                "0 gagal, 0 kedaluwarsa") in figures
        assert "2468" not in figures


async def test_a_checked_in_family_gets_the_offer_for_all_its_numbers(
        config: Config, clock: MovableClock, db, tmp_path) -> None:
    from datetime import date

    from kiosk.appliance import build
    from kiosk.checkin.booking_samples import make_sample_bookings
    from screens.app import KioskApp
    from screens.checkin import CheckedInScreen
    from tests.test_app_checkin import DEMO_KEY, scanner_types

    cfg = notifying(config)
    samples = make_sample_bookings(tmp_path / "qr", "KUP", date(2026, 11, 25), 3, DEMO_KEY,
                                   key_id="demo", seed=7)
    appliance = build(cfg, clock=clock)
    worker = NotifyWorker(cfg, cfg.database, make_gateway(cfg.notify), clock=clock)
    try:
        app = KioskApp(cfg, appliance.service, appliance.simulation, appliance.checkin)
        app.notifier = worker
        _code, payload, _ = samples.samples[0]
        async with app.run_test(size=(100, 30)) as pilot:
            scanner_types(app, payload)
            await settle(pilot)
            assert isinstance(app.screen, CheckedInScreen)
            labels = app.screen.result.labels
            assert labels and app.screen.query("#notify-offer")
            await pilot.click("#notify-offer")
            await pilot.pause()
            await pilot.click("#phone-agree")
            await pilot.pause()
            await type_keys(pilot, "081377712468")
            await pilot.press("enter")
            assert await until(pilot, lambda: isinstance(app.screen, NotifyDoneScreen))
            assert f"untuk nomor {', '.join(labels)}." in shown(app)
    finally:
        worker.close()
        appliance.close()
    opted = [r[0] for r in db.execute("SELECT label FROM notify_optins ORDER BY label")]
    assert opted == sorted(labels)


@pytest.mark.parametrize("theme", ["standard", "high_contrast"])
@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=["80x24", "200x60"])
async def test_the_offer_screens_are_readable_and_fit(config: Config, notify_app, size,
                                                      theme) -> None:
    """The checks of tests/test_accessibility.py on every screen of the offer."""
    from tests.test_accessibility import (
        MINIMUM,
        contrast_problems,
        cut_off_widgets,
        frame_problems,
        high_contrast_problems,
        read_big_number,
        screen_cells,
    )

    app, _ = notify_app(dataclasses.replace(notifying(config), screen_theme=theme))
    failures: list[str] = []

    def check(name: str) -> None:
        cells = screen_cells(app)
        for colours in ("full", "16"):
            _ratio, problems = contrast_problems(cells, MINIMUM[theme], colours,
                                                 no_dim=theme == "high_contrast")
            failures.extend(f"{name}, {colours}: {p}" for p in problems)
            failures.extend(f"{name}, {colours}: {p}" for p in frame_problems(cells, colours))
        failures.extend(f"{name}: {p}" for p in cut_off_widgets(app))
        if theme == "high_contrast":
            failures.extend(f"{name}: {p}" for p in high_contrast_problems(cells))
        if isinstance(app.screen, TicketScreen):
            assert read_big_number(app, cells)[0] == "A001"

    async with app.run_test(size=size) as pilot:
        await pilot.press("1")
        await settle(pilot)
        check("ticket with the offer")
        await pilot.press("0")
        await settle(pilot)
        check("consent")
        await pilot.press("enter")
        await pilot.pause()
        await type_keys(pilot, "0215551234")
        await pilot.press("enter")
        await pilot.pause()
        check("keypad with an error")
        for _ in range(10):
            await pilot.press("backspace")
        await type_keys(pilot, "081377712468")
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, NotifyDoneScreen))
        await pilot.pause()
        check("done")
    assert not failures, "\n".join(failures)


async def test_kiosk_run_starts_the_worker_after_the_first_frame(
        config: Config, make_app, clock: MovableClock, tmp_path) -> None:
    """`kiosk run`'s start-up thread starts the worker once [notify] is on, after the lobby
    outputs (calls wake it); the next ticket then offers the messages."""
    import socket
    import threading

    from kiosk import cli
    from kiosk.config import LanApiConfig
    from tests.notify_receiver import Receiver

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    receiver = Receiver().start()
    cfg = dataclasses.replace(
        notifying(config, url=f"{receiver.url}/hook"), lan_api=LanApiConfig("127.0.0.1", port),
        calling=dataclasses.replace(config.calling, speech=False))
    app, appliance = make_app(cfg, clock)
    started = threading.Event()

    def start_later() -> None:
        cli._start_after_first_frame(cfg, appliance, app)
        started.set()

    app.start_later = start_later
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            assert await until(pilot, started.is_set)
            assert app.notifier is appliance.notifier is not None
            await pilot.press("1")
            await settle(pilot)
            assert app.screen.query("#notify-offer")
            await pilot.press("0")
            await settle(pilot)
            await pilot.press("enter")
            await pilot.pause()
            await type_keys(pilot, "081377712468")
            await pilot.press("enter")
            # "0 before you" leaves at once: the opt-in wakes the running worker.
            assert await until(pilot, lambda: len(receiver.delivered) == 1)
            assert receiver.delivered[0].json()["ticket"] == "A001"
    finally:
        receiver.stop()
