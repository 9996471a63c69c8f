"""The doctor's checks of the kiosk's store: it opens read-only, is intact and of this
version's schema, and the disk under it has room for the next tickets."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from kiosk import store
from kiosk.config import Config
from kiosk.doctor.runner import CheckResult, result

DEFAULT_MIN_FREE_MB = 500  # warn below: a week of journal, backups and store growth
FAIL_FREE_MB = 50  # fail below: SQLite may not be able to commit the next ticket


def open_read_only(path: Path) -> sqlite3.Connection:
    """Read-only, so the doctor never creates, migrates or locks the kiosk's store."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def database_check(config: Config) -> CheckResult:
    path = Path(config.database)
    if not path.exists():
        return result("database", "warn", "doctor.database.missing", "doctor.database.missing.fix",
                      path=str(path))
    expected = len(store.MIGRATIONS)
    try:
        conn = open_read_only(path)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:  # "file is not a database", "disk image is malformed"
        message = str(exc)
        if "unable to open" in message or "readonly" in message or "access" in message:
            return result("database", "fail", "doctor.database.unreadable",
                          "doctor.database.unreadable.fix", path=str(path), detail=message)
        return result("database", "fail", "doctor.database.corrupt", "doctor.database.corrupt.fix",
                      path=str(path), detail=message)
    if problems != ["ok"]:
        detail = "; ".join(problems[:3]) + (" ..." if len(problems) > 3 else "")
        return result("database", "fail", "doctor.database.corrupt", "doctor.database.corrupt.fix",
                      path=str(path), detail=detail)
    if version > expected:
        return result("database", "fail", "doctor.database.newer", "doctor.database.newer.fix",
                      path=str(path), version=version, expected=expected)
    if version < expected:
        return result("database", "warn", "doctor.database.older", "doctor.database.older.fix",
                      path=str(path), version=version, expected=expected)
    return result("database", "pass", "doctor.database.ok", path=str(path), version=version)


def format_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit in ("B", "KB") else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _existing(path: Path) -> Path:
    """The store's folder, or its nearest existing parent before the first start."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def disk_check(config: Config, min_free_mb: float = DEFAULT_MIN_FREE_MB,
               fail_free_mb: float = FAIL_FREE_MB) -> CheckResult:
    where = _existing(Path(config.database).parent)
    try:
        usage = shutil.disk_usage(where)
    except OSError as exc:
        return result("disk", "fail", "doctor.disk.error", "doctor.disk.fix", path=str(where),
                      detail=str(exc))
    values = {"path": str(where), "free": format_size(usage.free),
              "percent": round(100 * usage.used / usage.total) if usage.total else 100,
              "limit": format_size(min_free_mb * 2**20)}
    if usage.free < fail_free_mb * 2**20:
        return result("disk", "fail", "doctor.disk.full", "doctor.disk.fix", **values)
    if usage.free < min_free_mb * 2**20:
        return result("disk", "warn", "doctor.disk.low", "doctor.disk.fix", **values)
    return result("disk", "pass", "doctor.disk.ok", **values)
