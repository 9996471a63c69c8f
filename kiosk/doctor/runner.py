"""Running the doctor's checks: each in its own thread with a deadline, so a silent
network printer or a camera that never answers becomes a "did not finish" failure
instead of a doctor that hangs.

Each check returns a ``CheckResult`` (pass, warn, fail or skip) naming text
keys rather than sentences, so one run can be shown in Bahasa Indonesia or
English and as JSON for monitoring (kiosk/doctor/report.py). The checks
themselves live beside this module and import no driver; the device probes
live in ``hardware/probes.py`` and reach the runner through ``kiosk.appliance``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

Status = Literal["pass", "warn", "fail", "skip"]
STATUSES: tuple[Status, ...] = ("pass", "warn", "fail", "skip")

# The order checks are shown in; also the names `--only` accepts.
CHECK_NAMES = ("config", "database", "disk", "printer", "camera", "gpio", "sound", "clock",
               "lan_api", "hub", "notify", "services", "secrets")
# Seconds each check may take before the runner reports it as hanging. The
# checks bound their own I/O well below these; this is the backstop.
TIMEOUTS_S: dict[str, float] = {
    "config": 10, "database": 30, "disk": 5, "printer": 10, "camera": 10, "gpio": 10,
    "sound": 10, "clock": 8, "lan_api": 6, "hub": 10, "notify": 8, "services": 10,
    "secrets": 5,
}


@dataclass(frozen=True)
class CheckResult:
    """What one check found: the status and text keys (``doctor.*``) with their values."""

    name: str
    status: Status
    message: str  # text key
    fix: str | None = None  # text key, or None when there is nothing to do
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], CheckResult]
    timeout_s: float


@dataclass(frozen=True)
class Outcome:
    result: CheckResult
    seconds: float


def result(name: str, status: Status, message: str, fix: str | None = None, /,
           **values: Any) -> CheckResult:
    return CheckResult(name, status, message, fix, values)


def check(name: str, run: Callable[[], CheckResult]) -> Check:
    return Check(name, run, TIMEOUTS_S[name])


@dataclass(frozen=True)
class Localised:
    key: str
    values: dict[str, Any] = field(default_factory=dict)


# -- the runner -----------------------------------------------------------------------------


def run_checks(checks: Sequence[Check]) -> list[Outcome]:
    """Run all checks at once, each in a daemon thread, and wait for each up to its deadline.

    Daemon threads: a check stuck in a driver call cannot keep the process
    alive after the report is printed.
    """
    slots: list[dict[str, Any]] = []
    for item in checks:
        slot: dict[str, Any] = {"check": item, "started": time.monotonic()}
        thread = threading.Thread(target=_run_one, args=(item, slot), daemon=True,
                                  name=f"doctor-{item.name}")
        slot["thread"] = thread
        slots.append(slot)
        thread.start()
    outcomes = []
    for slot in slots:
        item: Check = slot["check"]
        thread: threading.Thread = slot["thread"]
        thread.join(max(0.0, slot["started"] + item.timeout_s - time.monotonic()))
        if "result" in slot:
            outcomes.append(Outcome(slot["result"], slot["seconds"]))
        else:
            outcomes.append(Outcome(result(item.name, "fail", "doctor.timeout",
                                           "doctor.timeout.fix", seconds=f"{item.timeout_s:g}"),
                                    round(time.monotonic() - slot["started"], 3)))
    return outcomes


def _run_one(item: Check, slot: dict[str, Any]) -> None:
    started = time.monotonic()
    try:
        found = item.run()
    except Exception as exc:  # a bug in one check must not hide the others' results
        found = result(item.name, "fail", "doctor.crashed", "doctor.crashed.fix",
                       detail=f"{type(exc).__name__}: {exc}")
    slot["seconds"] = round(time.monotonic() - started, 3)
    slot["result"] = found
