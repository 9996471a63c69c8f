"""`kiosk run`'s memory on a small board: native thread pools, malloc arenas, the GC.

Measured with bench/startup.py (docs/design.md, "Lean on a Pi"): each step here
is kept because it lowered the kiosk's resident memory there, never its behaviour.
Everything is process-wide, so only `kiosk run` calls it (not the CLI, not tests).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import sys
import time
from functools import cache

log = logging.getLogger(__name__)
_started: list[bool] = []  # after_start() has run: this process is `kiosk run`, started

# glibc's mallopt parameter number for the most malloc arenas (malloc.h, M_ARENA_MAX).
M_ARENA_MAX = -8
# The kiosk's threads (UI, start-up, camera, LAN API, call feed, announcer, printer)
# would each get an arena of their own, up to 8 per core, each keeping its freed memory.
ARENA_MAX = 2


@cache
def _glibc() -> ctypes.CDLL | None:
    """The C library if it is glibc (mallopt, malloc_trim), else None (musl, macOS)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        # The C library the interpreter runs on: find_library("c") would spawn
        # `ldconfig -p` on the start-up path.
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: AttributeError elsewhere
    except (OSError, AttributeError):
        return None
    return libc


def before_threads() -> None:
    """Before the first thread: at most ARENA_MAX malloc arenas. An administrator's own
    MALLOC_ARENA_MAX (systemd unit, environment) is left as it is."""
    libc = _glibc()
    if libc is not None and "MALLOC_ARENA_MAX" not in os.environ:
        libc.mallopt(M_ARENA_MAX, ARENA_MAX)


def after_start() -> None:
    """Once every start-up step has run: collect what start-up left behind and give the
    freed heap back to the system. Not gc.freeze(): it made each later collection
    cheaper (2-35 ms instead of 45-50 ms on the 2-core development VM) but kept
    about 6 MB more after 1,000 tickets, as frozen objects that later become garbage
    (the start-up home screen's widgets, evicted cache entries) are never freed."""
    gc.collect()
    _started.append(True)
    trim()


def collect_garbage() -> None:
    """One full collection, once a result screen is drawn: it frees the result screens
    gone before it. A gone screen is a cycle of widgets, styles and rendered lines
    that lives until a full collection, and the automatic ones come only every several
    tickets: by then the heap has grown by those screens, and Python keeps the grown
    heap (bench/startup.py: about 12 MB after 1,000 tickets). It walks the whole heap:
    40-60 ms on the development VM, so only `kiosk run` does it (after after_start());
    tests and other processes leave collections to Python."""
    if not _started:
        return
    started = time.perf_counter()
    found = gc.collect()
    log.debug("collected %d objects in %.1f ms", found, (time.perf_counter() - started) * 1000)


def trim() -> None:
    """Return the free memory at the top and inside glibc's heaps to the system."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
