"""`kiosk doctor`: checks that tell office IT, in plain words, what is wrong and how to fix it.

Each check returns a ``CheckResult`` (pass, warn, fail or skip) naming text
keys rather than sentences, so one run can be shown in Bahasa Indonesia or
English and as JSON for monitoring. The runner gives every check its own
thread and deadline: a silent network printer or a camera that never answers
becomes a "did not finish" failure instead of a doctor that hangs.

This module holds the domain checks (config, store, disk, clock, LAN API,
hub, services) and imports no driver; the device probes live in
``hardware/probes.py`` and reach the runner through ``kiosk.appliance``.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kiosk import store
from kiosk.clock import utc_now
from kiosk.config import Config, ConfigError, load_config
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
from kiosk.sync.protocol import PREFIX as SYNC_PREFIX
from kiosk.texts import format_moment, t

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

Status = Literal["pass", "warn", "fail", "skip"]
STATUSES: tuple[Status, ...] = ("pass", "warn", "fail", "skip")

# The order checks are shown in; also the names `--only` accepts.
CHECK_NAMES = ("config", "database", "disk", "printer", "camera", "gpio", "sound", "clock",
               "lan_api", "hub", "services")
# Seconds each check may take before the runner reports it as hanging. The
# checks bound their own I/O well below these; this is the backstop.
TIMEOUTS_S: dict[str, float] = {
    "config": 10, "database": 30, "disk": 5, "printer": 10, "camera": 10, "gpio": 10,
    "sound": 10, "clock": 8, "lan_api": 6, "hub": 10, "services": 10,
}
COMMAND_TIMEOUT_S = 5.0  # systemctl, timedatectl, espeak-ng
HTTP_TIMEOUT_S = 3.0
DEFAULT_MIN_FREE_MB = 500  # warn below: a week of journal, backups and store growth
FAIL_FREE_MB = 50  # fail below: SQLite may not be able to commit the next ticket
SYSTEMD_DIR = Path("/run/systemd/system")  # exists exactly when systemd is PID 1 (sd_booted)
# The ticket screen runs as one of these (install.sh enables one); the board Pi runs the third.
DISPLAY_UNITS = ("kiosk.service", "kiosk-tty.service", "kiosk-board.service")
KIOSK_UNITS = ("kiosk.service", "kiosk-tty.service")
BACKUP_TIMER = "kiosk-backup.timer"
HUB_SETTINGS_PATH = f"{SYNC_PREFIX}/settings"  # needs the kiosk's token (docs/sync-protocol.md)


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


# -- rendering ------------------------------------------------------------------------------


def rendered(outcome: Outcome, language: str) -> dict[str, Any]:
    """One check as the stable JSON object monitoring reads."""
    found = outcome.result
    values = {key: _localised(value, language) for key, value in found.values.items()}
    return {
        "name": found.name,
        "status": found.status,
        "title": t(f"doctor.{found.name}.title", language),
        "message": t(found.message, language, **values),
        "fix": t(found.fix, language, **values) if found.fix else "",
        "seconds": outcome.seconds,
    }


def _localised(value: Any, language: str) -> Any:
    """Values may themselves be text keys (``Localised``), rendered in the report's language."""
    if isinstance(value, Localised):
        return t(value.key, language, **{k: _localised(v, language)
                                         for k, v in value.values.items()})
    if isinstance(value, datetime):
        return format_moment(value, language)
    return value


@dataclass(frozen=True)
class Localised:
    key: str
    values: dict[str, Any] = field(default_factory=dict)


def counts(outcomes: Sequence[Outcome]) -> dict[str, int]:
    return {status: sum(o.result.status == status for o in outcomes) for status in STATUSES}


def exit_code(outcomes: Sequence[Outcome]) -> int:
    """0 unless a check failed: warnings and skips do not page anyone at night."""
    return 1 if any(o.result.status == "fail" for o in outcomes) else 0


def report_json(outcomes: Sequence[Outcome], language: str, config_file: Path) -> str:
    return json.dumps({
        "ok": exit_code(outcomes) == 0,
        "language": language,
        "config": str(config_file),
        "counts": counts(outcomes),
        "checks": [rendered(o, language) for o in outcomes],
    }, ensure_ascii=False)


LABEL_WIDTH = 10


