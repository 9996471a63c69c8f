"""The full-screen kiosk app: locked down, bilingual, driven by lobby buttons."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.binding import Binding

from kiosk.checkin.scan_burst import ScanBuffer
from kiosk.clock import utc_now
from kiosk.ops.watchdog import notify, ping_interval_s
from kiosk.staff.pin_memory import store_pin_guard
from kiosk.texts import t
from screens.guard import KeepRunning
from screens.home import HomeScreen
from screens.messages import (
    ApplianceReady,
    CameraStatus,
    CodeScanned,
    HeldKeysDue,
    LaneButtonPressed,
    ScannerReady,
    StartFailed,
)
from screens.pin import PinScreen
from screens.screen_kinds import applicant_entry_screen, staff_screen, typing_screen
from screens.sim_counter import feedback, press_counter
from screens.terminal_watch import end_soon_after_hangup, terminal_gone
from screens.themes import install_themes, theme_setting

if TYPE_CHECKING:
    from collections.abc import Callable

    from kiosk.checkin.service import CheckedIn, CheckinRefused, CheckinService
    from kiosk.config import Config
    from kiosk.ports import Simulation
    from kiosk.queue.issuing import Issued, IssuingService, Refused
    from kiosk.staff.desk import StaffDesk

log = logging.getLogger(__name__)
TERMINAL_CHECK_S = 2.0
NOTICE_SECONDS = 12
# How often the printer is asked about its paper between presses, so the paper lamp and
# the home screen follow a roll running out (or put back) without waiting for a press.
PAPER_POLL_S = 5.0
class KioskApp(KeepRunning):
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

    def __init__(self, config: Config, service: IssuingService | None,
                 simulation: Simulation | None = None, checkin: CheckinService | None = None,
                 scanner: Any = None, desk: StaffDesk | None = None,
                 speak: Callable[[str, str], None] | None = None,
                 start_later: Callable[[], None] | None = None) -> None:
        super().__init__()
        # service None (`kiosk run`): the store and services come later, from start_later
        # through appliance_ready(); until then the home screen says it is getting ready
        # and lobby input waits in ``_waiting`` (docs/design.md, "Start-up").
        self.start_error: str | None = None
        self._waiting: list[tuple[str, str]] = []  # ("lane" | "simulate" | "code", value)
        self._staff_waiting: str | None = None  # staff id whose menu opens once ready
        # Devices the home screen does not need (`kiosk run`: LAN API, lobby outputs,
        # camera, printer drivers): started in a thread once the home screen is drawn.
        self.start_later = start_later
        install_themes(self, config.screen_theme)
        # Spoken prompts ([screen] spoken_prompts): must only queue, never block the screen.
        self.speak = speak
        self.config, self.service, self.simulation = config, service, simulation
        self.checkin, self.scanner = checkin, scanner
        self.language = config.language
        self.pin_guard = store_pin_guard(config, lambda: (  # the services' clock (tests move it)
            self.service.clock() if self.service is not None else utc_now()))
        self._desk, self._own_desk = desk, desk is None
        self.last_input = time.monotonic()  # the staff screen closes itself when idle
        self.busy = False
        self.notifier: Any = None  # kiosk.notify.worker.NotifyWorker ([notify], `kiosk run`)
        self.camera_ok = scanner is not None
        self.scan_buffer = ScanBuffer()
        self._held_keys: deque[events.Key] = deque()
        self._stop_camera = threading.Event()
        self._asking_paper = threading.Lock()

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        self.set_interval(PAPER_POLL_S, self.check_paper)
        self.check_paper()
        notify("READY=1")
        if (interval := ping_interval_s()) is not None:
            self.set_interval(interval, lambda: notify("WATCHDOG=1"))
        if self.scanner is not None:
            self.run_worker(self._scan, thread=True, group="camera", exit_on_error=False)
        if self.start_later is not None:
            self.call_after_refresh(self._after_first_frame)
        if not self.is_headless:
            self.set_interval(TERMINAL_CHECK_S, self._check_terminal)

    def _check_terminal(self) -> None:
        """A kiosk whose screen is gone ends (systemd starts a new one) instead of spinning."""
        if terminal_gone():
            log.error("the terminal hung up: ending the kiosk app")
            end_soon_after_hangup()
            self.exit(result="hangup")

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

    @property
    def starting(self) -> bool:
        """The store and services are still being built (`kiosk run`'s first second)."""
        return self.service is None and self.start_error is None

    # Called from the start-up thread; never block (the app may be closing).
    def appliance_ready(self, service: IssuingService, checkin: CheckinService | None,
                        simulation: Simulation | None, desk: StaffDesk | None) -> None:
        self.post_message(ApplianceReady(service, checkin, simulation, desk))

    def start_failed(self, reason: str) -> None:
        self.post_message(StartFailed(reason))

    def on_appliance_ready(self, message: ApplianceReady) -> None:
        self.service, self.checkin = message.service, message.checkin
        self.simulation = message.simulation
        if message.desk is not None:
            self._desk, self._own_desk = message.desk, False
        self.check_paper()
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.services_attached()
        waiting, self._waiting = self._waiting, []
        for kind, value in waiting:  # in arrival order, as if they came now
            if kind == "lane":
                self.post_message(LaneButtonPressed(value))
            elif kind == "code":
                self.post_message(CodeScanned(value))
            else:
                self.action_simulate(value)
        if self._staff_waiting is not None:
            who, self._staff_waiting = self._staff_waiting, None
            self._open_staff_menu(who)

    def on_start_failed(self, message: StartFailed) -> None:
        from screens.notice import StartFailedScreen

        log.error("the kiosk could not start: %s", message.reason)
        self.start_error = message.reason
        if self._waiting:
            log.warning("dropped %d lobby inputs that came before the failure",
                        len(self._waiting))
        self._waiting.clear()
        self._staff_waiting = None
        self.go_home()
        self.refresh_home()
        self.push_screen(StartFailedScreen(message.reason))

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
        return not (typing_screen(self.screen) or staff_screen(self.screen))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = time.monotonic()
        if (isinstance(event, events.Key) and not event.is_forwarded
                and self._intercepts_keys()):
            # When the key arrived (the driver stamps it as it reads the terminal), not
            # when the loop got to it: a repaint in the middle of a scan on a busy Pi
            # must not turn the code into key presses ("1" is the walk-in button).
            now = event.time
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
                self.set_timer(self.scan_buffer.max_gap_s * 2,
                               lambda: self.post_message(HeldKeysDue()))
                return
        await super().on_event(event)

    async def _release(self, count: int) -> None:
        for _ in range(count):
            await super().on_event(self._held_keys.popleft())

    async def on_held_keys_due(self, message: HeldKeysDue) -> None:
        # Every key that came before the timer fired has been read by now: if none came
        # for a while before it, the held keys were a person typing, not a scanner.
        if self.scan_buffer.due(message.time):
            await self._release(len(self.scan_buffer.flush()))

    def on_code_scanned(self, message: CodeScanned) -> None:
        if self.starting and not staff_screen(self.screen):
            self._waiting.append(("code", message.text))
            return
        if (self.checkin is None or self.busy
                or staff_screen(self.screen) or applicant_entry_screen(self.screen)):
            return
        self.busy = True
        self.check_in(message.text, self.language)

    @work(thread=True, group="issue")
    def check_in(self, text: str, language: str) -> None:
        try:
            result = self.checkin.check_in(text, language)
        except Exception:  # scanner garbage must never take the lobby down
            log.exception("check-in failed")
            from kiosk.queue.issuing import Refused

            result = Refused("error", "B")
        self.call_from_thread(self.show_result, result)

    def action_keypad(self) -> None:
        if ((self.checkin is None and not self.starting)
                or typing_screen(self.screen) or staff_screen(self.screen)):
            return
        from screens.checkin import KeypadScreen

        def typed(code: str | None) -> None:
            if code:
                self.post_message(CodeScanned(code))

        self.go_home()
        self.push_screen(KeypadScreen(), typed)

    # Called from any thread (gpiozero's callback thread on a Pi).
    def lane_pressed(self, lane: str) -> None:
        self.post_message(LaneButtonPressed(lane))

    def on_lane_button_pressed(self, message: LaneButtonPressed) -> None:
        if self.busy or staff_screen(self.screen) or typing_screen(self.screen):
            return
        if self.service is None:  # starting: handled once ready; failed: the screen says so
            if self.starting:
                self._waiting.append(("lane", message.lane))
            return
        lane = message.lane
        if self.service.guard.needs_nik(lane):  # offices that give one number per NIK
            today = self.service.schedule.office_day(self.service.clock())

            def entered(nik: str, reason: str | None) -> None:
                if not self.busy:
                    self.busy = True
                    self.issue(lane, self.language, nik, reason)

            def mistake(problem: str) -> None:  # counted off the UI thread (kiosk report)
                self.run_worker(lambda: self.service.record_nik_mistake(lane, problem),
                                thread=True, group="record", exit_on_error=False)

            self.go_home()
            from screens.nik_entry import ask_applicant

            ask_applicant(self, lane, today, entered, mistake)
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
            from kiosk.queue.issuing import Refused

            result = Refused("error", lane)
        self.call_from_thread(self.show_result, result)

    def show_result(self, result: Issued | Refused | CheckedIn | CheckinRefused) -> None:
        from kiosk.checkin.service import CheckedIn
        from kiosk.queue.issuing import Issued
        from screens.checkin import CheckedInScreen
        from screens.notice import NoticeScreen
        from screens.ticket import TicketScreen

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
        from kiosk.texts.prompts import prompt_for

        try:
            self.speak(prompt_for(result, self.language), self.language)
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
        from screens.staff import StaffScreen

        if isinstance(self.screen, StaffScreen):  # staff switch from their menu and stay there
            for screen in self.screen_stack:
                screen.refresh(recompose=True)
            return
        self.go_home()
        self.screen.refresh(recompose=True)

    def action_simulate(self, lane: str) -> None:
        from kiosk.queue.issuing import PRIORITY, WALKIN

        if lane not in (WALKIN, PRIORITY):
            return
        if self.simulation is not None:
            self.simulation.press(lane)
        elif self.starting and self.config.simulation:  # the mock buttons are not built yet
            self._waiting.append(("simulate", lane))

    def action_simulate_counter(self, action: str) -> None:
        """Counter 1's mock button; a thread, as the press writes to the store. A press
        that does nothing (nobody waiting, say) says so, as a staff screen would."""
        if self.simulation is not None:
            simulation = self.simulation

            def press() -> None:
                if (why := press_counter(simulation, 1, action)) is not None:
                    self.call_from_thread(lambda: self.notify(
                        feedback(self.config, 1, action, why, self.language)))

            self.run_worker(press, thread=True, group="sim-counter", exit_on_error=False)

    def action_toggle_paper(self) -> None:
        if self.simulation is not None:
            out = self.simulation.toggle_paper()
            self.notify("Kertas habis (simulasi)" if out else "Kertas terisi (simulasi)")
            self.check_paper()  # the lamp and the home screen follow at once, as on a Pi

    def check_paper(self) -> None:
        """Ask the printer about its paper in a thread: the status query may wait up to
        [printer] status_timeout_s, which the screen must never do. The lamp follows the
        answer there (IssuingService.check_paper); the home screen redraws on a change."""
        if self.service is None or self._asking_paper.locked():
            return
        self.run_worker(self._ask_paper, thread=True, group="paper", exit_on_error=False)

    def _ask_paper(self) -> None:
        if not self._asking_paper.acquire(blocking=False):  # the last answer is still due
            return
        try:
            before = self.service.last_paper
            status = self.service.check_paper()
        except Exception:  # a driver bug must not take the lobby down; the press asks again
            log.exception("paper status check failed")
            return
        finally:
            self._asking_paper.release()
        if status is not before:
            try:
                self.call_from_thread(self.refresh_home)
            except RuntimeError:  # the app is closing
                log.debug("paper status changed while the app closed")

    @property
    def desk(self) -> StaffDesk:
        """Built on first use: most lobby hours nobody opens the staff menu."""
        if self._desk is None:
            if self.service is None:
                raise RuntimeError("the staff desk needs the store, which is not open yet")
            from kiosk.staff.desk import StaffDesk

            self._desk = StaffDesk.for_service(self.service)
        return self._desk

    def action_staff(self) -> None:
        if staff_screen(self.screen):
            return

        def open_menu(who: str | None) -> None:
            if not who:
                return
            if self.service is not None:
                self._open_staff_menu(who)
            elif self.starting:  # the menu opens by itself once the store is open
                self._staff_waiting = who
                self.notify(t("staff.not_ready", self.language))
            else:
                self.notify(t("staff.start_failed", self.language, reason=self.start_error),
                            severity="error")

        self.push_screen(PinScreen(), open_menu)

    def _open_staff_menu(self, who: str) -> None:
        from screens.staff import StaffScreen

        self.go_home()
        self.push_screen(StaffScreen(self.desk, who))

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
