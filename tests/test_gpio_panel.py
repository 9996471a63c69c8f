"""Buttons print one ticket per deliberate press; the lamp shows faults from across the lobby.

Everything goes through gpiozero's real Button/LED classes on MockFactory pins.
With MockFactory, MockPin.drive_low()/drive_high() call the Button's callbacks
synchronously in the test's thread; the LED blink runs on a gpiozero thread,
so those checks poll with a deadline instead of sleeping a fixed time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory, MockPin
from gpiozero.pins.pi import PiFactory

from hardware.gpio_panel import (
    ButtonPanel,
    FaultLamp,
    make_pin_factory,
    running_on_pi,
)
from kiosk.config import GpioConfig
from tests.conftest import wait_until as shared_wait_until

WALKIN, PRIORITY, LAMP = 17, 27, 22


def gpio_config(bounce_s: float = 0.05, cooldown_s: float = 3.0) -> GpioConfig:
    return GpioConfig(
        pin_factory="mock",
        walkin_button=WALKIN,
        priority_button=PRIORITY,
        paper_led=LAMP,
        bounce_s=bounce_s,
        cooldown_s=cooldown_s,
    )


class FakeMonotonic:
    """A monotonic clock the test moves by hand, so cooldowns need no sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    return shared_wait_until(condition, timeout)


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    mock = MockFactory()
    yield mock
    mock.close()


@pytest.fixture
def ticks() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def presses() -> list[str]:
    return []


@pytest.fixture
def panel(factory: MockFactory, ticks: FakeMonotonic, presses: list[str]) -> Iterator[ButtonPanel]:
    with ButtonPanel(gpio_config(), presses.append, factory, clock=ticks) as made:
        yield made


def tap(pin: MockPin) -> None:
    pin.drive_low()
    pin.drive_high()


def test_walkin_button_press_asks_for_one_walkin_ticket(
    panel: ButtonPanel, factory: MockFactory, presses: list[str]
) -> None:
    factory.pin(WALKIN).drive_low()
    assert wait_until(lambda: presses == ["A"])
    factory.pin(WALKIN).drive_high()
    assert presses == ["A"]


def test_priority_button_press_asks_for_a_priority_ticket(
    panel: ButtonPanel, factory: MockFactory, presses: list[str]
) -> None:
    tap(factory.pin(PRIORITY))
    assert wait_until(lambda: presses == ["P"])


def test_long_press_prints_one_ticket(
    panel: ButtonPanel, factory: MockFactory, ticks: FakeMonotonic, presses: list[str]
) -> None:
    pin = factory.pin(WALKIN)
    pin.drive_low()
    time.sleep(0.05)
    ticks.advance(10)  # held far longer than the cooldown
    assert panel.buttons["A"].is_pressed
    pin.drive_high()
    assert presses == ["A"]
    assert panel.ignored_presses == 0


def test_rapid_presses_inside_cooldown_print_one_ticket_then_next_after_cooldown(
    panel: ButtonPanel, factory: MockFactory, ticks: FakeMonotonic, presses: list[str]
) -> None:
    pin = factory.pin(WALKIN)
    for _ in range(5):  # at +0.0, +0.5 ... +2.0 s: well past bounce, inside 3 s cooldown
        tap(pin)
        ticks.advance(0.5)
    assert presses == ["A"]
    assert panel.ignored_presses == 4

    ticks.advance(0.5)  # now exactly 3.0 s after the accepted press
    tap(pin)
    assert presses == ["A", "A"]
    assert panel.ignored_presses == 4


def test_contact_bounce_gives_one_press_even_without_cooldown(
    factory: MockFactory, ticks: FakeMonotonic, presses: list[str]
) -> None:
    # MockPin does not emulate bounce_time, so this checks the panel's own window.
    with ButtonPanel(gpio_config(bounce_s=0.05, cooldown_s=0), presses.append, factory,
                     clock=ticks) as panel:
        pin = factory.pin(WALKIN)
        for _ in range(5):  # a chattering contact: 5 closures in 10 ms
            tap(pin)
            ticks.advance(0.002)
        assert presses == ["A"]

        ticks.advance(1.0)
        pin.drive_low()  # a real second press, held ...
        ticks.advance(1.0)
        pin.drive_high()  # ... then released, and the release bounces
        ticks.advance(0.003)
        tap(pin)
        assert presses == ["A", "A"]
        assert panel.ignored_presses == 5


def test_no_bounce_no_cooldown_accepts_every_press(
    factory: MockFactory, ticks: FakeMonotonic, presses: list[str]
) -> None:
    with ButtonPanel(gpio_config(bounce_s=0, cooldown_s=0), presses.append, factory,
                     clock=ticks) as panel:
        assert panel.buttons["A"].pin.bounce is None
        for _ in range(3):
            tap(factory.pin(WALKIN))
        assert presses == ["A", "A", "A"]


def test_buttons_have_independent_cooldowns(
    panel: ButtonPanel, factory: MockFactory, ticks: FakeMonotonic, presses: list[str]
) -> None:
    tap(factory.pin(WALKIN))
    ticks.advance(0.5)
    tap(factory.pin(PRIORITY))  # not blocked by the walk-in press just before
    ticks.advance(0.5)
    tap(factory.pin(WALKIN))  # still inside the walk-in cooldown
    ticks.advance(2.0)
    tap(factory.pin(WALKIN))  # 3.0 s after the first walk-in press
    tap(factory.pin(PRIORITY))  # only 2.5 s after the priority press
    assert presses == ["A", "P", "A"]
    assert panel.ignored_presses == 2


