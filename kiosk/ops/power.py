"""Ending a kiosk session the way staff asked: restart the app, or power the Pi off.

Both happen after the app has closed the store (WAL checkpointed, nothing
half-written), so a shutdown from the staff menu is as safe as `sudo poweroff`
and far safer than pulling the plug, which is what offices do otherwise.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys

log = logging.getLogger(__name__)

# systemd's own poweroff: allowed to the kiosk user by the polkit rule install.sh writes.
POWEROFF = ("systemctl", "poweroff")


def restart_command(argv: list[str]) -> list[str]:
    """The same `kiosk ...` command line, run by the same Python."""
    return [sys.executable, "-m", "kiosk.cli", *argv[1:]]


def restart(argv: list[str]) -> None:
    """Replace this process with a fresh kiosk (same PID: systemd keeps supervising it)."""
    log.info("restarting the kiosk app at staff request")
    sys.stdout.flush()
    sys.stderr.flush()
    command = restart_command(argv)
    os.execv(command[0], command)


def power_off(command: tuple[str, ...] = POWEROFF) -> int:
    """Ask systemd to power off; a refusal is explained, never silently ignored."""
    log.info("powering off at staff request")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"Tidak bisa mematikan / cannot power off: {exc}", file=sys.stderr)
        return 1
    if done.returncode != 0:
        print(f"Tidak bisa mematikan / cannot power off ({' '.join(command)}): "
              f"{done.stderr.strip()}", file=sys.stderr)
    return done.returncode
