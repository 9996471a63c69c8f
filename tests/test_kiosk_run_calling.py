"""`kiosk run` also serves the counters' LAN API and speaks calls."""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kiosk import store
from kiosk.appliance import build, start_calling
from kiosk.clock import utc_now
from kiosk.config import LanApiConfig, load_config
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from tests.conftest import ROOT, SIM_CONFIG, settle, until, wait_until
from tests.test_now_serving import DIGIT_SELECT, PATTERN, SEGMENTS, PinLog


def test_kiosk_serves_counters_and_a_taken_port_is_only_a_notice(config, clock) -> None:
    calling = dataclasses.replace(config.calling, speech=False)
    cfg = dataclasses.replace(config, lan_api=LanApiConfig("127.0.0.1", 0), calling=calling)
    appliance = build(cfg, with_gpio=False, clock=clock)
    try:
        assert appliance.service.issue("A").ticket.label == "A001"
        api, notice = start_calling(cfg, appliance, clock)
        assert api is not None and notice is None
        request = urllib.request.Request(
            f"{api.url}/api/v1/counters/1/next", method="POST", data=b"{}",
            headers={"Authorization": "Bearer loket1-demo", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as reply:
            assert "A001" in json.dumps(json.load(reply))
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            busy = dataclasses.replace(cfg, lan_api=LanApiConfig("127.0.0.1",
                                                                 taken.getsockname()[1]))
            second, notice = start_calling(busy, appliance, clock)
            assert second is None and "LAN API" in notice
    finally:
        appliance.close()


# -- the lobby's GPIO display and chime, whoever makes the call ------------------------------
#
# The kiosk is built as `kiosk run` builds it (simulation config: 7-segment display, chime and
# counter buttons on gpiozero mock pins). Every pin change is recorded in order (PinLog), so
# the multiplexed digits can be read back: each time a digit-select pin switches on, the
# segment pins hold that digit's pattern.

SEGMENT_PINS, DIGIT_PINS, CHIME_PIN = SEGMENTS, DIGIT_SELECT, 18
TOKENS = {1: "loket1-demo", 3: "loket3-demo"}


def digits_shown(pins: PinLog) -> list[list[tuple[int, ...]]]:
    level: dict[int, bool] = {}
    seen: list[list[tuple[int, ...]]] = [[] for _ in DIGIT_PINS]
    for pin, value in pins.snapshot():
        level[pin] = value
        if pin in DIGIT_PINS and value:
            seen[DIGIT_PINS.index(pin)].append(
                tuple(int(level.get(s, False)) for s in SEGMENT_PINS))
    return seen


def glass_shows(pins: PinLog, text: str) -> bool:
    """Each of the 5 digits was lit at least twice in a row with ``text``'s pattern."""
    seen = digits_shown(pins)
    return all(len(s) >= 2 and s[-1] == s[-2] == PATTERN[ch]
               for s, ch in zip(seen, text, strict=True))


def chimes(pins: PinLog) -> int:
    """Rings so far: the active buzzer beeps twice per call (a ring takes about 0.5 s)."""
    return sum(1 for pin, value in pins.snapshot() if pin == CHIME_PIN and value) // 2


def chimed(appliance, pins: PinLog, rings: int) -> bool:
    """Exactly ``rings`` rings, the last one finished (so the next starts afresh)."""
    return chimes(pins) == rings and appliance.chime.state() == "silent" and \
        not appliance.chime.device.pin.state


@pytest.fixture
def lobby_file(tmp_path: Path) -> Path:
    """Simulation config: counter 3 serves walk-ins and has its own buttons (GPIO 9, 10)."""
    text = SIM_CONFIG.read_text(encoding="utf-8")
    for old, new in (('database = "../var/kiosk.db"', f'database = "{tmp_path / "kiosk.db"}"'),
                     ('lanes = ["B"]\n', 'lanes = ["A"]\nnext_button = 9\nrecall_button = 10\n'),
                     ("cooldown_s = 2", "cooldown_s = 0"),
                     ("speech = true", "speech = false")):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def lobby(lobby_file: Path, tmp_path: Path, monkeypatch):
    """(config, appliance, pins): A001-A011 already called this morning, A012 waiting."""
    import hardware.gpio_panel

    cfg = load_config(lobby_file)
    cfg = dataclasses.replace(cfg, lan_api=LanApiConfig("127.0.0.1", 0),
                              printer=dataclasses.replace(cfg.printer, params={
                                  "output": str(tmp_path / "tickets.bin")}))
    db = store.connect(cfg.database)
    morning = calling_service(cfg, db, utc_now)
    numbering = Numbering(db, cfg.office.code, "KUP-SIM1")
    for _ in range(12):
        numbering.take("A", morning.today(), None, utc_now())
    for _ in range(11):
        morning.call_next(2)
    db.close()
    pins = PinLog()
    monkeypatch.setattr(hardware.gpio_panel, "make_pin_factory", lambda choice: pins.factory())
    appliance = build(cfg)
    try:
        api, notice = start_calling(cfg, appliance)
        assert api is not None and notice is None
        appliance.api = api  # type: ignore[attr-defined]
        yield cfg, appliance, pins
    finally:
        appliance.close()


def post(appliance, counter: int, action: str) -> dict:
    request = urllib.request.Request(
        f"{appliance.api.url}/api/v1/counters/{counter}/{action}", method="POST", data=b"{}",
        headers={"Authorization": f"Bearer {TOKENS[counter]}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as reply:
        return json.load(reply)


def test_lan_api_call_shows_on_the_7_segment_display_and_chimes(lobby) -> None:
    cfg, appliance, pins = lobby
    time.sleep(0.4)  # two feed polls: this morning's 11 calls are not replayed
    assert appliance.display.state() == " " * 6 and chimes(pins) == 0
    assert post(appliance, 3, "next")["ticket"]["label"] == "A012"
    assert wait_until(lambda: glass_shows(pins, "A0123"))
    # Spelled out: the lane digit (first select pin, GPIO21) lights a, b, c, e, f, g for "A",
    # the counter digit (GPIO23) a, b, c, d, g for "3".
    seen = digits_shown(pins)
    assert seen[0][-1] == (1, 1, 1, 0, 1, 1, 1) and seen[4][-1] == (1, 1, 1, 1, 0, 0, 1)
    assert wait_until(lambda: chimes(pins) == 1)
    assert appliance.simulation.display_state().startswith("A012 3")
    time.sleep(0.4)
    assert chimes(pins) == 1  # announced once, not by the API and again by the feed


def test_a_separate_kiosk_call_process_reaches_the_display(lobby, lobby_file) -> None:
    cfg, appliance, pins = lobby
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "--config", str(lobby_file), "call",
         "--counter", "3"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "A012"
    assert wait_until(lambda: glass_shows(pins, "A0123"))
    assert wait_until(lambda: chimes(pins) == 1)


def test_counter_button_calls_next_and_a_press_with_nobody_waiting_changes_nothing(
        lobby) -> None:
    cfg, appliance, pins = lobby
    assert appliance.simulation.press_counter(3, "next")
    assert wait_until(lambda: glass_shows(pins, "A0123"))
    assert wait_until(lambda: chimes(pins) == 1)
    db = store.connect(cfg.database)
    try:
        assert calling_service(cfg, db, utc_now).current(3).label == "A012"
        # Counter 3 serves only walk-ins and none is waiting: A012 is finished, but the
        # lobby is not disturbed (no chime, the display keeps the last call).
        assert appliance.simulation.press_counter(3, "next")
        assert calling_service(cfg, db, utc_now).current(3) is None
    finally:
        db.close()
    time.sleep(0.5)
    assert chimes(pins) == 1
    assert appliance.display.state() == "A012 3"


def test_recall_button_shows_the_number_again_and_chimes_again(lobby) -> None:
    cfg, appliance, pins = lobby
    db = store.connect(cfg.database)
    Numbering(db, cfg.office.code, "KUP-SIM1").take(
        "B", calling_service(cfg, db, utc_now).today(), None, utc_now())
    db.close()
    appliance.simulation.press_counter(3, "next")
    assert wait_until(lambda: glass_shows(pins, "A0123") and chimed(appliance, pins, 1))
    assert post(appliance, 1, "next")["ticket"]["label"] == "B001"
    assert wait_until(lambda: glass_shows(pins, "B0011") and chimed(appliance, pins, 2))
    assert appliance.simulation.press_counter(3, "recall")
    assert wait_until(lambda: glass_shows(pins, "A0123"))
    assert wait_until(lambda: chimes(pins) == 3)


def test_a_number_marked_no_show_leaves_the_simulated_display(lobby) -> None:
    """Issue 13: the display kept showing the number after a no-show and a bring-back."""
    cfg, appliance, pins = lobby
    assert post(appliance, 3, "next")["ticket"]["label"] == "A012"
    assert wait_until(lambda: appliance.simulation.display_state().startswith("A012 3"))
    db = store.connect(cfg.database)
    try:
        calling = calling_service(cfg, db, utc_now)
        for _ in range(cfg.calling.max_recalls):
            calling.recall(3)
        assert calling.mark_no_show(3).status == "no_show"
        assert wait_until(lambda: appliance.simulation.display_state().strip() == "")
        assert calling.bring_back("A012").status == "waiting"
    finally:
        db.close()
    time.sleep(0.4)
    assert appliance.display.state() == " " * 6


async def test_simulation_draws_the_display_and_keys_press_counter_1s_buttons(lobby) -> None:
    from textual.widgets import Static

    from screens.app import KioskApp

    cfg, appliance, pins = lobby
    app = KioskApp(cfg, appliance.service, appliance.simulation)
    async with app.run_test() as pilot:
        def shown() -> str:
            return str(app.screen.query_one("#sim-display", Static).render())

        await pilot.pause()
        assert shown().startswith("Papan nomor (simulasi):") and "A012" not in shown()
        await pilot.press("n")
        # printable keys are held briefly (USB scanner detection)
        await settle(pilot, groups=("sim-counter",))
        assert await until(pilot, lambda: "A012 1" in shown())
        assert "Papan nomor (simulasi): A012 1" in shown()
        assert await until(pilot, lambda: chimed(appliance, pins, 1))
        await pilot.press("r")
        await settle(pilot, groups=("sim-counter",))
        assert await until(pilot, lambda: chimes(pins) == 2)
        assert "A012 1" in shown()


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_n_with_nobody_waiting_says_so(lobby) -> None:
    """Issue 13: `n` (counter 1's mock next button) with nobody waiting gave no feedback."""
    from screens.app import KioskApp

    cfg, appliance, _pins = lobby
    app = KioskApp(cfg, appliance.service, appliance.simulation)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("n")  # calls A012, the last one waiting
        await settle(pilot, groups=("sim-counter",))
        assert await until(pilot, lambda: "A012 1" in (appliance.simulation.display_state()
                                                          or ""))
        assert not any("menunggu" in text for text in notifications(app))
        await pilot.press("n")
        await settle(pilot, groups=("sim-counter",))
        assert await until(pilot, lambda: "Tidak ada yang menunggu untuk Loket 1"
                           in notifications(app)), notifications(app)
        await pilot.press("l")  # in English too
        await pilot.press("n")
        await settle(pilot, groups=("sim-counter",))
        assert await until(pilot, lambda: "Nobody is waiting for Loket 1"
                           in notifications(app)), notifications(app)
