"""The full-screen kiosk app: locked down, bilingual, driven by lobby buttons."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from kiosk.checkin import CheckedIn, CheckinRefused, CheckinService
from kiosk.config import Config
from kiosk.issuing import PRIORITY, WALKIN, Issued, IssuingService, Refused
from kiosk.ports import Simulation
from kiosk.prompts import prompt_for
from kiosk.scan_burst import ScanBuffer
from kiosk.staff_desk import StaffDesk
from kiosk.staff_pin import PinGuard
from kiosk.watchdog import notify, ping_interval_s
from screens.checkin import CheckedInScreen, KeypadScreen
from screens.clock_confirm import ClockConfirmScreen
from screens.home import HomeScreen
from screens.nik_entry import NikEntryScreen, PriorityReasonScreen, ask_applicant
from screens.notice import NoticeScreen
from screens.pin import PinScreen
from screens.staff import StaffScreen
from screens.themes import install_themes, theme_setting
from screens.ticket import TicketScreen

log = logging.getLogger(__name__)
# While staff have the kiosk, lobby buttons, scans and lobby keys wait.
STAFF_SCREENS = PinScreen | StaffScreen | ClockConfirmScreen
# Applicants typing on the kiosk's keypads: their digits are not a scanner burst.
TYPING_SCREENS = KeypadScreen | NikEntryScreen | PriorityReasonScreen
NOTICE_SECONDS = 12


class LaneButtonPressed(Message):
    """A physical (or simulated) lane button was pressed; posted from gpiozero's thread."""

    def __init__(self, lane: str) -> None:
        super().__init__()
        self.lane = lane


