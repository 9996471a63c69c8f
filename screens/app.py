"""The full-screen kiosk app: locked down, bilingual, driven by lobby buttons."""

from __future__ import annotations

import logging

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from kiosk.config import Config
from kiosk.issuing import PRIORITY, WALKIN, Issued, IssuingService, Refused
from kiosk.ports import Simulation
from kiosk.staff_pin import PinGuard
from screens.home import HomeScreen
from screens.notice import NoticeScreen
from screens.pin import PinScreen
from screens.ticket import TicketScreen

log = logging.getLogger(__name__)
NOTICE_SECONDS = 12


class LaneButtonPressed(Message):
    """A physical (or simulated) lane button was pressed; posted from gpiozero's thread."""

    def __init__(self, lane: str) -> None:
        super().__init__()
        self.lane = lane


class KioskApp(App[None]):
    CSS_PATH = "kiosk.tcss"
    TITLE = "antrian-kiosk"
    ENABLE_COMMAND_PALETTE = False
    # Applicants must not be able to leave, suspend or inspect the kiosk.
    BINDINGS = [
        Binding("ctrl+q", "nothing", show=False, priority=True),
        Binding("ctrl+c", "nothing", show=False, priority=True, system=True),
        Binding("ctrl+z", "nothing", show=False, priority=True),
        Binding("ctrl+p", "nothing", show=False, priority=True),
        Binding("f12", "staff_exit", show=False, priority=True),
        Binding("l", "toggle_language", show=False),
        Binding("1", "simulate('A')", show=False),
        Binding("2", "simulate('P')", show=False),
        Binding("k", "toggle_paper", show=False),
    ]

    def __init__(self, config: Config, service: IssuingService,
                 simulation: Simulation | None = None) -> None:
        super().__init__()
        self.config, self.service, self.simulation = config, service, simulation
        self.language = config.language
        self.pin_guard = PinGuard(config.staff_pin_hash)
        self.busy = False

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())

    # Called from any thread (gpiozero's callback thread on a Pi).
    def lane_pressed(self, lane: str) -> None:
        self.post_message(LaneButtonPressed(lane))

    def on_lane_button_pressed(self, message: LaneButtonPressed) -> None:
        if self.busy or isinstance(self.screen, PinScreen):
            return
        self.busy = True
        self.issue(message.lane, self.language)

    @work(thread=True, group="issue")
    def issue(self, lane: str, language: str) -> None:
        try:
            result = self.service.issue(lane, language)
        except Exception:  # a store or driver bug must not take the lobby down
            log.exception("issuing failed")
            result = Refused("error", lane)
        self.call_from_thread(self.show_result, result)

    def show_result(self, result: Issued | Refused) -> None:
        self.busy = False
        if isinstance(result, Issued):
            screen = TicketScreen(result, self.config.ticket_screen_seconds)
        else:
            screen = NoticeScreen(result, NOTICE_SECONDS)
        self.go_home()
        self.push_screen(screen)

    def go_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_status()

    def action_nothing(self) -> None:
        """Swallow quit/suspend/palette keys."""

    def action_toggle_language(self) -> None:
        self.language = "en" if self.language == "id" else "id"
        self.go_home()
        self.screen.refresh(recompose=True)

    def action_simulate(self, lane: str) -> None:
        if self.simulation is not None and lane in (WALKIN, PRIORITY):
            self.simulation.press(lane)

    def action_toggle_paper(self) -> None:
        if self.simulation is not None:
            out = self.simulation.toggle_paper()
            self.notify("Kertas habis (simulasi)" if out else "Kertas terisi (simulasi)")

    def action_staff_exit(self) -> None:
        if isinstance(self.screen, PinScreen):
            return

        def leave(ok: bool | None) -> None:
            if ok:
                self.exit()

        self.push_screen(PinScreen(), leave)
