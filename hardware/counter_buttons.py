"""Push buttons at the counters ("next", "recall"), wired to the Pi, via gpiozero.

For small offices with no staff PC at each desk. Like the lobby's ticket
buttons (hardware/gpio_panel.py), each button has its own bounce window and
cooldown: a second "next" within the cooldown would end the current
applicant's service and call someone else, which staff cannot undo.

Threading: on real pins ``on_press`` runs on the pin library's event thread
(the caller does its store transaction there, a few milliseconds); with
MockFactory it runs synchronously inside ``simulate_press``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gpiozero import Button
from gpiozero.pins import Factory
from gpiozero.pins.mock import MockFactory

log = logging.getLogger(__name__)

ACTIONS = ("next", "recall")
# (counter number, "next" | "recall") -> why the press did nothing (None: it called/recalled)
OnPress = Callable[[int, str], "str | None"]


@dataclass
class _Window:
    last_accepted: float | None = None
    last_edge: float | None = None


class CounterButtons:
    """``pins`` maps (counter, action) to a GPIO number; buttons pull the pin to ground."""

    def __init__(
        self,
        pins: Mapping[tuple[int, str], int | str],
        on_press: OnPress,
        pin_factory: Factory,
        *,
        bounce_s: float = 0.05,
        cooldown_s: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for counter, action in pins:
            if action not in ACTIONS:
                raise ValueError(f"counter {counter}: unknown button {action!r}; "
                                 f"expected one of {ACTIONS}")
        self._on_press, self._clock = on_press, clock
        self._bounce_s, self._cooldown_s = float(bounce_s), float(cooldown_s)
        self._factory = pin_factory
        self._lock = threading.Lock()
        self._windows = {key: _Window() for key in pins}
        self._outcomes: dict[tuple[int, str], str | None] = {}
        self._ignored = 0
        self.buttons: dict[tuple[int, str], Button] = {}
        try:
            for key, pin in pins.items():
                button = Button(pin, pull_up=True, bounce_time=bounce_s or None,
                                pin_factory=pin_factory)
                self.buttons[key] = button
                button.when_pressed = self._handler(key, pressed=True)
                button.when_released = self._handler(key, pressed=False)
        except Exception:
            self.close()
            raise

    def _handler(self, key: tuple[int, str], *, pressed: bool) -> Callable[[], None]:
        # No parameters: gpiozero inspects handler signatures.
        if pressed:
            return lambda: self._pressed(key)
        return lambda: self._released(key)

    @property
    def simulated(self) -> bool:
        return isinstance(self._factory, MockFactory)

    @property
    def ignored_presses(self) -> int:
        with self._lock:
            return self._ignored

    def _released(self, key: tuple[int, str]) -> None:
        now = self._clock()
        with self._lock:
            self._windows[key].last_edge = now

    def _pressed(self, key: tuple[int, str]) -> None:
        now = self._clock()
        with self._lock:
            window = self._windows[key]
            bouncing = window.last_edge is not None and now - window.last_edge < self._bounce_s
            cooling = (window.last_accepted is not None
                       and now - window.last_accepted < self._cooldown_s)
            window.last_edge = now
            if bouncing or cooling:
                self._ignored += 1
                self._outcomes[key] = "ignored"
                return
            window.last_accepted = now
        try:
            outcome = self._on_press(*key)
        except Exception:
            # Never unwind into gpiozero's event thread or leave a mock pin half-pressed.
            log.exception("counter %s %s button failed", *key)
            outcome = "failed"
        with self._lock:
            self._outcomes[key] = outcome

    def outcome(self, counter: int, action: str) -> str | None:
        """Why the last press of this button did nothing ("nobody_waiting", "no_current",
        "ignored", "failed"), or None when it called or recalled someone."""
        with self._lock:
            return self._outcomes.get((counter, action))

    def simulate_press(self, counter: int, action: str) -> bool:
        """Press and release a mock button; False when that counter has no such button."""
        if not self.simulated:
            raise RuntimeError("simulate_press needs mock pins; these are real GPIO pins")
        button = self.buttons.get((counter, action))
        if button is None:
            return False
        try:
            button.pin.drive_low()
        finally:
            button.pin.drive_high()
        return True

    def close(self) -> None:
        for button in self.buttons.values():
            button.close()
        self.buttons.clear()

    def __enter__(self) -> CounterButtons:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
