"""Load and validate the kiosk's TOML configuration.

A kiosk that starts half-configured hands out wrong numbers all day, so every
key is checked up front and any problem stops start-up. Every problem in the
file is reported at once (kiosk/config/reader.py), each naming the file, the
key and what was expected, so staff fix them all in one go.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk import clock

# ConfigError and _Reader live in kiosk/config/reader.py; imported from here as before.
from kiosk.config.reader import _REQUIRED, ConfigError, _Reader
from kiosk.privacy.pin import DEMO_PIN, is_pin_hash, verify_pin

OFFICE_TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LANE_CODES = ("A", "P", "B")
PRINTER_BACKENDS = ("simulation", "usb", "serial", "network", "file")
LANGUAGES = ("id", "en")
PIN_FACTORIES = ("auto", "mock", "lgpio", "rpigpio", "native")
DEFAULT_CONFIG = Path("config/kiosk.toml")


@dataclass(frozen=True)
class Lane:
    code: str
    name_id: str
    name_en: str
    cap: int | None

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id


@dataclass(frozen=True)
class DayHours:
    opens: time
    closes: time
    lanes: frozenset[str]


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    address: str
    timezone: ZoneInfo
    device_id: str


@dataclass(frozen=True)
class PrinterConfig:
    backend: str
    paper_width_mm: int
    print_qr: bool
    status_timeout_s: float
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GpioConfig:
    pin_factory: str
    walkin_button: int
    priority_button: int
    paper_led: int
    bounce_s: float
    cooldown_s: float


@dataclass(frozen=True)
class CheckinConfig:
    early_minutes: int
    late_minutes: int
    nik_salt: bytes
    public_keys: dict[str, str]  # key id -> base64 Ed25519 public key


@dataclass(frozen=True)
class CameraConfig:
    source: str  # "" = no camera; "0", "/dev/video0", a folder or a video file
    decoder: str
    fps: float


@dataclass(frozen=True)
class CounterConfig:
    number: int
    name: str
    lanes: frozenset[str]
    # "sha256$<hex>" of the counter's LAN API token; None: this counter cannot use the API.
    token_hash: str | None = None
    # GPIO pins of the counter's own "next" / "recall" push buttons (None: no button).
    next_button: int | None = None
    recall_button: int | None = None


@dataclass(frozen=True)
class LanApiConfig:
    """Where the kiosk's LAN API listens (docs/lan-api.md): localhost unless told otherwise."""

    host: str = "127.0.0.1"
    port: int = 8470


@dataclass(frozen=True)
class BoardConfig:
    notice: str = ""  # scrolls along the bottom of the lobby board ("" = none)


@dataclass(frozen=True)
class SyncConfig:
    """The central hub (docs/sync-protocol.md); no hub_url: the kiosk works alone."""

    hub_url: str = ""
    token: str = ""
    interval_s: float = 30.0
    timeout_s: float = 10.0
    batch_size: int = 500
    backoff_max_s: float = 300.0
    leases: bool = False  # walk-in numbers from the hub: one cap for all kiosks of the office
    lease_block: int = 10
    lease_low_water: int = 5

    @property
    def enabled(self) -> bool:
        return bool(self.hub_url)


@dataclass(frozen=True)
class WalkinConfig:
    """Anti-hoarding rules for walk-in numbers (kiosk/queue/walkin_guard.py,
    docs/configuration.md)."""

    require_nik: bool = False  # walk-in and priority numbers only after a NIK is typed
    max_per_nik: int = 1  # numbers per NIK per lane per office day
    per_minute: int = 10  # without NIK entry: walk-in numbers per rolling minute (0 = no limit)


DISPLAY_KINDS = ("none", "seven_segment", "lamps")


@dataclass(frozen=True)
class DisplayConfig:
    """The lobby's GPIO "now serving" display and chime (docs/configuration.md)."""

    kind: str = "none"  # none | seven_segment | lamps
    segment_pins: tuple[int, ...] = ()  # a..g, shared by the five digits
    dp_pin: int | None = None
    digit_pins: tuple[int, ...] = ()  # digit select, left to right: lane, 3 digits, counter
    segments_active_high: bool = True  # false for common-anode modules
    digits_active_high: bool = True
    lamp_pins: dict[int, int] = field(default_factory=dict)  # counter number -> pin
    chime_pin: int | None = None
    chime_tonal: bool = False  # passive buzzer on a PWM pin: "ding-dong"


