"""Counter "next"/"recall" push buttons (gpiozero Buttons on MockFactory pins), and their pins
in the config: one GPIO pin, one device."""

from __future__ import annotations

import pytest
from gpiozero.pins.mock import MockFactory

from hardware.counter_buttons import CounterButtons
from kiosk.config import ConfigError, load_config
from tests.conftest import SIM_CONFIG
from tests.test_config import sim_text, write

PINS = {(1, "next"): 7, (1, "recall"): 8, (2, "next"): 9}


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def factory():
    mock = MockFactory()
    yield mock
    mock.close()


def test_each_button_calls_back_with_its_counter_and_action(factory) -> None:
    presses: list[tuple[int, str]] = []
    with CounterButtons(PINS, lambda c, a: presses.append((c, a)), factory,
                        bounce_s=0, cooldown_s=0) as buttons:
        factory.pin(7).drive_low()  # the real gpiozero Button path, as a hand would
        factory.pin(7).drive_high()
        assert buttons.simulate_press(1, "recall")
        assert buttons.simulate_press(2, "next")
        assert not buttons.simulate_press(2, "recall")  # counter 2 has no recall button
        assert all(factory.pin(pin).state is True for pin in PINS.values())  # pulled up again
    assert presses == [(1, "next"), (1, "recall"), (2, "next")]


def test_cooldown_and_bounce_are_per_button(factory) -> None:
    ticks = FakeMonotonic()
    presses: list[tuple[int, str]] = []
    buttons = CounterButtons(PINS, lambda c, a: presses.append((c, a)), factory,
                             bounce_s=0.05, cooldown_s=3.0, clock=ticks)
    try:
        buttons.simulate_press(1, "next")
        ticks.now += 1.0
        buttons.simulate_press(1, "next")  # a second "next" would skip an applicant: ignored
        buttons.simulate_press(1, "recall")  # another button is not locked out
        buttons.simulate_press(2, "next")
        pin = factory.pin(7)
        ticks.now += 3.0
        pin.drive_low()
        pin.drive_high()
        ticks.now += 0.01
        pin.drive_low()  # contact bounce right after release: ignored
        pin.drive_high()
        assert presses == [(1, "next"), (1, "recall"), (2, "next"), (1, "next")]
        assert buttons.ignored_presses == 2
    finally:
        buttons.close()
    assert not buttons.buttons


def test_a_failing_callback_does_not_escape_into_gpiozero(factory, caplog) -> None:
    def broken(counter: int, action: str) -> None:
        raise RuntimeError("store locked")

    with CounterButtons(PINS, broken, factory, bounce_s=0, cooldown_s=0) as buttons:
        assert buttons.simulate_press(1, "next")
        assert factory.pin(7).state  # released again, not stuck pressed
    assert "counter 1 next button failed" in caplog.text


def test_unknown_action_is_refused_before_any_pin_is_taken(factory) -> None:
    with pytest.raises(ValueError, match="unknown button 'served'"):
        CounterButtons({(1, "served"): 7}, lambda c, a: None, factory)
    CounterButtons({(1, "next"): 7}, lambda c, a: None, factory).close()  # pin 7 still free


# -- config ---------------------------------------------------------------------------------


def test_simulation_config_has_a_display_chime_and_counter_1_buttons() -> None:
    cfg = load_config(SIM_CONFIG)
    assert cfg.display.kind == "seven_segment"
    assert cfg.display.segment_pins == (5, 6, 13, 19, 26, 16, 20)
    assert cfg.display.digit_pins == (21, 12, 25, 24, 23)
    assert cfg.display.chime_pin == 18 and cfg.display.chime_tonal is False
    assert (cfg.counters[0].next_button, cfg.counters[0].recall_button) == (7, 8)
    assert cfg.counters[1].next_button is None


@pytest.mark.parametrize(("old", "new", "key", "message"), [
    # a counter button on the walk-in button's pin
    ("next_button = 7", "next_button = 17", "counters[0].next_button",
     "GPIO 17 is already gpio.walkin_button"),
    # two counters' buttons on one pin
    ('lanes = ["B"]\n', 'lanes = ["B"]\nrecall_button = 8\n', "counters[2].recall_button",
     "GPIO 8 is already counters[0].recall_button"),
    # the chime on a segment pin
    ("chime_pin = 18", "chime_pin = 13", "display.chime_pin",
     "GPIO 13 is already display.segment_pins[2]"),
    # a digit select on the paper LED
    ("digit_pins = [21, 12, 25, 24, 23]", "digit_pins = [21, 12, 25, 24, 22]",
     "display.digit_pins[4]", "GPIO 22 is already gpio.paper_led"),
    # the same pin twice inside one list
    ("segment_pins = [5, 6, 13, 19, 26, 16, 20]", "segment_pins = [5, 6, 13, 19, 26, 16, 5]",
     "display.segment_pins[6]", "GPIO 5 is already display.segment_pins[0]"),
])
def test_a_pin_used_twice_is_refused_naming_both_uses(tmp_path, old, new, key, message) -> None:
    text = sim_text()
    assert old in text
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text.replace(old, new)))
    assert caught.value.key == key
    assert message in str(caught.value)
    assert "used nowhere else" in str(caught.value)


def test_lamps_use_their_own_pins_and_unused_segment_pins_do_not_clash(tmp_path) -> None:
    text = sim_text().replace('kind = "seven_segment"',
                              'kind = "lamps"\nlamp_pins = { 1 = 4, 2 = 10, 3 = 5 }')
    cfg = load_config(write(tmp_path, text))  # GPIO5 is a segment pin, but no segments in use
    assert cfg.display.lamp_pins == {1: 4, 2: 10, 3: 5}
    clash = text.replace("3 = 5 }", "3 = 7 }")
    with pytest.raises(ConfigError, match=r"counters\[0\].next_button.*display.lamp_pins.3"):
        load_config(write(tmp_path, clash))


@pytest.mark.parametrize(("old", "new", "key", "expected"), [
    ('kind = "seven_segment"', 'kind = "matrix"', "display.kind", "one of none"),
    ("segment_pins = [5, 6, 13, 19, 26, 16, 20]", "segment_pins = [5, 6, 13]",
     "display.segment_pins", "a list of 7 GPIO numbers"),
    ("digit_pins = [21, 12, 25, 24, 23]", "", "display.digit_pins", "the key is missing"),
    ("chime_pin = 18", "chime_pin = 40", "display.chime_pin", "0 to 27"),
    ("chime_tonal = false", "chime_tonal = false\nvolume = 3", "display.volume", "known keys"),
    ("next_button = 7", 'next_button = "7"', "counters[0].next_button", "a whole number"),
    ('kind = "seven_segment"', 'kind = "lamps"\nlamp_pins = { 9 = 4 }',
     "display.lamp_pins.9", "a configured counter number"),
    ('kind = "seven_segment"', 'kind = "lamps"', "display.lamp_pins", "a table"),
])
def test_bad_display_keys_name_the_key(tmp_path, old, new, key, expected) -> None:
    text = sim_text()
    assert old in text
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text.replace(old, new)))
    assert caught.value.key == key
    assert expected in str(caught.value)


def test_display_is_off_without_a_display_table(tmp_path) -> None:
    text = sim_text()
    start = text.index("[display]")
    end = text.index("[[counters]]")
    cfg = load_config(write(tmp_path, text[:start] + text[end:]))
    assert cfg.display.kind == "none" and cfg.display.chime_pin is None
