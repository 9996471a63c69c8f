"""`kiosk bookings ...` and `kiosk checkin`: bookings for offices without a network.

Staff import the day's bookings from a file, make demo QR codes, and check a
booker in by hand when the camera is broken: the same rules, tickets and
messages as the kiosk screen, with a non-zero exit code when refused.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from kiosk.config import Config

EXIT_REFUSED, EXIT_UNPRINTED, EXIT_BAD_INPUT = 3, 4, 2


def register(sub: argparse._SubParsersAction) -> None:
    bookings = sub.add_parser("bookings", help="import bookings, make demo booking QR codes")
    actions = bookings.add_subparsers(dest="bookings_command", required=True)
    imp = actions.add_parser("import", help="import bookings from a JSON or CSV file")
    imp.add_argument("file")
    make = actions.add_parser("make-qr", help="make a key pair, signed sample QR PNGs and "
                              "matching booking rows (set-up, demos, tests)")
    make.add_argument("--out", default="var/qr-samples", help="folder for PNGs and bookings.json")
    make.add_argument("--count", type=int, default=5)
    make.add_argument("--day", help="booking date YYYY-MM-DD (default: today at the office)")
    make.add_argument("--private-key", help="base64 Ed25519 private key, or a file holding one "
                      "(default: make a new key pair)")
    make.add_argument("--key-id", help="key id to sign with (default: derived from the key)")
    checkin = sub.add_parser("checkin", help="check in a booking code or QR payload (staff)")
    checkin.add_argument("code_or_payload")


def _salt(config: Config) -> bytes | None:
    if len(config.checkin.nik_salt) < 16:
        print(f"{config.path}: key 'checkin.nik_salt': expected at least 32 hex digits "
              "(`openssl rand -hex 16`); bookings keep NIKs only as salted hashes",
              file=sys.stderr)
        return None
    return config.checkin.nik_salt


def _import(args: argparse.Namespace, config: Config) -> int:
    from kiosk import store
    from kiosk.checkin.booking_import import ImportFileError, import_bookings

    salt = _salt(config)
    if salt is None:
        return 1
    db = store.connect(config.database)
    try:
        report = import_bookings(db, args.file, salt, config.office.code,
                                 device_id=config.office.device_id)
    except ImportFileError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        db.close()
    print(report.summary())
    for problem in report.problems:
        print(f"{args.file}:{problem.line}: {problem.reason}", file=sys.stderr)
    return 0 if not report.problems else EXIT_BAD_INPUT


def _today(config: Config) -> date:
    from kiosk.clock import utc_now
    from kiosk.queue.schedule import Schedule

    return Schedule(config.timezone, config.hours, config.holidays).office_day(utc_now())


def _make_qr(args: argparse.Namespace, config: Config) -> int:
    from kiosk.checkin.booking_samples import make_sample_bookings
    from kiosk.config.secrets import SecretFileError, read_secret, too_wide

    key = args.private_key
    if key and Path(key).is_file():
        if (mode := too_wide(Path(key))) is not None:
            print(f"make-qr: warning: {key} can be read by other users (mode {mode}); "
                  f"a signing key belongs in a file only its owner reads: chmod 600 {key}",
                  file=sys.stderr)
        try:
            key = read_secret(Path(key))
        except SecretFileError as exc:
            print(f"make-qr: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        day = date.fromisoformat(args.day) if args.day else _today(config)
        made = make_sample_bookings(args.out, config.office.code, day, args.count, key or None,
                                    key_id=args.key_id)
    except ValueError as exc:
        print(f"make-qr: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for code, _, png in made.samples:
        print(f"{code}  {png}")
    print(f"bookings: {Path(args.out) / 'bookings.json'}  (kiosk bookings import ...)")
    if not key:
        print("A new key pair was made. Put the public key in the config:")
        print(f'  [checkin.keys]\n  {made.key_id} = "{made.public_key_b64}"')
        print(f"and keep the private key secret: {made.private_key_b64}")
    elif args.key_id is None or made.key_id not in config.checkin.public_keys:
        print(f"signed with key id {made.key_id}")
    return 0


def _checkin(args: argparse.Namespace, config: Config) -> int:
    from kiosk.appliance import build
    from kiosk.checkin.service import CheckedIn, refusal_text

    appliance = build(config, with_gpio=False)
    try:
        result = appliance.checkin.check_in(args.code_or_payload, args.lang)
    finally:
        appliance.close()
    language = args.lang or config.language
    if isinstance(result, CheckedIn):
        for applicant in result.applicants:
            print(f"{applicant.label}  {applicant.nickname}")
        if not result.all_printed:
            unprinted = [a.label for a in result.applicants if not a.issued.printed]
            print(f"Tidak tercetak / not printed: {', '.join(unprinted)}; nomor tetap berlaku. "
                  f"Cetak ulang: kiosk reprint {unprinted[0]}", file=sys.stderr)
            return EXIT_UNPRINTED
        return 0
    title, body = refusal_text(result, language)
    print(f"{title}. {body.replace(chr(10), ' ')}", file=sys.stderr)
    return EXIT_REFUSED


def dispatch(args: argparse.Namespace, config: Config) -> int | None:
    if args.command == "checkin":
        return _checkin(args, config)
    if args.command != "bookings":
        return None
    if args.bookings_command == "import":
        return _import(args, config)
    return _make_qr(args, config)