@dataclass(frozen=True)
class CallingConfig:
    mode: str
    booked_per_walkin: tuple[int, int]
    priority_every: int | None
    max_recalls: int
    no_show_return_minutes: int
    speech: bool
    speech_english: bool
    voice: str
    voice_english: str  # English calls and the English screen's prompts


@dataclass(frozen=True)
class Config:
    path: Path
    simulation: bool
    office: Office
    hours: dict[int, DayHours | None]
    holidays: frozenset[date]
    lanes: dict[str, Lane]
    printer: PrinterConfig
    gpio: GpioConfig
    database: Path
    language: str
    staff_pin_hash: str
    ticket_screen_seconds: float
    checkin: CheckinConfig
    camera: CameraConfig
    counters: tuple[CounterConfig, ...]
    calling: CallingConfig
    lan_api: LanApiConfig = LanApiConfig()
    board: BoardConfig = BoardConfig()
    display: DisplayConfig = DisplayConfig()
    # Staff with their own PIN (id -> hash): actions are logged with who did them.
    staff_members: dict[str, str] = field(default_factory=dict)
    staff_idle_seconds: float = 120.0  # the staff screen closes itself after this
    screen_theme: str = "standard"  # or "high_contrast" (staff can switch it)
    spoken_prompts: bool = False  # say short prompts after a press or scan
    sync: SyncConfig = SyncConfig()
    walkin: WalkinConfig = WalkinConfig()

    @property
    def timezone(self) -> ZoneInfo:
        return self.office.timezone


SCREEN_THEMES = ("standard", "high_contrast")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_CODE = re.compile(r"^[A-Z0-9-]{2,16}$")


def _parse_hhmm(reader: _Reader, name: str, text: str) -> time:
    match = _HHMM.match(text.strip())
    if not match:
        raise reader.fail(name, "a time as HH:MM, 24-hour", text)
    return time(int(match.group(1)), int(match.group(2)))


def _parse_day(reader: _Reader, name: str, lane_codes: set[str]) -> DayHours | None:
    raw = reader.data.get(name, "closed")
    span, lanes = raw, set(lane_codes)
    if isinstance(raw, dict):
        sub = reader.table(name)
        sub.unknown_keys({"open", "lanes"})
        span = sub.text("open", _REQUIRED)
        listed = sub._get("lanes", _REQUIRED, list, "a list of lane codes such as [\"P\"]")
        for code in listed:
            if not isinstance(code, str) or code not in lane_codes:
                sub.report("lanes", f"lane codes from {sorted(lane_codes)}", code)
        lanes = {code for code in listed if isinstance(code, str) and code in lane_codes}
    elif not isinstance(raw, str):
        raise reader.fail(name, '"HH:MM-HH:MM", "closed" or { open = "...", lanes = [...] }', raw)
    if span.strip().lower() == "closed":
        return None
    if span.count("-") != 1:
        raise reader.fail(name, '"HH:MM-HH:MM" or "closed"', span)
    start_text, end_text = span.split("-")
    opens = _parse_hhmm(reader, name, start_text)
    # "24:00" closes at midnight, for offices (and simulations) open all evening.
    closes = time.max if end_text.strip() == "24:00" else _parse_hhmm(reader, name, end_text)
    if closes <= opens:
        raise reader.fail(name, "a closing time later than the opening time", span)
    return DayHours(opens, closes, frozenset(lanes))


