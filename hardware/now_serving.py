"""The lobby's "now serving" outputs, through gpiozero: digits, counter lamps, chime.

Applicants who cannot hear the call (noise, hearing loss, a language they do
not follow) still need to see which number goes to which counter, so every
spoken call is mirrored on lights. All three outputs share one small
interface (``show_call``, ``state``, ``close``) so the app can drive any
combination, and a simulation can draw ``state()`` on screen.

As read from gpiozero 2.0.1's source:

* ``LEDCharDisplay`` loads a default 7-segment font for exactly 7 segment
  pins: space, 0-9 and A B C D E F G H I J L N O P Q R S T U Y (B is drawn as
  a lower-case "b" so it differs from 8). The lanes in use (A, B, P) are all
  there; this module only adds "-" (segment g) for anything that cannot be
  shown (a lane letter like K/M/W, a number above 999, a counter above 9).
* ``LEDMultiCharDisplay`` multiplexes: when the characters differ it starts a
  background thread that lights one digit at a time every ``plex_delay`` s,
  so at any instant only the digits sharing one pattern are lit.
* gpiozero 2.0.1 bug #1213 (fixed upstream by PR #1225, not released): its
  ``__init__`` does not pass ``pin_factory`` to the inner ``plex`` device, so
  gpiozero looks for a *global* default factory -- ``BadPinFactory`` on a
  laptop with MockFactory, and on a Pi it silently installs one. The
  ``_MultiCharDisplay`` subclass below is the same constructor with the fix.
* ``Buzzer.beep`` is ``blink``; ``TonalBuzzer`` needs a PWM-capable pin
  (``MockFactory(pin_class=MockPWMPin)`` in tests) and otherwise raises
  ``PinPWMUnsupported`` -- the chime then falls back to plain beeps.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from typing import Literal, Protocol

from gpiozero import (
    Buzzer,
    CompositeOutputDevice,
    LEDBoard,
    LEDCharDisplay,
    LEDMultiCharDisplay,
    OutputDevice,
    TonalBuzzer,
)
from gpiozero.exc import PinPWMUnsupported
from gpiozero.pins import Factory

log = logging.getLogger(__name__)

Pin = int | str
LampState = Literal["off", "on", "blinking"]

DIGITS = 5  # lane letter, three number digits, counter digit
UNSHOWABLE = "-"
# Segment order a, b, c, d, e, f, g as LEDCharDisplay expects.
EXTRA_GLYPHS: dict[str, tuple[int, ...]] = {UNSHOWABLE: (0, 0, 0, 0, 0, 0, 1)}


class NowServing(Protocol):
    """What the call flow needs from any "now serving" output."""

    def show_call(self, label: str, counter: int) -> None: ...

    def withdraw(self, label: str, counter: int) -> None:
        """``label`` was marked no-show: stop showing it, if it is what is shown."""
        ...

    def state(self) -> str:
        """A one-line description for drawing this output on screen in simulation."""
        ...

    def close(self) -> None: ...


def glass_chars(label: str, counter: int, glyphs: Collection[str]) -> tuple[str, ...]:
    """The 5 characters a board shows for a call: "A012", 3 -> ("A", "0", "1", "2", "3").

    Anything the font cannot draw becomes "-" rather than an error: a wrong
    glyph on the board must never stop the call itself.
    """
    text = label.strip().upper()
    lane, digits = text[:1], text[1:]
    if len(lane) != 1 or not lane.isalpha() or lane not in glyphs:
        lane = UNSHOWABLE
    number = tuple(digits) if len(digits) == 3 and digits.isdigit() else (UNSHOWABLE,) * 3
    desk = str(counter) if isinstance(counter, int) and 0 <= counter <= 9 else UNSHOWABLE
    return (lane, *number, desk)


class _MultiCharDisplay(LEDMultiCharDisplay):
    """LEDMultiCharDisplay whose digit-select ``plex`` also uses our pin factory.

    Mirrors ``LEDMultiCharDisplay.__init__`` of gpiozero 2.0.1 step by step,
    adding only ``pin_factory=`` on the plex (gpiozero #1213 / PR #1225).
    """

    def __init__(
        self, char: LEDCharDisplay, *pins: Pin, active_high: bool = True, pin_factory: Factory
    ) -> None:
        self._plex_thread = None
        self._plex_delay = 0.005
        selects: list[OutputDevice] = []
        try:
            for pin in pins:
                selects.append(OutputDevice(
                    pin, active_high=active_high, initial_value=None, pin_factory=pin_factory
                ))
            plex = CompositeOutputDevice(*selects, pin_factory=pin_factory)
        except Exception:
            for device in selects:
                device.close()
            raise
        CompositeOutputDevice.__init__(self, plex=plex, char=char, pin_factory=pin_factory)
        self.value = (char.value,) * len(pins)


class SevenSegmentBoard:
    """Five multiplexed 7-segment digits: lane letter, ticket number, counter.

    ``segment_pins`` are a..g (shared by all digits); ``digit_pins`` select
    each digit's common cathode/anode through a transistor, left to right.
    Use ``segments_active_high=False`` for common-anode modules.
    """

    def __init__(
        self,
        segment_pins: Sequence[Pin],
        digit_pins: Sequence[Pin],
        pin_factory: Factory,
        *,
        dp_pin: Pin | None = None,
        segments_active_high: bool = True,
        digits_active_high: bool = True,
        plex_delay: float = 0.005,
    ) -> None:
        if len(segment_pins) != 7:
            raise ValueError(f"need 7 segment pins (a..g), got {len(segment_pins)}")
        if len(digit_pins) != DIGITS:
            raise ValueError(f"need {DIGITS} digit-select pins, got {len(digit_pins)}")
        self._lock = threading.Lock()
        self.char = LEDCharDisplay(
            *segment_pins,
            dp=dp_pin,
            active_high=segments_active_high,
            pin_factory=pin_factory,
        )
        try:
            for glyph, pattern in EXTRA_GLYPHS.items():
                self.char.font[glyph] = pattern
            self.display: LEDMultiCharDisplay = _MultiCharDisplay(
                self.char, *digit_pins, active_high=digits_active_high, pin_factory=pin_factory
            )
            self.display.plex_delay = plex_delay
        except Exception:
            self.char.close()
            raise
        self._chars: tuple[str, ...] = (" ",) * DIGITS

    @property
    def chars(self) -> tuple[str, ...]:
        """The five characters currently on the glass (spaces when blank)."""
        return self._chars

    def show_call(self, label: str, counter: int) -> None:
        chars = glass_chars(label, counter, set(self.char.font))
        if UNSHOWABLE in chars:
            log.warning("7-segment board cannot show %r at counter %r; showing %s",
                        label, counter, "".join(chars))
        with self._lock:
            self.display.value = chars
            self._chars = chars

    def withdraw(self, label: str, counter: int) -> None:
        """Blank the board if it shows ``label`` at ``counter`` (marked no-show)."""
        if self._chars == glass_chars(label, counter, set(self.char.font)):
            self.clear()

    def clear(self) -> None:
        """Blank the board (end of day, or the number shown was marked no-show)."""
        with self._lock:
            self.display.value = (" ",) * DIGITS
            self._chars = (" ",) * DIGITS

    def state(self) -> str:
        """The glass as text, ticket and counter apart: "A012 3"; blanks are spaces."""
        return f"{''.join(self._chars[:4])} {self._chars[4]}"

    def close(self) -> None:
        """Stop the multiplex thread and release the pins, digits dark."""
        with self._lock:
            if not self.display.closed:
                # Blank first: stops the multiplex thread and turns every digit off,
                # as some pin libraries keep the last level after close.
                self.display.value = (" ",) * DIGITS
                self.display.close()
            if not self.char.closed:
                self.char.close()

    def __enter__(self) -> SevenSegmentBoard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CounterLamps:
    """One lamp above each counter; the called counter's lamp blinks, then stays on.

    Blinking catches the eye when a call is made; staying on afterwards tells
    latecomers where the last number went. Only the latest call is lit.
    """

    def __init__(
        self,
        pins: Mapping[int, Pin],
        pin_factory: Factory,
        *,
        blink_s: float = 4.0,
        blink_period_s: float = 0.5,
    ) -> None:
        if not pins:
            raise ValueError("CounterLamps needs at least one counter pin")
        self._counters = tuple(sorted(pins))
        self._index = {counter: i for i, counter in enumerate(self._counters)}
        self._half = blink_period_s / 2
        self._cycles = max(1, round(blink_s / blink_period_s))
        self._lock = threading.Lock()
        self._generation = 0
        self._timer: threading.Timer | None = None
        self._closed = False
        self._lit: int | None = None
        self._label: str | None = None  # the number the lit lamp stands for
        self._mode: LampState = "off"
        self.board = LEDBoard(
            *(pins[c] for c in self._counters), initial_value=False, pin_factory=pin_factory
        )

    @property
    def counters(self) -> tuple[int, ...]:
        return self._counters

    def show_call(self, label: str, counter: int) -> None:
        with self._lock:
            if self._closed:
                return
            self._generation += 1
            if self._timer is not None:
                self._timer.cancel()  # a stale timer also checks the generation
                self._timer = None
            self.board.off()
            index = self._index.get(counter)
            if index is None:
                log.warning("no lamp for counter %r (lamps: %s)", counter, self._counters)
                self._lit, self._mode = None, "off"
                return
            self.board[index].blink(
                on_time=self._half, off_time=self._half, n=self._cycles, background=True
            )
            self._lit, self._mode = counter, "blinking"
            self._label = label.strip().upper()
            self._timer = threading.Timer(
                self._cycles * 2 * self._half, self._settle, (self._generation,)
            )
            self._timer.daemon = True
            self._timer.start()

    def withdraw(self, label: str, counter: int) -> None:
        """Dark again if the lit lamp stands for ``label`` at ``counter`` (marked no-show)."""
        with self._lock:
            if self._closed or self._lit != counter or self._label != label.strip().upper():
                return
            self._generation += 1  # a settle timer still pending must not relight it
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self.board.off()
            self._lit, self._label, self._mode = None, None, "off"

    def _settle(self, generation: int) -> None:
        with self._lock:
            if self._closed or generation != self._generation or self._lit is None:
                return
            self.board[self._index[self._lit]].on()  # also stops any blink still running
            self._mode = "on"

    def lamp_states(self) -> dict[int, LampState]:
        """Each counter's lamp as off / on / blinking, for the simulated lobby."""
        with self._lock:
            return {c: (self._mode if c == self._lit else "off") for c in self._counters}

    def state(self) -> str:
        """E.g. "loket 1:off 2:off 3:blinking 4:off"."""
        lamps = " ".join(f"{c}:{mode}" for c, mode in self.lamp_states().items())
        return f"loket {lamps}"

    def close(self) -> None:
        """Stop blinking, turn every lamp off, release the pins."""
        with self._lock:
            self._closed = True
            timer, self._timer = self._timer, None
            if timer is not None:
                timer.cancel()
        if timer is not None and timer is not threading.current_thread():
            timer.join()
        with self._lock:
            if not self.board.closed:
                self.board.off()
                self.board.close()
            self._lit, self._mode = None, "off"

    def __enter__(self) -> CounterLamps:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Chime:
    """A short attention sound before a spoken call.

    ``tonal=False``: an active buzzer on a plain pin, two short beeps.
    ``tonal=True``: a passive buzzer on a PWM pin, a two-note "ding-dong"
    (E5 then C5, inside TonalBuzzer's default A3-A5 range). If the pin cannot
    do PWM the chime falls back to beeps and says so in ``notice``, because
    a missing chime must not stop the kiosk from starting.
    """

    def __init__(
        self,
        pin: Pin,
        pin_factory: Factory,
        *,
        tonal: bool = False,
        beep_s: float = 0.12,
        note_s: float = 0.4,
        notes: Sequence[str] = ("E5", "C5"),
    ) -> None:
        self._beep_s = beep_s
        self._note_s = note_s
        self._notes = tuple(notes)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._player: threading.Thread | None = None
        self._until = 0.0
        self.notice: str | None = None
        self.device: Buzzer | TonalBuzzer
        self.tonal = tonal
        if tonal:
            try:
                self.device = TonalBuzzer(pin, pin_factory=pin_factory)
            except PinPWMUnsupported:
                self.tonal = False
                self.notice = (f"pin {pin} tidak mendukung PWM; bel memakai bunyi bip biasa "
                               "(pakai buzzer aktif atau pin dengan PWM)")
                log.warning("chime: %s", self.notice)
        if not self.tonal:
            self.device = Buzzer(pin, initial_value=False, pin_factory=pin_factory)

    @property
    def duration_s(self) -> float:
        if self.tonal:
            return self._note_s * len(self._notes)
        return self._beep_s * 4  # two beeps, each followed by a gap

    def ring(self, wait: bool = False) -> None:
        """Sound the chime; ``wait=True`` returns only when it has finished.

        Pass ``lambda: chime.ring(wait=True)`` as the announcer's ``before``
        hook so the chime and the voice never overlap.
        """
        with self._lock:
            if self.device.closed:
                return
            self._cancel_player()
            self._until = time.monotonic() + self.duration_s
            if not self.tonal:
                assert isinstance(self.device, Buzzer)
                self.device.beep(on_time=self._beep_s, off_time=self._beep_s, n=2, background=True)
                player = None
            else:
                self._stop = threading.Event()
                player = threading.Thread(
                    target=self._play, args=(self._stop,), name="chime", daemon=True
                )
                self._player = player
                player.start()
        if wait:
            if player is not None:
                player.join()
            else:
                remaining = self._until - time.monotonic()
                if remaining > 0:
                    time.sleep(remaining)

    def _cancel_player(self) -> None:
        self._stop.set()
        if self._player is not None:
            self._player.join()
            self._player = None

    def _play(self, stop: threading.Event) -> None:
        assert isinstance(self.device, TonalBuzzer)
        try:
            for note in self._notes:
                if stop.is_set():
                    break
                self.device.play(note)
                if stop.wait(self._note_s):
                    break
        except Exception:
            log.exception("chime failed")
        finally:
            if not self.device.closed:
                self.device.stop()

    def show_call(self, label: str, counter: int) -> None:
        """Ring without waiting (the common interface; the label is not used)."""
        self.ring()

    def withdraw(self, label: str, counter: int) -> None:
        """Nothing to take back: a chime has already sounded."""

    def state(self) -> str:
        """"ringing" while the chime sounds, otherwise "silent"."""
        return "ringing" if time.monotonic() < self._until else "silent"

    def close(self) -> None:
        """Silence the buzzer and release the pin."""
        with self._lock:
            self._cancel_player()
            if not self.device.closed:
                if isinstance(self.device, Buzzer):
                    self.device.off()
                else:
                    self.device.stop()
                self.device.close()
            self._until = 0.0

    def __enter__(self) -> Chime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
