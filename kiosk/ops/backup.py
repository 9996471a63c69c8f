"""Daily online backups of the store, and putting one back.

A kiosk keeps issuing while it is backed up, so the copy is taken with
SQLite's online backup API (a consistent snapshot inside one read
transaction; in WAL mode the writer is never blocked), verified with
``PRAGMA integrity_check`` and only then moved over an older copy of the
same day. A power cut mid-backup therefore never destroys a good backup.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

from kiosk.clock import utc_now

BACKUP_NAME = re.compile(r"^kiosk-(\d{4}-\d{2}-\d{2})\.db$")
DEFAULT_KEEP_DAYS = 14
LOCK_TIMEOUT_S = 0.5


class BackupError(Exception):
    """A backup or restore that could not be done; the message is for staff."""


class StoreInUse(BackupError):
    """Restore refused: another process (the running kiosk) has the store open."""


def backup_name(day: date) -> str:
    return f"kiosk-{day.isoformat()}.db"


def _fsync_dir(path: Path) -> None:
    """Make a rename durable: the directory entry must reach the disk too."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def integrity(path: Path | str) -> str:
    """``PRAGMA integrity_check`` of a database file: "ok" or the first problems."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=LOCK_TIMEOUT_S)
    except sqlite3.Error as exc:
        return f"cannot open: {exc}"
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as exc:
        return f"cannot check: {exc}"
    finally:
        conn.close()
    return "; ".join(str(row[0]) for row in rows[:5])


def _copy_online(db_path: Path, target: Path) -> None:
    """One backup step over all pages: a single snapshot, never restarted by writers."""
    source = sqlite3.connect(str(db_path), timeout=10)
    try:
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest, pages=-1)
            # A backup file is read alone, without a -wal beside it.
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    finally:
        source.close()


def backup_store(db_path: Path | str, backup_dir: Path | str,
                 keep_days: int = DEFAULT_KEEP_DAYS, now: datetime | None = None) -> Path:
    """Copy the live store to ``backup_dir/kiosk-YYYY-MM-DD.db``, verify it, prune old ones.

    A second backup on the same day replaces the first only once the new one
    has passed its integrity check. ``keep_days`` counts today: 14 keeps
    today's backup and those of the 13 days before.
    """
    db_path, backup_dir = Path(db_path), Path(backup_dir)
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    if not db_path.is_file():
        raise BackupError(f"no database at {db_path}")
    today = (now or utc_now().astimezone()).date()
    backup_dir.mkdir(parents=True, exist_ok=True)
    final = backup_dir / backup_name(today)
    partial = backup_dir / f".{final.name}.partial"
    partial.unlink(missing_ok=True)
    try:
        _copy_online(db_path, partial)
        verdict = integrity(partial)
        if verdict != "ok":
            raise BackupError(f"the new backup failed its integrity check: {verdict}")
        _fsync_file(partial)
        os.replace(partial, final)
        _fsync_dir(backup_dir)
    except sqlite3.Error as exc:
        raise BackupError(f"could not back up {db_path}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    prune_backups(backup_dir, keep_days, today)
    return final


def prune_backups(backup_dir: Path, keep_days: int, today: date) -> list[Path]:
    """Delete dated backups ``keep_days`` or more days old; other files are left alone.

    The newest ``keep_days`` backups are always kept, whatever their date: a
    Pi has no battery clock, and one boot with the clock years ahead must not
    wipe every backup but the one it just made.
    """
    dated: list[tuple[date, Path]] = []
    for path in backup_dir.iterdir():
        match = BACKUP_NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        try:
            dated.append((date.fromisoformat(match.group(1)), path))
        except ValueError:
            continue
    dated.sort()
    removed = []
    for day, path in dated[:max(len(dated) - keep_days, 0)]:
        if (today - day).days >= keep_days:
            path.unlink()
            removed.append(path)
    return removed


def list_backups(backup_dir: Path | str) -> list[Path]:
    """Dated backups, oldest first."""
    folder = Path(backup_dir)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if BACKUP_NAME.match(p.name))


def _take_out_of_service(db_path: Path) -> None:
    """Refuse if any other connection has the store open; else fold the WAL into the file.

    Leaving WAL mode needs the only connection to the file, so it fails with
    "database is locked" while the kiosk (or a CLI command) has the store
    open, even idle. That is the check: a restore under a running kiosk
    would be overwritten by its next commit or corrupt it.
    """
    conn = sqlite3.connect(str(db_path), timeout=LOCK_TIMEOUT_S, isolation_level=None)
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise StoreInUse(
            f"{db_path} is in use by another program (the kiosk service?): stop it first "
            f"with `sudo systemctl stop kiosk` ({exc})"
        ) from exc
    finally:
        conn.close()
    if mode != "delete":
        raise StoreInUse(f"{db_path} could not be taken out of service (journal mode {mode})")


def restore_store(backup_file: Path | str, db_path: Path | str,
                  now: datetime | None = None) -> Path | None:
    """Put ``backup_file`` in place of the store; returns where the old store was moved.

    Refuses (``StoreInUse``) while another process has the store open: stop
    the kiosk service first. The current store is never deleted: it is
    renamed to ``<name>.before-restore-<time>`` beside it, so a restore can
    itself be undone. Returns None when there was no store to move aside.
    """
    backup_file, db_path = Path(backup_file), Path(db_path)
    if not backup_file.is_file():
        raise BackupError(f"no backup file at {backup_file}")
    verdict = integrity(backup_file)
    if verdict != "ok":
        raise BackupError(f"{backup_file} is not a sound backup: {verdict}")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    aside: Path | None = None
    if db_path.exists():
        _take_out_of_service(db_path)
        stamp = (now or utc_now().astimezone()).strftime("%Y%m%dT%H%M%S")
        aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
        os.replace(db_path, aside)
    for suffix in ("-wal", "-shm", "-journal"):
        # Left by a crash: they belong to the old file, never to the restored one.
        stale = db_path.with_name(db_path.name + suffix)
        if stale.exists():
            if aside is not None:
                os.replace(stale, aside.with_name(aside.name + suffix))
            else:
                stale.unlink()
    partial = db_path.with_name(f".{db_path.name}.restoring")
    shutil.copyfile(backup_file, partial)
    _fsync_file(partial)
    os.replace(partial, db_path)
    _fsync_dir(db_path.parent)
    return aside


def migrate_copy(db_copy: Path | str) -> int:
    """Migrate a *copy* of the store with this version's code: the updater's dry run.

    Returns the schema version reached; raises if a migration fails or the
    result does not pass ``integrity_check``. Never point it at the live store.
    """
    from kiosk import store

    path = Path(db_copy)
    if not path.is_file():
        raise BackupError(f"no database copy at {path}")
    db = store.connect(path)
    try:
        version = store.schema_version(db)
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        with contextlib.suppress(sqlite3.Error):
            db.close()
    if verdict != "ok":
        raise BackupError(f"migrated copy failed its integrity check: {verdict}")
    return version