def _parse_lanes(root: _Reader) -> dict[str, Lane]:
    lanes_table = root.table("lanes")
    lanes_table.unknown_keys(set(LANE_CODES))
    defaults = {
        "A": ("Antrian Umum", "Walk-in", 60),
        "P": ("Prioritas", "Priority", None),
        "B": ("Online", "Online booking", None),
    }
    lanes: dict[str, Lane] = {}
    for code in LANE_CODES:
        sub = lanes_table.table(code, required=code == "A")
        sub.unknown_keys({"name_id", "name_en", "cap"})
        name_id, name_en, default_cap = defaults[code]
        cap = sub.integer("cap", default_cap, lo=0, hi=999)
        lanes[code] = Lane(code, sub.text("name_id", name_id), sub.text("name_en", name_en), cap)
    return lanes


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


def _parse_printer(root: _Reader, base: Path) -> PrinterConfig:
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
        params["output"] = str(_resolve(base, params["output"]))
    return PrinterConfig(backend=backend, paper_width_mm=width, print_qr=print_qr,
                         status_timeout_s=status_timeout_s, params=params)


def _parse_gpio(root: _Reader) -> GpioConfig:
    sub = root.table("gpio")
    keys = {"pin_factory", "walkin_button", "priority_button", "paper_led", "bounce_ms",
            "cooldown_s"}
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
    )


_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")


def _parse_checkin(root: _Reader) -> CheckinConfig:
    sub = root.table("checkin", required=False)
    sub.unknown_keys({"early_minutes", "late_minutes", "nik_salt", "keys"})
    salt = sub.text("nik_salt", None) or ""  # no salt: bookings carry no NIKs
    if salt and (not _HEX.match(salt) or len(salt) < 32):
        sub.report("nik_salt", "at least 32 hex digits (16 random bytes, e.g. from "
                   "`openssl rand -hex 16`)", salt[:8] + "...")
        salt = ""
    keys_reader = sub.table("keys", required=False)
    keys: dict[str, str] = {}
    for key_id in keys_reader.data:
        if (value := keys_reader.checked(lambda k=key_id: _public_key(keys_reader, k))):
            keys[key_id] = value
    return CheckinConfig(
        early_minutes=sub.integer("early_minutes", 60, lo=0, hi=1440),
        late_minutes=sub.integer("late_minutes", 30, lo=0, hi=1440),
        nik_salt=bytes.fromhex(salt) if salt else b"",
        public_keys=keys,
    )


def _public_key(keys_reader: _Reader, key_id: str) -> str:
    if not _KEY_ID.match(key_id):
        raise keys_reader.fail(key_id, "a key id of 1-16 letters, digits, '_' or '-'")
    value = keys_reader.text(key_id, _REQUIRED)
    # Base64 of 32 bytes is all kiosk.checkin.booking_qr.load_public_keys needs (any 32 bytes
    # make an Ed25519 key); checked here without importing cryptography, which
    # `kiosk run` loads only after its first frame (docs/design.md, "Start-up").
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise keys_reader.fail(key_id, "a base64 Ed25519 public key (32 bytes)", value[:12])
    return value


def _parse_camera(root: _Reader, base: Path) -> CameraConfig:
    sub = root.table("camera", required=False)
    sub.unknown_keys({"source", "decoder", "fps"})
    source = sub._get("source", "", str, 'a camera ("0", "/dev/video0"), a folder or a file')
    source = source.strip()
    if source and not source.isdigit() and not source.startswith("/dev/"):
        source = str(_resolve(base, source))
    return CameraConfig(source, sub.choice("decoder", ("zxing", "zbar"), "zxing"),
                        sub.number("fps", 8.0, lo=1, hi=30))


def _parse_counters(root: _Reader, lane_codes: set[str]) -> tuple[CounterConfig, ...]:
    raw = root._get("counters", [], list, "a list of [[counters]] tables")
    counters: list[CounterConfig] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            root.report(f"counters[{index}]", "a [[counters]] table", item)
            continue
        sub = root.sub(item, f"counters[{index}].")
        counter = sub.checked(lambda s=sub: _parse_counter(s, counters, lane_codes))
        if counter is not None:
            counters.append(counter)
    return tuple(counters)


