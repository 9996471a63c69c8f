"""A staff PIN that resists guessing (issue 16, finding 6), on a pinned clock.

Five wrong tries lock the prompt for 60 s, the next lockout for 2 min, then 4, ...
up to an hour; a restart forgets nothing (the state is in the store); each lockout
is an event the day report shows in all four forms; a real office needs 6 digits.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from textual.widgets import Static

from kiosk import store
from kiosk.cli.report import render
from kiosk.config import Config, ConfigError, load_config
from kiosk.privacy.pin import PinGuard, hash_pin, pin_digits
from kiosk.reports.day import build_report
from kiosk.staff.pin_memory import StorePinMemory
from screens.pin import PinScreen
from screens.staff import StaffScreen
from tests.conftest import ROOT, SIM_CONFIG, MovableClock, settle

RIGHT, WRONG = "1234", "9999"  # the simulation config's demo PIN


def guard_for(config: Config, clock: MovableClock) -> PinGuard:
    """A guard as the app makes one, over the config's store (a new one = a restart)."""
    return PinGuard(config.staff_pin_hash, clock=clock, memory=StorePinMemory(config))


def lock(guard: PinGuard) -> None:
    for _ in range(5):
        assert guard.identify(WRONG) is None
    assert guard.locked


def test_each_lockout_doubles_up_to_an_hour_and_a_restart_forgets_nothing(
        config: Config, clock: MovableClock) -> None:
    lengths = []
    guard = guard_for(config, clock)
    for _ in range(9):
        lock(guard)
        lengths.append(guard.seconds_left())
        assert guard.identify(RIGHT) is None  # locked: even the right PIN waits
        guard = guard_for(config, clock)  # the app restarted meanwhile
        assert guard.locked, "a restart must not unlock the prompt"
        clock.advance(seconds=lengths[-1] - 1)
        assert guard.locked
        clock.advance(seconds=1)
        assert not guard.locked
    assert lengths == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    # Wrong tries before a restart count after it too.
    for _ in range(4):
        guard.identify(WRONG)
    guard = guard_for(config, clock)
    assert guard.identify(WRONG) is None and guard.locked
    clock.advance(seconds=3600)
    # The right PIN starts the scale again from one minute.
    assert guard.identify(RIGHT) == "petugas"
    guard = guard_for(config, clock)
    lock(guard)
    assert guard.seconds_left() == 60


def test_each_lockout_is_an_event_the_day_report_shows_in_all_four_forms(
        config: Config, clock: MovableClock, db) -> None:
    guard = guard_for(config, clock)
    lock(guard)
    clock.advance(seconds=60)
    lock(guard)
    rows = db.execute("SELECT kind, payload FROM events WHERE kind = 'pin_lockout'").fetchall()
    assert [json.loads(p)["seconds"] for _, p in rows] == [60, 120]
    day = clock().astimezone(config.timezone).date()
    report = build_report(db, config, day, day, clock())
    table, page = render(report, "table", "en"), render(report, "html", "id")
    assert table.count("Staff PIN locked") == 2 and "#2: 2 min" in table
    assert page.count("PIN petugas terkunci") == 2
    csv_text = render(report, "csv", "en")
    assert "staff_action,09:00,pin_lockout,-: #1: 1 min" in csv_text
    assert "staff_action,09:01,pin_lockout,-: #2: 2 min" in csv_text
    actions = json.loads(render(report, "json", "en"))["days"][0]["staff_actions"]
    assert [a["detail"] for a in actions if a["action"] == "pin_lockout"] == [
        "#1: 1 min", "#2: 2 min"]


async def test_the_pin_screen_says_how_long_and_stays_locked_after_a_restart(
        config: Config, clock: MovableClock, make_app) -> None:
    app, _ = make_app(config, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        messages = [await _type(pilot, WRONG) for _ in range(5)]
        assert messages[0] == "PIN salah"
        assert messages[-1] == "Terlalu banyak PIN salah. Coba lagi dalam 1 menit."
        clock.advance(seconds=60)
        messages = [await _type(pilot, WRONG) for _ in range(5)]
        assert messages[-1].endswith("Coba lagi dalam 2 menit.")
    app, _ = make_app(config, clock)  # `kiosk run` again
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        assert (await _type(pilot, RIGHT)).endswith("Coba lagi dalam 2 menit.")
        assert isinstance(app.screen, PinScreen), "a restart must not unlock the prompt"
        clock.advance(seconds=120)
        await pilot.press(*RIGHT, "enter")
        await settle(pilot, 0.15, ("staff", "staff-read"), rounds=3)
        assert isinstance(app.screen, StaffScreen)


async def _type(pilot, pin: str) -> str:
    await pilot.press(*pin, "enter")
    await pilot.pause()
    return str(pilot.app.screen.query_one("#pin-message", Static).render())


# --- the PIN's length in a real office ----------------------------------------------------


def _real(tmp_path: Path, pin_hash: str) -> Path:
    """The Pi's example config filled in as staff would, with this PIN hash."""
    text = (ROOT / "config" / "example-pi.toml").read_text().replace(
        "REPLACE-WITH-openssl-rand-hex-16-OUTPUT-0000000000", "ab" * 16)
    path = tmp_path / "kiosk.toml"
    path.write_text(text.replace('pin_hash = "scrypt$16384$8$1$REPLACE$REPLACE"',
                                 f'pin_hash = "{pin_hash}"'))
    return path


@pytest.mark.usefixtures("real_clock")  # a real-office config refuses a shifted clock
def test_a_real_office_needs_a_pin_of_six_digits(tmp_path: Path) -> None:
    assert pin_digits(hash_pin("482916")) == 6
    assert load_config(_real(tmp_path, hash_pin("482916"))).staff_pin_hash
    with pytest.raises(ConfigError, match="at least 6 digits.*4-digit PIN"):
        load_config(_real(tmp_path, hash_pin("4829")))
    old_style = hash_pin("482916").rsplit("$", 1)[0]  # made before hashes kept the length
    with pytest.raises(ConfigError, match="does not record its PIN's length"):
        load_config(_real(tmp_path, old_style))
    # A simulation keeps its 4-digit demo PIN.
    assert load_config(SIM_CONFIG).simulation


def test_the_store_keeps_the_state_in_one_meta_row(config: Config, clock: MovableClock) -> None:
    guard = guard_for(config, clock)
    guard.identify(WRONG)
    db = store.connect(config.database)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'staff.pin_guard'").fetchone()
    finally:
        db.close()
    assert json.loads(row[0]) == {"failures": 1, "lockouts": 0, "locked_until": None}
    cfg = dataclasses.replace(config)  # the same store, another guard: it knows
    assert guard_for(cfg, clock).state.failures == 1
