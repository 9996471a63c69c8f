"""The composition root: the one place that joins config, store and hardware.

Domain modules never import drivers; this module picks the adapters the
config asks for (real devices on a Pi, gpiozero mock pins and a file printer
in simulation) and hands them to the domain through ``kiosk.ports``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk import store
from kiosk.booking_qr import load_public_keys
from kiosk.checkin import CheckinPolicy, CheckinService
from kiosk.config import Config
from kiosk.issuing import IssuingService, utc_now
from kiosk.ports import Simulation, TicketPrinter


@dataclass
class Appliance:
    config: Config
    db: sqlite_utils.Database
    printer: TicketPrinter
    service: IssuingService
    checkin: CheckinService
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
        service = IssuingService(config, db, printer, clock=clock)
        return Appliance(config, db, printer, service, checkin_for(config, service))

    from hardware.gpio_panel import ButtonPanel, FaultLamp, make_pin_factory

    factory = make_pin_factory("mock" if config.simulation else config.gpio.pin_factory)
    lamp = FaultLamp(config.gpio, factory)
    service = IssuingService(config, db, printer, lamp=lamp, clock=clock)
    appliance = Appliance(config, db, printer, service, checkin_for(config, service))
    panel = ButtonPanel(config.gpio, lambda lane: appliance.on_press(lane), factory)
    appliance.closers += [lamp.close, panel.close]
    if panel.simulated:
        from hardware.simulation import LobbySimulation

        appliance.simulation = LobbySimulation(panel, printer, lamp)
    return appliance


def checkin_for(config: Config, service: IssuingService) -> CheckinService:
    """Check-in shares the issuing service: one lock, one connection, one printer."""
    policy = CheckinPolicy(config.office.code, config.checkin.early_minutes,
                           config.checkin.late_minutes,
                           load_public_keys(config.checkin.public_keys))
    return CheckinService(config, service.db, service.printer, policy, service.clock, service)


def make_scanner(config: Config, on_code: Callable[[str], None],
                 on_status: Callable[[str], None]):
    """The camera scanning loop the config asks for, or None without a camera."""
    if not config.camera.source:
        return None
    source = config.camera.source
    if config.simulation and not source.isdigit() and not source.startswith("/dev/"):
        Path(source).mkdir(parents=True, exist_ok=True)  # the simulated camera's view
    from hardware.camera import QrScanner, make_frame_source
    from hardware.qr_decode import make_decoder

    return QrScanner(make_frame_source(config.camera.source), make_decoder(config.camera.decoder),
                     on_code, on_status, fps=config.camera.fps)


def start_calling(config: Config, appliance: Appliance, clock: Callable[[], datetime] = utc_now):
    """The LAN API for counters and the lobby board, with calls spoken in the lobby.

    A port already in use or a missing espeak-ng is a notice, never a reason
    for the ticket kiosk not to start.
    """
    from hardware.announcer import Announcer
    from kiosk.lan_api import LanApi
    from kiosk.spoken_numbers import call_text

    calling = config.calling
    announcer = Announcer(calling.speech, voice=calling.voice)
    appliance.closers.append(announcer.close)

    def on_call(label: str, counter: int) -> None:
        announcer.announce(call_text(label, counter, "id"))
        if calling.speech_english:
            announcer.announce(call_text(label, counter, "en"))

    try:
        api = LanApi(config, on_call=on_call, clock=clock).start()
    except OSError as exc:
        return None, f"LAN API {config.lan_api.host}:{config.lan_api.port}: {exc}"
    appliance.closers.append(api.close)
    return api, announcer.status