def _parse_counter(sub: _Reader, counters: list[CounterConfig],
                   lane_codes: set[str]) -> CounterConfig:
    sub.unknown_keys({"number", "name", "lanes", "token_hash", "next_button", "recall_button"})
    number = sub.integer("number", _REQUIRED, lo=1, hi=99)
    if any(c.number == number for c in counters):
        sub.report("number", "a counter number used once", number)
    lanes = sub._get("lanes", sorted(lane_codes), list, 'a list of lanes such as ["A", "P"]')
    for code in lanes:
        if not isinstance(code, str) or code not in lane_codes:
            sub.report("lanes", f"lane codes from {sorted(lane_codes)}", code)
    token_hash = sub.text("token_hash", None)
    if token_hash is not None:
        token_hash = token_hash.strip().lower()
        if not _TOKEN_HASH.match(token_hash):
            sub.report("token_hash", 'a hash made by `kiosk api-token` ("sha256$" and '
                       "64 hex digits)", token_hash[:16])
        elif any(c.token_hash == token_hash for c in counters):
            # One token must name one counter, or it could act for the wrong desk.
            sub.report("token_hash", "a different token for each counter")
    return CounterConfig(number, sub.text("name", f"Loket {number}"),
                         frozenset(c for c in lanes if isinstance(c, str)), token_hash,
                         sub.integer("next_button", None, lo=0, hi=27),
                         sub.integer("recall_button", None, lo=0, hi=27))


_TOKEN_HASH = re.compile(r"^sha256\$[0-9a-f]{64}$")


def demo_token(counter: int) -> str:
    """The simulation's published token for a counter: refused outside simulation."""
    return f"loket{counter}-demo"


def parse_listen(text: str) -> LanApiConfig:
    """ "127.0.0.1:8470" / "[::1]:8470" -> LanApiConfig; ValueError if it is not one."""
    host, sep, port_text = text.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError('an address and port such as "127.0.0.1:8470" or "0.0.0.0:8470"')
    return LanApiConfig(host, int(port_text))


def _parse_lan_api(root: _Reader) -> LanApiConfig:
    sub = root.table("lan_api", required=False)
    sub.unknown_keys({"listen"})
    listen = sub.text("listen", "127.0.0.1:8470").strip()
    try:
        parsed = parse_listen(listen)
    except ValueError as exc:
        raise sub.fail("listen", str(exc), listen) from None
    if parsed.port == 0:  # port 0 is "any free port": counters could never find it
        sub.report("listen", "a port from 1 to 65535", listen)
    return parsed


def _parse_board(root: _Reader) -> BoardConfig:
    sub = root.table("board", required=False)
    sub.unknown_keys({"notice"})
    notice = sub._get("notice", "", str, "a text value in quotes")
    return BoardConfig(" ".join(notice.split()))


def _pin_list(sub: _Reader, name: str, count: int, what: str) -> tuple[int, ...]:
    expected = f"a list of {count} GPIO numbers from 0 to 27 ({what})"
    pins = sub._get(name, _REQUIRED, list, expected)
    if len(pins) != count or not all(
            isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= 27 for p in pins):
        raise sub.fail(name, expected, pins)
    return tuple(pins)


def _parse_display(root: _Reader, counters: tuple[CounterConfig, ...] | None) -> DisplayConfig:
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


def _check_pins_used_once(config: Config) -> None:
    """Two devices on one pin fail in confusing ways (a button that lights a lamp): refuse."""
    first: dict[int, str] = {}
    for key, pin in gpio_pins_in_use(config):
        if pin in first:
            raise ConfigError(config.path, key, f"a GPIO number used nowhere else (GPIO {pin} "
                              f"is already {first[pin]})", pin)
        first[pin] = key


def _check_demo_tokens(root: _Reader, counters: tuple[CounterConfig, ...]) -> None:
    """A real office must not accept the tokens printed in the simulation config."""
    for index, counter in enumerate(counters):
        demo = "sha256$" + hashlib.sha256(demo_token(counter.number).encode()).hexdigest()
        if counter.token_hash == demo:
            root.report(f"counters[{index}].token_hash", "a real token, not the demo token "
                        f"{demo_token(counter.number)} (make one with `kiosk api-token`)")


