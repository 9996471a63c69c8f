"""The doctor's checks of what the operating system provides: a clock the kiosk can trust
(NTP, the store's newest time, this boot) and the systemd units that run the kiosk and
its backups; with the bounded way the doctor runs a system tool."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import Config
from kiosk.doctor.runner import CheckResult, Localised, result
from kiosk.doctor.store_checks import open_read_only
from kiosk.queue.clock_trust import (
    ANCHOR_KEY,
    NEWEST_KEY,
    Anchor,
    SyncSource,
    SystemSync,
    boot_seconds,
    judge,
    read_boot_id,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

COMMAND_TIMEOUT_S = 5.0  # systemctl, timedatectl, espeak-ng
SYSTEMD_DIR = Path("/run/systemd/system")  # exists exactly when systemd is PID 1 (sd_booted)
# The ticket screen runs as one of these (install.sh enables one); the board Pi runs the third.
DISPLAY_UNITS = ("kiosk.service", "kiosk-tty.service", "kiosk-board.service")
KIOSK_UNITS = ("kiosk.service", "kiosk-tty.service")
BACKUP_TIMER = "kiosk-backup.timer"


def clock_rows(path: Path) -> dict[str, str]:
    """The store's clock records (newest time seen, this boot's anchor), read-only."""
    if not Path(path).exists():
        return {}
    try:
        conn = open_read_only(Path(path))
        try:
            return dict(conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)",
                                     (NEWEST_KEY, ANCHOR_KEY)).fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return {}  # the database check reports a store that cannot be read


def run_command(argv: Sequence[str], timeout_s: float = COMMAND_TIMEOUT_S
                ) -> subprocess.CompletedProcess[str] | None:
    """Run a system tool with a deadline; None when it is missing, hangs or cannot start."""
    if shutil.which(argv[0]) is None:
        return None
    try:
        return subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout_s,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None


def _duration(delta: timedelta) -> Localised:
    minutes = int(delta.total_seconds() // 60)
    return Localised("doctor.duration", {"hours": minutes // 60, "minutes": minutes % 60})


_CLOCK_PASSES = {"ntp": "doctor.clock.ok_ntp", "continuous": "doctor.clock.ok_continuous",
                 "confirmed": "doctor.clock.ok_confirmed"}


def clock_check(config: Config, now: datetime, sync: SyncSource | None = None) -> CheckResult:
    """The issuing path's own judgement (kiosk.queue.clock_trust.judge), read without writing.

    In simulation the kiosk applies only the "behind" rule, and so does this.
    """
    rows = clock_rows(config.database)
    newest = datetime.fromisoformat(rows[NEWEST_KEY]) if NEWEST_KEY in rows else None
    verdict = judge(now, boot_id=read_boot_id() or "", boot_s=boot_seconds(), newest=newest,
                    synced=(sync or SystemSync()).synchronized(),
                    anchor=Anchor.from_json(rows.get(ANCHOR_KEY)))
    values: dict[str, Any] = {
        "now": now.astimezone(config.timezone),
        "newest": (newest.astimezone(config.timezone) if newest
                   else Localised("doctor.clock.no_record")),
    }
    if verdict.reason == "behind":
        return result("clock", "fail", "doctor.clock.behind", "doctor.clock.behind.fix",
                      behind=_duration(newest - now), **values)
    if verdict.trusted:
        return result("clock", "pass", _CLOCK_PASSES[verdict.reason], **values)
    if config.simulation:
        return result("clock", "pass", "doctor.clock.ok_sim", **values)
    key = "doctor.clock.jumped" if verdict.reason == "jumped" else "doctor.clock.not_synced"
    return result("clock", "fail", key, "doctor.clock.untrusted.fix", **values)


def unit_states(units: Sequence[str], systemd_dir: Path = SYSTEMD_DIR) -> dict[str, str] | None:
    """`systemctl is-active` per unit; None when this machine does not run systemd."""
    if not systemd_dir.is_dir():
        return None
    done = run_command(["systemctl", "is-active", *units])
    if done is None:
        return None
    states = done.stdout.split()
    if len(states) != len(units):
        return None
    return dict(zip(units, states, strict=True))


def kiosk_running(systemd_dir: Path = SYSTEMD_DIR) -> bool | None:
    states = unit_states(KIOSK_UNITS, systemd_dir)
    if states is None:
        return None
    return any(state in ("active", "reloading", "activating") for state in states.values())


def services_check(systemd_dir: Path = SYSTEMD_DIR) -> CheckResult:
    units = (*DISPLAY_UNITS, BACKUP_TIMER)
    if not systemd_dir.is_dir():
        return result("services", "skip", "doctor.services.no_systemd")
    states = unit_states(units, systemd_dir)
    if states is None:
        return result("services", "warn", "doctor.services.unknown",
                      "doctor.services.unknown.fix")
    shown = ", ".join(f"{unit} {state}" for unit, state in states.items())
    if not any(states[unit] == "active" for unit in DISPLAY_UNITS):
        return result("services", "fail", "doctor.services.down", "doctor.services.down.fix",
                      states=shown)
    if states[BACKUP_TIMER] != "active":
        return result("services", "warn", "doctor.services.no_backup",
                      "doctor.services.no_backup.fix", states=shown)
    return result("services", "pass", "doctor.services.ok", states=shown)
