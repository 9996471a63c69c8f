"""`kiosk sync ...` on a kiosk and `kiosk hub ...` on the central server.

The kiosk syncs by itself while `kiosk run` runs; `kiosk sync --once` is for
staff and scripts ("send everything now"), `kiosk sync status` says whether
the hub was reached and how much waits. `kiosk hub` needs no kiosk config:
a hub is a server, configured by its store (``--db`` or $KIOSK_HUB_DB).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

from kiosk.clock import utc_now
from kiosk.config import Config, parse_listen

EXIT_FAILED, EXIT_BAD_INPUT = 2, 2
DEFAULT_HUB_DB = "var/hub.db"
DEFAULT_HUB_LISTEN = "127.0.0.1:8480"


def register(sub: argparse._SubParsersAction) -> None:
    sync = sub.add_parser("sync", help="sync with the hub now (--once) or show the sync status")
    sync.add_argument("action", nargs="?", choices=("status",),
                      help="status: online/offline, last success, events waiting")
    sync.add_argument("--once", action="store_true", help="one sync round now, then exit")
    sync.add_argument("--json", action="store_true", help="status as one JSON line")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="hub store: a SQLite file or a postgresql:// URL "
                        f"(default: $KIOSK_HUB_DB or {DEFAULT_HUB_DB})")
    common.add_argument("--key-file", help="the hub key that seals the offices' NIK salts: "
                        "a file only the hub reads, holding `openssl rand -hex 32` (default: "
                        "$KIOSK_HUB_KEY_FILE, or systemd's credential hub_key)")
    hub = sub.add_parser("hub", help="the central hub: serve it, add offices, make tokens")
    actions = hub.add_subparsers(dest="hub_command", required=True)
    serve = actions.add_parser("serve", parents=[common], help="run the hub (HTTP)")
    serve.add_argument("--listen", default=DEFAULT_HUB_LISTEN,
                       help=f"address:port (default {DEFAULT_HUB_LISTEN})")
    serve.add_argument("--public-burst", type=int, default=30, metavar="N",
                       help="public quota page: requests one address may make at once "
                       "(default 30; 0 = no limit, e.g. behind a proxy that limits)")
    serve.add_argument("--public-per-second", type=float, default=1.0, metavar="R",
                       help="public quota page: requests per second per address after "
                       "that (default 1)")
    office = actions.add_parser("add-office", parents=[common],
                                help="add an office (or change its name, zone or salt)")
    office.add_argument("code")
    office.add_argument("--name", required=True)
    office.add_argument("--timezone", required=True,
                        help="Asia/Jakarta, Asia/Makassar or Asia/Jayapura")
    office.add_argument("--nik-salt", default="", help="the office's checkin.nik_salt (hex); "
                        "needed to import bookings with NIKs; kept sealed with the hub key")
    office.add_argument("--nik-salt-file", help="the same, read from a file (stays out of "
                        "the shell history and the process list)")
    token = actions.add_parser("token", parents=[common],
                               help="make a token (shown once) for a kiosk or the centre")
    token.add_argument("--office", help="the office (required for a kiosk)")
    token.add_argument("--device", help="the kiosk's [office] device_id")
    token.add_argument("--central", action="store_true",
                       help="a token for the booking system / admin (all offices without "
                       "--office)")
    revoke = actions.add_parser("revoke", parents=[common], help="revoke a kiosk's tokens")
    revoke.add_argument("device")
    settings = actions.add_parser("settings", parents=[common],
                                  help="show an office's settings, or set them from a JSON file")
    settings.add_argument("office")
    settings.add_argument("--file", help='JSON such as {"caps": {"A": 60}, "holidays": [...]}')
    imp = actions.add_parser("import", parents=[common],
                             help="import a bookings JSON file for an office")
    imp.add_argument("office")
    imp.add_argument("file")
    skm = actions.add_parser("skm", parents=[common],
                             help="an office's satisfaction survey index (IKM) across its kiosks")
    skm.add_argument("office")
    skm.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    skm.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="default: --from")
    status = actions.add_parser("status", parents=[common], help="offices and their kiosks")
    status.add_argument("--json", action="store_true")
    release = actions.add_parser(
        "release", parents=[common],
        help="free the leased numbers a dead kiosk holds (switch it off first)")
    release.add_argument("--office", required=True)
    release.add_argument("--device", required=True, help="the dead kiosk's device id")
    release.add_argument("--day", help="YYYY-MM-DD (default: today at the office)")
    release.add_argument("--service", "--lane", dest="lane", action="append",
                         help="a leased service, e.g. C (again for more; default: every "
                         "service whose numbers the kiosk holds)")
    release.add_argument("--force", action="store_true",
                         help="even if the kiosk talked to the hub in the last 10 minutes")


# --- kiosk side -------------------------------------------------------------------


def _no_hub(config: Config) -> int:
    print(f"Tidak ada hub / no hub: [sync] hub_url is not set in {config.path}; this kiosk "
          "works alone (docs/configuration.md, [sync]).", file=sys.stderr)
    return EXIT_FAILED


def _sync_once(config: Config) -> int:
    from kiosk import store
    from kiosk.sync.worker import SyncWorker, prepare_store

    if not config.sync.enabled:
        return _no_hub(config)
    db = store.connect(config.database)
    try:
        prepare_store(config, db)
        worker = SyncWorker(config, db)
        try:
            report = worker.sync_once()
        finally:
            worker.client.close()
    finally:
        db.close()
    if not report.ok:
        print(f"Sinkronisasi gagal / sync failed: {report.summary()}", file=sys.stderr)
        print("Nothing is lost: the events stay in the outbox and go with the next sync.",
              file=sys.stderr)
        return EXIT_FAILED
    print(report.summary())
    return 0


def _moment(value: datetime | None, config: Config) -> str:
    if value is None:
        return "never"
    return value.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M:%S %Z")


def _sync_status(config: Config, as_json: bool) -> int:
    from kiosk import store
    from kiosk.sync.status import read_status

    db = store.connect(config.database)
    try:
        status = read_status(db, config)
    finally:
        db.close()
    if as_json:
        print(json.dumps(status.to_json()))
        return 0
    if not status.enabled:
        print(f"no hub configured: {status.pending_events} events kept locally")
        return 0
    print(f"hub:            {config.sync.hub_url}")
    print(f"state:          {'online' if status.online else 'OFFLINE'}")
    print(f"last success:   {_moment(status.last_success, config)}")
    print(f"last attempt:   {_moment(status.last_attempt, config)}")
    print(f"events waiting: {status.pending_events}")
    if status.protocol is not None:
        note = f" ({status.protocol_fallback}; newer tried again later)" \
            if status.protocol_fallback else ""
        print(f"protocol:       {status.protocol}{note}")
    if status.last_error:
        print(f"last error:     {status.last_error}")
    if status.clock_skew_s is not None and abs(status.clock_skew_s) >= 60:
        print(f"clock:          {status.clock_skew_s:+.0f} s against the hub: check NTP")
    if status.leased_by_lane:
        held = ", ".join(f"{lane} {free}" for lane, free in status.leased_by_lane.items())
        print(f"leased numbers held: {held}")
    if status.warning:
        print(f"warning:        {status.warning}")
    if status.push_problems and status.last_push_problem:
        last = status.last_push_problem
        print(f"hub refused:    {status.push_problems} event(s) not stored (last: {last['status']}"
              f" {last['id']}: {last['reason']}); see docs/troubleshooting.md")
    return 0


# --- hub side ---------------------------------------------------------------------


def _hub_target(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("KIOSK_HUB_DB") or DEFAULT_HUB_DB


def _serve(args: argparse.Namespace, store) -> int:
    # The same server as the LAN API's (kiosk/web/server.py): a real backlog, and slow
    # clients dropped at their deadline.
    from kiosk.hub.app import HubServer
    from kiosk.public.ratelimit import RateLimit

    try:
        listen = parse_listen(args.listen)
    except ValueError as exc:
        print(f"--listen: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.public_burst < 0 or not 0 < args.public_per_second <= 1000:
        print("--public-burst: 0 or more; --public-per-second: more than 0, at most 1000",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    if not store.salts.ready and (sealed := store.sealed_offices()):
        # Else every kiosk of these offices would get an error on each settings pull.
        print(f"hub key missing: the NIK salts of {', '.join(sealed)} are sealed with it; "
              "start with --key-file or $KIOSK_HUB_KEY_FILE (docs/install.md)", file=sys.stderr)
        return EXIT_BAD_INPUT
    limit = RateLimit(burst=args.public_burst, per_second=args.public_per_second)
    try:
        server = HubServer(store, listen.host, listen.port, public_limit=limit)
    except OSError as exc:
        print(f"cannot listen on {listen.host}:{listen.port}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"hub ({store.kind}) listening on {listen.host}:{server.port}", flush=True)
    server.serve_forever()
    return 0


def _hub(args: argparse.Namespace) -> int:
    from kiosk.config.secrets import SecretFileError, read_secret
    from kiosk.hub.salts import hub_key_path, load_hub_key
    from kiosk.hub.store import HubError, HubStore
    from kiosk.sync.protocol import ProtocolError

    target = _hub_target(args)
    key_path = hub_key_path(args.key_file)
    try:
        key = load_hub_key(key_path) if key_path else None
    except SecretFileError as exc:
        print(f"hub key: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        store = HubStore.open(target, key)
    except Exception as exc:  # noqa: BLE001 - a wrong URL or path: say which, do not trace
        print(f"Hub store {target}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        command = args.hub_command
        if command == "serve":
            return _serve(args, store)
        if command == "add-office":
            salt_hex = (read_secret(Path(args.nik_salt_file)) if args.nik_salt_file
                        else args.nik_salt)
            salt = bytes.fromhex(salt_hex) if salt_hex else b""
            store.add_office(args.code.upper(), args.name, args.timezone, salt)
            print(f"office {args.code.upper()} ready")
        elif command == "token":
            return _token(args, store)
        elif command == "revoke":
            print(f"{store.revoke_device(args.device)} token(s) of {args.device} revoked")
        elif command == "settings":
            if args.file:
                data = json.loads(Path(args.file).read_text(encoding="utf-8"))
                version = store.set_settings(args.office, data)
                print(f"settings of {args.office} are now version {version}; kiosks apply "
                      "them at their next sync")
            version, settings, _ = store.settings(args.office)
            print(json.dumps({"office": args.office, "version": version, "settings": settings},
                             indent=2))
        elif command == "import":
            text = Path(args.file).read_text(encoding="utf-8-sig")
            report = store.import_bookings(args.office, text, utc_now())
            print(report.summary())
            return 0 if report.ok else EXIT_BAD_INPUT
        elif command == "release":
            return _release(args, store)
        elif command == "skm":
            from kiosk.hub.skm import office_skm

            first = date.fromisoformat(args.date_from)
            last = date.fromisoformat(args.date_to) if args.date_to else first
            print(json.dumps(office_skm(store, args.office.upper(), first, last),
                             ensure_ascii=False, indent=2))
        elif command == "status":
            offices = store.offices()
            if args.json:
                print(json.dumps(offices))
            for office in [] if args.json else offices:
                print(f"{office['code']}  {office['name']}  settings v"
                      f"{office['settings_version']}, {office['booking_changes']} booking changes")
                if office["refused_events"] or office["event_conflicts"]:
                    print(f"    events refused {office['refused_events']}, id conflicts "
                          f"{office['event_conflicts']} (docs/troubleshooting.md)")
                for kiosk in office["kiosks"]:
                    seen = kiosk["last_seen_at"] or "never"
                    print(f"    {kiosk['device_id']:<16} last seen {seen}"
                          f"  clock {round(kiosk['clock_skew_s'] or 0) or 0:+d} s")
        return 0
    except (HubError, ProtocolError, ValueError, OSError, SecretFileError) as exc:
        print(f"hub: {getattr(exc, 'message', None) or exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()


def _token(args: argparse.Namespace, store) -> int:
    if args.central:
        token = store.add_token("central", args.office.upper() if args.office else None)
        print(token)
        print("central token (booking system / admin); shown once, keep it secret",
              file=sys.stderr)
        return 0
    if not args.office or not args.device:
        print("a kiosk token needs --office and --device (or --central)", file=sys.stderr)
        return EXIT_BAD_INPUT
    token = store.add_token("kiosk", args.office.upper(), args.device.upper())
    print(token)
    print(f"put it in the kiosk's config: [sync] token = \"...\" (device {args.device.upper()});"
          " shown once", file=sys.stderr)
    return 0


def _ranges(numbers: tuple[int, ...]) -> str:
    """1, 2, 3, 5 -> "1-3, 5": what staff read on one line."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and runs[-1][1] == number - 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _release(args: argparse.Namespace, store) -> int:
    try:
        day = date.fromisoformat(args.day) if args.day else None
    except ValueError:
        print(f"--day: expected a date YYYY-MM-DD, got {args.day!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    office, device, now = args.office.upper(), args.device.upper(), utc_now()
    who = os.environ.get("SUDO_USER") or os.environ.get("USER") or "unknown"
    # Leases are per capped service: by default every service this kiosk holds numbers of.
    lanes = [code.strip().upper() for given in args.lane or () for code in given.split(",")]
    lanes = lanes or store.held_lanes(office, device, day, now) or ["A"]
    released_any = False
    for lane in lanes:
        release = store.release_device(office, device, day, lane, now, force=args.force,
                                       by=f"kiosk hub release ({who})")
        where = f"office {release.office_code}, {release.office_day}, lane {release.lane}"
        if release.released:
            released_any = True
            print(f"released {len(release.released)} numbers of {device} ({where}):"
                  f" {_ranges(release.released)}; the office's other kiosks can lease them"
                  " from their next sync")
        else:
            print(f"nothing to release: {device} holds no unused numbers ({where})")
        if release.kept_used:
            print(f"kept {len(release.kept_used)} numbers as used (their tickets reached the"
                  f" hub): {_ranges(release.kept_used)}")
    if released_any:
        print(f"{device} must stay switched off (unplugged, not only offline): running, it"
              " may still print the released numbers until it reaches the hub; switched on"
              " again, let it reach the hub before it issues numbers")
    return 0


def dispatch_before_config(args: argparse.Namespace, path: Path) -> int | None:
    """`kiosk hub` runs on a server that has no kiosk config."""
    return _hub(args) if args.command == "hub" else None


def dispatch(args: argparse.Namespace, config: Config) -> int | None:
    if args.command != "sync":
        return None
    if args.action == "status":
        return _sync_status(config, args.json)
    if args.once:
        return _sync_once(config)
    print("kiosk sync --once (sync now) or kiosk sync status; the kiosk also syncs by itself "
          "while `kiosk run` runs", file=sys.stderr)
    return EXIT_BAD_INPUT
