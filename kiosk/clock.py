"""The one wall clock of every kiosk program: ``utc_now()``.

Production code takes "now" only from here (services take it as a ``clock``
callable whose default is this function), so a test or a demo can run the
whole program, and every ``kiosk`` process it starts, as if the clock said
another moment: ``KIOSK_CLOCK_OFFSET_S`` (seconds, may be negative) is added
to the real clock. The offset travels in the environment because a test's
child processes must share the test's moment; ``offset_env_for`` makes it.

A real-office config (``simulation = false``) refuses a shifted clock
(``kiosk.config`` raises ``ConfigError``): an office's days, caps and reports
follow the real clock, and the kiosk judges that clock itself
(``kiosk/queue/clock_trust.py``). Durations use ``time.monotonic()``, never this.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from functools import lru_cache

OFFSET_ENV = "KIOSK_CLOCK_OFFSET_S"
# How far the clock may step back (NTP corrections) before the kiosk stops trusting it
# (kiosk/queue/clock_trust.py); here so that taking a number does not import the judge.
CLOCK_TOLERANCE = timedelta(minutes=5)


class ClockShiftInvalid(ValueError):
    """KIOSK_CLOCK_OFFSET_S is not a number of seconds."""


@lru_cache(maxsize=4)
def _parse(raw: str) -> timedelta:
    try:
        seconds = float(raw)
    except ValueError:
        raise ClockShiftInvalid(
            f"{OFFSET_ENV}={raw!r} is not a number of seconds (e.g. -3600.5)") from None
    if seconds != seconds or abs(seconds) > 200 * 365 * 86400:  # NaN, or beyond datetime
        raise ClockShiftInvalid(f"{OFFSET_ENV}={raw!r} is out of range")
    return timedelta(seconds=seconds)


def offset() -> timedelta:
    """How far this process's clock is shifted from the real one (zero unless a test/demo)."""
    raw = os.environ.get(OFFSET_ENV, "").strip()
    return _parse(raw) if raw else timedelta(0)


def shifted() -> bool:
    return offset() != timedelta(0)


def utc_now() -> datetime:
    """Aware UTC "now": the real clock plus the test/demo offset, if any."""
    return datetime.now(UTC) + offset()


def unix_time() -> float:
    """``time.time()`` on the same (possibly shifted) clock, for ids and signed samples."""
    return utc_now().timestamp()


def offset_env_for(moment: datetime) -> dict[str, str]:
    """The environment entry that makes a process's ``utc_now()`` read ``moment`` now
    (and run on from there)."""
    if moment.tzinfo is None:
        raise ValueError("the moment needs a time zone, e.g. 2026-12-05T10:00+08:00")
    seconds = (moment - datetime.now(UTC)).total_seconds()
    return {OFFSET_ENV: f"{seconds:.6f}"}


def parse_moment(text: str) -> datetime:
    """'2026-12-05T10:00+08:00' -> aware datetime; a moment without a zone is refused."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO moment like 2026-12-05T10:00+08:00") from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone: write e.g. 2026-12-05T10:00+08:00")
    return moment


if __name__ == "__main__":  # `python -m kiosk.clock MOMENT` prints the offset (make run AT=...)
    import sys

    print(offset_env_for(parse_moment(sys.argv[1]))[OFFSET_ENV])
