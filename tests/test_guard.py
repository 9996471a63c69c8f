"""A bug in a timer, worker, refresh or handler is logged; the kiosk app carries on."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Static, TabbedContent

from screens.home import HomeScreen
from screens.staff import StaffScreen
from screens.ticket import TicketScreen
from tests.conftest import quick_buttons, settle, until

pytestmark = pytest.mark.kiosk_errors


class Boom(Exception):
    pass


def boom() -> None:
    raise Boom("a bug")


async def still_issues(pilot) -> None:
    """The lobby still works: priority is open every day."""
    app = pilot.app
    app.go_home()
    await pilot.press("2")
    await settle(pilot)
    assert isinstance(app.screen, TicketScreen)
    assert app.is_running and app.return_code is None


def logged(records) -> list[str]:
    return [r.getMessage() for r in records]


async def test_an_error_in_a_timer_is_logged_with_its_traceback(config, clock, make_app,
                                                                kiosk_errors) -> None:
    app, _ = make_app(quick_buttons(config), clock)
    async with app.run_test() as pilot:
        app.set_timer(0.01, boom)
        assert await until(pilot, lambda: app.background_errors == 1)
        assert isinstance(app.screen, HomeScreen)
        await still_issues(pilot)
    assert app.return_code in (0, None)
    (record,) = kiosk_errors
    assert "Boom: a bug" in record.getMessage()
    assert record.exc_info and record.exc_info[0] is Boom


async def test_an_error_in_a_worker_and_in_its_result_is_logged(config, clock, make_app,
                                                               kiosk_errors) -> None:
    app, _ = make_app(quick_buttons(config), clock)
    async with app.run_test() as pilot:
        app.run_worker(boom, thread=True)  # exit_on_error, as @work's default
        assert await until(pilot, lambda: app.background_errors == 1)

        def result_lands_badly() -> None:
            app.call_from_thread(boom)

        app.run_worker(result_lands_badly, thread=True)
        assert await until(pilot, lambda: app.background_errors == 2)
        await still_issues(pilot)
    assert [m.split("error ")[1] for m in logged(kiosk_errors)] == ["in a worker: Boom: a bug"] * 2


async def test_an_error_in_the_apps_own_key_handling(config, clock, make_app,
                                                     kiosk_errors) -> None:
    app, appliance = make_app(quick_buttons(config), clock)
    async with app.run_test() as pilot:
        appliance.simulation.toggle_paper = boom
        await pilot.press("k")
        await settle(pilot)
        assert app.background_errors == 1
        await still_issues(pilot)
    assert "in KioskApp: Boom" in logged(kiosk_errors)[0]


async def test_an_error_in_a_screens_handler_is_logged_and_the_screen_carries_on(
        config, clock, make_app, monkeypatch, kiosk_errors) -> None:
    app, _ = make_app(quick_buttons(config), clock)
    monkeypatch.setattr(StaffScreen, "_set_cap", lambda self: boom())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f12", *"1234", "enter")
        assert await until(pilot, lambda: isinstance(app.screen, StaffScreen))
        staff = app.screen
        staff.query_one(TabbedContent).active = "tab-today"
        await pilot.pause()
        staff.query_one("#cap-set", Button).press()
        assert await until(pilot, lambda: app.background_errors == 1)
        staff.query_one("#reprint", Button).press()  # the menu still answers
        assert await until(pilot, lambda: "Nomor tiket" in str(
            staff.query_one("#staff-message", Static).render()))
        await pilot.press("escape")
        await still_issues(pilot)
    assert "in StaffScreen: Boom" in logged(kiosk_errors)[0]


async def test_a_widget_stopped_by_an_error_takes_its_screen_with_it(
        config, clock, make_app, monkeypatch, kiosk_errors) -> None:
    """Textual stops a widget whose handler raised: its screen is then broken, and a
    broken home screen is replaced by a new one."""
    import asyncio

    from textual import events

    from screens.home import LanguageToggle

    app, _ = make_app(quick_buttons(config), clock)
    monkeypatch.setattr(LanguageToggle, "on_click", lambda self: boom())
    async with app.run_test() as pilot:
        home = app.screen
        toggle = home.query_one(LanguageToggle)
        toggle.post_message(events.Click(toggle, 0, 0, 0, 0, 1, False, False, False))
        for _ in range(200):  # not the pilot: it would wait for the stopped widget
            if app.screen is not home:
                break
            await asyncio.sleep(0.01)
        assert isinstance(app.screen, HomeScreen) and app.screen is not home
        await still_issues(pilot)
    assert "in LanguageToggle: Boom" in logged(kiosk_errors)[0]


async def test_without_errors_nothing_is_logged(config, clock, make_app, kiosk_errors) -> None:
    app, _ = make_app(quick_buttons(config), clock)
    async with app.run_test() as pilot:
        await still_issues(pilot)
    assert kiosk_errors == [] and app.background_errors == 0


async def test_a_press_on_the_screen_starts_no_text_selection(config, clock, make_app,
                                                               kiosk_errors) -> None:
    """Text selection is off: a press on the lobby's text selects nothing, so Textual's
    selection code (which fails on a widget being removed) never runs."""
    app, _ = make_app(quick_buttons(config), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        target = app.screen.query(Static).first()
        assert await pilot.mouse_down(target)
        assert app.screen._select_state is None  # Textual's own selection state: never begun
        await pilot.mouse_up(target)
        assert app.screen.get_selected_text() is None
        await still_issues(pilot)
    assert not kiosk_errors
