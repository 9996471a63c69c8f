"""Notice when the kiosk's terminal is gone, so the app ends instead of spinning.

Textual's Linux driver reads stdin in a thread; once the terminal hangs up
(foot or an SSH session dies without a SIGHUP reaching us) that thread loops
on end-of-file at 100% CPU and the screen is gone for good (Textual PR #6690,
not released). Asking poll() for POLLHUP reads nothing, so it never steals a
key press from Textual.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import time

GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL
GRACE_S = 3.0
EXIT_HUNG_UP = 75  # non-zero: systemd (Restart=always) starts a fresh kiosk


def terminal_gone(fd: int | None = None) -> bool:
    """True when our input terminal has hung up; False for anything we cannot judge."""
    try:
        fd = sys.__stdin__.fileno() if fd is None else fd
    except (AttributeError, OSError, ValueError):
        return False
    poller = select.poll()
    poller.register(fd, GONE)
    return any(events & GONE for _, events in poller.poll(0))


def end_soon_after_hangup(grace_s: float = GRACE_S) -> None:
    """Leave the process even if Textual's shutdown hangs on its spinning input thread.

    A clean exit is tried first; if it has not finished within ``grace_s`` the
    process ends hard. The store is safe either way: every number is committed
    (WAL, synchronous=FULL) before its ticket prints, as the crash tests prove.
    """

    def end() -> None:
        time.sleep(grace_s)
        os._exit(EXIT_HUNG_UP)

    threading.Thread(target=end, name="hangup-exit", daemon=True).start()
