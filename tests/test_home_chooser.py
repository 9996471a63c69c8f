"""The home screen for many services (issue 13): with config/example-multiservice.toml
(A, C, P, D, E) the applicant chooses on one screen, by number key or by touch, and sees
before pressing which services give no number now and why."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kiosk.config import Config, load_config
from kiosk.queue.issuing import Issued
from screens.chooser import ServiceChooser, ServiceTarget, chooser_services
from screens.home import HomeScreen
from screens.notice import NoticeScreen
from screens.ticket import TicketScreen
from tests.conftest import (
    ROOT,
    SIM_CONFIG,
    MovableClock,
    office_time,
    quick_buttons,
    settle,
    until,
    with_cap,
)
from tests.test_accessibility import (
    contrast_problems,
    cut_off_widgets,
    frame_problems,
    high_contrast_problems,
    screen_cells,
)

EXAMPLE = ROOT / "config" / "example-multiservice.toml"
WEDNESDAY_9 = "2026-11-25 09:00"  # Batam, WIB: every service of the example is served
SIZES = [(80, 24), (160, 50)]


def multiservice(tmp_path: Path) -> Config:
    cfg = load_config(EXAMPLE)
    printer = dataclasses.replace(cfg.printer, params={"output": str(tmp_path / "t.bin")})
    return quick_buttons(dataclasses.replace(cfg, database=tmp_path / "kiosk.db",
                                             printer=printer))


def wednesday() -> MovableClock:
    return MovableClock(office_time(WEDNESDAY_9, "Asia/Jakarta"))


def targets(app) -> dict[str, str]:
    return {t.code: str(t.render()) for t in app.screen.query(ServiceTarget)}


def test_only_more_than_two_services_get_the_chooser(tmp_path: Path) -> None:
    assert chooser_services(load_config(SIM_CONFIG)) == ()
    assert chooser_services(multiservice(tmp_path)) == ("A", "C", "P", "D", "E")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x50"])
async def test_every_service_is_a_target_and_key_2_issues_the_second(
        tmp_path: Path, make_app, size) -> None:
    app, _ = make_app(multiservice(tmp_path), wednesday())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        shown = targets(app)
        assert list(shown) == ["A", "C", "P", "D", "E"]
        assert "[2]" in shown["C"] and "Percepatan" in shown["C"]
        assert "sisa 35/35" in shown["C"] and "sisa 200/200" in shown["A"]
        assert "Pengambilan Paspor" in shown["D"] and "Sentuh atau tekan 4" in shown["D"]
        assert not app.screen.query("#walkin") and not app.screen.query("#priority")
        big = size[0] >= 120
        assert ("\u2588" in shown["C"]) is big  # block letters only on a wide screen
        title = str(app.screen.query_one("#title").render())
        assert ("\u2588" in title) is big and (big or title == "Ambil Nomor Antrian")
        cells = screen_cells(app)
        assert not contrast_problems(cells, 4.5, "16", no_dim=False)[1]
        assert not cut_off_widgets(app)
        await pilot.press("2")
        await settle(pilot, 0.3)
        assert await until(pilot, lambda: isinstance(app.screen, TicketScreen))
        assert app.screen.issued.ticket.label == "C001"


async def test_touching_a_target_issues_its_service(tmp_path: Path, make_app) -> None:
    app, _ = make_app(multiservice(tmp_path), wednesday())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#service-E")
        await settle(pilot, 0.3)
        assert await until(pilot, lambda: isinstance(app.screen, TicketScreen))
        assert app.screen.issued.ticket.label == "E001"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x50"])
async def test_a_used_up_quota_shows_before_the_press_and_the_press_says_so(
        tmp_path: Path, make_app, size) -> None:
    app, appliance = make_app(with_cap(multiservice(tmp_path), "C", 1), wednesday())
    assert isinstance(appliance.service.issue("C"), Issued)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown = targets(app)
        assert "Kuota hari ini habis (1 nomor)" in shown["C"]
        assert app.screen.query_one("#service-C").has_class("service-off")
        assert "sisa 200/200" in shown["A"]
        assert not cut_off_widgets(app)
        await pilot.press("l")  # English too
        await settle(pilot)
        assert "Today's quota is used up (1 numbers)" in targets(app)["C"]
        await pilot.press("2")
        await settle(pilot, 0.3)
        assert await until(pilot, lambda: isinstance(app.screen, NoticeScreen))
        assert app.screen.refused.reason == "cap"


async def test_a_service_not_served_now_says_when_it_is(tmp_path: Path, make_app) -> None:
    # Friday 11:30: percepatan closed at 11:00 (the example's fri hours), the rest open.
    clock = MovableClock(office_time("2026-11-27 11:30", "Asia/Jakarta"))
    app, _ = make_app(multiservice(tmp_path), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen.query_one(ServiceChooser), ServiceChooser)
        shown = targets(app)
        assert "Tutup sekarang; dilayani lagi: Senin" in shown["C"], shown["C"]
        assert "Sentuh atau tekan 1" in shown["A"]
        await pilot.press("2")
        await settle(pilot, 0.3)
        assert await until(pilot, lambda: isinstance(app.screen, NoticeScreen))
        assert app.screen.refused.reason == "closed"


@pytest.mark.parametrize("theme", ["standard", "high_contrast"])
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x50"])
async def test_the_chooser_is_readable_in_both_themes(tmp_path: Path, make_app, size,
                                                      theme) -> None:
    cfg = dataclasses.replace(with_cap(multiservice(tmp_path), "C", 1), screen_theme=theme)
    app, appliance = make_app(cfg, wednesday())
    assert isinstance(appliance.service.issue("C"), Issued)  # one target "off", one open
    minimum = {"standard": 4.5, "high_contrast": 7.0}[theme]
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#service-C").has_class("service-off")
        cells = screen_cells(app)
        problems = []
        for colours in ("full", "16"):
            problems += contrast_problems(cells, minimum, colours,
                                          no_dim=theme == "high_contrast")[1]
            problems += frame_problems(cells, colours)
        if theme == "high_contrast":
            problems += high_contrast_problems(cells)
        assert not problems, "\n".join(problems)
        assert not cut_off_widgets(app)
