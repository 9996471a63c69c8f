"""What `kiosk doctor` checks in the [gpio] pins beyond what loading the config refuses.

Loading already refuses a pin used twice (buttons, lamp, service buttons, counter
next/recall buttons, display pins: kiosk/config/parse_devices.py), a service
button for A or P, for an unknown service or for one that is not a walk-in or
priority service, and a number outside 0-27; the doctor shows those as a config
failure. It lets through BCM 0 and 1, which exist on every Pi but belong to
the HAT identification EEPROM (ID_SD/ID_SC): the firmware reads them at boot
and a button there can stop a HAT from being recognised. That is a warning
here. The device probe (hardware/probes.py) then claims every button pin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.config import gpio_pins_in_use
from kiosk.doctor.runner import CheckResult, Localised, result

if TYPE_CHECKING:
    from kiosk.config import Config

USABLE_BCM = range(2, 28)  # GPIO 2-27 on the 40-pin header; 0 and 1 are the ID EEPROM's
_MORE_BUTTONS = ("gpio.service_buttons.", "counters[")


def more_buttons(config: Config) -> list[tuple[str, int]]:
    """(config key, pin) of the buttons besides walk-in and priority: per service, per counter."""
    return [(key, pin) for key, pin in gpio_pins_in_use(config)
            if key.startswith(_MORE_BUTTONS)]


def reserved_pin_finding(config: Config) -> CheckResult | None:
    """A warning for the first pin outside BCM 2-27 (in file order), None when all are in."""
    for key, pin in gpio_pins_in_use(config):
        if pin not in USABLE_BCM:
            return result("gpio", "warn", "doctor.gpio.reserved_pin",
                          "doctor.gpio.reserved_pin.fix", setting=key, pin=pin)
    return None


def buttons_note(config: Config) -> Localised | str:
    """The extra buttons for the pass message ("" when there are none)."""
    buttons = more_buttons(config)
    if not buttons:
        return ""
    listed = ", ".join(f"{_short(key)} {pin}" for key, pin in buttons)
    return Localised("doctor.gpio.more_buttons", {"buttons": listed})


def _short(key: str) -> str:
    """gpio.service_buttons.C -> C; counters[0].next_button -> counters[0] next."""
    if key.startswith("gpio.service_buttons."):
        return key.rsplit(".", 1)[1]
    counter, _, name = key.partition(".")
    return f"{counter} {name.removesuffix('_button')}"