def test_simulate_press_goes_through_the_mock_pin_and_button(
    factory: MockFactory, ticks: FakeMonotonic
) -> None:
    seen: list[tuple[str, bool]] = []
    holder: dict[str, ButtonPanel] = {}

    def on_press(lane: str) -> None:
        seen.append((lane, holder["panel"].buttons[lane].is_pressed))

    with ButtonPanel(gpio_config(), on_press, factory, clock=ticks) as panel:
        holder["panel"] = panel
        assert panel.simulated
        pin = factory.pin(PRIORITY)
        pin.clear_states()
        panel.simulate_press("P")
        # on_press ran while the Button really saw the pin low, and it was released after.
        assert seen == [("P", True)]
        assert [s.state for s in pin.states] == [True, False, True]
        assert not panel.buttons["P"].is_pressed
        with pytest.raises(ValueError, match="lane"):
            panel.simulate_press("B")


def test_simulate_press_releases_the_button_even_if_on_press_fails(
    factory: MockFactory, ticks: FakeMonotonic, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def on_press(lane: str) -> None:
        calls.append(lane)
        raise OSError("printer unplugged")

    with ButtonPanel(gpio_config(), on_press, factory, clock=ticks) as panel:
        panel.simulate_press("A")
        assert factory.pin(WALKIN).state is True  # not stuck "held"
        assert "on_press('A') failed" in caplog.text
        ticks.advance(3)
        panel.simulate_press("A")
        assert calls == ["A", "A"]


class BenchFactory(PiFactory):
    """A non-mock factory (stands in for lgpio) that still hands out MockPins."""

    def __init__(self) -> None:
        super().__init__()
        self.pin_class = MockPin

    def _get_revision(self) -> int:
        return 0xA02082

    @staticmethod
    def ticks() -> float:
        return time.monotonic()

    @staticmethod
    def ticks_diff(later: float, earlier: float) -> float:
        return later - earlier


def test_simulate_press_refuses_real_pins() -> None:
    bench = BenchFactory()
    presses: list[str] = []
    with ButtonPanel(gpio_config(), presses.append, bench) as panel:
        assert not panel.simulated
        with pytest.raises(RuntimeError, match="mock"):
            panel.simulate_press("A")
        assert presses == []
    bench.close()


def test_presses_from_many_threads_still_print_one_ticket(
    panel: ButtonPanel, ticks: FakeMonotonic, presses: list[str]
) -> None:
    start = threading.Barrier(6)

    def slap() -> None:
        start.wait()
        for _ in range(40):
            panel._pressed("A")  # what gpiozero's event thread calls on real pins

    threads = [threading.Thread(target=slap) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert presses == ["A"]
    assert panel.ignored_presses == 6 * 40 - 1


def test_close_releases_the_pins_for_a_new_panel(
    factory: MockFactory, ticks: FakeMonotonic
) -> None:
    first: list[str] = []
    second: list[str] = []
    ButtonPanel(gpio_config(), first.append, factory, clock=ticks).close()
    with ButtonPanel(gpio_config(), second.append, factory, clock=ticks):
        tap(factory.pin(WALKIN))
    assert (first, second) == ([], ["A"])


def test_fault_lamp_steady_on_and_off(factory: MockFactory) -> None:
    lamp = FaultLamp(gpio_config(), factory)
    pin = factory.pin(LAMP)
    assert (lamp.state, pin.state) == ("off", False)
    lamp.set_fault(True)
    assert (lamp.state, pin.state) == ("on", True)
    lamp.set_fault(False)
    assert (lamp.state, pin.state) == ("off", False)
    lamp.close()


def test_fault_lamp_blinks_then_stops(factory: MockFactory) -> None:
    lamp = FaultLamp(gpio_config(), factory, blink_s=0.02)
    pin = factory.pin(LAMP)
    pin.clear_states()
    lamp.set_fault(True, blinking=True)
    assert lamp.state == "blinking"
    assert wait_until(lambda: len(pin.states) >= 5)
    states = [s.state for s in pin.states]
    assert states[:5] == [False, True, False, True, False]
    lamp.set_fault(True, blinking=True)  # a status poll repeating itself keeps blinking
    assert lamp.state == "blinking"

    lamp.set_fault(False)
    assert (lamp.state, pin.state) == ("off", False)
    settled = len(pin.states)
    time.sleep(0.06)
    assert len(pin.states) == settled  # the blink thread really stopped
    lamp.close()


def test_fault_lamp_close_turns_it_off(factory: MockFactory) -> None:
    lamp = FaultLamp(gpio_config(), factory)
    lamp.set_fault(True)
    lamp.close()
    assert lamp.state == "off"
    assert factory.pin(LAMP).state is False
    lamp.close()  # closing twice is harmless


def test_make_pin_factory_mock_and_auto_off_pi() -> None:
    assert isinstance(make_pin_factory("mock"), MockFactory)
    if running_on_pi():
        pytest.skip("auto picks real GPIO on a Pi")
    assert isinstance(make_pin_factory("auto"), MockFactory)


def test_make_pin_factory_explains_a_missing_library() -> None:
    try:
        import lgpio  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("lgpio is installed here")
    with pytest.raises(RuntimeError, match="python3-lgpio"):
        make_pin_factory("lgpio")
    with pytest.raises(ValueError, match="pin_factory"):
        make_pin_factory("pigpio")


def test_running_on_pi_reads_the_device_tree_model(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.write_bytes(b"Raspberry Pi 4 Model B Rev 1.4\x00")
    assert running_on_pi(model)
    model.write_bytes(b"QEMU Virtual Machine\x00")
    assert not running_on_pi(model)
    assert not running_on_pi(tmp_path / "missing")
