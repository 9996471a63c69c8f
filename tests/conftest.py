"""Shared fixtures: a real config, a real store on disk, and a clock we can move."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk import clock as kiosk_clock
from kiosk import store
from kiosk.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent
SIM_CONFIG = ROOT / "config" / "kiosk.toml"

# `make test AT=2026-12-05T10:00+08:00`: the whole suite, and every `kiosk` process it
# starts (they inherit the environment), runs as if the clock said that moment, and on
# from there. Tests that are about a moment set their own (MovableClock, at_moment).
TEST_AT = os.environ.get("KIOSK_TEST_AT", "").strip()
if TEST_AT:
    os.environ.update(kiosk_clock.offset_env_for(kiosk_clock.parse_moment(TEST_AT)))


def pytest_report_header(config) -> str:
    if TEST_AT:
        return f"clock: as if it were {TEST_AT} at the start ({kiosk_clock.OFFSET_ENV})"
    return "clock: the machine's own (make test AT=... to run at another moment)"


def at_moment(moment: datetime) -> dict[str, str]:
    """Environment for a `kiosk` child process that runs as if it were ``moment`` now."""
    return {**os.environ, **kiosk_clock.offset_env_for(moment)}


@pytest.fixture
def real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """For a test of a real-office config: such a config refuses a shifted clock, so the
    test runs on the machine's (its outcome must not depend on it: it sets the moments
    it is about through injected clocks)."""
    monkeypatch.delenv(kiosk_clock.OFFSET_ENV, raising=False)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def kiosk_errors(request) -> list[logging.LogRecord]:
    """The errors the kiosk app logged and survived (screens.guard). A test fails on any
    unless marked ``@pytest.mark.kiosk_errors`` (it expects them and checks this list):
    Textual would have ended the app and failed the test; the guard must not hide bugs."""
    handler = _Records()
    guard = logging.getLogger("screens.guard")
    guard.addHandler(handler)
    try:
        yield handler.records
    finally:
        guard.removeHandler(handler)
    if handler.records and request.node.get_closest_marker("kiosk_errors") is None:
        pytest.fail("the kiosk app logged an error and carried on:\n" + "\n".join(
            logging.Formatter().format(r) for r in handler.records), pytrace=False)


class MovableClock:
    """A clock tests can set and advance; always timezone-aware UTC."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def office_time(text: str, zone: str = "Asia/Makassar") -> datetime:
    """'2026-11-25 09:00' in the office zone, as aware UTC."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    cfg = load_config(SIM_CONFIG)
    printer = dataclasses.replace(cfg.printer, params={"output": str(tmp_path / "tickets.bin")})
    return dataclasses.replace(cfg, database=tmp_path / "kiosk.db", printer=printer)


def with_cap(cfg: Config, lane: str, cap: int | None) -> Config:
    lanes = dict(cfg.lanes)
    lanes[lane] = dataclasses.replace(lanes[lane], cap=cap)
    return dataclasses.replace(cfg, lanes=lanes)


@pytest.fixture
def db(config: Config):
    database = store.connect(config.database)
    yield database
    database.close()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(office_time("2026-11-25 09:00"))


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll a condition another thread makes true; its last answer once ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


async def settle(pilot, seconds: float = 0.2, groups: tuple[str, ...] = ("issue",),
                 rounds: int = 1) -> None:
    """Let the kiosk app finish what the last keys started.

    Printable keys are held briefly to tell a person from a USB scanner; on a loaded
    machine their release can take longer than ``seconds``, so wait for it, then for
    the workers of ``groups`` (never an empty list: that waits for every worker,
    the camera loop included).
    """
    app = pilot.app
    await pilot.pause(seconds)
    for _ in range(100):
        if not getattr(app, "_held_keys", None):
            break
        await pilot.pause(0.05)
    await pilot.pause()
    for _ in range(rounds):
        busy = [w for w in app.workers if w.group in groups]
        if busy:
            await app.workers.wait_for_complete(busy)
        await pilot.pause()


async def until(pilot, condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """wait_until inside a pilot test (sleeping there would stop the app's event loop):
    let the app run until ``condition`` holds; its last answer once ``seconds`` passed."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


def quick_buttons(cfg: Config) -> Config:
    """No cooldown, so a test can press repeatedly without waiting seconds."""
    return dataclasses.replace(cfg, gpio=dataclasses.replace(cfg.gpio, cooldown_s=0, bounce_s=0))


@pytest.fixture
def make_app():
    """The kiosk app over a real appliance (mock pins, file printer), closed after the test."""
    from kiosk.appliance import build
    from screens.app import KioskApp

    made = []

    def factory(cfg: Config, clock: MovableClock):
        appliance = build(cfg, clock=clock)
        made.append(appliance)
        app = KioskApp(cfg, appliance.service, appliance.simulation)
        appliance.on_press = app.lane_pressed
        return app, appliance

    yield factory
    for appliance in made:
        appliance.close()
