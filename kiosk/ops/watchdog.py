"""systemd readiness and watchdog pings (sd_notify), with no extra dependency.

The ping is sent from the UI's event loop, so a frozen screen stops pinging
and systemd restarts the kiosk. Under cage the kiosk is cage's grandchild,
so WATCHDOG_PID is not ours; the unit uses NotifyAccess=all and we ping anyway.
"""

from __future__ import annotations

import os
import socket


def notify(state: str, environ: dict[str, str] | None = None) -> bool:
    """Send one sd_notify datagram; False when not run by systemd (or it fails)."""
    address = (environ if environ is not None else os.environ).get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # abstract namespace socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode())
    except OSError:
        return False
    return True


def ping_interval_s(environ: dict[str, str] | None = None) -> float | None:
    """Half the watchdog period systemd asked for, or None without a watchdog."""
    usec = (environ if environ is not None else os.environ).get("WATCHDOG_USEC", "")
    return int(usec) / 2_000_000 if usec.isdigit() and int(usec) > 0 else None
