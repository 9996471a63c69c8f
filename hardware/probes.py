"""`kiosk doctor`'s device checks: printer, camera, GPIO pins and the espeak-ng voice.

Each probe uses the same adapters the kiosk runs on (make_printer,
make_frame_source, make_pin_factory, espeak-ng) so a pass means the kiosk's
own code path works, and each bounds its own waiting. When the kiosk is
running it owns the printer, camera and pins; "busy" is explained as that,
not reported as a broken device.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import cv2
from escpos.printer import File, Network
from gpiozero import LED, Button
from gpiozero.exc import GPIOPinInUse
from gpiozero.pins.mock import MockFactory

from hardware.camera import make_frame_source
from hardware.gpio_panel import make_pin_factory
from hardware.printers import DRIVER_ERRORS, EscposTicketPrinter, describe, explain, make_printer
from hardware.sim_printer import SimulationPrinter
from kiosk.config import Config
from kiosk.doctor.gpio_checks import buttons_note, more_buttons, reserved_pin_finding
from kiosk.doctor.runner import Check, CheckResult, check, result
from kiosk.doctor.system_checks import kiosk_running, run_command
from kiosk.ports import PaperStatus

CONNECT_TIMEOUT_S = 3.0  # a printer or camera that needs longer is reported as not answering
CAMERA_WAIT_S = 3.0  # USB cameras often give no frame for the first few reads
SPOKEN_SAMPLE = "satu"


def probes(config: Config) -> list[Check]:
    return [
        check("printer", lambda: printer_probe(config)),
        check("camera", lambda: camera_probe(config)),
        check("gpio", lambda: gpio_probe(config)),
        check("sound", lambda: sound_probe(config)),
    ]


# -- printer ----------------------------------------------------------------------------------


def printer_probe(config: Config) -> CheckResult:
    printer = make_printer(config.printer)
    try:
        if isinstance(printer, SimulationPrinter):
            return _simulation_printer(printer)
        assert isinstance(printer, EscposTicketPrinter)
        return _escpos_printer(printer)
    finally:
        printer.close()


def _simulation_printer(printer: SimulationPrinter) -> CheckResult:
    folder = _existing(printer.output.parent)
    if not os.access(folder, os.W_OK) or (printer.output.exists()
                                          and not os.access(printer.output, os.W_OK)):
        return result("printer", "fail", "doctor.printer.sim_unwritable",
                      "doctor.printer.sim_unwritable.fix", path=str(printer.output))
    return result("printer", "pass", "doctor.printer.sim_ok", path=str(printer.output))


def _existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def _escpos_printer(printer: EscposTicketPrinter) -> CheckResult:
    """Ask for the paper sensor (DLE EOT 4); if no answer, tell 'unreachable' from 'silent'."""
    where = describe(printer.open_device())  # builds the device object only: no I/O yet
    status = printer.paper_status()  # bounded by [printer] status_timeout_s
    if status is PaperStatus.OK:
        return result("printer", "pass", "doctor.printer.ok", where=where)
    if status is PaperStatus.LOW:
        return result("printer", "warn", "doctor.printer.low", "doctor.printer.low.fix",
                      where=where)
    if status is PaperStatus.OUT:
        return result("printer", "fail", "doctor.printer.out", "doctor.printer.out.fix",
                      where=where)
    printer.close()  # drop the connection paper_status may have kept, before opening our own
    return _reachable_without_status(printer, where)


def _reachable_without_status(printer: EscposTicketPrinter, where: str) -> CheckResult:
    device = printer.open_device()
    if isinstance(device, File):
        # Opening a File device truncates a regular file: look, do not touch.
        path = Path(device.devfile)
        if path.exists() and os.access(path, os.W_OK):
            return result("printer", "pass", "doctor.printer.write_only", where=where)
        return result("printer", "fail", "doctor.printer.file_missing",
                      "doctor.printer.file_missing.fix", where=where)
    if isinstance(device, Network):
        device.timeout = min(float(device.timeout), CONNECT_TIMEOUT_S)
    try:
        device.open()
    except DRIVER_ERRORS as exc:
        text = str(exc).lower()
        # USB says "busy"; a one-connection network printer keeps a second client waiting.
        if "busy" in text or ("timed out" in text and kiosk_running()):
            return result("printer", "warn", "doctor.printer.busy", "doctor.printer.busy.fix",
                          where=where, detail=str(exc))
        return result("printer", "fail", "doctor.printer.unreachable",
                      "doctor.printer.unreachable.fix", where=where,
                      detail=explain(exc, where, None))
    finally:
        with contextlib.suppress(Exception):
            device.close()
    return result("printer", "warn", "doctor.printer.silent", "doctor.printer.silent.fix",
                  where=where, seconds=f"{printer.status_timeout_s:g}")


# -- camera -----------------------------------------------------------------------------------


def camera_probe(config: Config, wait_s: float = CAMERA_WAIT_S) -> CheckResult:
    source = config.camera.source
    if not source:
        return result("camera", "skip", "doctor.camera.none", "doctor.camera.none.fix")
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)  # no V4L2 chatter
    try:
        frames = make_frame_source(source)
    except ValueError as exc:
        is_device = source.isdigit() or source.startswith("/dev/")
        if config.simulation and not is_device and not Path(source).exists():
            return result("camera", "warn", "doctor.camera.sim_missing",
                          "doctor.camera.sim_missing.fix", source=source)
        return result("camera", "fail", "doctor.camera.bad_source",
                      "doctor.camera.bad_source.fix", source=source, detail=str(exc))
    deadline = time.monotonic() + wait_s
    try:
        while True:
            frame = frames.read()
            if frame is not None:
                return result("camera", "pass", "doctor.camera.ok", source=source,
                              width=frame.shape[1], height=frame.shape[0])
            if time.monotonic() >= deadline:
                break
            time.sleep(0.2)
    finally:
        frames.close()
    if (source.isdigit() or source.startswith("/dev/")) and kiosk_running():
        return result("camera", "warn", "doctor.camera.busy", "doctor.camera.busy.fix",
                      source=source)
    return result("camera", "fail", "doctor.camera.no_frame", "doctor.camera.no_frame.fix",
                  source=source, seconds=f"{wait_s:g}")


# -- GPIO -------------------------------------------------------------------------------------


def gpio_probe(config: Config, factory=None) -> CheckResult:
    """Load the pin factory and claim every button and the paper lamp, then let go of them.

    The buttons of other services and of the counters are claimed too: a pin the
    kiosk cannot use shows here, not as a button that does nothing. A pin outside
    BCM 2-27 that works is still a warning (kiosk/doctor/gpio_checks.py).

    ``factory``: an already-running factory (the tests pass the one a panel
    holds, as a running kiosk would); by default the one the kiosk would make.
    """
    gpio = config.gpio
    choice = "mock" if config.simulation else gpio.pin_factory
    own_factory = factory is None
    try:
        factory = factory or make_pin_factory(choice)
    except (RuntimeError, ValueError) as exc:
        return result("gpio", "fail", "doctor.gpio.factory_failed",
                      "doctor.gpio.factory_failed.fix", detail=str(exc))
    claimed = []
    pins = {"walkin": gpio.walkin_button, "priority": gpio.priority_button,
            "led": gpio.paper_led}
    claims = [*pins.items(), *more_buttons(config)]
    try:
        for role, pin in claims:
            try:
                if role == "led":
                    claimed.append(LED(pin, initial_value=False, pin_factory=factory))
                else:
                    claimed.append(Button(pin, pull_up=True, pin_factory=factory))
            except Exception as exc:
                if isinstance(exc, GPIOPinInUse) or "busy" in str(exc).lower():
                    return result("gpio", "warn", "doctor.gpio.busy", "doctor.gpio.busy.fix",
                                  pin=pin, detail=str(exc))
                return result("gpio", "fail", "doctor.gpio.pin_failed",
                              "doctor.gpio.pin_failed.fix", pin=pin, detail=str(exc))
    finally:
        for device in claimed:
            with contextlib.suppress(Exception):
                device.close()
        if own_factory:
            with contextlib.suppress(Exception):
                factory.close()
    if isinstance(factory, MockFactory) and not config.simulation:
        return result("gpio", "warn", "doctor.gpio.not_pi", "doctor.gpio.not_pi.fix")
    if (reserved := reserved_pin_finding(config)) is not None:
        return reserved
    if isinstance(factory, MockFactory):
        return result("gpio", "pass", "doctor.gpio.mock_ok", more=buttons_note(config), **pins)
    return result("gpio", "pass", "doctor.gpio.ok", factory=type(factory).__name__,
                  more=buttons_note(config), **pins)


# -- sound ------------------------------------------------------------------------------------


def find_voice(listing: str, voice: str) -> str | None:
    """The voice's name in `espeak-ng --voices` output, matching how ``-v`` resolves it
    (language code, voice name or voice file), or None; "+f3"-style variants are ignored."""
    wanted = voice.split("+", 1)[0].strip().lower()
    for line in listing.splitlines()[1:]:
        parts = line.split()
        if len(parts) < 5:
            continue
        language, name, voice_file = parts[1].lower(), parts[3], parts[4].lower()
        if wanted in (language, name.lower(), voice_file, voice_file.rsplit("/", 1)[-1]):
            return name
    return None


def sound_probe(config: Config, command: str = "espeak-ng") -> CheckResult:
    calling = config.calling
    if not (calling.speech or config.spoken_prompts):
        return result("sound", "skip", "doctor.sound.off")
    # (config key, voice): English calls and English-screen prompts use their own voice.
    voices = [("voice", calling.voice)]
    if calling.voice_english != calling.voice and (
            (calling.speech and calling.speech_english) or config.spoken_prompts):
        voices.append(("voice_english", calling.voice_english))
    if shutil.which(command) is None:
        return result("sound", "fail", "doctor.sound.missing", "doctor.sound.missing.fix")
    listing = run_command([command, "--voices"])
    if listing is None or listing.returncode != 0:
        detail = "no answer" if listing is None else (listing.stderr.strip() or
                                                      f"exit {listing.returncode}")
        return result("sound", "fail", "doctor.sound.failed", "doctor.sound.failed.fix",
                      detail=detail)
    names = [find_voice(listing.stdout, voice) for _key, voice in voices]
    for (key, voice), found in zip(voices, names, strict=True):
        if found is None:
            return result("sound", "fail", "doctor.sound.no_voice",
                          "doctor.sound.no_voice.fix", voice=voice, setting=key)
    name = ", ".join(str(found) for found in names)
    # Speak into a WAV file: proves the voice loads (an MBROLA voice may be listed
    # without its MBROLA data) without making noise in the lobby.
    for _key, voice in voices:
        with tempfile.TemporaryDirectory() as folder:
            wav = Path(folder) / "doctor.wav"
            spoken = run_command([command, "-v", voice, "-w", str(wav), "--", SPOKEN_SAMPLE])
            size = wav.stat().st_size if wav.exists() else 0
        if spoken is None or spoken.returncode != 0 or size <= 44:  # 44: an empty WAV header
            detail = "no answer" if spoken is None else (spoken.stderr.strip()[:200] or
                                                         f"exit {spoken.returncode}, {size} bytes")
            return result("sound", "fail", "doctor.sound.failed", "doctor.sound.failed.fix",
                          detail=f"{voice}: {detail}")
    return result("sound", "pass", "doctor.sound.ok",
                  voice='", "'.join(voice for _key, voice in voices), name=name)