def _parse_staff_members(staff: _Reader, simulation: bool) -> dict[str, str]:
    """``members = [{ id = "ani", pin_hash = "scrypt$..." }, ...]``: one PIN per person."""
    members: dict[str, str] = {}
    for index, item in enumerate(staff._get("members", [], list,
                                            'a list like [{ id = "ani", pin_hash = "..." }]')):
        if not isinstance(item, dict):
            staff.report(f"members[{index}]", '{ id = "...", pin_hash = "..." }', item)
            continue
        sub = staff.sub(item, f"{staff.prefix}members[{index}].")
        sub.unknown_keys({"id", "pin_hash"})
        who = sub.checked(lambda s=sub: s.text("id", _REQUIRED))
        if who is not None and (not re.fullmatch(r"[a-z0-9_.-]{1,32}", who)
                                or who == "petugas" or who in members):
            sub.report("id", "a unique short id of lower-case letters/digits "
                       "(not 'petugas', the office PIN's id)", who)
        hashed = sub.checked(lambda s=sub: _member_pin_hash(s, simulation))
        if who is not None and hashed is not None:
            members[who] = hashed
    return members


def _member_pin_hash(sub: _Reader, simulation: bool) -> str:
    hashed = sub.text("pin_hash", _REQUIRED)
    if not is_pin_hash(hashed):
        raise sub.fail("pin_hash", "a hash made by `kiosk pin-hash` (scrypt$...)", hashed[:24])
    if not simulation and verify_pin(DEMO_PIN, hashed):
        raise sub.fail("pin_hash", f"a real PIN, not the demo PIN {DEMO_PIN}")
    return hashed


def _parse_calling(root: _Reader) -> CallingConfig:
    sub = root.table("calling", required=False)
    sub.unknown_keys({"mode", "booked_per_walkin", "priority_every", "max_recalls",
                      "no_show_return_minutes", "speech", "speech_english", "voice",
                      "voice_english"})
    ratio = sub._get("booked_per_walkin", [1, 1], list, "two whole numbers such as [2, 1]")
    if len(ratio) != 2 or not all(isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= 9
                                  for x in ratio):
        sub.report("booked_per_walkin", "two whole numbers from 1 to 9 such as [2, 1]", ratio)
        ratio = [1, 1]
    mode = sub.choice("mode", ("priority_first", "strict", "ratio"), "priority_first")
    every = sub.integer("priority_every", None, lo=1, hi=20)
    if (mode == "ratio") != (every is not None):
        sub.report("priority_every", "a number exactly when mode = \"ratio\"", every)
    return CallingConfig(
        mode=mode,
        booked_per_walkin=(ratio[0], ratio[1]),
        priority_every=every,
        max_recalls=sub.integer("max_recalls", 3, lo=1, hi=10),
        no_show_return_minutes=sub.integer("no_show_return_minutes", 30, lo=0, hi=480),
        speech=sub.boolean("speech", True),
        speech_english=sub.boolean("speech_english", False),
        voice=sub.text("voice", "id"),
        voice_english=sub.text("voice_english", "en"),
    )


_HUB_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")


def _parse_sync(root: _Reader) -> SyncConfig:
    sub = root.table("sync", required=False)
    sub.unknown_keys({"hub_url", "token", "interval_s", "timeout_s", "batch_size",
                      "backoff_max_s", "leases", "lease_block", "lease_low_water"})
    if not sub.data:
        return SyncConfig()
    url = (sub.checked(lambda: sub.text("hub_url", _REQUIRED)) or "").strip().rstrip("/")
    if url and not _HUB_URL.match(url):
        sub.report("hub_url", 'the hub address such as "https://hub.example.go.id:8480"', url)
    token = (sub.checked(lambda: sub.text("token", _REQUIRED)) or "").strip()
    if token and len(token) < 16:
        sub.report("token", "the kiosk token from `kiosk hub token` (43 characters)",
                   token[:4] + "...")
    block = sub.integer("lease_block", 10, lo=1, hi=100)
    low = sub.integer("lease_low_water", 5, lo=0, hi=100)
    if low >= block * 2:
        sub.report("lease_low_water", f"fewer than twice lease_block ({block * 2})", low)
    return SyncConfig(
        hub_url=url, token=token,
        interval_s=sub.number("interval_s", 30.0, lo=1, hi=3600),
        timeout_s=sub.number("timeout_s", 10.0, lo=0.5, hi=120),
        batch_size=sub.integer("batch_size", 500, lo=1, hi=1000),
        backoff_max_s=sub.number("backoff_max_s", 300.0, lo=1, hi=86400),
        leases=sub.boolean("leases", False), lease_block=block, lease_low_water=low,
    )


