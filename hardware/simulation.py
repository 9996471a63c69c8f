"""Keyboard stand-ins for the lobby hardware when the kiosk runs on a laptop."""

from __future__ import annotations

import logging
from collections.abc import Callable

from hardware.counter_buttons import CounterButtons
from hardware.gpio_panel import ButtonPanel, FaultLamp
from hardware.now_serving import Chime, NowServing
from hardware.sim_printer import SimulationPrinter
from kiosk.ports import TicketPrinter

log = logging.getLogger(__name__)


class LobbySimulation:
    """Implements kiosk.ports.Simulation over gpiozero mock pins and the file printer."""

    def __init__(self, panel: ButtonPanel, printer: TicketPrinter, lamp: FaultLamp) -> None:
        self.panel, self.printer, self.lamp = panel, printer, lamp
        # Set by kiosk.appliance.start_calling once the calling outputs exist.
        self.display: NowServing | None = None
        self.chime: Chime | None = None
        self.counter_buttons: CounterButtons | None = None
        self._watcher: Callable[[], None] | None = None

    def press(self, lane: str) -> None:
        self.panel.simulate_press(lane)

    def toggle_paper(self) -> bool:
        if not isinstance(self.printer, SimulationPrinter):
            return False
        self.printer.paper_out = not self.printer.paper_out
        return self.printer.paper_out

    def ticket_preview(self) -> str | None:
        if isinstance(self.printer, SimulationPrinter):
            return self.printer.last_preview
        return None

    def lamp_state(self) -> str:
        return self.lamp.state

    def display_state(self) -> str | None:
        if self.display is None:
            return None
        ringing = self.chime is not None and self.chime.state() == "ringing"
        return self.display.state() + ("  \u266a" if ringing else "")

    def press_counter(self, counter: int, action: str) -> bool:
        if self.counter_buttons is None:
            return False
        return self.counter_buttons.simulate_press(counter, action)

    def counter_outcome(self, counter: int, action: str) -> str | None:
        if self.counter_buttons is None:
            return None
        return self.counter_buttons.outcome(counter, action)

    def watch_display(self, callback: Callable[[], None] | None) -> None:
        self._watcher = callback

    def display_changed(self) -> None:
        """A call reached the display: let the screen redraw it (runs on the feed thread)."""
        watcher = self._watcher
        if watcher is not None:
            try:
                watcher()
            except RuntimeError:  # the app is not running (yet, or any more)
                log.debug("display watcher: app not running")
