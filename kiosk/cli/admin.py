"""`kiosk backup` and `kiosk restore`: the store's safety copies, for staff and the timer.

kiosk-backup.timer runs `kiosk backup` daily; staff run `kiosk restore FILE`
with the kiosk service stopped. Messages say what happened and what to do
next in both languages, because this is run rarely and under stress.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.ops.backup import DEFAULT_KEEP_DAYS, BackupError, StoreInUse, list_backups

if TYPE_CHECKING:
    import argparse

    from kiosk.config import Config

EXIT_FAILED, EXIT_REFUSED = 2, 3


def register(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser("backup", help="copy the store to a dated, verified backup file")
    backup.add_argument("--dir", help="backup folder (default: 'backups' beside the database)")
    backup.add_argument("--keep-days", type=int, default=DEFAULT_KEEP_DAYS,
                        help=f"keep this many days of backups (default {DEFAULT_KEEP_DAYS})")
    restore = sub.add_parser("restore", help="put a backup in place of the store "
                             "(stop the kiosk service first)")
    restore.add_argument("file", help="a backup file, e.g. backups/kiosk-2026-11-24.db")


def default_backup_dir(config: Config) -> Path:
    return Path(config.database).parent / "backups"


def _backup(args: argparse.Namespace, config: Config) -> int:
    from kiosk.ops.backup import backup_store

    folder = Path(args.dir) if args.dir else default_backup_dir(config)
    if args.keep_days < 1:
        print("--keep-days: at least 1", file=sys.stderr)
        return EXIT_FAILED
    if not Path(config.database).exists():
        # A fresh install before its first ticket: not a failure of the daily timer.
        print(f"No store at {config.database} yet: nothing to back up.")
        return 0
    try:
        made = backup_store(config.database, folder, keep_days=args.keep_days)
    except (BackupError, OSError) as exc:
        print(f"Cadangan gagal / backup failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    kept = len(list_backups(folder))
    print(f"{made}  (integrity ok; {kept} backup(s) in {folder})")
    return 0


def _restore(args: argparse.Namespace, config: Config) -> int:
    from kiosk.ops.backup import restore_store

    try:
        aside = restore_store(args.file, config.database)
    except StoreInUse as exc:
        print(f"Pemulihan ditolak / restore refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except (BackupError, OSError) as exc:
        print(f"Pemulihan gagal / restore failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Restored {args.file} to {config.database}.")
    if aside is not None:
        print(f"The previous store was kept as {aside}.")
    print("Start the kiosk again: sudo systemctl start kiosk")
    return 0


def dispatch(args: argparse.Namespace, config: Config) -> int | None:
    if args.command == "backup":
        return _backup(args, config)
    if args.command == "restore":
        return _restore(args, config)
    return None
