"""The NIK keypad and the priority-reason chooser, driven through Textual's pilot.

A tiny host app (with a lobby-style "1" key binding) shows what an applicant
sees; one test runs the keypad inside the real KioskApp to prove digits typed
into it never press the simulated lane buttons.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from textual.app import App
from textual.binding import Binding
from textual.widgets import Button, Static

from kiosk.appliance import build
from screens.app import KioskApp
from screens.nik_entry import (
    NikEntryScreen,
    PriorityReasonScreen,
    ask_applicant,
    masked_entry,
)
from tests.conftest import until

TODAY = date(2026, 11, 25)
NIK = "5371010101900003"
SIXTY_TODAY = "5371012511660001"
FIFTY_NINE = "5371016611660002"


class Host(App[None]):
    BINDINGS = [Binding("1", "lane_button", show=False)]

    def __init__(self, language: str = "id") -> None:
        super().__init__()
        self.language = language
        self.results: list[tuple[str, str | None]] = []
        self.lane_presses = 0

    def action_lane_button(self) -> None:
        self.lane_presses += 1

    def ask(self, lane: str) -> None:
        ask_applicant(self, lane, TODAY, lambda nik, reason: self.results.append((nik, reason)))


def text(app: App, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def screen_text(app: App) -> str:
    parts = [str(w.render()) for w in app.screen.query(Static) if w.display]
    return "\n".join(parts + [str(b.label) for b in app.screen.query(Button)])


async def type_keys(pilot, digits: str) -> None:
    for digit in digits:
        await pilot.press(digit)
    await pilot.pause()


def test_masked_entry_groups_and_hides_the_middle() -> None:
    assert masked_entry("") == "____ ____ ____ ____"
    assert masked_entry("537101") == "5371 **__ ____ ____"
    assert masked_entry("53710101019000") == "5371 **** **** 00__"
    assert masked_entry(NIK) == "5371 **** **** 0003"


async def test_typed_nik_is_masked_as_typed_and_returned_on_enter() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask("A")
        await pilot.pause()
        assert isinstance(app.screen, NikEntryScreen)
        assert text(app, "#nik-title") == "Masukkan NIK Anda"
        await type_keys(pilot, NIK[:10])
        assert text(app, "#nik-digits") == "5371 **** **__ ____"
        assert text(app, "#nik-count") == "10 dari 16 digit"
        await type_keys(pilot, NIK[10:])
        assert text(app, "#nik-digits") == "5371 **** **** 0003"
        # The middle digits are never drawn anywhere on the screen.
        assert NIK[4:12] not in screen_text(app) and NIK not in screen_text(app)
        assert app.lane_presses == 0  # digits are the keypad's, not the lobby's "1" button
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [(NIK, None)]
        assert not isinstance(app.screen, NikEntryScreen)


async def test_a_quick_second_tap_on_the_same_key_counts() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask("A")
        await pilot.pause()
        for key in "5311":  # the two "1" taps come well within Textual's 0.2 s press effect
            await pilot.click(f"#nik-{key}")
        assert await until(pilot, lambda: text(app, "#nik-digits") == "5311 ____ ____ ____")


async def test_touch_keys_delete_and_a_short_nik_gets_a_clear_error() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask("A")
        await pilot.pause()
        for key in "53710101":
            await pilot.click(f"#nik-{key}")
        await pilot.click("#nik-9")
        await pilot.click("#nik-back")
        # A loaded machine may repaint after the last click has been handled.
        assert await until(pilot, lambda: text(app, "#nik-digits") == "5371 **** ____ ____")
        await pilot.click("#nik-ok")
        await pilot.pause()
        error = app.screen.query_one("#nik-error", Static)
        assert error.display and str(error.render()) == "NIK harus 16 digit; yang diketik 8 digit."
        assert isinstance(app.screen, NikEntryScreen) and app.results == []
        # Typing again clears the error and keeps what was typed.
        await pilot.click("#nik-0")
        await pilot.pause()
        assert not app.screen.query_one("#nik-error", Static).display
        assert text(app, "#nik-count") == "9 dari 16 digit"


async def test_a_wrong_birth_date_is_explained_in_english_and_extra_digits_ignored() -> None:
    app = Host("en")
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask("A")
        await pilot.pause()
        assert text(app, "#nik-title") == "Enter Your NIK"
        await type_keys(pilot, "5371013213900003" + "77")  # 32 Dec; two digits too many
        assert text(app, "#nik-count") == "16 of 16 digits"
        await pilot.press("enter")
        await pilot.pause()
        assert text(app, "#nik-error") == ("Digits 7-12 are not a real date of birth. "
                                           "Please check your NIK.")
        for _ in range(16):
            await pilot.press("backspace")
        await type_keys(pilot, NIK)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [(NIK, None)]


async def test_cancel_and_escape_give_nothing() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask("A")
        await pilot.pause()
        await type_keys(pilot, "5371")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, NikEntryScreen)
        app.ask("A")
        await pilot.pause()
        await pilot.click("#nik-cancel")
        await pilot.pause()
        assert not isinstance(app.screen, NikEntryScreen) and app.results == []


async def test_a_half_typed_nik_is_dropped_when_left_alone() -> None:
    app = Host()
    dismissed: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = NikEntryScreen(TODAY, idle_seconds=5)
        app.push_screen(screen, dismissed.append)
        await pilot.pause()
        await type_keys(pilot, "53710101")
        await pilot.pause(0.3)
        assert isinstance(app.screen, NikEntryScreen)  # still typing
        screen._last_input -= 5  # as if the last key was 5 s ago
        for _ in range(200):  # the screen checks every second
            if dismissed and not isinstance(app.screen, NikEntryScreen):
                break
            await pilot.pause(0.05)
        assert dismissed == [None] and not isinstance(app.screen, NikEntryScreen)


async def test_priority_lansia_is_granted_from_the_nik() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask("P")
        await pilot.pause()
        await type_keys(pilot, SIXTY_TODAY)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PriorityReasonScreen)
        shown = screen_text(app)
        assert "Menurut tanggal lahir di NIK, Anda mendapat prioritas lansia." in shown
        assert "Membawa balita" not in shown
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [(SIXTY_TODAY, "lansia")]


@pytest.mark.parametrize(("key", "reason"), [("1", "balita"), ("2", "disabilitas"),
                                             ("3", "ibu_hamil")])
async def test_under_sixty_chooses_a_reason_staff_will_check(key: str, reason: str) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask("P")
        await pilot.pause()
        await type_keys(pilot, FIFTY_NINE)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PriorityReasonScreen)
        shown = screen_text(app)
        assert "Petugas akan memeriksa di loket." in shown
        assert "Lansia" not in shown  # the NIK says 59: not offered
        await pilot.press("4")  # no such choice: nothing happens
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [(FIFTY_NINE, reason)]
        assert app.lane_presses == 0


async def test_reason_by_touch_and_cancel_gives_nothing() -> None:
    app = Host("en")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PriorityReasonScreen(lansia=False), lambda r: app.results.append(
            ("", r)))
        await pilot.pause()
        assert "Pregnant" in screen_text(app)
        await pilot.click("#nik-ibu_hamil")
        await pilot.pause()
        app.ask("P")
        await pilot.pause()
        await type_keys(pilot, FIFTY_NINE)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.click("#nik-cancel")
        await pilot.pause()
        assert app.results == [("", "ibu_hamil")]
        assert not isinstance(app.screen, PriorityReasonScreen | NikEntryScreen)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_every_key_fits_on_a_small_and_a_large_screen(size) -> None:
    for language in ("id", "en"):
        app = Host(language)
        async with app.run_test(size=size) as pilot:
            for screen in (NikEntryScreen(TODAY), PriorityReasonScreen(False),
                           PriorityReasonScreen(True)):
                app.push_screen(screen)
                await pilot.pause()
                if isinstance(screen, NikEntryScreen):  # the tallest state: an error shown
                    await type_keys(pilot, "5371")
                    await pilot.press("enter")
                    await pilot.pause()
                    assert app.screen.query_one("#nik-error", Static).display
                buttons = list(app.screen.query(Button))
                assert buttons
                for widget in [*buttons, *app.screen.query(Static)]:
                    region = widget.region
                    assert region.width > 0 and region.height > 0, widget
                    assert region.right <= size[0] and region.bottom <= size[1], widget
                app.pop_screen()


async def test_inside_the_kiosk_app_digits_never_press_a_lane_button(config, clock) -> None:
    cfg = dataclasses.replace(config, gpio=dataclasses.replace(config.gpio, cooldown_s=0,
                                                               bounce_s=0))
    appliance = build(cfg, clock=clock)
    try:
        app = KioskApp(cfg, appliance.service, appliance.simulation)
        appliance.on_press = app.lane_pressed
        got: list[str | None] = []
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(NikEntryScreen(TODAY), got.append)
            await pilot.pause()
            for digit in NIK:
                await pilot.press(digit)
                await pilot.pause(0.02)
            await pilot.pause(0.2)  # the kiosk holds keys briefly to tell a scanner
            assert str(app.screen.query_one("#nik-digits", Static).render()) == (
                "5371 **** **** 0003")
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert got == [NIK]
            issue_workers = [w for w in app.workers if w.group == "issue"]
            if issue_workers:
                await app.workers.wait_for_complete(issue_workers)
        assert appliance.service.db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0
    finally:
        appliance.close()