class CodeScanned(Message):
    """A booking code or QR payload from the camera or a USB scanner."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class CameraStatus(Message):
    def __init__(self, state: str) -> None:
        super().__init__()
        self.state = state  # "camera_lost" | "camera_ok"


class ScannerReady(Message):
    """The camera scanner, built after the first frame; posted from the start-up thread."""

    def __init__(self, scanner: Any) -> None:
        super().__init__()
        self.scanner = scanner


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
        Binding("f12", "staff", show=False, priority=True),
        Binding("l", "toggle_language", show=False),
        Binding("1", "simulate('A')", show=False),
        Binding("2", "simulate('P')", show=False),
        Binding("n", "simulate_counter('next')", show=False),
        Binding("r", "simulate_counter('recall')", show=False),
        Binding("k", "toggle_paper", show=False),
        Binding("b", "keypad", show=False),
    ]

    def __init__(self, config: Config, service: IssuingService,
                 simulation: Simulation | None = None, checkin: CheckinService | None = None,
                 scanner: Any = None, desk: StaffDesk | None = None,
                 speak: Callable[[str], None] | None = None,
                 start_later: Callable[[], None] | None = None) -> None:
        super().__init__()
        # Devices the home screen does not need (`kiosk run`: LAN API, lobby outputs,
        # camera, printer drivers): started in a thread once the home screen is drawn.
        self.start_later = start_later
        install_themes(self, config.screen_theme)
        # Spoken prompts ([screen] spoken_prompts): must only queue, never block the screen.
        self.speak = speak
        self.config, self.service, self.simulation = config, service, simulation
        self.checkin, self.scanner = checkin, scanner
        self.language = config.language
        self.pin_guard = PinGuard(config.staff_pin_hash, members=config.staff_members)
        self._desk, self._own_desk = desk, desk is None
        self.last_input = time.monotonic()  # the staff screen closes itself when idle
        self.busy = False
        self.camera_ok = scanner is not None
        self.scan_buffer = ScanBuffer()
        self._held_keys: deque[events.Key] = deque()
        self._stop_camera = threading.Event()

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        notify("READY=1")
        if (interval := ping_interval_s()) is not None:
            self.set_interval(interval, lambda: notify("WATCHDOG=1"))
        if self.scanner is not None:
            self.run_worker(self._scan, thread=True, group="camera", exit_on_error=False)
        if self.start_later is not None:
            self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self, drawn: bool = False) -> None:
        """Once the home screen is mounted and one refresh has drawn it, run start_later."""
        if not (isinstance(self.screen, HomeScreen) and self.screen.is_mounted):
            self.call_after_refresh(self._after_first_frame)
        elif not drawn:
            self.call_after_refresh(self._after_first_frame, True)
        else:
            self._start_later()

    @work(thread=True, group="startup", exit_on_error=False)
    def _start_later(self) -> None:
        try:
            self.start_later()
        except Exception:  # each device reports its own failure; this is a last resort
            log.exception("starting the devices after the first frame failed")

    def scanner_ready(self, scanner: Any) -> None:
        """Called from any thread; never blocks (the app may be closing)."""
        self.post_message(ScannerReady(scanner))

    def on_scanner_ready(self, message: ScannerReady) -> None:
        if self.scanner is not None or self._stop_camera.is_set():
            return
        self.scanner, self.camera_ok = message.scanner, True
        self.run_worker(self._scan, thread=True, group="camera", exit_on_error=False)
        self.refresh_home()

    def exit(self, *args: Any, **kwargs: Any) -> None:
        # Stop the camera thread first: Textual waits for thread workers on exit.
        self._stop_camera.set()
        super().exit(*args, **kwargs)

    def on_unmount(self) -> None:
        self._stop_camera.set()
        self._close_desk()

    def _scan(self) -> None:
        """Camera loop in a thread worker: decoding never blocks the screen."""
        self.scanner.run(self._stop_camera)

    # Called from the camera thread.
    def code_seen(self, text: str) -> None:
        self.post_message(CodeScanned(text))

    def camera_state(self, state: str) -> None:
        self.post_message(CameraStatus(state))

    def on_camera_status(self, message: CameraStatus) -> None:
        self.camera_ok = message.state != "camera_lost"
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_status()

    # USB scanners type like a keyboard: hold printable keys briefly to tell.
    def _intercepts_keys(self) -> bool:
        return not isinstance(self.screen, TYPING_SCREENS | STAFF_SCREENS)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = time.monotonic()
        if (isinstance(event, events.Key) and not event.is_forwarded
                and self._intercepts_keys()):
            now = time.monotonic()
            if event.key == "enter":
                text, released = self.scan_buffer.enter(now)
                if text is not None:
                    self._held_keys.clear()
                    self.post_message(CodeScanned(text))
                    return
                await self._release(len(released))
            elif event.is_printable and event.character:
                await self._release(len(self.scan_buffer.feed(event.character, now)))
                self._held_keys.append(event)
                self.set_timer(self.scan_buffer.max_gap_s * 2, self._release_due)
                return
        await super().on_event(event)

    async def _release(self, count: int) -> None:
        for _ in range(count):
            await super().on_event(self._held_keys.popleft())

    async def _release_due(self) -> None:
        if self.scan_buffer.due(time.monotonic()):
            await self._release(len(self.scan_buffer.flush()))

    def on_code_scanned(self, message: CodeScanned) -> None:
        if (self.checkin is None or self.busy
                or isinstance(self.screen, STAFF_SCREENS | NikEntryScreen | PriorityReasonScreen)):
            return
        self.busy = True
        self.check_in(message.text, self.language)

    @work(thread=True, group="issue")
    def check_in(self, text: str, language: str) -> None:
        try:
            result = self.checkin.check_in(text, language)
        except Exception:  # scanner garbage must never take the lobby down
            log.exception("check-in failed")
            result = Refused("error", "B")
        self.call_from_thread(self.show_result, result)

    def action_keypad(self) -> None:
        if self.checkin is None or isinstance(self.screen, TYPING_SCREENS | STAFF_SCREENS):
            return

        def typed(code: str | None) -> None:
            if code:
                self.post_message(CodeScanned(code))

        self.go_home()
        self.push_screen(KeypadScreen(), typed)

    # Called from any thread (gpiozero's callback thread on a Pi).
    def lane_pressed(self, lane: str) -> None:
        self.post_message(LaneButtonPressed(lane))

    def on_lane_button_pressed(self, message: LaneButtonPressed) -> None:
        if self.busy or isinstance(self.screen, STAFF_SCREENS | TYPING_SCREENS):
            return
        lane = message.lane
        if self.service.guard.needs_nik(lane):  # offices that give one number per NIK
            today = self.service.schedule.office_day(self.service.clock())

            def entered(nik: str, reason: str | None) -> None:
                if not self.busy:
                    self.busy = True
                    self.issue(lane, self.language, nik, reason)

            self.go_home()
            ask_applicant(self, lane, today, entered)
            return
        self.busy = True
        self.issue(lane, self.language)

    @work(thread=True, group="issue")
    def issue(self, lane: str, language: str, nik: str | None = None,
              reason: str | None = None) -> None:
        try:
            result = self.service.issue(lane, language, nik=nik, reason=reason)
        except Exception:  # a store or driver bug must not take the lobby down
            log.exception("issuing failed")
            result = Refused("error", lane)
        self.call_from_thread(self.show_result, result)

    def show_result(self, result: Issued | Refused | CheckedIn | CheckinRefused) -> None:
        self.busy = False
        if isinstance(result, Issued):
            screen = TicketScreen(result, self.config.ticket_screen_seconds)
        elif isinstance(result, CheckedIn):
            screen = CheckedInScreen(result, self.config.ticket_screen_seconds)
        else:
            screen = NoticeScreen(result, NOTICE_SECONDS)
        self.go_home()
        self.push_screen(screen)
        self._say(result)

    def _say(self, result: Issued | Refused | CheckedIn | CheckinRefused) -> None:
        """The prompt for what the screen now shows; a broken voice never stops the kiosk."""
        if self.speak is None:
            return
        try:
            self.speak(prompt_for(result, self.language))
        except Exception:
            log.exception("spoken prompt failed")

    def toggle_theme(self) -> str:
        """Standard <-> high contrast (staff menu); returns the new config word."""
        new = "standard" if theme_setting(self) == "high_contrast" else "high_contrast"
        install_themes(self, new)
        return new

    def go_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_status()

    def action_nothing(self) -> None:
        """Swallow quit/suspend/palette keys."""

    def action_toggle_language(self) -> None:
        self.language = "en" if self.language == "id" else "id"
        if isinstance(self.screen, StaffScreen):  # staff switch from their menu and stay there
            for screen in self.screen_stack:
                screen.refresh(recompose=True)
            return
        self.go_home()
        self.screen.refresh(recompose=True)

    def action_simulate(self, lane: str) -> None:
        if self.simulation is not None and lane in (WALKIN, PRIORITY):
            self.simulation.press(lane)

    def action_simulate_counter(self, action: str) -> None:
        """Counter 1's mock button; a thread, as the press writes to the store."""
        if self.simulation is not None:
            simulation = self.simulation
            self.run_worker(lambda: simulation.press_counter(1, action), thread=True,
                            group="sim-counter", exit_on_error=False)

    def action_toggle_paper(self) -> None:
        if self.simulation is not None:
            out = self.simulation.toggle_paper()
            self.notify("Kertas habis (simulasi)" if out else "Kertas terisi (simulasi)")

    @property
    def desk(self) -> StaffDesk:
        """Built on first use: most lobby hours nobody opens the staff menu."""
        if self._desk is None:
            self._desk = StaffDesk.for_service(self.service)
        return self._desk

    def action_staff(self) -> None:
        if isinstance(self.screen, STAFF_SCREENS):
            return

        def open_menu(who: str | None) -> None:
            if who:
                self.go_home()
                self.push_screen(StaffScreen(self.desk, who))

        self.push_screen(PinScreen(), open_menu)

    def end_session(self, action: str, who: str) -> None:
        """Restart, shut down or close, as the staff menu asked; `kiosk run` does the rest."""
        try:
            self.desk.log(who, action)
        except Exception:  # the log must not keep a broken kiosk from restarting
            log.exception("could not record staff action %s", action)
        self.exit(result=action)

    def refresh_home(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_status()

    def _close_desk(self) -> None:
        if self._desk is not None and self._own_desk:
            self._desk.close()
