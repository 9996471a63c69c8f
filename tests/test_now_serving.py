"""The lobby sees the called number on real gpiozero devices (MockFactory pins).

The 7-segment board is multiplexed by a gpiozero thread, so pin levels at
any one instant show only one digit. Instead of sampling, the pins record
every change in one ordered log, and the test replays it: whenever a digit
is switched on, the segment pins must hold that digit's pattern, and no
segment may change while a digit is lit (that would be ghosting).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from gpiozero.pins.mock import MockFactory, MockPin, MockPWMPin
from gpiozero.tones import Tone

from hardware.now_serving import Chime, CounterLamps, SevenSegmentBoard, glass_chars
from tests.conftest import wait_until as shared_wait_until

SEGMENTS = (5, 6, 13, 19, 26, 16, 20)  # a, b, c, d, e, f, g
DIGIT_SELECT = (21, 12, 25, 24, 23)  # left to right
LAMPS = {1: 4, 2: 17, 3: 27, 4: 22}
BUZZER = 18

# Drawn by hand (a, b, c, d, e, f, g), independent of gpiozero's font file.
PATTERN = {
    "A": (1, 1, 1, 0, 1, 1, 1),
    "B": (0, 0, 1, 1, 1, 1, 1),  # lower-case b, so it differs from 8
    "P": (1, 1, 0, 0, 1, 1, 1),
    "0": (1, 1, 1, 1, 1, 1, 0),
    "1": (0, 1, 1, 0, 0, 0, 0),
    "2": (1, 1, 0, 1, 1, 0, 1),
    "3": (1, 1, 1, 1, 0, 0, 1),
    "5": (1, 0, 1, 1, 0, 1, 1),
    "7": (1, 1, 1, 0, 0, 0, 0),
}


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    return shared_wait_until(condition, timeout)


class PinLog:
    """One ordered record of every pin change on a MockFactory."""

    def __init__(self) -> None:
        self.events: list[tuple[int, bool]] = []
        self.lock = threading.Lock()

    def factory(self) -> MockFactory:
        log = self

        class RecordingPin(MockPin):
            def _change_state(self, value: bool) -> bool:
                with log.lock:  # the change and its record are one step
                    changed = super()._change_state(value)
                    if changed:
                        log.events.append((int(self.info.name.removeprefix("GPIO")), value))
                return changed

        return MockFactory(pin_class=RecordingPin)

    def snapshot(self) -> list[tuple[int, bool]]:
        with self.lock:
            return list(self.events)


def replay(events: list[tuple[int, bool]], segments_on: bool) -> dict[int, list[tuple[int, ...]]]:
    """Segment patterns seen each time a digit was switched on; asserts no ghosting."""
    level = {pin: False for pin in (*SEGMENTS, *DIGIT_SELECT)}
    seen: dict[int, list[tuple[int, ...]]] = {i: [] for i in range(len(DIGIT_SELECT))}
    for pin, value in events:
        level[pin] = value
        if pin in SEGMENTS:
            lit = [d for d in DIGIT_SELECT if level[d]]
            assert not lit, f"segment GPIO{pin} changed while digit pins {lit} were lit"
        elif value:
            pattern = tuple(int(level[s] == segments_on) for s in SEGMENTS)
            seen[DIGIT_SELECT.index(pin)].append(pattern)
    return seen


@pytest.mark.parametrize("common_anode", [False, True], ids=["cathode", "anode"])
@pytest.mark.parametrize(
    ("label", "counter", "glass"),
    [("A012", 3, "A0123"), ("A011", 1, "A0111")],  # the second repeats one pattern 3 times
)
def test_seven_segment_board_shows_lane_number_and_counter(
    common_anode: bool, label: str, counter: int, glass: str
) -> None:
    pins = PinLog()
    factory = pins.factory()
    board = SevenSegmentBoard(
        SEGMENTS, DIGIT_SELECT, factory, segments_active_high=not common_anode
    )
    # gpiozero #1213: the digit-select plex must use our factory, not a global one.
    assert board.display.plex.pin_factory is factory
    try:
        assert board.state() == " " * 6  # same width as "A012 3"
        board.show_call(label, counter)
        assert board.chars == tuple(glass)
        assert board.state() == f"{label} {counter}"
        assert board.display.value == tuple(glass)

        def every_digit_shown_twice() -> bool:
            seen = replay(pins.snapshot(), segments_on=not common_anode)
            return all(len(patterns) >= 2 for patterns in seen.values())

        assert wait_until(every_digit_shown_twice)
        seen = replay(pins.snapshot(), segments_on=not common_anode)
        for index, char in enumerate(glass):
            assert set(seen[index]) == {PATTERN[char]}, f"digit {index} should show {char!r}"
        # Spelled out for the lane letter A: segment a (GPIO5) and g (GPIO20) lit, d (GPIO19)
        # dark, read from the replayed pin levels rather than from the font table.
        lane = seen[0][0]
        assert (lane[SEGMENTS.index(5)], lane[SEGMENTS.index(20)], lane[SEGMENTS.index(19)]) == (
            1, 1, 0)
    finally:
        board.close()
    level: dict[int, bool] = {}
    for pin, value in pins.snapshot():
        level[pin] = value
    assert not any(level.get(d, False) for d in DIGIT_SELECT), "closing leaves every digit dark"
    assert board.display.closed and board.char.closed


def test_board_shows_other_lanes_and_blanks() -> None:
    pins = PinLog()
    with SevenSegmentBoard(SEGMENTS, DIGIT_SELECT, pins.factory()) as board:
        board.show_call("B105", 7)
        assert board.state() == "B105 7"
        board.show_call("p003", 1)
        assert board.state() == "P003 1"

        def lane_letter_is_p() -> bool:
            seen = replay(pins.snapshot(), segments_on=True)
            return bool(seen[0]) and seen[0][-1] == PATTERN["P"]

        assert wait_until(lane_letter_is_p)
        board.clear()
        assert board.state() == " " * 6  # same width as "A012 3"
        assert board.display.value == (" ",) * 5


def test_unshowable_characters_become_dashes() -> None:
    glyphs = set("0123456789ABP ")
    assert glass_chars("A012", 3, glyphs) == ("A", "0", "1", "2", "3")
    assert glass_chars("K012", 3, glyphs) == ("-", "0", "1", "2", "3")
    assert glass_chars("A1000", 3, glyphs) == ("A", "-", "-", "-", "3")
    assert glass_chars("A012", 12, glyphs) == ("A", "0", "1", "2", "-")
    with SevenSegmentBoard(SEGMENTS, DIGIT_SELECT, MockFactory()) as board:
        board.show_call("M001", 10)  # gpiozero's font has no M: shown, not raised
        assert board.state() == "-001 -"


def test_board_rejects_wrong_pin_counts() -> None:
    with pytest.raises(ValueError, match="7 segment pins"):
        SevenSegmentBoard(SEGMENTS[:6], DIGIT_SELECT, MockFactory())
    with pytest.raises(ValueError, match="5 digit-select pins"):
        SevenSegmentBoard(SEGMENTS, DIGIT_SELECT[:4], MockFactory())


def lamp_pin(lamps: CounterLamps, counter: int) -> MockPin:
    return lamps.board[lamps.counters.index(counter)].pin


def test_called_counter_lamp_blinks_then_stays_on_and_others_stay_off() -> None:
    # 2 s of blinking: "blinking" stays observable through a stall on a loaded machine.
    lamps = CounterLamps(LAMPS, MockFactory(), blink_s=2.0, blink_period_s=0.2)
    pins = {c: lamp_pin(lamps, c) for c in LAMPS}
    try:
        lamps.show_call("A012", 3)
        assert lamps.lamp_states()[3] == "blinking"
        assert wait_until(lambda: lamps.lamp_states()[3] == "on")
        pin3 = lamp_pin(lamps, 3)
        assert pin3.state is True
        assert [s.state for s in pin3.states].count(True) >= 3  # it really blinked
        for counter in (1, 2, 4):
            assert lamp_pin(lamps, counter).state is False
            assert [s.state for s in lamp_pin(lamps, counter).states] == [False]
        assert lamps.state() == "loket 1:off 2:off 3:on 4:off"
    finally:
        lamps.close()
    assert not any(pin.state for pin in pins.values())
    assert lamps.board.closed


def test_new_call_moves_the_lamp_and_a_stale_timer_does_not_relight() -> None:
    lamps = CounterLamps(LAMPS, MockFactory(), blink_s=0.04, blink_period_s=0.02)
    with lamps:
        lamps.show_call("A012", 3)
        lamps.show_call("A013", 1)  # while lamp 3 is still blinking
        assert wait_until(lambda: lamps.lamp_states()[1] == "on")
        time.sleep(0.05)  # past the first call's settle time
        assert lamp_pin(lamps, 3).state is False
        assert lamp_pin(lamps, 1).state is True
        lamps.show_call("A014", 9)  # no lamp for counter 9: all dark, no error
        assert lamps.state() == "loket 1:off 2:off 3:off 4:off"
        assert not any(lamp_pin(lamps, c).state for c in LAMPS)


def test_buzzer_chime_beeps_twice() -> None:
    factory = MockFactory()
    # 0.5 s beeps: "ringing" lasts 2 s, long enough to be seen on a loaded machine.
    with Chime(BUZZER, factory, beep_s=0.5) as chime:
        assert not chime.tonal
        pin = chime.device.pin
        chime.ring(wait=True)
        assert wait_until(lambda: len(pin.states) >= 5)
        pin.assert_states([False, True, False, True, False])
        assert chime.state() == "silent"
        chime.show_call("A012", 3)
        assert chime.state() == "ringing"


class FrequencyPin(MockPWMPin):
    """A PWM mock pin that remembers every frequency the buzzer asked for."""

    def __init__(self, factory: MockFactory, info: object) -> None:
        self.frequencies: list[float | None] = []
        super().__init__(factory, info)

    def _set_frequency(self, value: float | None) -> None:
        self.frequencies.append(value)
        super()._set_frequency(value)


def test_tonal_chime_plays_ding_dong() -> None:
    factory = MockFactory(pin_class=FrequencyPin)
    # 1 s notes: the ding-dong sounds for 2 s, long enough to be seen on a loaded machine.
    with Chime(BUZZER, factory, tonal=True, note_s=1.0) as chime:
        assert chime.tonal and chime.notice is None
        pin = chime.device.pwm_device.pin
        assert chime.device.value is None
        pin.frequencies.clear()
        chime.ring()
        assert chime.state() == "ringing"
        assert wait_until(lambda: chime.device.value is not None)
        assert wait_until(lambda: chime.device.value is None)
        # ding (E5), dong (C5), then silence
        assert len(pin.frequencies) == 3 and pin.frequencies[2] is None
        assert pin.frequencies[:2] == pytest.approx(
            [Tone("E5").frequency, Tone("C5").frequency]
        )
        assert pin.frequencies[:2] == pytest.approx([659.255, 523.251], abs=0.01)


def test_tonal_chime_without_pwm_falls_back_to_beeps() -> None:
    with Chime(BUZZER, MockFactory(), tonal=True, beep_s=0.005) as chime:
        assert not chime.tonal
        assert chime.notice is not None and "PWM" in chime.notice
        chime.ring(wait=True)
        assert wait_until(lambda: [s.state for s in chime.device.pin.states].count(True) == 2)


def test_a_number_marked_no_show_leaves_the_board_and_its_lamp() -> None:
    """Issue 13: the display went on showing P003 after it was marked no-show."""
    with SevenSegmentBoard(SEGMENTS, DIGIT_SELECT, MockFactory()) as board:
        board.show_call("P003", 1)
        board.withdraw("P004", 1)  # another number: the board keeps P003
        board.withdraw("P003", 2)
        assert board.state() == "P003 1"
        board.withdraw("p003", 1)
        assert board.state() == " " * 6 and board.display.value == (" ",) * 5
    lamps = CounterLamps(LAMPS, MockFactory(), blink_s=0.04, blink_period_s=0.02)
    with lamps:
        lamps.show_call("P003", 3)
        lamps.withdraw("P003", 3)  # while still blinking: the settle timer must not relight
        time.sleep(0.08)
        assert lamps.state() == "loket 1:off 2:off 3:off 4:off"
        assert not any(lamp_pin(lamps, c).state for c in LAMPS)
        lamps.show_call("A001", 2)
        lamps.withdraw("P003", 2)  # not the number the lamp stands for
        assert lamps.lamp_states()[2] in ("blinking", "on")
