"""The composition root: the one place that joins config, store and hardware.

Domain modules never import drivers; this module picks the adapters the
config asks for (real devices on a Pi, gpiozero mock pins and a file printer
in simulation) and hands them to the domain through ``kiosk.ports``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import store
from kiosk.clock import utc_now
from kiosk.queue.issuing import IssuingService
from kiosk.tracking.links import link_maker

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    import sqlite_utils

    from kiosk.checkin.service import CheckinService
    from kiosk.config import Config
    from kiosk.ports import Simulation, TicketPrinter
    from kiosk.queue.call_feed import CallFeed, FeedCall

log = logging.getLogger(__name__)


@dataclass
class Appliance:
    config: Config
    db: sqlite_utils.Database
    printer: TicketPrinter
    service: IssuingService
    # None when build() was told the process has no use for it (`kiosk issue`, `reprint`).
    checkin: CheckinService | None
    simulation: Simulation | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)
    # Where lane button presses go; the UI sets this once it is up.
    on_press: Callable[[str], None] = lambda lane: None
    # The gpiozero pin factory build() made (None without GPIO): every device shares it.
    pin_factory: Any = None
    # Set by start_calling: every call, from any process, reaches the lobby through it.
    # In-process callers (the staff screen) call ``call_feed.poke()`` after a call.
    call_feed: CallFeed | None = None
    display: Any = None  # hardware.now_serving.SevenSegmentBoard | CounterLamps | None
    chime: Any = None  # hardware.now_serving.Chime | None
    # hardware.announcer.Announcer (start_lobby_outputs): calls and spoken prompts share
    # its one queue, so a prompt never talks over a call.
    announcer: Any = None
    counter_buttons: Any = None  # hardware.counter_buttons.CounterButtons | None
    notifier: Any = None  # kiosk.notify.worker.NotifyWorker ([notify] enabled) | None
    notices: list[str] = field(default_factory=list)

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()
        self.printer.close()
        self.db.close()


def build(config: Config, *, with_gpio: bool = True, with_checkin: bool = True,
          clock: Callable[[], datetime] = utc_now) -> Appliance:
    """Open the store and the devices; ``with_gpio=False`` for CLI commands, and
    ``with_checkin=False`` for those that never check a booking in (`kiosk issue`,
    `kiosk reprint`): they skip importing check-in and the booking-QR code
    (docs/design.md, "Lean on a Pi")."""
    from hardware.printers import make_printer

    db = store.connect(config.database)
    printer = make_printer(config.printer)
    # A real kiosk judges its own clock; the simulation runs on a borrowed one.
    trust = None
    if not config.simulation:
        from kiosk.queue.clock_trust import ClockTrust

        trust = ClockTrust.for_system()
        trust.check(db.conn, clock())  # logs the clock state, anchors it if NTP synced
    links = link_maker(config.tracking.base_url, config.checkin.nik_salt)
    if not with_gpio:
        service = IssuingService(config, db, printer, clock=clock, clock_trust=trust,
                                 track_link=links)
        checkin = checkin_for(config, service) if with_checkin else None
        appliance = Appliance(config, db, printer, service, checkin)
        _adopt_hub_state(config, appliance)
        return appliance

    from hardware.gpio_panel import ButtonPanel, FaultLamp, make_pin_factory

    factory = make_pin_factory("mock" if config.simulation else config.gpio.pin_factory)
    lamp = FaultLamp(config.gpio, factory)
    service = IssuingService(config, db, printer, lamp=lamp, clock=clock, clock_trust=trust,
                             track_link=links)
    checkin = checkin_for(config, service) if with_checkin else None
    appliance = Appliance(config, db, printer, service, checkin, pin_factory=factory)
    panel = ButtonPanel(config.gpio, lambda lane: appliance.on_press(lane), factory)
    appliance.closers += [lamp.close, panel.close]
    if panel.simulated:
        from hardware.simulation import LobbySimulation

        appliance.simulation = LobbySimulation(panel, printer, lamp)
    _adopt_hub_state(config, appliance)
    return appliance


def import_for_serving() -> None:
    """Import what ``build`` and the staff desk need, ahead of them.

    `kiosk run` calls this in a thread of its own as soon as it knows it is `run`
    (kiosk/cli ``_cmd_run``): gpiozero alone takes ~40 ms to import (importlib.metadata
    for its pin factories), and the main thread meanwhile reads the config and
    draws Textual's first frame, so the store and buttons are up that much sooner
    (docs/design.md, "Start-up"). Import errors are left for ``build`` to report.
    """
    try:
        import hardware.gpio_panel  # noqa: F401
        import hardware.printers  # noqa: F401
        import hardware.simulation  # noqa: F401
        import kiosk.checkin.service  # noqa: F401
        import kiosk.staff.desk  # noqa: F401
    except Exception:  # noqa: BLE001 - build() imports them again and says why
        log.debug("importing ahead of build failed", exc_info=True)


def _adopt_hub_state(config: Config, appliance: Appliance) -> None:
    """Leased numbers and the hub's last settings, for every process on the store.

    Offices without a hub skip importing the sync client (and its HTTP library).
    """
    from kiosk.queue import leases

    if config.sync.enabled or leases.leased_lanes(appliance.db):
        from kiosk.sync.worker import adopt_hub_state

        adopt_hub_state(config, appliance)


def checkin_for(config: Config, service: IssuingService) -> CheckinService:
    """Check-in shares the issuing service: one lock, one connection, one printer."""
    from kiosk.checkin.booking_qr import load_public_keys
    from kiosk.checkin.service import CheckinPolicy, CheckinService

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
    """The LAN API for counters and the lobby board, with calls shown, chimed and spoken.

    A port already in use, a missing espeak-ng or a display that cannot start
    is a notice, never a reason for the ticket kiosk not to start. Calling it
    again (e.g. to retry the API on another port) reuses the lobby outputs.
    """
    from kiosk.lan.server import LanApi

    if appliance.call_feed is None:
        start_lobby_outputs(config, appliance, clock)
    feed = appliance.call_feed
    assert feed is not None
    notices = list(appliance.notices)
    try:
        # The API only wakes the feed: the feed announces, so a call is shown and
        # spoken once whichever process or button made it.
        api = LanApi(config, on_call=lambda label, counter: feed.poke(), clock=clock).start()
    except OSError as exc:
        notices.append(f"LAN API {config.lan_api.host}:{config.lan_api.port}: {exc}")
        return None, "; ".join(notices)
    appliance.closers.append(api.close)
    # Calls from other sources (buttons, CLI, staff screen) refresh the web board at
    # once too, instead of at its own next poll.
    feed.subscribe(lambda call: api.feed.poke())
    return api, "; ".join(notices) or None


def start_lobby_outputs(config: Config, appliance: Appliance,
                        clock: Callable[[], datetime] = utc_now) -> CallFeed:
    """Display, chime and voice on the call feed; the counters' GPIO buttons.

    Closers run in reverse: buttons stop first, then the feed (no more
    deliveries), then the devices it drives.
    """
    from hardware.announcer import Announcer
    from kiosk.queue.call_feed import CallFeed

    announcer = Announcer(config.calling.speech or config.spoken_prompts,
                          voice=config.calling.voice)
    appliance.closers.append(announcer.close)
    appliance.announcer = announcer
    if announcer.status:
        appliance.notices.append(announcer.status)
    if appliance.pin_factory is not None:
        _make_display(config, appliance)
    feed = CallFeed(config.database, config.office.code)
    appliance.closers.append(feed.close)
    appliance.call_feed = feed
    display, chime = appliance.display, appliance.chime
    if display is not None:
        feed.subscribe(lambda call: display.show_call(call.label, call.counter))
        feed.on_withdrawn(lambda gone: display.withdraw(gone.label, gone.counter))
    feed.subscribe(_announce(config, announcer, chime))
    simulation = appliance.simulation
    if simulation is not None and hasattr(simulation, "display_changed"):
        simulation.display, simulation.chime = display, chime  # type: ignore[attr-defined]
        feed.subscribe(lambda call: simulation.display_changed())  # type: ignore[attr-defined]
        feed.on_withdrawn(lambda gone: simulation.display_changed())  # type: ignore
    feed.start()
    if appliance.pin_factory is not None:
        _make_counter_buttons(config, appliance, feed, clock)
        if simulation is not None and hasattr(simulation, "counter_buttons"):
            simulation.counter_buttons = appliance.counter_buttons  # type: ignore[attr-defined]
    return feed


def prompt_speaker(config: Config, appliance: Appliance
                   ) -> Callable[[str, str], None] | None:
    """What the kiosk screen speaks prompts with ([screen] spoken_prompts), or None:
    speak(text, language), in the voice for the screen's language.

    The announcer only queues: the screen never waits for espeak-ng.
    """
    if not config.spoken_prompts or appliance.announcer is None:
        return None
    announce = appliance.announcer.announce
    voices = {"id": config.calling.voice, "en": config.calling.voice_english}

    def speak(text: str, language: str) -> None:
        announce(text, voice=voices.get(language, config.calling.voice))

    return speak


def _announce(config: Config, announcer: Any, chime: Any) -> Callable[[FeedCall], None]:
    """Chime, then the spoken call, on the announcer's queue so neither overlaps the last."""
    from kiosk.texts.spoken_numbers import call_text

    def listener(call: FeedCall) -> None:
        if not (announcer.enabled and config.calling.speech):  # on for prompts only
            if chime is not None:
                chime.ring()
            return
        before = (lambda: chime.ring(wait=True)) if chime is not None else None
        stage = {lang: config.stage_name(call.stage, lang) if call.stage else None
                 for lang in ("id", "en")}
        announcer.announce(call_text(call.label, call.counter, "id", stage["id"]),
                           before=before)
        if config.calling.speech_english:
            announcer.announce(call_text(call.label, call.counter, "en", stage["en"]),
                               voice=config.calling.voice_english)

    return listener


