"""`kiosk doctor` and the buttons of many services: [gpio] service_buttons and the counters'
next/recall buttons, on gpiozero mock pins, with the Batam-like example config.

Loading the config refuses a pin used twice and a button for a service that is
not a walk-in or priority service; the doctor shows that as the config failure
(and skips the rest). What loading lets through, GPIO 0 and 1, is the gpio
check's warning; a button pin that cannot be claimed is its failure or busy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gpiozero import Button
from gpiozero.pins.mock import MockFactory

from hardware.probes import gpio_probe, probes
from kiosk.config import load_config
from kiosk.doctor.diagnosis import diagnose
from kiosk.doctor.report import rendered
from kiosk.doctor.runner import Outcome
from tests.conftest import ROOT

EXAMPLE = ROOT / "config" / "example-multiservice.toml"


def batam(tmp_path: Path, **edits: str) -> Path:
    """The example config in tmp_path (its store and tickets there too), with edits."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in {'database = "../var/multiservice.db"':
                     f'database = "{tmp_path / "kiosk.db"}"', **edits}.items():
        assert old in text, old
        text = text.replace(old, new)
    text = text.replace('"../var/', f'"{tmp_path}/')
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


COUNTER_1 = 'name = "Loket 1"\n'
BUTTONS = "service_buttons = { C = 5, D = 6, E = 13 }"


def shown(outcome: Outcome) -> dict[str, str]:
    return {lang: rendered(outcome, lang)["message"] + " " + rendered(outcome, lang)["fix"]
            for lang in ("id", "en")}


def test_every_service_and_counter_button_is_claimed_and_listed(tmp_path: Path) -> None:
    config = load_config(batam(tmp_path, **{
        COUNTER_1: COUNTER_1 + "next_button = 23\nrecall_button = 24\n"}))
    found = gpio_probe(config)
    assert found.status == "pass"
    text = shown(Outcome(found, 0))
    assert "Other buttons can be used too: C 5, D 6, E 13, counters[0] next 23," \
        " counters[0] recall 24." in text["en"]
    assert "Tombol lain juga bisa dipakai: C 5, D 6, E 13" in text["id"]


def test_a_service_button_pin_held_elsewhere_is_found(tmp_path: Path) -> None:
    config = load_config(batam(tmp_path))
    factory = MockFactory()
    held = Button(13, pin_factory=factory)  # E's pin, e.g. by the running kiosk
    try:
        found = gpio_probe(config, factory=factory)
    finally:
        held.close()
    assert (found.status, found.message, found.values["pin"]) == ("warn", "doctor.gpio.busy", 13)
    assert gpio_probe(config, factory=factory).status == "pass"


@pytest.mark.parametrize("pin", [0, 1])
def test_a_service_button_on_the_hat_eeprom_pins_is_a_warning(tmp_path: Path, pin: int) -> None:
    # Loading allows 0-27 (a wired kiosk keeps starting); the doctor says why not 0 and 1.
    config = load_config(batam(tmp_path, **{BUTTONS: f"service_buttons = {{ C = 5, D = {pin} }}"}))
    found = gpio_probe(config)
    assert found.status == "warn"
    text = shown(Outcome(found, 0))
    assert f"gpio.service_buttons.D = {pin}: GPIO {pin} belongs to the HAT identification" \
        in text["en"] and "BCM 2-27" in text["en"]
    assert f"GPIO {pin} milik EEPROM identitas HAT" in text["id"]
    assert "change gpio.service_buttons.D" in text["en"]


@pytest.mark.parametrize(("edits", "named"), [
    # a service button on a counter's next button
    ({COUNTER_1: COUNTER_1 + "next_button = 5\n"},
     ["counters[0].next_button", "GPIO 5 is already gpio.service_buttons.C"]),
    # a service button on the walk-in button, the paper lamp, another service button
    ({BUTTONS: "service_buttons = { C = 17, D = 6 }"}, ["gpio.service_buttons.C", "GPIO 17"]),
    ({BUTTONS: "service_buttons = { C = 22, D = 6 }"}, ["gpio.service_buttons.C", "GPIO 22"]),
    ({BUTTONS: "service_buttons = { C = 6, D = 6 }"}, ["gpio.service_buttons.D", "GPIO 6"]),
    # a service that is not configured, and one that is booked, not walk-in or priority
    ({BUTTONS: "service_buttons = { C = 5, X = 6 }"},
     ["gpio.service_buttons.X", "walk-in or priority service"]),
    ({BUTTONS: "service_buttons = { C = 5, B = 6 }"},
     ["gpio.service_buttons.B", "walk-in or priority service"]),
    ({BUTTONS: "service_buttons = { C = 5, D = 28 }"}, ["gpio.service_buttons.D", "0 to 27"]),
])
def test_what_loading_refuses_is_the_doctors_config_failure(tmp_path: Path, edits, named) -> None:
    _config, outcomes = diagnose(batam(tmp_path, **edits), probes)
    by_name = {o.result.name: o for o in outcomes}
    config = by_name["config"]
    assert config.result.status == "fail"
    for language in ("id", "en"):
        text = rendered(config, language)["message"]
        assert all(part in text for part in named), text
    assert by_name["gpio"].result.status == "skip"
