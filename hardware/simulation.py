"""Keyboard stand-ins for the lobby hardware when the kiosk runs on a laptop."""

from __future__ import annotations

from hardware.gpio_panel import ButtonPanel, FaultLamp
from hardware.sim_printer import SimulationPrinter
from kiosk.ports import TicketPrinter


class LobbySimulation:
    """Implements kiosk.ports.Simulation over gpiozero mock pins and the file printer."""

    def __init__(self, panel: ButtonPanel, printer: TicketPrinter, lamp: FaultLamp) -> None:
        self.panel, self.printer, self.lamp = panel, printer, lamp

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