def _make_display(config: Config, appliance: Appliance) -> None:
    """The [display] devices on build()'s pin factory; a failure is a notice."""
    from hardware.now_serving import Chime, CounterLamps, SevenSegmentBoard

    display = config.display
    factory = appliance.pin_factory
    try:
        if display.kind == "seven_segment":
            appliance.display = SevenSegmentBoard(
                display.segment_pins, display.digit_pins, factory, dp_pin=display.dp_pin,
                segments_active_high=display.segments_active_high,
                digits_active_high=display.digits_active_high)
        elif display.kind == "lamps":
            appliance.display = CounterLamps(display.lamp_pins, factory)
    except Exception as exc:
        appliance.notices.append(f"Papan nomor / display: {exc}")
        log.exception("display did not start")
    if appliance.display is not None:
        appliance.closers.append(appliance.display.close)
    if display.chime_pin is None:
        return
    try:
        appliance.chime = Chime(display.chime_pin, factory, tonal=display.chime_tonal)
    except Exception as exc:
        appliance.notices.append(f"Bel / chime: {exc}")
        log.exception("chime did not start")
        return
    appliance.closers.append(appliance.chime.close)
    if appliance.chime.notice:
        appliance.notices.append(appliance.chime.notice)


def _make_counter_buttons(config: Config, appliance: Appliance, feed: CallFeed,
                          clock: Callable[[], datetime]) -> None:
    """Each counter's "next"/"recall" buttons act on the store, then wake the feed.

    A press with nobody waiting (or nothing to recall) changes nothing in the
    lobby: a chime there would make applicants look up for a call that is not
    coming. It is logged for staff.
    """
    from hardware.counter_buttons import CounterButtons
    from kiosk.queue.calling import CallRefused
    from kiosk.queue.calling_view import calling_service

    pins = {(c.number, action): pin for c in config.counters
            for action, pin in (("next", c.next_button), ("recall", c.recall_button))
            if pin is not None}
    if not pins:
        return
    db = store.connect(config.database)  # its own: never inside another thread's transaction
    calling = calling_service(config, db, clock)
    lock = threading.Lock()  # gpiozero may run two buttons' handlers on different threads

    def pressed(counter: int, action: str) -> str | None:
        """Call or recall; the reason when nothing happened (the simulation shows it)."""
        with lock:
            result = calling.call_next(counter) if action == "next" else calling.recall(counter)
        if result is None or isinstance(result, CallRefused):
            reason = "nobody_waiting" if result is None else result.reason
            log.info("counter %s %s button: %s", counter, action, reason)
            return reason
        feed.poke()
        return None

    appliance.closers.append(db.close)
    try:
        appliance.counter_buttons = CounterButtons(
            pins, pressed, appliance.pin_factory, bounce_s=config.gpio.bounce_s,
            cooldown_s=config.gpio.cooldown_s)
    except Exception as exc:
        appliance.notices.append(f"Tombol loket / counter buttons: {exc}")
        log.exception("counter buttons did not start")
        return
    appliance.closers.append(appliance.counter_buttons.close)


