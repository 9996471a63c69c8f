"""The staff menu behind the PIN, driven through Textual's pilot like staff would use it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, Select, Static, TabbedContent

from kiosk.appliance import Appliance
from kiosk.privacy.pin import hash_pin
from screens.app import KioskApp
from screens.home import HomeScreen
from screens.notice import NoticeScreen
from screens.pin import PinScreen
from screens.staff import StaffScreen
from screens.ticket import TicketScreen
from tests.conftest import quick_buttons, until
from tests.conftest import settle as settle_app


@pytest.fixture
def make_app(make_app):
    """The shared app factory, with buttons that may be pressed again at once."""
    return lambda cfg, clock: make_app(quick_buttons(cfg), clock)




async def settle(pilot, groups=("staff", "staff-read", "issue")) -> None:
    await settle_app(pilot, 0.15, groups, rounds=3)


async def open_staff(pilot, pin: str = "1234", tab: str | None = None) -> StaffScreen:
    """F12, the PIN, and (``tab``) one of the menu's tabs shown."""
    await pilot.press("f12")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PinScreen)
    await pilot.press(*pin, "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StaffScreen)
    if tab is not None:
        screen.query_one(TabbedContent).active = tab
        await pilot.pause()
    return screen


def message(app: KioskApp) -> str:
    return str(app.screen.query_one("#staff-message", Static).render())


async def click(pilot, selector: str) -> None:
    pilot.app.screen.query_one(selector, Button).press()
    await settle(pilot)


async def issue(pilot, key: str = "1") -> None:
    await pilot.press(key)
    await settle(pilot)
    pilot.app.go_home()
    await pilot.pause()


def events_of(appliance: Appliance, kind: str) -> list[dict]:
    return [json.loads(p) for (p,) in appliance.service.db.execute(
        "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (kind,))]


async def test_pin_opens_the_staff_menu_and_escape_returns_to_the_lobby(config, clock,
                                                                        make_app) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_staff(pilot)
        assert "Menu Petugas" in str(screen.query_one("#staff-title", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("1")  # the lobby works again
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)


async def test_next_recall_no_show_and_served_from_the_staff_menu(config, clock,
                                                                 make_app) -> None:
    app, appliance = make_app(config, clock)
    called: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(2):
            await issue(pilot)
        app.desk.after_call = lambda: called.append("poke")
        await open_staff(pilot)
        await click(pilot, "#act-next")
        assert "Memanggil A001 ke Loket 1" in message(app)
        assert "A001" in str(app.screen.query_one("#current", Static).render())
        assert called == ["poke"]
        await click(pilot, "#act-no_show")
        assert "Panggil ulang A001 dulu" in message(app)
        for _ in range(config.calling.max_recalls):
            await click(pilot, "#act-recall")
        assert "Memanggil ulang A001" in message(app)
        await click(pilot, "#act-no_show")
        assert "A001 ditandai tidak hadir" in message(app)
        await click(pilot, "#act-next")
        await click(pilot, "#act-served")
        assert "A002 selesai dilayani" in message(app)
        await click(pilot, "#act-next")
        assert "Tidak ada yang menunggu" in message(app)
        table = app.screen.query_one("#queue", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["A001", "A002"]
        assert {r[0]: r[1] for r in rows} == {"A001": "tidak hadir", "A002": "selesai"}
    statuses = dict(appliance.service.db.execute("SELECT label, status FROM tickets").fetchall())
    assert statuses == {"A001": "no_show", "A002": "served"}


def current_line(app: KioskApp) -> str:
    return str(app.screen.query_one("#current", Static).render())


async def test_the_counter_line_tells_the_last_call_its_state_and_who_waits(config, clock,
                                                                         make_app) -> None:
    """Issue 13: "Loket 1: nobody called yet" after Served, although 3 had been called."""
    app, appliance = make_app(config, clock)
    most = config.calling.max_recalls
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await issue(pilot)
        await open_staff(pilot)
        assert "Loket 1: belum memanggil siapa pun hari ini" in current_line(app)
        assert "3 menunggu untuk loket ini" in current_line(app)
        for label in ("A001", "A002", "A003"):
            await click(pilot, "#act-next")
            assert f"Memanggil {label} ke Loket 1" in message(app)
        assert "Dilayani di Loket 1: A003" in current_line(app)
        assert "tidak ada yang menunggu" in current_line(app)
        # A refused no-show says how many recalls are still needed.
        await click(pilot, "#act-no_show")
        assert f"Panggil ulang A003 dulu sebelum menandai tidak hadir: masih {most} kali lagi" \
            in message(app)
        await click(pilot, "#act-recall")
        await click(pilot, "#act-no_show")
        assert f"masih {most - 1} kali lagi" in message(app)
        await click(pilot, "#act-served")
        assert "A003 selesai dilayani" in message(app)
        line = current_line(app)
        assert "Loket 1: terakhir memanggil A003 (selesai)" in line, line
        assert "belum memanggil" not in line
        await click(pilot, "#act-next")  # nobody left: said in the message and the line
        assert "Tidak ada yang menunggu untuk Loket 1" in message(app)
        assert "tidak ada yang menunggu" in current_line(app)
        app.action_toggle_language()
        await settle(pilot)
        line = current_line(app)
        assert "Loket 1: last called A003 (served)" in line and "nobody waiting" in line, line


async def test_a_no_show_then_back_shows_its_state_on_the_counter_line(config, clock,
                                                                     make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await issue(pilot)
        await open_staff(pilot)
        await click(pilot, "#act-next")
        for _ in range(config.calling.max_recalls):
            await click(pilot, "#act-recall")
        await click(pilot, "#act-no_show")
        assert "Loket 1: terakhir memanggil A001 (tidak hadir)" in current_line(app)
        app.screen.query_one("#label", Input).value = "A001"
        await click(pilot, "#act-bring_back")
        line = current_line(app)
        assert "terakhir memanggil A001 (menunggu)" in line and "1 menunggu" in line, line


async def test_call_a_number_out_of_order_and_bring_a_no_show_back(config, clock,
                                                                  make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await issue(pilot)
        await open_staff(pilot)
        app.screen.query_one("#label", Input).value = "a003"
        await click(pilot, "#act-call")
        assert "Memanggil A003 ke Loket 1 (di luar urutan)" in message(app)
        app.screen.query_one("#label", Input).value = "A009"
        await click(pilot, "#act-call")
        assert "Tiket A009 tidak ada hari ini" in message(app)
        app.screen.query_one("#label", Input).value = "A001"
        await click(pilot, "#act-bring_back")
        assert "tidak ditandai tidak hadir" in message(app)
    called = events_of(appliance, "called")
    assert [(e["label"], e["out_of_order"]) for e in called] == [("A003", True)]


async def test_a_second_counter_is_chosen_from_the_list(config, clock, make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await issue(pilot)
        await open_staff(pilot)
        numbers = [c.number for c in config.counters]
        app.screen.query_one("#counter", Select).value = numbers[1]
        await settle(pilot)
        await click(pilot, "#act-next")
    assert appliance.service.db.execute(
        "SELECT counter FROM tickets WHERE label = 'A001'").fetchone()[0] == numbers[1]


async def test_pause_refuses_walkins_until_resumed_and_is_logged_with_who(config, clock,
                                                                         make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_staff(pilot, tab="tab-today")
        await click(pilot, "#pause")
        assert "DIHENTIKAN" in str(app.screen.query_one("#issuing-state", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        assert "Dihentikan Sementara" in "\n".join(
            str(w.render()) for w in app.screen.query(Static))
        assert appliance.service.quota().issued == 0
        app.go_home()
        await open_staff(pilot, tab="tab-today")
        await click(pilot, "#resume")
        await pilot.press("escape")
        await pilot.pause()
        await issue(pilot)
    assert appliance.service.quota().issued == 1
    assert [e["by"] for e in events_of(appliance, "issuing_paused")] == ["petugas"]
    assert [e["by"] for e in events_of(appliance, "issuing_resumed")] == ["petugas"]


async def test_changing_todays_cap_applies_at_once_and_records_old_and_new(config, clock,
                                                                          make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await issue(pilot)
        await open_staff(pilot, tab="tab-today")
        app.screen.query_one("#cap-value", Input).value = "1"
        await click(pilot, "#cap-set")
        assert "Kuota A hari ini: 60 \u2192 1" in message(app)
        assert "1/1 diambil" in str(app.screen.query_one("#figures", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert "0/1" in str(app.screen.query_one("#quota", Static).render())
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)  # quota used up
    assert events_of(appliance, "cap_changed") == [
        {"by": "petugas", "lane": "A", "new": 1, "old": 60}]
    clock.advance(days=1)  # tomorrow starts from the config again
    assert appliance.service.quota().cap == config.lanes["A"].cap


async def test_reprint_from_the_staff_menu(config, clock, make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await issue(pilot)
        size = Path(config.printer.params["output"]).stat().st_size
        await open_staff(pilot, tab="tab-today")
        app.screen.query_one("#reprint-label", Input).value = "A001"
        await click(pilot, "#reprint")
        assert "Tiket A001 dicetak ulang" in message(app)
        assert Path(config.printer.params["output"]).stat().st_size > size
        app.screen.query_one("#reprint-label", Input).value = "A077"
        await click(pilot, "#reprint")
        assert "Tidak ada tiket A077" in message(app)
    assert [e["action"] for e in events_of(appliance, "staff_action")] == ["reprint"]


async def test_restart_needs_a_second_press_and_ends_the_app_with_restart(config, clock,
                                                                         make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff(pilot)
        app.screen.query_one(TabbedContent).active = "tab-system"
        await pilot.pause()
        await click(pilot, "#restart")
        assert app.is_running
        assert "Tekan sekali lagi" in message(app)
        await click(pilot, "#restart")
    assert app.return_value == "restart"
    assert [(e["action"], e["by"]) for e in events_of(appliance, "staff_action")] == [
        ("restart", "petugas")]


async def test_language_switch_keeps_staff_in_the_menu(config, clock, make_app) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff(pilot)
        app.screen.query_one(TabbedContent).active = "tab-system"
        await pilot.pause()
        await click(pilot, "#language")
        assert isinstance(app.screen, StaffScreen)
        assert "Staff Menu" in str(app.screen.query_one("#staff-title", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert "Take a Queue Number" in "\n".join(
            str(w.render()) for w in app.screen.query(Static))


async def test_typing_in_the_menu_does_not_trigger_lobby_keys(config, clock, make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff(pilot)
        app.screen.query_one("#label", Input).focus()
        await pilot.press(*"b12l", "k")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        assert app.language == "id"
        assert app.screen.query_one("#label", Input).value == "b12lk"
    assert appliance.service.quota().issued == 0


async def test_the_menu_closes_itself_when_left_idle(config, clock, make_app) -> None:
    cfg = dataclasses.replace(config, staff_idle_seconds=15)
    app, _ = make_app(cfg, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff(pilot)
        app.last_input -= 16  # as if nobody touched it for 16 s
        for _ in range(200):  # the menu checks once a second
            if isinstance(app.screen, HomeScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, HomeScreen)


async def test_a_members_own_pin_logs_actions_under_their_id(config, clock, make_app) -> None:
    cfg = dataclasses.replace(config, staff_members={"ani": hash_pin("2468")})
    app, appliance = make_app(cfg, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_staff(pilot, "2468")
        assert "ani" in str(screen.query_one("#staff-title", Static).render())
        app.screen.query_one(TabbedContent).active = "tab-today"
        await pilot.pause()
        await click(pilot, "#pause")
    assert [e["by"] for e in events_of(appliance, "issuing_paused")] == ["ani"]


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_every_staff_tab_fits(config, clock, make_app, size) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test(size=size) as pilot:
        await issue(pilot)
        await open_staff(pilot)
        for tab, buttons in (("tab-counters", ("#act-next", "#act-no_show", "#act-bring_back")),
                             ("tab-today", ("#pause", "#cap-set", "#reprint")),
                             ("tab-system", ("#restart", "#shutdown", "#exit"))):
            app.screen.query_one(TabbedContent).active = tab
            await pilot.pause()
            for selector in buttons:
                button = app.screen.query_one(selector, Button)
                region = button.region
                assert region.area, f"{tab} {selector} hidden at {size}"
                assert region.right <= size[0] and region.bottom <= size[1], (tab, selector)


async def test_today_tab_charts_numbers_taken_and_called_per_hour(config, clock,
                                                                 make_app) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await issue(pilot)
        clock.advance(hours=1)
        await issue(pilot)
        await open_staff(pilot)
        await click(pilot, "#act-next")
        app.screen.query_one(TabbedContent).active = "tab-today"
        await pilot.pause()
        chart = str(app.screen.query_one("#hourly", Static).render()).splitlines()
        assert "Per jam" in chart[0]
        nine, ten = chart[1], chart[2]  # WITA: three taken at 09, one taken and one called at 10
        assert nine.startswith("09:00") and nine.split()[2] == "3" and nine.endswith(" 0")
        assert ten.startswith("10:00") and ten.split()[2] == "1" and ten.endswith(" 1")
        assert abs(nine.count("\u2588") - 3 * ten.count("\u2588")) <= 2  # bars scale to width
        assert ten.count("\u2592") == ten.count("\u2588")


async def test_staff_confirm_the_clock_from_the_system_tab(config, clock, make_app) -> None:
    from screens.clock_confirm import ClockConfirmScreen

    app, appliance = make_app(config, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff(pilot)
        app.screen.query_one(TabbedContent).active = "tab-system"
        await pilot.pause()
        await click(pilot, "#clock")
        assert isinstance(app.screen, ClockConfirmScreen)
        await pilot.press("1")  # a lobby press while staff look at the clock waits
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        assert "Jam dikonfirmasi" in message(app)
    assert appliance.service.quota().issued == 0
    confirmed = events_of(appliance, "clock_confirmed")
    assert len(confirmed) == 1 and confirmed[0]["by"] == "petugas"


async def test_an_empty_cap_or_ticket_number_is_explained_and_changes_nothing(config, clock,
                                                                             make_app) -> None:
    app, appliance = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_staff(pilot, tab="tab-today")
        await click(pilot, "#cap-set")
        assert "Kuota harus angka 0-9999" in message(app)
        await click(pilot, "#reprint")
        assert "Nomor tiket" in message(app)
    assert events_of(appliance, "cap_changed") == []
    assert events_of(appliance, "staff_action") == []
    assert appliance.service.quota().cap == config.lanes["A"].cap


async def test_a_refresh_landing_after_the_menu_left_is_dropped(config, clock,
                                                               make_app) -> None:
    """Issue 11: the menu closed itself while a refresh was reading the store; the result
    landed while the screen's widgets were being removed (still attached, no #hourly)
    and NoMatches ended the app. Held here until exactly that moment."""
    import asyncio
    import threading

    from textual.widget import Widget

    app, _ = make_app(config, clock)
    release, reading = threading.Event(), threading.Event()

    class LastToLeave(Widget):
        """Leaves the staff screen last: releases the held refresh once the others
        are gone, and stays until the refresh has delivered its result."""

        async def on_unmount(self) -> None:
            staff = self.screen
            for _ in range(200):
                if not staff.query("#hourly"):
                    break
                await asyncio.sleep(0.01)
            assert staff.is_attached and not staff.query("#hourly")
            release.set()
            for _ in range(500):
                if not [w for w in app.workers if w.group == "staff-read"]:
                    break
                await asyncio.sleep(0.01)

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_staff(pilot)
        hourly = screen.desk.hourly

        def held_hourly():
            reading.set()
            assert release.wait(10)
            return hourly()

        screen.desk.hourly = held_hourly
        await screen.mount(LastToLeave())
        screen.refresh_all()
        assert await until(pilot, reading.is_set)
        await pilot.press("escape")
        assert await until(pilot, lambda: not screen.is_attached)
        assert release.is_set()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("2")  # the lobby still works
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
    assert app.return_code in (0, None)


async def test_the_queue_keeps_its_columns_after_a_language_switch(config, clock,
                                                                   make_app) -> None:
    """Found by the monkey (tests/test_monkey.py): the switch redraws the menu, and the
    new queue table had no columns, so each refresh with a number waiting raised."""
    app, _ = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await issue(pilot)
        await open_staff(pilot, tab="tab-system")
        await click(pilot, "#language")
        screen = app.screen
        screen.refresh_all()
        await settle(pilot)
        table = screen.query_one("#queue", DataTable)
        assert [str(c.label) for c in table.columns.values()][0] == "Number"
        assert table.row_count == 1 and table.get_row_at(0)[0] == "A001"