def report_text(outcomes: Sequence[Outcome], language: str, heading: str) -> str:
    lines = [heading, ""]
    fix_label = t("doctor.fix_label", language)
    for outcome in outcomes:
        shown = rendered(outcome, language)
        label = t(f"doctor.status.{shown['status']}", language)
        lines.append(f"[{label:<{LABEL_WIDTH}}] {shown['title']}: {shown['message']}")
        if shown["fix"] and shown["status"] != "pass":
            lines.append(f"{'':{LABEL_WIDTH + 3}}{fix_label}: {shown['fix']}")
    tally = counts(outcomes)
    lines += ["", t("doctor.summary", language, passed=tally["pass"], warned=tally["warn"],
                    failed=tally["fail"], skipped=tally["skip"]),
              t("doctor.verdict.fail" if exit_code(outcomes) else "doctor.verdict.ok",
                language)]
    return "\n".join(lines)


# -- options and the whole run --------------------------------------------------------------


@dataclass(frozen=True)
class DoctorOptions:
    min_free_mb: float = DEFAULT_MIN_FREE_MB
    fail_free_mb: float = FAIL_FREE_MB
    now: Callable[[], datetime] = utc_now
    systemd_dir: Path = SYSTEMD_DIR
    sync: SyncSource | None = None  # None: the system's NTP state, as the kiosk reads it


