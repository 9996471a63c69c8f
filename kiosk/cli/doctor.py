"""`kiosk doctor`: check the whole kiosk and say, in Bahasa Indonesia or English, what to fix.

It must work when nothing else does, so it runs before the config is loaded
(a bad config is one of the things it reports) and never waits on a device
longer than that check's deadline. Exit code 0 when no check failed
(warnings and skips are fine), 1 when one did; `--json` for monitoring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.doctor.diagnosis import DoctorOptions, diagnose
from kiosk.doctor.report import exit_code, report_json, report_text
from kiosk.doctor.runner import CHECK_NAMES
from kiosk.doctor.store_checks import DEFAULT_MIN_FREE_MB
from kiosk.texts import t

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from kiosk.config import Config


def register(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser(
        "doctor", help="check config, store, disk, printer, camera, GPIO, sound, clock, "
        "LAN API, hub and services; exit 0 when nothing failed")
    doctor.add_argument("--json", action="store_true", help="one JSON object for monitoring")
    doctor.add_argument("--only", action="append", choices=CHECK_NAMES, metavar="NAME",
                        help=f"run only this check (repeatable): {', '.join(CHECK_NAMES)}")
    doctor.add_argument("--min-free-mb", type=float, default=DEFAULT_MIN_FREE_MB,
                        help=f"warn when the data partition has less free space "
                        f"(default {DEFAULT_MIN_FREE_MB} MB)")


def dispatch_before_config(args: argparse.Namespace, config_file: Path) -> int | None:
    """Runs instead of the usual config loading: a bad config is a finding, not a stop."""
    if args.command != "doctor":
        return None
    from kiosk.appliance import hardware_probes

    options = DoctorOptions(min_free_mb=max(0.0, args.min_free_mb))
    config, outcomes = diagnose(config_file, hardware_probes, options, args.only)
    language = args.lang or (config.language if config else "id")
    if args.json:
        print(report_json(outcomes, language, config_file))
    else:
        print(report_text(outcomes, language, _heading(config, config_file, language)))
    return exit_code(outcomes)


def _heading(config: Config | None, config_file: Path, language: str) -> str:
    office = config.office.name if config else "?"
    return t("doctor.heading", language, office=office, path=config_file)


def dispatch(args: argparse.Namespace, config: Config) -> int | None:
    return None  # `doctor` is answered by dispatch_before_config