def _parse_walkin(root: _Reader, checkin: CheckinConfig | None) -> WalkinConfig:
    """``checkin`` None: it had problems, so require_nik is not matched against it."""
    sub = root.table("walkin", required=False)
    sub.unknown_keys({"require_nik", "max_per_nik", "per_minute"})
    walkin = WalkinConfig(
        require_nik=sub.boolean("require_nik", False),
        max_per_nik=sub.integer("max_per_nik", 1, lo=1, hi=10),
        per_minute=sub.integer("per_minute", 10, lo=0, hi=600),
    )
    if walkin.require_nik and checkin is not None and len(checkin.nik_salt) < 16:
        # The office secret keys the stored NIK hash: without it a NIK could be recovered.
        sub.report("require_nik", "[checkin] nik_salt to be set first (32+ hex digits, "
                   "`openssl rand -hex 16`) when require_nik = true", True)
    return walkin


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def _check_clock_shift(root: _Reader, simulation: bool) -> None:
    """A shifted clock (tests, demos) is refused by a real office: its days, caps and
    reports must follow the real clock."""
    try:
        shifted = clock.shifted()
    except clock.ClockShiftInvalid as exc:
        raise root.fail("simulation", "a clock shift that is a number of seconds",
                        str(exc)) from None
    if shifted and not simulation:
        raise root.fail("simulation", f"the real clock: {clock.OFFSET_ENV} is set (tests and "
                        "demos only); a real office (simulation = false) refuses it",
                        os.environ.get(clock.OFFSET_ENV))


