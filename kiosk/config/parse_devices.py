"""The devices in the config file: [printer], [gpio], [camera] and the [display],
and the check that no two of them share a GPIO pin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.config.model import (
    DISPLAY_KINDS,
    PIN_FACTORIES,
    PRINTER_BACKENDS,
    CameraConfig,
    Config,
    CounterConfig,
    DisplayConfig,
    GpioConfig,
    PrinterConfig,
)
from kiosk.config.reader import _REQUIRED, ConfigError, _Reader, resolve_path

if TYPE_CHECKING:
    from pathlib import Path


_PRINTER_PARAMS: dict[str, dict[str, tuple[str, Any]]] = {
    # key: (kind, default); kind "req-..." means required
    "simulation": {"output": ("text", "var/tickets.bin")},
    "usb": {
        "vendor_id": ("req-hex", None),
        "product_id": ("req-hex", None),
        "timeout_ms": ("int", 2000),
        "in_ep": ("hex", 0x82),
        "out_ep": ("hex", 0x01),
    },
    "serial": {"device": ("req-text", None), "baudrate": ("int", 19200), "timeout_s": ("num", 2.0)},
    "network": {"host": ("req-text", None), "port": ("int", 9100), "timeout_s": ("num", 3.0)},
    "file": {"path": ("req-text", None)},
}


def _printer_param(reader: _Reader, name: str, kind: str, default: Any) -> Any:
    required = _REQUIRED if kind.startswith("req-") else default
    kind = kind.removeprefix("req-")
    if kind == "text":
        return reader.text(name, required)
    if kind == "int":
        return reader.integer(name, required, lo=1, hi=10**6)
    if kind == "num":
        return reader.number(name, required, lo=0.05, hi=120)
    value = reader._get(name, required, (int, str), 'a USB id such as "0x0416"')  # "hex"
    if isinstance(value, str):
        try:
            return int(value, 16)
        except ValueError:
            raise reader.fail(name, 'a USB id such as "0x0416"', value) from None
    return value


def parse_printer(root: _Reader, base: Path) -> PrinterConfig:
    sub = root.table("printer")
    sub.unknown_keys(
        {"backend", "paper_width_mm", "print_qr", "status_timeout_s", *PRINTER_BACKENDS})
    width = sub.integer("paper_width_mm", 80, lo=58, hi=80)
    if width not in (58, 80):
        sub.report("paper_width_mm", "58 or 80", width)
    print_qr = sub.boolean("print_qr", True)
    status_timeout_s = sub.number("status_timeout_s", 0.5, lo=0.05, hi=10)
    backend = sub.choice("backend", PRINTER_BACKENDS, _REQUIRED)
    params_reader = sub.table(backend, required=False)
    spec = _PRINTER_PARAMS[backend]
    params_reader.unknown_keys(set(spec))
    params: dict[str, Any] = {  # each parameter checked, even after a bad one
        name: params_reader.checked(lambda n=name, k=kind, d=default:
                                    _printer_param(params_reader, n, k, d))
        for name, (kind, default) in spec.items()}
    if backend == "simulation" and params["output"] is not None:
        params["output"] = str(resolve_path(base, params["output"]))
    return PrinterConfig(backend=backend, paper_width_mm=width, print_qr=print_qr,
                         status_timeout_s=status_timeout_s, params=params)


def parse_gpio(root: _Reader, lanes: dict[str, Any] | None = None) -> GpioConfig:
    sub = root.table("gpio")
    keys = {"pin_factory", "walkin_button", "priority_button", "paper_led", "bounce_ms",
            "cooldown_s", "service_buttons"}
    sub.unknown_keys(keys)
    pins = {name: sub.checked(lambda n=name: sub.integer(n, _REQUIRED, lo=0, hi=27)) for name in
            ("walkin_button", "priority_button", "paper_led")}
    if None not in pins.values() and len(set(pins.values())) != len(pins):
        sub.report("walkin_button", "different GPIO numbers for each button and LED", pins)
    return GpioConfig(
        pin_factory=sub.choice("pin_factory", PIN_FACTORIES, "auto"),
        walkin_button=pins["walkin_button"],
        priority_button=pins["priority_button"],
        paper_led=pins["paper_led"],
        bounce_s=sub.integer("bounce_ms", 50, lo=0, hi=1000) / 1000,
        cooldown_s=sub.number("cooldown_s", 3.0, lo=0, hi=120),
        service_buttons=_service_buttons(sub, lanes),
    )


def _service_buttons(gpio: _Reader, lanes: dict[str, Any] | None) -> dict[str, int]:
    """``service_buttons = { C = 5, D = 6 }``: one button per other service a press numbers
    (A and P have walkin_button and priority_button)."""
    sub = gpio.table("service_buttons", required=False)
    found: dict[str, int] = {}
    for code in sub.data:
        lane = (lanes or {}).get(code)
        if code in ("A", "P") or (lanes and (lane is None
                                             or lane.kind not in ("walkin", "priority"))):
            sub.report(code, "the code of a walk-in or priority service other than A and P "
                       "(A and P have walkin_button and priority_button)")
            continue
        pin = sub.checked(lambda c=code: sub.integer(c, _REQUIRED, lo=0, hi=27))
        if pin is not None:
            found[code] = pin
    return found


def parse_camera(root: _Reader, base: Path) -> CameraConfig:
    sub = root.table("camera", required=False)
    sub.unknown_keys({"source", "decoder", "fps"})
    source = sub._get("source", "", str, 'a camera ("0", "/dev/video0"), a folder or a file')
    source = source.strip()
    if source and not source.isdigit() and not source.startswith("/dev/"):
        source = str(resolve_path(base, source))
    return CameraConfig(source, sub.choice("decoder", ("zxing", "zbar"), "zxing"),
                        sub.number("fps", 8.0, lo=1, hi=30))


def _pin_list(sub: _Reader, name: str, count: int, what: str) -> tuple[int, ...]:
    expected = f"a list of {count} GPIO numbers from 0 to 27 ({what})"
    pins = sub._get(name, _REQUIRED, list, expected)
    if len(pins) != count or not all(
            isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= 27 for p in pins):
        raise sub.fail(name, expected, pins)
    return tuple(pins)


def parse_display(root: _Reader, counters: tuple[CounterConfig, ...] | None) -> DisplayConfig:
    """``counters`` None: they had problems, so lamps are not matched against them."""
    sub = root.table("display", required=False)
    sub.unknown_keys({"kind", "segment_pins", "dp_pin", "digit_pins", "segments_active_high",
                      "digits_active_high", "lamp_pins", "chime_pin", "chime_tonal"})
    kind = sub.choice("kind", DISPLAY_KINDS, "none")
    segments: tuple[int, ...] = ()
    digits: tuple[int, ...] = ()
    if kind == "seven_segment" or "segment_pins" in sub.data:
        segments = sub.checked(lambda: _pin_list(
            sub, "segment_pins", 7, "segments a, b, c, d, e, f, g"), ())
    if kind == "seven_segment" or "digit_pins" in sub.data:
        digits = sub.checked(lambda: _pin_list(
            sub, "digit_pins", 5, "digit selects: lane, 3 digits, counter"), ())
    lamps_reader = sub.table("lamp_pins", required=kind == "lamps")
    known = None if counters is None else {c.number for c in counters}
    lamps: dict[int, int] = {}
    for key in lamps_reader.data:
        if not key.isdigit() or (known is not None and int(key) not in known):
            lamps_reader.report(key, f"a configured counter number ({sorted(known or ())}) "
                                "with its lamp's GPIO number, e.g. 1 = 4")
        elif (pin := lamps_reader.checked(
                lambda k=key: lamps_reader.integer(k, _REQUIRED, lo=0, hi=27))) is not None:
            lamps[int(key)] = pin
    if kind == "lamps" and not lamps_reader.data:
        sub.report("lamp_pins", "at least one counter lamp, e.g. { 1 = 4, 2 = 17 }")
    return DisplayConfig(
        kind=kind,
        segment_pins=segments,
        dp_pin=sub.integer("dp_pin", None, lo=0, hi=27),
        digit_pins=digits,
        segments_active_high=sub.boolean("segments_active_high", True),
        digits_active_high=sub.boolean("digits_active_high", True),
        lamp_pins=lamps,
        chime_pin=sub.integer("chime_pin", None, lo=0, hi=27),
        chime_tonal=sub.boolean("chime_tonal", False),
    )


def gpio_pins_in_use(config: Config) -> list[tuple[str, int]]:
    """(config key, GPIO number) of every pin the kiosk will drive, in file order."""
    used = [("gpio.walkin_button", config.gpio.walkin_button),
            ("gpio.priority_button", config.gpio.priority_button),
            ("gpio.paper_led", config.gpio.paper_led)]
    used += [(f"gpio.service_buttons.{c}", p) for c, p in config.gpio.service_buttons.items()]
    display = config.display
    if display.kind == "seven_segment":
        used += [(f"display.segment_pins[{i}]", p) for i, p in enumerate(display.segment_pins)]
        if display.dp_pin is not None:
            used.append(("display.dp_pin", display.dp_pin))
        used += [(f"display.digit_pins[{i}]", p) for i, p in enumerate(display.digit_pins)]
    elif display.kind == "lamps":
        used += [(f"display.lamp_pins.{c}", p) for c, p in display.lamp_pins.items()]
    if display.chime_pin is not None:
        used.append(("display.chime_pin", display.chime_pin))
    for index, counter in enumerate(config.counters):
        for name in ("next_button", "recall_button"):
            pin = getattr(counter, name)
            if pin is not None:
                used.append((f"counters[{index}].{name}", pin))
    return used


def check_pins_used_once(config: Config) -> None:
    """Two devices on one pin fail in confusing ways (a button that lights a lamp): refuse."""
    first: dict[int, str] = {}
    for key, pin in gpio_pins_in_use(config):
        if pin in first:
            raise ConfigError(config.path, key, f"a GPIO number used nowhere else (GPIO {pin} "
                              f"is already {first[pin]})", pin)
        first[pin] = key
