"""Reading the config file: load_config checks every section (each in its own
parse_* module) and builds the Config; config_path says which file to read."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from kiosk import clock
from kiosk.config.model import LANE_CODES, LANGUAGES, SCREEN_THEMES, Config
from kiosk.config.parse_access import (
    check_demo_tokens,
    parse_checkin,
    parse_counters,
    parse_lan_api,
    parse_staff,
    parse_sync,
    parse_walkin,
)
from kiosk.config.parse_devices import (
    check_pins_used_once,
    parse_camera,
    parse_display,
    parse_gpio,
    parse_printer,
)
from kiosk.config.parse_notify import parse_notify
from kiosk.config.parse_office import (
    parse_board,
    parse_calling,
    parse_holidays,
    parse_hours,
    parse_office,
    parse_survey,
    parse_tracking,
)
from kiosk.config.parse_services import (
    check_counters,
    fold_service_hours,
    parse_lanes,
    parse_stage_names,
)
from kiosk.config.reader import _REQUIRED, ConfigError, _Reader, resolve_path

DEFAULT_CONFIG = Path("config/kiosk.toml")


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
                       "walkin", "services", "stages", "tracking", "survey",
                       "notify"})
    simulation = root.boolean("simulation", False)
    root.checked(lambda: _check_clock_shift(root, simulation))
    office = root.checked(lambda: parse_office(root))
    lanes = root.checked(lambda: parse_lanes(root))
    lane_codes = set(lanes or LANE_CODES)  # unknown lanes: check other sections against all
    hours = root.checked(lambda: parse_hours(root, lane_codes))
    if hours is not None and lanes:
        hours = fold_service_hours(hours, lanes)
    holidays = parse_holidays(root)
    staff = root.checked(lambda: parse_staff(root, simulation))
    screen = root.table("screen", required=False)
    screen.unknown_keys({"ticket_seconds", "theme", "spoken_prompts"})
    before = len(problems)
    counters = root.checked(lambda: parse_counters(root, lane_codes), ())
    if lanes:
        check_counters(root, counters, lanes)
    counters_ok = len(problems) == before  # else lamps are not matched against them
    if not simulation:
        check_demo_tokens(root, counters)
    parts = {
        "printer": root.checked(lambda: parse_printer(root, base)),
        "gpio": root.checked(lambda: parse_gpio(root, lanes)),
        "database": root.checked(lambda: resolve_path(base, root.text("database", _REQUIRED))),
        "language": root.choice("language", LANGUAGES, "id"),
        "ticket_screen_seconds": screen.number("ticket_seconds", 8.0, lo=2, hi=120),
        "screen_theme": screen.choice("theme", SCREEN_THEMES, "standard"),
        "spoken_prompts": screen.boolean("spoken_prompts", False),
        "checkin": root.checked(lambda: parse_checkin(root, base)),
        "camera": root.checked(lambda: parse_camera(root, base)),
        "calling": root.checked(lambda: parse_calling(root)),
        "lan_api": root.checked(lambda: parse_lan_api(root)),
        "board": root.checked(lambda: parse_board(root)),
        "display": root.checked(lambda: parse_display(root, counters if counters_ok else None)),
        "sync": root.checked(lambda: parse_sync(root, base)),
        "stage_names": root.checked(lambda: parse_stage_names(root, lanes), {}),
        "survey": root.checked(lambda: parse_survey(root)),
    }
    parts["walkin"] = root.checked(lambda: parse_walkin(root, parts["checkin"]))
    salt = parts["checkin"].nik_salt if parts["checkin"] is not None else None
    parts["tracking"] = root.checked(lambda: parse_tracking(root, salt))
    parts["notify"] = root.checked(lambda: parse_notify(root, salt, base))
    nik_services = [code for code, lane in (lanes or {}).items() if lane.nik]
    if nik_services and parts["checkin"] is not None and len(parts["checkin"].nik_salt) < 16:
        root.report(f"services.{nik_services[0]}.nik", "[checkin] nik_salt to be set first "
                    "(32+ hex digits, `openssl rand -hex 16`) when a service needs a NIK", True)
    tracking, sync = parts["tracking"], parts["sync"]
    if tracking is not None and tracking.hub and sync is not None and not sync.enabled:
        root.report("tracking.hub", "[sync] hub_url to be set: the pages go through the hub",
                    True)
    if problems:
        raise ConfigError.every(problems)
    pin_hash, members, idle_seconds = staff
    config = Config(path=path, simulation=simulation, office=office, hours=hours,
                    holidays=holidays, lanes=lanes, staff_pin_hash=pin_hash,
                    staff_members=members, staff_idle_seconds=idle_seconds,
                    counters=counters, **parts)
    check_pins_used_once(config)  # only once each pin is known to be a valid number
    return config


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


def config_path(cli_value: str | None) -> Path:
    """--config wins, then KIOSK_CONFIG, then the simulation default."""
    return Path(cli_value or os.environ.get("KIOSK_CONFIG") or DEFAULT_CONFIG)
