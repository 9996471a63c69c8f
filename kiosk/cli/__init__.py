"""The `kiosk` command: run the kiosk, or issue, reprint and report without the UI.

Staff use these when the screen is broken or for scripts, so every refusal
is a plain sentence on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import TYPE_CHECKING

from kiosk.cli.options import GLOBAL_DEFAULTS, GlobalOptionsParser
from kiosk.config import ConfigError, config_path, load_config
from kiosk.ops.journal_log import setup_logging

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.queue.issuing import Issued, Refused


log = logging.getLogger(__name__)
# The exit codes, all listed in README.md ("Exit codes"; tests/test_cli_conventions.py).
# 2 is also what argparse returns for a usage error.
EXIT_CONFIG, EXIT_FAILED, EXIT_REFUSED, EXIT_UNPRINTED, EXIT_NOT_FOUND = 1, 2, 3, 4, 5
# `kiosk issue SERVICE`: a service code of the config (any case) or one of these aliases of
# the default lanes; the domain modules load in the commands that need them, so `kiosk
# run` draws its first frame sooner (docs/design.md, "Start-up").
LANE_ALIASES = {"walkin": "A", "priority": "P"}


def _parser(with_modules: bool = True) -> argparse.ArgumentParser:
    parser = GlobalOptionsParser(prog="kiosk", description="antrian-kiosk queue kiosk")
    parser.set_defaults(**GLOBAL_DEFAULTS)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the full-screen kiosk")
    issue = sub.add_parser("issue", help="issue and print one ticket without the UI")
    issue.add_argument("lane", metavar="SERVICE",
                       help="a service code of the config, e.g. A or C; walkin = A, priority = P")
    status = sub.add_parser("status", help="today per lane: issued, left, turned away, unprinted")
    status.add_argument("--json", action="store_true")
    reprint = sub.add_parser("reprint", help="print one of today's tickets again, e.g. A012")
    reprint.add_argument("number")
    sub.add_parser("pin-hash", help="make a staff PIN hash for the config's [staff] pin_hash"
                   " (6-12 digits in a real office)")
    sub.add_parser("check-config", help="validate the config file and exit")
    for module in _command_modules() if with_modules else []:
        module.register(sub)
    return parser


def config_problems(exc: ConfigError) -> str:
    """One line for one problem; else a heading and every problem on its own line."""
    if len(exc.problems) == 1:
        return f"Konfigurasi salah / bad configuration: {exc}"
    return "\n".join([f"Konfigurasi salah / bad configuration: {len(exc.problems)} problems "
                      f"in {exc.path}:", *(f"{exc.path}: {p}" for p in exc.problems)])


# The commands defined in this module: parsed without importing the other commands'
# modules (the doctor, reports, sync, ...), ~40-80 ms of `kiosk run`'s start and of
# every `kiosk issue` (bench/startup.py, bench/cli_issue.py).
BUILT_IN = ("run", "issue", "status", "reprint", "pin-hash", "check-config")


def _is_built_in(argv: Sequence[str]) -> bool:
    """`kiosk [--config F] [--lang L] run | issue A | ...`: one of BUILT_IN, so the
    parser needs no command module. `kiosk --help` and the others do."""
    probe = argparse.ArgumentParser(add_help=False)
    probe.add_argument("--config")
    probe.add_argument("--lang")
    _known, rest = probe.parse_known_args(argv)
    return bool(rest) and rest[0] in BUILT_IN


def _command_modules() -> list:
    """Command groups kept in their own modules, each with register() and dispatch()."""
    from kiosk.cli import admin as cli_admin
    from kiosk.cli import bookings as cli_bookings
    from kiosk.cli import calling as cli_calling
    from kiosk.cli import doctor as cli_doctor
    from kiosk.cli import report as cli_report
    from kiosk.cli import survey as cli_survey
    from kiosk.cli import sync as cli_sync

    return [cli_bookings, cli_calling, cli_admin, cli_doctor, cli_report, cli_sync, cli_survey]


def _refusal_text(refused: Refused, language: str) -> str:
    from kiosk.texts.notices import notice_lines

    title, body = notice_lines(refused, language)
    return " ".join([title + "."] + [line.replace("\n", " ") for line in body])


def _report_issued(result: Issued) -> int:
    print(result.ticket.label)
    if not result.printed:
        print(f"Tiket {result.ticket.label} tidak tercetak ({result.print_error}); nomor tetap "
              f"berlaku. Cetak ulang: kiosk reprint {result.ticket.label}", file=sys.stderr)
        return EXIT_UNPRINTED
    return 0


def _cmd_issue(args: argparse.Namespace, config) -> int:
    from kiosk.appliance import build
    from kiosk.queue.issuing import Refused

    lane = LANE_ALIASES.get(args.lane.strip().lower(), args.lane.strip().upper())
    service = config.lanes.get(lane)
    if service is None or service.kind == "booked":
        issued = [code for code, s in config.lanes.items() if s.kind != "booked"]
        print(f"Layanan {args.lane!r} tidak ada / no such service: kiosk issue "
              f"{' | '.join(issued + list(LANE_ALIASES))}"
              " (booked numbers are given at check-in)", file=sys.stderr)
        return EXIT_FAILED
    appliance = build(config, with_gpio=False, with_checkin=False)
    try:
        result = appliance.service.issue(lane, args.lang)
    finally:
        appliance.close()
    if isinstance(result, Refused):
        print(_refusal_text(result, args.lang or config.language), file=sys.stderr)
        return EXIT_REFUSED
    return _report_issued(result)


def _cmd_reprint(args: argparse.Namespace, config) -> int:
    from kiosk.appliance import build

    appliance = build(config, with_gpio=False, with_checkin=False)
    try:
        result = appliance.service.reprint(args.number.strip().upper(), args.lang)
    finally:
        appliance.close()
    if result is None:
        print(f"Tiket {args.number} tidak ada hari ini / no such ticket today.", file=sys.stderr)
        return EXIT_NOT_FOUND
    return _report_issued(result)


def _cmd_status(args: argparse.Namespace, config) -> int:
    from kiosk import store
    from kiosk.clock import utc_now
    from kiosk.queue.numbering import Numbering
    from kiosk.queue.schedule import Schedule
    from kiosk.texts import format_date

    db = store.connect(config.database)
    try:
        day = Schedule(config.timezone, config.hours, config.holidays).office_day(utc_now())
        summary = Numbering(db, config.office.code, config.office.device_id).day_summary(day)
    finally:
        db.close()
    rows = []
    for code, lane in config.lanes.items():
        figures = summary.get(code, {})
        issued = figures.get("issued", 0)
        rows.append({
            "lane": code, "name": lane.name(args.lang or config.language), "issued": issued,
            "cap": lane.cap, "left": None if lane.cap is None else max(lane.cap - issued, 0),
            "turned_away": figures.get("turned_away", 0), "unprinted": figures.get("unprinted", 0),
            "waiting": figures.get("waiting", 0),
        })
    if args.json:
        print(json.dumps({"office": config.office.code, "day": day.isoformat(), "lanes": rows}))
        return 0
    print(f"{config.office.name} - {format_date(day, args.lang or config.language)}")
    print(f"{'lane':<22}{'issued':>8}{'left':>8}{'turned away':>13}{'unprinted':>11}")
    for row in rows:
        left = "-" if row["left"] is None else str(row["left"])
        print(f"{row['lane'] + ' ' + row['name']:<22}{row['issued']:>8}{left:>8}"
              f"{row['turned_away']:>13}{row['unprinted']:>11}")
    return 0


def _cmd_pin_hash() -> int:
    import getpass  # only this command asks for a secret on the terminal

    from kiosk.privacy.pin import REAL_OFFICE_MIN_DIGITS, hash_pin

    pin = getpass.getpass(f"New staff PIN ({REAL_OFFICE_MIN_DIGITS}-12 digits; "
                          f"4 or 5 only for a simulation): ")
    if getpass.getpass("Again: ") != pin:
        print("The two PINs differ.", file=sys.stderr)
        return EXIT_FAILED
    try:
        print(f'pin_hash = "{hash_pin(pin)}"')
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    if len(pin) < REAL_OFFICE_MIN_DIGITS:
        print(f"Note: a real office (simulation = false) refuses a PIN of fewer than "
              f"{REAL_OFFICE_MIN_DIGITS} digits; this hash works only in a simulation.",
              file=sys.stderr)
    return 0


def _start_run() -> None:
    """`kiosk run` only, before the config is read: the malloc setting that must come
    before any thread, then a thread importing what serving needs while the main
    thread reads the config and draws the first frame (kiosk.appliance.import_for_serving)."""
    import threading

    from kiosk.ops import lean

    lean.before_threads()  # before Textual's threads and numpy (docs/design.md, "Lean on a Pi")

    def ahead() -> None:
        from kiosk.appliance import import_for_serving

        import_for_serving()

    threading.Thread(target=ahead, name="import-ahead", daemon=True).start()


def _cmd_run(config) -> int:
    from kiosk.ops import lean
    from screens.app import KioskApp

    started: list = []  # the Appliance, once the start-up thread has built it

    def speak(text: str, language: str) -> None:  # the announcer starts after the first frame
        from kiosk.appliance import prompt_speaker

        if started and (speaker := prompt_speaker(config, started[0])) is not None:
            speaker(text, language)

    def start_later() -> None:  # the store, services and devices, after the first frame
        _start_kiosk(config, started, app)
        lean.after_start()

    app = KioskApp(config, None, speak=speak if config.spoken_prompts else None,
                   start_later=start_later)
    try:
        ending = app.run()
    finally:
        if started:
            started[0].close()
    return _end_session(ending, config)


def _build_for_app(config, started: list, app, **build_options):
    """The store, issuing and check-in services, printer object, GPIO lane buttons and
    lamp (kiosk.appliance.build), handed to the app; None (and the app shows why) if
    they cannot be built."""
    from kiosk.appliance import build
    from kiosk.staff.desk import StaffDesk

    try:
        appliance = build(config, **build_options)
    except Exception as exc:  # e.g. the store unreadable: say so on screen, not just exit
        log.exception("the store and devices could not start")
        app.start_failed(str(exc) or type(exc).__name__)
        return None
    started.append(appliance)

    def wake_lobby() -> None:  # a call from the staff menu reaches display and speaker now
        if appliance.call_feed is not None:
            appliance.call_feed.poke()

    desk = StaffDesk.for_service(appliance.service, after_call=wake_lobby)
    appliance.closers.append(desk.close)
    appliance.on_press = app.lane_pressed
    app.appliance_ready(appliance.service, appliance.checkin, appliance.simulation, desk)
    return appliance


def _start_kiosk(config, started: list, app, **build_options) -> None:
    """`kiosk run`'s start-up thread, once the home screen is drawn: the store and the
    services first (without them nothing else starts), then the other devices.
    ``build_options`` go to kiosk.appliance.build (tests pass a clock)."""
    appliance = _build_for_app(config, started, app, **build_options)
    if appliance is not None:
        _start_after_first_frame(config, appliance, app)


def _start_after_first_frame(config, appliance, app) -> None:
    """What the home screen does not need, started once it is drawn (docs/design.md,
    "Start-up"): the lobby sees the kiosk sooner after a power cut. Each part that
    fails is a notice in the journal, never a reason for the others not to start."""
    from kiosk.appliance import load_deferred_drivers, make_scanner, start_calling

    def calling() -> None:
        _api, notice = start_calling(config, appliance)
        if notice:
            log.warning("%s", notice)

    def sync() -> None:  # the outbox, bookings and settings with the hub, in a thread
        from kiosk.sync.worker import start_sync

        appliance.closers.append(start_sync(config, appliance))

    def camera() -> None:
        try:
            scanner = make_scanner(config, app.code_seen, app.camera_state)
        except ValueError as exc:  # a camera problem must not stop walk-in numbers
            log.warning("Kamera / camera: %s", exc)
            return
        if scanner is not None:
            app.scanner_ready(scanner)

    def drivers() -> None:  # first: a lane press needs them (it would import them itself)
        load_deferred_drivers(appliance)

    def screens() -> None:  # the ticket, notice, staff... screens, off the UI thread
        from screens.screen_kinds import load_screens

        load_screens()

    def notify() -> None:  # opt-in messages: after calling, so calls wake the worker
        from kiosk.appliance import start_notify

        app.notifier = start_notify(config, appliance)

    steps = [drivers, screens, calling, *([sync] if config.sync.enabled else []),
             *([notify] if config.notify.enabled else []), camera]
    for step in steps:
        try:
            step()
        except Exception:
            log.exception("start-up step %s failed", step.__name__)


def _end_session(ending: str | None, config) -> int:
    """What the staff menu asked for once the app has closed the store cleanly."""
    from kiosk.ops import power

    if ending == "restart":
        power.restart(sys.argv)
    if ending == "shutdown" and not config.simulation:  # systemctl's own code is not ours
        return 0 if power.power_off() == 0 else EXIT_FAILED
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    with_modules = not _is_built_in(argv)
    args = _parser(with_modules).parse_args(argv)
    # The journal under systemd, else stderr; KIOSK_LOG_LEVEL=DEBUG for more detail.
    setup_logging(os.environ.get("KIOSK_LOG_LEVEL", "INFO"))
    if args.command == "pin-hash":
        return _cmd_pin_hash()
    if args.command == "run":
        _start_run()
    path = config_path(args.config)
    for module in _command_modules() if with_modules else []:  # `doctor` reports a bad config
        early = getattr(module, "dispatch_before_config", None)
        if early is not None and (result := early(args, path)) is not None:
            return result
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(config_problems(exc), file=sys.stderr)
        return EXIT_CONFIG
    if args.command == "check-config":
        print(f"{path}: OK ({config.office.code}, {config.office.name})")
        return 0
    if args.command == "run":
        return _cmd_run(config)
    handlers = {"issue": _cmd_issue, "reprint": _cmd_reprint, "status": _cmd_status}
    if args.command in handlers:
        return handlers[args.command](args, config)
    for module in _command_modules():
        result = module.dispatch(args, config)
        if result is not None:
            return result
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
