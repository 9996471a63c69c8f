"""The whole `kiosk doctor` run: the config first and alone, then every other check
(the domain checks here, the device probes passed in) in CHECK_NAMES order."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.clock import utc_now
from kiosk.config import Config, ConfigError, load_config
from kiosk.doctor.network_checks import hub_check, lan_api_check
from kiosk.doctor.notify_checks import notify_check
from kiosk.doctor.runner import CHECK_NAMES, Check, CheckResult, Outcome, check, result, run_checks
from kiosk.doctor.secret_checks import secrets_check
from kiosk.doctor.store_checks import DEFAULT_MIN_FREE_MB, FAIL_FREE_MB, database_check, disk_check
from kiosk.doctor.system_checks import SYSTEMD_DIR, clock_check, services_check
from kiosk.queue.clock_trust import SyncSource

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


@dataclass(frozen=True)
class DoctorOptions:
    min_free_mb: float = DEFAULT_MIN_FREE_MB
    fail_free_mb: float = FAIL_FREE_MB
    now: Callable[[], datetime] = utc_now
    systemd_dir: Path = SYSTEMD_DIR
    sync: SyncSource | None = None  # None: the system's NTP state, as the kiosk reads it


def load_checked_config(path: Path) -> tuple[Config | None, CheckResult]:
    """The config check runs first and alone: every other check needs its result."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        return None, result("config", "fail", "doctor.config.bad", "doctor.config.bad.fix",
                            detail=str(exc))
    except Exception as exc:  # e.g. a time zone missing from the system's tzdata
        return None, result("config", "fail", "doctor.config.bad", "doctor.config.bad.fix",
                            detail=f"{path}: {type(exc).__name__}: {exc}")
    key = "doctor.config.ok_sim" if config.simulation else "doctor.config.ok"
    return config, result("config", "pass", key, path=str(path), office=config.office.code,
                          device=config.office.device_id)


def domain_checks(config: Config, options: DoctorOptions) -> list[Check]:
    return [
        check("database", lambda: database_check(config)),
        check("disk", lambda: disk_check(config, options.min_free_mb, options.fail_free_mb)),
        check("clock", lambda: clock_check(config, options.now(), options.sync)),
        check("lan_api", lambda: lan_api_check(config, options.systemd_dir)),
        check("hub", lambda: hub_check(config)),
        check("notify", lambda: notify_check(config, options.now())),
        check("services", lambda: services_check(options.systemd_dir)),
        check("secrets", lambda: secrets_check(config)),
    ]


def diagnose(config_file: Path, hardware: Callable[[Config], list[Check]],
             options: DoctorOptions | None = None,
             only: Sequence[str] | None = None) -> tuple[Config | None, list[Outcome]]:
    """Every check (or those in ``only``), in CHECK_NAMES order.

    With a bad config only the config failure and "skipped: fix the config
    first" come back, except for the checks that need no config (services).
    """
    options = options or DoctorOptions()
    wanted = set(only or CHECK_NAMES)
    started = time.monotonic()
    config, config_result = load_checked_config(config_file)
    outcomes: dict[str, Outcome] = {}
    if "config" in wanted or config is None:
        outcomes["config"] = Outcome(config_result, round(time.monotonic() - started, 3))
    if config is None:
        checks = [check("services", lambda: services_check(options.systemd_dir))]
        for name in wanted - {"config", "services"}:
            outcomes[name] = Outcome(result(name, "skip", "doctor.needs_config",
                                            "doctor.needs_config.fix"), 0.0)
    else:
        checks = domain_checks(config, options) + _device_checks(hardware, config)
    for outcome in run_checks([c for c in checks if c.name in wanted]):
        outcomes[outcome.result.name] = outcome
    return config, [outcomes[name] for name in CHECK_NAMES if name in outcomes]


DEVICE_CHECKS = ("printer", "camera", "gpio", "sound")


def _device_checks(hardware: Callable[[Config], list[Check]], config: Config) -> list[Check]:
    """The device probes; if their drivers cannot even load, each says so instead."""
    try:
        return hardware(config)
    except Exception as exc:  # e.g. a broken OpenCV or libusb install
        detail = f"{type(exc).__name__}: {exc}"
        return [check(name, lambda name=name: result(name, "fail", "doctor.crashed",
                                                      "doctor.crashed.fix", detail=detail))
                for name in DEVICE_CHECKS]