def start_notify(config: Config, appliance: Appliance,
                 clock: Callable[[], datetime] | None = None) -> Any:
    """The opt-in message worker ([notify] enabled), woken by every call on the feed;
    None when off. Offices without it never import the gateways (or httpx). Its clock
    is the issuing service's unless given: one office day for tickets and messages."""
    if not config.notify.enabled:
        return None
    clock = clock or appliance.service.clock
    from kiosk.notify.gateways import make_gateway
    from kiosk.notify.worker import NotifyWorker

    worker = NotifyWorker(config, config.database, make_gateway(config.notify), clock=clock)
    appliance.notifier = worker
    appliance.closers.append(worker.close)
    if appliance.call_feed is not None:
        appliance.call_feed.subscribe(lambda call: worker.poke())
    return worker.start()


def load_deferred_drivers(appliance: Appliance) -> None:
    """Import the printer drivers and make the booking keys now. Both are left out of
    the first frame (docs/design.md, "Start-up"); the first ticket or scan should not
    wait for them either."""
    from hardware.printers import load_drivers
    from kiosk.checkin.booking_qr import PublicKeys

    load_drivers()
    if appliance.checkin is None:
        return
    keys = appliance.checkin.policy.public_keys
    if isinstance(keys, PublicKeys):
        keys.load_all()


def hardware_probes(config: Config) -> list:
    """`kiosk doctor`'s device checks (printer, camera, GPIO, sound) as kiosk.doctor.runner.Check
    items; built here so the drivers load only when the doctor runs."""
    from hardware.probes import probes

    return probes(config)
