"""The composition root: the one place that joins config, store and hardware.

Domain modules never import drivers; this module picks the adapters the
config asks for (real devices on a Pi, gpiozero mock pins and a file printer
in simulation) and hands them to the domain through ``kiosk.ports``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from kiosk import store
from kiosk.config import Config
from kiosk.issuing import IssuingService, utc_now
from kiosk.ports import Simulation, TicketPrinter


@dataclass
class Appliance:
    config: Config
    db: sqlite_utils.Database
    printer: TicketPrinter
    service: IssuingService
    simulation: Simulation | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)
    # Where lane button presses go; the UI sets this once it is up.
    on_press: Callable[[str], None] = lambda lane: None

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()
        self.printer.close()
        self.db.close()


def build(config: Config, *, with_gpio: bool = True,
          clock: Callable[[], datetime] = utc_now) -> Appliance:
    """Open the store and the devices; ``with_gpio=False`` for CLI commands."""
    from hardware.printers import make_printer

    db = store.connect(config.database)
    printer = make_printer(config.printer)
    if not with_gpio:
        return Appliance(config, db, printer, IssuingService(config, db, printer, clock=clock))

    from hardware.gpio_panel import ButtonPanel, FaultLamp, make_pin_factory

    factory = make_pin_factory("mock" if config.simulation else config.gpio.pin_factory)
    lamp = FaultLamp(config.gpio, factory)
    service = IssuingService(config, db, printer, lamp=lamp, clock=clock)
    appliance = Appliance(config, db, printer, service)
    panel = ButtonPanel(config.gpio, lambda lane: appliance.on_press(lane), factory)
    appliance.closers += [lamp.close, panel.close]
    if panel.simulated:
        from hardware.simulation import LobbySimulation

        appliance.simulation = LobbySimulation(panel, printer, lamp)
    return appliance