def load_checked_config(path: Path) -> tuple[Config | None, CheckResult]:
    """The config check runs first and alone: every other check needs its result."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        return None, result("config", "fail", "doctor.config.bad", "doctor.config.bad.fix",
                            detail=str(exc))
    except Exception as exc:  # e.g. a time zone missing from the system's tzdata
        return None, result("config", "fail", "doctor.config.bad", "doctor.config.bad.fix",
                            detail=f"{path}: {type(exc).__name__}: {exc}")
    key = "doctor.config.ok_sim" if config.simulation else "doctor.config.ok"
    return config, result("config", "pass", key, path=str(path), office=config.office.code,
                          device=config.office.device_id)


def domain_checks(config: Config, options: DoctorOptions) -> list[Check]:
    return [
        check("database", lambda: database_check(config)),
        check("disk", lambda: disk_check(config, options.min_free_mb, options.fail_free_mb)),
        check("clock", lambda: clock_check(config, options.now(), options.sync)),
        check("lan_api", lambda: lan_api_check(config, options.systemd_dir)),
        check("hub", lambda: hub_check(config)),
        check("services", lambda: services_check(options.systemd_dir)),
    ]


def diagnose(config_file: Path, hardware: Callable[[Config], list[Check]],
             options: DoctorOptions | None = None,
             only: Sequence[str] | None = None) -> tuple[Config | None, list[Outcome]]:
    """Every check (or those in ``only``), in CHECK_NAMES order.

    With a bad config only the config failure and "skipped: fix the config
    first" come back, except for the checks that need no config (services).
    """
    options = options or DoctorOptions()
    wanted = set(only or CHECK_NAMES)
    started = time.monotonic()
    config, config_result = load_checked_config(config_file)
    outcomes: dict[str, Outcome] = {}
    if "config" in wanted or config is None:
        outcomes["config"] = Outcome(config_result, round(time.monotonic() - started, 3))
    if config is None:
        checks = [check("services", lambda: services_check(options.systemd_dir))]
        for name in wanted - {"config", "services"}:
            outcomes[name] = Outcome(result(name, "skip", "doctor.needs_config",
                                            "doctor.needs_config.fix"), 0.0)
    else:
        checks = domain_checks(config, options) + _device_checks(hardware, config)
    for outcome in run_checks([c for c in checks if c.name in wanted]):
        outcomes[outcome.result.name] = outcome
    return config, [outcomes[name] for name in CHECK_NAMES if name in outcomes]


DEVICE_CHECKS = ("printer", "camera", "gpio", "sound")


def _device_checks(hardware: Callable[[Config], list[Check]], config: Config) -> list[Check]:
    """The device probes; if their drivers cannot even load, each says so instead."""
    try:
        return hardware(config)
    except Exception as exc:  # e.g. a broken OpenCV or libusb install
        detail = f"{type(exc).__name__}: {exc}"
        return [check(name, lambda name=name: result(name, "fail", "doctor.crashed",
                                                      "doctor.crashed.fix", detail=detail))
                for name in DEVICE_CHECKS]


# -- the store and the disk -----------------------------------------------------------------


def _open_read_only(path: Path) -> sqlite3.Connection:
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
        conn = _open_read_only(path)
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


# -- the clock ------------------------------------------------------------------------------


def clock_rows(path: Path) -> dict[str, str]:
    """The store's clock records (newest time seen, this boot's anchor), read-only."""
    if not Path(path).exists():
        return {}
    try:
        conn = _open_read_only(Path(path))
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


# -- services, the LAN API and the hub ------------------------------------------------------


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


def _get(url: str, headers: dict[str, str] | None = None, timeout_s: float = HTTP_TIMEOUT_S,
         use_proxy: bool = True) -> tuple[int, bytes]:
    """(status, body) of a GET; HTTP error statuses are answers, not exceptions.

    ``use_proxy=False`` for the kiosk's own port: an office proxy in the
    environment must not stand between the doctor and 127.0.0.1.
    """
    handlers = [] if use_proxy else [urllib.request.ProxyHandler({})]
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout_s) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(65536)


def _reason(exc: BaseException, timeout_s: float = HTTP_TIMEOUT_S) -> str:
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"no answer within {timeout_s:g} s"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def lan_api_check(config: Config, systemd_dir: Path = SYSTEMD_DIR) -> CheckResult:
    """The kiosk's own API answers /health with this office's code when the kiosk runs."""
    from kiosk.lan.server import local_url

    url = local_url(config.lan_api.host, config.lan_api.port)
    try:
        status, body = _get(f"{url}/health", use_proxy=False)
    except (urllib.error.URLError, OSError) as exc:
        refused = isinstance(getattr(exc, "reason", exc), ConnectionRefusedError)
        if refused and not kiosk_running(systemd_dir):
            return result("lan_api", "skip", "doctor.lan_api.not_running",
                          "doctor.lan_api.not_running.fix", url=url)
        return result("lan_api", "fail", "doctor.lan_api.down", "doctor.lan_api.down.fix",
                      url=url, detail=_reason(exc))
    try:
        health = json.loads(body)
        office = health.get("office") if status == 200 and health.get("ok") else None
    except (ValueError, AttributeError):
        office = None
    if office is None:
        detail = f"HTTP {status}, {body[:60].decode('utf-8', 'replace')!r}"
        return result("lan_api", "fail", "doctor.lan_api.other", "doctor.lan_api.other.fix",
                      url=url, detail=detail)
    if office != config.office.code:
        return result("lan_api", "warn", "doctor.lan_api.other_office",
                      "doctor.lan_api.other_office.fix", url=url, office=office,
                      expected=config.office.code)
    return result("lan_api", "pass", "doctor.lan_api.ok", url=url, office=office)


def hub_check(config: Any) -> CheckResult:
    """GET the kiosk's own office settings with its token: the hub is there and knows it.

    The hub's /health answers anyone; /settings needs this kiosk's token, so a
    200 proves both. An unreachable hub is a warning: the kiosk issues offline
    and its events wait in the outbox; a refused token never heals by itself.
    """
    sync = config.sync
    url = sync.hub_url.rstrip("/")
    if not url:
        return result("hub", "skip", "doctor.hub.not_configured", "doctor.hub.not_configured.fix")
    token = sync.token.strip()
    if not token:
        return result("hub", "fail", "doctor.hub.no_token", "doctor.hub.no_token.fix", url=url)
    timeout_s = min(float(sync.timeout_s or HTTP_TIMEOUT_S), TIMEOUTS_S["hub"] - 2)
    try:
        status, _body = _get(url + HUB_SETTINGS_PATH, {"Authorization": f"Bearer {token}"},
                             timeout_s)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return result("hub", "warn", "doctor.hub.unreachable", "doctor.hub.unreachable.fix",
                      url=url, detail=_reason(exc, timeout_s))
    if status in (401, 403):
        return result("hub", "fail", "doctor.hub.refused", "doctor.hub.refused.fix", url=url,
                      code=status)
    if status != 200:
        return result("hub", "warn", "doctor.hub.error", "doctor.hub.error.fix", url=url,
                      code=status)
    return result("hub", "pass", "doctor.hub.ok", url=url)
