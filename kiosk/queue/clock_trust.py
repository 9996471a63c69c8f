"""Whether the kiosk's clock may be trusted to give out numbers.

A Raspberry Pi has no battery clock. Until NTP syncs it runs on whatever
fake-hwclock restored (the time of the last shutdown, maybe yesterday) or on
a date someone typed by hand. A number given on such a clock lands on the
wrong office day and breaks that day's cap, so the kiosk refuses instead.

Being *ahead* of the newest time the store has recorded proves nothing: the
morning after a clean shutdown, fake-hwclock puts the clock at yesterday
17:00, which is after yesterday's last ticket. What does prove something:

1. The clock is behind the newest recorded time (beyond the tolerance):
   untrusted, ``behind``. Staff confirmation lifts this by moving the record.
2. The kernel says NTP keeps the clock synchronized: trusted, ``ntp``.
3. Earlier in *this boot* the clock was trusted (NTP, or staff confirmed the
   date) and it has since advanced exactly as the boot clock did: trusted
   (``continuous`` or ``confirmed``). This keeps an office whose network is
   down all day issuing: the kernel stops calling the clock synchronized
   after hours without an NTP server, yet nothing moved it.
4. Such an anchor exists but the wall clock jumped against the boot clock
   (someone set the date): untrusted, ``jumped``.
5. Otherwise (fresh boot, NTP not yet synced, nobody confirmed): untrusted,
   ``not_synced``. Staff confirm the date behind the PIN, or wait for NTP.

The anchor (boot id, wall time, boot-clock reading) lives in the store's meta
table, so an app restart by systemd within the same boot keeps it; a reboot
changes the boot id and voids it.
"""

from __future__ import annotations

import ctypes
import json
import logging
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kiosk.clock import CLOCK_TOLERANCE
from kiosk.store import immediate
from kiosk.store.events import append_event

if TYPE_CHECKING:
    from collections.abc import Callable

    import sqlite_utils

log = logging.getLogger(__name__)

NEWEST_KEY = "newest_time"  # written by kiosk.queue.numbering on the issuing path
ANCHOR_KEY = "clock_anchor"
# While NTP is synchronized the anchor is renewed this often (from the issuing path).
ANCHOR_REFRESH = timedelta(minutes=10)
# Reading the sync state costs a syscall or a subprocess: at most this often.
SYNC_RECHECK_S = 5.0
BOOT_ID_PATH = Path("/proc/sys/kernel/random/boot_id")
TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
# systemd's ntp_synced(): the kernel's maximum error stays below 16 s while an
# NTP client disciplines the clock (the value `timedatectl` shows as NTPSynchronized).
KERNEL_MAXERROR_SYNCED_US = 16_000_000
# Without /proc (not Linux), a confirmation lasts until the app restarts.
_PROCESS_BOOT_ID = f"process-{uuid.uuid4()}"

TRUSTED_REASONS = ("ntp", "continuous", "confirmed")
UNTRUSTED_REASONS = ("behind", "jumped", "not_synced")


