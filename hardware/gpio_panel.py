"""The kiosk's two big push buttons and the paper/fault lamp, via gpiozero.

The same code runs on the Pi (real pins) and on a laptop (gpiozero's
MockFactory, with keyboard keys "pressing" the mock pins), so simulation
exercises the real gpiozero Button path rather than a parallel fake.

Threading, as read from gpiozero 2.0.1's source:

* On real pins (lgpio, RPi.GPIO, native) ``when_pressed`` runs on the pin
  library's own event thread, so the press filter below takes a lock and
  ``on_press`` must hand work off quickly (e.g. to a queue or the UI loop).
* With MockFactory, ``MockPin.drive_low()`` calls the Button's callbacks
  synchronously in the caller's thread: ``simulate_press`` runs ``on_press``
  before it returns, on whichever thread pressed the key.
* MockPin stores ``bounce`` but does not emulate it, and the real factories
  debounce differently (lgpio: glitch filter; native/RPi.GPIO: ignore edges
  for a while), so this module applies its own bounce window on top.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from gpiozero import LED, Button, Device
from gpiozero.pins import Factory
from gpiozero.pins.mock import MockFactory

from kiosk.config import GpioConfig

log = logging.getLogger(__name__)

PIN_FACTORIES = ("auto", "mock", "lgpio", "rpigpio", "native")

# factory name -> (module, class, what to do when it cannot load)
_EXPLICIT_FACTORIES: dict[str, tuple[str, str, str]] = {
    "lgpio": (
        "gpiozero.pins.lgpio",
        "LGPIOFactory",
        "install it with `sudo apt install python3-lgpio` (and create the venv with "
        "--system-site-packages) or `pip install lgpio`",
    ),
    "rpigpio": (
        "gpiozero.pins.rpigpio",
        "RPiGPIOFactory",
        "install it with `sudo apt install python3-rpi.gpio` or `pip install RPi.GPIO` "
        "(RPi.GPIO does not support the Pi 5; use lgpio there)",
    ),
    "native": (
        "gpiozero.pins.native",
        "NativeFactory",
        "it only works on a Raspberry Pi with /dev/gpiomem; use pin_factory = \"mock\" "
        "to simulate elsewhere",
    ),
}

DEVICE_TREE_MODEL = Path("/proc/device-tree/model")


def running_on_pi(model_file: Path = DEVICE_TREE_MODEL) -> bool:
    """True on a Raspberry Pi, so "auto" never tries real GPIO on a laptop."""
    try:
        model = model_file.read_bytes().decode("ascii", errors="replace")
    except OSError:
        return False
    return "Raspberry Pi" in model


def make_pin_factory(choice: str) -> Factory:
    """Build the pin factory named in [gpio] pin_factory.

    The factory is returned, not installed as gpiozero's global default, so
    several panels (e.g. in tests) can each use their own.
    """
    if choice == "mock":
        return MockFactory()
    if choice == "auto":
        if not running_on_pi():
            return MockFactory()
        try:
            # gpiozero's own preference order (lgpio, RPi.GPIO, pigpio, native)
            # and its GPIOZERO_PIN_FACTORY override; it does not touch the global.
            return Device._default_pin_factory()
        except Exception as exc:
            raise RuntimeError(
                f"pin_factory \"auto\": no GPIO library could drive the pins on this Pi "
                f"({exc}); install python3-lgpio (`sudo apt install python3-lgpio`) "
                f"or set [gpio] pin_factory explicitly"
            ) from exc
    if choice not in _EXPLICIT_FACTORIES:
        raise ValueError(f"unknown pin_factory {choice!r}; expected one of {PIN_FACTORIES}")
    module_name, class_name, fix = _EXPLICIT_FACTORIES[choice]
    try:
        module = __import__(module_name, fromlist=[class_name])
        return getattr(module, class_name)()
    except Exception as exc:
        raise RuntimeError(
            f"pin_factory \"{choice}\" ({class_name}) could not start: {exc}; {fix}"
        ) from exc


class _PressFilter:
    """Per-button memory deciding whether a press should print a ticket."""

    def __init__(self) -> None:
        self.last_accepted: float | None = None
        self.last_edge: float | None = None


class ButtonPanel:
    """The walk-in ("A") and priority ("P") buttons, one ticket per deliberate press.

    A press is ignored when it comes within ``bounce_s`` of the button's
    previous edge (contact bounce, including bounce on release) or within
    ``cooldown_s`` of the button's last accepted press (a hand resting on or
    slapping the button). Each button has its own window, so a walk-in
    applicant cannot lock out the priority button.
    """

    def __init__(
        self,
        gpio: GpioConfig,
        on_press: Callable[[str], None],
        pin_factory: Factory,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_press = on_press
        self._clock = clock
        self._cooldown_s = float(gpio.cooldown_s)
        self._bounce_s = float(gpio.bounce_s)
        self._factory = pin_factory
        self._lock = threading.Lock()
        pins = {"A": gpio.walkin_button, "P": gpio.priority_button, **gpio.service_buttons}
        self._filters = {lane: _PressFilter() for lane in pins}
        self._ignored = 0
        self.buttons: dict[str, Button] = {}
        bounce_time = gpio.bounce_s or None
        try:
            for lane, pin in pins.items():
                button = Button(
                    pin, pull_up=True, bounce_time=bounce_time, pin_factory=pin_factory
                )
                self.buttons[lane] = button
                button.when_pressed = self._make_handler(lane, pressed=True)
                button.when_released = self._make_handler(lane, pressed=False)
        except Exception:
            self.close()
            raise

    def _make_handler(self, lane: str, *, pressed: bool) -> Callable[[], None]:
        # A closure with no parameters: gpiozero inspects handler signatures.
        if pressed:
            return lambda: self._pressed(lane)
        return lambda: self._released(lane)

    @property
    def ignored_presses(self) -> int:
        """Presses swallowed by the bounce/cooldown filter (staff diagnostics)."""
        with self._lock:
            return self._ignored

    @property
    def simulated(self) -> bool:
        """True when the pins are gpiozero mock pins driven by the keyboard."""
        return isinstance(self._factory, MockFactory)

    def _released(self, lane: str) -> None:
        now = self._clock()
        with self._lock:
            self._filters[lane].last_edge = now

    def _pressed(self, lane: str) -> None:
        now = self._clock()
        with self._lock:
            state = self._filters[lane]
            bouncing = state.last_edge is not None and now - state.last_edge < self._bounce_s
            cooling = (
                state.last_accepted is not None and now - state.last_accepted < self._cooldown_s
            )
            state.last_edge = now
            if bouncing or cooling:
                self._ignored += 1
                return
            state.last_accepted = now
        # Outside the lock: a slow on_press must not block the other button.
        try:
            self._on_press(lane)
        except Exception:
            # Raising here would unwind into gpiozero's event thread (real pins)
            # or leave a mock pin stuck low mid-press (simulation).
            log.exception("on_press(%r) failed", lane)

    def simulate_press(self, lane: str) -> None:
        """Press and release a mock button so the real gpiozero Button path runs.

        With MockFactory the callbacks run synchronously, so any accepted
        press has reached ``on_press`` by the time this returns.
        """
        if not self.simulated:
            raise RuntimeError(
                "simulate_press needs pin_factory = \"mock\"; these are real GPIO pins"
            )
        try:
            button = self.buttons[lane]
        except KeyError:
            raise ValueError(f"no button for lane {lane!r}; expected one of "
                             f"{', '.join(self.buttons)}") from None
        pin = button.pin
        try:
            pin.drive_low()
        finally:
            pin.drive_high()

    def close(self) -> None:
        """Release the pins and stop gpiozero's hold threads.

        gpiozero keys event handlers by id(device); closing removes them so a
        later device that reuses the id cannot inherit a stale handler.
        """
        for button in self.buttons.values():
            button.close()
        self.buttons.clear()

    def __enter__(self) -> ButtonPanel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


LampState = Literal["off", "on", "blinking"]


class FaultLamp:
    """StatusLamp on a GPIO LED: steady for a fault, blinking for paper out etc.

    Repeated calls with the same state are ignored, because restarting
    gpiozero's blink thread on every status poll would make the blink stutter.
    """

    def __init__(self, gpio: GpioConfig, pin_factory: Factory, blink_s: float = 0.5) -> None:
        self._blink_s = blink_s
        self._lock = threading.Lock()
        self._state: LampState = "off"
        self.led = LED(gpio.paper_led, initial_value=False, pin_factory=pin_factory)

    @property
    def state(self) -> LampState:
        """What the lamp is doing, for the simulated lamp on screen."""
        return self._state

    def set_fault(self, on: bool, blinking: bool = False) -> None:
        wanted: LampState = ("blinking" if blinking else "on") if on else "off"
        with self._lock:
            if wanted == self._state:
                return
            if wanted == "blinking":
                self.led.blink(on_time=self._blink_s, off_time=self._blink_s, background=True)
            elif wanted == "on":
                self.led.on()
            else:
                self.led.off()
            self._state = wanted

    def close(self) -> None:
        """Stop the blink thread and release the pin (the LED goes dark)."""
        with self._lock:
            if not self.led.closed:
                self.led.off()  # some pin libraries leave the last level on close
                self.led.close()
            self._state = "off"