def load_config(path: Path | str) -> Config:
    """Parse and validate the file; relative paths in it are relative to the file's folder."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(path, "(file)", "an existing configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "(syntax)", f"valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "(file)", f"a readable UTF-8 file ({exc})") from None
    base = path.resolve().parent
    problems: list[ConfigError] = []  # every problem in the file (kiosk/config/reader.py)
    root = _Reader(path, raw, problems=problems)
    root.unknown_keys({"simulation", "language", "database", "office", "hours", "holidays",
                       "lanes", "printer", "gpio", "staff", "screen", "checkin", "camera",
                       "counters", "calling", "lan_api", "board", "display", "sync",
                       "walkin"})
    simulation = root.boolean("simulation", False)
    root.checked(lambda: _check_clock_shift(root, simulation))
    office = root.checked(lambda: _parse_office(root))
    lanes = root.checked(lambda: _parse_lanes(root))
    lane_codes = set(lanes or LANE_CODES)  # unknown lanes: check other sections against all
    hours = root.checked(lambda: _parse_hours(root, lane_codes))
    holidays = _parse_holidays(root)
    staff = root.checked(lambda: _parse_staff(root, simulation))
    screen = root.table("screen", required=False)
    screen.unknown_keys({"ticket_seconds", "theme", "spoken_prompts"})
    before = len(problems)
    counters = root.checked(lambda: _parse_counters(root, lane_codes), ())
    counters_ok = len(problems) == before  # else lamps are not matched against them
    if not simulation:
        _check_demo_tokens(root, counters)
    parts = {
        "printer": root.checked(lambda: _parse_printer(root, base)),
        "gpio": root.checked(lambda: _parse_gpio(root)),
        "database": root.checked(lambda: _resolve(base, root.text("database", _REQUIRED))),
        "language": root.choice("language", LANGUAGES, "id"),
        "ticket_screen_seconds": screen.number("ticket_seconds", 8.0, lo=2, hi=120),
        "screen_theme": screen.choice("theme", SCREEN_THEMES, "standard"),
        "spoken_prompts": screen.boolean("spoken_prompts", False),
        "checkin": root.checked(lambda: _parse_checkin(root)),
        "camera": root.checked(lambda: _parse_camera(root, base)),
        "calling": root.checked(lambda: _parse_calling(root)),
        "lan_api": root.checked(lambda: _parse_lan_api(root)),
        "board": root.checked(lambda: _parse_board(root)),
        "display": root.checked(lambda: _parse_display(root, counters if counters_ok else None)),
        "sync": root.checked(lambda: _parse_sync(root)),
    }
    parts["walkin"] = root.checked(lambda: _parse_walkin(root, parts["checkin"]))
    if problems:
        raise ConfigError.every(problems)
    pin_hash, members, idle_seconds = staff
    config = Config(path=path, simulation=simulation, office=office, hours=hours,
                    holidays=holidays, lanes=lanes, staff_pin_hash=pin_hash,
                    staff_members=members, staff_idle_seconds=idle_seconds,
                    counters=counters, **parts)
    _check_pins_used_once(config)  # only once each pin is known to be a valid number
    return config


def _parse_office(root: _Reader) -> Office:
    office_reader = root.table("office")
    office_reader.unknown_keys({"code", "name", "address", "timezone", "device_id"})
    code, device_id = (office_reader.checked(lambda n=name: office_reader.text(n, _REQUIRED))
                       for name in ("code", "device_id"))
    for name, value in (("code", code), ("device_id", device_id)):
        if value is not None and not _CODE.match(value):
            office_reader.report(name, "2-16 capital letters, digits or '-'", value)
    name = office_reader.checked(lambda: office_reader.text("name", _REQUIRED))
    address = office_reader.text("address", "")
    zone = office_reader.choice("timezone", OFFICE_TIMEZONES, _REQUIRED)
    return Office(code=code, name=name, address=address, timezone=ZoneInfo(zone),
                  device_id=device_id)


def _parse_hours(root: _Reader, lane_codes: set[str]) -> dict[int, DayHours | None]:
    hours_reader = root.table("hours")
    hours_reader.unknown_keys(set(WEEKDAYS))
    failed = object()
    hours = {i: hours_reader.checked(lambda n=name: _parse_day(hours_reader, n, lane_codes),
                                     failed)
             for i, name in enumerate(WEEKDAYS)}
    if failed not in hours.values() and not any(hours.values()):
        hours_reader.report("mon", "opening hours on at least one weekday")
    return hours


def _parse_holidays(root: _Reader) -> frozenset[date]:
    holidays: set[date] = set()
    for item in root._get("holidays", [], list, 'a list of dates such as ["2026-12-25"]'):
        try:
            holidays.add(item if isinstance(item, date) else date.fromisoformat(str(item)))
        except ValueError:
            root.report("holidays", "dates as YYYY-MM-DD", item)
    return frozenset(holidays)


def _parse_staff(root: _Reader, simulation: bool) -> tuple[str, dict[str, str], float]:
    """(the office PIN's hash, each member's, idle seconds) of the [staff] table."""
    staff = root.table("staff")
    staff.unknown_keys({"pin_hash", "members", "idle_seconds"})
    idle_seconds = staff.number("idle_seconds", 120.0, lo=15, hi=3600)
    members = _parse_staff_members(staff, simulation)
    pin_hash = staff.text("pin_hash", _REQUIRED)
    if not is_pin_hash(pin_hash):
        raise staff.fail("pin_hash", "a hash made by `kiosk pin-hash` (scrypt$...)", pin_hash[:24])
    if not simulation and verify_pin(DEMO_PIN, pin_hash):
        raise staff.fail("pin_hash", f"a real staff PIN, not the demo PIN {DEMO_PIN} "
                         "(make one with `kiosk pin-hash`)")
    return pin_hash, members, idle_seconds


def config_path(cli_value: str | None) -> Path:
    """--config wins, then KIOSK_CONFIG, then the simulation default."""
    return Path(cli_value or os.environ.get("KIOSK_CONFIG") or DEFAULT_CONFIG)