@dataclass(frozen=True)
class Anchor:
    """A moment this boot when the clock was known right, and the boot clock then."""

    boot_id: str
    wall: datetime  # UTC
    boot_s: float  # CLOCK_BOOTTIME seconds at ``wall``
    source: str  # "ntp" | "staff"

    def to_json(self) -> str:
        return json.dumps({"boot_id": self.boot_id, "wall": self.wall.isoformat(),
                           "boot_s": self.boot_s, "source": self.source}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Anchor | None:
        if not text:
            return None
        try:
            raw = json.loads(text)
            return cls(str(raw["boot_id"]), datetime.fromisoformat(raw["wall"]),
                       float(raw["boot_s"]), str(raw["source"]))
        except (ValueError, KeyError, TypeError):
            return None  # a damaged anchor only means "not anchored": safe


@dataclass(frozen=True)
class ClockVerdict:
    trusted: bool
    reason: str  # see TRUSTED_REASONS / UNTRUSTED_REASONS
    newest_seen: datetime | None = None


def judge(now: datetime, *, boot_id: str, boot_s: float, newest: datetime | None,
          synced: bool | None, anchor: Anchor | None,
          tolerance: timedelta = CLOCK_TOLERANCE) -> ClockVerdict:
    """The rule in the module docstring, as a pure function (``synced`` None = unknown)."""
    if newest is not None and now < newest - tolerance:
        return ClockVerdict(False, "behind", newest)
    if synced:
        return ClockVerdict(True, "ntp", newest)
    if anchor is not None and anchor.boot_id == boot_id:
        drift = (now - anchor.wall).total_seconds() - (boot_s - anchor.boot_s)
        if abs(drift) <= tolerance.total_seconds():
            return ClockVerdict(True, "confirmed" if anchor.source == "staff" else "continuous",
                                newest)
        return ClockVerdict(False, "jumped", newest)
    return ClockVerdict(False, "not_synced", newest)


class SyncSource(Protocol):
    def synchronized(self) -> bool | None:
        """True/False when known, None when this system cannot tell."""
        ...


class _Timex(ctypes.Structure):
    # The leading fields of the kernel's struct timex; the tail is padding room.
    _fields_ = [("modes", ctypes.c_uint), ("offset", ctypes.c_long), ("freq", ctypes.c_long),
                ("maxerror", ctypes.c_long), ("esterror", ctypes.c_long),
                ("status", ctypes.c_int), ("rest", ctypes.c_char * 256)]


def kernel_synchronized() -> bool | None:
    """What `timedatectl` reports as NTPSynchronized, read with one adjtimex() call."""
    try:
        # The C library Python itself runs on: find_library("c") would spawn
        # `ldconfig -p` in every process that judges the clock (each `kiosk issue`).
        libc = ctypes.CDLL(None, use_errno=True)
        timex = _Timex()  # modes = 0: read only
        if libc.adjtimex(ctypes.byref(timex)) < 0:
            return None
    except (OSError, AttributeError):
        return None
    return timex.maxerror < KERNEL_MAXERROR_SYNCED_US


def timedatectl_synchronized(timeout_s: float = 2.0) -> bool | None:
    try:
        result = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
                                capture_output=True, text=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    value = result.stdout.strip()
    return {"yes": True, "no": False}.get(value) if result.returncode == 0 else None


class SystemSync:
    """The system's NTP state: the kernel first, then timedatectl, then timesyncd's flag."""

    def __init__(self, flag: Path = TIMESYNC_FLAG) -> None:
        self.flag = flag

    def synchronized(self) -> bool | None:
        for reading in (kernel_synchronized, timedatectl_synchronized):
            if (state := reading()) is not None:
                return state
        # timesyncd touches this (on a tmpfs) at its first sync of the boot.
        return True if self.flag.exists() else None


class CachedSync:
    """Re-reads the sync state at most every ``recheck_s``: never a syscall per press."""

    def __init__(self, source: SyncSource, recheck_s: float = SYNC_RECHECK_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.source, self.recheck_s, self.monotonic = source, recheck_s, monotonic
        self._state: bool | None = None
        self._read_at: float | None = None

    def synchronized(self) -> bool | None:
        now = self.monotonic()
        if self._read_at is None or now - self._read_at >= self.recheck_s:
            self._state, self._read_at = self.source.synchronized(), now
        return self._state


def read_boot_id(path: Path = BOOT_ID_PATH) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def boot_seconds() -> float:
    """Seconds since boot, counting suspend; the same in every process of one boot."""
    if hasattr(time, "CLOCK_BOOTTIME"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    return time.monotonic()


def _read(conn, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def _write(conn, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)"
                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


class ClockTrust:
    """Judges the clock against the store; one per process, shared by issuing and screens."""

    def __init__(self, sync: SyncSource, boot_id: str | None = None,
                 boot_clock: Callable[[], float] = boot_seconds,
                 tolerance: timedelta = CLOCK_TOLERANCE) -> None:
        self.sync, self.boot_clock, self.tolerance = sync, boot_clock, tolerance
        self.boot_id = boot_id or read_boot_id() or _PROCESS_BOOT_ID
        self._last_reason: str | None = None
        self._anchor_text: str | None = None
        self._anchor: Anchor | None = None

    @classmethod
    def for_system(cls) -> ClockTrust:
        return cls(CachedSync(SystemSync()))

    def check(self, conn, now: datetime, *, record: bool = True) -> ClockVerdict:
        """Judge ``now``; inside the caller's transaction, or in autocommit.

        ``record`` renews this boot's NTP anchor when due (a write): the
        issuing path passes True, screens that only display pass False so the
        UI thread never waits for the write lock.
        """
        raw_newest = _read(conn, NEWEST_KEY)
        newest = None if raw_newest is None else datetime.fromisoformat(raw_newest)
        raw_anchor = _read(conn, ANCHOR_KEY)
        if raw_anchor != self._anchor_text:  # parse only when it changed: this is the hot path
            self._anchor_text, self._anchor = raw_anchor, Anchor.from_json(raw_anchor)
        anchor = self._anchor
        boot_s = self.boot_clock()
        verdict = judge(now, boot_id=self.boot_id, boot_s=boot_s, newest=newest,
                        synced=self.sync.synchronized(), anchor=anchor,
                        tolerance=self.tolerance)
        if record and verdict.reason == "ntp" and self._anchor_due(anchor, now):
            _write(conn, ANCHOR_KEY, Anchor(self.boot_id, now, boot_s, "ntp").to_json())
        if verdict.reason != self._last_reason:
            self._last_reason = verdict.reason
            level = logging.INFO if verdict.trusted else logging.WARNING
            log.log(level, "clock %s (%s)", "trusted" if verdict.trusted else "NOT trusted",
                    verdict.reason, extra={"kiosk": {
                        "clock_reason": verdict.reason, "clock_now": now.isoformat(),
                        "clock_newest": newest.isoformat() if newest else ""}})
        return verdict

    def _anchor_due(self, anchor: Anchor | None, now: datetime) -> bool:
        return (anchor is None or anchor.boot_id != self.boot_id or anchor.source != "ntp"
                or abs(now - anchor.wall) >= ANCHOR_REFRESH)

    def verdict(self, db: sqlite_utils.Database, now: datetime) -> ClockVerdict:
        """Read-only judgement for displays and `kiosk doctor`."""
        return self.check(db.conn, now, record=False)

    def confirm(self, db: sqlite_utils.Database, now: datetime, *, office_code: str,
                office_day: date, device_id: str, staff_id: str | None = None) -> None:
        confirm_clock(db, now=now, office_code=office_code, office_day=office_day,
                      device_id=device_id, staff_id=staff_id, boot_id=self.boot_id,
                      boot_s=self.boot_clock())


def confirm_clock(db: sqlite_utils.Database, *, now: datetime, office_code: str,
                  office_day: date, device_id: str, staff_id: str | None = None,
                  boot_id: str | None = None, boot_s: float | None = None) -> None:
    """Staff looked at the date and time and said they are right.

    Trust holds for the rest of this boot while the clock runs on undisturbed.
    The newest recorded time moves to ``now`` (even backwards: after a bad
    manual set forward, staff are the ones who know the real date); the old
    value goes into the ``clock_confirmed`` event for the audit trail.
    """
    boot_id = boot_id or read_boot_id() or _PROCESS_BOOT_ID
    boot_s = boot_seconds() if boot_s is None else boot_s
    with immediate(db) as conn:
        previous = _read(conn, NEWEST_KEY)
        _write(conn, ANCHOR_KEY, Anchor(boot_id, now, boot_s, "staff").to_json())
        _write(conn, NEWEST_KEY, now.isoformat())
        append_event(conn, office_code=office_code, office_day=office_day, device_id=device_id,
                     kind="clock_confirmed", at=now,
                     payload={"previous_newest": previous, "boot_id": boot_id,
                              "by": staff_id})
    log.info("clock confirmed by staff: %s", now.isoformat(),
                extra={"kiosk": {"clock_now": now.isoformat(), "by": staff_id or ""}})
