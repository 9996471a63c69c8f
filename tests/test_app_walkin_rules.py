"""The anti-hoarding rules as applicants and staff meet them in the kiosk app."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from textual.widgets import Static, TabbedContent

from kiosk.config import Config, WalkinConfig
from screens.app import KioskApp
from screens.nik_entry import NikEntryScreen, PriorityReasonScreen
from screens.notice import NoticeScreen
from screens.ticket import TicketScreen
from tests.test_staff_screen import open_staff, settle

NIK = "5371010101900003"  # born 1 January 1990
LANSIA = "5371012511660001"  # 60 years old on 25 November 2026


def rules(cfg: Config, **walkin: object) -> Config:
    gpio = dataclasses.replace(cfg.gpio, cooldown_s=0, bounce_s=0)
    return dataclasses.replace(cfg, gpio=gpio, walkin=WalkinConfig(**walkin))


def shown(app: KioskApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


async def type_nik(pilot, nik: str) -> None:
    for digit in nik:
        await pilot.press(digit)
    await pilot.pause(0.2)
    await pilot.press("enter")
    await settle(pilot)


async def test_with_nik_entry_a_walkin_types_the_nik_and_gets_one_number(config, clock,
                                                                         make_app) -> None:
    app, appliance = make_app(rules(config, require_nik=True), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, NikEntryScreen)
        await type_nik(pilot, NIK)
        assert isinstance(app.screen, TicketScreen)
        app.go_home()
        await pilot.press("1")
        await settle(pilot)
        await type_nik(pilot, NIK)
        assert isinstance(app.screen, NoticeScreen)
        assert "A001" in shown(app)  # told the number they already have
    assert appliance.service.quota().issued == 1


async def test_priority_for_lansia_is_granted_from_the_nik_and_printed(config, clock,
                                                                       make_app) -> None:
    app, appliance = make_app(rules(config, require_nik=True), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await type_nik(pilot, LANSIA)
        if isinstance(app.screen, PriorityReasonScreen):  # confirm the offered reason
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
    printed = Path(config.printer.params["output"]).read_bytes()
    assert b"LANSIA" in printed.upper()
    assert LANSIA.encode() not in printed


async def test_staff_see_walkin_bursts(config, clock, make_app) -> None:
    app, _ = make_app(rules(config, per_minute=2), clock)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(5):
            await pilot.press("1")
            await settle(pilot)
            app.go_home()
        await open_staff(pilot)
        app.screen.query_one(TabbedContent).active = "tab-today"
        await settle(pilot)
        figures = str(app.screen.query_one("#figures", Static).render())
        assert "3 kali ditolak" in figures
